// A tile's own filters (the ones saved in its query), in short words for the tile to show:
// "department: Sales, Support", "amount > 1000", "sale_date: last 6 months".

import { groupText, isGroup } from './filter-groups.js';
import { formatPeriod } from './format.js';
import type { FilterEntry } from './types.js';

interface AnyFilter {
  column: string;
  op: string;
  value?: unknown;
  anchor?: string;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const RELATIVE = new Set(['last', 'this', 'previous', 'to_date']);

const SIGNS: Record<string, string> = { eq: '=', neq: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤' };
const MAX_VALUES = 3;

function show(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  // A day reads as the charts write it ("Jan 1, 2025"), not as ISO text.
  if (typeof v === 'string' && ISO_DAY.test(v)) return formatPeriod(v, undefined);
  return String(v);
}

function list(values: unknown[]): string {
  const shown = values.slice(0, MAX_VALUES).map(show).join(', ');
  return values.length > MAX_VALUES ? `${shown} +${values.length - MAX_VALUES}` : shown;
}

function periods(value: unknown): string {
  // "quarter" (the AI, the API) or {"unit": "quarter"} (the builder) for this / previous / to date.
  if (typeof value === 'string') return value;
  const p = (value ?? {}) as { n?: number; unit?: string };
  const unit = p.unit ?? 'period';
  return p.n && p.n !== 1 ? `${p.n} ${unit}s` : unit;
}

/** One filter in words; `label` names the column (the catalog's name, or the column itself). */
export function filterText(f: AnyFilter, label: (column: string) => string = (c) => c): string {
  const text = plainText(f, label);
  // Counted back from the latest date in the data, not from today: "this year" is then the
  // data's latest year, which the words must say. Not in brackets: the days it resolved to
  // follow in brackets ("this year as of the latest date (Jan 1, 2025–Dec 31, 2025)").
  if (!RELATIVE.has(f.op) || f.anchor !== 'latest') return text;
  // "this month" counted from the latest date is the data's latest month: said so, as "this
  // month" read as a contradiction under an answer to "last month" whose data ended earlier.
  if (f.op === 'this') return `${label(f.column)}: the latest ${periods(f.value)} in the data`;
  return `${text} as of the latest date`;
}

function plainText(f: AnyFilter, label: (column: string) => string): string {
  const name = label(f.column);
  const v = f.value;
  switch (f.op) {
    case 'in':
      return `${name}: ${list(Array.isArray(v) ? v : [v])}`;
    case 'not_in':
      return `${name}: not ${list(Array.isArray(v) ? v : [v])}`;
    case 'between':
      return Array.isArray(v) ? `${name}: ${show(v[0])}–${show(v[1])}` : name;
    case 'contains':
      return `${name} contains “${show(v)}”`;
    case 'is_null':
      return `${name} is empty`;
    case 'is_not_null':
      return `${name} is not empty`;
    case 'last':
      return `${name}: last ${periods(v)}`;
    case 'this':
    case 'previous':
      return `${name}: ${f.op} ${periods(v)}`;
    case 'to_date':
      return `${name}: ${periods(v)} to date`;
    default:
      return SIGNS[f.op] ? `${name} ${SIGNS[f.op]} ${show(v)}` : `${name} ${f.op} ${show(v)}`;
  }
}

/** What the answer says a relative filter resolved to (`relative_dates`: by the filter's index). */
export interface ResolvedRange {
  filter: number;
  from?: string | null;
  to?: string | null;
}

/** The tile's own filters in words (none: an empty list); a relative one with the days it kept
 * when the answer says them: "Sale date: last 6 months (Jun 1, 2026–Nov 30, 2026)". */
export function tileFilterTexts(
  query: { filters?: unknown[] } | null | undefined,
  label?: (column: string) => string,
  resolved: readonly ResolvedRange[] = [],
): string[] {
  const filters = (query?.filters ?? []) as AnyFilter[];
  const texts: string[] = [];
  filters.forEach((f, i) => {
    const entry = f as unknown as FilterEntry;
    if (isGroup(entry)) {
      // "Location: Paris or Performance rating = 5", "No sales (…)": said, never left out.
      texts.push(groupText(entry, (g) => filterText(g, label), (t) => t.replace(/_/g, ' ')));
      return;
    }
    if (!f || typeof f.column !== 'string') return;
    const text = filterText(f, label);
    const range = RELATIVE.has(f.op) ? resolved.find((r) => r.filter === i) : undefined;
    texts.push(range?.from && range.to ? `${text} (${show(range.from)}–${show(range.to)})` : text);
  });
  return texts;
}
