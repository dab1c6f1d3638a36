// Resolving a 409: the dashboard changed elsewhere (another tab) since we last saved. A three-way
// merge against the version both sides started from keeps both sides' work: changes on one
// side win over no change; a tile changed on both sides is kept twice ("your version").

import type { Dashboard, DashboardFilter, Tile } from './types.js';

export interface MergeResult {
  merged: Dashboard;
  /** Titles of tiles that both sides changed (kept twice). */
  doubled: string[];
}

const content = (t: Tile): string => JSON.stringify([t.title, t.query, t.chart]);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function mergeById<T extends { id: string }>(
  base: T[],
  mine: T[],
  theirs: T[],
  bothChanged: (m: T, t: T, b: T) => T[],
): T[] {
  const b = new Map(base.map((x) => [x.id, x]));
  const m = new Map(mine.map((x) => [x.id, x]));
  const out: T[] = [];
  const seen = new Set<string>();
  for (const t of theirs) {
    seen.add(t.id);
    const mineItem = m.get(t.id);
    const baseItem = b.get(t.id);
    if (!baseItem) {
      out.push(t); // added on their side (or on both with the same id: theirs)
      continue;
    }
    if (!mineItem) {
      if (!same(t, baseItem)) out.push(t); // we deleted it, they changed it: keep their work
      continue;
    }
    if (same(mineItem, baseItem)) out.push(t);
    else if (same(t, baseItem)) out.push(mineItem);
    else out.push(...bothChanged(mineItem, t, baseItem));
  }
  for (const x of mine) {
    if (seen.has(x.id)) continue;
    const baseItem = b.get(x.id);
    if (!baseItem) out.push(x); // added on our side
    else if (!same(x, baseItem)) out.push(x); // they deleted it, we changed it: keep ours
  }
  return out;
}

export function mergeDashboards(base: Dashboard, mine: Dashboard, theirs: Dashboard, newId: () => string): MergeResult {
  const doubled: string[] = [];
  const tiles = mergeById<Tile>(base.tiles, mine.tiles, theirs.tiles, (m, t, b) => {
    if (content(m) === content(t) || content(m) === content(b)) {
      return [{ ...t, layout: same(m.layout, b.layout) ? t.layout : m.layout }];
    }
    if (content(t) === content(b)) return [{ ...m, layout: same(m.layout, b.layout) ? t.layout : m.layout }];
    doubled.push(m.title || 'Untitled chart');
    const bottom = Math.max(0, ...[...mine.tiles, ...theirs.tiles].map((x) => x.layout.y + x.layout.h));
    return [t, { ...m, id: newId(), title: `${m.title || 'Untitled chart'} (your version)`, layout: { ...m.layout, x: 0, y: bottom } }];
  });
  const filters = mergeById<DashboardFilter>(base.filters, mine.filters, theirs.filters, (m) => [m]);
  const title = mine.title !== base.title ? mine.title : theirs.title;
  return {
    merged: { ...theirs, title, tiles, filters, version: theirs.version },
    doubled,
  };
}
