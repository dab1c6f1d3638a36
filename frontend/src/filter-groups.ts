// Spec v2 filter groups ("any", "all", "without") in words. The builder has no controls to
// edit them: it shows them read-only in these words and keeps them as they are when the tile
// is edited (the chat or the API changes them), never dropping one silently.

import type { Filter, FilterEntry, FilterGroup, RelativeFilter } from './types.js';

export function isGroup(f: FilterEntry | null | undefined): f is FilterGroup {
  return !!f && typeof f === 'object' && ('any' in f || 'all' in f || 'without' in f);
}

/** A plain condition (a column, an op), as opposed to a group. */
export function isCondition(f: FilterEntry | null | undefined): f is Filter | RelativeFilter {
  return !!f && typeof f === 'object' && !isGroup(f) && typeof (f as Filter).column === 'string';
}

type Words = (f: { column: string; op: string; value?: unknown; anchor?: string }) => string;

/** A group in words: "Location: Paris or Performance rating = 5", "No sales (Sale date:
 * Jan 1, 2025–Dec 31, 2025)". `words` says one condition; `label` names a table. */
export function groupText(group: FilterGroup, words: Words, label: (table: string) => string = (t) => t): string {
  return entryText(group, words, label, false);
}

function entryText(entry: FilterEntry, words: Words, label: (table: string) => string, nested: boolean): string {
  if (!isGroup(entry)) return isCondition(entry) ? words(entry) : '?';
  if ('any' in entry) {
    const text = (entry.any ?? []).map((e) => entryText(e, words, label, true)).join(' or ');
    return nested && entry.any.length > 1 ? `(${text})` : text;
  }
  if ('all' in entry) {
    const text = (entry.all ?? []).map((e) => entryText(e, words, label, true)).join(' and ');
    return nested && entry.all.length > 1 ? `(${text})` : text;
  }
  const related = entry.without;
  // The columns of `where` are the related table's: named through it.
  const inner: Words = (f) => words({ ...f, column: f.column.includes('.') ? f.column : `${related}.${f.column}` });
  const where = (entry.where ?? []).map((e) => entryText(e, inner, label, true));
  return `No ${label(related)}${where.length ? ` (${where.join(' and ')})` : ''}`;
}
