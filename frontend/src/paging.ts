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
