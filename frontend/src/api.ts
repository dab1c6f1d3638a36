// The embed API client. Every call is cross-origin (the host app lives elsewhere), carries the
// embed token, and turns failures into ApiError with a sentence a person can act on.
//
// When the token expires, the request waits: the editor announces `plotboard:token-expired`,
// the host sets a fresh `auth-token`, and the waiting requests go on with it — no reload. If
// none comes within a few seconds, the editor says the session expired (and still carries on
// when a token arrives).
//
// Problems no retry of a single call fixes (a token that is not valid, a session that expired,
// a page origin plotboard does not accept) go to `hooks.blocked` once, for the editor to show
// one plain message instead of every chart failing on its own.

import type {
  AiAnswer,
  AiConversation,
  AiTile,
  Catalog,
  Dashboard,
  DashboardSummary,
  GeoPlace,
  QueryResult,
  QuerySpec,
} from './types.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly body: Record<string, unknown> = {},
    /** The technical reason, for developers (console, `plotboard:error`); `message` is for people. */
    readonly reason: string = message,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What keeps the editor from working at all, in words for the person in front of it. */
export interface Blocked {
  kind: 'expired' | 'invalid' | 'origin';
  message: string;
  /** The technical reason, for the developer. */
  reason: string;
  code: string;
  status: number;
}

export const SESSION_EXPIRED = 'Your session has expired. Reload the page to sign in again.';
export const LINK_INVALID = "This dashboard link isn't valid. Ask the app to sign you in again.";
/** Whether an error is one `hooks.blocked` has already reported (and the editor shows). */
export function isBlocking(err: unknown): boolean {
  return err instanceof ApiError && (INVALID_TOKEN_CODES.has(err.code) || err.code === 'token_expired' || err.code === 'origin_not_authorized');
}

/** 401 codes of a token that will not work, whatever is retried. */
const INVALID_TOKEN_CODES = new Set(['invalid_token', 'token_revoked', 'missing_token', 'malformed_authorization']);

export interface ApiHooks {
  /** Called once per expired token; the host should then set a fresh one. */
  tokenExpired(): void;
  /** Called when the editor cannot work until something outside it changes (see `Blocked`). */
  blocked(problem: Blocked): void;
}

interface RequestOptions {
  body?: unknown;
  keepalive?: boolean;
  signal?: AbortSignal;
}

/** How long a request waits for a fresh token before it gives up. */
const TOKEN_WAIT_MS = 5 * 60_000;
/** How long the host has to set a fresh token before the user is told the session expired. */
export const SESSION_GRACE_MS = 4000;

export class PlotboardApi {
  private token: string | null = null;
  private waiters: Array<(token: string | null) => void> = [];
  private announcedFor: string | null = null;
  private queryCache = new Map<string, Promise<QueryResult>>();
  private originCheck: Promise<{ refused: boolean; origin: string } | null> | null = null;
  private expiredReason = '';

  /** The server's base URL, always ending in `/` (plotboard may live under a path prefix). */
  readonly serverUrl: string;

  constructor(
    serverUrl: string,
    private readonly hooks: ApiHooks,
  ) {
    this.serverUrl = serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`;
  }

  setToken(token: string | null): void {
    this.token = token;
    this.queryCache.clear();
    if (token) {
      const waiting = this.waiters;
      this.waiters = [];
      for (const resolve of waiting) resolve(token);
    }
  }

  get hasToken(): boolean {
    return Boolean(this.token);
  }

  catalog(): Promise<Catalog> {
    return this.request('GET', '/api/v1/embed/catalog');
  }

  async listDashboards(): Promise<DashboardSummary[]> {
    return (await this.listAll()).dashboards;
  }

  /** The list with `can_share`: whether this user may share with a team. */
  listAll(): Promise<{ dashboards: DashboardSummary[]; can_share?: boolean }> {
    return this.request('GET', '/api/v1/embed/dashboards');
  }

  /** Share the user's own dashboard read-only with their team, or stop sharing it. */
  setSharing(id: string, team: boolean): Promise<Dashboard> {
    return this.request('PUT', `/api/v1/embed/dashboards/${encodeURIComponent(id)}/sharing`, { body: { team } });
  }

  /** A new dashboard of the user's own with the content of one they can read. */
  duplicateDashboard(id: string, title?: string): Promise<Dashboard> {
    return this.request('POST', `/api/v1/embed/dashboards/${encodeURIComponent(id)}/duplicate`, { body: title ? { title } : {} });
  }

  getDashboard(id: string): Promise<Dashboard> {
    return this.request('GET', `/api/v1/embed/dashboards/${encodeURIComponent(id)}`);
  }

  createDashboard(body: Partial<Dashboard>): Promise<Dashboard> {
    return this.request('POST', '/api/v1/embed/dashboards', { body });
  }

  updateDashboard(id: string, body: Omit<Dashboard, 'id' | 'created_at' | 'updated_at'>): Promise<Dashboard> {
    return this.request('PUT', `/api/v1/embed/dashboards/${encodeURIComponent(id)}`, { body });
  }

  deleteDashboard(id: string, keepalive = false): Promise<void> {
    return this.request('DELETE', `/api/v1/embed/dashboards/${encodeURIComponent(id)}`, {
      keepalive,
    });
  }

  /** Run a query spec. Identical specs share one request while the token stays the same. */
  query(spec: QuerySpec, source?: string, fresh = false): Promise<QueryResult> {
    const body: Record<string, unknown> = { query: spec };
    if (source) body.source = source;
    const key = JSON.stringify(body);
    const cached = fresh ? undefined : this.queryCache.get(key);
    if (cached) return cached;
    // Refresh means fresh data: the server skips its result cache too.
    const sent = fresh ? { ...body, refresh: true } : body;
    const pending = this.request<QueryResult>('POST', '/api/v1/embed/query', { body: sent });
    this.queryCache.set(key, pending);
    pending.catch(() => this.queryCache.delete(key));
    if (this.queryCache.size > 300) {
      const oldest = this.queryCache.keys().next().value;
      if (oldest !== undefined) this.queryCache.delete(oldest);
    }
    return pending;
  }

  /** Ask the AI; `conversationId` carries on a conversation (a follow-up refines its last tile). */
  ask(
    question: string,
    conversationId?: string | null,
    source?: string | null,
    signal?: AbortSignal,
    tile?: AiTile | null,
    followUp?: boolean,
  ): Promise<AiAnswer> {
    const body: Record<string, unknown> = { question };
    // An alternative reading: true changes `tile`, false asks afresh (unset: the AI decides).
    if (followUp !== undefined) body.follow_up = followUp;
    if (conversationId) body.conversation_id = conversationId;
    // The last tile as the user left it (chip edits included): follow-ups refine that one.
    if (conversationId && tile) body.tile = { title: tile.title, query: tile.query, chart: tile.chart };
    if (source) body.source = source;
    return this.request('POST', '/api/v1/embed/ai/ask', signal ? { body, signal } : { body });
  }

  conversation(id: string, signal?: AbortSignal): Promise<AiConversation> {
    const path = `/api/v1/embed/ai/conversations/${encodeURIComponent(id)}`;
    return this.request('GET', path, signal ? { signal } : {});
  }

  async geo(names: string[], kind: 'city' | 'country' | 'auto' = 'auto'): Promise<Record<string, GeoPlace | null>> {
    const params = new URLSearchParams({ kind });
    for (const name of names) params.append('names', name);
    const body = await this.request<{ places: Record<string, GeoPlace | null> }>(
      'GET',
      `/api/v1/embed/geo?${params.toString()}`,
    );
    return body.places;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const token = this.token ?? (await this.freshToken());
      const response = await this.send(method, path, token, options);
      if (response.status === 204) return undefined as T;
      const body = await readJson(response);
      if (response.ok) return body as T;
      const code = typeof body.code === 'string' ? body.code : `http_${response.status}`;
      if (response.status === 401 && code === 'token_expired' && attempt < 3) {
        this.expiredReason = describe(response.status, body);
        if (this.token === token) await this.freshToken(token);
        continue;
      }
      const reason = describe(response.status, body);
      const problem = blockedBy(response.status, code, reason);
      if (problem) {
        this.hooks.blocked(problem);
        throw new ApiError(problem.message, response.status, code, body, reason);
      }
      throw new ApiError(reason, response.status, code, body);
    }
  }

  private async send(
    method: string,
    path: string,
    token: string,
    options: RequestOptions,
  ): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    const init: RequestInit = {
      method,
      headers,
      mode: 'cors',
      credentials: 'omit',
      keepalive: options.keepalive ?? false,
    };
    if (options.signal) init.signal = options.signal;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    try {
      return await fetch(new URL(path.replace(/^\//, ''), this.serverUrl), init);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      // A refused origin looks exactly like a network failure from here (the browser hides
      // the 403): ask the origin check, which answers any page, which one it is.
      const check = await this.checkOrigin();
      if (check?.refused) {
        const message =
          `This page's origin ${check.origin} is not authorized in plotboard; add it under ` +
          'Authorized origins (in the plotboard console, or with the admin API).';
        const reason = `${message} The browser refused the answer from ${this.serverUrl} (CORS).`;
        this.hooks.blocked({ kind: 'origin', message, reason, code: 'origin_not_authorized', status: 0 });
        throw new ApiError(message, 0, 'origin_not_authorized', {}, reason);
      }
      throw new ApiError(
        `Can't reach the analytics server at ${this.serverUrl}. Check your connection and try again.`,
        0,
        'network_error',
      );
    }
  }

  /** Whether the server refuses this page's origin; null when it cannot be reached either.
   * Calls failing together share one check. */
  private checkOrigin(): Promise<{ refused: boolean; origin: string } | null> {
    this.originCheck ??= fetch(new URL('api/v1/embed/origin-check', this.serverUrl), {
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store',
    })
      .then(async (response) => {
        const body = response.ok ? await readJson(response) : {};
        if (typeof body.authorized !== 'boolean') return null;
        const origin = typeof body.origin === 'string' ? body.origin : window.location.origin;
        return { refused: !body.authorized, origin };
      })
      .catch(() => null)
      .finally(() => setTimeout(() => (this.originCheck = null), 3000));
    return this.originCheck;
  }

  /** Announce the expiry (once per token) and wait for the host to set a fresh token. */
  private freshToken(expired?: string): Promise<string> {
    if (expired && this.announcedFor !== expired) {
      this.announcedFor = expired;
      this.token = null;
      this.hooks.tokenExpired();
    }
    if (this.token) return Promise.resolve(this.token);
    const reason = this.expiredReason || 'The embed token has expired and no fresh auth-token was set.';
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new ApiError(SESSION_EXPIRED, 401, 'token_expired', {}, reason));
      }, TOKEN_WAIT_MS);
      // The host had its chance to set a fresh token: tell the user (the request still waits).
      const grace = expired
        ? setTimeout(() => {
            if (!this.token) {
              this.hooks.blocked({ kind: 'expired', message: SESSION_EXPIRED, reason, code: 'token_expired', status: 401 });
            }
          }, SESSION_GRACE_MS)
        : 0;
      const waiter = (token: string | null): void => {
        clearTimeout(timer);
        clearTimeout(grace);
        if (token) resolve(token);
      };
      this.waiters.push(waiter);
    });
  }
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await response.json();
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The problem a refused call reveals when no retry of it can help, else null. */
function blockedBy(status: number, code: string, reason: string): Blocked | null {
  if (status === 401 && INVALID_TOKEN_CODES.has(code)) {
    return { kind: 'invalid', message: LINK_INVALID, reason, code, status };
  }
  if (status === 401 && code === 'token_expired') {
    return { kind: 'expired', message: SESSION_EXPIRED, reason, code, status };
  }
  if (status === 403 && code === 'origin_not_authorized') {
    return { kind: 'origin', message: reason, reason, code, status };
  }
  return null;
}

function describe(status: number, body: Record<string, unknown>): string {
  if (typeof body.detail === 'string' && body.detail) return body.detail;
  if (status === 404) return 'This was not found. It may have been deleted.';
  if (status >= 500) return 'The analytics server had a problem. Please try again in a moment.';
  return `The request failed (HTTP ${status}).`;
}

/** The user and organization a token names, read without verifying (the server verifies). */
export function tokenSubject(token: string | null): string {
  const claims = tokenClaims(token);
  return claims ? `${claims.org ?? ''}/${claims.sub ?? ''}` : (token ?? '');
}

interface Claims {
  sub?: string;
  org?: string;
  exp?: number;
  perm?: { dashboards?: string; ai?: boolean };
}

/** The token's claims, unverified: only to tell workspaces apart and what to show. */
export function tokenClaims(token: string | null): Claims | null {
  if (!token) return null;
  try {
    const part = token.split('.')[1] ?? '';
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Claims;
  } catch {
    return null;
  }
}
