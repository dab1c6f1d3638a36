// The builder's working state (a draft) and how it becomes a query spec: sort modes, the
// measures each column allows, and how a chart type adjusts the draft to fit.

import {
  chartFits,
  dimensionAlias,
  isCategory,
  isIdentifier,
  isNumeric,
  isTemporal,
  locationKind,
  measureAlias,
  type CatalogIndex,
  type ColumnChoice,
  defaultChart,
} from './model.js';
import type {
  Agg,
  ChartType,
  CustomColumn,
  Dimension,
  Filter,
  FilterGroup,
  Grain,
  Having,
  Measure,
  QuerySpec,
  RelativeFilter,
  Tile,
} from './types.js';
import { isComplete } from './context.js';
import { isCondition, isGroup } from './filter-groups.js';
import { PAGE_SIZE, pageSize } from './paging.js';

export type SortMode = 'auto' | 'value_desc' | 'value_asc' | 'label_asc' | 'label_desc';

export interface Draft {
  /** The source of `table`, when the catalog has several (set from the card picked). */
  source?: string;
  table: string;
  measures: Measure[];
  dims: Dimension[];
  filters: Filter[];
  sort: SortMode;
  limit: number | null;
  chart: ChartType;
  chartAuto: boolean;
  title: string;
  titleAuto: boolean;
  // Spec v2 (all optional so that drafts made before them still work).
  /** Summarize (measures by breakdowns) or list records (`select`, paged). */
  mode?: 'summary' | 'records';
  select?: string[];
  columns?: CustomColumn[];
  /** Relative date filters ("in the last 6 months"), kept apart from value filters. */
  dates?: RelativeFilter[];
  having?: Having[];
  limitPer?: string | null;
  compare?: 'previous_period' | 'previous_year' | null;
  /** Filter groups of the tile ("any", "all", "without"): shown in words, kept as they are. */
  groups?: FilterGroup[];
  /** Records: the chosen column they are sorted by (else the first one chosen). */
  sortBy?: string | null;
  /** Records: a page at a time (`offset`, `limit` rows a page), or only the first `limit` rows
   * (a top N, "the 10 newest hires": no pager). Without a limit a list always pages. */
  paged?: boolean;
}

// The tile needs only these (and loads before the builder): they live in their own module, so
// that the rest of this one loads with the builder and the chat.
export { PAGE_SIZE, pageSize } from './paging.js';

/** The chosen column `by` names (a column reference or its output name, as the server reads
 * `order_by` of a listing), or undefined. */
export function selectedColumn(select: string[], by: string | null | undefined): string | undefined {
  if (!by) return undefined;
  const want = by.toLowerCase();
  return select.find((ref) => ref.toLowerCase() === want || ref.replace(/\./g, '_').toLowerCase() === want);
}

const RELATIVE_OPS = new Set(['last', 'this', 'previous', 'to_date']);

export function isRelative(f: Filter | RelativeFilter): f is RelativeFilter {
  return RELATIVE_OPS.has(f.op);
}

function copyGroup(group: FilterGroup): FilterGroup {
  return JSON.parse(JSON.stringify(group)) as FilterGroup;
}

/** A measure as the server takes it: a calculation has no `agg` (the draft keeps one). */
export function wireMeasure(m: Measure): Measure {
  if (m.expr) {
    const out = { expr: m.expr, name: m.name || 'calculation' } as Measure;
    if (m.format) out.format = m.format;
    return out;
  }
  if (m.agg === 'count' && !m.column) {
    const out: Measure = { agg: 'count' };
    if (m.share) out.share = m.share;
    if (m.cumulative) out.cumulative = true;
    if (m.name) out.name = m.name;
    if (m.format) out.format = m.format;
    return out;
  }
  return { ...m };
}

/** A share within a group follows the first breakdown as the builder changes it; without a
 * second breakdown to split each group it is a share of the total. */
function withinFirst(m: Measure, dims: Dimension[]): Measure {
  if (typeof m.share !== 'object' || !m.share) return m;
  const first = dims[0];
  return { ...m, share: first && dims.length >= 2 ? { within: first.column } : true };
}

export interface BuiltTile {
  title: string;
  query: QuerySpec;
  chart: { type: ChartType };
  /** The source of the query's table, with several sources. */
  source?: string;
  /** How many rows its preview had, when one was drawn (a tall tile for many bars). */
  rows?: number;
}

export const AGGS: Agg[] = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max'];
export const GRAINS: Grain[] = ['day', 'week', 'month', 'quarter', 'year'];

export function aggFits(agg: Agg, choice: ColumnChoice): boolean {
  if (agg === 'count_distinct') return true;
  if (agg === 'sum' || agg === 'avg') return isNumeric(choice.column) && !isIdentifier(choice.column);
  if (agg === 'min' || agg === 'max') return isNumeric(choice.column) || isTemporal(choice.column);
  return false;
}

/** Words of a column that holds the figure people total or average (money first). */
const FIGURE_WORDS = /amount|revenue|sales|total|value|salary|cost|spend|income|profit/i;

/** The column `agg` is first offered on: not an identifier, money before other numbers
 * ("Total of…" on sales is the amount, not the quantity listed before it), then by name. */
export function figureColumn(agg: Agg, choices: ColumnChoice[], skip: (c: ColumnChoice) => boolean = () => false): ColumnChoice | undefined {
  const fits = choices.filter((c) => aggFits(agg, c) && !skip(c));
  if (agg !== 'sum' && agg !== 'avg') return fits.find((c) => !isIdentifier(c.column)) ?? fits[0];
  const plain = fits.filter((c) => !isIdentifier(c.column));
  const money = (c: ColumnChoice) => ['currency', 'money'].includes(c.column.semantic_type ?? '');
  return plain.find(money) ?? plain.find((c) => FIGURE_WORDS.test(c.column.name) && !/unit|price|rate/i.test(c.column.name)) ?? plain[0] ?? fits[0];
}

/** The spec the draft stands for. */
export function draftSpec(draft: Draft, index: CatalogIndex): QuerySpec {
  const spec: QuerySpec = { table: draft.table };
  if (draft.columns?.length) spec.columns = draft.columns.map((c) => ({ ...c }));
  const filters: QuerySpec['filters'] = [
    ...draft.filters.filter(isComplete),
    ...(draft.dates ?? []).map((f) => ({ ...f })),
    ...(draft.groups ?? []).map(copyGroup),
  ];
  if (draft.mode === 'records') {
    // A list of records: the chosen columns sorted by one of them (the first by default), a
    // page at a time or only the first N.
    spec.select = draft.select?.length ? [...draft.select] : [];
    if (filters.length) spec.filters = filters;
    const by = selectedColumn(spec.select, draft.sortBy) ?? spec.select[0];
    if (by) spec.order_by = [{ by, desc: draft.sort === 'label_desc' || draft.sort === 'value_desc' }];
    spec.limit = draft.limit ?? PAGE_SIZE;
    // `offset` makes `limit` a page size: the tile pages (see pageSize). A top N has none.
    if (draft.paged !== false || !draft.limit) spec.offset = 0;
    return spec;
  }
  if (draft.measures.length) spec.measures = draft.measures.map((m) => withinFirst(wireMeasure(m), draft.dims));
  if (draft.dims.length) spec.dimensions = draft.dims.map((d) => ({ ...d }));
  if (filters.length) spec.filters = filters;
  if (draft.having?.length) spec.having = draft.having.map((h) => ({ ...h }));
  if (draft.compare) spec.compare = { to: draft.compare };
  const first = draft.dims[0];
  const measure = draft.measures[0];
  let sort = draft.sort;
  if (sort === 'auto') {
    const temporal = first && (first.grain || isTemporal(index.choice(draft.table, first.column)?.column));
    // Time and number bands read in their order.
    sort = temporal || first?.bin ? 'label_asc' : first && measure && draft.chart !== 'map' && draft.chart !== 'table' ? 'value_desc' : 'auto';
    if (draft.chart === 'kpi') sort = 'auto';
  }
  if (sort === 'value_desc' || sort === 'value_asc') {
    if (measure) spec.order_by = [{ by: measureAlias(measure), desc: sort === 'value_desc' }];
  } else if ((sort === 'label_asc' || sort === 'label_desc') && first) {
    spec.order_by = [{ by: dimensionAlias(first), desc: sort === 'label_desc' }];
  }
  if (draft.limit) spec.limit = draft.limit;
  if (draft.limit && draft.limitPer && draft.dims.some((d) => d.column === draft.limitPer)) spec.limit_per = draft.limitPer;
  return spec;
}

export function draftFromTile(tile: Tile | null, whole: CatalogIndex): Draft {
  const source = tile?.query ? (tile.source ?? whole.sourceOf(tile.query.table)) : undefined;
  const index = whole.forSource(source);
  const first = index.tables[0]?.table.name ?? '';
  const several = whole.catalog.sources.length > 1;
  if (!tile?.query) {
    return {
      ...(several && whole.tables[0] ? { source: whole.tables[0].source } : {}),
      table: first,
      measures: [{ agg: 'count' }],
      dims: [],
      filters: [],
      sort: 'auto',
      limit: null,
      chart: 'kpi',
      chartAuto: true,
      title: '',
      titleAuto: true,
    };
  }
  const spec = tile.query;
  const order = spec.order_by?.[0];
  const measures = spec.measures ?? [];
  const dims = spec.dimensions ?? [];
  let sort: SortMode = 'auto';
  if (order) {
    if (spec.select?.length) sort = order.desc ? 'label_desc' : 'label_asc';
    else if (measures.some((m) => measureAlias(m) === order.by)) sort = order.desc ? 'value_desc' : 'value_asc';
    else if (dims.some((d) => dimensionAlias(d) === order.by || d.column === order.by)) sort = order.desc ? 'label_desc' : 'label_asc';
  }
  const every = spec.filters ?? [];
  const all = every.filter(isCondition);
  const draft: Draft = {
    ...(source ? { source } : {}),
    table: spec.table,
    // A calculation keeps an `agg` in the draft (the type wants one); it goes on the wire without.
    measures: measures.map((m) => (m.expr ? { ...m, agg: 'count' } : { ...m })),
    dims: dims.map((d) => ({ ...d })),
    filters: all.filter((f): f is Filter => !isRelative(f)).map((f) => ({ ...f })),
    // A bare unit ("quarter", as the AI and the API write it) reads as the builder's {unit}.
    dates: all.filter(isRelative).map((f) => (typeof f.value === 'string' ? { ...f, value: { unit: f.value } } : { ...f })),
    mode: spec.select?.length ? 'records' : 'summary',
    select: [...(spec.select ?? [])],
    columns: (spec.columns ?? []).map((c) => ({ ...c })),
    having: (spec.having ?? []).map((h) => ({ ...h })),
    limitPer: spec.limit_per ?? null,
    compare: spec.compare?.to ?? null,
    groups: every.filter(isGroup).map(copyGroup),
    sort,
    limit: spec.limit ?? null,
    ...(spec.select?.length ? { sortBy: selectedColumn(spec.select, order?.by) ?? null, paged: pageSize(spec) !== null } : {}),
    chart: tile.chart?.type ?? defaultChart(index, spec),
    chartAuto: !tile.chart?.type,
    title: tile.title,
    titleAuto: false,
  };
  draft.titleAuto = !tile.title || tile.title === index.suggestTitle(draftSpec(draft, index));
  return draft;
}

/** How to change the draft so that `type` fits it (a map picks a location column), or null. */
export function adjustFor(index: CatalogIndex, d: Draft, type: ChartType): Partial<Draft> | null {
  const spec = draftSpec({ ...d, chart: type }, index);
  // A list of records is a table; a chart needs numbers.
  if (d.mode === 'records') return type === 'table' ? {} : null;
  if (type === 'kpi') {
    // One number: keep the measure, drop the breakdown (the comparison may add a date back).
    return { dims: [], measures: d.measures.slice(0, 1), sort: 'auto', limit: null };
  }
  if (chartFits(index, spec, type)) return {};
  const choices = index.choices(d.table);
  const category = choices.find((c) => isCategory(c.column) && !locationKind(c.column) && !c.group);
  const anyCategory = category ?? choices.find((c) => isCategory(c.column));
  const date = choices.find((c) => isTemporal(c.column));
  const measures = d.measures.length ? d.measures : [{ agg: 'count' as Agg }];
  let patch: Partial<Draft> | null = null;
  switch (type) {
    case 'map': {
      const place = choices.find((c) => locationKind(c.column));
      patch = place ? { dims: [{ column: place.ref }], measures: measures.slice(0, 1) } : null;
      break;
    }
    case 'line':
    case 'area':
      patch = date ? { dims: [{ column: date.ref, grain: 'month' }], measures } : anyCategory ? { dims: [{ column: anyCategory.ref }], measures } : null;
      break;
    case 'scatter': {
      const numeric = choices.find((c) => aggFits('avg', c));
      const second: Measure | undefined = numeric ? { agg: 'avg', column: numeric.ref } : undefined;
      const two = measures.length >= 2 ? measures : second && measureAlias(second) !== measureAlias(measures[0]!) ? [measures[0]!, second] : null;
      const dim = d.dims[0] ? d.dims.slice(0, 1) : anyCategory ? [{ column: anyCategory.ref }] : null;
      patch = two && dim ? { measures: two, dims: dim } : null;
      break;
    }
    case 'bar_stacked': {
      const cats = choices.filter((c) => isCategory(c.column));
      const first = d.dims[0] ?? (date ? { column: date.ref, grain: 'year' as Grain } : cats[0] ? { column: cats[0].ref } : undefined);
      const second = cats.find((c) => c.ref !== first?.column);
      patch = first && second ? { dims: [first, { column: second.ref }], measures: measures.slice(0, 1) } : null;
      break;
    }
    default: {
      const dim = d.dims.length ? d.dims.slice(0, 1) : anyCategory ? [{ column: anyCategory.ref }] : null;
      patch = dim ? { dims: dim, measures: type === 'pie' || type === 'donut' ? measures.slice(0, 1) : measures } : null;
    }
  }
  if (!patch) return null;
  const next = { ...d, ...patch, chart: type };
  return chartFits(index, draftSpec(next, index), type) ? patch : null;
}

export function whyNot(type: ChartType): string {
  switch (type) {
    case 'map':
      return 'A map needs a breakdown by a city or a country column.';
    case 'scatter':
      return 'A scatter plot needs two measures, or a breakdown by a number column.';
    case 'pie':
    case 'donut':
      return 'Needs one breakdown column.';
    case 'bar_stacked':
      return 'Stacking needs a breakdown and a split (or two measures).';
    default:
      return 'Needs a breakdown column.';
  }
}

