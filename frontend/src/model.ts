// Reading the catalog and the query spec: labels, column kinds, output names, the default chart.
// Output names follow the query engine: `<agg>_<column>` for a measure (`count` when bare),
// `<column>_<grain>` for a dimension with a grain, and `offices.region` -> `offices_region`.

import type {
  Agg,
  Catalog,
  CatalogColumn,
  CatalogTable,
  ChartType,
  Dimension,
  Grain,
  Measure,
  QuerySpec,
} from './types.js';
import RULES from '../../src/plotboard/ai/chart_rules.json';

export const AGG_LABELS: Record<Agg, string> = {
  count: 'Number of rows',
  count_distinct: 'Distinct',
  sum: 'Total',
  avg: 'Average',
  min: 'Lowest',
  max: 'Highest',
};

export const GRAIN_LABELS: Record<Grain, string> = {
  day: 'Day',
  week: 'Week',
  month: 'Month',
  quarter: 'Quarter',
  year: 'Year',
};

export const CHART_LABELS: Record<ChartType, string> = {
  bar: 'Bar',
  bar_horizontal: 'Horizontal bar',
  bar_stacked: 'Stacked bar',
  line: 'Line',
  area: 'Area',
  pie: 'Pie',
  donut: 'Donut',
  kpi: 'Number (KPI)',
  table: 'Table',
  scatter: 'Scatter',
  map: 'Map',
};

const LOCATION_SEMANTICS = new Set(['city', 'country', 'location']);
const CITY_WORDS = /(^|_)(city|town|location|office_city)$/i;
const COUNTRY_WORDS = /(^|_)(country|country_name|nation)$/i;

/** A column as the builder offers it: own columns, plus one hop along foreign keys. */
export interface ColumnChoice {
  /** What goes into the spec: `salary` or `offices.region`. */
  ref: string;
  column: CatalogColumn;
  label: string;
  /** The related table's label, for grouping; empty for the table's own columns. */
  group: string;
}

export function humanize(name: string): string {
  const words = name.replace(/[_\-.]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : name;
}

/** A label inside a sentence ("Number of …", "Total …", "… by …"). A name made from the
 * database's name reads in lower case ("sale date"); a label the catalog gives keeps its case:
 * only a word merely capitalized goes lower ("Total EUR" -> "total EUR", "iPhone" stays). */
export function inSentence(label: string, given = false): string {
  if (!given) return label.toLowerCase();
  return label.replace(/(^|[^\p{L}\p{N}])(\p{Lu})(\p{Ll}*)(?![\p{L}\p{N}])/gu, (_m, before: string, first: string, rest: string) => before + first.toLowerCase() + rest);
}

/** A column (or a related table's column) inside a sentence. */
export function choiceInSentence(choice: ColumnChoice): string {
  return inSentence(choice.label, Boolean(choice.column.display_name || choice.group));
}

/** A table's label inside a sentence. */
export function tableInSentence(table: CatalogTable | undefined, fallback = ''): string {
  return inSentence(tableLabel(table, fallback), Boolean(table?.display_name));
}

export function tableLabel(table: CatalogTable | undefined, fallback = ''): string {
  if (!table) return humanize(fallback);
  return table.display_name || humanize(table.name);
}

export function columnLabel(column: CatalogColumn | undefined, fallback = ''): string {
  if (!column) return humanize(fallback);
  return column.display_name || humanize(column.name);
}

export class CatalogIndex {
  constructor(readonly catalog: Catalog) {}

  get tables(): Array<{ source: string; table: CatalogTable }> {
    return this.catalog.sources.flatMap((s) => s.tables.map((table) => ({ source: s.id, table })));
  }

  table(name: string): CatalogTable | undefined {
    const lowered = name.toLowerCase();
    for (const source of this.catalog.sources) {
      const hit = source.tables.find(
        (t) =>
          t.name.toLowerCase() === lowered ||
          (t.schema && `${t.schema}.${t.name}`.toLowerCase() === lowered),
      );
      if (hit) return hit;
    }
    return undefined;
  }

  private scoped = new Map<string, CatalogIndex>();

  /** The catalog of one source only (a tile's or a draft's): its tables are the ones a name
   * means, even when another source has a table of the same name. Itself with one source, or
   * for a source it does not know. */
  forSource(id: string | undefined | null): CatalogIndex {
    if (!id || this.catalog.sources.length <= 1) return this;
    let found = this.scoped.get(id);
    if (!found) {
      const sources = this.catalog.sources.filter((s) => s.id === id);
      if (!sources.length) return this;
      found = new CatalogIndex({ ...this.catalog, sources });
      this.scoped.set(id, found);
    }
    return found;
  }

  /** The source holding a table; left out of the request when there is only one source. */
  sourceOf(tableName: string): string | undefined {
    if (this.catalog.sources.length <= 1) return undefined;
    const lowered = tableName.toLowerCase();
    return this.catalog.sources.find((s) => s.tables.some((t) => t.name.toLowerCase() === lowered))?.id;
  }

  /** Columns of `tableName`, then those of tables its foreign keys point to. */
  choices(tableName: string): ColumnChoice[] {
    const table = this.table(tableName);
    if (!table) return [];
    const own = table.columns.map((column) => ({
      ref: column.name,
      column,
      label: columnLabel(column),
      group: '',
    }));
    const related: ColumnChoice[] = [];
    const seen = new Set<string>([table.name.toLowerCase()]);
    for (const relation of table.relations ?? []) {
      const target = this.table(relation.ref_table);
      if (!target || seen.has(target.name.toLowerCase())) continue;
      seen.add(target.name.toLowerCase());
      const group = tableLabel(target);
      for (const column of target.columns) {
        if (relation.ref_columns.includes(column.name)) continue; // the key itself: no news
        if (table.columns.some((c) => c.name === column.name)) continue; // same name on the base
        related.push({
          ref: `${target.name}.${column.name}`,
          column,
          label: `${group} › ${columnLabel(column)}`,
          group,
        });
      }
    }
    return [...own, ...related];
  }

  choice(tableName: string, ref: string): ColumnChoice | undefined {
    return this.choices(tableName).find((c) => c.ref.toLowerCase() === ref.toLowerCase());
  }

  measureLabel(tableName: string, measure: Measure): string {
    if (measure.expr) return humanize(measure.name ?? 'calculation');
    const base = this.plainMeasureLabel(tableName, measure);
    const within = shareWithin(measure);
    if (within) return `${base} (% within each ${this.dimensionInSentence(tableName, { column: within })})`;
    if (measure.share) return `${base} (% of total)`;
    if (measure.cumulative) return `${base} (running total)`;
    return base;
  }

  private plainMeasureLabel(tableName: string, measure: Measure): string {
    if (!measure.column) return `Number of ${tableInSentence(this.table(tableName), tableName)}`;
    const choice = this.choice(tableName, measure.column);
    const label = choice?.label ?? humanize(measure.column);
    const phrase = choice ? choiceInSentence(choice) : label.toLowerCase();
    if (measure.agg === 'count') return `Number of ${phrase}`;
    if (measure.agg === 'count_distinct') return `Distinct ${phrase}`;
    return aggregateOf(measure.agg, phrase, true);
  }

  /** A breakdown's label inside a sentence ("In each store", "% within each sale date (month)"). */
  dimensionInSentence(tableName: string, dimension: Dimension): string {
    const choice = this.choice(tableName, dimension.column);
    return inSentence(this.dimensionLabel(tableName, dimension), Boolean(choice && (choice.column.display_name || choice.group)));
  }

  dimensionLabel(tableName: string, dimension: Dimension): string {
    const label = this.choice(tableName, dimension.column)?.label ?? humanize(dimension.column);
    if (dimension.bin) return `${label} (bands)`;
    return dimension.grain ? `${label} (${GRAIN_LABELS[dimension.grain].toLowerCase()})` : label;
  }

  /** Labels for the result's columns, in result order (dimensions first, then measures). */
  resultLabels(spec: QuerySpec): string[] {
    return [
      ...(spec.dimensions ?? []).map((d) => this.dimensionLabel(spec.table, d)),
      ...(spec.measures ?? []).map((m) => this.measureLabel(spec.table, m)),
    ];
  }

  /** A title a person would write: "Average salary by location", "Number of sales by
   * employee's department" (a related table's column reads as a possessive, not "a › b"). */
  suggestTitle(spec: QuerySpec): string {
    const phrase = (ref: string | undefined): string => {
      const choice = ref ? this.choice(spec.table, ref) : undefined;
      if (!choice) return humanize(ref ?? '').toLowerCase();
      const column = inSentence(columnLabel(choice.column), Boolean(choice.column.display_name));
      return choice.group ? `${singular(inSentence(choice.group, true))}'s ${column}` : column;
    };
    const measures = (spec.measures ?? []).map((m, i) => {
      const text = m.expr || m.share || m.cumulative
        ? this.measureLabel(spec.table, m)
        : !m.column
        ? this.measureLabel(spec.table, m)
        : m.agg === 'count'
          ? `Number of ${phrase(m.column)}`
          : m.agg === 'count_distinct'
            ? `Distinct ${phrase(m.column)}`
            : aggregateOf(m.agg, phrase(m.column), true);
      return i === 0 ? text : text[0]!.toLowerCase() + text.slice(1);
    });
    const dims = (spec.dimensions ?? []).map((d) => (d.grain ? GRAIN_LABELS[d.grain].toLowerCase() : phrase(d.column)));
    const records = spec.select?.length && !measures.length;
    const what = measures.length ? measures.join(' and ') : `${records ? 'List of ' : ''}${records ? tableInSentence(this.table(spec.table), spec.table) : tableLabel(this.table(spec.table), spec.table)}`;
    return dims.length ? `${what} by ${dims.join(' and ')}` : what;
  }
}

/** "Total amount", "Average salary": the aggregate's word and the column's name, once. A column
 * already named with that word ("Total", "Total due", "Average price") reads "Total", not
 * "Total total". */
export function aggregateOf(agg: Agg, label: string, given = false): string {
  const word = AGG_LABELS[agg];
  const lower = label.toLowerCase();
  if (lower === word.toLowerCase() || lower.startsWith(`${word.toLowerCase()} `)) return humanize(label);
  return `${word} ${inSentence(label, given)}`;
}

/** "employees" → "employee", "categories" → "category": enough for table names in a title. */
export function singular(word: string): string {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (/[^su]s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The first breakdown's column a share is taken within (`{within}`), or null for a share of
 * the total or no share. */
export function shareWithin(measure: Measure): string | null {
  return typeof measure.share === 'object' && measure.share ? measure.share.within : null;
}

/** A measure's output name: its `name`, else `<agg>_<column>` (`count` when bare), with
 * `_share` or `_cumulative` appended (the server's rule, docs/queries.md). */
export function measureAlias(measure: Measure): string {
  if (measure.name) return measure.name;
  const base = measure.column ? `${measure.agg}_${measure.column.replace(/\./g, '_')}` : 'count';
  return measure.share ? `${base}_share` : measure.cumulative ? `${base}_cumulative` : base;
}

export function dimensionAlias(dimension: Dimension): string {
  const base = dimension.column.replace(/\./g, '_');
  if (dimension.bin) return `${base}_bin`;
  return dimension.grain ? `${base}_${dimension.grain}` : base;
}

export function isNumeric(column: CatalogColumn | undefined): boolean {
  return column?.type === 'integer' || column?.type === 'number';
}

export function isTemporal(column: CatalogColumn | undefined): boolean {
  return column?.type === 'date' || column?.type === 'datetime';
}

export function isIdentifier(column: CatalogColumn | undefined): boolean {
  if (!column) return false;
  return column.semantic_type === 'identifier' || /(^id$|_id$)/i.test(column.name);
}

/** A column people group or filter by: a category, not a name, an address or an id. */
export function isCategory(column: CatalogColumn | undefined): boolean {
  if (!column || column.type !== 'string' || isIdentifier(column)) return false;
  const semantic = (column.semantic_type ?? '').toLowerCase();
  if (semantic === 'category' || semantic === 'region') return true;
  if (['email', 'url', 'text', 'identifier'].includes(semantic)) return false;
  return !/(name|email|phone|address|url|description|comment|note)s?$/i.test(column.name);
}

/** Numbers that are groups, not amounts: a year, a rating, a level. */
const NUMBER_GROUPS = /(^|_)(year|quarter|month|week|weekday|rating|rank|level|grade|tier|stars)s?$/i;
const FREE_TEXT = /(^|_)(e_?mail|phone|url|address|description|comment|note)s?$/i;
const GROUP_SEMANTICS = new Set(['category', 'region', 'country', 'city', 'location', 'postal_code', 'boolean', 'date', 'datetime']);

/**
 * How good a column is to break a chart down by, for ordering the "Break down by" list:
 * 0 dates, 1 categories, places and yes/no, 2 other words (names); null for columns that are
 * no grouping by default — ids and keys, amounts (measures), free text, e-mails, coordinates —
 * which the list still offers, under "More columns". The catalog's semantic types (set by an
 * admin or proposed by Analyze) win over the column's type and name.
 */
export function breakdownRank(column: CatalogColumn): 0 | 1 | 2 | null {
  if (column.type === 'other' || isIdentifier(column)) return null;
  const semantic = (column.semantic_type ?? '').toLowerCase();
  if (['measure', 'currency', 'percentage', 'latitude', 'longitude', 'email', 'url', 'text'].includes(semantic)) return null;
  if (isTemporal(column) || semantic === 'date' || semantic === 'datetime') return 0;
  if (column.type === 'boolean' || isCategory(column) || locationKind(column)) return 1;
  if (isNumeric(column)) return GROUP_SEMANTICS.has(semantic) || NUMBER_GROUPS.test(column.name) ? 1 : null;
  // Words each row has its own of (an address, a note) group nothing; a name can (top sellers).
  return FREE_TEXT.test(column.name) ? null : 2;
}

/** The "Break down by" list: the good columns first (dates, then categories, then other
 * words; the table's own before each related table's), and the rest apart. */
export function breakdownChoices(choices: ColumnChoice[]): { main: ColumnChoice[]; more: ColumnChoice[] } {
  const ranked = choices.map((c, i) => ({ c, i, rank: breakdownRank(c.column) }));
  const main = ranked
    .filter((r) => r.rank !== null)
    .sort((a, b) => Number(Boolean(a.c.group)) - Number(Boolean(b.c.group)) || a.rank! - b.rank! || a.i - b.i)
    .map((r) => r.c);
  return { main, more: ranked.filter((r) => r.rank === null).map((r) => r.c) };
}

/** One `<optgroup>` of the "Break down by" list. */
export interface BreakdownGroup {
  label: string;
  /** Ids and amounts: offered, but apart. */
  more: boolean;
  options: Array<{ ref: string; label: string }>;
}

/** The "Break down by" list as the builder shows it: every column under its table's name (the
 * catalog's friendly names, the same form in every group: "Department" under "Employees", never
 * "Employees › Department" in one place and "Department" in another); the table's own first,
 * then each related table's; then, apart, each table's ids and amounts. */
export function breakdownGroups(index: CatalogIndex, tableName: string, choices: ColumnChoice[]): BreakdownGroup[] {
  const own = tableLabel(index.table(tableName), tableName);
  const { main, more } = breakdownChoices(choices);
  const groups: BreakdownGroup[] = [];
  const add = (list: ColumnChoice[], isMore: boolean) => {
    const names = [...new Set(list.map((c) => c.group))].sort((a, b) => Number(Boolean(a)) - Number(Boolean(b)));
    for (const name of names) {
      const table = name || own;
      groups.push({
        label: isMore ? `More ${table} columns (ids, amounts)` : table,
        more: isMore,
        options: list.filter((c) => c.group === name).map((c) => ({ ref: c.ref, label: columnLabel(c.column) })),
      });
    }
  };
  add(main, false);
  add(more, true);
  return groups;
}

export type LocationKind = 'city' | 'country';

/** Whether a column holds places that the map can show, and which kind. */
export function locationKind(column: CatalogColumn | undefined): LocationKind | null {
  if (!column || column.type !== 'string') return null;
  const semantic = (column.semantic_type ?? '').toLowerCase();
  if (semantic === 'country') return 'country';
  if (semantic === 'city') return 'city';
  if (COUNTRY_WORDS.test(column.name)) return 'country';
  if (semantic === 'location' || CITY_WORDS.test(column.name)) return 'city';
  if (LOCATION_SEMANTICS.has(semantic)) return 'city';
  return null;
}

// The chart rules are data shared with the AI (src/plotboard/ai/chart_rules.json), so the
// builder's "Best" and the AI's choice agree; both sides are tested against the same cases.

/** What the chart rules look at: how many measures and breakdowns, what the first breakdown
 * holds, and how many groups it has (null: not known, as in the builder). */
export interface ChartShape {
  measures: number;
  dims: number;
  first?: ShapeKind | null;
  categories?: number | null;
  /** What the query shows beyond plain values, when anything (spec v2). */
  special?: SpecialKind | null;
}

/** share: percents of a total; share_within: percents of each group of the first breakdown
 * (each adds up to 100%); compare: against the previous period; records: rows listed; bins:
 * number bands (a histogram); running: running totals. */
export type SpecialKind = 'share' | 'share_within' | 'compare' | 'records' | 'bins' | 'running' | 'top_per';

export type ShapeKind = 'time' | 'place' | 'boolean' | 'number' | 'category';

type Count = number | { min?: number; max?: number };

interface Condition {
  measures?: Count;
  dims?: Count;
  first?: string[];
  categories?: Count;
  special?: string[];
  any?: Condition[];
}

const countHolds = (want: Count, value: number): boolean =>
  typeof want === 'number' ? value === want : (want.min ?? value) <= value && value <= (want.max ?? value);

/** Whether a shape meets a rule's condition (see the rules file's "about"). */
export function ruleHolds(condition: Condition, shape: ChartShape): boolean {
  return Object.entries(condition).every(([key, want]) => {
    switch (key) {
      case 'any':
        return (want as Condition[]).some((c) => ruleHolds(c, shape));
      case 'measures':
      case 'dims':
        return countHolds(want as Count, shape[key]);
      case 'first':
        return (want as string[]).includes(shape.first ?? '');
      case 'categories':
        return shape.categories != null && countHolds(want as Count, shape.categories);
      case 'special':
        return (want as string[]).includes(shape.special ?? '');
      default:
        throw new Error(`unknown chart rule condition ${key}`);
    }
  });
}

const DEFAULT_RULES = RULES.default as Array<{ when: Condition; chart: ChartType }>;
const FIT_RULES = RULES.fits as Record<ChartType, Array<{ needs: Condition; problem: string }>>;

/** The default chart for a query of this shape. */
export function chartForShape(shape: ChartShape): ChartType {
  return DEFAULT_RULES.find((rule) => ruleHolds(rule.when, shape))?.chart ?? 'table';
}

/** Null when `chart` can draw a query of this shape, else the reason it can't. */
export function shapeProblem(shape: ChartShape, chart: ChartType): string | null {
  return (FIT_RULES[chart] ?? []).find((need) => !ruleHolds(need.needs, shape))?.problem ?? null;
}

/** The spec as the chart rules see it; the builder does not know how many groups there are. */
export function chartShape(index: CatalogIndex, spec: QuerySpec): ChartShape {
  const dims = spec.dimensions ?? [];
  const measures = (spec.measures ?? []).length;
  const special = specialOf(spec);
  const extra = special ? { special } : {};
  if (!dims.length) return { measures, dims: 0, ...extra };
  const column = index.choice(spec.table, dims[0]!.column)?.column;
  const first: ShapeKind = dims[0]!.bin
    ? 'number'
    : dims[0]!.grain || isTemporal(column)
    ? 'time'
    : locationKind(column)
      ? 'place'
      : column?.type === 'boolean'
        ? 'boolean'
        : isNumeric(column)
          ? 'number'
          : 'category';
  return { measures, dims: dims.length, first, categories: null, ...extra };
}

/** The one thing beyond plain values a spec shows, if any (records first, then the measures'
 * kinds, then bands). */
export function specialOf(spec: QuerySpec): SpecialKind | null {
  const measures = spec.measures ?? [];
  if (spec.select?.length && !measures.length && !spec.dimensions?.length) return 'records';
  if (spec.compare) return 'compare';
  // The top N in each group: every pick shown (a table), none folded into Other.
  if (spec.limit_per && spec.limit && (spec.dimensions?.length ?? 0) >= 2) return 'top_per';
  if (measures.length && measures.every((m) => shareWithin(m))) return 'share_within';
  if (measures.length && measures.every((m) => m.share)) return 'share';
  if (measures.some((m) => m.cumulative)) return 'running';
  if (spec.dimensions?.[0]?.bin) return 'bins';
  return null;
}

/** Which chart types make sense for a spec (the builder greys out the others). */
export function chartFits(index: CatalogIndex, spec: QuerySpec, chart: ChartType): boolean {
  return shapeProblem(chartShape(index, spec), chart) === null;
}

/** The chart a person would most likely want for this query. */
export function defaultChart(index: CatalogIndex, spec: QuerySpec): ChartType {
  return chartForShape(chartShape(index, spec));
}
