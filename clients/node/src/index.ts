/**
 * plotboard's helper for a host app's Node.js backend: mint embed tokens for your signed-in
 * users with an API key, and check them. No dependencies: Node 20's own `fetch`.
 *
 * ```ts
 * import { PlotboardClient } from "@plotboard/node";
 *
 * const plotboard = new PlotboardClient({ url: process.env.PLOTBOARD_URL!, apiKey: process.env.PLOTBOARD_API_KEY! });
 * const { token, expiresAt } = await plotboard.mintToken("alice", { attributes: { region: "North" } });
 * ```
 *
 * Keep the API key on the server: never send it, or a token minted for someone else, to a page.
 */

export const VERSION = "0.1.0";
const DEFAULT_TIMEOUT_MS = 10_000;

/** What the token's user may do; whatever is left out gets plotboard's default. */
export interface Permissions {
  /** `edit` (default) or `view`. */
  dashboards?: "edit" | "view";
  /** May use the AI chat (default true). */
  ai?: boolean;
  /** May send raw SQL to the query endpoint (default false). */
  sql?: boolean;
}

/** The optional parts of a token; one left out gets plotboard's default. */
export interface MintOptions {
  /** The user's values of the organization's token attributes, e.g. `{ region: "North" }`. */
  attributes?: Record<string, unknown>;
  /** What the AI should know: tone of voice, company context. */
  aiContextClues?: string | Record<string, string>;
  permissions?: Permissions;
  /** Seconds, 60 to 86400 (default 3600). */
  expiresIn?: number;
}

/** A minted token: give `token` to the user's browser (`<plotboard-editor auth-token>`). */
export interface EmbedToken {
  token: string;
  expiresAt: Date;
}

/**
 * What introspection tells: `valid`, then what a valid token carries, or why an invalid one is
 * refused (`code`, `reason`). Dates are ISO 8601 strings, as plotboard sends them.
 */
export interface TokenInfo {
  valid: boolean;
  userId?: string;
  attributes?: Record<string, unknown>;
  aiContextClues?: string | Record<string, string> | null;
  permissions?: Required<Permissions>;
  keyId?: string;
  issuedAt?: string;
  expiresAt?: string;
  tokenId?: string;
  code?: string;
  reason?: string;
}

/** One field to blame in a 422 answer: `attributes.region`, `expires_in`, ... */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * plotboard refused the request, or could not be reached (`status` 0, `code` `unreachable` or
 * `timeout`). `detail` is plotboard's sentence saying what is wrong and what to do, `code` its
 * stable code for programs, `errors` the fields to blame, `requestId` the id plotboard logged
 * the request under, `body` the whole JSON answer.
 */
export class PlotboardError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly requestId: string | null;
  readonly errors: FieldError[];
  readonly body: unknown;

  constructor(
    status: number,
    detail: string,
    code: string,
    extra: { requestId?: string | null; errors?: FieldError[]; body?: unknown; cause?: unknown } = {},
  ) {
    const text = `${status} ${code}: ${detail}`;
    super(extra.requestId ? `${text} (request id ${extra.requestId})` : text, { cause: extra.cause });
    this.name = "PlotboardError";
    this.status = status;
    this.detail = detail;
    this.code = code;
    this.requestId = extra.requestId ?? null;
    this.errors = extra.errors ?? [];
    this.body = extra.body;
  }
}

export interface ClientOptions {
  /** Where plotboard answers, e.g. `https://analytics.example.com`. */
  url: string;
  /** An API key with the `tokens` scope (`pb_...`). */
  apiKey: string;
  /** How long one request may take, in milliseconds (default 10000). */
  timeoutMs?: number;
  /** Another fetch implementation (default: Node's global fetch). */
  fetch?: typeof fetch;
}

/** Talks to plotboard with an API key. Create one per process and reuse it. */
export class PlotboardClient {
  readonly url: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: ClientOptions) {
    if (!/^https?:\/\//.test(options.url ?? "")) {
      throw new TypeError(`url must start with http:// or https://, got ${JSON.stringify(options.url)}`);
    }
    if (!options.apiKey || options.apiKey !== options.apiKey.trim()) {
      throw new TypeError("apiKey is empty or has surrounding spaces");
    }
    this.url = options.url.replace(/\/+$/, "");
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /** Mint a token for one of your users. Take `userId` and `attributes` from your session. */
  async mintToken(userId: string, options: MintOptions = {}): Promise<EmbedToken> {
    const body: Record<string, unknown> = { user_id: userId };
    if (options.attributes !== undefined) body.attributes = options.attributes;
    if (options.aiContextClues !== undefined) body.ai_context_clues = options.aiContextClues;
    if (options.permissions !== undefined) body.permissions = options.permissions;
    if (options.expiresIn !== undefined) body.expires_in = options.expiresIn;
    const data = (await this.#post("/api/v1/embed/tokens", body)) as { token: string; expires_at: string };
    return { token: data.token, expiresAt: new Date(data.expires_at) };
  }

  /** Whether `token` is valid now and what it carries, or why not (`code`). */
  async introspectToken(token: string): Promise<TokenInfo> {
    const data = (await this.#post("/api/v1/embed/tokens/introspect", { token })) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(data).map(([name, value]) => [name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), value]),
    ) as unknown as TokenInfo;
  }

  async #post(path: string, body: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await this.#fetch(this.url + path, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${this.#apiKey}`,
          "Content-Type": "application/json",
          Accept: "application/json",
          "User-Agent": `plotboard-node/${VERSION}`,
        },
        body: JSON.stringify(body),
        redirect: "manual",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === "TimeoutError") {
        throw new PlotboardError(0, `plotboard at ${this.url} did not answer within ${this.#timeoutMs} ms`, "timeout", { cause: err });
      }
      const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new PlotboardError(0, `could not reach plotboard at ${this.url}: ${reason}`, "unreachable", { cause: err });
    }
    const text = await response.text();
    let data: unknown = undefined;
    try {
      data = JSON.parse(text);
    } catch {
      // not JSON: reported below
    }
    if (response.ok && data !== undefined) return data;
    const requestId = response.headers.get("X-Request-ID");
    if (isErrorBody(data)) {
      throw new PlotboardError(response.status, data.detail, data.code ?? "", {
        requestId: data.request_id ?? requestId,
        errors: Array.isArray(data.errors) ? data.errors : [],
        body: data,
      });
    }
    throw new PlotboardError(
      response.status,
      `the answer was HTTP ${response.status} without plotboard's JSON: is the client's url plotboard's address?`,
      "unexpected_response",
      { requestId },
    );
  }
}

function isErrorBody(
  data: unknown,
): data is { detail: string; code?: string; request_id?: string; errors?: FieldError[] } {
  return typeof data === "object" && data !== null && typeof (data as { detail?: unknown }).detail === "string";
}
