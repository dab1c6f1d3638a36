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
  CatalogIndex,
  GRAIN_LABELS,
  chartFits,
  defaultChart,
  dimensionAlias,
  humanize,
  isCategory,
  isIdentifier,
  isNumeric,
  isTemporal,
  measureAlias,
  tableLabel,
  type ColumnChoice,
} from '../model.js';
import { ApiError } from '../api.js';
import { shared } from '../styles.js';
import { builderStyles } from './builder.styles.js';
import {
  type ColumnType,
  type CustomColumn,
  type Dimension,
  type Filter,
  type Grain,
  type CatalogTable,
  type Having,
  type HavingOp,
  type Measure,
  type NumberFormat,
  type PeriodUnit,
  type QueryResult,
  type RelativeFilter,
  type RelativeOp,
  type Tile,
} from '../types.js';
import {
  GRAINS,
  PAGE_SIZE,
  selectedColumn,
  draftFromTile,
  figureColumn,
  draftSpec,
  type BuiltTile,
  type Draft,
  type SortMode,
} from '../draft.js';
import { groupText } from '../filter-groups.js';
import { filterText } from '../tile-filters.js';
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
  /** Where the server said an expression is wrong: `measures[1].expr` → its message. */
  @state() private exprErrors: Record<string, string> = {};
  /** The expression box being typed in, for its completions. */
  @state() private typing: { key: string; word: string } | null = null;
  @query('dialog') private dialog!: HTMLDialogElement;
  private previewTimer = 0;
  /** Rows in the last preview drawn (sizes a new tile of many bars). */
  private previewRows: number | undefined;

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
    // The draft's own source: another may have a table of the same name.
    const base = this.ctx.index!.forSource(this.draft?.source);
    const custom = this.draft?.columns?.filter((c) => c.name && c.expr) ?? [];
    if (!custom.length || !this.draft) return base;
    // Calculated columns read as columns of the table, so every control offers them.
    const key = JSON.stringify([this.draft.table, custom]);
    if (this.customKey !== key || this.customBase !== base) {
      const table = this.draft.table.toLowerCase();
      const catalog = {
        sources: base.catalog.sources.map((source) => ({
          ...source,
          tables: source.tables.map((t) =>
            t.name.toLowerCase() === table
              ? { ...t, columns: [...t.columns, ...custom.map((c) => ({ name: c.name, type: this.customTypes.get(c.name) ?? guessType(c.expr), display_name: humanize(c.name) }))] }
              : t,
          ),
        })),
      };
      this.customIndex = new CatalogIndex(catalog);
      this.customKey = key;
      this.customBase = base;
    }
    return this.customIndex!;
  }

  private customIndex: CatalogIndex | null = null;
  private customKey = '';
  private customBase: CatalogIndex | null = null;
  /** What a calculated column holds, as chosen ("Number", "Text", "Date"). */
  private customTypes = new Map<string, ColumnType>();

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
      const ok = draftReady(this.draft);
      this.previewTile = {
        id: 'preview',
        title: this.draft.title || this.index.suggestTitle(spec),
        query: ok ? spec : null,
        chart: { type: this.draft.chart },
        layout: { x: 0, y: 0, w: 6, h: 4 },
        ...(this.draft.source ? { source: this.draft.source } : {}),
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
      ...(this.draft.source ? { source: this.draft.source } : {}),
      ...(this.previewRows !== undefined ? { rows: this.previewRows } : {}),
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

  /** The next section's number: sections come and go with the mode and the chart (a list of
   * records has no measures, a KPI no sort), so they are numbered as they are drawn. */
  private stepNo = 0;

  private step() {
    return html`<span class="n">${++this.stepNo}</span>`;
  }

  private renderBody(d: Draft) {
    this.stepNo = 0;
    const choices = this.index.choices(d.table);
    const spec = draftSpec(d, this.index);
    const valid = draftReady(d);
    const records = d.mode === 'records';
    const kpi = d.chart === 'kpi' && !d.chartAuto;
    return html`
      <div class="top">
        <h2 id="builder-title">${this.tile && !this.fresh ? 'Edit chart' : 'Add a chart'}</h2>
        <button class="icon-btn" aria-label="Close" @click=${this.close}>${icons.close}</button>
      </div>
      <div class="main">
        <form @submit=${(e: Event) => e.preventDefault()} aria-label="Chart settings">
          ${this.renderTables(d)} ${this.renderMode(d)}
          ${records
            ? this.renderRecords(d, choices)
            : html`${this.renderMeasures(d, choices)} ${kpi && !d.compare ? this.renderCompare(d, choices) : this.renderDims(d, choices)}`}
          ${this.renderFilters(d, choices)} ${records ? nothing : this.renderMore(d)}
          ${kpi ? nothing : this.renderSort(d)} ${this.renderColumns(d)}
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
                @tile-error=${(e: CustomEvent<unknown>) => this.onPreviewError(e.detail)}
              ></pb-tile>`
            : nothing}
        </div>
      </div>
      <div class="bottom">
        <span class="hint">${valid ? 'The preview shows what will be on the dashboard.' : records ? 'Choose the columns to list to see a preview.' : 'Choose what to measure to see a preview.'}</span>
        <button class="btn" @click=${this.close}>Cancel</button>
        <button class="btn primary" ?disabled=${!valid} @click=${this.save} data-action="save-tile">
          ${this.tile && !this.fresh ? 'Save changes' : 'Add to dashboard'}
        </button>
      </div>
    `;
  }

  private renderTables(d: Draft) {
    const sources = this.ctx.index!.catalog.sources.filter((s) => s.tables.length);
    const card = (source: string, table: CatalogTable) => {
      const on = table.name === d.table && (!d.source || source === d.source);
      return html`<label class="table-card ${on ? 'on' : ''}">
        <input
          type="radio"
          name="table"
          .checked=${on}
          @change=${() =>
            this.update_({ source: sources.length > 1 ? source : undefined, table: table.name, measures: [{ agg: 'count' }], dims: [], filters: [], sort: 'auto', chartAuto: true, titleAuto: true, select: [], columns: [], dates: [], having: [], limitPer: null, compare: null })}
        />
        <span class="name">${tableLabel(table)}</span>
        ${table.description ? html`<span class="desc">${table.description}</span>` : nothing}
      </label>`;
    };
    return html`<section>
      <h3>${this.step()}Data</h3>
      ${this.index.tables.length
        ? nothing
        : html`<p class="muted">No data is shared with you yet. Ask the people who run this app to give you access.</p>`}
      <div class="tables" role="radiogroup" aria-label="Data">
        ${sources.length > 1
          ? // Several databases: each one's tables under its name (two may both have "Sales").
            sources.map(
              (source) => html`<div class="source-group" role="group" aria-label=${source.name}>
                <p class="source-name">${source.name}</p>
                ${source.tables.map((table) => card(source.id, table))}
              </div>`,
            )
          : this.ctx.index!.tables.map(({ source, table }) => card(source, table))}
      </div>
    </section>`;
  }

  private renderMeasures(d: Draft, choices: ColumnChoice[]) {
    return html`<section>
      <h3>${this.step()}What to measure</h3>
      ${d.measures.map((m, i) => {
        if (m.expr !== undefined) return this.renderCalculation(d, i, m);
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
        </div>${this.renderMeasureExtras(d, i, m)}`;
      })}
      ${d.measures.length < 2
        ? html`<button class="add" type="button" @click=${() => {
            // Another column than the measures already there; never the same one twice (refused).
            const used = (c: ColumnChoice) => d.measures.some((m) => m.column === c.ref);
            const taken = (c: ColumnChoice) => d.measures.some((m) => m.agg === 'avg' && m.column === c.ref);
            const numeric = figureColumn('avg', choices, used) ?? figureColumn('avg', choices, taken);
            this.update_({ measures: [...d.measures, numeric ? { agg: 'avg', column: numeric.ref } : { agg: 'count_distinct', column: choices[0]!.ref }] });
          }}>${icons.plus} Add a second measure</button>`
        : nothing}
      ${d.measures.length < 3
        ? html`<button class="add" type="button" data-action="add-calculation" @click=${() => {
            const taken = new Set(d.measures.map((x) => x.name));
            let n = 1;
            while (taken.has(`calculation_${n}`)) n += 1;
            this.update_({ measures: [...d.measures, { agg: 'count', expr: '', name: `calculation_${n}` }] });
          }}>${icons.plus} Add a calculation</button>`
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
      </div>${dim ? this.renderBins(d, i, dim) : nothing}${dim ? this.renderHiddenToggle(d, dim) : nothing}`;
    };
    return html`<section>
      <h3>${this.step()}Break down by</h3>
      ${dimRow(0, 'Break down by')}
      ${d.dims.length >= 1 ? (d.dims.length >= 2 ? html`<span class="muted" style="font-size:12.5px">and split by</span>${dimRow(1, 'Split by')}` : html`<button class="add" type="button" @click=${() => {
        const next = groupable.find((c) => !d.dims.some((x) => x.column === c.ref) && isCategory(c.column));
        if (next) setDim(1, next.ref);
      }}>${icons.plus} Split by another column</button>`) : nothing}
    </section>`;
  }

  private onPreviewResult(result: QueryResult): void {
    this.exprErrors = {};
    this.previewRows = result.rows.length;
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
      <h3>${this.step()}Compare</h3>
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

  /** The tile's filter groups ("any of", "has no ..."), made in the chat or by the API: the
   * builder has no controls for them, so it says them in words, read-only, and keeps them. */
  private renderGroups(d: Draft) {
    const groups = d.groups ?? [];
    if (!groups.length) return nothing;
    const label = (c: string) =>
      this.index.choice(d.table, c)?.label ?? this.index.choice(c.split('.')[0] ?? '', c.split('.').slice(1).join('.'))?.label ?? c;
    const table = (t: string) => tableLabel(this.index.table(t), t);
    return html`${groups.map(
      (g, i) => html`<div class="filter-group" data-filter-group>
        <span class="text" title="Made in the chat: shown here and kept as it is">${groupText(g, (f) => filterText(f, label), table)}</span>
        <button type="button" class="icon" aria-label="Remove this filter" @click=${() => this.update_({ groups: groups.filter((_, j) => j !== i) })}>${icons.close}</button>
      </div>`,
    )}`;
  }

  private renderFilters(d: Draft, choices: ColumnChoice[]) {
    const filterable = choices.filter((c) => c.column.type !== 'other');
    return html`<section>
      <h3>${this.step()}Filters</h3>
      ${d.filters.map(
        (f, i) => html`<pb-filter-row
          .ctx=${this.ctx}
          .table=${d.table}
          .source=${d.source}
          .choices=${filterable}
          .filter=${f}
          @filter-change=${(e: CustomEvent<Filter>) => this.update_({ filters: d.filters.map((x, j) => (j === i ? e.detail : x)) })}
          @filter-remove=${() => this.update_({ filters: d.filters.filter((_, j) => j !== i) })}
        ></pb-filter-row>`,
      )}
      ${this.renderGroups(d)}
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
      ${this.renderDates(d)}
    </section>`;
  }

  private renderSort(d: Draft) {
    if (d.mode === 'records') return this.renderRecordsSort(d);
    const hasDim = d.dims.length > 0;
    return html`<section>
      <h3>${this.step()}Sort and limit</h3>
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
      ${d.dims.length >= 2 && d.limit
        ? html`<label class="field"
            >Count the limit
            <select aria-label="Count the limit" @change=${(e: Event) => this.update_({ limitPer: (e.target as HTMLSelectElement).value || null })}>
              <option value="" ?selected=${!d.limitPer}>Over all rows</option>
              ${d.dims.slice(0, 1).map(
                (dim) => html`<option value=${dim.column} ?selected=${d.limitPer === dim.column}>In each ${this.index.dimensionInSentence(d.table, dim)}</option>`,
              )}
            </select></label
          >`
        : nothing}
    </section>`;
  }

  /** A list of records: the chosen column it is sorted by and which way; a page at a time or
   * only the first N rows (a top N, as the AI lists "the 10 newest hires": no pager). */
  private renderRecordsSort(d: Draft) {
    const chosen = d.select ?? [];
    const by = selectedColumn(chosen, d.sortBy) ?? chosen[0];
    const desc = d.sort === 'label_desc' || d.sort === 'value_desc';
    const topN = d.paged === false && Boolean(d.limit);
    const count = (e: Event): number | null => {
      const n = Number((e.target as HTMLInputElement).value);
      return Number.isFinite(n) && n >= 1 ? Math.min(100000, Math.floor(n)) : null;
    };
    return html`<section>
      <h3>${this.step()}Sort and rows</h3>
      <div class="two">
        <label class="field"
          >Sort by
          <select aria-label="Sort by" ?disabled=${!chosen.length} @change=${(e: Event) => this.update_({ sortBy: (e.target as HTMLSelectElement).value })}>
            ${chosen.map((ref) => html`<option value=${ref} ?selected=${ref === by}>${this.index.choice(d.table, ref)?.label ?? ref}</option>`)}
          </select></label
        >
        <label class="field"
          >Order
          <select aria-label="Order" @change=${(e: Event) => this.update_({ sort: (e.target as HTMLSelectElement).value as SortMode })}>
            <option value="label_asc" ?selected=${!desc}>A → Z / oldest first</option>
            <option value="label_desc" ?selected=${desc}>Z → A / newest first</option>
          </select></label
        >
      </div>
      <div class="two">
        <label class="field"
          >Show
          <select
            aria-label="Show"
            @change=${(e: Event) => {
              const top = (e.target as HTMLSelectElement).value === 'top';
              this.update_(top ? { paged: false, limit: d.limit ?? 10 } : { paged: true });
            }}
          >
            <option value="pages" ?selected=${!topN}>Page by page</option>
            <option value="top" ?selected=${topN}>The top N only</option>
          </select></label
        >
        <label class="field"
          >${topN ? 'How many rows' : 'Rows per page'}
          <input
            type="number"
            min="1"
            max="100000"
            placeholder=${String(PAGE_SIZE)}
            .value=${d.limit ? String(d.limit) : ''}
            @change=${(e: Event) => this.update_({ limit: count(e) })}
        /></label>
      </div>
    </section>`;
  }

  private onPreviewError(err: unknown): void {
    // A 422 names the part at fault: show its message under that expression.
    const errors = err instanceof ApiError ? (err.body.errors as Array<{ field?: string; message?: string }> | undefined) : undefined;
    const out: Record<string, string> = {};
    for (const e of errors ?? []) if (e.field && e.message && /\.expr$/.test(e.field)) out[e.field] = e.message;
    this.exprErrors = out;
  }

  /** Summarize (numbers by groups) or list the records themselves. */
  private renderMode(d: Draft) {
    const records = d.mode === 'records';
    const set = (mode: 'summary' | 'records') => {
      if (mode === (d.mode ?? 'summary')) return;
      if (mode === 'records') {
        const own = this.index.choices(d.table).filter((c) => !c.group && !isIdentifier(c.column) && c.column.type !== 'other');
        this.update_({ mode, select: d.select?.length ? d.select : own.slice(0, 4).map((c) => c.ref), sort: 'auto', sortBy: null, paged: true, limit: null, chartAuto: true, titleAuto: true });
      } else this.update_({ mode, sort: 'auto', limit: null, chartAuto: true, titleAuto: true });
    };
    return html`<div class="mode" role="radiogroup" aria-label="What to show">
      <label class="mode-opt ${records ? '' : 'on'}"
        ><input type="radio" name="mode" .checked=${!records} @change=${() => set('summary')} /><b>Numbers</b><span>Counts, totals, averages by group</span></label
      >
      <label class="mode-opt ${records ? 'on' : ''}"
        ><input type="radio" name="mode" .checked=${records} @change=${() => set('records')} /><b>A list of records</b><span>The rows themselves, paged or the top N</span></label
      >
    </div>`;
  }

  private renderRecords(d: Draft, choices: ColumnChoice[]) {
    const listable = choices.filter((c) => c.column.type !== 'other');
    const chosen = d.select ?? [];
    const toggle = (ref: string, on: boolean) =>
      this.update_({ select: on ? [...chosen, ref] : chosen.filter((r) => r !== ref) });
    return html`<section>
      <h3>${this.step()}Columns to list</h3>
      <div class="checks" role="group" aria-label="Columns to list">
        ${listable.map(
          (c) => html`<label class="check ${chosen.includes(c.ref) ? 'on' : ''}"
            ><input type="checkbox" .checked=${chosen.includes(c.ref)} @change=${(e: Event) => toggle(c.ref, (e.target as HTMLInputElement).checked)} />${c.label}</label
          >`,
        )}
      </div>
    </section>`;
  }

  /** Under a measure: show it as a value, a share of the total or a running total; its number format. */
  private renderMeasureExtras(d: Draft, i: number, m: Measure) {
    const shareable = m.agg === 'count' || m.agg === 'count_distinct' || m.agg === 'sum';
    const runnable = m.agg === 'count' || m.agg === 'sum';
    const set = (patch: Partial<Measure>) => {
      const next: Measure = { ...m, ...patch };
      for (const key of Object.keys(patch) as Array<keyof Measure>) if (patch[key] === undefined || patch[key] === false) delete next[key];
      this.update_({ measures: d.measures.map((x, j) => (j === i ? next : x)) });
    };
    // A share within each group of the first breakdown needs a second one to split the groups:
    // each bar then adds up to 100%.
    const first = d.dims.length >= 2 ? d.dims[0] : undefined;
    const showAs = m.share ? (typeof m.share === 'object' && first ? 'within' : 'share') : m.cumulative ? 'running' : 'value';
    return html`<div class="extras">
      <label class="mini"
        >Show as
        <select
          class="show-as"
          aria-label="Show measure ${i + 1} as"
          @change=${(e: Event) => {
            const v = (e.target as HTMLSelectElement).value;
            set({
              share: v === 'within' && first ? { within: first.column } : v === 'share' || undefined,
              cumulative: v === 'running' || undefined,
              format: v === 'share' || v === 'within' ? { type: 'percent', decimals: 1 } : m.format?.type === 'percent' ? undefined : m.format,
            });
          }}
        >
          <option value="value" ?selected=${showAs === 'value'}>The value</option>
          <option value="share" ?selected=${showAs === 'share'} ?disabled=${!shareable}>% of the total</option>
          ${first
            ? html`<option value="within" ?selected=${showAs === 'within'} ?disabled=${!shareable}>% within each ${this.index.dimensionInSentence(d.table, first)}</option>`
            : nothing}
          <option value="running" ?selected=${showAs === 'running'} ?disabled=${!runnable}>Running total</option>
        </select></label
      >
      ${this.renderFormat(m.format, (format) => set({ format }), `measure ${i + 1}`)}
    </div>`;
  }

  private renderFormat(format: NumberFormat | undefined, set: (f: NumberFormat | undefined) => void, what: string) {
    const kind = format ? (format.type === 'currency' ? `currency:${format.currency ?? 'EUR'}` : format.type) : 'auto';
    const currencies = ['EUR', 'USD', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'INR', 'CNY', 'BRL'];
    if (format?.currency && !currencies.includes(format.currency)) currencies.push(format.currency);
    return html`<label class="mini"
        >Numbers as
        <select
          aria-label="Number format for ${what}"
          @change=${(e: Event) => {
            const v = (e.target as HTMLSelectElement).value;
            if (v === 'auto') return set(undefined);
            const decimals = format?.decimals;
            const base: NumberFormat = v.startsWith('currency:') ? { type: 'currency', currency: v.slice(9) } : { type: v as NumberFormat['type'] };
            set(decimals == null ? base : { ...base, decimals });
          }}
        >
          <option value="auto" ?selected=${kind === 'auto'}>Automatic</option>
          <option value="number" ?selected=${kind === 'number'}>1,234.5</option>
          <option value="compact" ?selected=${kind === 'compact'}>Short (12K, 3.4M)</option>
          <option value="percent" ?selected=${kind === 'percent'}>Percent (42%)</option>
          ${currencies.map((c) => html`<option value="currency:${c}" ?selected=${kind === `currency:${c}`}>Money (${c})</option>`)}
        </select></label
      >
      <label class="mini"
        >Decimals
        <select
          aria-label="Decimals for ${what}"
          ?disabled=${!format}
          @change=${(e: Event) => {
            const v = (e.target as HTMLSelectElement).value;
            if (!format) return;
            const next: NumberFormat = { ...format };
            if (v === '') delete next.decimals;
            else next.decimals = Number(v);
            set(next);
          }}
        >
          <option value="" ?selected=${format?.decimals == null}>Auto</option>
          ${[0, 1, 2, 3].map((n) => html`<option value=${n} ?selected=${format?.decimals === n}>${n}</option>`)}
        </select></label
      >`;
  }

  /** A measure written as a formula, with completion of names and the server's error in place. */
  private renderCalculation(d: Draft, i: number, m: Measure) {
    const key = `measures[${i}].expr`;
    const set = (patch: Partial<Measure>) => this.update_({ measures: d.measures.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
    return html`<div class="calc" data-calc=${i}>
      <div class="row">
        <label class="field grow"
          >Name
          <input
            type="text"
            aria-label="Name of calculation ${i + 1}"
            .value=${m.name ?? ''}
            @change=${(e: Event) => set({ name: safeName((e.target as HTMLInputElement).value) })}
        /></label>
        <button class="icon-btn" type="button" aria-label="Remove calculation ${i + 1}" @click=${() => this.update_({ measures: d.measures.filter((_, j) => j !== i) })}>${icons.close}</button>
      </div>
      ${this.renderFormula(key, m.expr ?? '', 'count_if(remote) * 100 / count()', (expr) => set({ expr }), true)}
      <div class="extras">${this.renderFormat(m.format, (format) => set({ format }), `calculation ${i + 1}`)}</div>
    </div>`;
  }

  /** A formula box: suggestions for the word being typed (columns, then functions). */
  private renderFormula(key: string, value: string, example: string, set: (expr: string) => void, aggregates: boolean) {
    const error = this.exprErrors[key];
    const typing = this.typing?.key === key ? this.typing.word : '';
    const columns = this.index.choices(this.draft!.table).filter((c) => !c.group).map((c) => c.ref);
    const functions = aggregates ? [...AGGREGATE_FUNCTIONS, ...ROW_FUNCTIONS] : ROW_FUNCTIONS;
    const lowered = typing.toLowerCase();
    const hits = typing
      ? [
          ...columns.filter((c) => c.toLowerCase().startsWith(lowered)).map((c) => ({ text: c, fn: false })),
          ...functions.filter((f) => f.startsWith(lowered)).map((f) => ({ text: f, fn: true })),
          ...KEYWORDS.filter((k) => k.startsWith(lowered)).map((k) => ({ text: k, fn: false })),
        ]
          .filter((h) => h.text !== lowered)
          .slice(0, 8)
      : [];
    const onInput = (e: Event) => {
      const box = e.target as HTMLTextAreaElement;
      const before = box.value.slice(0, box.selectionStart ?? box.value.length);
      const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before)?.[0] ?? '';
      this.typing = { key, word };
    };
    const pick = (text: string, fn: boolean) => {
      const box = this.renderRoot.querySelector(`textarea[data-formula="${key}"]`) as HTMLTextAreaElement | null;
      if (!box) return;
      const end = box.selectionStart ?? box.value.length;
      const start = end - typing.length;
      const insert = fn ? `${text}(` : text;
      box.value = box.value.slice(0, start) + insert + box.value.slice(end);
      box.focus();
      box.setSelectionRange(start + insert.length, start + insert.length);
      this.typing = null;
      set(box.value);
    };
    return html`<label class="field"
        >Formula
        <textarea
          rows="2"
          spellcheck="false"
          data-formula=${key}
          aria-label="Formula"
          aria-invalid=${error ? 'true' : 'false'}
          placeholder=${`e.g. ${example}`}
          .value=${value}
          @input=${onInput}
          @change=${(e: Event) => set((e.target as HTMLTextAreaElement).value)}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Tab' && hits[0]) {
              e.preventDefault();
              pick(hits[0].text, hits[0].fn);
            }
          }}
        ></textarea
      ></label>
      ${hits.length
        ? html`<div class="suggest" role="listbox" aria-label="Suggestions">
            ${hits.map((h) => html`<button type="button" role="option" class="chip ${h.fn ? 'fn' : ''}" @mousedown=${(e: Event) => e.preventDefault()} @click=${() => pick(h.text, h.fn)}>${h.fn ? `${h.text}( )` : h.text}</button>`)}
          </div>`
        : nothing}
      ${error ? html`<p class="expr-error" role="alert" data-expr-error=${key}>${error}</p>` : nothing}`;
  }

  /** Numbers broken down into bands (a histogram): of a width, or a number of equal bands. */
  private renderBins(d: Draft, i: number, dim: Dimension) {
    const column = this.index.choice(d.table, dim.column)?.column;
    if (!isNumeric(column) || isIdentifier(column)) return nothing;
    const mode = dim.bin?.width ? 'width' : dim.bin?.count ? 'count' : 'each';
    const set = (bin: Dimension['bin']) => {
      const next: Dimension = { column: dim.column };
      if (bin) next.bin = bin;
      this.update_({ dims: d.dims.map((x, j) => (j === i ? next : x)) });
    };
    return html`<div class="extras">
      <label class="mini"
        >Group
        <select
          aria-label="Group ${this.index.dimensionInSentence(d.table, { column: dim.column })}"
          @change=${(e: Event) => {
            const v = (e.target as HTMLSelectElement).value;
            set(v === 'width' ? { width: niceWidth(column?.name ?? '') } : v === 'count' ? { count: 10 } : undefined);
          }}
        >
          <option value="each" ?selected=${mode === 'each'}>Each value</option>
          <option value="width" ?selected=${mode === 'width'}>Into bands of a size</option>
          <option value="count" ?selected=${mode === 'count'}>Into equal bands</option>
        </select></label
      >
      ${mode === 'width'
        ? html`<label class="mini"
            >Band size
            <input type="number" min="0" step="any" aria-label="Band size" .value=${String(dim.bin?.width ?? '')} @change=${(e: Event) => {
              const n = Number((e.target as HTMLInputElement).value);
              if (n > 0) set({ width: n });
            }} /></label>`
        : mode === 'count'
          ? html`<label class="mini"
              >Bands
              <input type="number" min="1" max="100" aria-label="Number of bands" .value=${String(dim.bin?.count ?? 10)} @change=${(e: Event) => {
                const n = Math.floor(Number((e.target as HTMLInputElement).value));
                if (n >= 1) set({ count: Math.min(100, n) });
              }} /></label>`
          : nothing}
    </div>`;
  }

  /** Relative dates ("in the last 6 months"), then the groups to keep and the comparison. */
  private renderDates(d: Draft) {
    const dates = this.index.choices(d.table).filter((c) => isTemporal(c.column));
    if (!dates.length) return nothing;
    const list = d.dates ?? [];
    const setAt = (i: number, f: RelativeFilter | null) =>
      this.update_({ dates: f ? list.map((x, j) => (j === i ? f : x)) : list.filter((_, j) => j !== i) });
    return html`${list.map((f, i) => {
        const value = f.value;
        return html`<div class="date-row" data-date-filter=${i}>
          <select aria-label="Date column" @change=${(e: Event) => setAt(i, { ...f, column: (e.target as HTMLSelectElement).value })}>
            ${dates.map((c) => html`<option value=${c.ref} ?selected=${c.ref === f.column}>${c.label}</option>`)}
          </select>
          <select aria-label="Date range" @change=${(e: Event) => {
            const op = (e.target as HTMLSelectElement).value as RelativeOp;
            const unit: PeriodUnit = op === 'to_date' && (value.unit === 'day' || value.unit === 'week') ? 'year' : value.unit;
            setAt(i, { ...f, op, value: op === 'last' ? { n: value.n ?? 6, unit } : { unit } });
          }}>
            ${RELATIVE_WORDS.map(([op, words]) => html`<option value=${op} ?selected=${op === f.op}>${words}</option>`)}
          </select>
          ${f.op === 'last'
            ? html`<input type="number" min="1" max="1000" aria-label="How many" .value=${String(value.n ?? 1)} @change=${(e: Event) => {
                const n = Math.max(1, Math.floor(Number((e.target as HTMLInputElement).value) || 1));
                setAt(i, { ...f, value: { n, unit: value.unit } });
              }} />`
            : nothing}
          <select aria-label="Period" @change=${(e: Event) => setAt(i, { ...f, value: { ...value, unit: (e.target as HTMLSelectElement).value as PeriodUnit } })}>
            ${UNITS.filter((u) => f.op !== 'to_date' || (u !== 'day' && u !== 'week')).map(
              (u) => html`<option value=${u} ?selected=${u === value.unit}>${f.op === 'last' && (value.n ?? 1) !== 1 ? `${u}s` : u}</option>`,
            )}
          </select>
          <button class="icon-btn" type="button" aria-label="Remove date range" @click=${() => setAt(i, null)}>${icons.close}</button>
          <label class="mini inline" title="For data that stopped a while ago: count back from its latest date instead of today"
            ><input type="checkbox" .checked=${f.anchor === 'latest'} @change=${(e: Event) => {
              const next: RelativeFilter = { ...f };
              if ((e.target as HTMLInputElement).checked) next.anchor = 'latest';
              else delete next.anchor;
              setAt(i, next);
            }} />Count back from the latest date in the data</label
          >
        </div>`;
      })}
      <button class="add" type="button" data-action="add-date-range" @click=${() =>
        this.update_({ dates: [...list, { column: dates[0]!.ref, op: 'last', value: { n: 6, unit: 'month' } }] })}>
        ${icons.plus} Add a date range
      </button>`;
  }

  /** Keep the groups whose number passes a test; compare with the previous period. */
  private renderMore(d: Draft) {
    const measures = d.measures.filter((m) => m.expr === undefined || m.expr.trim());
    const having = d.having ?? [];
    const dated = d.dims.some((x) => x.grain || isTemporal(this.index.choice(d.table, x.column)?.column)) || (d.dates ?? []).length > 0;
    const setHaving = (i: number, h: Having | null) =>
      this.update_({ having: h ? having.map((x, j) => (j === i ? h : x)) : having.filter((_, j) => j !== i) });
    const blocked = measures.every((m) => m.share || m.cumulative);
    return html`<section>
      <h3>${this.step()}Compare and keep</h3>
      <label class="field"
        >Compare with
        <select
          aria-label="Compare with"
          ?disabled=${!dated || blocked}
          @change=${(e: Event) => {
            const v = (e.target as HTMLSelectElement).value;
            this.update_({ compare: v === 'previous_period' || v === 'previous_year' ? v : null });
          }}
        >
          <option value="" ?selected=${!d.compare}>Nothing</option>
          <option value="previous_period" ?selected=${d.compare === 'previous_period'}>The period before</option>
          <option value="previous_year" ?selected=${d.compare === 'previous_year'}>The same period a year before</option>
        </select></label
      >
      ${dated ? nothing : html`<p class="muted small">To compare, break down by a date or add a date range.</p>`}
      ${d.dims.length
        ? html`${having.map(
              (h, i) => html`<div class="date-row" data-having=${i}>
                <span class="muted small" style="flex-basis:100%">Only keep groups where</span>
                <select aria-label="Measure to test" @change=${(e: Event) => setHaving(i, { ...h, by: (e.target as HTMLSelectElement).value })}>
                  ${measures.map((m) => html`<option value=${measureAlias(m)} ?selected=${measureAlias(m) === h.by}>${this.index.measureLabel(d.table, m)}</option>`)}
                </select>
                <select aria-label="Test" @change=${(e: Event) => setHaving(i, { ...h, op: (e.target as HTMLSelectElement).value as HavingOp })}>
                  ${HAVING_WORDS.map(([op, words]) => html`<option value=${op} ?selected=${op === h.op}>${words}</option>`)}
                </select>
                <input type="number" step="any" aria-label="Value" .value=${String(h.value ?? '')} @change=${(e: Event) => setHaving(i, { ...h, value: Number((e.target as HTMLInputElement).value) || 0 })} />
                <button class="icon-btn" type="button" aria-label="Remove condition" @click=${() => setHaving(i, null)}>${icons.close}</button>
              </div>`,
            )}
            ${measures.length
              ? html`<button class="add" type="button" data-action="add-having" @click=${() =>
                  this.update_({ having: [...having, { by: measureAlias(measures[0]!), op: 'gt', value: 0 }] })}>
                  ${icons.plus} Only keep groups whose number…
                </button>`
              : nothing}`
        : nothing}
    </section>`;
  }

  /** Calculated columns: a formula per row, then usable like any column. */
  private renderColumns(d: Draft) {
    if (d.mode === 'records' && !(d.columns ?? []).length) return nothing;
    const list = d.columns ?? [];
    const setAt = (i: number, c: CustomColumn | null) => this.update_({ columns: c ? list.map((x, j) => (j === i ? c : x)) : list.filter((_, j) => j !== i) });
    return html`<section>
      <h3>${this.step()}New columns</h3>
      ${list.map(
        (c, i) => html`<div class="calc" data-column=${i}>
          <div class="row">
            <label class="field grow"
              >Name
              <input type="text" aria-label="Name of new column ${i + 1}" .value=${c.name} @change=${(e: Event) => setAt(i, { ...c, name: safeName((e.target as HTMLInputElement).value) })} /></label>
            <label class="field"
              >Holds
              <select aria-label="What new column ${i + 1} holds" @change=${(e: Event) => {
                this.customTypes.set(c.name, (e.target as HTMLSelectElement).value as ColumnType);
                this.customKey = '';
                this.update_({});
              }}>
                ${(['number', 'string', 'date'] as ColumnType[]).map(
                  (t) => html`<option value=${t} ?selected=${(this.customTypes.get(c.name) ?? guessType(c.expr)) === t}>${t === 'number' ? 'Numbers' : t === 'string' ? 'Text' : 'Dates'}</option>`,
                )}
              </select></label
            >
            <button class="icon-btn" type="button" aria-label="Remove new column ${i + 1}" @click=${() => setAt(i, null)}>${icons.close}</button>
          </div>
          ${this.renderFormula(`columns[${i}].expr`, c.expr, "case when salary >= 100000 then 'High' else 'Other' end", (expr) => setAt(i, { ...c, expr }), false)}
        </div>`,
      )}
      <button class="add" type="button" data-action="add-column" @click=${() => {
        const taken = new Set(list.map((x) => x.name));
        let n = 1;
        while (taken.has(`column_${n}`)) n += 1;
        this.update_({ columns: [...list, { name: `column_${n}`, expr: '' }] });
      }}>${icons.plus} Add a column from a formula</button>
      <p class="muted small">A new column can be used to break down, to filter and in calculations.</p>
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

const AGGREGATE_FUNCTIONS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'count_if', 'sum_if', 'avg_if', 'min_if', 'max_if'];
const ROW_FUNCTIONS = ['coalesce', 'round', 'abs', 'lower', 'upper', 'year', 'quarter', 'month', 'day', 'month_name', 'weekday'];
/** Words of the formula language offered as they are (no parentheses). */
const KEYWORDS = ['case', 'when', 'then', 'else', 'end', 'and', 'or', 'not', 'between', 'is', 'null', 'in'];

const RELATIVE_WORDS: Array<[RelativeOp, string]> = [
  ['last', 'in the last'],
  ['this', 'this'],
  ['previous', 'the previous'],
  ['to_date', 'so far this'],
];
const UNITS: PeriodUnit[] = ['day', 'week', 'month', 'quarter', 'year'];
const HAVING_WORDS: Array<[HavingOp, string]> = [
  ['gt', 'is more than'],
  ['gte', 'is at least'],
  ['lt', 'is less than'],
  ['lte', 'is at most'],
  ['eq', 'is'],
  ['neq', 'is not'],
];

/** Whether the builder can run the draft: something to measure or list, formulas written. */
export function draftReady(d: Draft): boolean {
  if (d.mode === 'records') return (d.select ?? []).length > 0;
  if (d.measures.some((m) => m.expr !== undefined && !m.expr.trim())) return false;
  if ((d.columns ?? []).some((c) => !c.expr.trim())) return false;
  return d.measures.length + d.dims.length > 0 && d.measures.every((m) => m.expr !== undefined || m.agg === 'count' || m.column);
}

/** A name the spec takes: letters, digits and `_`, not starting with a digit. */
function safeName(text: string): string {
  const name = text.trim().replace(/[^A-Za-z0-9_]+/g, '_').replace(/^([0-9])/, '_$1').slice(0, 63);
  return name || 'calculation';
}

/** What a formula most likely gives, until the person says. */
function guessType(expr: string): ColumnType {
  if (/'|month_name|weekday|lower|upper/i.test(expr)) return 'string';
  return 'number';
}

/** A first band size for a column: salaries in 10,000s, ages in 10s, other numbers in 10s. */
function niceWidth(name: string): number {
  if (/salary|amount|revenue|price|income|pay/i.test(name)) return 10000;
  return 10;
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-builder': PbBuilder;
  }
}
