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
import { PlotboardApi, tokenClaims, tokenSubject } from '../api.js';
import { GeoCache, emit, errorMessage, type EditorContext, type Toast } from '../context.js';
import { icons } from '../icons.js';
import { CatalogIndex } from '../model.js';
import { shared, themeTokens } from '../styles.js';
import type { PbToasts } from './toasts.js';
import './dashboard-list.js';
import './dashboard.js';
import './toasts.js';

type View = { name: 'list' } | { name: 'dashboard'; id: string; isNew?: boolean };

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
      .waiting {
        display: grid;
        place-items: center;
        min-height: 240px;
        color: var(--pb-muted);
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
  /** Shows the AI chat (it comes with the AI feature; accepted here so hosts can set it now). */
  @property({ type: Boolean, attribute: 'ai-chat' }) aiChat = false;

  @state() private view: View = { name: 'list' };
  @state() private ctx: EditorContext | null = null;
  @state() private catalogError = '';
  @query('pb-toasts') private toasts!: PbToasts;

  private api: PlotboardApi | null = null;
  private geo: GeoCache | null = null;
  private subject = '';
  private epoch = 0;
  private readyFor = -1;
  private viewLoaded = false;
  private catalogLoaded = false;

  /** The server's URL: the attribute, or where the script came from. */
  get resolvedServerUrl(): string {
    return this.serverUrl || scriptBase || window.location.origin;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.api || changed.has('serverUrl')) {
      this.api = new PlotboardApi(this.resolvedServerUrl, {
        tokenExpired: () => emit(this, 'plotboard:token-expired', { message: 'The embed token has expired; set a fresh auth-token.' }),
      });
      this.geo = new GeoCache(this.api);
      this.subject = '';
    }
    if (changed.has('authToken') || changed.has('serverUrl')) {
      const subject = tokenSubject(this.authToken || null);
      if (subject !== this.subject) {
        // Another user (or the first one): deletions waiting for their undo belong to the
        // previous user and go out with the previous token; then switch workspace.
        this.toasts?.flush();
        this.subject = subject;
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
        const e = err as { status?: number; code?: string };
        emit(this, 'plotboard:error', { message, context, status: e?.status ?? 0, code: e?.code ?? 'error' });
        return message;
      },
    };
  }

  private async loadCatalog(): Promise<void> {
    const epoch = this.epoch;
    this.catalogError = '';
    try {
      const catalog = await this.api!.catalog();
      if (epoch !== this.epoch) return;
      this.ctx = { ...this.makeContext(new CatalogIndex(catalog)), theme: this.ctx?.theme ?? 'light' };
      this.catalogLoaded = true;
      this.maybeReady();
    } catch (err) {
      if (epoch !== this.epoch) return;
      this.catalogError = this.ctx?.reportError(err, 'loading the data catalog') ?? errorMessage(err);
    }
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
  }

  private onNavigate(e: CustomEvent<{ view: 'list' | 'dashboard'; id?: string; isNew?: boolean }>): void {
    e.stopPropagation();
    this.view =
      e.detail.view === 'dashboard' && e.detail.id
        ? { name: 'dashboard', id: e.detail.id, isNew: Boolean(e.detail.isNew) }
        : { name: 'list' };
  }

  override render() {
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
          ? html`<pb-dashboard-list .ctx=${this.ctx} @navigate=${this.onNavigate} @list-loaded=${this.onLoaded}></pb-dashboard-list>`
          : html`<pb-dashboard .ctx=${this.ctx} .dashboardId=${this.view.id} .isNew=${Boolean(this.view.isNew)} @navigate=${this.onNavigate} @dashboard-loaded=${this.onLoaded}></pb-dashboard>`}
      <pb-toasts></pb-toasts>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'plotboard-editor': PlotboardEditor;
  }
}
