// Drill-down, drill-through and cross-filtering: what a click offers and the queries it runs.
import { expect, test } from 'vitest';
import { withDashboardFilters } from '../src/context.js';
import { pageSize } from '../src/draft.js';
import { addCrossFilter, filtersFor, relatedRef } from '../src/cross-filter.js';
import {
  breadcrumb,
  breakdownMenu,
  breakdownStep,
  crossFilterFor,
  detailStep,
  drillOptions,
  grainStep,
  periodAfter,
  valueFilters,
} from '../src/drill.js';
import { buildChart } from '../src/chart-options.js';
import { CatalogIndex } from '../src/model.js';
import type { Catalog, DashboardFilter, QuerySpec } from '../src/types.js';
import { index } from './catalog.js';

const bySalesMonth: QuerySpec = {
  table: 'sales',
  measures: [{ agg: 'sum', column: 'amount' }],
  dimensions: [{ column: 'sale_date', grain: 'year' }],
  filters: [{ column: 'amount', op: 'gt', value: 10 }],
  order_by: [{ by: 'sum_amount', desc: true }],
  compare: { to: 'previous_period' },
};
const byDepartment: QuerySpec = {
  table: 'employees',
  measures: [{ agg: 'avg', column: 'salary' }],
  dimensions: [{ column: 'department' }],
  filters: [{ column: 'remote', op: 'eq', value: false }],
  order_by: [{ by: 'department' }],
  limit: 5,
};

test('periods end where the next one starts', () => {
  expect(periodAfter('2024-01-01', 'year')).toBe('2025-01-01');
  expect(periodAfter('2024-10-01', 'quarter')).toBe('2025-01-01');
  expect(periodAfter('2024-12-01', 'month')).toBe('2025-01-01');
  expect(periodAfter('2024-12-30', 'week')).toBe('2025-01-06');
  expect(periodAfter('2024-02-28', 'day')).toBe('2024-02-29');
});

test('a clicked value becomes filter values, never text of a query', () => {
  const hostile = "x'); DROP TABLE sales; --<img src=x onerror=alert(1)>";
  expect(valueFilters({ column: 'department' }, hostile)).toEqual([{ column: 'department', op: 'eq', value: hostile }]);
  expect(valueFilters({ column: 'department' }, null)).toEqual([{ column: 'department', op: 'is_null' }]);
  expect(valueFilters({ column: 'sale_date', grain: 'month' }, '2024-03-01')).toEqual([
    { column: 'sale_date', op: 'gte', value: '2024-03-01' },
    { column: 'sale_date', op: 'lt', value: '2024-04-01' },
  ]);
  expect(valueFilters({ column: 'sale_date', grain: 'month' }, 'not a date')).toBeNull();
  expect(valueFilters({ column: 'salary', bin: { width: 1000 } }, 4000)).toEqual([
    { column: 'salary', op: 'gte', value: 4000 },
    { column: 'salary', op: 'lt', value: 5000 },
  ]);
  expect(valueFilters({ column: 'salary', bin: { count: 5 } }, 4000)).toBeNull();
});

test('detail rows keep the tile filters, add the clicked value and page', () => {
  const step = detailStep(index, byDepartment, { values: ['Sales'] })!;
  expect(step.kind).toBe('detail');
  expect(step.chart).toEqual({ type: 'table' });
  expect(step.query).toEqual({
    table: 'employees',
    select: ['department', 'salary', 'full_name', 'location', 'country', 'hire_date', 'remote', 'rating'],
    filters: [
      { column: 'remote', op: 'eq', value: false },
      { column: 'department', op: 'eq', value: 'Sales' },
    ],
    limit: 50,
    offset: 0,
  });
  expect(pageSize(step.query)).toBe(50);
  expect(step.label).toBe('Sales › rows');
  // No measures, dimensions, order or limit of the aggregate: a plain list of records.
  expect(step.query.measures).toBeUndefined();
});

test('the next grain narrows to the clicked period', () => {
  const step = grainStep(index, bySalesMonth, { values: ['2024-01-01'] }, 0, 'bar')!;
  expect(step.query.dimensions).toEqual([{ column: 'sale_date', grain: 'quarter' }]);
  expect(step.query.filters).toEqual([
    { column: 'amount', op: 'gt', value: 10 },
    { column: 'sale_date', op: 'gte', value: '2024-01-01' },
    { column: 'sale_date', op: 'lt', value: '2025-01-01' },
  ]);
  expect(step.query.compare).toBeUndefined();
  expect(step.query.order_by).toEqual([{ by: 'sum_amount', desc: true }]);
  expect(step.label).toBe('2024 › by quarter');
  expect(step.chart).toEqual({ type: 'bar' }); // a bar of years drills into bars of quarters
  expect(grainStep(index, bySalesMonth, { values: ['2024-01-01'] }, 0, 'pie')!.chart).toEqual({ type: 'line' });
  expect(grainStep(index, { ...bySalesMonth, dimensions: [{ column: 'sale_date', grain: 'day' }] }, { values: ['2024-01-01'] }, 0, 'bar')).toBeNull();
});

test('breaking down replaces the dimension and filters by the clicked value', () => {
  const choice = index.choice('employees', 'location')!;
  const step = breakdownStep(index, byDepartment, { values: ['Sales'] }, choice, 'pie')!;
  expect(step.query.dimensions).toEqual([{ column: 'location' }]);
  expect(step.query.filters?.at(-1)).toEqual({ column: 'department', op: 'eq', value: 'Sales' });
  expect(step.query.order_by).toBeUndefined(); // it sorted by the old dimension
  expect(step.query.limit).toBe(5);
  expect(step.chart).toEqual({ type: 'pie' });
  expect(step.label).toBe('Sales › by location');
  const byDate = breakdownStep(index, byDepartment, { values: ['Sales'] }, index.choice('employees', 'hire_date')!, 'pie')!;
  expect(byDate.query.dimensions).toEqual([{ column: 'hire_date', grain: 'month' }]);
  expect(byDate.chart.type).toBe('line');
  // Drilling on from the step: the department is one value now, so it is not offered again.
  const again = drillOptions(index, step.query, { values: ['Paris'] }).breakdowns.map((c) => c.ref);
  expect(again).not.toContain('department');
  expect(again).not.toContain('location');
  expect(again).toContain('country');
});

test('the menu offers sensible columns, the next grain and detail rows', () => {
  const options = drillOptions(index, byDepartment, { values: ['Sales'] });
  const refs = options.breakdowns.map((c) => c.ref);
  expect(refs).toContain('location');
  expect(refs).toContain('hire_date');
  expect(refs).not.toContain('department'); // shown already
  expect(refs).not.toContain('full_name'); // a name, not a category
  expect(refs).not.toContain('id');
  expect(options.nextGrain).toBeNull();
  expect(options.detail).toBe(true);
  expect(options.crossFilters).toEqual([
    { label: 'Department: Sales', value: 'Sales', filter: { column: 'department', table: 'employees', label: 'Department', op: 'in', value: ['Sales'] } },
  ]);
  const sales = drillOptions(index, bySalesMonth, { values: ['2024-01-01'] });
  expect(sales.nextGrain).toEqual({ at: 0, grain: 'quarter', label: '2024 by quarter' });
  expect(sales.crossFilters[0]!.filter).toMatchObject({ column: 'sale_date', op: 'between', value: ['2024-01-01', '2024-12-31'] });
  // Related columns are offered on the sales table too.
  expect(sales.breakdowns.map((c) => c.ref)).toContain('employees.department');
  const hidden = drillOptions(index, byDepartment, { values: [null] }, [{ name: 'department', type: 'string', null_means: 'hidden' }]);
  expect(hidden.reason).toMatch(/not visible/);
  expect(hidden.detail).toBe(false);
  expect(hidden.crossFilters).toEqual([]);
  expect(breadcrumb('Pay', [detailStep(index, byDepartment, { values: ['Sales'] })!])).toEqual(['Pay', 'Sales › rows']);
});

test('a cross filter of a related column names its table', () => {
  const f = crossFilterFor(index, { table: 'sales', dimensions: [{ column: 'employees.department' }] }, { column: 'employees.department' }, 'HR')!;
  expect(f).toMatchObject({ table: 'employees', column: 'department', op: 'in', value: ['HR'] });
  expect(crossFilterFor(index, byDepartment, { column: 'rating' }, 4)).toMatchObject({ op: 'eq', value: 4 });
  expect(crossFilterFor(index, byDepartment, { column: 'salary', bin: { width: 10 } }, 4)).toBeNull();
  expect(crossFilterFor(index, { table: 'employees', columns: [{ name: 'x', expr: 'salary * 2' }] }, { column: 'x' }, 4)).toBeNull();
});

const chain: Catalog = {
  sources: [
    {
      id: 'demo',
      name: 'Demo',
      dialect: 'sqlite',
      tables: [
        { name: 'offices', columns: [{ name: 'office_id', type: 'integer' }, { name: 'region', type: 'string' }] },
        {
          name: 'employees',
          columns: [{ name: 'employee_id', type: 'integer' }, { name: 'office_id', type: 'integer' }, { name: 'department', type: 'string' }],
          relations: [{ columns: ['office_id'], ref_table: 'offices', ref_columns: ['office_id'] }],
        },
        {
          name: 'sales',
          columns: [{ name: 'sale_id', type: 'integer' }, { name: 'employee_id', type: 'integer' }, { name: 'category', type: 'string' }],
          relations: [{ columns: ['employee_id'], ref_table: 'employees', ref_columns: ['employee_id'] }],
        },
      ],
    },
  ],
};

test('a cross filter reaches tiles along foreign keys, and not the tile it came from', () => {
  const idx = new CatalogIndex(chain);
  expect(relatedRef(idx, 'sales', 'offices', 'region')).toBe('offices.region');
  // A sales chart by offices.region (two joins away) can filter the dashboard by its region.
  const byRegion: QuerySpec = { table: 'sales', measures: [{ agg: 'count' }], dimensions: [{ column: 'offices.region' }] };
  expect(crossFilterFor(idx, byRegion, byRegion.dimensions![0]!, 'EMEA')).toEqual({ column: 'region', table: 'offices', label: 'Region', op: 'in', value: ['EMEA'] });
  expect(relatedRef(idx, 'offices', 'sales', 'category')).toBeNull(); // against the keys: no
  expect(relatedRef(idx, 'sales', 'offices', 'nope')).toBeNull();
  const region: DashboardFilter = { id: 'r', column: 'region', table: 'offices', op: 'in', value: ['EMEA'], from_tile: 'a' };
  const category: DashboardFilter = { id: 'c', column: 'category', table: 'sales', op: 'in', value: ['Software'], from_tile: 'b' };
  const sales = withDashboardFilters({ table: 'sales', measures: [{ agg: 'count' }] }, [region, category], idx);
  expect(sales.spec.filters).toEqual([
    { column: 'offices.region', op: 'in', value: ['EMEA'] },
    { column: 'category', op: 'in', value: ['Software'] },
  ]);
  const offices = withDashboardFilters({ table: 'offices', measures: [{ agg: 'count' }] }, [region, category], idx);
  expect(offices.applied.map((f) => f.id)).toEqual(['r']); // offices have no category: not applied
  expect(filtersFor('a', [region, category]).map((f) => f.id)).toEqual(['c']);
  expect(filtersFor('z', [region, category]).map((f) => f.id)).toEqual(['r', 'c']);
  const moved = addCrossFilter([region, category], { ...category, id: 'c2', value: ['Hardware'] });
  expect(moved.map((f) => f.id)).toEqual(['r', 'c2']);
  const manual: DashboardFilter = { id: 'm', column: 'category', table: 'sales', op: 'in', value: ['A'] };
  expect(addCrossFilter([manual], { ...category, id: 'c3' }).map((f) => f.id)).toEqual(['m', 'c3']);
});

const theme = { text: '#111111', muted: '#666666', line: '#dddddd', surface: '#ffffff', land: '#eeeeee', palette: ['#3366cc', '#dc3912'] };

test('a clicked bar, split bar or slice gives back the raw values behind it', () => {
  const split: QuerySpec = { table: 'employees', measures: [{ agg: 'count' }], dimensions: [{ column: 'hire_date', grain: 'year' }, { column: 'department' }] };
  const rows = [
    ['2023-01-01', 'Sales', 3],
    ['2023-01-01', 'HR', 1],
    ['2024-01-01', 'Sales', 5],
  ];
  const columns = [{ name: 'hire_date_year', type: 'date' }, { name: 'department', type: 'string' }, { name: 'count', type: 'integer' }];
  const bars = buildChart({ type: 'bar', spec: split, result: { columns, rows }, index, theme });
  if (bars.kind !== 'echarts' || !bars.pointAt) throw new Error('no pointAt');
  // Series are the departments, largest first: Sales, HR; categories the years.
  expect(bars.pointAt(0, 1)).toEqual(['2024-01-01', 'Sales']);
  expect(bars.pointAt(1, 0)).toEqual(['2023-01-01', 'HR']);
  expect(bars.pointAt(0, 9)).toBeNull();

  const many = Array.from({ length: 12 }, (_, i) => [`D${i}`, 100 - i]);
  const pie = buildChart({ type: 'pie', spec: byDepartment, result: { columns: [{ name: 'department', type: 'string' }, { name: 'avg_salary', type: 'number' }], rows: many }, index, theme });
  if (pie.kind !== 'echarts' || !pie.pointAt) throw new Error('no pointAt');
  expect(pie.pointAt(0, 0)).toEqual(['D0']);
  expect(pie.pointAt(0, 9)).toBeNull(); // "Other": several values
  // For the keyboard: the values to pick from (not Other; none for a split, whose marks are pairs).
  expect(pie.points?.map((p) => p.label)).toEqual(['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8']);
  expect(bars.points).toBeUndefined();
  const single = buildChart({ type: 'line', spec: bySalesMonth, result: { columns: [{ name: 'sale_date_year', type: 'date' }, { name: 'sum_amount', type: 'number' }], rows: [['2024-01-01', 5], ['2023-01-01', 4]] }, index, theme });
  if (single.kind !== 'echarts') throw new Error('not a chart');
  expect(single.points).toEqual([{ label: '2023', values: ['2023-01-01'] }, { label: '2024', values: ['2024-01-01'] }]);
  expect(single.pointAt?.(-1, 1)).toEqual(['2024-01-01']); // a click beside the line
});

test("the drill menu's 'Break down by' names columns as the builder does, under their table", () => {
  // It read "Employees › Department" where the builder's list reads "Department" under
  // "Employees" (commit ae7b519): the same column named two ways.
  const bySale: QuerySpec = { table: 'sales', measures: [{ agg: 'sum', column: 'amount' }], dimensions: [{ column: 'category' }] };
  const options = drillOptions(index, bySale, { values: ['Software'] });
  const groups = breakdownMenu(index, 'sales', options.breakdowns);
  const labels = groups.flatMap((g) => g.items.map((i) => i.label));
  expect(labels.length).toBe(options.breakdowns.length); // nothing lost or doubled
  for (const label of labels) expect(label).not.toContain('›');
  const related = groups.find((g) => g.items.some((i) => i.choice.ref === 'employees.department'));
  expect(related?.label).toBe(index.table('employees')?.display_name ?? 'Employees');
  expect(related?.items.find((i) => i.choice.ref === 'employees.department')?.label).toBe('Department');
  expect(groups[0]!.items.every((i) => !i.choice.ref.includes('.'))).toBe(true); // own table first
});
