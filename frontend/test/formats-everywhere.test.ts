// Issue 11 item 8: a measure's number format is used by every chart, not only bars, tables
// and KPIs: a scatter's axes, and a map's list of values (drawn under the map in its PNG), its
// note about hidden rows and its colour legend.
import { describe, expect, test } from 'vitest';
import { HIDDEN_LABEL, buildChart, type ChartInput, type ChartModel } from '../src/chart-options.js';
import { formatMeasure } from '../src/format.js';
import type { Cell, ChartType, GeoPlace, NumberFormat, QuerySpec, ResultColumn } from '../src/types.js';
import { index } from './catalog.js';

const theme = { text: '#111111', muted: '#666666', line: '#dddddd', surface: '#ffffff', land: '#eeeeee', palette: ['#3366cc', '#dc3912', '#ff9900'] };
const eur: NumberFormat = { type: 'currency', currency: 'EUR', decimals: 0 };
const pct: NumberFormat = { type: 'percent', decimals: 1 };
type Echarts = Extract<ChartModel, { kind: 'echarts' }>;

function build(type: ChartType, spec: QuerySpec, columns: ResultColumn[], rows: Cell[][], extra: Partial<ChartInput> = {}): Echarts {
  const model = buildChart({ type, spec, result: { columns, rows }, index, theme, ...extra });
  expect(model.kind).toBe('echarts');
  return model as Echarts;
}

describe('number formats beyond bars, tables and KPIs', () => {
  test("a scatter's axes read in each measure's format", () => {
    const spec: QuerySpec = {
      table: 'employees',
      measures: [{ agg: 'avg', column: 'salary', format: eur }, { agg: 'count', share: true, format: pct }],
      dimensions: [{ column: 'department' }],
    };
    const columns: ResultColumn[] = [
      { name: 'department', type: 'string' },
      { name: 'avg_salary', type: 'number', format: eur },
      { name: 'count_share', type: 'number', format: pct },
    ];
    const o = build('scatter', spec, columns, [['Sales', 98000, 12.5], ['HR', 61000, 4]]).option as any;
    expect(o.xAxis.axisLabel.formatter(120000)).toBe(formatMeasure(120000, eur, 'compact'));
    expect(o.xAxis.axisLabel.formatter(120000)).toContain('€');
    expect(o.yAxis.axisLabel.formatter(12)).toBe(formatMeasure(12, pct, 'compact'));
    expect(o.yAxis.axisLabel.formatter(12)).toContain('%');
  });

  const paris: GeoPlace = { kind: 'city', name: 'Paris', lat: 48.86, lon: 2.35, country_code: 'FR', country: 'France', country_numeric: '250' };
  const france: GeoPlace = { kind: 'country', name: 'France', lat: 46.6, lon: 2.2, country_code: 'FR', country: 'France', country_numeric: '250' };

  test("a map's listed values, hidden rows' total and note read in the format", () => {
    const spec: QuerySpec = { table: 'employees', measures: [{ agg: 'sum', column: 'salary', format: eur }], dimensions: [{ column: 'location' }] };
    const columns: ResultColumn[] = [
      { name: 'location', type: 'string', null_means: 'hidden' },
      { name: 'sum_salary', type: 'number', format: eur },
    ];
    const model = build('map', spec, columns, [['Paris', 1234.4], [null, 5600.2]], { places: { Paris: paris } });
    expect(model.values?.items).toEqual([
      ['Paris', formatMeasure(1234.4, eur)],
      [HIDDEN_LABEL, formatMeasure(5600.2, eur)],
    ]);
    expect(model.values?.items[1]![1]).toContain('€');
    expect(model.notes.join(' ')).toContain(formatMeasure(5600.2, eur));
  });

  test("a shaded map's colour legend reads in the format", () => {
    const spec: QuerySpec = { table: 'employees', measures: [{ agg: 'count', share: true, format: pct }], dimensions: [{ column: 'country' }] };
    const columns: ResultColumn[] = [{ name: 'country', type: 'string' }, { name: 'count_share', type: 'number', format: pct }];
    const model = build('map', spec, columns, [['France', 40]], { places: { France: france } });
    const legend = (model.option as any).visualMap;
    expect(legend).toBeTruthy();
    expect(legend.text).toEqual([formatMeasure(40, pct, 'compact'), formatMeasure(0, pct, 'compact')]);
  });
});
