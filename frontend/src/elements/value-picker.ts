// <pb-value-picker>: pick filter values from a column's real values (what this user may see),
// with a search that asks the server when there are more values than fit in the list.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { errorMessage, type EditorContext } from '../context.js';
import { formatCategory, formatNumber } from '../format.js';
import { dimensionAlias } from '../model.js';
import { shared } from '../styles.js';
import type { QuerySpec, Scalar } from '../types.js';

export const VALUE_LIMIT = 200;

@customElement('pb-value-picker')
export class PbValuePicker extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: grid;
        gap: 6px;
      }
      .list {
        max-height: 190px;
        overflow: auto;
        border: 1px solid var(--pb-border);
        border-radius: 8px;
        padding: 4px;
        background: var(--pb-surface);
      }
      label.opt {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 4px 6px;
        border-radius: 6px;
        cursor: pointer;
      }
      label.opt:hover {
        background: var(--pb-surface-2);
      }
      label.opt span.v {
        flex: 1;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .count {
        color: var(--pb-muted);
        font-size: 12px;
        font-variant-numeric: tabular-nums;
      }
      .row {
        display: flex;
        gap: 6px;
        align-items: center;
        justify-content: space-between;
        font-size: 12px;
      }
      input[type='search'] {
        width: 100%;
      }
      .linkish {
        background: none;
        border: 0;
        color: var(--pb-accent);
        cursor: pointer;
        padding: 2px;
        font-size: 12px;
      }
      .skeleton {
        height: 18px;
        margin: 6px;
      }
    `,
  ];

  @property({ attribute: false }) ctx!: EditorContext;
  @property() table = '';
  /** The source of `table`, when several sources may have a table of that name. */
  @property() source: string | undefined = undefined;
  @property() column = '';
  @property({ attribute: false }) selected: Scalar[] = [];
  @property() label = 'Values';

  @state() private values: Array<{ value: Scalar | null; count: number }> = [];
  @state() private loading = false;
  @state() private error = '';
  @state() private search = '';
  private timer = 0;
  private loadId = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('table') || changed.has('column') || changed.has('ctx')) && this.table && this.column) {
      void this.load();
    }
  }

  private async load(): Promise<void> {
    const id = ++this.loadId;
    this.loading = true;
    this.error = '';
    const alias = dimensionAlias({ column: this.column });
    const spec: QuerySpec = {
      table: this.table,
      dimensions: [{ column: this.column }],
      measures: [{ agg: 'count' }],
      order_by: [{ by: alias }],
      limit: VALUE_LIMIT,
    };
    if (this.search.trim()) spec.filters = [{ column: this.column, op: 'contains', value: this.search.trim() }];
    try {
      const result = await this.ctx.api.query(spec, this.source ?? this.ctx.index?.sourceOf(this.table));
      if (id !== this.loadId) return;
      this.values = result.rows.map((r) => ({ value: (r[0] ?? null) as Scalar | null, count: Number(r[1] ?? 0) }));
    } catch (err) {
      if (id !== this.loadId) return;
      this.error = errorMessage(err);
      this.values = [];
    } finally {
      if (id === this.loadId) this.loading = false;
    }
  }

  private onSearch(e: Event): void {
    this.search = (e.target as HTMLInputElement).value;
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.load(), 250);
  }

  private toggle(value: Scalar, on: boolean): void {
    const next = this.selected.filter((v) => v !== value);
    if (on) next.push(value);
    this.selected = next;
    this.dispatchEvent(new CustomEvent('values-change', { detail: next, bubbles: true, composed: true }));
  }

  private setAll(on: boolean): void {
    const shown = this.values.map((v) => v.value).filter((v): v is Scalar => v !== null);
    const next = on ? [...new Set([...this.selected, ...shown])] : this.selected.filter((v) => !shown.includes(v));
    this.selected = next;
    this.dispatchEvent(new CustomEvent('values-change', { detail: next, bubbles: true, composed: true }));
  }

  override render() {
    const chosen = new Set(this.selected);
    const missing = this.selected.filter((v) => !this.values.some((x) => x.value === v));
    return html`
      <input type="search" placeholder="Search values…" aria-label="Search ${this.label}" .value=${this.search} @input=${this.onSearch} />
      <div class="list" role="group" aria-label=${this.label} aria-busy=${this.loading ? 'true' : 'false'}>
        ${this.loading && !this.values.length
          ? [1, 2, 3, 4].map(() => html`<div class="skeleton"></div>`)
          : nothing}
        ${this.error ? html`<div class="muted" role="alert">${this.error}</div>` : nothing}
        ${!this.loading && !this.error && !this.values.length
          ? html`<div class="muted" style="padding:6px">No values${this.search ? ` containing “${this.search}”` : ''}.</div>`
          : nothing}
        ${missing.map(
          (v) => html`<label class="opt"
            ><input type="checkbox" checked @change=${(e: Event) => this.toggle(v, (e.target as HTMLInputElement).checked)} /><span
              class="v"
              >${formatCategory(v)}</span
            ></label
          >`,
        )}
        ${this.values.map(({ value, count }) =>
          value === null
            ? nothing
            : html`<label class="opt"
                ><input
                  type="checkbox"
                  .checked=${chosen.has(value)}
                  @change=${(e: Event) => this.toggle(value, (e.target as HTMLInputElement).checked)}
                /><span class="v">${formatCategory(value)}</span><span class="count">${formatNumber(count)}</span></label
              >`,
        )}
      </div>
      <div class="row">
        <span class="muted">${this.selected.length} selected${this.values.length >= VALUE_LIMIT ? ` · first ${VALUE_LIMIT} values shown, search for more` : ''}</span>
        <span>
          <button class="linkish" type="button" @click=${() => this.setAll(true)}>Select all</button>
          <button class="linkish" type="button" @click=${() => this.setAll(false)}>Clear</button>
        </span>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-value-picker': PbValuePicker;
  }
}
