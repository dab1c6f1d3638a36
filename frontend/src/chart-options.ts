// The one place where a tile (query spec + chart type) and its result become what is drawn:
// ECharts options for the charts, and plain models for the KPI number and the table.
// The builder's preview and the dashboard's tiles both go through `buildChart`.

import type { EChartsCoreOption } from 'echarts/core';
import { isCondition } from './filter-groups.js';
import { formatCategory, formatCell, formatMeasure, formatNumber, formatPercent, formatPeriod, toNumber } from './format.js';
import type { CatalogIndex, LocationKind } from './model.js';
import { isTemporal, locationKind, measureAlias, specialOf } from './model.js';
import type { Cell, ChartType, GeoPlace, Grain, NumberFormat, QueryResult, QuerySpec, ResultColumn } from './types.js';

/** How an empty value reads when it stands for rows the user may not see. */
export const HIDDEN_LABEL = 'Not visible to you';

/** The words for an empty value of a result column when the server says it stands for hidden
 * rows (`null_means`); null for a genuinely empty value, which each view shows its own way. */
export function emptyLabel(column: ResultColumn | undefined): string | null {
  if (column?.null_means === 'hidden') return HIDDEN_LABEL;
  if (column?.null_means === 'hidden_or_empty') return `${HIDDEN_LABEL} or empty`;
  return null;
}

export interface ChartTheme {
  text: string;
  muted: string;
  line: string;
  surface: string;
  land: string;
  palette: string[];
}

export interface ChartInput {
  type: ChartType;
  spec: QuerySpec;
  result: QueryResult;
  index: CatalogIndex;
  theme: ChartTheme;
  /** For maps: what the gazetteer found for each place name. */
  places?: Record<string, GeoPlace | null>;
  /** For maps: the registered world outline's name, and the countries it draws. */
  mapName?: string;
  regions?: ReadonlySet<string>;
}

export interface TableColumn {
  label: string;
  type: string;
  grain?: Grain;
  numeric: boolean;
  /** What an empty cell says when it stands for hidden rows ("Not visible to you"). */
  empty?: string;
  /** A measure's number format. */
  format?: NumberFormat;
}

export type ChartModel =
  | {
      kind: 'echarts';
      option: EChartsCoreOption;
      notes: string[];
      /** A map's values in words, largest first: its PNG lists them (the picture alone only
       * has shades and dots). */
      values?: ValueList;
      /** The dimension values behind a clicked mark (ECharts' series and data index), for
       * drilling; null for a mark that stands for several values ("Other"). */
      pointAt?: (seriesIndex: number, dataIndex: number) => Cell[] | null;
      /** The values one can drill into, in words, for the keyboard (a canvas has no focus). */
      points?: Array<{ label: string; values: Cell[] }>;
    }
  | {
      kind: 'kpi';
      label: string;
      value: number;
      /** A value that is not a number (a date, a name), formatted to show as is. */
      text?: string;
      period?: string;
      change?: { ratio: number; previous: string; previousValue: number };
      format?: NumberFormat;
    }
  | { kind: 'table'; columns: TableColumn[]; rows: Cell[][] }
  | { kind: 'empty'; message: string };

/** Values in words: what a measure is for each name, largest first. */
export interface ValueList {
  measure: string;
  items: Array<[string, string]>;
}

export const MAX_SERIES = 10;
export const MAX_SLICES = 9;

/** What a tile needs before it can be drawn (the map outline loads on demand). */
export function chartNeeds(input: Pick<ChartInput, 'type' | 'spec' | 'index'>): LocationKind | null {
  if (input.type !== 'map') return null;
  const first = input.spec.dimensions?.[0];
  if (!first) return null;
  return locationKind(input.index.choice(input.spec.table, first.column)?.column) ?? 'city';
}

interface Dim {
  label: string;
  grain?: Grain;
  /** Number bands: each value is a band's lower edge. */
  bin?: { width?: number; count?: number };
  type: string;
  /** The words for an empty value that stands for hidden rows. */
  empty?: string;
}

interface Shape {
  dims: Dim[];
  measures: string[];
  /** Each measure's number format (the answer's, else the spec's). */
  formats: Array<NumberFormat | undefined>;
  rows: Cell[][];
  /** With a period comparison: for each measure, the position of its previous value and its
   * percent change in the answer's rows (or -1). */
  compare?: Array<{ previous: number; pct: number }>;
  /** With a comparison of two whole calendar years: the years, this one and the one before. */
  years?: [string, string];
}

const SHARE_FORMAT: NumberFormat = { type: 'percent' };

const COMPARE_WORDS = { previous_period: 'previous period', previous_year: 'same period a year before' };

/** The two periods a comparison weighed, when both are whole calendar years ("2025", "2024"). */
function comparedYears(result: QueryResult): [string, string] | undefined {
  const year = (p?: { from: string; to: string }) => {
    const y = p?.from.slice(0, 4);
    return y && p!.from.startsWith(`${y}-01-01`) && p!.to.startsWith(`${y}-12-31`) ? y : '';
  };
  const now = year(result.compare?.current);
  const before = year(result.compare?.previous);
  return now && before ? [now, before] : undefined;
}

/** What the previous values are called: their year when it is one ("2024"), else in words. */
function previousWords(spec: QuerySpec, s: Shape): string {
  return s.years?.[1] ?? COMPARE_WORDS[spec.compare?.to ?? 'previous_period'];
}

/** A comparison column's label: `revenue_previous` → "Revenue (previous period)". */
function compareLabel(spec: QuerySpec, s: Shape, name: string): string | null {
  const measures = spec.measures ?? [];
  const labels = s.measures;
  for (const [i, m] of measures.entries()) {
    const alias = measureAlias(m);
    const words = previousWords(spec, s);
    if (name === `${alias}_previous`) return `${labels[i]} (${words})`;
    if (name === `${alias}_change`) return `${labels[i]}: change`;
    if (name === `${alias}_change_pct`) return `${labels[i]}: change (%)`;
  }
  return null;
}

function shape(input: ChartInput): Shape {
  const { spec, result, index } = input;
  const dims = (spec.dimensions ?? []).map((d, i): Dim => ({
    label: index.dimensionLabel(spec.table, d),
    grain: d.grain,
    ...(d.bin ? { bin: d.bin } : {}),
    type: d.grain ? 'date' : (index.choice(spec.table, d.column)?.column.type ?? result.columns[i]?.type ?? 'string'),
    empty: emptyLabel(result.columns[i]) ?? undefined,
  }));
  let measures = (spec.measures ?? []).map((m) => index.measureLabel(spec.table, m));
  // A share is a percent (0–100) whether or not the spec gave it a format.
  let formats = (spec.measures ?? []).map((m, i) => result.columns[dims.length + i]?.format ?? m.format ?? (m.share ? SHARE_FORMAT : undefined));
  let rows = result.rows;
  let compare: Shape['compare'];
  const years = spec.compare ? comparedYears(result) : undefined;
  if (spec.compare && spec.measures?.length) {
    const where = (name: string) => result.columns.findIndex((c) => c.name === name);
    compare = spec.measures.map((m) => ({ previous: where(`${measureAlias(m)}_previous`), pct: where(`${measureAlias(m)}_change_pct`) }));
    if (dims.length === 1) {
      // Grouped bars: each measure beside its value for the period before.
      const pairs = compare.map((c, i) => ({ ...c, i })).filter((c) => c.previous >= 0);
      rows = rows.map((row) => [...row.slice(0, 1 + measures.length), ...pairs.map((c) => row[c.previous] ?? null)]);
      const words = years?.[1] ?? COMPARE_WORDS[spec.compare.to];
      measures = [...measures, ...pairs.map((c) => `${measures[c.i]} (${words})`)];
      formats = [...formats, ...pairs.map((c) => formats[c.i])];
    }
  }
  const first = spec.dimensions?.[0];
  const temporal =
    first && (first.grain || isTemporal(index.choice(spec.table, first.column)?.column));
  if (temporal) {
    // Time reads left to right, whatever the sort chosen for the query.
    rows = [...rows].sort((a, b) => String(a[0] ?? '').localeCompare(String(b[0] ?? '')));
  }
  return { dims, measures, formats, rows, compare, ...(years ? { years } : {}) };
}

/** A dimension value as a category name: hidden rows in words, else `formatCategory`. */
function category(value: Cell, dim: Dim): string {
  if ((value === null || value === undefined) && dim.empty) return dim.empty;
  if (dim.bin && typeof value === 'number') {
    // A band by its edges: "40K–60K" (or "from 40K" when the width is the server's).
    const edge = (v: number) => formatNumber(v, 'compact');
    return dim.bin.width ? `${edge(value)}–${edge(value + dim.bin.width)}` : `from ${edge(value)}`;
  }
  return formatCategory(value, dim.grain, dim.type);
}

/** Relative date ranges counted from today, which find nothing when the data ends earlier. */
const FROM_TODAY = new Set(['last', 'this', 'previous', 'to_date']);

/** The dates a relative filter kept, and where the user's data of that column lies, when the
 * answer says so: "No data from Jun 1, 2026 to Nov 30, 2026: your Sale date data runs from
 * Jan 1, 2023 to Dec 31, 2025." */
function outsideTheData(input: ChartInput): string | null {
  for (const entry of input.result.relative_dates ?? []) {
    const data = entry.data;
    if (!entry.from || !entry.to || !data) continue;
    const day = (d: string) => formatPeriod(d, undefined);
    const name = input.index.choice(input.spec.table, entry.column)?.label ?? entry.column;
    const kept = `No data from ${day(entry.from)} to ${day(entry.to)}`;
    if (!data.from || !data.to) return `${kept}: you have no ${name} data at all.`;
    if (data.to >= entry.from && data.from <= entry.to) continue; // overlaps: other filters emptied it
    const runs = `your ${name} data runs from ${day(data.from)} to ${day(data.to)}`;
    const hint =
      entry.anchor === 'latest' ? '' : ' Tick “Count back from the latest date in the data” under the date range.';
    return `${kept}: ${runs}.${hint}`;
  }
  return null;
}

export function buildChart(input: ChartInput): ChartModel {
  const { result } = input;
  // One total over no rows is a row of NULLs (a count is 0): "No data", not a bare dash.
  const totalOfNothing =
    result.rows.length === 1 &&
    !(input.spec.dimensions ?? []).length &&
    !(input.spec.select ?? []).length &&
    result.rows[0]!.every((cell) => cell === null);
  if (!result.rows.length || totalOfNothing) {
    const outside = outsideTheData(input);
    if (outside) return { kind: 'empty', message: outside };
    // An access rule that needs something the user's token does not carry lets no row through:
    // no filter to remove, so not "Try removing a filter" (docs/queries.md, security_filters).
    if ((result.security_filters ?? []).some((f) => String(f).endsWith('(missing: no rows)'))) {
      return { kind: 'empty', message: 'No data you may see: your access to this data is not set up yet. Ask your administrator.' };
    }
    const fromToday = (input.spec.filters ?? []).filter(isCondition).some((f) => FROM_TODAY.has(f.op) && !('anchor' in f && f.anchor === 'latest'));
    if (fromToday) {
      return { kind: 'empty', message: 'No data in this date range. If your data ends before today, tick “Count back from the latest date in the data” under the date range.' };
    }
    // "Try removing a filter" only when the chart has one; and when access rules applied, say
    // the rows looked at are the user's own (another user may see rows here: not a broken chart).
    const filtered = (input.spec.filters ?? []).length > 0 || (input.spec.having ?? []).length > 0;
    const ruled = (result.security_filters ?? []).length > 0;
    const what = ruled ? 'None of the rows you may see match this chart.' : filtered ? 'No data matches this chart.' : 'This chart has no data.';
    return { kind: 'empty', message: filtered ? `${what} Try removing a filter.` : what };
  }
  const s = shape(input);
  switch (input.type) {
    case 'table':
      return tableModel(input, s);
    case 'kpi':
      return kpiModel(s, input.result);
    case 'pie':
    case 'donut':
      return pieOption(input, s);
    case 'scatter':
      return scatterOption(input, s);
    case 'map':
      return mapOption(input, s);
    default:
      return cartesianOption(input, s);
  }
}

function tableModel(input: ChartInput, s: Shape): ChartModel {
  const columns: TableColumn[] = input.result.columns.map((c, i) => {
    const dim = s.dims[i];
    const spec = input.spec;
    const records = !spec.measures?.length && !spec.dimensions?.length;
    const measureAt = i - s.dims.length;
    const inMeasures = !records && measureAt >= 0 && measureAt < (spec.measures?.length ?? 0);
    const label =
      dim?.label ??
      (inMeasures ? s.measures[measureAt] : undefined) ??
      compareLabel(spec, s, c.name) ??
      (records ? recordLabel(input, c.name) : c.name);
    const numeric = !records && !dim && i >= s.dims.length ? true : c.type === 'integer' || c.type === 'number';
    const column: TableColumn = dim?.grain
      ? { label, type: dim.type, grain: dim.grain, numeric }
      : { label, type: dim?.type ?? c.type, numeric };
    const format = c.format ?? (inMeasures ? s.formats[measureAt] : undefined) ?? (c.name.endsWith('_change_pct') ? { type: 'percent' as const, decimals: 1 } : undefined);
    if (format) column.format = format;
    else if (c.type === 'number') {
      // One column, one number of decimals: "1,199.00" under "9,657.90", not "1,199" under
      // "9,657.9" (automatic formatting drops the zeros of each number on its own).
      const decimals = columnDecimals(input.result.rows, i);
      if (decimals > 0) column.format = { type: 'number', decimals };
    }
    const empty = emptyLabel(c);
    return empty ? { ...column, empty } : column;
  });
  return { kind: 'table', columns, rows: input.result.rows };
}

/** The decimals a column's numbers need, at most 2 (what automatic formatting shows). */
function columnDecimals(rows: Cell[][], at: number): number {
  let most = 0;
  for (const row of rows) {
    const value = toNumber(row[at] ?? null);
    if (!Number.isFinite(value)) continue;
    const cents = Math.round(Math.abs(value) * 100);
    const needed = cents % 100 === 0 ? 0 : cents % 10 === 0 ? 1 : 2;
    if (needed > most) most = needed;
    if (most === 2) break;
  }
  return most;
}

/** A listed record's column: `offices_city` → "Office › City" as the builder names it. */
function recordLabel(input: ChartInput, name: string): string {
  const ref = input.spec.select?.find((r) => r.replace(/\./g, '_') === name);
  return (ref && input.index.choice(input.spec.table, ref)?.label) ?? name;
}

function kpiModel(s: Shape, result: QueryResult): ChartModel {
  const label = s.measures[0] ?? 'Value';
  const at = s.dims.length; // the first measure's position
  // The latest date or the first name (max/min of a date or text column) is not a number:
  // it is shown formatted, with no change against a previous period.
  const text = (cell: Cell | undefined): string | undefined => {
    if (cell === null || cell === undefined || typeof cell === 'number' || typeof cell === 'boolean') return undefined;
    const type = result.columns[at]?.type;
    if (type !== 'date' && type !== 'datetime' && Number.isFinite(toNumber(cell))) return undefined;
    return formatCell(cell, type);
  };
  const format = s.formats[0];
  const withFormat = <T extends object>(model: T): T => (format ? { ...model, format } : model);
  const compared = s.compare?.[0];
  if (compared && compared.previous >= 0 && s.rows.length) {
    // The comparison the server made: the last row's value against its previous period.
    const row = s.rows[s.rows.length - 1]!;
    const value = toNumber(row[at] ?? null);
    const previousValue = toNumber(row[compared.previous] ?? null);
    const model: ChartModel = withFormat({ kind: 'kpi' as const, label, value });
    if (s.dims.length) model.period = formatPeriod(row[0] ?? null, s.dims[0]!.grain);
    if (Number.isFinite(previousValue) && previousValue !== 0) {
      model.change = {
        ratio: (value - previousValue) / Math.abs(previousValue),
        previous: s.years?.[1] ?? (s.dims.length ? 'the period before' : 'the previous period'),
        previousValue,
      };
    }
    return model;
  }
  if (!s.dims.length || s.rows.length < 1) {
    const cell = s.rows[0]?.[at];
    const shown = text(cell);
    return shown === undefined
      ? withFormat({ kind: 'kpi' as const, label, value: toNumber(cell ?? null) })
      : { kind: 'kpi', label, value: NaN, text: shown };
  }
  const grain = s.dims[0]!.grain;
  const last = s.rows[s.rows.length - 1]!;
  const value = toNumber(last[at] ?? null);
  const model: ChartModel = withFormat({ kind: 'kpi' as const, label, value, period: formatPeriod(last[0] ?? null, grain) });
  const shown = text(last[at]);
  if (shown !== undefined) return { ...model, value: NaN, text: shown };
  const prev = s.rows[s.rows.length - 2];
  if (prev) {
    const previousValue = toNumber(prev[at] ?? null);
    if (Number.isFinite(previousValue) && previousValue !== 0) {
      model.change = {
        ratio: (value - previousValue) / Math.abs(previousValue),
        previous: formatPeriod(prev[0] ?? null, grain),
        previousValue,
      };
    }
  }
  return model;
}

function baseOption(theme: ChartTheme): Record<string, unknown> {
  return {
    color: theme.palette,
    backgroundColor: 'transparent',
    textStyle: { color: theme.text, fontFamily: 'inherit' },
    animationDuration: 350,
    tooltip: {
      confine: true,
      backgroundColor: theme.surface,
      borderColor: theme.line,
      textStyle: { color: theme.text },
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v ?? '–')),
    },
  };
}

/** A tooltip's value formatter in a measure's number format. */
function valueText(format: NumberFormat | undefined): (v: unknown) => string {
  return (v: unknown) => (typeof v === 'number' ? formatMeasure(v, format) : String(v ?? '–'));
}

function legend(theme: ChartTheme, show: boolean): Record<string, unknown> {
  return {
    show,
    type: 'scroll',
    top: 0,
    textStyle: { color: theme.text },
    pageTextStyle: { color: theme.muted },
    pageIconColor: theme.text,
    pageIconInactiveColor: theme.line,
  };
}

function cartesianOption(input: ChartInput, s: Shape): ChartModel {
  const { theme, type } = input;
  const horizontal = type === 'bar_horizontal';
  const stacked = type === 'bar_stacked';
  const kind = type === 'line' || type === 'area' ? 'line' : 'bar';
  const dim0 = s.dims[0]!;
  const categories: string[] = [];
  const rawCategories: Cell[] = [];
  const position = new Map<string, number>();
  // A breakdown with a key (people by name, grouped by their id): rows that read the same are
  // different people, so each row is a bar of its own, never added to its namesake's.
  const perRow = s.dims.length === 1 && !!input.spec.dimensions?.[0]?.key;
  for (const row of s.rows) {
    const key = category(row[0] ?? null, dim0);
    if (perRow || !position.has(key)) {
      position.set(key, categories.length);
      categories.push(key);
      rawCategories.push(row[0] ?? null);
    }
  }
  /** With a split: each series' value of the second dimension (none for Other). */
  let rawSeries: Array<{ value: Cell } | null> | null = null;
  const series: Array<{ name: string; data: Array<number | null> }> = [];
  const notes: string[] = [];
  let hiddenSeries: string | null = null;
  /** With a period comparison and a split: the series of the previous periods, by the name of
   * the series each one follows. */
  const previousOf = new Map<string, string>();
  if (s.dims.length >= 2) {
    // Pivot: one series per value of the second dimension, the largest first.
    const dim1 = s.dims[1]!;
    const at = 2;
    // A comparison: each series is followed by its previous periods (the same colour, lighter).
    const previousAt = s.compare?.[0]?.previous ?? -1;
    const words = previousWords(input.spec, s);
    // The top N in each group (`limit_per`): the picks are the answer, none folded into Other.
    const picked = Boolean(input.spec.limit_per && input.spec.limit);
    const most = picked ? Infinity : previousAt >= 0 ? Math.floor(MAX_SERIES / 2) : MAX_SERIES;
    const totals = new Map<string, number>();
    for (const row of s.rows) {
      const name = category(row[1] ?? null, dim1);
      totals.set(name, (totals.get(name) ?? 0) + (toNumber(row[at] ?? null) || 0));
    }
    // Rows the user may not see come last, whatever their size, and are never folded into Other.
    hiddenSeries = dim1.empty && totals.has(dim1.empty) ? dim1.empty : null;
    let names = [...totals.keys()].filter((n) => n !== hiddenSeries);
    if (!dim1.grain) names.sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0));
    else names.sort();
    const kept = new Set(names.slice(0, most));
    if (names.length > most) {
      const split = input.spec.dimensions?.[1];
      const splitWords = split ? input.index.dimensionInSentence(input.spec.table, split) : dim1.label.toLowerCase();
      notes.push(`Showing the ${most} largest of ${names.length} ${splitWords} values; the rest are grouped as Other.`);
      names = [...names.slice(0, most), 'Other'];
    }
    if (hiddenSeries) {
      kept.add(hiddenSeries);
      names.push(hiddenSeries);
    }
    const bySeries = new Map(names.map((n) => [n, categories.map(() => null as number | null)]));
    const previousBySeries = new Map(names.map((n) => [n, categories.map(() => null as number | null)]));
    for (const row of s.rows) {
      let name = category(row[1] ?? null, dim1);
      if (!kept.has(name)) name = 'Other';
      const data = bySeries.get(name)!;
      const i = position.get(category(row[0] ?? null, dim0))!;
      data[i] = (data[i] ?? 0) + (toNumber(row[at] ?? null) || 0);
      if (previousAt >= 0) {
        const before = toNumber(row[previousAt] ?? null);
        const previous = previousBySeries.get(name)!;
        if (Number.isFinite(before)) previous[i] = (previous[i] ?? 0) + before;
      }
    }
    const rawOf = new Map<string, Cell>();
    for (const row of s.rows) {
      const name = category(row[1] ?? null, dim1);
      if (!rawOf.has(name)) rawOf.set(name, row[1] ?? null);
    }
    rawSeries = [];
    for (const name of names) {
      series.push({ name, data: bySeries.get(name)! });
      rawSeries.push(name === 'Other' && !rawOf.has('Other') ? null : { value: rawOf.get(name) ?? null });
      if (previousAt >= 0) {
        // Not a point to drill into: its period is the one before the axis's.
        const label = `${name} (${words})`;
        previousOf.set(label, name);
        series.push({ name: label, data: previousBySeries.get(name)! });
        rawSeries.push(null);
      }
    }
  } else {
    // Two years compared: this year's bars are named by it too ("Total amount (2025)").
    const own = input.spec.measures?.length ?? 0;
    s.measures.forEach((label, m) => {
      const name = s.years && m < own ? `${label} (${s.years[0]})` : label;
      const data = categories.map(() => null as number | null);
      for (const [r, row] of s.rows.entries()) {
        const i = perRow ? r : position.get(category(row[0] ?? null, dim0))!;
        const value = toNumber(row[1 + m] ?? null);
        data[i] = Number.isFinite(value) ? value : null;
      }
      series.push({ name, data });
    });
  }
  const axisText = { color: theme.muted };
  // Every category named when they are few (slanted if long); thinned out when there are many.
  const longest = Math.max(0, ...categories.map((c) => c.length));
  const slant = !horizontal && categories.length <= 24 && categories.length * Math.min(longest, 14) > 48;
  const categoryAxis = {
    type: 'category',
    data: categories,
    inverse: horizontal,
    axisLabel: {
      ...axisText,
      hideOverlap: true,
      interval: categories.length <= 24 && !dim0.grain ? 0 : 'auto',
      rotate: slant && !dim0.grain ? 30 : 0,
      width: horizontal ? 110 : slant ? 100 : 90,
      overflow: 'truncate',
      // Lines start and end on the plot's edges: keep the first and last labels inside the
      // chart rather than centred on the edge, where the canvas cut them ("Dec 202").
      ...(kind === 'line' && !horizontal ? { alignMinLabel: 'left', alignMaxLabel: 'right' } : {}),
    },
    axisLine: { lineStyle: { color: theme.line } },
    axisTick: { show: false },
    name: horizontal || slant ? '' : dim0.label,
    nameLocation: 'middle',
    nameGap: 28,
    nameTextStyle: { color: theme.muted },
    boundaryGap: kind === 'bar',
  };
  // Shares within each bar's group, stacked: every bar is a whole, drawn to the same 100%.
  const whole = s.dims.length >= 2 && (stacked || (type === 'area' && series.length > 1)) && specialOf(input.spec) === 'share_within';
  const valueAxis = {
    type: 'value',
    ...(whole ? { min: 0, max: 100 } : {}),
    axisLabel: { ...axisText, formatter: (v: number) => formatMeasure(v, s.formats[0], 'compact') },
    splitLine: { lineStyle: { color: theme.line, opacity: 0.6 } },
    name: series.length === 1 && !horizontal ? s.measures[0] : '',
    nameTextStyle: { color: theme.muted, align: 'left' },
  };
  const showLegend = series.length > 1;
  const option = {
    ...baseOption(theme),
    legend: legend(theme, showLegend),
    grid: {
      left: 8,
      right: 16,
      top: showLegend ? 36 : 28,
      // Room for the axis name under the labels; slanted labels have no name under them (it
      // would cross them), so that room only squeezed the plot of a small tile.
      bottom: horizontal || slant ? 8 : 28,
      containLabel: true,
    },
    tooltip: { ...(baseOption(theme).tooltip as object), trigger: 'axis', axisPointer: { type: kind === 'bar' ? 'shadow' : 'line' } },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: series.map((item, n) => ({
      name: item.name,
      type: kind,
      data: item.data,
      tooltip: { valueFormatter: valueText(s.formats[s.dims.length >= 2 ? 0 : n]) },
      stack: stacked || (type === 'area' && series.length > 1) ? 'total' : undefined,
      smooth: kind === 'line' ? 0.25 : undefined,
      showSymbol: kind === 'line' ? categories.length <= 24 : undefined,
      areaStyle: type === 'area' ? { opacity: series.length > 1 ? 0.55 : 0.25 } : undefined,
      barMaxWidth: 48,
      itemStyle: kind === 'bar' ? { borderRadius: horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] } : undefined,
      emphasis: { focus: 'series' },
      connectNulls: true,
    })),
  };
  if (previousOf.size) {
    // Each previous period in its series' colour, lighter (dashed for lines), stacked apart.
    const colourOf = new Map<string, string>();
    let n = 0;
    for (const item of option.series as Array<Record<string, unknown>>) {
      const name = item.name as string;
      const follows = previousOf.get(name);
      const color = follows === undefined ? theme.palette[n++ % theme.palette.length]! : colourOf.get(follows)!;
      if (follows === undefined) colourOf.set(name, color);
      item.itemStyle = { ...(item.itemStyle as object | undefined), color, ...(follows === undefined ? {} : { opacity: 0.45 }) };
      if (kind === 'line') item.lineStyle = follows === undefined ? { color } : { color, type: 'dashed', opacity: 0.6 };
      if (follows !== undefined && item.stack) item.stack = 'previous';
    }
  }
  muteHidden(option.series, theme, hiddenSeries, dim0.empty ? position.get(dim0.empty) : undefined);
  if (hiddenSeries && previousOf.size) muteHidden(option.series, theme, `${hiddenSeries} (${previousWords(input.spec, s)})`, undefined);
  const pointAt = (seriesIndex: number, dataIndex: number): Cell[] | null => {
    if (dataIndex < 0 || dataIndex >= rawCategories.length) return null;
    const first = rawCategories[dataIndex] ?? null;
    if (!rawSeries) return [first];
    if (seriesIndex < 0) return null; // between the series of a split: which one is not known
    const second = rawSeries[seriesIndex];
    return second ? [first, second.value] : null;
  };
  if (s.dims.length > 2) return { kind: 'echarts', option, notes };
  const points = rawSeries ? undefined : categories.map((label, i) => ({ label, values: [rawCategories[i] ?? null] }));
  return points ? { kind: 'echarts', option, notes, pointAt, points } : { kind: 'echarts', option, notes, pointAt };
}

/** The colour of rows the user may not see: a grey, so they don't read as one more value. */
function hiddenColor(theme: ChartTheme): string {
  return blend(theme.surface, theme.muted, 0.55);
}

/** Greys out the series named `name` (a split's hidden rows) and the bar or point at category
 * `at` of every series (a breakdown's hidden rows). */
function muteHidden(series: Array<Record<string, unknown>>, theme: ChartTheme, name: string | null, at: number | undefined): void {
  const color = hiddenColor(theme);
  for (const item of series) {
    if (item.name === name) {
      item.itemStyle = { ...(item.itemStyle as object | undefined), color };
      item.lineStyle = { color };
      if (item.areaStyle) item.areaStyle = { ...(item.areaStyle as object), color };
    }
    const data = item.data as unknown[];
    if (at !== undefined && data[at] !== null && data[at] !== undefined) {
      data[at] = { value: data[at], itemStyle: { color } };
    }
  }
}

function pieOption(input: ChartInput, s: Shape): ChartModel {
  const { theme } = input;
  const dim0 = s.dims[0]!;
  const at = s.dims.length;
  const rawOf = new Map<string, Cell>();
  let data = s.rows
    .map((row) => {
      const name = category(row[0] ?? null, dim0);
      const value = toNumber(row[at] ?? null);
      if (!rawOf.has(name)) rawOf.set(name, row[0] ?? null);
      return name === dim0.empty ? { name, value, itemStyle: { color: hiddenColor(theme) } } : { name, value };
    })
    .filter((d) => Number.isFinite(d.value) && d.value > 0)
    .sort((a, b) => b.value - a.value);
  const notes: string[] = [];
  let grouped = false;
  if (data.length > MAX_SLICES + 1) {
    const rest = data.slice(MAX_SLICES).reduce((sum, d) => sum + d.value, 0);
    notes.push(`The ${data.length - MAX_SLICES} smallest slices are grouped as Other.`);
    data = [...data.slice(0, MAX_SLICES), { name: 'Other', value: rest }];
    grouped = true;
  }
  const slices = data.map((d, i) => (grouped && i === data.length - 1 ? null : [rawOf.get(d.name) ?? null]));
  const donut = input.type === 'donut';
  const base = {
    ...baseOption(theme),
    tooltip: { ...(baseOption(theme).tooltip as object), trigger: 'item', valueFormatter: valueText(s.formats[0]) },
    // Every name in full: below the pie, on as many lines as it takes (a scrolling legend
    // paged at a few items and cut names); beside it when the tile is wide (media below).
    legend: { ...legend(theme, true), type: 'plain', orient: 'horizontal', bottom: 0, top: 'auto', itemGap: 8, itemWidth: 14, itemHeight: 10 },
    series: [
      {
        type: 'pie',
        name: s.measures[0],
        radius: donut ? ['28%', '48%'] : ['0%', '48%'],
        center: ['50%', '38%'],
        avoidLabelOverlap: true,
        itemStyle: { borderColor: theme.surface, borderWidth: 2, borderRadius: donut ? 4 : 0 },
        // Names are in the legend: the labels only carry the share, which fits any width.
        label: { color: theme.text, formatter: (p: { percent: number }) => sliceShare(p.percent, s.formats[0]) },
        labelLine: { lineStyle: { color: theme.line } },
        data,
      },
    ],
  };
  // Each media's legend names its text colour again: ECharts applies a media's legend over its
  // own defaults, not over the base one, and the names came out in its default dark grey
  // (unreadable on the dark theme).
  const textStyle = { color: theme.text };
  const wide = {
    legend: { type: 'scroll', orient: 'vertical', right: 8, left: 'auto', top: 'middle', bottom: 'auto', textStyle },
    series: [{ center: ['38%', '50%'], radius: donut ? ['42%', '70%'] : ['0%', '70%'] }],
  };
  // The default media (no query) puts back what `wide` changed: without it, a tile that was wide
  // and then narrowed (the chat opened beside the dashboard) kept the legend at its right and the
  // pie at 38%, with its labels cut ("3...") and written over the legend.
  const narrow = {
    legend: { type: 'plain', orient: 'horizontal', left: 'center', right: 'auto', top: 'auto', bottom: 0, textStyle },
    series: [{ center: base.series[0]!.center, radius: base.series[0]!.radius }],
  };
  const option = {
    baseOption: base,
    media: [{ query: { minAspectRatio: 1.5, minWidth: 460 }, option: wide }, { option: narrow }],
  };
  const pointAt = (seriesIndex: number, dataIndex: number): Cell[] | null => (seriesIndex === 0 ? (slices[dataIndex] ?? null) : null);
  const points = data.flatMap((d, i) => (slices[i] ? [{ label: d.name, values: slices[i]! }] : []));
  return s.dims.length === 1 ? { kind: 'echarts', option, notes, pointAt, points } : { kind: 'echarts', option, notes };
}

function scatterOption(input: ChartInput, s: Shape): ChartModel {
  const { theme } = input;
  const at = s.dims.length;
  const dim0 = s.dims[0];
  let xName: string;
  let yName: string;
  let data: Array<{ name: string; value: [number, number] }>;
  if (s.measures.length >= 2) {
    xName = s.measures[0]!;
    yName = s.measures[1]!;
    data = s.rows.map((row) => ({
      name: dim0 ? category(row[0] ?? null, dim0) : '',
      value: [toNumber(row[at] ?? null), toNumber(row[at + 1] ?? null)],
    }));
  } else {
    xName = dim0?.label ?? '';
    yName = s.measures[0] ?? '';
    data = s.rows.map((row) => ({
      name: String(row[0] ?? ''),
      value: [toNumber(row[0] ?? null), toNumber(row[at] ?? null)],
    }));
  }
  data = data.filter((d) => Number.isFinite(d.value[0]) && Number.isFinite(d.value[1]));
  const axis = (name: string, format: NumberFormat | undefined) => ({
    type: 'value',
    scale: true,
    name,
    nameLocation: 'middle',
    nameGap: 30,
    nameTextStyle: { color: theme.muted },
    axisLabel: { color: theme.muted, formatter: (v: number) => formatMeasure(v, format, 'compact') },
    splitLine: { lineStyle: { color: theme.line, opacity: 0.6 } },
    axisLine: { lineStyle: { color: theme.line } },
  });
  const option = {
    ...baseOption(theme),
    grid: { left: 16, right: 20, top: 20, bottom: 36, containLabel: true },
    tooltip: {
      ...(baseOption(theme).tooltip as object),
      trigger: 'item',
      formatter: (p: { name: string; value: [number, number] }) =>
        `${escapeHtml(p.name)}<br>${escapeHtml(xName)}: <b>${formatMeasure(p.value[0], s.formats[0])}</b><br>${escapeHtml(yName)}: <b>${formatMeasure(p.value[1], s.formats[1] ?? s.formats[0])}</b>`,
    },
    xAxis: axis(xName, s.formats[0]),
    yAxis: { ...axis(yName, s.formats[1] ?? s.formats[0]), nameGap: 44 },
    series: [{ type: 'scatter', data, symbolSize: data.length > 200 ? 6 : 11, itemStyle: { opacity: 0.8 } }],
  };
  return { kind: 'echarts', option, notes: [] };
}

function mapOption(input: ChartInput, s: Shape): ChartModel {
  const { theme, places = {}, mapName = 'plotboard-world', regions } = input;
  const at = s.dims.length;
  const kind = chartNeeds(input) ?? 'city';
  const measure = s.measures[0] ?? '';
  // Rows the user may not see have no place: they are told apart from unknown places.
  const empty = s.dims[0]?.empty;
  const hidden = empty ? s.rows.filter((row) => row[0] === null || row[0] === undefined) : [];
  const rawOf = new Map<string, Cell>();
  const values = s.rows
    .filter((row) => !hidden.includes(row))
    .map((row) => {
      const name = String(row[0] ?? '');
      if (!rawOf.has(name)) rawOf.set(name, row[0] ?? null);
      return { name, value: toNumber(row[at] ?? null) };
    });
  /** Each series' places, in data order (for drilling). */
  const marks: Cell[][] = [];
  const missing = values.filter((v) => !places[v.name]).map((v) => v.name || '(empty)');
  const notes = missing.length
    ? [`Not on the map (place not recognised): ${missing.slice(0, 6).join(', ')}${missing.length > 6 ? '…' : ''}.`]
    : [];
  const hiddenTotal = hidden.reduce((sum, row) => sum + (toNumber(row[at] ?? null) || 0), 0);
  if (empty && hidden.length) {
    notes.push(`Not on the map: ${formatMeasure(hiddenTotal, s.formats[0])} (${measure.toLowerCase()}) from rows ${empty.toLowerCase()}.`);
  }
  const found = values.filter((v) => places[v.name] && Number.isFinite(v.value));
  const max = Math.max(1, ...found.map((v) => v.value));
  const min = Math.min(0, ...found.map((v) => v.value));
  const listed: Array<[string, string]> = [...found]
    .sort((a, b) => b.value - a.value)
    .map((v) => [v.name, formatMeasure(v.value, s.formats[0])]);
  if (empty && hidden.length) listed.push([empty, formatMeasure(hiddenTotal, s.formats[0])]);
  // Countries the outline draws are shaded; cities, and countries too small for the outline
  // (Singapore at 1:110m), are dots sized by the value.
  const shaded = kind === 'country' ? found.filter((v) => {
    const id = places[v.name]!.country_numeric;
    return id !== null && (!regions || regions.has(id));
  }) : [];
  const dots = found.filter((v) => !shaded.includes(v) && places[v.name]!.lat !== null && places[v.name]!.lon !== null);
  const geo = {
    map: mapName,
    roam: 'scale',
    scaleLimit: { min: 1, max: 12 },
    itemStyle: { areaColor: theme.land, borderColor: theme.surface, borderWidth: 0.6 },
    emphasis: { disabled: kind === 'city', itemStyle: { areaColor: theme.line }, label: { show: false } },
    select: { disabled: true },
    label: { show: false },
    tooltip: { show: false },
    ...(kind === 'city' ? frame(dots.map((v) => places[v.name]!)) : {}),
  };
  const tooltip = {
    ...(baseOption(theme).tooltip as object),
    trigger: 'item',
    formatter: (p: { name: string; data?: { label?: string; amount?: number } }) =>
      p.data?.amount === undefined
        ? escapeHtml(p.data?.label ?? p.name)
        : `${escapeHtml(p.data.label ?? p.name)}<br>${escapeHtml(measure)}: <b>${formatMeasure(p.data.amount, s.formats[0])}</b>`,
  };
  const series: unknown[] = [];
  let visualMap: unknown;
  if (shaded.length) {
    series.push({
      type: 'map',
      geoIndex: 0,
      name: measure,
      data: shaded.map((v) => ({ name: places[v.name]!.country_numeric!, value: v.value, amount: v.value, label: v.name })),
    });
    marks.push(shaded.map((v) => rawOf.get(v.name) ?? v.name));
    visualMap = {
      type: 'continuous',
      min,
      max,
      seriesIndex: 0,
      calculable: false,
      orient: 'horizontal',
      left: 8,
      bottom: 4,
      itemWidth: 10,
      itemHeight: 90,
      text: [formatMeasure(max, s.formats[0], 'compact'), formatMeasure(min, s.formats[0], 'compact')],
      textStyle: { color: theme.muted },
      inRange: { color: [blend(theme.land, theme.palette[0]!, 0.25), theme.palette[0]!] },
    };
  }
  if (dots.length) {
    series.push({
      type: 'scatter',
      coordinateSystem: 'geo',
      name: measure,
      data: dots.map((v) => {
        const place = places[v.name]!;
        return { name: v.name, label: v.name, amount: v.value, value: [place.lon, place.lat, v.value] };
      }),
      symbolSize: (value: number[]) => 8 + 30 * Math.sqrt(Math.max(0, value[2] ?? 0) / max),
      itemStyle: { color: theme.palette[kind === 'country' ? 1 : 0], opacity: 0.8, borderColor: theme.surface, borderWidth: 1 },
      label: {
        show: dots.length <= 15,
        formatter: '{b}',
        position: 'right',
        color: theme.text,
        fontSize: 11,
        textBorderColor: theme.surface,
        textBorderWidth: 2,
      },
      emphasis: { scale: 1.15 },
    });
    marks.push(dots.map((v) => rawOf.get(v.name) ?? v.name));
  }
  const option: Record<string, unknown> = { ...baseOption(theme), tooltip, geo, series };
  if (visualMap) option.visualMap = visualMap;
  const pointAt = (seriesIndex: number, dataIndex: number): Cell[] | null => {
    const mark = marks[seriesIndex]?.[dataIndex];
    return mark === undefined || s.dims.length !== 1 ? null : [mark];
  };
  const points = s.dims.length === 1 ? found.map((v) => ({ label: v.name, values: [rawOf.get(v.name) ?? v.name] })) : [];
  return { kind: 'echarts', option, notes, values: { measure, items: listed }, pointAt, points };
}

/** Center and zoom that frame the given points (the whole world when they are spread out). */
function frame(points: GeoPlace[]): Record<string, unknown> {
  if (!points.length) return {};
  const lons = points.map((p) => p.lon ?? 0);
  const lats = points.map((p) => p.lat ?? 0);
  const [west, east] = [Math.min(...lons), Math.max(...lons)];
  const [south, north] = [Math.min(...lats), Math.max(...lats)];
  const span = Math.max((east - west) / 360, (north - south) / 150, 0.05);
  const zoom = Math.min(8, Math.max(1, 0.7 / span));
  if (zoom <= 1.05) return {};
  return { center: [(west + east) / 2, (south + north) / 2], zoom };
}

/** `a` moved toward `b` by `weight` (0..1); both `#rrggbb`. */
function blend(a: string, b: string, weight: number): string {
  const parse = (hex: string): number[] | null => {
    const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
    if (!m) return null;
    const n = parseInt(m[1]!, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  };
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return b;
  const c = x.map((v, i) => Math.round(v + (y[i]! - v) * weight));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A slice's label: its share of the pie, with the decimals the measure asks for when it is a
 * percent with chosen decimals (a share "as 50.2%"), else rounded to what fits ("50%", "2.7%"). */
function sliceShare(percent: number, format: NumberFormat | undefined): string {
  if (format?.type === 'percent' && format.decimals != null) return formatMeasure(percent, format);
  return formatPercentShare(percent);
}

function formatPercentShare(percent: number): string {
  return `${percent >= 10 ? Math.round(percent) : Math.round(percent * 10) / 10}%`;
}

/** Change against the previous period, as the KPI shows it. */
export function describeChange(ratio: number): string {
  return formatPercent(ratio);
}
