// <pb-chat-answer>: one answer of the AI in the chat: its text, what it was understood as, its
// assumptions and notes, other readings to ask with one click, a preview of its chart
// (or the button that unfolds an older one), the chips that edit its query, the proposed charts
// of a dashboard answer, or questions to ask instead.
//
// It renders into the light DOM (`display: contents`), styled by the chat's stylesheet.
//
// Events (bubbling, to <pb-chat>): answer-action {action: 'add', tiles, which} | {action:
// 'edit', tile} | {action: 'unfold'} | {action: 'ask', question}; and its chips' chip-open and
// chip-edit.

import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { EditorContext } from '../context.js';
import { iconForChart, icons } from '../icons.js';
import type { CatalogIndex } from '../model.js';
import type { QueryResult, Tile } from '../types.js';
import { asDraft, understoodLine, type ChatMessage, type ChatTile, type ChipPart } from '../chat-model.js';
import './chat-chips.js';
import './tile.js';

/** Where "Add to dashboard" puts a tile: the open dashboard, a new one, or nowhere (view only). */
export type ChatTarget = 'dashboard' | 'new' | null;

export type AnswerAction =
  | { action: 'add'; tiles: ChatTile[]; which: 'tile' | number | 'all' }
  | { action: 'edit'; tile: ChatTile }
  | { action: 'unfold' }
  | { action: 'ask'; question: string; followUp?: boolean };

@customElement('pb-chat-answer')
export class PbChatAnswer extends LitElement {
  @property({ attribute: false }) ctx!: EditorContext;
  @property({ attribute: false }) index: CatalogIndex | null = null;
  @property({ attribute: false }) msg!: ChatMessage;
  @property({ attribute: false }) target: ChatTarget = null;
  /** Draw its chart now (the latest answers), else only when unfolded. */
  @property({ type: Boolean }) live = false;
  @property({ type: Boolean }) busy = false;
  /** The chip whose editor is open, if any. */
  @property({ attribute: false }) editing: ChipPart | null = null;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.style.display = 'contents';
  }

  private act(detail: AnswerAction): void {
    this.dispatchEvent(new CustomEvent<AnswerAction>('answer-action', { detail, bubbles: true }));
  }

  override render() {
    const m = this.msg;
    if (!m) return nothing;
    const understood = understoodLine(m);
    // Each remark once: an assumption or a note the reply's own words already say ("I did
    // not use “boss”") is not listed again under it.
    const said = (line: string) => m.text.includes(line.replace(/[.\s]+$/, ''));
    const assumptions = (m.assumptions ?? []).filter((a) => !said(a));
    const notes = (m.notes ?? []).filter((n) => !said(n) && !assumptions.includes(n));
    return html`<div class="assistant" data-msg=${m.key} data-answer>
      <div class="bubble"><p>${m.text}</p></div>
      ${understood
        ? html`<p class="note understood" data-understood data-reading=${m.followUp === true ? 'changed' : m.followUp === false ? 'new' : nothing}>${understood.lead} <strong>${understood.what}</strong></p>`
        : nothing}
      ${assumptions.length
        ? html`<ul class="note assumptions" data-assumptions aria-label="Assumptions">
            ${assumptions.map((a) => html`<li>${a}</li>`)}
          </ul>`
        : nothing}
      ${m.alternatives?.length
        ? html`<div class="ideas alternatives" style="justify-content:flex-start" aria-label="Did you mean">
            <span class="note">Did you mean:</span>
            ${m.alternatives.map((a) => html`<button class="idea" data-action="alternative" title=${a.question} ?disabled=${this.busy} @click=${() => this.act(a.follow_up === undefined ? { action: 'ask', question: a.question } : { action: 'ask', question: a.question, followUp: a.follow_up })}>${a.label}</button>`)}
          </div>`
        : nothing}
      ${m.fallback ? html`<p class="note fallback" data-fallback>${m.fallback}</p>` : nothing}
      ${notes.length ? html`<p class="note">${notes.join(' ')}</p>` : nothing}
      ${m.tile ? this.renderTile(m, m.tile) : nothing}
      ${m.tiles?.length ? this.renderGallery(m, m.tiles) : nothing}
      ${!m.tile && !m.tiles?.length && m.suggestions?.length
        ? html`<div class="ideas" style="justify-content:flex-start" aria-label="Questions you can ask">
            ${m.suggestions.map((q) => html`<button class="idea" data-action="suggestion" ?disabled=${this.busy} @click=${() => this.act({ action: 'ask', question: q })}>${q}</button>`)}
          </div>`
        : nothing}
    </div>`;
  }

  /** Rows each previewed tile drew: a new tile of many bars is made tall enough for them. */
  private rowsOf = new WeakMap<ChatTile, number>();

  private withRows(t: ChatTile): ChatTile {
    const rows = this.rowsOf.get(t);
    return rows === undefined ? t : { ...t, rows };
  }

  private previewTile(key: string, t: ChatTile): Tile {
    return { id: key, title: t.title, query: t.query, chart: t.chart, layout: { x: 0, y: 0, w: 6, h: 4 }, ...(t.source ? { source: t.source } : {}) };
  }

  private renderTile(m: ChatMessage, tile: ChatTile) {
    // The tile's own source: its chips name that source's columns.
    const index = this.index?.forSource(tile.source) ?? null;
    const d = index ? (m.draft ?? asDraft(tile, index)) : null;
    return html`<div class="card">
      ${this.live || m.unfolded
        ? html`<pb-tile preview class="preview ${tile.chart.type === 'map' || tile.chart.type === 'table' ? tile.chart.type : ''}" .tile=${this.previewTile(m.key, tile)} .ctx=${this.ctx}
            @tile-result=${(e: CustomEvent<QueryResult>) => (this.rowsOf.set(tile, e.detail.rows.length))}></pb-tile>`
        : html`<button class="btn small folded" @click=${() => this.act({ action: 'unfold' })}>${iconForChart(tile.chart.type)} Show “${tile.title}”</button>`}
      ${d && index ? html`<pb-chat-chips .ctx=${this.ctx} .index=${index} .draft=${d} .editing=${this.editing}></pb-chat-chips>` : nothing}
      ${this.target
        ? html`<div class="actions">
            <button class="btn primary small" data-action="chat-add" ?disabled=${m.added} @click=${() => this.act({ action: 'add', tiles: [this.withRows(tile)], which: 'tile' })}>
              ${m.added ? html`${icons.check} Added` : html`${icons.plus} ${this.target === 'new' ? 'Add to a new dashboard' : 'Add to dashboard'}`}
            </button>
            <button class="btn small" data-action="chat-edit" @click=${() => this.act({ action: 'edit', tile })}>${icons.edit} Edit in builder</button>
          </div>`
        : nothing}
    </div>`;
  }

  private renderGallery(m: ChatMessage, tiles: ChatTile[]) {
    const added = new Set(m.addedTiles ?? []);
    const all = tiles.every((_, i) => added.has(i));
    return html`<div class="card">
      <div class="gallery" role="list" aria-label="Proposed charts">
        ${tiles.map(
          (t, i) => html`<div class="item" role="listitem">
            <pb-tile preview .tile=${this.previewTile(`${m.key}-${i}`, t)} .ctx=${this.ctx}></pb-tile>
            ${this.target
              ? html`<button class="btn small" data-action="chat-add-one" ?disabled=${added.has(i)} aria-label="Add “${t.title}”" @click=${() => this.act({ action: 'add', tiles: [t], which: i })}>
                  ${added.has(i) ? html`${icons.check} Added` : html`${icons.plus} Add`}
                </button>`
              : nothing}
          </div>`,
        )}
      </div>
      ${this.target
        ? html`<div class="actions">
            <button class="btn primary small" data-action="chat-add-all" ?disabled=${all} @click=${() => this.act({ action: 'add', tiles: tiles.filter((_, i) => !added.has(i)), which: 'all' })}>
              ${all ? html`${icons.check} All added` : html`${icons.plus} Add all ${tiles.length - added.size} to ${this.target === 'new' ? 'a new dashboard' : 'the dashboard'}`}
            </button>
          </div>`
        : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-chat-answer': PbChatAnswer;
  }
}
