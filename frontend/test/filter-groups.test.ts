// Spec v2 filter groups ("any", "all", "without") in the editor: the builder has no controls
// for them, so it says them in words and keeps them as they are when the tile is edited.
import { describe, expect, test } from 'vitest';
import { breakdownChoices } from '../src/drill.js';
import { draftFromTile, draftSpec } from '../src/draft.js';
import { groupText, isGroup } from '../src/filter-groups.js';
import { filterText, tileFilterTexts } from '../src/tile-filters.js';
import type { FilterEntry, QuerySpec, Tile } from '../src/types.js';
import { index } from './catalog.js';

const either: FilterEntry = {
  any: [
    { column: 'location', op: 'eq', value: 'Paris' },
    { all: [{ column: 'rating', op: 'eq', value: 5 }, { column: 'remote', op: 'eq', value: true }] },
  ],
};
const noSales: FilterEntry = {
  without: 'sales',
  where: [{ column: 'sale_date', op: 'between', value: ['2025-01-01', '2025-12-31'] }],
};

function tile(query: QuerySpec): Tile {
  return { id: 't1', title: 'People', query, chart: { type: 'table' }, layout: { x: 0, y: 0, w: 6, h: 4 } } as Tile;
}

const query: QuerySpec = {
  table: 'employees',
  measures: [{ agg: 'count' }],
  dimensions: [{ column: 'department' }],
  filters: [
    { column: 'department', op: 'in', value: ['Sales', 'Support'] },
    either,
    { column: 'hire_date', op: 'last', value: { n: 6, unit: 'month' } },
    noSales,
  ],
};

describe('a tile with filter groups opened in the builder', () => {
  test('keeps every group, unchanged, in the spec it saves', () => {
    const draft = draftFromTile(tile(query), index);
    expect(draft.groups).toEqual([either, noSales]);
    // The builder's own filter rows hold only plain filters: a group is no editable row.
    expect(draft.filters).toEqual([{ column: 'department', op: 'in', value: ['Sales', 'Support'] }]);
    const saved = draftSpec(draft, index);
    expect(saved.filters).toEqual([
      { column: 'department', op: 'in', value: ['Sales', 'Support'] },
      { column: 'hire_date', op: 'last', value: { n: 6, unit: 'month' } },
      either,
      noSales,
    ]);
  });

  test('survives edits of everything else, and is a copy (editing the draft leaves the tile alone)', () => {
    const draft = draftFromTile(tile(query), index);
    const edited = {
      ...draft,
      measures: [{ agg: 'avg' as const, column: 'salary' }],
      dims: [{ column: 'location' }],
      filters: [...draft.filters, { column: 'remote', op: 'eq' as const, value: false }],
    };
    const saved = draftSpec(edited, index);
    expect(saved.filters?.filter(isGroup)).toEqual([either, noSales]);
    expect(saved.filters).toContainEqual({ column: 'remote', op: 'eq', value: false });
    (draft.groups![0] as { any: FilterEntry[] }).any.pop();
    expect((query.filters![1] as { any: FilterEntry[] }).any).toHaveLength(2);
  });

  test('a records tile keeps its groups too', () => {
    const records: QuerySpec = { table: 'employees', select: ['full_name'], filters: [noSales], limit: 50 };
    const saved = draftSpec(draftFromTile(tile(records), index), index);
    expect(saved.filters).toEqual([noSales]);
  });

  test('removing a group is a choice the user makes, not a side effect', () => {
    const draft = draftFromTile(tile(query), index);
    const saved = draftSpec({ ...draft, groups: draft.groups!.slice(1) }, index);
    expect(saved.filters?.filter(isGroup)).toEqual([noSales]);
  });
});

describe('groups in words', () => {
  const label = (c: string) => c.replace(/^sales\./, '').replace(/_/g, ' ');

  test('any, all and without read as a sentence', () => {
    const words = (f: Parameters<typeof filterText>[0]) => filterText(f, label);
    expect(groupText(either as never, words)).toBe('location = Paris or (rating = 5 and remote = yes)');
    expect(groupText(noSales as never, words)).toBe('No sales (sale date: Jan 1, 2025–Dec 31, 2025)');
    expect(groupText({ without: 'sales' }, words)).toBe('No sales');
  });

  test("the tile's own filters list the groups, none left out", () => {
    const texts = tileFilterTexts(query as { filters?: unknown[] }, label);
    expect(texts).toEqual([
      'department: Sales, Support',
      'location = Paris or (rating = 5 and remote = yes)',
      'hire date: last 6 months',
      'No sales (sale date: Jan 1, 2025–Dec 31, 2025)',
    ]);
  });

  test('drilling past a tile with groups still offers breakdowns', () => {
    const choices = breakdownChoices(index, query);
    expect(choices.length).toBeGreaterThan(0);
  });
});
