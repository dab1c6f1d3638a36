// What every part of the editor shares: the API client, the catalog, the gazetteer cache, and
// the ways to tell the user (toasts) and the host page (events) what happened.

import type { PlotboardApi } from './api.js';
import { ApiError } from './api.js';
import { relatedRef } from './cross-filter.js';
import { kebabAlias } from './events.js';
import type { CatalogIndex } from './model.js';
import type { DashboardFilter, Filter, GeoPlace, QuerySpec } from './types.js';

export interface Toast {
  message: string;
  tone?: 'info' | 'error' | 'success';
  action?: { label: string; run: () => void };
  /** Runs when the toast goes away without its action having been taken. */
  expire?: () => void;
  timeout?: number;
}

export interface EditorContext {
  api: PlotboardApi;
  /** Null while the catalog loads. */
  index: CatalogIndex | null;
  editable: boolean;
  /** Changes when the workspace changes (another user or organization in the token). */
  epoch: number;
  theme: 'light' | 'dark';
  geo: GeoCache;
  toast(toast: Toast): void;
  /** Tell the host page (`plotboard:error`) and return a message for the user. */
  reportError(err: unknown, context: string): string;
}

/** Gazetteer answers, remembered for the session; one request for the names not yet known.
 *  A name already asked for and not answered yet is not asked again: two map tiles drawn at
 *  once (the same places, or some in common) share the one request. */
export class GeoCache {
  private known = new Map<string, Promise<GeoPlace | null>>();

  constructor(private readonly api: PlotboardApi) {}

  async lookup(names: string[], kind: 'city' | 'country'): Promise<Record<string, GeoPlace | null>> {
    const key = (n: string) => `${kind}:${n}`;
    const wanted = [...new Set(names.filter((n) => n && !this.known.has(key(n))))];
    for (let i = 0; i < wanted.length; i += 200) {
      const batch = wanted.slice(i, i + 200);
      const answer = this.api.geo(batch, kind);
      for (const name of batch) {
        const place = answer.then((places) => places[name] ?? null);
        // A failed lookup is forgotten, so that the next tile (or a retry) asks again.
        place.catch(() => {
          if (this.known.get(key(name)) === place) this.known.delete(key(name));
        });
        this.known.set(key(name), place);
      }
    }
    const unique = [...new Set(names)];
    const places = await Promise.all(unique.map((n) => this.known.get(key(n)) ?? Promise.resolve(null)));
    const out: Record<string, GeoPlace | null> = {};
    unique.forEach((name, i) => (out[name] = places[i] ?? null));
    return out;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * The tile's spec with the dashboard's filters added where they fit: on the table's own column
 * of that name, or on the related table's column the filter was picked from.
 */
export function withDashboardFilters(
  spec: QuerySpec,
  filters: DashboardFilter[],
  index: CatalogIndex | null,
): { spec: QuerySpec; applied: DashboardFilter[] } {
  if (!filters.length || !index) return { spec, applied: [] };
  const applied: DashboardFilter[] = [];
  const added: Filter[] = [];
  for (const filter of filters) {
    if (!isComplete(filter)) continue;
    const ref = filterRef(spec.table, filter, index);
    if (!ref) continue;
    const f: Filter = { column: ref, op: filter.op };
    if (filter.value !== undefined) f.value = filter.value;
    added.push(f);
    applied.push(filter);
  }
  if (!added.length) return { spec, applied };
  return { spec: { ...spec, filters: [...(spec.filters ?? []), ...added] }, applied };
}

function filterRef(table: string, filter: DashboardFilter, index: CatalogIndex): string | null {
  const own = index.table(table)?.columns.find((c) => c.name.toLowerCase() === filter.column.toLowerCase());
  if (own) return own.name;
  if (filter.table) {
    const related = index.choice(table, `${filter.table}.${filter.column}`);
    if (related) return related.ref;
    // Further along the foreign keys (sales → employees → offices): the engine finds the joins.
    return relatedRef(index, table, filter.table, filter.column);
  }
  return null;
}

export function isComplete(filter: { op: string; value?: unknown }): boolean {
  if (filter.op === 'is_null' || filter.op === 'is_not_null') return true;
  if (Array.isArray(filter.value)) {
    if (filter.op === 'between') return filter.value.length === 2 && filter.value.every((v) => v !== '' && v !== null);
    return filter.value.length > 0;
  }
  return filter.value !== undefined && filter.value !== null && filter.value !== '';
}

export function uid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Fire an event the host page can listen to (bubbles out of the shadow DOM). A public
 *  `plotboard:<name>` event is fired again as `plotboard-<name>`, which frameworks can bind
 *  (see events.ts). */
export function emit(el: EventTarget, name: string, detail: unknown = {}): void {
  el.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  const alias = kebabAlias(name);
  if (alias) el.dispatchEvent(new CustomEvent(alias, { detail, bubbles: true, composed: true }));
}
