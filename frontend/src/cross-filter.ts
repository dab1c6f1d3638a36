// Cross-filtering (issue 13 item 7): a value clicked on one tile becomes a dashboard filter
// that applies to every other tile having that column, on its own table or on a table it
// reaches along the catalog's foreign keys (up to four joins, as the query engine allows).

import type { CatalogIndex } from './model.js';
import type { DashboardFilter } from './types.js';

/** How many foreign keys the query engine follows from a table (docs/queries.md). */
export const MAX_HOPS = 4;

/** `offices.region` when `table` reaches `target` along foreign keys and `target` has `column`;
 * null otherwise. The query engine finds the joins from the table name. */
export function relatedRef(index: CatalogIndex, table: string, target: string, column: string): string | null {
  const start = index.table(table);
  const goal = index.table(target);
  if (!start || !goal || start.name.toLowerCase() === goal.name.toLowerCase()) return null;
  const col = goal.columns.find((c) => c.name.toLowerCase() === column.toLowerCase());
  if (!col) return null;
  let frontier = [start];
  const seen = new Set([start.name.toLowerCase()]);
  for (let hop = 0; hop < MAX_HOPS && frontier.length; hop++) {
    const next = [];
    for (const t of frontier) {
      for (const relation of t.relations ?? []) {
        const to = index.table(relation.ref_table);
        if (!to || seen.has(to.name.toLowerCase())) continue;
        if (to === goal) return `${goal.name}.${col.name}`;
        seen.add(to.name.toLowerCase());
        next.push(to);
      }
    }
    frontier = next;
  }
  return null;
}

/** The dashboard filters meant for a tile: all but the ones made by clicking that tile. */
export function filtersFor(tileId: string, filters: DashboardFilter[]): DashboardFilter[] {
  return filters.some((f) => f.from_tile === tileId) ? filters.filter((f) => f.from_tile !== tileId) : filters;
}

/** The filters with a clicked value added; an earlier click's filter on the same column gives
 * way to it (clicking another bar moves the filter rather than narrowing to nothing). */
export function addCrossFilter(filters: DashboardFilter[], filter: DashboardFilter): DashboardFilter[] {
  const same = (f: DashboardFilter) =>
    f.from_tile !== undefined &&
    f.column.toLowerCase() === filter.column.toLowerCase() &&
    (f.table ?? '').toLowerCase() === (filter.table ?? '').toLowerCase();
  return [...filters.filter((f) => !same(f)), filter];
}
