// <pb-filter-bar>: the dashboard's own filters. Each one applies to every chart whose table has
// that column ("Department is any of Sales, Support" filters all employee charts at once).

import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { isComplete, uid, type EditorContext } from '../context.js';
import { icons } from '../icons.js';
import { isCategory, isIdentifier, tableLabel, type ColumnChoice } from '../model.js';
import { shared } from '../styles.js';
import type { DashboardFilter, Filter } from '../types.js';
import { describeFilter, newFilter } from './filter-row.js';
import './filter-row.js';

@customElement('pb-filter-bar')
export class PbFilterBar extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: center;
        position: relative;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        border: 1px solid var(--pb-border);
        border-radius: 999px;
        background: var(--pb-surface);
        overflow: hidden;
        max-width: 100%;
      }
      .chip.session {
        border-style: dashed;
      }
      .chip .text {
        padding: 4px 10px;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        max-width: 340px;
      }
      .chip.incomplete {
        border-style: dashed;
      }
      .chip button {
        background: none;
        border: 0;
        padding: 4px 10px;
        cursor: pointer;
        color: var(--pb-text);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        max-width: 340px;
      }
      .chip button.x {
        padding: 4px 8px 4px 2px;
        color: var(--pb-muted);
        display: inline-grid;
        place-items: center;
      }
      .chip button.x svg {
        width: 13px;
        height: 13px;
      }
      .chip button:focus-visible {
        outline: 2px solid var(--pb-accent);
        outline-offset: -2px;
      }
      .label {
        color: var(--pb-muted);
        display: inline-flex;
        gap: 4px;
        align-items: center;
        font-size: 13px;
      }
      .label svg {
        width: 14px;
        height: 14px;
      }
      .pop {
        position: absolute;
        top: calc(100% + 6px);
        left: 0;
        z-index: 40;
        width: min(380px, calc(100vw - 32px));
        padding: 12px;
        border-radius: 12px;
        border: 1px solid var(--pb-border);
        background: var(--pb-surface);
        box-shadow: var(--pb-shadow-lg);
        display: grid;
        gap: 10px;
      }
      .pop .foot {
        display: flex;
        justify-content: space-between;
        gap: 8px;
        align-items: center;
      }
      .pop select {
        width: 100%;
      }
      .btn.small {
        min-height: 28px;
        padding: 3px 10px;
        font-size: 13px;
      }
    `,
  ];

  @property({ attribute: false }) ctx!: EditorContext;
  @property({ attribute: false }) filters: DashboardFilter[] = [];
  /** The tables the dashboard's charts use: their columns can be filtered on. */
  @property({ attribute: false }) tables: string[] = [];
  @property({ type: Boolean }) readonly = false;
  /** Filters for this visit only (a viewer's cross-filters): never saved, always removable. */
  @property({ attribute: false }) sessionFilters: DashboardFilter[] = [];
  /** How many charts each filter applies to, by filter id. */
  @property({ attribute: false }) reach: Record<string, number> = {};

  @state() private editing: { filter: DashboardFilter; isNew: boolean } | null = null;

  /** Columns of the dashboard's tables, one per name (the same name filters every table). */
  private columns(): Array<ColumnChoice & { table: string }> {
    const index = this.ctx.index;
    if (!index) return [];
    const seen = new Set<string>();
    const out: Array<ColumnChoice & { table: string }> = [];
    for (const name of this.tables) {
      const table = index.table(name);
      if (!table) continue;
      for (const column of table.columns) {
        const key = column.name.toLowerCase();
        if (seen.has(key) || column.type === 'other' || isIdentifier(column)) continue;
        seen.add(key);
        const label = column.display_name || column.name;
        out.push({ ref: column.name, column, label: label[0]!.toUpperCase() + label.slice(1).replace(/_/g, ' '), group: tableLabel(table), table: table.name });
      }
    }
    return out;
  }

  private emitChange(filters: DashboardFilter[]): void {
    this.dispatchEvent(new CustomEvent('filters-change', { detail: filters, bubbles: true, composed: true }));
  }

  private startNew(): void {
    const columns = this.columns();
    const first = columns.find((c) => isCategory(c.column)) ?? columns[0];
    if (!first) return;
    const f = newFilter(first);
    this.editing = { filter: { id: uid(), ...f, table: first.table, label: first.label }, isNew: true };
    this.focusPop();
  }

  private focusPop(): void {
    void this.updateComplete.then(() => (this.renderRoot.querySelector('.pop select') as HTMLElement | null)?.focus());
  }

  private apply(): void {
    if (!this.editing) return;
    const { filter, isNew } = this.editing;
    const next = isNew ? [...this.filters, filter] : this.filters.map((f) => (f.id === filter.id ? filter : f));
    this.editing = null;
    this.emitChange(next);
  }

  private removeFilter(id: string): void {
    if (this.editing?.filter.id === id) this.editing = null;
    this.emitChange(this.filters.filter((f) => f.id !== id));
  }

  override render() {
    const columns = this.columns();
    if (!this.filters.length && !this.sessionFilters.length && (this.readonly || !columns.length)) return nothing;
    return html`
      ${this.filters.length || this.sessionFilters.length ? html`<span class="label">${icons.filter} Filters</span>` : nothing}
      ${this.filters.map((f) => {
        const choice = columns.find((c) => c.ref.toLowerCase() === f.column.toLowerCase());
        const text = describeFilter(f.label ?? choice?.label ?? f.column, f as Filter, choice?.column);
        const reach = this.reach[f.id];
        return html`<span class="chip ${isComplete(f) ? '' : 'incomplete'}">
          <button
            title=${reach === undefined ? text : `${text} — applies to ${reach} chart${reach === 1 ? '' : 's'}`}
            ?disabled=${this.readonly}
            @click=${() => {
              this.editing = { filter: { ...f }, isNew: false };
              this.focusPop();
            }}
          >
            ${text}
          </button>
          ${this.readonly ? nothing : html`<button class="x" aria-label="Remove filter: ${text}" @click=${() => this.removeFilter(f.id)}>${icons.close}</button>`}
        </span>`;
      })}
      ${this.sessionFilters.map((f) => {
        const choice = columns.find((c) => c.ref.toLowerCase() === f.column.toLowerCase());
        const text = describeFilter(f.label ?? choice?.label ?? f.column, f as Filter, choice?.column);
        return html`<span class="chip session" data-session-filter>
          <span class="text" title="${text} — for this visit only, not saved">${text}</span>
          <button
            class="x"
            aria-label="Remove filter: ${text}"
            @click=${() =>
              this.dispatchEvent(
                new CustomEvent('session-filters-change', { detail: this.sessionFilters.filter((x) => x.id !== f.id), bubbles: true, composed: true }),
              )}
          >
            ${icons.close}
          </button>
        </span>`;
      })}
      ${this.readonly
        ? nothing
        : html`<button class="btn ghost small" @click=${this.startNew} aria-haspopup="dialog" title="Filter every chart on this dashboard at once">
            ${this.filters.length ? icons.plus : icons.filter} Add filter
          </button>`}
      ${this.editing ? this.renderEditor(columns) : nothing}
    `;
  }

  private renderEditor(columns: Array<ColumnChoice & { table: string }>) {
    const { filter, isNew } = this.editing!;
    const choice = columns.find((c) => c.ref.toLowerCase() === filter.column.toLowerCase());
    const table = filter.table ?? choice?.table ?? this.tables[0] ?? '';
    return html`<div
      class="pop"
      role="dialog"
      aria-label="Dashboard filter"
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          this.editing = null;
        }
      }}
    >
      <label class="field"
        >Filter every chart on
        <select
          @change=${(e: Event) => {
            const c = columns.find((x) => x.ref === (e.target as HTMLSelectElement).value);
            if (c) this.editing = { filter: { id: filter.id, ...newFilter(c), table: c.table, label: c.label }, isNew };
          }}
        >
          ${columns.map((c) => html`<option value=${c.ref} ?selected=${c === choice}>${c.label}</option>`)}
        </select></label
      >
      ${choice
        ? html`<pb-filter-row
            .ctx=${this.ctx}
            .table=${table}
            .choices=${[choice]}
            .filter=${filter as Filter}
            fixedColumn
            .removable=${false}
            @filter-change=${(e: CustomEvent<Filter>) => {
              const next: DashboardFilter = { id: filter.id, column: e.detail.column, op: e.detail.op, table, label: choice.label };
              if (e.detail.value !== undefined) next.value = e.detail.value;
              this.editing = { filter: next, isNew };
            }}
          ></pb-filter-row>`
        : nothing}
      <div class="foot">
        <span class="muted" style="font-size:12px">Applies to every chart with a “${choice?.label ?? filter.column}” column.</span>
        <span style="display:flex;gap:6px">
          <button class="btn small" @click=${() => (this.editing = null)}>Cancel</button>
          <button class="btn primary small" ?disabled=${!isComplete(filter)} @click=${this.apply}>Apply</button>
        </span>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-filter-bar': PbFilterBar;
  }
}
