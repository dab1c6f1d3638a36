// A dashboard's saved versions (issue 13): the history list, an old version read-only, restore.
// The server keeps every save with what changed in words; a restore is a new version, made on
// top of the version the user saw (409 when someone saved since, as for any save).

import type { PlotboardApi } from './api.js';
import type { Dashboard } from './types.js';

export interface VersionEntry {
  version: number;
  updated_at: string;
  /** What this save changed, in words: "added 'Revenue by month', moved 2 tiles". */
  summary: string;
  restored_from: number | null;
  tile_count: number;
}

export interface DashboardVersion extends Dashboard {
  summary: string;
  restored_from: number | null;
  current_version: number;
}

const base = (id: string) => `/api/v1/embed/dashboards/${encodeURIComponent(id)}/versions`;

export function listVersions(api: PlotboardApi, id: string): Promise<VersionEntry[]> {
  return api.request('GET', base(id));
}

export function getVersion(api: PlotboardApi, id: string, version: number): Promise<DashboardVersion> {
  return api.request('GET', `${base(id)}/${version}`);
}

/** Save `version` as a new version on top of `seen` (the version on screen). */
export function restoreVersion(api: PlotboardApi, id: string, version: number, seen: number): Promise<Dashboard> {
  return api.request('POST', `${base(id)}/${version}/restore`, { body: { version: seen } });
}

/** "Added 'Revenue by month', moved 2 tiles" — the server's words, as a sentence start. */
export function summaryText(entry: { summary: string }): string {
  const s = entry.summary.trim();
  return s ? s[0]!.toUpperCase() + s.slice(1) : 'Saved';
}
