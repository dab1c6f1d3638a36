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
import type { Agg, ChartType, Dimension, Filter, Grain, Measure, QuerySpec, Tile } from './types.js';
import { isComplete } from './context.js';

export type SortMode = 'auto' | 'value_desc' | 'value_asc' | 'label_asc' | 'label_desc';

export interface Draft {
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
}

export interface BuiltTile {
  title: string;
  query: QuerySpec;
  chart: { type: ChartType };
}

export const AGGS: Agg[] = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max'];
export const GRAINS: Grain[] = ['day', 'week', 'month', 'quarter', 'year'];

export function aggFits(agg: Agg, choice: ColumnChoice): boolean {
  if (agg === 'count_distinct') return true;
  if (agg === 'sum' || agg === 'avg') return isNumeric(choice.column) && !isIdentifier(choice.column);
  if (agg === 'min' || agg === 'max') return isNumeric(choice.column) || isTemporal(choice.column);
  return false;
}

/** The spec the draft stands for. */
export function draftSpec(draft: Draft, index: CatalogIndex): QuerySpec {
  const spec: QuerySpec = { table: draft.table };
  if (draft.measures.length) spec.measures = draft.measures.map((m) => (m.agg === 'count' && !m.column ? { agg: 'count' } : { ...m }));
  if (draft.dims.length) spec.dimensions = draft.dims.map((d) => ({ ...d }));
  const filters = draft.filters.filter(isComplete);
  if (filters.length) spec.filters = filters;
  const first = draft.dims[0];
  const measure = draft.measures[0];
  let sort = draft.sort;
  if (sort === 'auto') {
    const temporal = first && (first.grain || isTemporal(index.choice(draft.table, first.column)?.column));
    sort = temporal ? 'label_asc' : first && measure && draft.chart !== 'map' && draft.chart !== 'table' ? 'value_desc' : 'auto';
    if (draft.chart === 'kpi') sort = 'auto';
  }
  if (sort === 'value_desc' || sort === 'value_asc') {
    if (measure) spec.order_by = [{ by: measureAlias(measure), desc: sort === 'value_desc' }];
  } else if ((sort === 'label_asc' || sort === 'label_desc') && first) {
    spec.order_by = [{ by: dimensionAlias(first), desc: sort === 'label_desc' }];
  }
  if (draft.limit) spec.limit = draft.limit;
  return spec;
}

export function draftFromTile(tile: Tile | null, index: CatalogIndex): Draft {
  const first = index.tables[0]?.table.name ?? '';
  if (!tile?.query) {
    return {
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
    if (measures.some((m) => measureAlias(m) === order.by)) sort = order.desc ? 'value_desc' : 'value_asc';
    else if (dims.some((d) => dimensionAlias(d) === order.by || d.column === order.by)) sort = order.desc ? 'label_desc' : 'label_asc';
  }
  const draft: Draft = {
    table: spec.table,
    measures: measures.map((m) => ({ ...m })),
    dims: dims.map((d) => ({ ...d })),
    filters: (spec.filters ?? []).map((f) => ({ ...f })),
    sort,
    limit: spec.limit ?? null,
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

