// <pb-chat-chips>: how the AI read a question, as chips under its answer (what is measured, by
// what, filters, the row limit, the chart); selecting a chip opens its editor below them. The
// measure, breakdown and chart editors are the builder's own controls (<pb-query-part>).
//
// It renders into the light DOM (`display: contents`), styled by the chat's stylesheet.
//
// Events (bubbling): chip-open {part, draft?} (open a chip's editor, with a working draft to keep while it
// is open; part null: close it), chip-edit {draft, close, focus?} (the changed query; close the
// editor; then focus the chip or the question box).

import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { EditorContext } from '../context.js';
import type { Draft } from '../draft.js';
import { iconForChart, icons } from '../icons.js';
import { isCategory, tableLabel, type CatalogIndex } from '../model.js';
import type { Filter } from '../types.js';
import { chips, editableFilter, type Chip, type ChipPart } from '../chat-model.js';
import { newFilter } from './filter-row.js';
import type { QueryChange } from './query-controls.js';
import './filter-row.js';
import './query-controls.js';

export interface ChipOpen {
  part: ChipPart | null;
  draft?: Draft;
}

export interface ChipEdit {
  draft: Draft;
  close: boolean;
  focus?: 'chip' | 'input';
}

@customElement('pb-chat-chips')
export class PbChatChips extends LitElement {
  @property({ attribute: false }) ctx!: EditorContext;
  @property({ attribute: false }) index!: CatalogIndex;
  @property({ attribute: false }) draft!: Draft;
  /** The chip whose editor is open, if any. */
  @property({ attribute: false }) editing: ChipPart | null = null;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.style.display = 'contents';
  }

  private openPart(part: ChipPart | null, draft?: Draft): void {
    const detail: ChipOpen = draft ? { part, draft } : { part };
    this.dispatchEvent(new CustomEvent<ChipOpen>('chip-open', { detail, bubbles: true }));
  }

  private edit(draft: Draft, close = false, focus?: ChipEdit['focus']): void {
    const detail: ChipEdit = focus ? { draft, close, focus } : { draft, close };
    this.dispatchEvent(new CustomEvent<ChipEdit>('chip-edit', { detail, bubbles: true }));
  }

  private removePart(part: ChipPart): void {
    const d = this.draft;
    if (part === 'limit') this.edit({ ...d, limit: null }, true, 'input');
    else if (part.startsWith('filter:')) {
      const i = Number(part.slice(7));
      this.edit({ ...d, filters: d.filters.filter((_, j) => j !== i) }, true, 'input');
    }
  }

  private addFilter(): void {
    const d = this.draft;
    const choices = this.index.choices(d.table).filter((c) => c.column.type !== 'other');
    const first = choices.find((c) => isCategory(c.column) && !c.group) ?? choices[0];
    if (!first) return;
    const filters = [...d.filters, newFilter(first)];
    this.openPart(`filter:${filters.length - 1}`, { ...d, filters });
  }

  /** A measure, breakdown or chart change from the builder's controls. */
  private onQueryChange(e: CustomEvent<QueryChange>): void {
    e.stopPropagation();
    const d = this.draft;
    const { kind, patch } = e.detail;
    if (kind === 'chart') return this.edit({ ...d, ...patch }, true, 'chip');
    // A new breakdown sorts as the chat's answers do, unless it is a top N.
    this.edit(kind === 'dim' ? { ...d, ...patch, sort: d.limit ? d.sort : 'auto' } : { ...d, ...patch });
  }

  override render() {
    const d = this.draft;
    const index = this.index;
    if (!d || !index) return nothing;
    const editing = this.editing;
    return html`<div class="chips" role="group" aria-label="How the question was read (select to change)">
        <span class="from">${tableLabel(index.table(d.table), d.table)}:</span>
        ${chips(d, index).map((c) => this.renderChip(c, editing === c.part))}
        <span class="chip add"><button data-action="chip-add-filter" @click=${() => this.addFilter()}>${icons.plus}<span class="what">Filter</span></button></span>
        ${d.dims.length ? nothing : html`<span class="chip add"><button data-part="dim:0" aria-expanded=${editing === 'dim:0' ? 'true' : 'false'} @click=${() => this.openPart(editing === 'dim:0' ? null : 'dim:0')}>${icons.plus}<span class="what">Breakdown</span></button></span>`}
      </div>
      ${editing ? this.renderEditor(editing) : nothing}`;
  }

  private renderChip(c: Chip, on: boolean) {
    const icon = c.kind === 'chart' ? iconForChart(this.draft.chart) : c.kind === 'filter' ? icons.filter : nothing;
    return html`<span class="chip ${c.kind} ${on ? 'on' : ''}" data-chip=${c.kind}>
      <button data-part=${c.part} aria-expanded=${on ? 'true' : 'false'} title="Change: ${c.label}" @click=${() => this.openPart(on ? null : c.part)}>
        ${icon}<span class="what">${c.label}</span>
      </button>
      ${c.removable ? html`<button class="x" aria-label="Remove ${c.label}" @click=${() => this.removePart(c.part)}>${icons.close}</button>` : nothing}
    </span>`;
  }

  private renderEditor(part: ChipPart) {
    const d = this.draft;
    const control = (what: 'measure' | 'dim' | 'chart', at: number, label: string, columnLabel = '') =>
      html`<pb-query-part
        .index=${this.index}
        .draft=${d}
        kind=${what}
        at=${at}
        label=${label}
        columnLabel=${columnLabel}
        @query-change=${this.onQueryChange}
      ></pb-query-part>`;
    let title: string;
    let body: unknown;
    if (part === 'chart') {
      title = 'Chart type';
      body = control('chart', 0, 'Chart type');
    } else if (part.startsWith('measure:')) {
      title = 'What to measure';
      body = html`<div class="row">${control('measure', Number(part.slice(8)), 'Measure', 'Measure column')}</div>`;
    } else if (part.startsWith('dim:')) {
      title = 'Break down by';
      body = html`<div class="row">${control('dim', Number(part.slice(4)), 'Break down by')}</div>`;
    } else if (part.startsWith('filter:')) {
      const i = Number(part.slice(7));
      const f = d.filters[i];
      if (!f) return nothing;
      const choices = this.index.choices(d.table);
      title = 'Filter';
      body = html`<pb-filter-row
        .ctx=${this.ctx}
        .table=${d.table}
        .choices=${choices.filter((c) => c.column.type !== 'other')}
        .filter=${editableFilter(f, choices.find((c) => c.ref === f.column))}
        @filter-change=${(e: CustomEvent<Filter>) => {
          e.stopPropagation();
          this.edit({ ...d, filters: d.filters.map((x, j) => (j === i ? e.detail : x)) });
        }}
        @filter-remove=${(e: Event) => {
          e.stopPropagation();
          this.removePart(part);
        }}
      ></pb-filter-row>`;
    } else {
      title = 'How many rows';
      body = html`<div class="row">
        <input
          type="number"
          min="1"
          max="100000"
          aria-label="Show at most"
          .value=${d.limit ? String(d.limit) : ''}
          @change=${(e: Event) => {
            const n = Math.floor(Number((e.target as HTMLInputElement).value));
            this.edit({ ...d, limit: Number.isFinite(n) && n >= 1 ? Math.min(100000, n) : null });
          }}
        />
        <button class="btn small" @click=${() => this.removePart('limit')}>Show all rows</button>
      </div>`;
    }
    return html`<div class="editor" role="group" aria-label=${title}>
      <div class="head"><span>${title}</span><button class="btn ghost small" data-action="chip-done" @click=${() => this.openPart(null)}>Done</button></div>
      ${body}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-chat-chips': PbChatChips;
  }
}
