// <pb-text-tile>: a tile of Markdown text on the dashboard (headings, lists, links, bold), shown
// sanitized (see markdown.ts). It moves, resizes, duplicates and is removed like a chart tile;
// "Edit text" edits it in place (an empty new one opens in editing).

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { emit, type EditorContext } from '../context.js';
import { icons } from '../icons.js';
import { shared } from '../styles.js';
import type { DashboardFilter, Tile } from '../types.js';

/** A tile as stored: chart tiles have no `kind`; text tiles have `kind: 'text'` and `text`. */
export type AnyTile = Tile & { kind?: 'chart' | 'text'; text?: string | null };

export const isText = (t: Tile): boolean => (t as AnyTile).kind === 'text';

// Markdown (marked + DOMPurify) is its own chunk: most dashboards have no text tile, and a chart
// needs none of it to draw. Loaded by the first text tile that has text to show.
type Markdown = typeof import('../markdown.js');
let markdown: Markdown | null = null;
let markdownLoading: Promise<Markdown> | null = null;
function loadMarkdown(): Promise<Markdown> {
  markdownLoading ??= import('../markdown.js').then(
    (m) => (markdown = m),
    (err: unknown) => {
      markdownLoading = null;
      throw err;
    },
  );
  return markdownLoading;
}

@customElement('pb-text-tile')
export class PbTextTile extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        background: var(--pb-surface);
        border: 1px solid var(--pb-border);
        border-radius: 12px;
        overflow: hidden;
      }
      header {
        display: flex;
        align-items: center;
        gap: 4px;
        padding: 4px 6px 0 8px;
        min-height: 32px;
      }
      .handle {
        flex: 1;
        display: flex;
        align-items: center;
        gap: 6px;
        min-width: 0;
        cursor: move;
        align-self: stretch;
      }
      :host([readonly]) .handle {
        cursor: default;
      }
      .grip {
        display: inline-grid;
        opacity: 0;
        color: var(--pb-muted);
        border-radius: 4px;
      }
      :host(:hover) .grip,
      .grip:focus-visible {
        opacity: 1;
      }
      .grip:focus-visible {
        outline: none;
        box-shadow: var(--pb-focus);
      }
      .grip svg {
        width: 16px;
        height: 16px;
      }
      .actions {
        display: flex;
        gap: 2px;
        opacity: 0.2;
      }
      :host(:hover) .actions,
      .actions:focus-within {
        opacity: 1;
      }
      .body {
        flex: 1;
        overflow: auto;
        padding: 0 16px 12px;
        font-size: 14px;
        line-height: 1.5;
        overflow-wrap: anywhere;
      }
      .body :first-child {
        margin-top: 0;
      }
      .body a {
        color: var(--pb-accent);
      }
      .empty {
        color: var(--pb-muted);
      }
      textarea {
        width: 100%;
        box-sizing: border-box;
        min-height: 90px;
        flex: 1;
        font: 13px/1.45 ui-monospace, monospace;
        padding: 8px;
        border: 1px solid var(--pb-border);
        border-radius: 8px;
        background: var(--pb-bg, var(--pb-surface));
        color: var(--pb-text);
        resize: none;
      }
      form {
        display: flex;
        flex-direction: column;
        gap: 6px;
        height: 100%;
      }
      .row {
        display: flex;
        gap: 6px;
        justify-content: flex-end;
        align-items: center;
      }
      .hint {
        flex: 1;
        font-size: 12px;
        color: var(--pb-muted);
      }
    `,
  ];

  @property({ attribute: false }) tile!: Tile;
  @property({ attribute: false }) ctx!: EditorContext;
  @property({ attribute: false }) filters: DashboardFilter[] = [];
  @property({ type: Number }) refreshKey = 0;
  @property({ type: Boolean, reflect: true }) readonly = false;
  @property({ reflect: true, attribute: 'data-state' }) status = 'ready';
  @state() private editing = false;
  @state() private markdownFailed = false;
  private opened = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('tile') && !this.opened) {
      this.opened = true;
      if (!this.readonly && !((this.tile as AnyTile).text ?? '').trim()) this.editing = true;
    }
    if (this.readonly) this.editing = false;
  }

  override render() {
    const text = (this.tile as AnyTile).text ?? '';
    const name = this.tile.title || 'Text';
    return html`
      <header>
        <div class="handle pb-drag">
          ${this.readonly
            ? nothing
            : html`<span
                class="grip"
                tabindex="0"
                role="button"
                aria-label="Move ${name}: arrow keys move it, Shift and arrow keys resize it"
                title="Drag to move. With the keyboard: arrow keys move, Shift+arrows resize."
                @keydown=${this.onGripKey}
                >${icons.grip}</span
              >`}
        </div>
        ${this.readonly || this.editing
          ? nothing
          : html`<div class="actions">
              <button class="icon-btn" aria-label="Edit text" title="Edit text" @click=${() => (this.editing = true)}>${icons.edit}</button>
              <button class="icon-btn" aria-label="Duplicate ${name}" title="Duplicate" @click=${() => emit(this, 'tile-duplicate', { id: this.tile.id })}>
                ${icons.copy}
              </button>
              <button class="icon-btn" aria-label="Remove ${name}" title="Remove" @click=${() => emit(this, 'tile-remove', { id: this.tile.id })}>
                ${icons.trash}
              </button>
            </div>`}
      </header>
      <div class="body">
        ${this.editing
          ? html`<form @submit=${this.done}>
              <textarea aria-label="Text (Markdown)" .value=${text} @keydown=${this.onKey} placeholder="## A heading&#10;Some **bold** words, a [link](https://example.com), and a list:&#10;- one&#10;- two"></textarea>
              <div class="row">
                <span class="hint">Markdown: # heading, **bold**, - list, [link](https://…)</span>
                <button class="btn primary compact" type="submit" data-action="text-done">Done</button>
              </div>
            </form>`
          : text.trim()
            ? this.renderMarkdown(text)
            : html`<p class="empty">Empty text.</p>`}
      </div>
    `;
  }

  private renderMarkdown(text: string) {
    if (markdown) return html`<div class="md" data-markdown>${unsafeHTML(markdown.renderMarkdown(text))}</div>`;
    if (this.markdownFailed) return html`<p class="empty" role="alert">The text could not be shown: reload the page to try again.</p>`;
    loadMarkdown().then(
      () => this.requestUpdate(),
      () => (this.markdownFailed = true),
    );
    return html`<div class="md" aria-busy="true"></div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('editing' as keyof PbTextTile) && this.editing) {
      (this.renderRoot.querySelector('textarea') as HTMLTextAreaElement | null)?.focus();
    }
  }

  private done(e: Event): void {
    e.preventDefault();
    const value = (this.renderRoot.querySelector('textarea') as HTMLTextAreaElement).value;
    this.editing = false;
    if (value !== ((this.tile as AnyTile).text ?? '')) emit(this, 'tile-text', { id: this.tile.id, text: value });
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) this.done(e);
    if (e.key === 'Escape') {
      e.stopPropagation();
      this.editing = false;
    }
  }

  private onGripKey(e: KeyboardEvent): void {
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    const [dx, dy] = move;
    emit(this, 'tile-nudge', e.shiftKey ? { id: this.tile.id, dw: dx, dh: dy } : { id: this.tile.id, dx, dy });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-text-tile': PbTextTile;
  }
}
