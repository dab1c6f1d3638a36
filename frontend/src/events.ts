// The events <plotboard-editor> fires for the host page: a public contract (docs/embedding.md).
//
// Each one is fired under two names with the same `detail`: the original `plotboard:<name>` and
// `plotboard-<name>` (kebab case, which Vue's `@plotboard-ready`, Angular's
// `(plotboard-ready)` and Lit's `@plotboard-ready` can bind; a colon cannot be written there).
// Both bubble and cross the shadow root (composed).

/** `plotboard:ready`: the catalog and the first view are loaded (again after a user switch). */
export interface PlotboardReadyDetail {
  view: 'list' | 'dashboard';
}

/** `plotboard:dashboard-saved`: after every automatic save (and a restore of a version). */
export interface PlotboardDashboardSavedDetail {
  id: string;
  title: string;
  version: number;
}

/** `plotboard:view-changed`: the editor shows another view (the first one included): the
 * dashboard list (`id` null) or a dashboard. A host keeps `id` (in its URL, say) and sets it as
 * `dashboard-id` to bring the user back there after a reload. */
export interface PlotboardViewChangedDetail {
  view: 'list' | 'dashboard';
  id: string | null;
}

/** `plotboard:error`: something failed; the user sees `message` too. */
export interface PlotboardErrorDetail {
  message: string;
  /** What the editor was doing, in words ("loading the data catalog"). */
  context: string;
  /** The HTTP status, or 0 when the server could not be reached. */
  status: number;
  /** plotboard's error code ("origin_not_allowed", "token_invalid", ...) or "error". */
  code: string;
  /** For the developer: the technical cause, when there is one (e.g. why a token was refused). */
  reason?: string;
}

/** `plotboard:token-expired`: set a fresh `auth-token`; the waiting requests then go on. */
export interface PlotboardTokenExpiredDetail {
  message: string;
}

/** The events by their short name (`ready` is `plotboard:ready` and `plotboard-ready`). */
export interface PlotboardEventDetails {
  ready: PlotboardReadyDetail;
  'dashboard-saved': PlotboardDashboardSavedDetail;
  'view-changed': PlotboardViewChangedDetail;
  error: PlotboardErrorDetail;
  'token-expired': PlotboardTokenExpiredDetail;
}

export type PlotboardEventName = keyof PlotboardEventDetails;

/** Every event name the element fires, under both schemes, with its event type. */
export type PlotboardEditorEventMap = {
  [K in PlotboardEventName as `plotboard:${K}` | `plotboard-${K}`]: CustomEvent<PlotboardEventDetails[K]>;
};

/** The kebab-case names, for frameworks: `plotboard-ready`, `plotboard-dashboard-saved`, ... */
export const PLOTBOARD_EVENTS = {
  ready: 'plotboard-ready',
  dashboardSaved: 'plotboard-dashboard-saved',
  viewChanged: 'plotboard-view-changed',
  error: 'plotboard-error',
  tokenExpired: 'plotboard-token-expired',
} as const;

/** `plotboard:ready` -> `plotboard-ready`; other names have no second name. */
export function kebabAlias(name: string): string | null {
  return name.startsWith('plotboard:') ? `plotboard-${name.slice('plotboard:'.length)}` : null;
}

declare global {
  // `element.addEventListener('plotboard-ready', (e) => e.detail.view)` is typed.
  interface HTMLElementEventMap extends PlotboardEditorEventMap {}
}
