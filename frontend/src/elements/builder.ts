// <pb-builder>: the no-code chart builder, in a dialog. Data → what to measure → how to break
// it down → filters → sort and limit → chart type, with a live preview drawn exactly as the
// tile will be. It produces a query spec, the same one the AI and saved tiles use.

export type { BuiltTile } from '../draft.js';

import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { HIDDEN_LABEL, emptyLabel } from '../chart-options.js';
import type { EditorContext } from '../context.js';
import { icons } from '../icons.js';
import {
  GRAIN_LABELS,
  chartFits,
  defaultChart,
  dimensionAlias,
  isCategory,
  isIdentifier,
  isTemporal,
  tableLabel,
  type CatalogIndex,
  type ColumnChoice,
} from '../model.js';
import { shared } from '../styles.js';
import { builderStyles } from './builder.styles.js';
import {
  type Dimension,
  type Filter,
  type Grain,
  type QueryResult,
  type Tile,
} from '../types.js';
import {
  GRAINS,
  aggFits,
  draftFromTile,
  draftSpec,
  type BuiltTile,
  type Draft,
  type SortMode,
} from '../draft.js';
import { newFilter } from './filter-row.js';
import type { QueryChange } from './query-controls.js';
import './query-controls.js';
import './filter-row.js';
import './tile.js';

@customElement('pb-builder')
export class PbBuilder extends LitElement {
  static override styles = [shared, builderStyles];

  @property({ attribute: false }) ctx!: EditorContext;
  /** The tile to edit, or null to add a new one. */
  @property({ attribute: false }) tile: Tile | null = null;
  /** `tile` is a new chart to start from (e.g. one the AI proposed), not one on the dashboard. */
  @property({ type: Boolean }) fresh = false;
  @property({ type: Boolean }) open = false;

  @state() private draft: Draft | null = null;
  @state() private previewTile: Tile | null = null;
  /** Result column name → how the preview's answer words its empty values that stand for
   * rows the user may not see (kept after they are left out, for the toggle's label). */
  @state() private hiddenGroups: Record<string, string> = {};
  private hiddenWords = new Map<string, string>();
  @query('dialog') private dialog!: HTMLDialogElement;
  private previewTimer = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('open') || changed.has('tile')) && this.open && this.ctx.index) {
      this.draft = draftFromTile(this.tile, this.ctx.index);
      this.refreshPreview(true);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('open')) {
      if (this.open && !this.dialog.open) {
        this.dialog.showModal();
        (this.renderRoot.querySelector('.table-card.on input, .table-card input') as HTMLElement | null)?.focus();
      } else if (!this.open && this.dialog.open) this.dialog.close();
    }
  }

  private get index(): CatalogIndex {
    return this.ctx.index!;
  }

  private update_(patch: Partial<Draft>): void {
    if (!this.draft) return;
    const next = { ...this.draft, ...patch };
    const spec = draftSpec(next, this.index);
    if (next.chartAuto || !chartFits(this.index, spec, next.chart)) {
      next.chart = defaultChart(this.index, spec);
      next.chartAuto = true;
    }
    const finalSpec = draftSpec(next, this.index);
    if (next.titleAuto) next.title = this.index.suggestTitle(finalSpec);
    this.draft = next;
    this.refreshPreview();
  }

  private refreshPreview(now = false): void {
    clearTimeout(this.previewTimer);
    const go = () => {
      if (!this.draft) return;
      const spec = draftSpec(this.draft, this.index);
      const ok = (spec.measures?.length ?? 0) + (spec.dimensions?.length ?? 0) > 0;
      this.previewTile = {
        id: 'preview',
        title: this.draft.title || this.index.suggestTitle(spec),
        query: ok ? spec : null,
        chart: { type: this.draft.chart },
        layout: { x: 0, y: 0, w: 6, h: 4 },
      };
    };
    if (now) go();
    else this.previewTimer = window.setTimeout(go, 250);
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('builder-close'));
  }

  private save(): void {
    if (!this.draft) return;
    const spec = draftSpec(this.draft, this.index);
    const detail: BuiltTile = {
      title: this.draft.title.trim() || this.index.suggestTitle(spec),
      query: spec,
      chart: { type: this.draft.chart },
    };
    this.dispatchEvent(new CustomEvent<BuiltTile>('builder-save', { detail }));
  }

  override render() {
    const d = this.draft;
    return html`<dialog
      aria-labelledby="builder-title"
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.close();
      }}
    >
      ${d && this.ctx.index ? this.renderBody(d) : nothing}
    </dialog>`;
  }

  private renderBody(d: Draft) {
    const choices = this.index.choices(d.table);
    const spec = draftSpec(d, this.index);
    const valid = (spec.measures?.length ?? 0) + (spec.dimensions?.length ?? 0) > 0 && d.measures.every((m) => m.agg === 'count' || m.column);
    return html`
      <div class="top">
        <h2 id="builder-title">${this.tile && !this.fresh ? 'Edit chart' : 'Add a chart'}</h2>
        <button class="icon-btn" aria-label="Close" @click=${this.close}>${icons.close}</button>
      </div>
      <div class="main">
        <form @submit=${(e: Event) => e.preventDefault()} aria-label="Chart settings">
          ${this.renderTables(d)} ${this.renderMeasures(d, choices)} ${d.chart === 'kpi' && !d.chartAuto ? this.renderCompare(d, choices) : this.renderDims(d, choices)}
          ${this.renderFilters(d, choices)} ${d.chart === 'kpi' && !d.chartAuto ? nothing : this.renderSort(d)}
        </form>
        <div class="preview" aria-label="Preview">
          ${this.renderCharts(d)}
          <label class="field"
            >Title
            <input
              class="title-input"
              type="text"
              .value=${d.title}
              placeholder=${this.index.suggestTitle(spec)}
              @input=${(e: Event) => {
                const title = (e.target as HTMLInputElement).value;
                this.draft = { ...d, title, titleAuto: !title };
                this.refreshPreview();
              }}
          /></label>
          ${this.previewTile
            ? html`<pb-tile
                preview
                .tile=${this.previewTile}
                .ctx=${this.ctx}
                @tile-result=${(e: CustomEvent<QueryResult>) => this.onPreviewResult(e.detail)}
              ></pb-tile>`
            : nothing}
        </div>
      </div>
      <div class="bottom">
        <span class="hint">${valid ? 'The preview shows what will be on the dashboard.' : 'Choose what to measure to see a preview.'}</span>
        <button class="btn" @click=${this.close}>Cancel</button>
        <button class="btn primary" ?disabled=${!valid} @click=${this.save} data-action="save-tile">
          ${this.tile && !this.fresh ? 'Save changes' : 'Add to dashboard'}
        </button>
      </div>
    `;
  }

  private renderTables(d: Draft) {
    return html`<section>
      <h3><span class="n">1</span>Data</h3>
      ${this.index.tables.length
        ? nothing
        : html`<p class="muted">No data is shared with you yet. Ask the people who run this app to give you access.</p>`}
      <div class="tables" role="radiogroup" aria-label="Data">
        ${this.index.tables.map(({ table }) => {
          const on = table.name === d.table;
          return html`<label class="table-card ${on ? 'on' : ''}">
            <input
              type="radio"
              name="table"
              .checked=${on}
              @change=${() =>
                this.update_({ table: table.name, measures: [{ agg: 'count' }], dims: [], filters: [], sort: 'auto', chartAuto: true, titleAuto: true })}
            />
            <span class="name">${tableLabel(table)}</span>
            ${table.description ? html`<span class="desc">${table.description}</span>` : nothing}
          </label>`;
        })}
      </div>
    </section>`;
  }

  private renderMeasures(d: Draft, choices: ColumnChoice[]) {
    return html`<section>
      <h3><span class="n">2</span>What to measure</h3>
      ${d.measures.map((_, i) => {
        return html`<div class="row">
          <pb-query-part
            .index=${this.index}
            .draft=${d}
            kind="measure"
            at=${i}
            label="Measure ${i + 1}"
            columnLabel="Column for measure ${i + 1}"
            @query-change=${(e: CustomEvent<QueryChange>) => this.update_(e.detail.patch)}
          ></pb-query-part>
          ${d.measures.length > 1
            ? html`<button class="icon-btn" type="button" aria-label="Remove measure ${i + 1}" @click=${() => this.update_({ measures: d.measures.filter((_, j) => j !== i) })}>${icons.close}</button>`
            : nothing}
        </div>`;
      })}
      ${d.measures.length < 2
        ? html`<button class="add" type="button" @click=${() => {
            // Not the measure already there (the same one twice is refused).
            const taken = (c: ColumnChoice) => d.measures.some((m) => m.agg === 'avg' && m.column === c.ref);
            const numeric = choices.find((c) => aggFits('avg', c) && !isIdentifier(c.column) && !taken(c)) ?? choices.find((c) => aggFits('avg', c) && !taken(c));
            this.update_({ measures: [...d.measures, numeric ? { agg: 'avg', column: numeric.ref } : { agg: 'count_distinct', column: choices[0]!.ref }] });
          }}>${icons.plus} Add a second measure</button>`
        : nothing}
    </section>`;
  }

  private renderDims(d: Draft, choices: ColumnChoice[]) {
    const groupable = choices.filter((c) => c.column.type !== 'other');
    const setDim = (i: number, ref: string) => {
      if (!ref) return this.update_({ dims: d.dims.filter((_, j) => j !== i), sort: 'auto' });
      const choice = choices.find((c) => c.ref === ref);
      const dim: Dimension = { column: ref };
      if (choice && isTemporal(choice.column)) dim.grain = d.dims[i]?.grain ?? 'month';
      const dims = [...d.dims];
      dims[i] = dim;
      this.update_({ dims });
    };
    const dimRow = (i: number, label: string) => {
      const dim = d.dims[i];
      return html`<div class="row">
        <pb-query-part
          .index=${this.index}
          .draft=${d}
          kind="dim"
          at=${i}
          label=${label}
          @query-change=${(e: CustomEvent<QueryChange>) => this.update_(e.detail.patch)}
        ></pb-query-part>
      </div>${dim ? this.renderHiddenToggle(d, dim) : nothing}`;
    };
    return html`<section>
      <h3><span class="n">3</span>Break down by</h3>
      ${dimRow(0, 'Break down by')}
      ${d.dims.length >= 1 ? (d.dims.length >= 2 ? html`<span class="muted" style="font-size:12.5px">and split by</span>${dimRow(1, 'Split by')}` : html`<button class="add" type="button" @click=${() => {
        const next = groupable.find((c) => !d.dims.some((x) => x.column === c.ref) && isCategory(c.column));
        if (next) setDim(1, next.ref);
      }}>${icons.plus} Split by another column</button>`) : nothing}
    </section>`;
  }

  private onPreviewResult(result: QueryResult): void {
    const groups: Record<string, string> = {};
    for (const column of result.columns) {
      const words = emptyLabel(column);
      if (!words) continue;
      groups[column.name] = words;
      this.hiddenWords.set(column.name, words);
    }
    this.hiddenGroups = groups;
  }

  /** "Leave out “Not visible to you”" under a dimension whose preview has a group of rows the
   * user may not see (a related table's rows hidden by access rules), or whose filter that
   * leaves it out is on. It is the plain `is_not_null` filter, also listed under Filters. */
  private renderHiddenToggle(d: Draft, dim: Dimension) {
    const alias = dimensionAlias(dim);
    const on = d.filters.some((f) => f.column === dim.column && f.op === 'is_not_null');
    if (!on && !this.hiddenGroups[alias]) return nothing;
    const words = this.hiddenGroups[alias] ?? this.hiddenWords.get(alias) ?? HIDDEN_LABEL;
    return html`<label class="row hidden-toggle" style="gap:8px;font-size:13px" title="Rows you may not see have no value here">
      <input
        type="checkbox"
        .checked=${on}
        @change=${(e: Event) => {
          const rest = d.filters.filter((f) => !(f.column === dim.column && f.op === 'is_not_null'));
          const filter: Filter = { column: dim.column, op: 'is_not_null' };
          this.update_({ filters: (e.target as HTMLInputElement).checked ? [...rest, filter] : rest });
        }}
      />
      <span>Leave out “${words}”</span>
    </label>`;
  }

  private renderCompare(d: Draft, choices: ColumnChoice[]) {
    const dates = choices.filter((c) => isTemporal(c.column) && !c.group);
    if (!dates.length) return nothing;
    const dim = d.dims[0];
    return html`<section>
      <h3><span class="n">3</span>Compare</h3>
      <label class="row" style="gap:8px">
        <input
          type="checkbox"
          .checked=${Boolean(dim)}
          @change=${(e: Event) =>
            this.update_({ dims: (e.target as HTMLInputElement).checked ? [{ column: dates[0]!.ref, grain: 'year' }] : [] })}
        />
        <span>Show the latest period and its change against the one before</span>
      </label>
      ${dim
        ? html`<div class="two">
            <select aria-label="Date column" @change=${(e: Event) => this.update_({ dims: [{ column: (e.target as HTMLSelectElement).value, grain: dim.grain ?? 'year' }] })}>
              ${dates.map((c) => html`<option value=${c.ref} ?selected=${c.ref === dim.column}>${c.label}</option>`)}
            </select>
            <select aria-label="Period" @change=${(e: Event) => this.update_({ dims: [{ column: dim.column, grain: (e.target as HTMLSelectElement).value as Grain }] })}>
              ${GRAINS.map((g) => html`<option value=${g} ?selected=${g === dim.grain}>${GRAIN_LABELS[g]}</option>`)}
            </select>
          </div>`
        : nothing}
    </section>`;
  }

  private renderFilters(d: Draft, choices: ColumnChoice[]) {
    const filterable = choices.filter((c) => c.column.type !== 'other');
    return html`<section>
      <h3><span class="n">4</span>Filters</h3>
      ${d.filters.map(
        (f, i) => html`<pb-filter-row
          .ctx=${this.ctx}
          .table=${d.table}
          .choices=${filterable}
          .filter=${f}
          @filter-change=${(e: CustomEvent<Filter>) => this.update_({ filters: d.filters.map((x, j) => (j === i ? e.detail : x)) })}
          @filter-remove=${() => this.update_({ filters: d.filters.filter((_, j) => j !== i) })}
        ></pb-filter-row>`,
      )}
      <button
        class="add"
        type="button"
        @click=${() => {
          const first = filterable.find((c) => isCategory(c.column) && !c.group) ?? filterable[0];
          if (first) this.update_({ filters: [...d.filters, newFilter(first)] });
        }}
      >
        ${icons.plus} Add a filter
      </button>
    </section>`;
  }

  private renderSort(d: Draft) {
    const hasDim = d.dims.length > 0;
    return html`<section>
      <h3><span class="n">5</span>Sort and limit</h3>
      <div class="two">
        <label class="field"
          >Sort
          <select @change=${(e: Event) => this.update_({ sort: (e.target as HTMLSelectElement).value as SortMode })}>
            <option value="auto" ?selected=${d.sort === 'auto'}>Automatic</option>
            <option value="value_desc" ?selected=${d.sort === 'value_desc'}>Largest first</option>
            <option value="value_asc" ?selected=${d.sort === 'value_asc'}>Smallest first</option>
            ${hasDim
              ? html`<option value="label_asc" ?selected=${d.sort === 'label_asc'}>A → Z / oldest first</option>
                  <option value="label_desc" ?selected=${d.sort === 'label_desc'}>Z → A / newest first</option>`
              : nothing}
          </select></label
        >
        <label class="field"
          >Show at most
          <input
            type="number"
            min="1"
            max="100000"
            placeholder="All rows"
            .value=${d.limit ? String(d.limit) : ''}
            @change=${(e: Event) => {
              const n = Number((e.target as HTMLInputElement).value);
              this.update_({ limit: Number.isFinite(n) && n >= 1 ? Math.min(100000, Math.floor(n)) : null });
            }}
        /></label>
      </div>
    </section>`;
  }

  private renderCharts(d: Draft) {
    return html`<section>
      <h3>Chart type</h3>
      <pb-query-part
        .index=${this.index}
        .draft=${d}
        kind="chart"
        recommend
        @query-change=${(e: CustomEvent<QueryChange>) => this.update_(e.detail.patch)}
      ></pb-query-part>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-builder': PbBuilder;
  }
}
