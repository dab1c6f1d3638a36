// The shapes of plotboard's public contracts (DESIGN.md): catalog, query spec, query result,
// dashboard. Extend them; don't rename them.

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'other';

export interface CatalogColumn {
  name: string;
  type: ColumnType;
  display_name?: string | null;
  description?: string | null;
  semantic_type?: string | null;
}

export interface CatalogRelation {
  columns: string[];
  ref_table: string;
  ref_columns: string[];
}

export interface CatalogTable {
  name: string;
  schema?: string | null;
  display_name?: string | null;
  description?: string | null;
  columns: CatalogColumn[];
  relations?: CatalogRelation[];
}

export interface CatalogSource {
  id: string;
  name: string;
  dialect: string;
  tables: CatalogTable[];
}

export interface Catalog {
  sources: CatalogSource[];
}

export type Agg = 'count' | 'count_distinct' | 'sum' | 'avg' | 'min' | 'max';
export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year';
export type FilterOp =
  | 'eq'
  | 'neq'
  | 'in'
  | 'not_in'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'between'
  | 'contains'
  | 'is_null'
  | 'is_not_null';
export type Scalar = string | number | boolean;

/** How a measure's numbers read (spec v2): in every chart, table, tooltip and export. */
export interface NumberFormat {
  type: 'number' | 'percent' | 'currency' | 'compact';
  decimals?: number;
  /** ISO code, for `currency`: EUR, USD. */
  currency?: string;
}

export interface Measure {
  /** A calculated measure (`expr`) has none on the wire (the builder keeps 'count' there). */
  agg: Agg;
  column?: string;
  /** A calculation over aggregates: `count_if(remote) * 100 / count()` (needs `name`). */
  expr?: string;
  name?: string;
  /** The percent (0-100) of the total (`true`), or of each group's total of the first
   * breakdown (`{within: <its column>}`): the parts of each bar add up to 100%. */
  share?: boolean | ShareWithin;
  /** A running total along the first breakdown. */
  cumulative?: boolean;
  format?: NumberFormat;
}

/** A share taken within each group of the first breakdown (spec v2): `{within: 'category'}`. */
export interface ShareWithin {
  within: string;
}

export interface Dimension {
  column: string;
  grain?: Grain;
  /** Numbers into bands of a width, or into `count` equal bands. */
  bin?: { width?: number; count?: number };
  /** Also grouped by this column of the same table, which is not shown (people by name, kept
   * apart by their id): the answer has one column for the dimension, rows may repeat a name. */
  key?: string;
}

export type PeriodUnit = 'day' | 'week' | 'month' | 'quarter' | 'year';

export interface Periods {
  n?: number;
  unit: PeriodUnit;
}

export interface Filter {
  column: string;
  op: FilterOp;
  value?: Scalar | Scalar[];
}

/** Relative dates (spec v2): the last N units, this or the previous one, or so far this one. */
export type RelativeOp = 'last' | 'this' | 'previous' | 'to_date';

export interface RelativeFilter {
  column: string;
  op: RelativeOp;
  value: Periods;
  /** Count back from today (default) or from the latest date in the data the user can see. */
  anchor?: 'today' | 'latest';
  include_current?: boolean;
}

/** Spec v2 filter groups (docs/queries.md): either one holds (OR), all hold, and "has no
 * related rows" (the rows no row of `without` points at, counting those matching `where`). */
export interface AnyGroup {
  any: FilterEntry[];
}
export interface AllGroup {
  all: FilterEntry[];
}
export interface WithoutGroup {
  without: string;
  where?: FilterEntry[];
}
export type FilterGroup = AnyGroup | AllGroup | WithoutGroup;
/** One entry of a spec's `filters`: a condition or a group. */
export type FilterEntry = Filter | RelativeFilter | FilterGroup;

/** A row-level calculation usable as a column (spec v2). */
export interface CustomColumn {
  name: string;
  expr: string;
}

export type HavingOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'between';

/** A filter on a measure's value (by its output name). */
export interface Having {
  by: string;
  op: HavingOp;
  value: Scalar | Scalar[];
}

export interface OrderBy {
  by: string;
  desc?: boolean;
}

/** The query spec: what the builder, the AI and saved tiles all produce. */
export interface QuerySpec {
  table: string;
  measures?: Measure[];
  dimensions?: Dimension[];
  filters?: FilterEntry[];
  order_by?: OrderBy[];
  limit?: number;
  // Spec v2 (docs/queries.md): all optional.
  columns?: CustomColumn[];
  having?: Having[];
  /** Keep `limit` rows per value of this column (top N per group). */
  limit_per?: string;
  /** Records: the columns to list (no measures or dimensions), paged by limit + offset. */
  select?: string[];
  offset?: number;
  compare?: { to: 'previous_period' | 'previous_year' };
}

export interface ResultColumn {
  name: string;
  type: string;
  /** Set when empty values of this column stand for rows the user's access rules hide (a
   * related table's rows), or for those and genuinely empty values together. */
  null_means?: 'hidden' | 'hidden_or_empty';
  /** A measure's number format, as the spec asked. */
  format?: NumberFormat;
}

export type Cell = string | number | boolean | null;

export interface QueryResult {
  columns: ResultColumn[];
  rows: Cell[][];
  sql?: string;
  security_filters?: unknown[];
  cache?: 'hit' | 'miss';
  truncated?: boolean;
  row_cap?: number;
  /** What each relative date filter resolved to; with no rows, also where the user's data of
   * that column starts and ends (`data`, under their access rules). */
  relative_dates?: RelativeDates[];
  /** With `compare`: the periods weighed (ISO dates). */
  compare?: { to: string; column?: string; current?: ComparedPeriod; previous?: ComparedPeriod };
}

export interface ComparedPeriod {
  from: string;
  to: string;
}

export interface RelativeDates {
  filter: number;
  column: string;
  anchor?: 'today' | 'latest';
  anchor_date?: string | null;
  from?: string | null;
  to?: string | null;
  data?: { from: string | null; to: string | null };
}

export const CHART_TYPES = [
  'bar',
  'bar_horizontal',
  'bar_stacked',
  'line',
  'area',
  'pie',
  'donut',
  'kpi',
  'table',
  'scatter',
  'map',
] as const;
export type ChartType = (typeof CHART_TYPES)[number];

export interface ChartSpec {
  type?: ChartType;
  [key: string]: unknown;
}

export interface Layout {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Tile {
  id: string;
  title: string;
  query: QuerySpec | null;
  /** The source the query runs on, with several sources (two may have a table of one name). */
  source?: string;
  chart: ChartSpec;
  layout: Layout;
}

/** A dashboard-level filter: applies to every tile whose table has `column`. */
export interface DashboardFilter {
  id: string;
  column: string;
  op: FilterOp;
  value?: Scalar | Scalar[];
  /** Where the column was picked (for its display name and its values). */
  table?: string;
  label?: string;
  /** Set on a filter made by clicking a value of a tile (cross-filtering): that tile's id. It
   * filters every other tile; the tile it came from keeps showing all its values. */
  from_tile?: string;
}

/** Whose a dashboard is, as the server says: `owner` "me" (the user's own, or a starter they
 * edit as their own: the first save makes their copy) or "team" (a teammate's, shared with
 * them read-only); `starter`: published by the admin, not edited by this user yet;
 * `copied_from`: the starter this is the user's copy of; `shared`: shared with the team. */
export interface Ownership {
  owner?: 'me' | 'team';
  starter?: boolean;
  copied_from?: string | null;
  shared?: boolean;
}

export interface Dashboard extends Ownership {
  id: string;
  title: string;
  tiles: Tile[];
  filters: DashboardFilter[];
  version: number;
  created_at: string;
  updated_at: string;
}

export interface DashboardSummary extends Ownership {
  id: string;
  title: string;
  tile_count: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface GeoPlace {
  kind: 'city' | 'country';
  name: string;
  lat: number | null;
  lon: number | null;
  country_code: string;
  country: string;
  country_numeric: string | null;
  population?: number;
}

/** A tile the AI proposes: `{title, query, chart}` (docs/ai.md). */
export interface AiTile {
  title: string;
  query: QuerySpec;
  chart: ChartSpec;
}

/** `POST /api/v1/embed/ai/ask`'s answer. */
export interface AiAnswer {
  conversation_id: string;
  answer: string;
  tile: AiTile | null;
  tiles: AiTile[];
  suggestions: string[];
  engine?: string;
  fallback_reason?: string | null;
  notes?: string[];
  /** What the AI understood, what it assumed, and close other readings (issue 12). */
  understood?: string | null;
  assumptions?: string[];
  unused?: string[];
  alternatives?: AiAlternative[];
  /** In a conversation: the answer changed the last chart (true) or is a new question (false). */
  follow_up?: boolean | null;
  source?: string;
  elapsed_ms?: number;
}

/** A close other reading of a question: asking `question` gives it. With `follow_up`, ask it
 * that way: true changes the chart before the answer that offers it, false asks afresh. */
export interface AiAlternative {
  label: string;
  question: string;
  follow_up?: boolean;
}

/** One stored message of a conversation. */
export interface AiMessage {
  role: 'user' | 'assistant';
  text: string;
  tile?: AiTile | null;
  tiles?: AiTile[];
  suggestions?: string[];
  fallback_reason?: string | null;
  notes?: string[];
  understood?: string | null;
  assumptions?: string[];
  unused?: string[];
  alternatives?: AiAlternative[];
  follow_up?: boolean | null;
}

export interface AiConversation {
  id: string;
  title: string;
  source?: string | null;
  messages: AiMessage[];
}
