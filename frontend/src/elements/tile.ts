// <pb-tile>: one chart on the dashboard. Runs its query (with the dashboard's filters), shows a
// skeleton while it loads, the chart when it is there, and a clear message when it failed —
// without disturbing the other tiles. Its menu edits, duplicates, exports and removes it.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { buildChart, chartNeeds, type ChartModel } from '../chart-options.js';
import { ApiError } from '../api.js';
import { emit, isComplete, uid, withDashboardFilters, type EditorContext } from '../context.js';
import { filtersFor } from '../cross-filter.js';
import { breadcrumb, breakdownMenu, breakdownStep, crossFilterFor, detailStep, drillOptions, grainStep, type DrillOptions, type DrillPoint, type DrillStep } from '../drill.js';
import { formatCategory } from '../format.js';
import { download, drawPng, fileName, titledPng, toCsv } from '../export.js';
import { iconForChart, icons } from '../icons.js';
import { pageQuery, pageRange, pageSize, pageView, type PageView } from '../paging.js';
import { defaultChart, type CatalogIndex } from '../model.js';
import { chartTheme, shared } from '../styles.js';
import { tileFilterTexts } from '../tile-filters.js';
import { loadWorld } from '../world-loader.js';
import { CHART_TYPES, type Cell, type ChartSpec, type ChartType, type DashboardFilter, type GeoPlace, type QueryResult, type QuerySpec, type Tile } from '../types.js';
import type { ChartPoint, PbChart } from './chart.js';
import type { CellActivate } from './table.js';
import './chart.js';
import './kpi.js';
import './table.js';

type Status = 'idle' | 'loading' | 'ready' | 'error';

/** The menu a click on a value opens (drill-down, drill-through, cross-filter). */
interface DrillMenu {
  /** Where, in the tile's box. */
  x: number;
  y: number;
  point: DrillPoint;
  options: DrillOptions;
  /** The breakdown columns are showing instead of the main items. */
  sub: boolean;
  /** What gets focus back when the menu closes (the table cell Entered). */
  returnTo: HTMLElement | null;
  /** First pick a value (from the tile's menu, for the keyboard): the chart's values. */
  pick?: Array<{ label: string; values: Cell[] }>;
}

@customElement('pb-tile')
export class PbTile extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        background: var(--pb-surface);
        border: 1px solid var(--pb-border);
        border-radius: var(--pb-radius);
        box-shadow: var(--pb-shadow);
        position: relative;
      }
      :host([preview]) {
        box-shadow: none;
      }
      header {
        display: flex;
        align-items: center;
        gap: 4px;
        padding: 6px 6px 0 10px;
        min-height: 40px;
      }
      .handle {
        flex: 1;
        min-width: 0;
        display: flex;
        align-items: center;
        gap: 4px;
        cursor: grab;
        align-self: stretch;
      }
      :host([preview]) .handle,
      :host([readonly]) .handle {
        cursor: default;
      }
      /* The grip shows (on hover) over the header's left padding: it takes none of the
         title's width, which a narrow tile cut to "Tot…". */
      .grip {
        display: inline-grid;
        place-items: center;
        position: absolute;
        left: 0;
        top: 11px;
        z-index: 1;
        color: var(--pb-muted);
        opacity: 0;
        width: 11px;
        height: 24px;
        border-radius: 5px;
        transition: opacity 0.12s;
      }
      :host(:hover) .grip,
      .grip:focus-visible {
        opacity: 1;
      }
      .grip:focus-visible {
        outline: 2px solid var(--pb-accent);
      }
      .grip svg {
        width: 14px;
        height: 14px;
        flex: none;
      }
      h3 {
        margin: 0;
        font-size: 14px;
        font-weight: 600;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      input.rename {
        flex: 1;
        min-width: 0;
        margin: -3px 0;
        padding: 2px 6px;
        font: inherit;
        font-size: 14px;
        font-weight: 600;
        color: inherit;
        background: var(--pb-surface);
        border: 1px solid var(--pb-accent);
        border-radius: 6px;
        outline: none;
      }
      .badge {
        font-size: 11px;
        color: var(--pb-muted);
        background: var(--pb-surface-2);
        border-radius: 999px;
        padding: 1px 7px;
        white-space: nowrap;
        display: inline-flex;
        gap: 3px;
        align-items: center;
      }
      .badge svg {
        width: 11px;
        height: 11px;
      }
      /* The count of dashboard filters: compact, never squeezed, so the title keeps the rest. */
      .badge.count {
        flex: none;
        padding: 1px 4px;
        gap: 1px;
      }
      .own-filters {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        padding: 0 10px;
        max-height: 44px;
        overflow: hidden;
      }
      .own-filters .badge {
        max-width: 100%;
        min-width: 0;
        box-sizing: border-box;
      }
      /* The ellipsis needs a block of its own: on the flex badge the text was cut mid-letter
         and the funnel squeezed away on a narrow tile. The full text is the badge's title. */
      .own-filters .badge svg {
        flex: none;
      }
      .own-filters .badge .text {
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .body {
        flex: 1;
        min-height: 0;
        position: relative;
        /* Its own stacking context: a chart's tooltip stays under the tile's menus. */
        z-index: 0;
        padding: 4px 10px 8px;
        display: flex;
        flex-direction: column;
        overflow: hidden;
        border-radius: 0 0 var(--pb-radius) var(--pb-radius);
      }
      .body > pb-chart,
      .body > pb-table,
      .body > pb-kpi {
        flex: 1;
        min-height: 0;
      }
      .notes {
        font-size: 11.5px;
        color: var(--pb-muted);
        padding-top: 2px;
      }
      .skeleton-chart {
        flex: 1;
        display: flex;
        align-items: flex-end;
        gap: 8%;
        padding: 12px 6% 4px;
      }
      .skeleton-chart span {
        flex: 1;
      }
      .state {
        flex: 1;
        display: grid;
        place-content: center;
        justify-items: center;
        text-align: center;
        gap: 6px;
        padding: 4px 8px;
        color: var(--pb-muted);
        overflow: auto;
        min-height: 0;
      }
      .state.error {
        color: var(--pb-text);
      }
      .state .icon {
        width: 30px;
        height: 30px;
        border-radius: 50%;
        display: grid;
        place-items: center;
        background: var(--pb-surface-2);
      }
      .state.error .icon {
        background: var(--pb-danger-soft);
        color: var(--pb-danger);
      }
      .state .icon svg {
        width: 17px;
        height: 17px;
      }
      .state .btn {
        min-height: 28px;
        padding: 3px 10px;
        font-size: 13px;
      }
      .state p {
        margin: 0;
        max-width: 44ch;
      }
      .state .detail {
        font-size: 12.5px;
        color: var(--pb-muted);
      }
      .actions {
        display: flex;
        gap: 6px;
        justify-content: center;
        flex-wrap: wrap;
      }
      .menu {
        right: 8px;
        top: 38px;
      }
      .drill-menu {
        right: auto;
        max-width: 300px;
        max-height: 320px;
        overflow: auto;
      }
      .drill-menu .head {
        padding: 5px 10px 3px;
        font-size: 12px;
        color: var(--pb-muted);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .drill-menu button span {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .drill-menu .reason {
        padding: 6px 10px;
        font-size: 13px;
        color: var(--pb-muted);
      }
      .crumbs {
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: 2px;
        padding: 0 10px;
        font-size: 12.5px;
        color: var(--pb-muted);
        min-width: 0;
      }
      .crumbs button {
        background: none;
        border: 0;
        padding: 1px 4px;
        border-radius: 5px;
        color: var(--pb-accent);
        cursor: pointer;
        font: inherit;
        max-width: 220px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .crumbs button:hover {
        text-decoration: underline;
      }
      .crumbs button:focus-visible {
        outline: 2px solid var(--pb-accent);
      }
      .crumbs .back svg {
        width: 13px;
        height: 13px;
        vertical-align: -2px;
      }
      .crumbs [aria-current] {
        color: var(--pb-text);
        font-weight: 600;
        padding: 1px 4px;
        max-width: 260px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .badge.source {
        color: var(--pb-accent);
        background: var(--pb-accent-soft);
        max-width: 200px;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .badge.unfiltered {
        background: none;
        border: 1px dashed var(--pb-border);
      }
    `,
  ];

  @property({ attribute: false }) tile!: Tile;
  @property({ attribute: false }) ctx!: EditorContext;
  @property({ attribute: false }) filters: DashboardFilter[] = [];
  @property({ type: Number }) refreshKey = 0;
  @property({ type: Boolean, reflect: true }) preview = false;
  @property({ type: Boolean, reflect: true }) readonly = false;
  /** A click on a value may filter the dashboard (saved when the dashboard can be changed, for
   * this visit otherwise); not in previews or an old version. */
  @property({ type: Boolean }) canCrossFilter = false;
  @property({ reflect: true, attribute: 'data-state' }) status: Status = 'idle';

  @state() private model: ChartModel | null = null;
  @state() private result: QueryResult | null = null;
  @state() private error = '';
  /** Whether running the same query again may help: not when the server refused the query
   * itself (a 4xx: the chart's settings must change), only after a failure on the way. */
  @state() private retryable = true;
  @state() private menuOpen = false;
  /** The title is being renamed in place (the tile's menu "Rename", or a double click on it). */
  @state() private renaming = false;
  @state() private applied: DashboardFilter[] = [];
  /** Dashboard filters this chart has no column for (said on the tile, never silently). */
  @state() private unapplied: DashboardFilter[] = [];
  /** Drill steps: what the tile shows instead of its saved query, until the user goes back
   * (the saved tile never changes). */
  @state() private drill: DrillStep[] = [];
  @state() private drillMenu: DrillMenu | null = null;
  /** The page of a list of records (spec v2 `select`), from 0. */
  @state() private page = 0;
  /** The page shown of a list of records that pages (null for any other tile). */
  @state() private paged: PageView<unknown> | null = null;
  @query('pb-chart') private chartEl?: PbChart;

  private runKey = '';
  /** The saved query and chart the drill steps started from. */
  private drillBase = '';

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('menuOpen' as keyof PbTile) || changed.has('drillMenu' as keyof PbTile)) {
      this.dispatchEvent(new CustomEvent('menu-toggle', { detail: this.menuOpen || this.drillMenu !== null }));
    }
  }

  /** What the tile shows: the last drill step, else its saved query and chart. */
  /** The catalog as this tile reads it: its own source's tables when it names one. */
  private get index(): CatalogIndex | null {
    return this.ctx.index?.forSource(this.tile?.source) ?? null;
  }

  private get view(): { query: QuerySpec | null; chart: ChartSpec } {
    const step = this.drill.at(-1);
    return step ? { query: step.query, chart: step.chart } : { query: this.tile.query, chart: this.tile.chart };
  }

  /** The dashboard filters for this tile: all but those made by clicking it. */
  private get dashboardFilters(): DashboardFilter[] {
    return filtersFor(this.tile.id, this.filters);
  }
  private runId = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.tile || !this.ctx) return;
    if (changed.has('tile')) {
      // The saved tile changed (edited, undone): drilling starts again from it.
      const base = JSON.stringify([this.tile.query, this.tile.chart]);
      if (base !== this.drillBase) {
        this.drillBase = base;
        this.drill = [];
        this.drillMenu = null;
      }
    }
    if (changed.has('tile') || changed.has('filters') || changed.has('refreshKey') || changed.has('ctx') || changed.has('drill' as keyof PbTile)) {
      const view = this.view;
      const key = JSON.stringify([view.query, view.chart, this.dashboardFilters, this.refreshKey, this.ctx.theme, Boolean(this.index), this.ctx.epoch]);
      if (key !== this.runKey) {
        if (changed.has('tile') || changed.has('drill' as keyof PbTile)) this.page = 0;
        this.runKey = key;
        void this.run(changed.has('refreshKey') && this.refreshKey > 0);
      }
    }
  }

  /** The chart type to draw: the tile's own, or the default for its query. */
  private get chartType(): ChartType {
    const { query: spec, chart } = this.view;
    const own = chart?.type;
    if (own && (CHART_TYPES as readonly string[]).includes(own)) return own;
    return spec && this.index ? defaultChart(this.index, spec) : 'table';
  }

  private async run(fresh = false): Promise<void> {
    const id = ++this.runId;
    const index = this.index;
    const spec = this.view.query;
    if (!spec || !index) {
      this.status = spec ? 'loading' : 'idle';
      return;
    }
    this.status = 'loading';
    this.error = '';
    const filters = this.dashboardFilters;
    const filtered = withDashboardFilters(spec, filters, index);
    const applied = filtered.applied;
    const unapplied = filters.filter((f) => isComplete(f) && !applied.includes(f));
    // A list of records that pages (pageSize) asks for one page at a time (pageQuery: `offset`
    // to the page, `limit` its rows and one to tell whether more follow), also when its spec
    // has no limit (the AI's listings). A ranking cut ("the 10 biggest sales") is its `limit`
    // rows, no more.
    const size = pageSize(spec);
    const page = this.page;
    const effective = size !== null ? pageQuery(filtered.spec, page, size) : filtered.spec;
    const type = this.chartType;
    try {
      const needs = chartNeeds({ type, spec, index });
      const world = needs ? loadWorld() : null;
      const source = this.tile?.source ?? this.ctx.index?.sourceOf(spec.table);
      const answer = await this.ctx.api.query(effective as QuerySpec, source, fresh);
      const paged = size !== null ? pageView(answer.rows, page, size) : null;
      const result = paged ? { ...answer, rows: paged.rows as QueryResult['rows'] } : answer;
      let map: { places: Record<string, GeoPlace | null>; mapName: string; regions: ReadonlySet<string> } | null = null;
      if (world && needs) {
        const names = [...new Set(result.rows.map((r) => String(r[0] ?? '')))].filter(Boolean);
        const [w, places] = await Promise.all([world, this.ctx.geo.lookup(names, needs)]);
        map = { places, mapName: w.MAP_NAME, regions: w.REGION_IDS };
      }
      if (id !== this.runId) return;
      await this.updateComplete;
      this.result = result;
      this.paged = paged;
      this.applied = applied;
      this.unapplied = unapplied;
      const input = { type, spec: effective, result, index, theme: chartTheme(this) };
      this.model = buildChart(map ? { ...input, ...map } : input);
      // What was drawn, for people's tools and tests: the chart type and the number of rows.
      this.dataset.drawn = type;
      this.dataset.rows = String(result.rows.length);
      this.status = 'ready';
      // The builder reads the answer's column notes (e.g. a group of rows not visible to you).
      this.dispatchEvent(new CustomEvent<QueryResult>('tile-result', { detail: result }));
    } catch (err) {
      if (id !== this.runId) return;
      this.error = this.ctx.reportError(err, `chart "${this.tile.title || 'Untitled'}"`);
      this.retryable = !refusedAsAsked(err);
      // The builder points at the part of the query at fault (an expression's position).
      this.dispatchEvent(new CustomEvent<unknown>('tile-error', { detail: err }));
      this.model = null;
      this.status = 'error';
    }
  }

  /** Run the query again, bypassing the browser-side cache. */
  retry(): void {
    this.runKey = '';
    void this.run(true);
  }

  override render() {
    const title = this.tile?.title || 'Untitled chart';
    return html`
      <header>
        <div class="handle pb-drag">
          ${this.preview || this.readonly
            ? nothing
            : html`<span
                class="grip"
                tabindex="0"
                role="button"
                aria-label="Move ${title}: arrow keys move it, Shift and arrow keys resize it"
                title="Drag to move. With the keyboard: arrow keys move, Shift+arrows resize."
                @keydown=${this.onGripKey}
                >${icons.grip}</span
              >`}
          ${this.renaming
            ? html`<input
                class="rename"
                aria-label="Chart title"
                maxlength="200"
                .value=${this.tile?.title ?? ''}
                placeholder="Untitled chart"
                @keydown=${this.onRenameKey}
                @blur=${this.onRenameBlur}
              />`
            : html`<h3 title=${title} @dblclick=${this.onTitleDblClick}>${title}</h3>`}
          ${this.applied.length
            ? html`<span class="badge count" title="Dashboard filters applied to this chart">${icons.filter}${this.applied.length}</span>`
            : nothing}
          ${this.renderSource()}
          ${this.renderUnfiltered()}
        </div>
        ${this.preview ? nothing : this.renderMenu(title)}
      </header>
      ${this.renderCrumbs(title)}
      ${this.drill.length ? nothing : this.renderOwnFilters()}
      <div class="body" @chart-point=${this.onChartPoint} @cell-activate=${this.onCellActivate}>${this.renderBody()}</div>
      ${this.drillMenu ? this.renderDrillMenu(this.drillMenu) : nothing}
    `;
  }

  /** The values clicked here that filter the other charts (this chart keeps all its values). */
  private renderSource() {
    const own = this.filters.filter((f) => f.from_tile === this.tile.id && isComplete(f));
    if (!own.length || this.preview) return nothing;
    const values = own.map((f) => (Array.isArray(f.value) ? f.value.join(', ') : f.op === 'is_null' ? '(empty)' : String(f.value)));
    return html`<span class="badge source" data-filter-source title="Clicked here: filters the other charts (this one shows all its values)">${icons.filter}Filtering by ${values.join('; ')}</span>`;
  }

  /** Dashboard filters that do not apply here: a quiet hint, so nobody reads this chart as
   * filtered when it is not. */
  private renderUnfiltered() {
    if (!this.unapplied.length || this.status !== 'ready') return nothing;
    const names = this.unapplied.map((f) => f.label ?? f.column);
    const text = `Not filtered by ${names.join(', ')}`;
    return html`<span class="badge unfiltered" data-not-filtered title="${text}: this chart's data has no such column">${text}</span>`;
  }

  /** Where a drill has gone: the tile's title, then each step; each one goes back to it. */
  private renderCrumbs(title: string) {
    if (!this.drill.length) return nothing;
    const crumbs = breadcrumb(title, this.drill);
    return html`<nav class="crumbs" aria-label="Drill path" data-crumbs>
      <button class="back" aria-label="Back one step" title="Back one step" @click=${() => this.drillTo(this.drill.length - 1)}>${icons.back}</button>
      ${crumbs.map((c, i) =>
        i === crumbs.length - 1
          ? html`<span aria-current="page" title=${c}>${c}</span>`
          : html`<button title="Back to ${c}" @click=${() => this.drillTo(i)}>${c}</button><span aria-hidden="true">›</span>`,
      )}
    </nav>`;
  }

  /** Go back to drill level `n` (0: the saved chart). */
  private drillTo(n: number): void {
    this.drill = this.drill.slice(0, Math.max(0, n));
    this.drillMenu = null;
    void this.updateComplete.then(() => {
      const crumbs = this.renderRoot.querySelector('.crumbs button') as HTMLElement | null;
      (crumbs ?? (this.renderRoot.querySelector('header .icon-btn') as HTMLElement | null))?.focus();
    });
  }

  // --- drilling ------------------------------------------------------------------------

  private onChartPoint(e: CustomEvent<ChartPoint>): void {
    e.stopPropagation();
    const model = this.model;
    const spec = this.view.query;
    if (this.preview || !spec || !this.index || model?.kind !== 'echarts' || !model.pointAt) return;
    const values = model.pointAt(e.detail.seriesIndex, e.detail.dataIndex);
    if (values) this.openDrill({ values }, e.detail.clientX, e.detail.clientY, null);
    else if (e.detail.seriesIndex >= 0) {
      // A mark that stands for several values ("Other"): say why nothing happens.
      const none: DrillOptions = { title: '', crossFilters: [], breakdowns: [], nextGrain: null, detail: false, reason: 'This groups several values: nothing to drill into.' };
      this.showMenu({ values: [] }, none, e.detail.clientX, e.detail.clientY, null);
    }
  }

  private onCellActivate(e: CustomEvent<CellActivate>): void {
    e.stopPropagation();
    const spec = this.view.query;
    const index = this.index;
    if (this.preview || !spec || !index) return;
    const { row, column, cell, clientX, clientY } = e.detail;
    const dims = spec.dimensions ?? [];
    if (dims.length) {
      this.openDrill({ values: row.slice(0, dims.length) }, clientX, clientY, cell);
      return;
    }
    // A list of records: the cell's own column and value can filter the dashboard.
    const ref = spec.select?.[column];
    if (!ref) return;
    const value = row[column] ?? null;
    const filter = crossFilterFor(index, spec, { column: ref }, value);
    const type = index.choice(spec.table, ref)?.column.type;
    const text = formatCategory(value, undefined, type);
    const options: DrillOptions = {
      title: text,
      crossFilters: filter ? [{ label: `${filter.label ?? ref}: ${text}`, value: text, filter }] : [],
      breakdowns: [],
      nextGrain: null,
      detail: false,
      reason: filter ? '' : 'Nothing to drill into here.',
    };
    this.showMenu({ values: [] }, options, clientX, clientY, cell);
  }

  private openDrill(point: DrillPoint, clientX: number, clientY: number, returnTo: HTMLElement | null): void {
    const spec = this.view.query!;
    const options = drillOptions(this.index!, spec, point, this.result?.columns ?? []);
    this.showMenu(point, options, clientX, clientY, returnTo);
  }

  private showMenu(point: DrillPoint, options: DrillOptions, clientX: number, clientY: number, returnTo: HTMLElement | null): void {
    const box = this.getBoundingClientRect();
    const width = 250;
    const x = Math.max(4, Math.min(clientX - box.left, box.width - width - 4));
    const y = Math.max(4, clientY - box.top + 4);
    this.menuOpen = false;
    this.chartEl?.hideTooltip();
    this.drillMenu = { x, y, point, options, sub: false, returnTo };
    this.focusDrillMenu();
  }

  /** From the tile's menu: the chart's values as a list, then the drill menu for the one chosen
   * (a chart on a canvas cannot be focused value by value). */
  private pickValue(): void {
    const model = this.model;
    if (model?.kind !== 'echarts' || !model.points?.length) return;
    const button = this.renderRoot.querySelector('header .icon-btn') as HTMLElement | null;
    this.menuOpen = false;
    const options: DrillOptions = { title: 'Drill into', crossFilters: [], breakdowns: [], nextGrain: null, detail: false, reason: '' };
    const x = Math.max(4, this.getBoundingClientRect().width - 264);
    this.drillMenu = { x, y: 38, point: { values: [] }, options, sub: false, returnTo: button, pick: model.points.slice(0, 200) };
    this.focusDrillMenu();
  }

  private focusDrillMenu(): void {
    void this.updateComplete.then(() => (this.renderRoot.querySelector('.drill-menu button:not([disabled])') as HTMLElement | null)?.focus());
  }

  private closeDrill(restoreFocus = true): void {
    const back = this.drillMenu?.returnTo;
    this.drillMenu = null;
    if (restoreFocus && back?.isConnected) back.focus();
  }

  private pushStep(step: DrillStep | null): void {
    this.closeDrill(false);
    if (!step) return;
    this.drill = [...this.drill, step];
    void this.updateComplete.then(() => (this.renderRoot.querySelector('.crumbs .back') as HTMLElement | null)?.focus());
  }

  private crossFilter(filter: Omit<DashboardFilter, 'id'>): void {
    this.closeDrill();
    emit(this, 'tile-cross-filter', { ...filter, id: uid(), from_tile: this.tile.id } satisfies DashboardFilter);
  }

  private renderDrillMenu(menu: DrillMenu) {
    const { options, point } = menu;
    const spec = this.view.query;
    const index = this.index;
    const chart = this.chartType;
    const items = [];
    if (menu.pick) {
      const box = this.getBoundingClientRect();
      for (const p of menu.pick) {
        items.push(html`<button role="menuitem" data-drill-value @click=${() => this.openDrill({ values: p.values }, box.left + menu.x, box.top + menu.y - 4, menu.returnTo)}>
          <span>${p.label}</span>
        </button>`);
      }
    } else if (menu.sub) {
      items.push(html`<button role="menuitem" data-drill="back" @click=${() => this.setSub(false)}>${icons.back}<span>Back</span></button><hr />`);
      const groups = spec && index ? breakdownMenu(index, spec.table, options.breakdowns) : [];
      for (const group of groups) {
        // Headings only when there is more than one table to tell apart, as the builder's groups.
        if (groups.length > 1) items.push(html`<div class="head" role="presentation">${group.label}</div>`);
        for (const { choice, label } of group.items) {
          items.push(html`<button role="menuitem" data-drill-by=${choice.ref} @click=${() => spec && index && this.pushStep(breakdownStep(index, spec, point, choice, chart))}>
            <span>${label}</span>
          </button>`);
        }
      }
    } else {
      if (this.canCrossFilter) {
        for (const c of options.crossFilters) {
          items.push(html`<button role="menuitem" data-drill="filter" title="Filter the other charts of this dashboard: ${c.label}" @click=${() => this.crossFilter(c.filter)}>
            ${icons.filter}<span>Filter dashboard to ${c.value}</span>
          </button>`);
        }
      }
      if (options.breakdowns.length) {
        items.push(html`<button role="menuitem" data-drill="breakdown" aria-haspopup="menu" @click=${() => this.setSub(true)}>${iconForChart('bar')}<span>Break down by…</span></button>`);
      }
      if (options.nextGrain && spec && index) {
        const next = options.nextGrain;
        items.push(html`<button role="menuitem" data-drill="grain" @click=${() => this.pushStep(grainStep(index, spec, point, next.at, chart))}>${iconForChart('line')}<span>Show ${next.label}</span></button>`);
      }
      if (options.detail && spec && index) {
        items.push(html`<button role="menuitem" data-drill="detail" @click=${() => this.pushStep(detailStep(index, spec, point))}>${icons.table}<span>See the rows</span></button>`);
      }
    }
    return html`<div
      class="menu drill-menu"
      role="menu"
      aria-label="Drill into ${options.title}"
      style="left:${menu.x}px;top:${menu.y}px"
      @keydown=${this.onDrillKey}
      @focusout=${this.onDrillBlur}
    >
      ${options.title ? html`<div class="head" title=${options.title}>${options.title}</div>` : nothing}
      ${items.length ? items : html`<div class="reason" role="note">${options.reason || 'Nothing to drill into here.'}</div>
          <button role="menuitem" @click=${() => this.closeDrill()}>Close</button>`}
    </div>`;
  }

  private setSub(sub: boolean): void {
    if (!this.drillMenu) return;
    this.drillMenu = { ...this.drillMenu, sub };
    this.focusDrillMenu();
  }

  private onDrillKey(e: KeyboardEvent): void {
    const items = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.drill-menu button:not([disabled])')];
    const at = items.indexOf((this.renderRoot as ShadowRoot).activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      if (this.drillMenu?.sub) this.setSub(false);
      else this.closeDrill();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      items[(at + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length]?.focus();
    } else if (e.key === 'ArrowLeft' && this.drillMenu?.sub) {
      e.preventDefault();
      this.setSub(false);
    }
  }

  /** Focus left the menu: close it, unless focus only moved within it (the item pressed was
   * replaced, as "Break down by…" is by its columns). */
  private onDrillBlur(e: FocusEvent): void {
    const to = e.relatedTarget as Node | null;
    if (to && this.renderRoot.contains(to)) return;
    const menu = this.drillMenu;
    void this.updateComplete.then(() =>
      requestAnimationFrame(() => {
        const active = (this.renderRoot as ShadowRoot).activeElement;
        if (this.drillMenu === menu && !active?.closest('.drill-menu')) this.drillMenu = null;
      }),
    );
  }

  /** The tile's own filters (saved in its query), so a reader knows what the chart leaves out. */
  private renderOwnFilters() {
    const table = this.tile?.query?.table ?? '';
    // A column of a "without" group is its related table's ("sales.sale_date" on employees).
    const label = (c: string) =>
      this.index?.choice(table, c)?.label ?? this.index?.choice(c.split('.')[0] ?? '', c.split('.').slice(1).join('.'))?.label ?? c;
    const texts = tileFilterTexts(this.tile?.query as { filters?: unknown[] } | null, label, this.result?.relative_dates);
    if (!texts.length) return nothing;
    return html`<div class="own-filters" data-own-filters aria-label="Filters of this chart">
      ${texts.map((t) => html`<span class="badge" title=${t}>${icons.filter}<span class="text">${t}</span></span>`)}
    </div>`;
  }

  private renderMenu(title: string) {
    const canExport = this.status === 'ready' && this.model !== null;
    return html`
      <button
        class="icon-btn"
        aria-label="Actions for ${title}"
        aria-haspopup="menu"
        aria-expanded=${this.menuOpen ? 'true' : 'false'}
        @click=${this.toggleMenu}
      >
        ${icons.more}
      </button>
      ${this.menuOpen
        ? html`<div class="menu" role="menu" @keydown=${this.onMenuKey} @focusout=${this.onMenuBlur}>
            ${this.readonly
              ? nothing
              : html`<button role="menuitem" @click=${() => this.act('tile-edit')}>${icons.edit} Edit chart</button>
                  <button role="menuitem" data-action="rename" @click=${this.startRename}>${icons.rename} Rename</button>
                  <button role="menuitem" @click=${() => this.act('tile-duplicate')}>${icons.copy} Duplicate</button>`}
            ${this.model?.kind === 'echarts' && this.model.points?.length
              ? html`<button role="menuitem" data-action="drill-pick" @click=${this.pickValue}>${icons.filter} Drill into a value…</button>`
              : nothing}
            <button role="menuitem" ?disabled=${!canExport} @click=${this.exportCsv}>${icons.download} Download data (CSV)</button>
            <button role="menuitem" ?disabled=${!canExport} @click=${this.exportPng}>${icons.image} Download image (PNG)</button>
            ${this.readonly
              ? nothing
              : html`<hr /><button role="menuitem" class="danger" @click=${() => this.act('tile-remove')}>${icons.trash} Remove</button>`}
          </div>`
        : nothing}
    `;
  }

  private renderBody() {
    if (!this.view.query) {
      return html`<div class="state">
        <div class="icon">${icons.sparkle}</div>
        <p>This tile has no chart yet.</p>
        ${this.readonly ? nothing : html`<button class="btn" @click=${() => this.act('tile-edit')}>Choose data</button>`}
      </div>`;
    }
    if (this.status === 'error') {
      return html`<div class="state error" role="alert">
        <div class="icon">${icons.alert}</div>
        <p><strong>${this.retryable ? "This chart couldn't load." : "This chart can't be drawn as it is."}</strong></p>
        <p class="detail" data-error>${this.error}</p>
        <div class="actions">
          ${this.retryable ? html`<button class="btn" @click=${this.retry}>${icons.refresh} Try again</button>` : nothing}
          ${this.readonly || this.preview ? nothing : html`<button class="btn" @click=${() => this.act('tile-edit')}>${icons.edit} Edit chart</button>`}
        </div>
      </div>`;
    }
    if (this.status !== 'ready' || !this.model) {
      return html`<div class="skeleton-chart" aria-busy="true" aria-label="Loading chart">
        ${[55, 80, 40, 95, 65, 30].map((h) => html`<span class="skeleton" style="height:${h}%"></span>`)}
      </div>`;
    }
    const model = this.model;
    const notes =
      'notes' in model && model.notes.length
        ? html`<div class="notes">${model.notes.join(' ')}</div>`
        : this.result?.truncated
          ? html`<div class="notes">Only the first ${this.result.row_cap ?? this.result.rows.length} rows are shown.</div>`
          : nothing;
    switch (model.kind) {
      case 'empty':
        return html`<div class="state" data-empty>
          <div class="icon">${icons.filter}</div>
          <p>${model.message}</p>
        </div>`;
      case 'kpi':
        return html`<pb-kpi .value=${model.value} .text=${model.text ?? ''} .label=${model.label} .period=${model.period ?? ''} .change=${model.change} .format=${model.format}></pb-kpi>${notes}`;
      case 'table':
        return html`<pb-table .columns=${model.columns} .rows=${model.rows} ?interactive=${!this.preview}></pb-table>${this.renderPager()}${notes}`;
      default:
        return html`<pb-chart aria-label=${this.tile.title || 'Chart'} .option=${model.option}></pb-chart>${notes}`;
    }
  }

  /** Previous and next for a list of records that pages: none when all its rows fit on one. */
  private renderPager() {
    const paged = this.paged;
    if (pageSize(this.view.query) === null || !paged || (!paged.hasPrevious && !paged.hasNext)) return nothing;
    const go = (page: number) => {
      this.page = page;
      void this.run();
    };
    return html`<div class="pager" role="navigation" aria-label="Pages" style="display:flex;align-items:center;justify-content:flex-end;gap:8px;font-size:12.5px;color:var(--pb-muted);padding-top:4px">
      <span data-page-range>${pageRange(paged)}</span>
      <button class="btn" type="button" ?disabled=${!paged.hasPrevious} @click=${() => go(this.page - 1)}>Previous</button>
      <button class="btn" type="button" ?disabled=${!paged.hasNext} @click=${() => go(this.page + 1)}>Next</button>
    </div>`;
  }

  private toggleMenu(): void {
    this.menuOpen = !this.menuOpen;
    if (this.menuOpen) {
      void this.updateComplete.then(() => (this.renderRoot.querySelector('.menu button:not([disabled])') as HTMLElement | null)?.focus());
    }
  }

  private closeMenu(focusButton = true): void {
    this.menuOpen = false;
    if (focusButton) {
      void this.updateComplete.then(() => (this.renderRoot.querySelector('header .icon-btn') as HTMLElement | null)?.focus());
    }
  }

  private onMenuKey(e: KeyboardEvent): void {
    const items = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.menu button:not([disabled])')];
    const at = items.indexOf((this.renderRoot as ShadowRoot).activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      this.closeMenu();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (at + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
      items[next]?.focus();
    }
  }

  private onMenuBlur(e: FocusEvent): void {
    const to = e.relatedTarget as Node | null;
    if (!to || !this.renderRoot.contains(to)) this.menuOpen = false;
  }

  /** Rename in place: an input over the title, Enter (or leaving it) saves, Escape cancels.
   * Only on a dashboard the user may change (not a view-only one, not a preview). */
  private startRename(): void {
    this.closeMenu(false);
    if (this.readonly || this.preview) return;
    this.renaming = true;
    void this.updateComplete.then(() => {
      const input = this.renderRoot.querySelector('input.rename') as HTMLInputElement | null;
      input?.focus();
      input?.select();
    });
  }

  private onTitleDblClick(e: MouseEvent): void {
    if (this.readonly || this.preview) return;
    e.preventDefault();
    this.startRename();
  }

  private onRenameKey(e: KeyboardEvent): void {
    // Keys typed into the title are the title's: not the grid's moves, not a dialog's Escape.
    e.stopPropagation();
    if (e.key === 'Enter') {
      e.preventDefault();
      this.finishRename((e.target as HTMLInputElement).value);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      this.finishRename(null);
    }
  }

  private onRenameBlur(e: FocusEvent): void {
    if (this.renaming) this.finishRename((e.target as HTMLInputElement).value);
  }

  /** End renaming: save `title` (null: cancel) through the dashboard, which saves and undoes it
   * as any other change; then the focus goes back to the tile's menu button. */
  private finishRename(title: string | null): void {
    if (!this.renaming) return;
    this.renaming = false;
    const next = title?.trim();
    if (next !== undefined && next !== (this.tile.title ?? '')) emit(this, 'tile-rename', { id: this.tile.id, title: next });
    void this.updateComplete.then(() => (this.renderRoot.querySelector('header .icon-btn') as HTMLElement | null)?.focus());
  }

  private act(name: string): void {
    this.closeMenu(false);
    emit(this, name, { id: this.tile.id });
  }

  private onGripKey(e: KeyboardEvent): void {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, -1],
      ArrowDown: [0, 1],
    };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    const [dx, dy] = move;
    const detail = e.shiftKey ? { id: this.tile.id, dw: dx, dh: dy } : { id: this.tile.id, dx, dy };
    emit(this, 'tile-nudge', detail);
  }

  private headers(): string[] {
    const index = this.index;
    const spec = this.view.query;
    const labels = index && spec ? index.resultLabels(spec) : [];
    return (this.result?.columns ?? []).map((c, i) => labels[i] ?? c.name);
  }

  private async exportCsv(): Promise<void> {
    this.closeMenu();
    if (!this.result) return;
    let rows = this.result.rows;
    const spec = this.view.query;
    if (this.paged && spec && this.ctx.api) {
      // A list shown a page at a time exports all its rows (up to the server's row cap), as
      // the list stands with the dashboard's filters, not the page on screen.
      const whole: QuerySpec = { ...withDashboardFilters(spec, this.dashboardFilters, this.index).spec };
      delete whole.limit;
      delete whole.offset;
      const source = this.tile?.source ?? this.ctx.index?.sourceOf(spec.table);
      try {
        rows = (await this.ctx.api.query(whole, source, false)).rows;
      } catch {
        // The page on screen rather than nothing; the tile shows the error on its next run.
      }
    }
    const csv = toCsv(this.headers(), rows, this.result.columns);
    download(fileName(this.tile.title, 'csv'), new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  }

  private async exportPng(): Promise<void> {
    this.closeMenu();
    if (!this.model) return;
    const colors = chartTheme(this);
    const font = getComputedStyle(this).fontFamily;
    const title = this.tile.title || 'Chart';
    let url: string | null = null;
    if (this.model.kind === 'echarts') {
      // The chart's own picture has no title (the tile header draws it): add it, and a map's
      // values, which the picture only shows as shades and dots.
      const chart = this.chartEl?.toPng(colors.surface) ?? null;
      url = chart ? await titledPng(chart, title, colors, font, this.model.values) : null;
    } else url = drawPng(title, this.model, { ...colors, line: colors.line }, font);
    if (url) download(fileName(this.tile.title, 'png'), url);
  }
}

/** The server refused the query as it was asked (400, 403, 404, 413, 422): asking again the
 * same way gets the same answer. Timeouts, rate limits, 5xx and network failures may pass. */
export function refusedAsAsked(err: unknown): boolean {
  return err instanceof ApiError && err.status >= 400 && err.status < 500 && ![401, 408, 409, 429].includes(err.status);
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-tile': PbTile;
  }
}
