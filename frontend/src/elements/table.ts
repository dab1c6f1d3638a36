// <pb-table>: a result as a table, sortable by any column (click or Enter on the header).

import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { TableColumn } from '../chart-options.js';
import { formatCell } from '../format.js';
import type { Cell } from '../types.js';

const MAX_ROWS = 1000;

/** A table cell clicked, or Entered from the keyboard: its row (as the answer has it) and column. */
export interface CellActivate {
  row: Cell[];
  column: number;
  cell: HTMLElement;
  clientX: number;
  clientY: number;
}

@customElement('pb-table')
export class PbTable extends LitElement {
  static override styles = css`
    :host {
      display: block;
      height: 100%;
      overflow: auto;
      font-size: 13px;
      /* Narrow places (the chat's answers, a small tile) fit the table to their width below. */
      container-type: inline-size;
      /* Columns out of sight to the left or right show as a shadow on that edge (the
         scrollbar is hidden until used on many systems): two covers that scroll with the
         table, over two shadows that stay on the edges. */
      background:
        linear-gradient(to right, var(--pb-surface) 40%, transparent) left / 32px 100% no-repeat local,
        linear-gradient(to left, var(--pb-surface) 40%, transparent) right / 32px 100% no-repeat local,
        radial-gradient(farthest-side at 0 50%, rgb(0 0 0 / 0.2), transparent) left / 10px 100% no-repeat scroll,
        radial-gradient(farthest-side at 100% 50%, rgb(0 0 0 / 0.2), transparent) right / 10px 100% no-repeat scroll;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-variant-numeric: tabular-nums;
    }
    th,
    td {
      padding: 6px 10px;
      border-bottom: 1px solid var(--pb-border);
      text-align: left;
      white-space: nowrap;
    }
    th {
      position: sticky;
      top: 0;
      background: var(--pb-surface);
      font-weight: 600;
      color: var(--pb-muted);
      z-index: 1;
    }
    th button {
      all: unset;
      cursor: pointer;
      display: inline-flex;
      gap: 4px;
      align-items: center;
    }
    th button:focus-visible {
      outline: 2px solid var(--pb-accent);
      outline-offset: 2px;
      border-radius: 3px;
    }
    .num {
      text-align: right;
    }
    th.num button {
      flex-direction: row-reverse;
    }
    tbody tr:hover {
      background: var(--pb-surface-2);
    }
    .arrow {
      opacity: 0.8;
      font-size: 10px;
    }
    .hidden-rows {
      color: var(--pb-muted);
      font-style: italic;
    }
    :host([interactive]) tbody td {
      cursor: pointer;
    }
    :host([interactive]) tbody td:focus-visible {
      outline: 2px solid var(--pb-accent);
      outline-offset: -2px;
    }
    .more {
      padding: 8px 10px;
      color: var(--pb-muted);
    }
    /* Narrow: headers and words wrap (numbers stay whole), so that the columns fit where they
       can; a table that is still wider scrolls, with the edge shadows above. */
    @container (max-width: 560px) {
      th,
      td {
        padding: 6px 7px;
      }
      th,
      td:not(.num) {
        white-space: normal;
        overflow-wrap: break-word;
      }
      th {
        vertical-align: bottom;
      }
      /* Two or three words a line, not one: a name stays readable. */
      td:not(.num) {
        min-width: 6.5em;
      }
    }
  `;

  @property({ attribute: false }) columns: TableColumn[] = [];
  @property({ attribute: false }) rows: Cell[][] = [];
  /** Cells can be clicked, or focused and Entered (drilling): they go up as `cell-activate`. */
  @property({ type: Boolean, reflect: true }) interactive = false;
  @state() private sortBy = -1;
  @state() private desc = false;
  /** The cell that takes focus from the keyboard (one tab stop; arrow keys move it). */
  @state() private focusAt: [number, number] = [0, 0];

  private activate(row: Cell[], column: number, cell: HTMLElement, e?: MouseEvent): void {
    const box = cell.getBoundingClientRect();
    const detail: CellActivate = {
      row,
      column,
      cell,
      clientX: e?.clientX ?? box.left + Math.min(box.width / 2, 40),
      clientY: e?.clientY ?? box.bottom,
    };
    this.dispatchEvent(new CustomEvent<CellActivate>('cell-activate', { detail, bubbles: true, composed: true }));
  }

  private onCellKey(e: KeyboardEvent, row: Cell[], r: number, c: number): void {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.activate(row, c, e.currentTarget as HTMLElement);
      return;
    }
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    const rows = Math.min(this.rows.length, MAX_ROWS);
    const next: [number, number] = [Math.max(0, Math.min(rows - 1, r + move[0])), Math.max(0, Math.min(this.columns.length - 1, c + move[1]))];
    this.focusAt = next;
    void this.updateComplete.then(() =>
      (this.renderRoot.querySelector(`tbody tr:nth-child(${next[0] + 1}) td:nth-child(${next[1] + 1})`) as HTMLElement | null)?.focus(),
    );
  }

  private sorted(): Cell[][] {
    if (this.sortBy < 0) return this.rows;
    const i = this.sortBy;
    const dir = this.desc ? -1 : 1;
    return [...this.rows].sort((a, b) => {
      const x = a[i] ?? null;
      const y = b[i] ?? null;
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
      return String(x).localeCompare(String(y), undefined, { numeric: true }) * dir;
    });
  }

  private sort(i: number): void {
    if (this.sortBy === i) this.desc = !this.desc;
    else {
      this.sortBy = i;
      this.desc = Boolean(this.columns[i]?.numeric);
    }
  }

  override render() {
    const rows = this.sorted();
    return html`
      <table>
        <thead>
          <tr>
            ${this.columns.map(
              (c, i) => html`<th
                class=${c.numeric ? 'num' : ''}
                aria-sort=${this.sortBy === i ? (this.desc ? 'descending' : 'ascending') : 'none'}
              >
                <button @click=${() => this.sort(i)} title="Sort by ${c.label}">
                  ${c.label}<span class="arrow">${this.sortBy === i ? (this.desc ? '▼' : '▲') : ''}</span>
                </button>
              </th>`,
            )}
          </tr>
        </thead>
        <tbody>
          ${rows.slice(0, MAX_ROWS).map(
            (row, r) => html`<tr>
              ${this.columns.map(
                (c, i) => {
                  const cell = row[i] ?? null;
                  const focus = this.interactive ? (this.focusAt[0] === r && this.focusAt[1] === i ? '0' : '-1') : undefined;
                  const on = {
                    click: (e: MouseEvent) => this.interactive && this.activate(row, i, e.currentTarget as HTMLElement, e),
                    key: (e: KeyboardEvent) => this.interactive && this.onCellKey(e, row, r, i),
                  };
                  // An empty value that stands for rows the user may not see says so.
                  return cell === null && c.empty
                    ? html`<td class="hidden-rows" title="Rows you may not see" tabindex=${ifDefined(focus)} @click=${on.click} @keydown=${on.key}>${c.empty}</td>`
                    : html`<td class=${c.numeric ? 'num' : ''} tabindex=${ifDefined(focus)} @click=${on.click} @keydown=${on.key}>${formatCell(cell, c.type, c.grain, c.format)}</td>`;
                },
              )}
            </tr>`,
          )}
        </tbody>
      </table>
      ${rows.length > MAX_ROWS
        ? html`<div class="more">Showing ${MAX_ROWS} of ${rows.length} rows. Download the CSV for all of them.</div>`
        : ''}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-table': PbTable;
  }
}
