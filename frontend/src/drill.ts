// Drill-down and drill-through (issue 13 item 6): what a click on a bar, slice, point, map
// bubble or table cell offers, and the query each choice runs. Pure functions over the query
// spec and the catalog: the clicked value is data, so it only ever goes into a spec as a filter
// value (the server binds it as a parameter), never into SQL text or HTML.

import { formatCategory } from './format.js';
import {
  breakdownGroups,
  chartFits,
  columnLabel,
  inSentence,
  defaultChart,
  isCategory,
  isIdentifier,
  isTemporal,
  locationKind,
  measureAlias,
  dimensionAlias,
  type CatalogIndex,
  type ColumnChoice,
} from './model.js';
import type { CatalogColumn } from './types.js';
import { isCondition } from './filter-groups.js';
import type { Cell, ChartSpec, ChartType, DashboardFilter, Dimension, Filter, Grain, QuerySpec, ResultColumn } from './types.js';

/** Coarse to fine: the grain after each one. */
export const NEXT_GRAIN: Record<Grain, Grain | null> = { year: 'quarter', quarter: 'month', month: 'week', week: 'day', day: null };

/** Rows per page of a drill to detail rows. */
export const DETAIL_PAGE = 50;
/** At most this many columns in a drill to detail rows. */
export const DETAIL_COLUMNS = 8;
/** At most this many columns offered to break a value down by. */
export const MAX_BREAKDOWNS = 14;

/** One step of a drill: what the tile shows instead of its saved query, until the user goes back. */
export interface DrillStep {
  kind: 'breakdown' | 'grain' | 'detail';
  /** The breadcrumb's words for this step: "Software › by product". */
  label: string;
  query: QuerySpec;
  chart: ChartSpec;
}

/** What was clicked: the values of the query's dimensions, in the spec's order. */
export interface DrillPoint {
  values: Cell[];
}

/** What the menu offers for a click. */
export interface DrillOptions {
  /** The clicked values in words: "Software", "Q1 2024". */
  title: string;
  /** One per dimension that can filter the dashboard (without `id`). */
  crossFilters: Array<{ label: string; value: string; filter: Omit<DashboardFilter, 'id'> }>;
  /** Columns to break the clicked value(s) down by. */
  breakdowns: ColumnChoice[];
  /** The next date grain, when a dimension is a date. */
  nextGrain: { at: number; grain: Grain; label: string } | null;
  /** Whether the detail rows behind the value can be listed. */
  detail: boolean;
  /** Why nothing can be drilled, when nothing can ("rows not visible to you"). */
  reason: string;
}

/** `2024-03-01` (or a datetime) → the ISO date, or null when it is not a date. */
export function isoDate(value: Cell): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** The first day of the period after the one starting on `start` (ISO dates, UTC). */
export function periodAfter(start: string, grain: Grain): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  switch (grain) {
    case 'year':
      date.setUTCFullYear(date.getUTCFullYear() + 1);
      break;
    case 'quarter':
      date.setUTCMonth(date.getUTCMonth() + 3);
      break;
    case 'month':
      date.setUTCMonth(date.getUTCMonth() + 1);
      break;
    case 'week':
      date.setUTCDate(date.getUTCDate() + 7);
      break;
    case 'day':
      date.setUTCDate(date.getUTCDate() + 1);
      break;
  }
  return date.toISOString().slice(0, 10);
}

/** The day before an ISO date. */
function dayBefore(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

/** The column a dimension reads, from the catalog (own or related). */
function dimColumn(index: CatalogIndex, spec: QuerySpec, dim: Dimension) {
  return index.choice(spec.table, dim.column)?.column ?? refColumn(index, spec.table, dim.column)?.column;
}

/** The spec filters that keep the rows behind one dimension's value; null when it can't be done
 * (a band whose width the server chose). */
export function valueFilters(dim: Dimension, value: Cell): Filter[] | null {
  if (value === null || value === undefined) return [{ column: dim.column, op: 'is_null' }];
  if (dim.grain) {
    const start = isoDate(value);
    if (!start) return null;
    return [
      { column: dim.column, op: 'gte', value: start },
      { column: dim.column, op: 'lt', value: periodAfter(start, dim.grain) },
    ];
  }
  if (dim.bin) {
    if (!dim.bin.width || typeof value !== 'number') return null;
    return [
      { column: dim.column, op: 'gte', value },
      { column: dim.column, op: 'lt', value: value + dim.bin.width },
    ];
  }
  return [{ column: dim.column, op: 'eq', value }];
}

/** The filters for every clicked dimension value; null when one cannot be filtered on. */
export function pointFilters(spec: QuerySpec, point: DrillPoint, only?: number): Filter[] | null {
  const out: Filter[] = [];
  for (const [i, dim] of (spec.dimensions ?? []).entries()) {
    if (only !== undefined && i !== only) continue;
    const f = valueFilters(dim, point.values[i] ?? null);
    if (!f) return null;
    out.push(...f);
  }
  return out;
}

/** A dimension's value in words ("Software", "Q1 2024", "(empty)"). */
export function valueText(index: CatalogIndex, spec: QuerySpec, at: number, value: Cell): string {
  const dim = spec.dimensions?.[at];
  if (!dim) return formatCategory(value);
  return formatCategory(value, dim.grain, dim.grain ? 'date' : dimColumn(index, spec, dim)?.type);
}

/** Columns a value can be broken down by: categories, places, flags and dates of the table and
 * the tables it points to, except those the query already shows or holds to one value. */
export function breakdownChoices(index: CatalogIndex, spec: QuerySpec): ColumnChoice[] {
  const shown = new Set((spec.dimensions ?? []).map((d) => d.column.toLowerCase()));
  // A column filtered to one value (a step drilled already) has nothing to break down.
  for (const f of (spec.filters ?? []).filter(isCondition)) {
    const one = f.op === 'eq' || (f.op === 'in' && Array.isArray(f.value) && f.value.length === 1);
    if (one) shown.add(f.column.toLowerCase());
  }
  const useful = (c: ColumnChoice) =>
    !isIdentifier(c.column) &&
    (isCategory(c.column) || locationKind(c.column) !== null || c.column.type === 'boolean' || isTemporal(c.column));
  const all = index.choices(spec.table).filter((c) => !shown.has(c.ref.toLowerCase()) && useful(c));
  return all.slice(0, MAX_BREAKDOWNS);
}

/** The drill menu's "Break down by…" list, named as the builder's 'Break down by' names it:
 * each column by its own name under its table's ("Department" under "Employees", never
 * "Employees › Department"), the query's own table first. */
export function breakdownMenu(
  index: CatalogIndex,
  table: string,
  choices: ColumnChoice[],
): Array<{ label: string; items: Array<{ choice: ColumnChoice; label: string }> }> {
  const byRef = new Map(choices.map((c) => [c.ref, c]));
  return breakdownGroups(index, table, choices)
    .map((g) => ({
      label: g.label,
      items: g.options.flatMap((o) => {
        const choice = byRef.get(o.ref);
        return choice ? [{ choice, label: o.label }] : [];
      }),
    }))
    .filter((g) => g.items.length > 0);
}

/** The chart for a drilled query: the tile's own when it still fits, else the usual default. */
function chartFor(index: CatalogIndex, spec: QuerySpec, current: ChartType | undefined): ChartSpec {
  const first = spec.dimensions?.[0];
  // Periods read along an axis: a pie or a map of months is the usual chart for time instead.
  const overTime = Boolean(first?.grain) && ['pie', 'donut', 'map', 'kpi'].includes(current ?? '');
  if (current && !overTime && current !== 'kpi' && chartFits(index, spec, current)) return { type: current };
  return { type: defaultChart(index, spec) };
}

/** Order keys that still name something the drilled query has. */
function keptOrder(spec: QuerySpec, dims: Dimension[]): QuerySpec['order_by'] {
  const names = new Set([
    ...(spec.measures ?? []).map(measureAlias),
    ...dims.map(dimensionAlias),
    ...dims.map((d) => d.column),
  ]);
  const kept = (spec.order_by ?? []).filter((o) => names.has(o.by));
  return kept.length ? kept : undefined;
}

function tidy(spec: QuerySpec): QuerySpec {
  const out = { ...spec };
  for (const key of Object.keys(out) as Array<keyof QuerySpec>) if (out[key] === undefined) delete out[key];
  return out;
}

/** Break the clicked value(s) down by another column: the clicked values become filters (next
 * to the tile's own), the new column the only dimension. */
export function breakdownStep(index: CatalogIndex, spec: QuerySpec, point: DrillPoint, choice: ColumnChoice, chart: ChartType | undefined): DrillStep | null {
  const filters = pointFilters(spec, point);
  if (!filters) return null;
  const dim: Dimension = isTemporal(choice.column) ? { column: choice.ref, grain: 'month' } : { column: choice.ref };
  const { compare: _compare, limit_per: _per, ...rest } = spec;
  const query = tidy({
    ...rest,
    dimensions: [dim],
    filters: [...(spec.filters ?? []), ...filters],
    order_by: keptOrder(spec, [dim]),
  });
  const what = (spec.dimensions ?? []).map((_, i) => valueText(index, spec, i, point.values[i] ?? null)).join(', ');
  return { kind: 'breakdown', label: `${what} › by ${inSentence(columnLabel(choice.column), Boolean(choice.column.display_name))}`, query, chart: chartFor(index, query, chart) };
}

/** The next date grain of the dimension at `at` (year → quarter → month → week → day). */
export function grainStep(index: CatalogIndex, spec: QuerySpec, point: DrillPoint, at: number, chart: ChartType | undefined): DrillStep | null {
  const dims = spec.dimensions ?? [];
  const dim = dims[at];
  const next = dim?.grain ? NEXT_GRAIN[dim.grain] : null;
  if (!dim || !next) return null;
  const filters = valueFilters(dim, point.values[at] ?? null);
  if (!filters) return null;
  const regrained = dims.map((d, i) => (i === at ? { ...d, grain: next } : d));
  const query = tidy({
    ...spec,
    compare: undefined,
    dimensions: regrained,
    filters: [...(spec.filters ?? []), ...filters],
    order_by: keptOrder(spec, regrained),
  });
  const what = valueText(index, spec, at, point.values[at] ?? null);
  return { kind: 'grain', label: `${what} › by ${next}`, query, chart: chartFor(index, query, chart) };
}

/** The columns a list of detail rows shows: the query's breakdowns, then the table's own columns
 * (not its keys), at most DETAIL_COLUMNS. */
export function detailColumns(index: CatalogIndex, spec: QuerySpec): string[] {
  const out: string[] = [];
  const add = (ref: string) => {
    if (out.length < DETAIL_COLUMNS && !out.some((r) => r.toLowerCase() === ref.toLowerCase())) out.push(ref);
  };
  for (const d of spec.dimensions ?? []) add(d.column);
  for (const m of spec.measures ?? []) if (m.column && !m.expr) add(m.column);
  const table = index.table(spec.table);
  for (const c of table?.columns ?? []) if (!isIdentifier(c) && c.type !== 'other') add(c.name);
  return out;
}

/** The detail rows behind the clicked value(s): a v2 `select` spec with the tile's filters and the
 * clicked values as filters, paged. */
export function detailStep(index: CatalogIndex, spec: QuerySpec, point: DrillPoint): DrillStep | null {
  const filters = pointFilters(spec, point);
  if (!filters) return null;
  const query: QuerySpec = { table: spec.table, select: detailColumns(index, spec), filters: [...(spec.filters ?? []), ...filters], limit: DETAIL_PAGE, offset: 0 };
  if (spec.columns?.length) query.columns = spec.columns;
  const what = (spec.dimensions ?? []).map((_, i) => valueText(index, spec, i, point.values[i] ?? null)).join(', ');
  return { kind: 'detail', label: `${what || 'All'} › rows`, query, chart: { type: 'table' } };
}

/** Everything a click on `point` of a tile showing `spec` can do. `columns` are the answer's
 * columns (an empty value that stands for hidden rows cannot be drilled into). */
export function drillOptions(index: CatalogIndex, spec: QuerySpec, point: DrillPoint, columns: ResultColumn[] = []): DrillOptions {
  const dims = spec.dimensions ?? [];
  const title = dims.map((_, i) => valueText(index, spec, i, point.values[i] ?? null)).join(', ');
  const none: DrillOptions = { title, crossFilters: [], breakdowns: [], nextGrain: null, detail: false, reason: '' };
  if (!dims.length) return { ...none, reason: 'Nothing to drill into here.' };
  const hidden = dims.some((_, i) => (point.values[i] ?? null) === null && columns[i]?.null_means === 'hidden');
  if (hidden) return { ...none, reason: 'These rows are not visible to you.' };
  const crossFilters: DrillOptions['crossFilters'] = [];
  for (const [i, dim] of dims.entries()) {
    const filter = crossFilterFor(index, spec, dim, point.values[i] ?? null);
    const value = valueText(index, spec, i, point.values[i] ?? null);
    if (filter) crossFilters.push({ label: `${filter.label ?? dim.column}: ${value}`, value, filter });
  }
  const filterable = pointFilters(spec, point) !== null;
  const at = dims.findIndex((d) => d.grain && NEXT_GRAIN[d.grain]);
  const next = at >= 0 ? NEXT_GRAIN[dims[at]!.grain!]! : null;
  return {
    title,
    crossFilters,
    breakdowns: filterable ? breakdownChoices(index, spec) : [],
    nextGrain: next && filterable ? { at, grain: next, label: `${valueText(index, spec, at, point.values[at] ?? null)} by ${next}` } : null,
    detail: filterable && !spec.select?.length,
    reason: filterable || crossFilters.length ? '' : 'This group stands for several values.',
  };
}

/** The table and catalog column a spec's column ref names: its own (`department`), or a related
 * table's (`offices.region`, however many joins away); null for a custom column. */
function refColumn(index: CatalogIndex, table: string, ref: string): { table: string; column: CatalogColumn } | null {
  const dot = ref.indexOf('.');
  const owner = index.table(dot > 0 ? ref.slice(0, dot) : table);
  const name = (dot > 0 ? ref.slice(dot + 1) : ref).toLowerCase();
  const column = owner?.columns.find((c) => c.name.toLowerCase() === name);
  return owner && column ? { table: owner.name, column } : null;
}

/** A dashboard filter ("filter the dashboard by this value") for one dimension's value: `in`
 * for text, `eq` for numbers and flags, `between` the first and last day of a date period; null
 * when other tiles could not have that column (a custom column, a band, hidden rows). */
export function crossFilterFor(index: CatalogIndex, spec: QuerySpec, dim: Dimension, value: Cell): Omit<DashboardFilter, 'id'> | null {
  if (dim.bin) return null;
  const found = refColumn(index, spec.table, dim.column);
  if (!found) return null;
  const { table, column: col } = found;
  const column = col.name;
  const base = { column, table, label: columnLabel(col) };
  if (value === null || value === undefined) return { ...base, op: 'is_null' };
  if (dim.grain) {
    const start = isoDate(value);
    if (!start) return null;
    return { ...base, op: 'between', value: [start, dayBefore(periodAfter(start, dim.grain))] };
  }
  if (typeof value === 'string' && !isTemporal(col)) return { ...base, op: 'in', value: [value] };
  return { ...base, op: 'eq', value };
}

/** The breadcrumb: the tile's title, then each step. */
export function breadcrumb(title: string, steps: DrillStep[]): string[] {
  return [title || 'Chart', ...steps.map((s) => s.label)];
}
