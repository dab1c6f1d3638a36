// Relative date ranges come in two shapes: the builder writes {"unit": "quarter"} for "this /
// the previous / so far this" period, the AI, the API and docs/queries.md write "quarter".
// Both must read the same in the builder and in a tile's filter words.
import { expect, test } from 'vitest';
import { draftFromTile, draftSpec } from '../src/draft.js';
import { filterText } from '../src/tile-filters.js';
import type { QuerySpec } from '../src/types.js';
import { index } from './catalog.js';

test('a tile with a bare unit opens in the builder with that unit', () => {
  const query = {
    table: 'sales',
    measures: [{ agg: 'count' }],
    filters: [{ column: 'sale_date', op: 'previous', value: 'quarter', anchor: 'latest' }],
  } as unknown as QuerySpec;
  const draft = draftFromTile({ id: 't', title: 'Last quarter', query, chart: {}, layout: { x: 0, y: 0, w: 6, h: 4 } }, index);
  expect(draft.dates).toEqual([{ column: 'sale_date', op: 'previous', value: { unit: 'quarter' }, anchor: 'latest' }]);
  expect(draftSpec(draft, index).filters).toEqual([{ column: 'sale_date', op: 'previous', value: { unit: 'quarter' }, anchor: 'latest' }]);
});

test('"so far this year" reads the same in both shapes', () => {
  const builder = filterText({ column: 'sale_date', op: 'to_date', value: { unit: 'year' } } as never);
  const written = filterText({ column: 'sale_date', op: 'to_date', value: 'year' } as never);
  expect(builder).toBe('sale_date: year to date');
  expect(written).toBe(builder);
  expect(filterText({ column: 'sale_date', op: 'this', value: { unit: 'month' } } as never)).toBe('sale_date: this month');
  expect(filterText({ column: 'sale_date', op: 'previous', value: 'month' } as never)).toBe('sale_date: previous month');
});
