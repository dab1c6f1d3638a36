// Issue 11, "old saved tiles still load": a tile saved with a v1 spec (before calculations,
// shares, bands, records, relative dates and comparisons) opens in the builder and, saved
// again untouched, goes back to the server as the same spec, with no v2 key added; the chart
// rules pick for it what they picked before v2.
import { describe, expect, test } from 'vitest';
import { draftFromTile, draftSpec } from '../src/draft.js';
import { defaultChart, specialOf } from '../src/model.js';
import type { ChartType, QuerySpec } from '../src/types.js';
import { index } from './catalog.js';

const V1_TILES: Array<[string, QuerySpec, ChartType]> = [
  ['a number', { table: 'employees', measures: [{ agg: 'count' }] }, 'kpi'],
  ['by a category, biggest first, cut',
    { table: 'employees', measures: [{ agg: 'avg', column: 'salary' }], dimensions: [{ column: 'department' }],
      order_by: [{ by: 'avg_salary', desc: true }], limit: 5 }, 'bar'],
  ['by month, in time order, filtered',
    { table: 'sales', measures: [{ agg: 'sum', column: 'amount' }], dimensions: [{ column: 'sale_date', grain: 'month' }],
      filters: [{ column: 'sale_date', op: 'between', value: ['2024-01-01', '2024-12-31'] }],
      order_by: [{ by: 'sale_date_month', desc: false }] }, 'line'],
  ['split by a second column',
    { table: 'employees', measures: [{ agg: 'count' }], dimensions: [{ column: 'department' }, { column: 'remote' }],
      filters: [{ column: 'department', op: 'in', value: ['Sales', 'HR'] }],
      order_by: [{ by: 'count', desc: true }] }, 'bar_stacked'],
];

describe('v1 tiles in the v2 builder', () => {
  for (const [name, spec, chart] of V1_TILES) {
    test(name, () => {
      const draft = draftFromTile({ id: 't', title: 'Saved before v2', query: spec, chart: {}, layout: { x: 0, y: 0, w: 6, h: 4 } }, index);
      expect(draftSpec(draft, index)).toEqual(spec);
      expect(specialOf(spec)).toBeNull();
      expect(defaultChart(index, spec)).toBe(chart);
    });
  }
});
