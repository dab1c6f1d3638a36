// buildChart and its helpers: how a tile's query and result become what is drawn. Pure
// functions, so they are tested here rather than only through the browser.
import { describe, expect, test } from 'vitest';
import {
  HIDDEN_LABEL,
  MAX_SERIES,
  MAX_SLICES,
  buildChart,
  chartNeeds,
  emptyLabel,
  escapeHtml,
  type ChartInput,
  type ChartModel,
} from '../src/chart-options.js';
import type { Cell, ChartType, GeoPlace, QuerySpec, ResultColumn } from '../src/types.js';
import { index } from './catalog.js';
import { CatalogIndex } from '../src/model.js';

const theme = { text: '#111111', muted: '#666666', line: '#dddddd', surface: '#ffffff', land: '#eeeeee', palette: ['#3366cc', '#dc3912', '#ff9900'] };

function input(type: ChartType, spec: QuerySpec, columns: ResultColumn[], rows: Cell[][], extra: Partial<ChartInput> = {}): ChartInput {
  return { type, spec, result: { columns, rows }, index, theme, ...extra };
}

type Echarts = Extract<ChartModel, { kind: 'echarts' }>;
const option = (model: ChartModel): any => {
  expect(model.kind).toBe('echarts');
  return (model as Echarts).option;
};

const byDepartment: QuerySpec = { table: 'employees', measures: [{ agg: 'count' }], dimensions: [{ column: 'department' }] };
const deptColumns: ResultColumn[] = [{ name: 'department', type: 'string' }, { name: 'count', type: 'integer' }];

describe('buildChart', () => {
  test('no rows: a message, whatever the chart', () => {
    for (const type of ['bar', 'kpi', 'table', 'map'] as ChartType[]) {
      const model = buildChart(input(type, byDepartment, deptColumns, []));
      expect(model).toEqual({ kind: 'empty', message: 'This chart has no data.' });
      const filtered = buildChart(input(type, { ...byDepartment, filters: [{ column: 'department', op: 'eq', value: 'Legal' }] }, deptColumns, []));
      expect(filtered).toEqual({ kind: 'empty', message: 'No data matches this chart. Try removing a filter.' });
    }
  });

  test('a total over no rows (a row of NULLs) says there is no data, not a dash', () => {
    const revenue: QuerySpec = { table: 'sales', measures: [{ agg: 'sum', column: 'amount' }], filters: [{ column: 'sale_date', op: 'between', value: ['2026-06-07', '2026-12-06'] }] };
    const columns: ResultColumn[] = [{ name: 'sum_amount', type: 'number' }];
    for (const type of ['kpi', 'table', 'bar'] as ChartType[]) {
      expect(buildChart(input(type, revenue, columns, [[null]]))).toEqual({ kind: 'empty', message: 'No data matches this chart. Try removing a filter.' });
    }
    // A count over no rows is 0, a number worth showing.
    expect(buildChart(input('kpi', { table: 'employees', measures: [{ agg: 'count' }] }, [{ name: 'count', type: 'integer' }], [[0]])).kind).toBe('kpi');
  });

  test('no rows because the user lacks what an access rule needs: say so, not "remove a filter"', () => {
    // A token without the attribute a rule compares with (fails closed): the tile said "No data
    // matches this chart. Try removing a filter." to a user who had no filter to remove.
    const base = input('bar', byDepartment, deptColumns, []);
    const closed = { ...base, result: { ...base.result, security_filters: ['orders.country IN user.countries (missing: no rows)'] } };
    const model = buildChart(closed);
    expect(model.kind === 'empty' && model.message).toContain('Ask your administrator');
    // Rows hidden by a rule: the user's own rows are what matched nothing (another user may see
    // some); "remove a filter" only when the chart has one.
    const ruled = { ...base, result: { ...base.result, security_filters: ["sales.sales_region = 'North'"] } };
    expect(buildChart(ruled)).toEqual({ kind: 'empty', message: 'None of the rows you may see match this chart.' });
    const both = { ...ruled, spec: { ...byDepartment, filters: [{ column: 'department', op: 'eq' as const, value: 'Legal' }] } };
    expect(buildChart(both)).toEqual({ kind: 'empty', message: 'None of the rows you may see match this chart. Try removing a filter.' });
  });

  test('no rows in a date range counted from today: say that the data may end earlier', () => {
    const last = { column: 'hire_date', op: 'last' as const, value: { n: 6, unit: 'month' as const } };
    const fromToday = buildChart(input('bar', { ...byDepartment, filters: [last] }, deptColumns, []));
    expect(fromToday.kind === 'empty' && fromToday.message).toContain('Count back from the latest date in the data');
    const fromLatest = buildChart(input('bar', { ...byDepartment, filters: [{ ...last, anchor: 'latest' as const }] }, deptColumns, []));
    expect(fromLatest).toEqual({ kind: 'empty', message: 'No data matches this chart. Try removing a filter.' });
  });

  test('no rows in a relative range outside the data: say which dates it kept and where the data ends', () => {
    const last = { column: 'hire_date', op: 'last' as const, value: { n: 6, unit: 'month' as const } };
    const spec = { ...byDepartment, filters: [last] };
    const answer = (data: { from: string | null; to: string | null }, anchor: 'today' | 'latest' = 'today') => {
      const relative_dates = [{ filter: 0, column: 'hire_date', anchor, anchor_date: '2026-12-06', from: '2026-06-01', to: '2026-11-30', data }];
      const model = buildChart(input('bar', spec, deptColumns, [], { result: { columns: deptColumns, rows: [], relative_dates } } as Partial<ChartInput>));
      return model.kind === 'empty' ? model.message : '';
    };
    const ended = answer({ from: '2023-01-01', to: '2025-12-31' });
    expect(ended).toMatch(/^No data from Jun 1, 2026 to Nov 30, 2026: your hire date data runs from Jan 1, 2023 to Dec 31, 2025\./i);
    expect(ended).toContain('Count back from the latest date in the data');
    expect(answer({ from: '2023-01-01', to: '2025-12-31' }, 'latest')).not.toContain('Count back');
    expect(answer({ from: null, to: null })).toMatch(/no hire date data at all/i);
    // The range overlaps the data: another filter emptied it, the usual message stays.
    expect(answer({ from: '2023-01-01', to: '2026-07-31' })).toContain('If your data ends before today');
  });

  test('a bar chart: one category per row, the measure as the series, labelled', () => {
    const o = option(buildChart(input('bar', byDepartment, deptColumns, [['Sales', 12], ['HR', 3], [null, 1]])));
    expect(o.xAxis.data).toEqual(['Sales', 'HR', '(empty)']);
    expect(o.series).toHaveLength(1);
    expect(o.series[0].type).toBe('bar');
    expect(o.series[0].data).toEqual([12, 3, 1]);
    expect(o.series[0].name).toBe('Number of employees');
    expect(o.xAxis.name).toBe('Department');
    expect(o.legend.show).toBe(false);
  });

  test('a horizontal bar swaps the axes and reads top down', () => {
    const o = option(buildChart(input('bar_horizontal', byDepartment, deptColumns, [['Sales', 12], ['HR', 3]])));
    expect(o.yAxis.type).toBe('category');
    expect(o.yAxis.inverse).toBe(true);
    expect(o.xAxis.type).toBe('value');
  });

  test('a line over time is sorted by date whatever the query order', () => {
    const spec: QuerySpec = { table: 'employees', measures: [{ agg: 'count' }], dimensions: [{ column: 'hire_date', grain: 'year' }] };
    const columns = [{ name: 'hire_date_year', type: 'date' }, { name: 'count', type: 'integer' }];
    const o = option(buildChart(input('line', spec, columns, [['2024-01-01', 5], ['2022-01-01', 2], ['2023-01-01', 4]])));
    expect(o.xAxis.data).toEqual(['2022', '2023', '2024']);
    expect(o.series[0].data).toEqual([2, 4, 5]);
    expect(o.series[0].type).toBe('line');
    expect(o.series[0].areaStyle).toBeUndefined();
  });

  test('two breakdowns pivot into one series per value of the second, largest first, stacked', () => {
    const spec: QuerySpec = { ...byDepartment, dimensions: [{ column: 'department' }, { column: 'remote' }] };
    const columns = [{ name: 'department', type: 'string' }, { name: 'remote', type: 'boolean' }, { name: 'count', type: 'integer' }];
    const rows: Cell[][] = [['Sales', true, 2], ['Sales', false, 10], ['HR', false, 3]];
    const o = option(buildChart(input('bar_stacked', spec, columns, rows)));
    expect(o.series.map((s: { name: string }) => s.name)).toEqual(['No', 'Yes']);
    expect(o.series[0].data).toEqual([10, 3]);
    expect(o.series[1].data).toEqual([2, null]);
    expect(o.series.every((s: { stack?: string }) => s.stack === 'total')).toBe(true);
    expect(o.legend.show).toBe(true);
  });

  test(`past ${MAX_SERIES} series the smallest are grouped as Other, with a note`, () => {
    const spec: QuerySpec = { ...byDepartment, dimensions: [{ column: 'hire_date', grain: 'year' }, { column: 'full_name' }] };
    const columns = [{ name: 'hire_date_year', type: 'date' }, { name: 'full_name', type: 'string' }, { name: 'count', type: 'integer' }];
    const rows: Cell[][] = Array.from({ length: MAX_SERIES + 3 }, (_, i) => ['2024-01-01', `P${i}`, 100 - i]);
    const model = buildChart(input('line', spec, columns, rows));
    const o = option(model);
    expect(o.series).toHaveLength(MAX_SERIES + 1);
    expect(o.series.at(-1).name).toBe('Other');
    expect(o.series.at(-1).data).toEqual([100 - MAX_SERIES + 100 - MAX_SERIES - 1 + 100 - MAX_SERIES - 2]);
    expect((model as Echarts).notes[0]).toMatch(/Showing the 10 largest of 13/);
  });

  test('the top N in each group never folds a pick into Other', () => {
    // "Top 3 products per category": 4 categories x 3 picks = 12 products, each of them an
    // answer; stacked bars said "10 largest of 12; the rest grouped as Other".
    const spec: QuerySpec = {
      table: 'sales',
      measures: [{ agg: 'sum', column: 'amount' }],
      dimensions: [{ column: 'category' }, { column: 'product' }],
      order_by: [{ by: 'sum_amount', desc: true }],
      limit: 3,
      limit_per: 'category',
    };
    const columns = [{ name: 'category', type: 'string' }, { name: 'product', type: 'string' }, { name: 'sum_amount', type: 'number' }];
    const rows: Cell[][] = Array.from({ length: 12 }, (_, i) => [`C${i % 4}`, `P${i}`, 1000 - i]);
    for (const type of ['bar_stacked', 'bar', 'bar_horizontal'] as const) {
      const model = buildChart(input(type, spec, columns, rows)) as Echarts;
      const o = option(model);
      expect(o.series.map((s: { name: string }) => s.name)).toEqual(rows.map((r) => r[1]));
      expect(model.notes.join(' ')).not.toMatch(/Other/);
    }
    // Without limit_per the same rows are series past MAX_SERIES, folded as before.
    const { limit_per: _per, ...plain } = spec;
    expect(option(buildChart(input('bar_stacked', plain, columns, rows))).series.at(-1).name).toBe('Other');
  });

  test('the note on series grouped as Other keeps the case of a label the catalog gives', () => {
    const upper = new CatalogIndex({
      sources: [{ id: 'd', name: 'D', dialect: 'postgresql', tables: [{ name: 'items', columns: [
        { name: 'region', type: 'string' }, { name: 'sku', type: 'string', display_name: 'SKU' }, { name: 'store', type: 'string' },
      ] }] }],
    });
    const rows: Cell[][] = Array.from({ length: MAX_SERIES + 3 }, (_, i) => ['North', `S${i}`, 100 - i]);
    const columns = [{ name: 'region', type: 'string' }, { name: 'sku', type: 'string' }, { name: 'count', type: 'integer' }];
    const bySku: QuerySpec = { table: 'items', measures: [{ agg: 'count' }], dimensions: [{ column: 'region' }, { column: 'sku' }] };
    const notes = (buildChart(input('bar', bySku, columns, rows, { index: upper })) as Echarts).notes;
    expect(notes[0]).toBe(`Showing the ${MAX_SERIES} largest of ${MAX_SERIES + 3} SKU values; the rest are grouped as Other.`);
    // A name made from the database's own name still reads in lower case.
    const byStore: QuerySpec = { ...bySku, dimensions: [{ column: 'region' }, { column: 'store' }] };
    const storeNotes = (buildChart(input('bar', byStore, [columns[0]!, { name: 'store', type: 'string' }, columns[2]!], rows, { index: upper })) as Echarts).notes;
    expect(storeNotes[0]).toContain(' store values;');
  });

  test('a pie keeps the largest slices and groups the rest as Other', () => {
    const rows: Cell[][] = Array.from({ length: MAX_SLICES + 3 }, (_, i) => [`D${i}`, i + 1]);
    const model = buildChart(input('pie', byDepartment, deptColumns, rows));
    const data = option(model).baseOption.series[0].data as Array<{ name: string; value: number }>;
    expect(data).toHaveLength(MAX_SLICES + 1);
    expect(data[0]).toEqual({ name: `D${MAX_SLICES + 2}`, value: MAX_SLICES + 3 });
    expect(data.at(-1)).toEqual({ name: 'Other', value: 1 + 2 + 3 });
    expect((model as Echarts).notes).toEqual(['The 3 smallest slices are grouped as Other.']);
  });

  test('a pie leaves out slices of zero or less, and a donut has a hole', () => {
    const rows: Cell[][] = [['Sales', 4], ['HR', 0], ['Ops', -1]];
    const pie = option(buildChart(input('pie', byDepartment, deptColumns, rows))).baseOption.series[0];
    expect(pie.data).toEqual([{ name: 'Sales', value: 4 }]);
    expect(pie.radius[0]).toBe('0%');
    const donut = option(buildChart(input('donut', byDepartment, deptColumns, rows))).baseOption.series[0];
    expect(donut.radius[0]).not.toBe('0%');
  });

  test('slanted category labels leave no room for an axis name they do not have', () => {
    const byProduct: QuerySpec = { table: 'sales', measures: [{ agg: 'sum', column: 'amount' }], dimensions: [{ column: 'product' }] };
    const columns: ResultColumn[] = [{ name: 'product', type: 'string' }, { name: 'sum_amount', type: 'number' }];
    const rows: Cell[][] = [['Design Studio', 5], ['Office Suite License', 3], ['Laptop Pro 14', 2], ['Laptop Air 13', 1], ['Cloud Backup 1 TB', 1]];
    const slanted = option(buildChart(input('bar', byProduct, columns, rows)));
    expect(slanted.xAxis.axisLabel.rotate).toBe(30);
    expect(slanted.xAxis.name).toBe('');
    expect(slanted.grid.bottom).toBe(8);
    const level = option(buildChart(input('bar', byDepartment, deptColumns, [['HR', 3], ['Ops', 1]])));
    expect(level.xAxis.axisLabel.rotate).toBe(0);
    expect(level.grid.bottom).toBe(28); // the axis name "Department" is under the labels
  });

  test('a table writes one column\'s numbers with the same decimals', () => {
    const records: QuerySpec = { table: 'sales', select: ['id', 'amount'] };
    const columns: ResultColumn[] = [{ name: 'id', type: 'integer' }, { name: 'amount', type: 'number' }];
    const model = buildChart(input('table', records, columns, [[1, 9657.9], [2, 1199], [3, 5475]]));
    expect(model.kind === 'table' && model.columns.map((c) => c.format)).toEqual([undefined, { type: 'number', decimals: 1 }]);
    const cents = buildChart(input('table', records, columns, [[1, 79.99], [2, 1199]]));
    expect(cents.kind === 'table' && cents.columns[1]!.format).toEqual({ type: 'number', decimals: 2 });
    // Whole numbers stay whole; a chosen format is kept.
    const whole = buildChart(input('table', records, columns, [[1, 10], [2, 1199]]));
    expect(whole.kind === 'table' && whole.columns[1]!.format).toBeUndefined();
  });

  test('a donut of shares labels its slices with the decimals the measure asks for', () => {
    const share: QuerySpec = { table: 'sales', measures: [{ agg: 'sum', column: 'amount', share: true, format: { type: 'percent', decimals: 1 } }], dimensions: [{ column: 'category' }] };
    const columns: ResultColumn[] = [{ name: 'category', type: 'string' }, { name: 'sum_amount_share', type: 'number', format: { type: 'percent', decimals: 1 } }];
    const rows: Cell[][] = [['Software', 50.18], ['Hardware', 32.43], ['Services', 2.69]];
    const label = option(buildChart(input('donut', share, columns, rows))).baseOption.series[0].label.formatter;
    expect(label({ percent: 50.18 })).toBe('50.2%');
    expect(label({ percent: 2.69 })).toBe('2.7%');
    // Without chosen decimals (a count's pie), the share is rounded to what fits.
    const counts = option(buildChart(input('pie', byDepartment, deptColumns, [['Sales', 3], ['HR', 1]]))).baseOption.series[0].label.formatter;
    expect(counts({ percent: 75 })).toBe('75%');
    expect(counts({ percent: 2.69 })).toBe('2.7%');
  });

  test('a KPI shows the one number, and over time the latest period and its change', () => {
    const total: QuerySpec = { table: 'employees', measures: [{ agg: 'count' }] };
    expect(buildChart(input('kpi', total, [{ name: 'count', type: 'integer' }], [[42]]))).toEqual({ kind: 'kpi', label: 'Number of employees', value: 42 });
    const spec: QuerySpec = { ...total, dimensions: [{ column: 'hire_date', grain: 'year' }] };
    const columns = [{ name: 'hire_date_year', type: 'date' }, { name: 'count', type: 'integer' }];
    const model = buildChart(input('kpi', spec, columns, [['2023-01-01', 40], ['2024-01-01', 50]]));
    expect(model).toMatchObject({ kind: 'kpi', value: 50, period: '2024', change: { ratio: 0.25, previous: '2023', previousValue: 40 } });
  });

  test('a KPI of a date is shown as text, not as a number', () => {
    const spec: QuerySpec = { table: 'employees', measures: [{ agg: 'max', column: 'hire_date' }] };
    const model = buildChart(input('kpi', spec, [{ name: 'max_hire_date', type: 'date' }], [['2024-03-04']]));
    expect(model.kind).toBe('kpi');
    expect(Number.isNaN((model as { value: number }).value)).toBe(true);
    expect((model as { text?: string }).text).toContain('2024');
  });

  test('a table labels its columns and marks the numbers', () => {
    const model = buildChart(input('table', byDepartment, deptColumns, [['Sales', 1]]));
    expect(model).toEqual({
      kind: 'table',
      columns: [
        { label: 'Department', type: 'string', numeric: false },
        { label: 'Number of employees', type: 'integer', numeric: true },
      ],
      rows: [['Sales', 1]],
    });
  });

  test('a scatter of two measures plots one against the other', () => {
    const spec: QuerySpec = { table: 'employees', measures: [{ agg: 'count' }, { agg: 'avg', column: 'salary' }], dimensions: [{ column: 'department' }] };
    const columns = [...deptColumns, { name: 'avg_salary', type: 'number' }];
    const o = option(buildChart(input('scatter', spec, columns, [['Sales', 3, 50000], ['HR', 2, null]])));
    expect(o.series[0].data).toEqual([{ name: 'Sales', value: [3, 50000] }]);
    expect(o.xAxis.name).toBe('Number of employees');
    expect(o.yAxis.name).toBe('Average salary');
  });

  test('rows the user may not see read "Not visible to you", greyed', () => {
    const columns: ResultColumn[] = [{ name: 'department', type: 'string', null_means: 'hidden' }, { name: 'count', type: 'integer' }];
    const o = option(buildChart(input('bar', byDepartment, columns, [['Sales', 4], [null, 2]])));
    expect(o.xAxis.data).toEqual(['Sales', HIDDEN_LABEL]);
    expect(o.series[0].data[0]).toBe(4);
    expect(o.series[0].data[1]).toMatchObject({ value: 2, itemStyle: { color: expect.stringMatching(/^rgb\(/) } });
  });
});

describe('maps', () => {
  const spec: QuerySpec = { table: 'employees', measures: [{ agg: 'count' }], dimensions: [{ column: 'location' }] };
  const columns = [{ name: 'location', type: 'string' }, { name: 'count', type: 'integer' }];
  const paris: GeoPlace = { kind: 'city', name: 'Paris', lat: 48.86, lon: 2.35, country_code: 'FR', country: 'France', country_numeric: '250' };

  test('a map needs the outline of the kind of place it shows', () => {
    expect(chartNeeds({ type: 'map', spec, index })).toBe('city');
    expect(chartNeeds({ type: 'map', spec: { ...spec, dimensions: [{ column: 'country' }] }, index })).toBe('country');
    expect(chartNeeds({ type: 'bar', spec, index })).toBeNull();
  });

  test('cities are dots; places not found are named in a note; values are listed largest first', () => {
    const model = buildChart(input('map', spec, columns, [['Paris', 5], ['Atlantis', 2]], { places: { Paris: paris, Atlantis: null } }));
    const o = option(model);
    expect(o.series).toHaveLength(1);
    expect(o.series[0].type).toBe('scatter');
    expect(o.series[0].data[0]).toMatchObject({ name: 'Paris', amount: 5, value: [2.35, 48.86, 5] });
    expect((model as Echarts).notes).toEqual(['Not on the map (place not recognised): Atlantis.']);
    expect((model as Echarts).values).toEqual({ measure: 'Number of employees', items: [['Paris', '5']] });
  });
});

describe('helpers', () => {
  test('emptyLabel words hidden rows, and nothing for plain empty values', () => {
    expect(emptyLabel({ name: 'x', type: 'string', null_means: 'hidden' })).toBe(HIDDEN_LABEL);
    expect(emptyLabel({ name: 'x', type: 'string', null_means: 'hidden_or_empty' })).toBe(`${HIDDEN_LABEL} or empty`);
    expect(emptyLabel({ name: 'x', type: 'string' })).toBeNull();
    expect(emptyLabel(undefined)).toBeNull();
  });

  test('people by name with a key: namesakes are bars of their own, the table one name column', () => {
    const spec: QuerySpec = {
      table: 'sales',
      measures: [{ agg: 'sum', column: 'amount' }],
      dimensions: [{ column: 'employees.full_name', key: 'employees.id' }],
      order_by: [{ by: 'sum_amount', desc: true }],
    };
    const columns: ResultColumn[] = [{ name: 'employees_full_name', type: 'string' }, { name: 'sum_amount', type: 'number' }];
    const rows: Cell[][] = [['Maria Garcia', 900], ['Li Wei', 500], ['Maria Garcia', 300]];
    const o = option(buildChart(input('bar', spec, columns, rows)));
    // Two Marias, two bars: never one bar holding the second Maria's total alone.
    expect(o.xAxis.data).toEqual(['Maria Garcia', 'Li Wei', 'Maria Garcia']);
    expect(o.series[0].data).toEqual([900, 500, 300]);
    // Without the key, one name is one category (as before).
    const plain = option(buildChart(input('bar', { ...spec, dimensions: [{ column: 'employees.full_name' }] }, columns, [['Maria Garcia', 900], ['Li Wei', 500]])));
    expect(plain.xAxis.data).toEqual(['Maria Garcia', 'Li Wei']);
    const table = buildChart(input('table', spec, columns, rows));
    expect(table.kind).toBe('table');
    if (table.kind === 'table') {
      expect(table.columns.map((c) => c.label)).toHaveLength(2);
      expect(table.rows).toHaveLength(3);
    }
  });

  test('escapeHtml makes names safe in tooltips', () => {
    expect(escapeHtml(`<b a="1">R&D's</b>`)).toBe('&#60;b a=&#34;1&#34;&#62;R&#38;D&#39;s&#60;/b&#62;');
  });
});
