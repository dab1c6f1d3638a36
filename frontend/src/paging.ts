// How a list of records (spec v2 `select`) is shown in a tile: a page at a time or all at once.

import type { QuerySpec } from './types.js';

/** Rows a list of records shows per page. */
export const PAGE_SIZE = 50;

/** The rows per page of a list of records (spec v2 `select`) that pages, or null when the tile
 * shows its rows at once. A listing pages when its spec has an `offset` (the builder and the
 * drill to rows write `offset: 0`): `limit` is then the page size. Without one, `limit` is how
 * many rows it lists, a ranking cut ("the 10 biggest sales", "the top 50"): no page past it,
 * whatever N is. A listing with no `limit` pages by PAGE_SIZE. */
export function pageSize(spec: QuerySpec | null | undefined): number | null {
  if (!spec?.select?.length) return null;
  if (spec.offset !== undefined || spec.limit === undefined) return spec.limit ?? PAGE_SIZE;
  return null;
}

/** The query for page `page` (from 0) of a listing that pages by `size` rows: exactly that
 * page's rows (`offset`), and one more (`limit` size + 1) that is never shown, only read to
 * know whether a next page exists, so that Next is off on a last page that happens to be
 * full. Whatever `limit` or `offset` the spec had (none at all in the AI's listings, which
 * then loaded every row at once), the query asks for this page alone. */
export function pageQuery(spec: QuerySpec, page: number, size: number): QuerySpec {
  return { ...spec, limit: size + 1, offset: Math.max(0, page) * size };
}

/** What a page's answer shows: its rows (at most `size`, the extra row of pageQuery dropped),
 * the 1-based numbers of its first and last rows (`last` < `first` on an empty page), and
 * whether there are pages before and after it. */
export interface PageView<Row> {
  rows: Row[];
  first: number;
  last: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

export function pageView<Row>(rows: readonly Row[], page: number, size: number): PageView<Row> {
  const shown = rows.slice(0, size);
  const first = page * size + 1;
  return { rows: shown, first, last: first + shown.length - 1, hasPrevious: page > 0, hasNext: rows.length > size };
}

/** The pager's words for a page: "Rows 51–100". */
export function pageRange(view: Pick<PageView<unknown>, 'first' | 'last'>): string {
  if (view.last < view.first) return 'No more rows';
  return `Rows ${view.first.toLocaleString()}–${view.last.toLocaleString()}`;
}
