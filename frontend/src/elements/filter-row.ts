// <pb-filter-row>: one filter, "column · condition · value(s)", in words a person uses. The
// values of a text column are picked from its real values.

import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { EditorContext } from '../context.js';
import { icons } from '../icons.js';
import { isNumeric, isTemporal, type ColumnChoice } from '../model.js';
import { shared } from '../styles.js';
import type { CatalogColumn, Filter, FilterOp, Scalar } from '../types.js';
import './value-picker.js';

const OPS_TEXT: Array<[FilterOp, string]> = [
  ['in', 'is any of'],
  ['not_in', 'is none of'],
  ['contains', 'contains'],
  ['is_null', 'is empty'],
  ['is_not_null', 'is not empty'],
];
const OPS_NUMBER: Array<[FilterOp, string]> = [
  ['between', 'is between'],
  ['gte', 'is at least'],
  ['lte', 'is at most'],
  ['gt', 'is more than'],
  ['lt', 'is less than'],
  ['eq', 'is exactly'],
  ['neq', 'is not'],
  ['in', 'is any of'],
  ['is_null', 'is empty'],
  ['is_not_null', 'is not empty'],
];
const OPS_DATE: Array<[FilterOp, string]> = [
  ['between', 'is between'],
  ['gte', 'is on or after'],
  ['lte', 'is on or before'],
  ['eq', 'is on'],
  ['is_null', 'is empty'],
  ['is_not_null', 'is not empty'],
];
const OPS_BOOLEAN: Array<[FilterOp, string]> = [
  ['eq', 'is'],
  ['is_null', 'is empty'],
];

export function opsFor(column: CatalogColumn | undefined): Array<[FilterOp, string]> {
  if (!column) return OPS_TEXT;
  if (column.type === 'boolean') return OPS_BOOLEAN;
  if (isTemporal(column)) return OPS_DATE;
  if (isNumeric(column)) return OPS_NUMBER;
  return OPS_TEXT;
}

/** A fresh filter on `choice`, with the condition a person most likely wants. */
export function newFilter(choice: ColumnChoice): Filter {
  const [op] = opsFor(choice.column)[0]!;
  if (choice.column.type === 'boolean') return { column: choice.ref, op, value: true };
  if (op === 'in') return { column: choice.ref, op, value: [] };
  if (op === 'between') return { column: choice.ref, op, value: ['', ''] };
  return { column: choice.ref, op };
}

/** The filter in words: "Department is any of Sales, Support". */
export function describeFilter(label: string, filter: Filter, column?: CatalogColumn): string {
  const words = opsFor(column).find(([op]) => op === filter.op)?.[1] ?? filter.op;
  const v = filter.value;
  const text = (x: Scalar) => (typeof x === 'boolean' ? (x ? 'Yes' : 'No') : String(x));
  if (filter.op === 'is_null' || filter.op === 'is_not_null') return `${label} ${words}`;
  if (filter.op === 'between' && Array.isArray(v)) return `${label} ${words} ${text(v[0]!)} and ${text(v[1]!)}`;
  if (Array.isArray(v)) {
    const shown = v.slice(0, 3).map(text).join(', ');
    return `${label} ${words} ${shown}${v.length > 3 ? ` +${v.length - 3}` : ''}`;
  }
  return `${label} ${words} ${v === undefined ? '…' : text(v)}`;
}

@customElement('pb-filter-row')
export class PbFilterRow extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: grid;
        gap: 6px;
        padding: 8px;
        border: 1px solid var(--pb-border);
        border-radius: 8px;
        background: var(--pb-surface-2);
      }
      .line {
        display: flex;
        gap: 6px;
        align-items: center;
        flex-wrap: wrap;
      }
      .line select {
        flex: 1 1 140px;
      }
      .pair {
        display: flex;
        gap: 6px;
        align-items: center;
        flex-wrap: wrap;
      }
      .pair input {
        flex: 1 1 110px;
      }
    `,
  ];

  @property({ attribute: false }) ctx!: EditorContext;
  @property() table = '';
  /** The source of `table` (for its values), with several sources. */
  @property() source: string | undefined = undefined;
  @property({ attribute: false }) choices: ColumnChoice[] = [];
  @property({ attribute: false }) filter!: Filter;
  /** Whether the column can be changed (a dashboard filter keeps its column). */
  @property({ type: Boolean }) fixedColumn = false;
  @property({ type: Boolean }) removable = true;

  private get choice(): ColumnChoice | undefined {
    return this.choices.find((c) => c.ref === this.filter.column);
  }

  private change(next: Filter): void {
    this.filter = next;
    this.dispatchEvent(new CustomEvent('filter-change', { detail: next, bubbles: true, composed: true }));
  }

  private onColumn(e: Event): void {
    const ref = (e.target as HTMLSelectElement).value;
    const choice = this.choices.find((c) => c.ref === ref);
    if (choice) this.change(newFilter(choice));
  }

  private onOp(e: Event): void {
    const op = (e.target as HTMLSelectElement).value as FilterOp;
    const column = this.choice?.column;
    let value: Filter['value'];
    if (op === 'in' || op === 'not_in') value = Array.isArray(this.filter.value) && this.filter.op !== 'between' ? this.filter.value : [];
    else if (op === 'between') value = ['', ''];
    else if (op === 'is_null' || op === 'is_not_null') value = undefined;
    else if (column?.type === 'boolean') value = true;
    else value = Array.isArray(this.filter.value) ? undefined : this.filter.value;
    const next: Filter = { column: this.filter.column, op };
    if (value !== undefined) next.value = value;
    this.change(next);
  }

  private setValue(value: Filter['value']): void {
    const next: Filter = { column: this.filter.column, op: this.filter.op };
    if (value !== undefined) next.value = value;
    this.change(next);
  }

  private parse(text: string): Scalar | '' {
    if (text === '') return '';
    return isNumeric(this.choice?.column) ? Number(text) : text;
  }

  override render() {
    const choice = this.choice;
    const column = choice?.column;
    const label = choice?.label ?? this.filter.column;
    const ops = opsFor(column);
    const inputType = isTemporal(column) ? 'date' : isNumeric(column) ? 'number' : 'text';
    const v = this.filter.value;
    return html`
      <div class="line">
        ${this.fixedColumn
          ? html`<strong>${label}</strong>`
          : html`<select aria-label="Filter column" @change=${this.onColumn}>
              ${this.choices.map((c) => html`<option value=${c.ref} ?selected=${c.ref === this.filter.column}>${c.label}</option>`)}
            </select>`}
        <select aria-label="Condition for ${label}" @change=${this.onOp}>
          ${ops.map(([op, words]) => html`<option value=${op} ?selected=${op === this.filter.op}>${words}</option>`)}
        </select>
        ${this.removable
          ? html`<button class="icon-btn" type="button" aria-label="Remove filter on ${label}" @click=${() => this.dispatchEvent(new CustomEvent('filter-remove', { bubbles: true, composed: true }))}>
              ${icons.close}
            </button>`
          : nothing}
      </div>
      ${this.renderValue(inputType, label, v)}
    `;
  }

  private renderValue(inputType: string, label: string, v: Filter['value']) {
    const op = this.filter.op;
    if (op === 'is_null' || op === 'is_not_null') return nothing;
    if (this.choice?.column.type === 'boolean') {
      return html`<select aria-label="Value for ${label}" @change=${(e: Event) => this.setValue((e.target as HTMLSelectElement).value === 'true')}>
        <option value="true" ?selected=${v === true}>Yes</option>
        <option value="false" ?selected=${v === false}>No</option>
      </select>`;
    }
    if ((op === 'in' || op === 'not_in') && inputType !== 'date') {
      return html`<pb-value-picker
        .ctx=${this.ctx}
        .table=${this.table}
        .source=${this.source}
        .column=${this.filter.column}
        .label=${`Values of ${label}`}
        .selected=${Array.isArray(v) ? v : []}
        @values-change=${(e: CustomEvent<Scalar[]>) => {
          e.stopPropagation();
          this.setValue(e.detail);
        }}
      ></pb-value-picker>`;
    }
    if (op === 'between') {
      const [low, high] = Array.isArray(v) ? v : ['', ''];
      return html`<div class="pair">
        <input type=${inputType} aria-label="From" .value=${String(low ?? '')} @change=${(e: Event) => this.setValue([this.parse((e.target as HTMLInputElement).value), high ?? ''])} />
        <span class="muted">and</span>
        <input type=${inputType} aria-label="To" .value=${String(high ?? '')} @change=${(e: Event) => this.setValue([low ?? '', this.parse((e.target as HTMLInputElement).value)])} />
      </div>`;
    }
    return html`<input
      type=${inputType}
      aria-label="Value for ${label}"
      placeholder=${op === 'contains' ? 'Some text' : ''}
      .value=${v === undefined || Array.isArray(v) ? '' : String(v)}
      @change=${(e: Event) => {
        const parsed = this.parse((e.target as HTMLInputElement).value);
        this.setValue(parsed === '' ? undefined : parsed);
      }}
    />`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-filter-row': PbFilterRow;
  }
}
