// <pb-history>: the list of a dashboard's saved versions (newest first), each with when and
// what changed in words. Choosing one asks the dashboard to preview it (`history-select`);
// the current version is marked and choosing it goes back to editing (`history-select` null).

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { emit, type EditorContext } from '../context.js';
import { timeAgo } from '../format.js';
import { listVersions, summaryText, type VersionEntry } from '../history.js';
import { icons } from '../icons.js';
import { shared } from '../styles.js';

@customElement('pb-history')
export class PbHistory extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        border: 1px solid var(--pb-border);
        border-radius: 12px;
        background: var(--pb-surface);
      }
      header {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 10px 12px;
        border-bottom: 1px solid var(--pb-border);
      }
      header svg {
        width: 18px;
        height: 18px;
        flex: none;
      }
      h3 {
        margin: 0;
        font-size: 15px;
        flex: 1;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 6px;
        overflow: auto;
        max-height: 70vh;
      }
      li button {
        display: grid;
        gap: 2px;
        width: 100%;
        text-align: left;
        border: 1px solid transparent;
        border-radius: 8px;
        background: none;
        padding: 8px 10px;
        color: var(--pb-text);
        font: inherit;
        cursor: pointer;
      }
      li button:hover {
        background: var(--pb-accent-soft);
      }
      li button:focus-visible {
        outline: none;
        box-shadow: var(--pb-focus);
      }
      li button[aria-current='true'] {
        border-color: var(--pb-accent);
        background: var(--pb-accent-soft);
      }
      .when {
        font-size: 12px;
        color: var(--pb-muted);
        display: flex;
        gap: 6px;
        align-items: center;
      }
      .what {
        font-size: 13.5px;
        overflow-wrap: anywhere;
      }
      .tag {
        font-size: 11px;
        padding: 0 6px;
        border-radius: 999px;
        background: var(--pb-accent);
        color: #fff;
      }
      .msg {
        padding: 12px;
        font-size: 13.5px;
        color: var(--pb-muted);
      }
    `,
  ];

  @property({ attribute: false }) ctx!: EditorContext;
  @property() dashboardId = '';
  /** The dashboard's current version: the list reloads when it changes (a save, a restore). */
  @property({ type: Number }) currentVersion = 0;
  /** The version being previewed, if any. */
  @property({ attribute: false }) selected: number | null = null;

  @state() private entries: VersionEntry[] | null = null;
  @state() private error = '';
  private loading = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('dashboardId') || changed.has('currentVersion')) void this.load();
  }

  private async load(): Promise<void> {
    const ticket = ++this.loading;
    try {
      const entries = await listVersions(this.ctx.api, this.dashboardId);
      if (ticket !== this.loading) return;
      this.entries = entries;
      this.error = '';
    } catch (err) {
      if (ticket !== this.loading) return;
      this.error = this.ctx.reportError(err, 'reading the history');
    }
  }

  override render() {
    return html`<header>
        ${icons.history}
        <h3 id="history-heading">History</h3>
        <button class="icon-btn" aria-label="Close history" @click=${() => emit(this, 'history-close')}>${icons.close}</button>
      </header>
      ${this.error
        ? html`<p class="msg" role="alert">${this.error}</p>`
        : !this.entries
          ? html`<p class="msg" aria-busy="true">Loading…</p>`
          : html`<ol aria-labelledby="history-heading">
              ${this.entries.map((e) => this.renderEntry(e))}
            </ol>`}`;
  }

  private renderEntry(e: VersionEntry) {
    const current = e.version === this.currentVersion;
    const chosen = this.selected === null ? current : this.selected === e.version;
    const label = `Version ${e.version}${current ? ' (current)' : ''}, ${timeAgo(e.updated_at)}: ${summaryText(e)}`;
    return html`<li>
      <button
        data-version=${e.version}
        aria-current=${chosen ? 'true' : 'false'}
        aria-label=${label}
        title=${new Date(e.updated_at).toLocaleString()}
        @click=${() => emit(this, 'history-select', { version: current ? null : e.version })}
      >
        <span class="when"
          >Version ${e.version} · ${timeAgo(e.updated_at)} ${current ? html`<span class="tag">Current</span>` : nothing}</span
        >
        <span class="what">${summaryText(e)}</span>
      </button>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-history': PbHistory;
  }
}
