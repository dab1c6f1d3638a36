// <pb-query-part>: one control of a draft query — a measure, a breakdown or the chart type —
// shared by the builder's form and the chat's chip editor, so both change a query by the same
// rules (which columns a measure allows, a date's grouping, how a chart type adjusts the query).
//
// It renders into the light DOM (`display: contents`): its selects and buttons lay out and are
// styled as the host's own, inside the host's row or section.
//
// Event: query-change {kind, patch}: the change to the draft (`Partial<Draft>`), not applied.

import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { AGGS, GRAINS, adjustFor, aggFits, draftSpec, figureColumn, whyNot, type Draft } from '../draft.js';
import { iconForChart } from '../icons.js';
import {
  AGG_LABELS,
  CHART_LABELS,
  GRAIN_LABELS,
  breakdownGroups,
  defaultChart,
  isTemporal,
  tableInSentence,
  type CatalogIndex,
  type ColumnChoice,
} from '../model.js';
import { CHART_TYPES, type Agg, type Dimension, type Grain, type Measure } from '../types.js';

export type QueryControl = 'measure' | 'dim' | 'chart';

export interface QueryChange {
  kind: QueryControl;
  patch: Partial<Draft>;
}

@customElement('pb-query-part')
export class PbQueryPart extends LitElement {
  @property({ attribute: false }) index!: CatalogIndex;
  @property({ attribute: false }) draft!: Draft;
  @property() kind: QueryControl = 'measure';
  /** Which measure or breakdown (0 or 1). */
  @property({ type: Number }) at = 0;
  /** The main select's accessible name ("Measure 1", "Break down by"); for a measure,
   * `columnLabel` names its column select. */
  @property() label = '';
  @property() columnLabel = '';
  /** Chart types: mark the one the rules recommend ("Best"). */
  @property({ type: Boolean }) recommend = false;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.style.display = 'contents';
  }

  private change(patch: Partial<Draft>): void {
    const detail: QueryChange = { kind: this.kind, patch };
    this.dispatchEvent(new CustomEvent<QueryChange>('query-change', { detail }));
  }

  override render() {
    if (!this.index || !this.draft) return nothing;
    if (this.kind === 'chart') return this.renderCharts();
    const choices = this.index.choices(this.draft.table);
    return this.kind === 'measure' ? this.renderMeasure(choices) : this.renderDim(choices);
  }

  private renderMeasure(choices: ColumnChoice[]) {
    const d = this.draft;
    const i = this.at;
    const m: Measure = d.measures[i] ?? { agg: 'count' };
    const set = (next: Measure) => {
      const measures = d.measures.length ? d.measures.map((x, j) => (j === i ? next : x)) : [next];
      this.change({ measures });
    };
    const table = tableInSentence(this.index.table(d.table), d.table);
    return html`<select
        aria-label=${this.label}
        @change=${(e: Event) => {
          const agg = (e.target as HTMLSelectElement).value as Agg;
          if (agg === 'count') return set({ agg });
          const keep = m.column && choices.find((c) => c.ref === m.column && aggFits(agg, c));
          const column = keep ? m.column : figureColumn(agg, choices)?.ref;
          set(column ? { agg, column } : { agg });
        }}
      >
        ${AGGS.map((agg) => html`<option value=${agg} ?selected=${agg === m.agg}>${agg === 'count' ? `Count of ${table}` : `${AGG_LABELS[agg]} of…`}</option>`)}
      </select>
      ${m.agg === 'count'
        ? nothing
        : html`<select aria-label=${this.columnLabel} @change=${(e: Event) => set({ agg: m.agg, column: (e.target as HTMLSelectElement).value })}>
            ${m.column ? nothing : html`<option value="" selected disabled>Choose a column</option>`}
            ${choices.filter((c) => aggFits(m.agg, c)).map((c) => html`<option value=${c.ref} ?selected=${c.ref === m.column}>${c.label}</option>`)}
          </select>`}`;
  }

  private renderDim(choices: ColumnChoice[]) {
    const d = this.draft;
    const i = this.at;
    const dim = d.dims[i];
    const groupable = choices.filter((c) => c.column.type !== 'other');
    const choice = dim ? choices.find((c) => c.ref === dim.column) : undefined;
    const set = (ref: string) => {
      if (!ref) return this.change({ dims: d.dims.filter((_, j) => j !== i), sort: 'auto' });
      const picked = choices.find((c) => c.ref === ref);
      const next: Dimension = { column: ref };
      if (picked && isTemporal(picked.column)) next.grain = dim?.grain ?? 'month';
      const dims = [...d.dims];
      dims[i] = next;
      this.change({ dims });
    };
    // The table's own columns (dates, then categories, then other words), then each related
    // table's, each under its table's name; ids and amounts last, apart, for whoever really
    // wants them. One form of label everywhere: the catalog's friendly name of the column.
    const taken = d.dims.filter((_, j) => j !== i).map((x) => x.column);
    const groups = breakdownGroups(this.index, d.table, groupable);
    return html`<select aria-label=${this.label} @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}>
        <option value="" ?selected=${!dim}>${i === 0 ? 'Nothing: one total' : 'No split'}</option>
        ${groups.map(
          (g) => html`<optgroup label=${g.label} ?data-more=${g.more}>${g.options.map(
            (o) => html`<option value=${o.ref} ?selected=${o.ref === dim?.column} ?disabled=${taken.includes(o.ref)}>${o.label}</option>`,
          )}</optgroup>`,
        )}
      </select>
      ${dim && choice && isTemporal(choice.column)
        ? html`<select
            aria-label="Date grouping for ${choice.label}"
            @change=${(e: Event) => {
              const dims = [...d.dims];
              dims[i] = { column: dim.column, grain: (e.target as HTMLSelectElement).value as Grain };
              this.change({ dims });
            }}
          >
            ${GRAINS.map((g) => html`<option value=${g} ?selected=${g === dim.grain}>${GRAIN_LABELS[g]}</option>`)}
          </select>`
        : nothing}`;
  }

  private renderCharts() {
    const d = this.draft;
    const recommended = this.recommend ? defaultChart(this.index, draftSpec(d, this.index)) : null;
    return html`<div class="charts" role="radiogroup" aria-label="Chart type">
      ${CHART_TYPES.map((type) => {
        const patch = adjustFor(this.index, d, type);
        return html`<button
          type="button"
          class="chart-opt"
          role="radio"
          data-chart=${type}
          aria-checked=${d.chart === type ? 'true' : 'false'}
          ?disabled=${!patch}
          title=${patch ? CHART_LABELS[type] : whyNot(type)}
          @click=${() => {
            if (patch) this.change({ ...patch, chart: type, chartAuto: false });
          }}
        >
          ${type === recommended ? html`<span class="rec">Best</span>` : nothing} ${iconForChart(type)}<span>${CHART_LABELS[type]}</span>
        </button>`;
      })}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-query-part': PbQueryPart;
  }
}
