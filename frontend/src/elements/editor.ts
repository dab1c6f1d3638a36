// <plotboard-editor>: the embeddable, self-service dashboard editor.
//
//   <plotboard-editor auth-token="eyJ..." server-url="https://analytics.example.com"
//                     theme="light|dark" dashboard-id="..." ai-chat></plotboard-editor>
//
// Events (bubbling, composed): plotboard:ready, plotboard:dashboard-saved, plotboard:error,
// plotboard:token-expired. Set a fresh `auth-token` at any time: the editor carries on without a
// reload; a token for another user switches to that user's workspace.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { PlotboardApi, isBlocking, tokenClaims, tokenSubject, type Blocked } from '../api.js';
import { GeoCache, emit, errorMessage, uid, type EditorContext, type Toast } from '../context.js';
import type { ChatState } from '../chat-toggle.js';
import type { BuiltTile } from '../draft.js';
import { icons } from '../icons.js';
import { CatalogIndex } from '../model.js';
import { shared, themeTokens } from '../styles.js';
import type { Ownership, Tile } from '../types.js';
import type { ChatAddDetail, ChatTarget, PbChat } from './chat.js';
import { findSpot, sizeFor, type PbDashboard } from './dashboard.js';
import type { PbToasts } from './toasts.js';
import './dashboard-list.js';
import './dashboard-origin.js';
import './dashboard.js';
import './toasts.js';

/** Below this editor width the chat is a sheet over the page; above, a drawer beside it. */
const CHAT_DRAWER_MIN = 860;
/** A focus reads the catalog again at most this often (see onComeBack). */
const CATALOG_RECHECK_MS = 10_000;

// The chat is its own chunk, loaded the first time someone opens it.
let chatLoading: Promise<unknown> | null = null;
function loadChat(): Promise<unknown> {
  chatLoading ??= import('./chat.js').catch((err: unknown) => {
    chatLoading = null;
    throw err;
  });
  return chatLoading;
}

/** `focus`: opened by the user from inside the editor, so focus follows (not on page load). */
type View = { name: 'list' } | { name: 'dashboard'; id: string; isNew?: boolean; focus?: boolean };

/** Where the script was loaded from; set by the entry module (see index.ts). */
let scriptBase = '';
export function setScriptBase(url: string): void {
  scriptBase = url;
}

@customElement('plotboard-editor')
export class PlotboardEditor extends LitElement {
  static override styles = [
    themeTokens,
    shared,
    css`
      :host {
        display: block;
        background: var(--pb-bg);
        color: var(--pb-text);
        padding: 16px;
        border-radius: var(--pb-radius);
        min-height: 320px;
        container-type: inline-size;
        position: relative;
        text-align: left;
      }
      :host([hidden]) {
        display: none;
      }
      .banner {
        display: flex;
        gap: 10px;
        align-items: center;
        padding: 10px 12px;
        border-radius: 10px;
        background: var(--pb-danger-soft);
        color: var(--pb-text);
        border: 1px solid var(--pb-border);
        margin-bottom: 12px;
      }
      .banner svg {
        width: 18px;
        height: 18px;
        color: var(--pb-danger);
        flex: none;
      }
      .banner p {
        margin: 0;
        flex: 1;
      }
      .blocked {
        display: grid;
        justify-items: center;
        align-content: center;
        gap: 10px;
        min-height: 240px;
        padding: 24px;
        text-align: center;
      }
      .blocked .icon {
        width: 40px;
        height: 40px;
        border-radius: 50%;
        display: grid;
        place-items: center;
        background: var(--pb-surface-2);
        color: var(--pb-muted);
      }
      .blocked[data-blocked='origin'] .icon {
        background: var(--pb-danger-soft);
        color: var(--pb-danger);
      }
      .blocked .icon svg {
        width: 20px;
        height: 20px;
      }
      .blocked p {
        margin: 0;
        max-width: 52ch;
        font-size: 15px;
      }
      .waiting {
        display: grid;
        place-items: center;
        min-height: 240px;
        color: var(--pb-muted);
      }
      .layout.split {
        display: grid;
        grid-template-columns: minmax(0, 1fr) min(400px, 40%);
        gap: 16px;
        align-items: start;
      }
      .main {
        min-width: 0;
      }
      pb-chat[mode='drawer'] {
        position: sticky;
        top: 8px;
        /* fitChat() sets the height the window has room for below the drawer's top. */
        height: min(calc(100vh - 16px), 900px);
        min-height: 440px;
      }
      @container (max-width: 480px) {
        :host {
          padding: 10px;
        }
      }
    `,
  ];

  @property({ attribute: 'auth-token' }) authToken = '';
  @property({ attribute: 'server-url' }) serverUrl = '';
  @property({ reflect: true }) theme: 'light' | 'dark' = 'light';
  @property({ attribute: 'dashboard-id' }) dashboardId = '';
  /** Shows the AI chat (when the token's `permissions.ai` allows it). */
  @property({ type: Boolean, attribute: 'ai-chat' }) aiChat = false;

  @state() private view: View = { name: 'list' };
  @state() private ctx: EditorContext | null = null;
  @state() private catalogError = '';
  @state() private chatOpen = false;
  /** The chat's chunk is loaded and its element kept (closed, it keeps the conversation). */
  @state() private chatMounted = false;
  @state() private chatMode: 'drawer' | 'sheet' = 'drawer';
  /** What the token allows (`permissions.ai`), read from its claims. */
  @state() private aiAllowed = true;
  /** Nothing works until something outside the editor changes: one message says what. */
  @state() private blocked: Blocked | null = null;
  @query('pb-toasts') private toasts!: PbToasts;
  /** What the open dashboard is (a starter, a teammate's shared one), for the view's id. */
  @state() private origin: (Ownership & { id: string; title: string; viewId: string }) | null = null;
  /** The context with editing off, for a teammate's dashboard (made once per context). */
  private readOnly: { from: EditorContext; ctx: EditorContext } | null = null;

  private api: PlotboardApi | null = null;
  private geo: GeoCache | null = null;
  private subject = '';
  private epoch = 0;
  private readyFor = -1;
  private viewLoaded = false;
  private catalogLoaded = false;
  private resizer: ResizeObserver | null = null;
  /** Runs when the dashboard being opened has loaded (the AI's "Edit in builder"). */
  private afterLoad: ((dashboard: PbDashboard) => void) | null = null;

  /** The server's URL: the attribute, or where the script came from. */
  get resolvedServerUrl(): string {
    return this.serverUrl || scriptBase || window.location.origin;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.api || changed.has('serverUrl')) {
      this.api = new PlotboardApi(this.resolvedServerUrl, {
        tokenExpired: () => emit(this, 'plotboard:token-expired', { message: 'The embed token has expired; set a fresh auth-token.' }),
        blocked: (problem) => this.onBlocked(problem),
      });
      this.geo = new GeoCache(this.api);
      this.subject = '';
    }
    if (changed.has('authToken') || changed.has('serverUrl')) {
      // A new token may be the fix. After an expiry the waiting calls carry on with it; after
      // anything else, everything starts again.
      if (this.blocked && this.blocked.kind !== 'expired') this.subject = '';
      this.blocked = null;
      const subject = tokenSubject(this.authToken || null);
      if (subject !== this.subject) {
        // Another user (or the first one): deletions waiting for their undo belong to the
        // previous user and go out with the previous token; then switch workspace.
        this.toasts?.flush();
        this.subject = subject;
        this.aiAllowed = tokenClaims(this.authToken || null)?.perm?.ai !== false;
        if (!this.aiAllowed) this.chatOpen = false;
        this.afterLoad = null;
        this.api.setToken(this.authToken || null);
        this.epoch++;
        this.viewLoaded = false;
        this.catalogLoaded = false;
        this.view = this.dashboardId ? { name: 'dashboard', id: this.dashboardId } : { name: 'list' };
        this.ctx = this.makeContext(null);
        if (this.authToken) void this.loadCatalog();
      } else {
        this.api.setToken(this.authToken || null);
      }
    }
    if (changed.has('dashboardId') && changed.get('dashboardId') !== undefined) {
      this.view = this.dashboardId ? { name: 'dashboard', id: this.dashboardId } : { name: 'list' };
    }
    if (changed.has('aiChat') && !this.aiChat) this.chatOpen = false;
    if (changed.has('theme') && this.ctx && this.ctx.theme !== this.theme) {
      this.ctx = { ...this.ctx, theme: this.theme === 'dark' ? 'dark' : 'light' };
    }
  }

  private makeContext(index: CatalogIndex | null): EditorContext {
    const claims = tokenClaims(this.authToken || null);
    return {
      api: this.api!,
      index,
      editable: (claims?.perm?.dashboards ?? 'edit') === 'edit',
      epoch: this.epoch,
      theme: this.theme === 'dark' ? 'dark' : 'light',
      geo: this.geo!,
      toast: (toast: Toast) => this.toasts?.show(toast),
      reportError: (err: unknown, context: string) => {
        const message = errorMessage(err);
        if (isBlocking(err)) return message; // reported once already, by onBlocked
        const e = err as { status?: number; code?: string };
        emit(this, 'plotboard:error', { message, context, status: e?.status ?? 0, code: e?.code ?? 'error' });
        return message;
      },
    };
  }

  /** The catalog as last read (JSON), and when a focus last read it again. */
  private catalogJson = '';
  private catalogReadAt = 0;

  private async loadCatalog(): Promise<void> {
    const epoch = this.epoch;
    this.catalogError = '';
    try {
      const catalog = await this.api!.catalog();
      if (epoch !== this.epoch) return;
      this.catalogJson = JSON.stringify(catalog);
      this.ctx = { ...this.makeContext(new CatalogIndex(catalog)), theme: this.ctx?.theme ?? 'light' };
      this.catalogLoaded = true;
      this.maybeReady();
    } catch (err) {
      if (epoch !== this.epoch) return;
      this.catalogError = this.ctx?.reportError(err, 'loading the data catalog') ?? errorMessage(err);
    }
  }

  /** Back on the page (the window regains focus, the tab shows again): read the catalog again,
   * so that a database or table the admin connected meanwhile is offered without a reload. At
   * most once in CATALOG_RECHECK_MS, quietly (a failure keeps the catalog there is), and the
   * editor changes only when the catalog did. */
  private onComeBack = (): void => {
    if (document.visibilityState === 'hidden') return;
    if (!this.authToken || !this.catalogLoaded || this.blocked || !this.api) return;
    if (Date.now() - this.catalogReadAt < CATALOG_RECHECK_MS) return;
    this.catalogReadAt = Date.now();
    const epoch = this.epoch;
    this.api
      .catalog()
      .then((catalog) => {
        const json = JSON.stringify(catalog);
        if (epoch !== this.epoch || json === this.catalogJson || !this.ctx) return;
        this.catalogJson = json;
        this.ctx = { ...this.ctx, index: new CatalogIndex(catalog) };
      })
      .catch(() => undefined);
  };

  /** Show the problem once, and tell the developer (console and `plotboard:error`) why. */
  private onBlocked(problem: Blocked): void {
    if (this.blocked?.kind === problem.kind) return;
    this.blocked = problem;
    console.error(`plotboard: ${problem.reason}`);
    emit(this, 'plotboard:error', {
      message: problem.message,
      reason: problem.reason,
      context: problem.kind === 'origin' ? 'checking this page\'s origin' : 'signing in',
      status: problem.status,
      code: problem.code,
    });
  }

  private renderBlocked(problem: Blocked) {
    return html`<div class="blocked" role="alert" data-blocked=${problem.kind}>
      <div class="icon">${problem.kind === 'origin' ? icons.alert : icons.lock}</div>
      <p>${problem.message}</p>
      ${problem.kind === 'origin'
        ? html`<button class="btn" @click=${this.retryBlocked}>${icons.refresh} Try again</button>`
        : html`<button class="btn" @click=${() => window.location.reload()}>${icons.refresh} Reload the page</button>`}
    </div>`;
  }

  /** The origin may have been authorized since: start again. */
  private retryBlocked(): void {
    this.blocked = null;
    this.subject = '';
    this.requestUpdate('authToken');
  }

  private maybeReady(): void {
    if (this.catalogLoaded && this.viewLoaded && this.readyFor !== this.epoch) {
      this.readyFor = this.epoch;
      emit(this, 'plotboard:ready', { view: this.view.name });
    }
  }

  private onLoaded(): void {
    this.viewLoaded = true;
    this.maybeReady();
    const run = this.afterLoad;
    const dashboard = this.dashboardEl;
    if (run && dashboard) {
      this.afterLoad = null;
      run(dashboard);
    }
  }

  private onDashboardLoaded(e: CustomEvent<Ownership & { id: string; title: string }>): void {
    if (this.view.name === 'dashboard') this.origin = { ...e.detail, viewId: this.view.id };
    this.onLoaded();
  }

  /** The open dashboard's origin, when it is the one in view. */
  private get viewOrigin() {
    return this.view.name === 'dashboard' && this.origin?.viewId === this.view.id ? this.origin : null;
  }

  /** A teammate's shared dashboard is read-only whatever the token allows: the dashboard gets
   * the context with editing off (the server refuses writes to it anyway). */
  private dashboardCtx(ctx: EditorContext): EditorContext {
    if (this.viewOrigin?.owner !== 'team' || !ctx.editable) return ctx;
    if (this.readOnly?.from !== ctx) this.readOnly = { from: ctx, ctx: { ...ctx, editable: false } };
    return this.readOnly.ctx;
  }

  /** The AI's charts go into the open dashboard (not a teammate's: a new one then). */
  private get intoDashboard(): boolean {
    return this.view.name === 'dashboard' && this.viewOrigin?.owner !== 'team';
  }

  /** The first save of a starter made the user's copy: it is a starter no more. */
  private onSaved(e: CustomEvent<{ id: string }>): void {
    const origin = this.viewOrigin;
    if (origin?.starter && e.detail.id !== origin.id) this.origin = { ...origin, starter: false, copied_from: origin.id, id: e.detail.id };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizer = new ResizeObserver(() => {
      const mode = this.clientWidth > 0 && this.clientWidth < CHAT_DRAWER_MIN ? 'sheet' : 'drawer';
      if (mode !== this.chatMode) this.chatMode = mode;
    });
    this.resizer.observe(this);
    // Capture: a host app may scroll a container of its own rather than the window.
    document.addEventListener('scroll', this.onViewportChange, { capture: true, passive: true });
    window.addEventListener('resize', this.onViewportChange, { passive: true });
    window.addEventListener('focus', this.onComeBack);
    document.addEventListener('visibilitychange', this.onComeBack);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizer?.disconnect();
    this.resizer = null;
    document.removeEventListener('scroll', this.onViewportChange, { capture: true });
    window.removeEventListener('resize', this.onViewportChange);
    window.removeEventListener('focus', this.onComeBack);
    document.removeEventListener('visibilitychange', this.onComeBack);
    if (this.fitFrame) cancelAnimationFrame(this.fitFrame);
    this.fitFrame = 0;
  }

  // --- the AI chat -------------------------------------------------------------------------

  /** Null when there is no chat: no `ai-chat`, or a token without `permissions.ai`. */
  private get chatState(): ChatState {
    if (!this.aiChat || !this.aiAllowed || !this.authToken) return null;
    return this.chatOpen ? 'open' : 'closed';
  }

  private get dashboardEl(): PbDashboard | null {
    return this.renderRoot.querySelector('pb-dashboard');
  }

  /** The drawer as tall as the window has room for below its top (at least 440px, at most
   * 900px): from the top of a host page the editor sits below the host's header, and a drawer
   * as tall as the window would put its input out of sight. Scrolled down, it sticks at the
   * top and grows. */
  private fitChat = (): void => {
    const drawer = this.renderRoot.querySelector<PbChat>('pb-chat');
    if (!drawer) return;
    if (drawer.mode !== 'drawer' || !drawer.open) {
      drawer.style.height = ''; // the sheet sizes itself
      return;
    }
    const top = Math.max(8, drawer.getBoundingClientRect().top);
    const room = Math.round(window.innerHeight - top - 8);
    drawer.style.height = `${Math.max(440, Math.min(900, room))}px`;
  };
  private fitFrame = 0;
  private onViewportChange = (): void => {
    if (this.fitFrame) return;
    this.fitFrame = requestAnimationFrame(() => {
      this.fitFrame = 0;
      this.fitChat();
    });
  };

  /** The view last told to the host (`plotboard:view-changed`), per workspace. */
  private announcedView = '';

  // `view` is private: the map of changes is read by name.
  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('view')) {
      const id = this.view.name === 'dashboard' ? this.view.id : null;
      const key = `${this.epoch}:${id ?? ''}`;
      if (key !== this.announcedView) {
        this.announcedView = key;
        emit(this, 'plotboard:view-changed', { view: this.view.name, id });
      }
    }
    // Once the drawer has rendered (and reflected its mode and open state).
    const drawer = this.renderRoot.querySelector<PbChat>('pb-chat');
    if (drawer) void drawer.updateComplete.then(this.fitChat);
  }

  private async toggleChat(): Promise<void> {
    if (this.chatOpen) return this.closeChat();
    if (!this.chatState) return;
    this.chatOpen = true;
    if (this.chatMounted) return;
    try {
      await loadChat();
      this.chatMounted = true;
    } catch (err) {
      this.chatOpen = false;
      this.toasts?.show({ message: `The AI chat couldn't load: ${this.ctx?.reportError(err, 'loading the AI chat') ?? errorMessage(err)}`, tone: 'error' });
    }
  }

  private async closeChat(): Promise<void> {
    this.chatOpen = false;
    await this.updateComplete;
    const view = this.renderRoot.querySelector('pb-dashboard, pb-dashboard-list');
    (view?.shadowRoot?.querySelector('[data-action="ask-ai"]') as HTMLElement | null)?.focus();
  }

  private async onChatAdd(e: CustomEvent<ChatAddDetail>): Promise<void> {
    e.stopPropagation();
    const { tiles, title, done } = e.detail;
    const what = tiles.length > 1 ? `${tiles.length} charts` : 'Chart';
    if (this.intoDashboard) {
      const ok = this.dashboardEl?.addTiles(tiles) ?? false;
      done(ok, ok ? undefined : 'The dashboard is still opening. Try again in a moment.');
      if (!ok) return;
      this.toasts?.show({ message: `${what} added to the dashboard.`, tone: 'success' });
      if (this.chatMode === 'sheet') void this.closeChat();
      return;
    }
    // On the dashboard list: a new dashboard with the tiles.
    const epoch = this.epoch;
    try {
      const laid: Tile[] = [];
      for (const t of tiles) {
        const { w, h } = sizeFor(t.chart.type, t.rows);
        laid.push({ id: uid(), title: t.title, query: t.query, chart: t.chart, layout: findSpot(laid, w, h) });
      }
      const dashboard = await this.api!.createDashboard({ title: title.slice(0, 200), tiles: laid });
      if (epoch !== this.epoch) return;
      done(true);
      this.view = { name: 'dashboard', id: dashboard.id };
      this.toasts?.show({ message: `${what} added to a new dashboard, “${dashboard.title}”.`, tone: 'success' });
      if (this.chatMode === 'sheet') void this.closeChat();
    } catch (err) {
      done(false, `The dashboard couldn't be created: ${this.ctx?.reportError(err, 'creating a dashboard') ?? errorMessage(err)}`);
    }
  }

  private async onChatEdit(e: CustomEvent<{ tile: BuiltTile }>): Promise<void> {
    e.stopPropagation();
    const { tile } = e.detail;
    if (this.chatMode === 'sheet') void this.closeChat();
    if (this.intoDashboard) {
      this.dashboardEl?.openBuilderWith(tile);
      return;
    }
    const epoch = this.epoch;
    try {
      const dashboard = await this.api!.createDashboard({ title: tile.title.slice(0, 200) });
      if (epoch !== this.epoch) return;
      this.afterLoad = (el) => el.openBuilderWith(tile);
      this.view = { name: 'dashboard', id: dashboard.id };
    } catch (err) {
      this.toasts?.show({ message: this.ctx?.reportError(err, 'creating a dashboard') ?? errorMessage(err), tone: 'error' });
    }
  }

  private onNavigate(e: CustomEvent<{ view: 'list' | 'dashboard'; id?: string; isNew?: boolean }>): void {
    e.stopPropagation();
    this.view =
      e.detail.view === 'dashboard' && e.detail.id
        ? { name: 'dashboard', id: e.detail.id, isNew: Boolean(e.detail.isNew), focus: true }
        : { name: 'list' };
  }

  private renderMain(chat: ChatState) {
    return html`
      ${this.catalogError
        ? html`<div class="banner" role="alert">
            ${icons.alert}
            <p>Your data couldn't be loaded: ${this.catalogError}</p>
            <button class="btn" @click=${() => void this.loadCatalog()}>Try again</button>
          </div>`
        : nothing}
      ${!this.authToken || !this.ctx
        ? html`<div class="waiting" aria-busy="true">Waiting for sign-in…</div>`
        : this.view.name === 'list'
          ? html`<pb-dashboard-list .ctx=${this.ctx} .chat=${chat} @navigate=${this.onNavigate} @list-loaded=${this.onLoaded}></pb-dashboard-list>`
          : html`<pb-dashboard-origin .ctx=${this.ctx} .dashboard=${this.viewOrigin} @navigate=${this.onNavigate}></pb-dashboard-origin>
              <pb-dashboard
                .ctx=${this.dashboardCtx(this.ctx)}
                .chat=${chat}
                .dashboardId=${this.view.id}
                .isNew=${Boolean(this.view.isNew)}
                .takeFocus=${Boolean(this.view.focus)}
                @navigate=${this.onNavigate}
                @dashboard-loaded=${this.onDashboardLoaded}
                @plotboard:dashboard-saved=${this.onSaved}
              ></pb-dashboard>`}
    `;
  }

  override render() {
    const chat = this.chatState;
    const split = chat === 'open' && this.chatMode === 'drawer';
    const scope = this.view.name === 'dashboard' ? this.view.id : '';
    const target: ChatTarget = !this.ctx?.editable ? null : this.intoDashboard ? 'dashboard' : 'new';
    return html`
      <div class="layout ${split ? 'split' : ''}">
        <div class="main" @chat-toggle=${() => void this.toggleChat()}>
          ${this.blocked ? this.renderBlocked(this.blocked) : nothing}
          ${
            // An expired session keeps the views (hidden): they carry on when a token comes.
            !this.blocked
              ? this.renderMain(chat)
              : this.blocked.kind === 'expired'
                ? html`<div hidden>${this.renderMain(chat)}</div>`
                : nothing
          }
        </div>
        ${chat && this.chatMounted && this.ctx
          ? html`<pb-chat
              .ctx=${this.ctx}
              .subject=${this.subject}
              .scope=${scope}
              .mode=${this.chatMode}
              .open=${chat === 'open'}
              .target=${target}
              @chat-close=${() => void this.closeChat()}
              @chat-add=${this.onChatAdd}
              @chat-edit=${this.onChatEdit}
            ></pb-chat>`
          : nothing}
      </div>
      <pb-toasts></pb-toasts>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'plotboard-editor': PlotboardEditor;
  }
}
