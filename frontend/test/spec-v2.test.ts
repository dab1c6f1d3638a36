// Query spec v2 in the front end: output names, labels, the builder's draft on the wire, the
// chart rules' "special" shapes, number formats and the comparison in charts and KPIs.
import { describe, expect, test } from 'vitest';
import { buildChart, type ChartModel } from '../src/chart-options.js';
import { PAGE_SIZE, adjustFor, draftFromTile, draftSpec, pageSize, wireMeasure, type Draft } from '../src/draft.js';
import { toCsv } from '../src/export.js';
import { formatCell, formatMeasure } from '../src/format.js';
import { chartShape, defaultChart, dimensionAlias, measureAlias, specialOf } from '../src/model.js';
import type { QuerySpec, ResultColumn } from '../src/types.js';
import { index } from './catalog.js';

const theme = { text: '#111', muted: '#666', line: '#ddd', surface: '#fff', land: '#eee', palette: ['#36c', '#d31', '#f90'] };

function draft(patch: Partial<Draft>): Draft {
  return { ...draftFromTile(null, index), table: 'employees', ...patch };
}

describe('output names follow the server', () => {
  test('share, running total, named calculation, bands', () => {
    expect(measureAlias({ agg: 'count', share: true })).toBe('count_share');
    expect(measureAlias({ agg: 'sum', column: 'salary', cumulative: true })).toBe('sum_salary_cumulative');
    expect(measureAlias({ agg: 'count', expr: 'count_if(remote)', name: 'remote_people' })).toBe('remote_people');
    expect(dimensionAlias({ column: 'salary', bin: { width: 20000 } })).toBe('salary_bin');
  });
});

describe('the draft on the wire', () => {
  test('a calculation goes without its agg; a plain count keeps share and format', () => {
    expect(wireMeasure({ agg: 'count', expr: 'count_if(remote)', name: 'remote' })).toEqual({ expr: 'count_if(remote)', name: 'remote' });
    expect(wireMeasure({ agg: 'count', share: true, format: { type: 'percent', decimals: 1 } })).toEqual({
      agg: 'count',
      share: true,
      format: { type: 'percent', decimals: 1 },
    });
  });

  test('records: the chosen columns, a page, sorted by the first', () => {
    const spec = draftSpec(draft({ mode: 'records', select: ['full_name', 'salary'], sort: 'label_desc', limit: null }), index);
    expect(spec).toEqual({ table: 'employees', select: ['full_name', 'salary'], order_by: [{ by: 'full_name', desc: true }], limit: PAGE_SIZE, offset: 0 });
    expect(pageSize(spec)).toBe(PAGE_SIZE);
    // And back: an edited records tile opens as records.
    const back = draftFromTile({ id: 't', title: 'x', query: spec, chart: { type: 'table' }, layout: { x: 0, y: 0, w: 6, h: 4 } }, index);
    expect(back.mode).toBe('records');
    expect(back.select).toEqual(['full_name', 'salary']);
  });

  test('a listing pages only when its limit is a page size, not a top N cut', () => {
    // The builder's rows per page: an `offset` says the tile pages, `limit` rows a page.
    const paged = draftSpec(draft({ mode: 'records', select: ['full_name', 'salary'], sort: 'label_desc', limit: 10 }), index);
    expect(paged.offset).toBe(0);
    expect(pageSize(paged)).toBe(10);
    // "The 10 biggest sales" as the AI writes it: the 10 rows, no page 2 ("Rows 11-20").
    const top: QuerySpec = { table: 'sales', select: ['sale_id', 'product', 'amount'], order_by: [{ by: 'amount', desc: true }], limit: 10 };
    expect(pageSize(top)).toBeNull();
    expect(pageSize({ ...top, limit: 3, order_by: [{ by: 'amount', desc: false }] })).toBeNull();
    // An API listing that asks for pages and one with no limit page.
    expect(pageSize({ ...top, offset: 20 })).toBe(10);
    expect(pageSize({ table: 'sales', select: ['sale_id'] })).toBe(PAGE_SIZE);
    // The top 50 ("list the 50 biggest sales") is a cut like any N: it showed a pager, as the
    // builder's page size once did without an offset.
    expect(pageSize({ ...top, limit: PAGE_SIZE })).toBeNull();
    // Not a listing: no pager.
    expect(pageSize({ table: 'sales', measures: [{ agg: 'count' }], limit: 10 })).toBeNull();
  });

  test('a top N list opened in the builder stays a top N, sorted as it was', () => {
    // "The 10 most recently hired employees" as the AI writes it. Opened in the builder and
    // saved, it came back sorted by the first column (full_name) with `offset: 0`: a pager
    // over every employee, by name, under the title "10 employees with the latest hire date".
    const ai: QuerySpec = { table: 'employees', order_by: [{ by: 'hire_date', desc: true }], limit: 10, select: ['full_name', 'hire_date'] };
    const tile = { id: 't', title: '10 newest', query: ai, chart: { type: 'table' as const }, layout: { x: 0, y: 0, w: 6, h: 4 } };
    const d = draftFromTile(tile, index);
    expect(d.sortBy).toBe('hire_date');
    expect(d.paged).toBe(false);
    const back = draftSpec(d, index);
    expect(back).toEqual({ table: 'employees', select: ['full_name', 'hire_date'], order_by: [{ by: 'hire_date', desc: true }], limit: 10 });
    expect(pageSize(back)).toBeNull();
    // The top 50 too (once taken for the builder's page size).
    const fifty = draftSpec(draftFromTile({ ...tile, query: { ...ai, limit: PAGE_SIZE } }, index), index);
    expect(fifty.offset).toBeUndefined();
    expect(fifty.limit).toBe(PAGE_SIZE);
    // Sorted by an output name (a related column's), it keeps that column.
    const related = draftFromTile({ ...tile, query: { ...ai, select: ['full_name', 'offices.city'], order_by: [{ by: 'offices_city', desc: false }] } }, index);
    expect(draftSpec(related, index).order_by).toEqual([{ by: 'offices.city', desc: false }]);
    // Paged lists stay paged; a top N whose limit is cleared lists every row, page by page.
    const paged = draftFromTile({ ...tile, query: { ...ai, offset: 0 } }, index);
    expect(paged.paged).toBe(true);
    expect(draftSpec(paged, index).offset).toBe(0);
    expect(draftSpec({ ...d, limit: null }, index)).toMatchObject({ limit: PAGE_SIZE, offset: 0 });
    // The sort column unticked: sorted by the first one chosen again.
    expect(draftSpec({ ...d, select: ['full_name', 'salary'] }, index).order_by).toEqual([{ by: 'full_name', desc: true }]);
  });

  test('records sort by the first column by default and draw only as a table', () => {
    const d = draft({ mode: 'records', select: ['salary', 'full_name'], sort: 'auto', limit: 20 });
    expect(draftSpec(d, index).order_by).toEqual([{ by: 'salary', desc: false }]);
    expect(draftSpec(d, index).limit).toBe(20);
    expect(adjustFor(index, d, 'kpi')).toBeNull();
    expect(adjustFor(index, d, 'bar')).toBeNull();
    expect(adjustFor(index, d, 'table')).toEqual({});
  });

  test('relative dates, having, top N per group and comparison', () => {
    const spec = draftSpec(
      draft({
        measures: [{ agg: 'count' }],
        dims: [{ column: 'department' }, { column: 'location' }],
        dates: [{ column: 'hire_date', op: 'last', value: { n: 6, unit: 'month' } }],
        having: [{ by: 'count', op: 'gt', value: 3 }],
        limit: 2,
        limitPer: 'department',
        compare: 'previous_year',
        chart: 'table',
      }),
      index,
    );
    expect(spec.filters).toEqual([{ column: 'hire_date', op: 'last', value: { n: 6, unit: 'month' } }]);
    expect(spec.having).toEqual([{ by: 'count', op: 'gt', value: 3 }]);
    expect(spec.limit_per).toBe('department');
    expect(spec.compare).toEqual({ to: 'previous_year' });
    const back = draftFromTile({ id: 't', title: '', query: spec, chart: {}, layout: { x: 0, y: 0, w: 6, h: 4 } }, index);
    expect(back.dates).toHaveLength(1);
    expect(back.filters).toHaveLength(0);
  });

  test('the top N in each group is a table by default: every pick shown, none as Other', () => {
    const top: QuerySpec = {
      table: 'employees',
      measures: [{ agg: 'avg', column: 'salary' }],
      dimensions: [{ column: 'department' }, { column: 'location' }],
      order_by: [{ by: 'avg_salary', desc: true }],
      limit: 3,
      limit_per: 'department',
    };
    expect(specialOf(top)).toBe('top_per');
    expect(defaultChart(index, top)).toBe('table');
    const { limit_per: _per, ...overall } = top;
    expect(specialOf(overall)).toBeNull();
    expect(defaultChart(index, overall)).toBe('bar_stacked');
  });

  test('top N per group needs a limit and that breakdown', () => {
    const spec = draftSpec(draft({ dims: [{ column: 'department' }], limitPer: 'location', limit: 3 }), index);
    expect(spec.limit_per).toBeUndefined();
  });
});

describe('the chart rules see the new shapes', () => {
  const base: QuerySpec = { table: 'employees', measures: [{ agg: 'count' }], dimensions: [{ column: 'department' }] };
  test('share → donut, comparison → grouped bars or KPI, records → table, bands → bars, running → line', () => {
    expect(defaultChart(index, { ...base, measures: [{ agg: 'count', share: true }] })).toBe('donut');
    expect(defaultChart(index, { ...base, dimensions: [{ column: 'hire_date', grain: 'month' }], compare: { to: 'previous_year' } })).toBe('bar');
    expect(defaultChart(index, { ...base, dimensions: [], compare: { to: 'previous_period' } })).toBe('kpi');
    expect(defaultChart(index, { table: 'employees', select: ['full_name'] })).toBe('table');
    expect(defaultChart(index, { ...base, dimensions: [{ column: 'salary', bin: { width: 20000 } }] })).toBe('bar');
    expect(chartShape(index, { ...base, dimensions: [{ column: 'salary', bin: { count: 10 } }] }).first).toBe('number');
    expect(defaultChart(index, { ...base, measures: [{ agg: 'count', cumulative: true }] })).toBe('line');
    expect(specialOf(base)).toBeNull();
  });
});

describe('a share within each group of the first breakdown: 100% stacked bars', () => {
  const within: QuerySpec = {
    table: 'employees',
    measures: [{ agg: 'count', share: { within: 'department' } }],
    dimensions: [{ column: 'department' }, { column: 'location' }],
  };

  test('named like any share; labelled by its group; its own special shape', () => {
    expect(measureAlias(within.measures![0]!)).toBe('count_share');
    expect(index.measureLabel('employees', within.measures![0]!)).toBe('Number of employees (% within each department)');
    expect(specialOf(within)).toBe('share_within');
    expect(specialOf({ ...within, measures: [{ agg: 'count', share: true }] })).toBe('share');
  });

  test('"Best" is stacked bars, over time too (not lines)', () => {
    expect(defaultChart(index, within)).toBe('bar_stacked');
    expect(defaultChart(index, { ...within, dimensions: [{ column: 'hire_date', grain: 'year' }, { column: 'department' }], measures: [{ agg: 'count', share: { within: 'hire_date' } }] })).toBe('bar_stacked');
  });

  test('on the wire it follows the first breakdown; without a second one it is a share of the total', () => {
    const measures = [{ agg: 'count' as const, share: { within: 'location' } }];
    expect(draftSpec(draft({ measures, dims: [{ column: 'department' }, { column: 'location' }] }), index).measures).toEqual([
      { agg: 'count', share: { within: 'department' } },
    ]);
    expect(draftSpec(draft({ measures, dims: [{ column: 'department' }] }), index).measures).toEqual([{ agg: 'count', share: true }]);
  });

  test('each bar adds up to 100% on an axis that ends at 100%', () => {
    const columns: ResultColumn[] = [
      { name: 'department', type: 'string' },
      { name: 'location', type: 'string' },
      { name: 'count_share', type: 'number' },
    ];
    const rows = [
      ['Sales', 'Paris', 25],
      ['Sales', 'London', 75],
      ['Support', 'Paris', 60],
      ['Support', 'London', 40],
    ];
    const model = buildChart({ type: 'bar_stacked', spec: within, result: { columns, rows }, index, theme }) as Extract<ChartModel, { kind: 'echarts' }>;
    const option = model.option as any;
    const series = option.series as Array<{ data: number[]; stack: string }>;
    expect(series.every((x) => x.stack === 'total')).toBe(true);
    for (const i of [0, 1]) expect(series.reduce((sum, x) => sum + (x.data[i] ?? 0), 0)).toBeCloseTo(100);
    expect(option.yAxis.max).toBe(100);
    // A percent with no format given in the spec still reads as one.
    expect(option.yAxis.axisLabel.formatter(100)).toBe('100%');
    // A share of the total, stacked, is not drawn to 100%.
    const total = buildChart({ type: 'bar_stacked', spec: { ...within, measures: [{ agg: 'count', share: true }] }, result: { columns, rows }, index, theme }) as Extract<ChartModel, { kind: 'echarts' }>;
    expect((total.option as any).yAxis.max).toBeUndefined();
  });
});

describe('number formats', () => {
  test('each type', () => {
    expect(formatMeasure(1234.5, { type: 'number', decimals: 0 })).toBe(new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(1235));
    expect(formatMeasure(42.5, { type: 'percent', decimals: 1 })).toMatch(/^42[.,]5%$/);
    const eur = formatMeasure(1500, { type: 'currency', currency: 'EUR', decimals: 0 });
    expect(eur).toContain('€');
    expect(formatMeasure(2_500_000, { type: 'compact' })).toMatch(/2[.,]5\s?M/);
    // Axis style: short, in the format's unit.
    expect(formatMeasure(120_000, { type: 'currency', currency: 'USD' }, 'compact')).toMatch(/\$120\s?K/);
    // An unknown currency code still shows the number.
    expect(formatMeasure(3, { type: 'currency', currency: 'ZZZ' as string })).toMatch(/3/);
    expect(formatCell(12.25, 'number', undefined, { type: 'percent', decimals: 0 })).toBe('12%');
  });

  test('tables, KPIs and tooltips use the answer format; CSV keeps numbers with the unit in the header', () => {
    const spec: QuerySpec = { table: 'employees', measures: [{ agg: 'sum', column: 'salary', format: { type: 'currency', currency: 'EUR', decimals: 0 } }] };
    const columns: ResultColumn[] = [{ name: 'sum_salary', type: 'number', format: { type: 'currency', currency: 'EUR', decimals: 0 } }];
    const kpi = buildChart({ type: 'kpi', spec, result: { columns, rows: [[1234.56]] }, index, theme }) as Extract<ChartModel, { kind: 'kpi' }>;
    expect(kpi.format).toEqual({ type: 'currency', currency: 'EUR', decimals: 0 });
    const table = buildChart({ type: 'table', spec, result: { columns, rows: [[1234.56]] }, index, theme }) as Extract<ChartModel, { kind: 'table' }>;
    expect(table.columns[0]!.format?.currency).toBe('EUR');
    const bars = buildChart({
      type: 'bar',
      spec: { ...spec, dimensions: [{ column: 'department' }] },
      result: { columns: [{ name: 'department', type: 'string' }, ...columns], rows: [['Sales', 1234.56]] },
      index,
      theme,
    }) as Extract<ChartModel, { kind: 'echarts' }>;
    const tooltip = (bars.option as any).series[0].tooltip.valueFormatter(1234.56) as string;
    expect(tooltip).toContain('€');
    expect(tooltip).not.toContain('.56');
    const csv = toCsv(['Total salary'], [[1234.56]], columns);
    expect(csv).toContain('Total salary (EUR)');
    expect(csv).toContain('1235');
  });
});

describe('a period comparison', () => {
  const spec: QuerySpec = { table: 'employees', measures: [{ agg: 'count' }], dimensions: [{ column: 'hire_date', grain: 'year' }], compare: { to: 'previous_year' } };
  const columns: ResultColumn[] = [
    { name: 'hire_date_year', type: 'date' },
    { name: 'count', type: 'integer' },
    { name: 'count_previous', type: 'integer' },
    { name: 'count_change', type: 'integer' },
    { name: 'count_change_pct', type: 'number' },
  ];
  const rows = [
    ['2024-01-01', 10, 8, 2, 25],
    ['2025-01-01', 12, 10, 2, 20],
  ];

  test('draws each period beside the one before', () => {
    const model = buildChart({ type: 'bar', spec, result: { columns, rows }, index, theme }) as Extract<ChartModel, { kind: 'echarts' }>;
    const series = (model.option as any).series;
    expect(series.map((s: any) => s.name)).toEqual(['Number of employees', 'Number of employees (same period a year before)']);
    expect(series[1].data).toEqual([8, 10]);
  });

  test('with a split, each series has its previous period beside it', () => {
    const split: QuerySpec = { ...spec, dimensions: [{ column: 'hire_date', grain: 'year' }, { column: 'department' }] };
    const splitColumns: ResultColumn[] = [columns[0]!, { name: 'department', type: 'string' }, ...columns.slice(1)];
    const splitRows = [
      ['2024-01-01', 'Sales', 10, 8, 2, 25],
      ['2024-01-01', 'Support', 4, 5, -1, -20],
      ['2025-01-01', 'Sales', 12, 10, 2, 20],
      ['2025-01-01', 'Support', 6, null, null, null],
    ];
    const model = buildChart({ type: 'bar', spec: split, result: { columns: splitColumns, rows: splitRows }, index, theme }) as Extract<ChartModel, { kind: 'echarts' }>;
    const series = (model.option as any).series;
    expect(series.map((s: any) => s.name)).toEqual(['Sales', 'Sales (same period a year before)', 'Support', 'Support (same period a year before)']);
    expect(series.map((s: any) => s.data)).toEqual([[10, 12], [8, 10], [4, 6], [5, null]]);
    // The previous period reads as the same colour, lighter.
    expect(series[1].itemStyle.color).toBe(series[0].itemStyle.color);
    expect(series[1].itemStyle.opacity).toBeLessThan(1);
    // A bar of the previous period is not a point to drill into (its period is not the axis's).
    expect(model.pointAt?.(0, 1)).toEqual(['2025-01-01', 'Sales']);
    expect(model.pointAt?.(1, 1)).toBeNull();
  });

  test('two whole years compared are named by their years', () => {
    // "Compare revenue in 2024 and 2025 by category": the legend read "Total amount" and
    // "Total amount (same pe…" (cut, on a second legend page) in the chat's narrow card.
    const byDept: QuerySpec = { ...spec, dimensions: [{ column: 'department' }], filters: [{ column: 'hire_date', op: 'between', value: ['2025-01-01', '2025-12-31'] }] };
    const deptColumns: ResultColumn[] = [{ name: 'department', type: 'string' }, ...columns.slice(1)];
    const compared = { to: 'previous_year', column: 'hire_date', current: { from: '2025-01-01', to: '2025-12-31' }, previous: { from: '2024-01-01', to: '2024-12-31' } };
    const result = { columns: deptColumns, rows: [['Sales', 12, 10, 2, 20]], compare: compared };
    const bars = buildChart({ type: 'bar', spec: byDept, result, index, theme }) as Extract<ChartModel, { kind: 'echarts' }>;
    expect((bars.option as any).series.map((s: any) => s.name)).toEqual(['Number of employees (2025)', 'Number of employees (2024)']);
    const table = buildChart({ type: 'table', spec: byDept, result, index, theme }) as Extract<ChartModel, { kind: 'table' }>;
    expect(table.columns.map((c) => c.label)).toContain('Number of employees (2024)');
    const kpi = buildChart({ type: 'kpi', spec: { ...byDept, dimensions: [] }, result: { columns: columns.slice(1), rows: [[12, 10, 2, 20]], compare: compared }, index, theme }) as Extract<ChartModel, { kind: 'kpi' }>;
    expect(kpi.change?.previous).toBe('2024');
    // Periods that are not whole years keep their words.
    const quarters = { ...compared, current: { from: '2025-01-01', to: '2025-03-31' }, previous: { from: '2024-01-01', to: '2024-03-31' } };
    const words = buildChart({ type: 'bar', spec: byDept, result: { ...result, compare: quarters }, index, theme }) as Extract<ChartModel, { kind: 'echarts' }>;
    expect((words.option as any).series.map((s: any) => s.name)).toEqual(['Number of employees', 'Number of employees (same period a year before)']);
  });

  test('months of two whole years compared are named by their years', () => {
    // "compare revenue 2024 vs 2025 by quarter": the server now reports the periods of a
    // comparison by a date grain too, and the legend read "Total amount (same period a year
    // before)" without them.
    const byMonth: QuerySpec = { ...spec, filters: [{ column: 'hire_date', op: 'between', value: ['2025-01-01', '2025-12-31'] }], compare: { to: 'previous_year' } };
    const compared = { to: 'previous_year', by: 'hire_date_month', step: '12 months', column: 'hire_date', current: { from: '2025-01-01', to: '2025-12-31' }, previous: { from: '2024-01-01', to: '2024-12-31' } };
    const result = { columns, rows: [['2025-01-01', 12, 10, 2, 20], ['2025-02-01', 8, 9, -1, -11.1]], compare: compared };
    const bars = buildChart({ type: 'bar', spec: byMonth, result, index, theme }) as Extract<ChartModel, { kind: 'echarts' }>;
    expect((bars.option as any).series.map((s: any) => s.name)).toEqual(['Number of employees (2025)', 'Number of employees (2024)']);
  });

  test('a KPI shows the change the server computed', () => {
    const model = buildChart({ type: 'kpi', spec: { ...spec, dimensions: [] }, result: { columns: columns.slice(1), rows: [[12, 10, 2, 20]] }, index, theme }) as Extract<ChartModel, { kind: 'kpi' }>;
    expect(model.value).toBe(12);
    expect(model.change?.ratio).toBeCloseTo(0.2);
    expect(model.change?.previousValue).toBe(10);
  });

  test('the table names the comparison columns', () => {
    const model = buildChart({ type: 'table', spec, result: { columns, rows }, index, theme }) as Extract<ChartModel, { kind: 'table' }>;
    expect(model.columns.map((c) => c.label)).toEqual([
      'Hire date (year)',
      'Number of employees',
      'Number of employees (same period a year before)',
      'Number of employees: change',
      'Number of employees: change (%)',
    ]);
  });
});

describe('number bands', () => {
  test('read in order and by their edges', () => {
    const spec = draftSpec(draft({ dims: [{ column: 'salary', bin: { width: 20000 } }], chart: 'bar' }), index);
    expect(spec.order_by).toEqual([{ by: 'salary_bin', desc: false }]);
    const model = buildChart({
      type: 'bar',
      spec,
      result: { columns: [{ name: 'salary_bin', type: 'number' }, { name: 'count', type: 'integer' }], rows: [[40000, 3], [60000, 5]] },
      index,
      theme,
    }) as Extract<ChartModel, { kind: 'echarts' }>;
    expect((model.option as any).xAxis.data).toEqual(['40K–60K', '60K–80K']);
  });
});

describe('a breakdown with a key (people by name, grouped by their id)', () => {
  const keyed = { column: 'employees.full_name', key: 'employees.id' };
  const tile = (query: QuerySpec) => ({ id: 't', title: '', query, chart: { type: 'bar' as const }, layout: { x: 0, y: 0, w: 6, h: 4 } });

  test('the key survives the builder: opened and saved again, the spec keeps it', () => {
    const spec: QuerySpec = { table: 'sales', measures: [{ agg: 'sum', column: 'amount' }], dimensions: [keyed], order_by: [{ by: 'sum_amount', desc: true }], limit: 5 };
    const back = draftSpec(draftFromTile(tile(spec), index), index);
    expect(back.dimensions).toEqual([keyed]);
    expect(back.order_by).toEqual(spec.order_by);
    expect(back.limit).toBe(5);
  });

  test('top N per person: limit_per names the keyed breakdown by its column', () => {
    const spec: QuerySpec = {
      table: 'sales',
      measures: [{ agg: 'count' }],
      dimensions: [keyed, { column: 'sale_date', grain: 'year' }],
      limit: 1,
      limit_per: 'employees.full_name',
    };
    expect(draftSpec(draftFromTile(tile(spec), index), index).limit_per).toBe('employees.full_name');
  });
});

