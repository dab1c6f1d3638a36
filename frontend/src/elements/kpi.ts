// <pb-kpi>: one big number, with its change against the previous period when there is one.

import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatMeasure, formatPercent } from '../format.js';
import type { NumberFormat } from '../types.js';

@customElement('pb-kpi')
export class PbKpi extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      place-content: center;
      text-align: center;
      height: 100%;
      gap: 6px;
      container-type: size;
      padding: 8px;
    }
    .value {
      font-size: clamp(28px, 22cqmin, 64px);
      font-weight: 700;
      letter-spacing: -0.02em;
      line-height: 1.05;
      font-variant-numeric: tabular-nums;
    }
    .value.text {
      /* A date or a name: longer than a number, it wraps rather than overflows. */
      font-size: clamp(20px, 14cqmin, 44px);
      overflow-wrap: anywhere;
    }
    .label {
      color: var(--pb-muted);
      font-size: 13px;
    }
    .change {
      display: inline-flex;
      gap: 6px;
      align-items: center;
      justify-content: center;
      font-size: 13px;
      color: var(--pb-muted);
      flex-wrap: wrap;
    }
    .delta {
      font-weight: 600;
      padding: 1px 8px;
      border-radius: 999px;
      background: var(--pb-surface-2);
    }
    .up {
      color: var(--pb-success);
    }
    .down {
      color: var(--pb-danger);
    }
  `;

  @property({ type: Number }) value = NaN;
  /** A value that is not a number (a date, a name), already formatted; shown instead of `value`. */
  @property() text = '';
  @property() label = '';
  @property() period = '';
  @property({ attribute: false }) change: { ratio: number; previous: string; previousValue: number } | undefined;
  /** The measure's number format (spec v2). */
  @property({ attribute: false }) format: NumberFormat | undefined;

  override render() {
    const c = this.change;
    const direction = c ? (c.ratio > 0 ? 'up' : c.ratio < 0 ? 'down' : '') : '';
    return html`
      ${this.text
        ? html`<div class="value text" data-kpi-value title=${this.text}>${this.text}</div>`
        : html`<div class="value" data-kpi-value title=${formatMeasure(this.value, this.format)}>${formatMeasure(this.value, this.format, 'kpi')}</div>`}
      <div class="label">${this.label}${this.period ? html` · ${this.period}` : nothing}</div>
      ${c
        ? html`<div class="change">
            <span class="delta ${direction}" aria-label="Change">${c.ratio > 0 ? '▲' : c.ratio < 0 ? '▼' : ''} ${formatPercent(c.ratio)}</span>
            <span title=${formatMeasure(c.previousValue, this.format)}>vs ${c.previous} (${formatMeasure(c.previousValue, this.format, 'kpi')})</span>
          </div>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-kpi': PbKpi;
  }
}
