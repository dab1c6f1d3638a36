// <pb-tile>: one chart on the dashboard. Runs its query (with the dashboard's filters), shows a
// skeleton while it loads, the chart when it is there, and a clear message when it failed —
// without disturbing the other tiles. Its menu edits, duplicates, exports and removes it.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { buildChart, chartNeeds, type ChartModel } from '../chart-options.js';
import { emit, withDashboardFilters, type EditorContext } from '../context.js';
import { download, drawPng, fileName, titledPng, toCsv } from '../export.js';
import { icons } from '../icons.js';
import { defaultChart } from '../model.js';
import { chartTheme, shared } from '../styles.js';
import { tileFilterTexts } from '../tile-filters.js';
import { CHART_TYPES, type ChartType, type DashboardFilter, type GeoPlace, type QueryResult, type QuerySpec, type Tile } from '../types.js';
import type { PbChart } from './chart.js';
import './chart.js';
import './kpi.js';
import './table.js';

type Status = 'idle' | 'loading' | 'ready' | 'error';

type World = typeof import('../world.js');
let worldLoading: Promise<World> | null = null;
function loadWorld(): Promise<World> {
  worldLoading ??= import('../world.js').catch((err: unknown) => {
    worldLoading = null;
    throw err;
  });
  return worldLoading;
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
        gap: 6px;
        cursor: grab;
        align-self: stretch;
      }
      :host([preview]) .handle,
      :host([readonly]) .handle {
        cursor: default;
      }
      .grip {
        display: inline-grid;
        place-items: center;
        color: var(--pb-muted);
        opacity: 0;
        width: 18px;
        height: 24px;
        margin-left: -6px;
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
      }
      h3 {
        margin: 0;
        font-size: 14px;
        font-weight: 600;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
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
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .body {
        flex: 1;
        min-height: 0;
        position: relative;
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
    `,
  ];

  @property({ attribute: false }) tile!: Tile;
  @property({ attribute: false }) ctx!: EditorContext;
  @property({ attribute: false }) filters: DashboardFilter[] = [];
  @property({ type: Number }) refreshKey = 0;
  @property({ type: Boolean, reflect: true }) preview = false;
  @property({ type: Boolean, reflect: true }) readonly = false;
  @property({ reflect: true, attribute: 'data-state' }) status: Status = 'idle';

  @state() private model: ChartModel | null = null;
  @state() private result: QueryResult | null = null;
  @state() private error = '';
  @state() private menuOpen = false;
  @state() private applied: DashboardFilter[] = [];
  /** The page of a list of records (spec v2 `select`), from 0. */
  @state() private page = 0;
  @query('pb-chart') private chartEl?: PbChart;

  private runKey = '';

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('menuOpen' as keyof PbTile)) {
      this.dispatchEvent(new CustomEvent('menu-toggle', { detail: this.menuOpen }));
    }
  }
  private runId = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.tile || !this.ctx) return;
    if (changed.has('tile') || changed.has('filters') || changed.has('refreshKey') || changed.has('ctx')) {
      const key = JSON.stringify([this.tile.query, this.tile.chart, this.filters, this.refreshKey, this.ctx.theme, Boolean(this.ctx.index), this.ctx.epoch]);
      if (key !== this.runKey) {
        if (changed.has('tile')) this.page = 0;
        this.runKey = key;
        void this.run(changed.has('refreshKey') && this.refreshKey > 0);
      }
    }
  }

  /** The chart type to draw: the tile's own, or the default for its query. */
  private get chartType(): ChartType {
    const spec = this.tile.query;
    const own = this.tile.chart?.type;
    if (own && (CHART_TYPES as readonly string[]).includes(own)) return own;
    return spec && this.ctx.index ? defaultChart(this.ctx.index, spec) : 'table';
  }

  private async run(fresh = false): Promise<void> {
    const id = ++this.runId;
    const index = this.ctx.index;
    const spec = this.tile.query;
    if (!spec || !index) {
      this.status = spec ? 'loading' : 'idle';
      return;
    }
    this.status = 'loading';
    this.error = '';
    const filtered = withDashboardFilters(spec, this.filters, index);
    const applied = filtered.applied;
    // A list of records pages through its rows: `limit` per page, `offset` to the page.
    const effective = spec.select?.length && this.page > 0 ? { ...filtered.spec, offset: this.page * (spec.limit ?? 50) } : filtered.spec;
    const type = this.chartType;
    try {
      const needs = chartNeeds({ type, spec, index });
      const world = needs ? loadWorld() : null;
      const result = await this.ctx.api.query(effective as QuerySpec, index.sourceOf(spec.table), fresh);
      let map: { places: Record<string, GeoPlace | null>; mapName: string; regions: ReadonlySet<string> } | null = null;
      if (world && needs) {
        const names = [...new Set(result.rows.map((r) => String(r[0] ?? '')))].filter(Boolean);
        const [w, places] = await Promise.all([world, this.ctx.geo.lookup(names, needs)]);
        map = { places, mapName: w.MAP_NAME, regions: w.REGION_IDS };
      }
      if (id !== this.runId) return;
      await this.updateComplete;
      this.result = result;
      this.applied = applied;
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
          <h3 title=${title}>${title}</h3>
          ${this.applied.length
            ? html`<span class="badge" title="Dashboard filters applied to this chart">${icons.filter}${this.applied.length}</span>`
            : nothing}
        </div>
        ${this.preview ? nothing : this.renderMenu(title)}
      </header>
      ${this.renderOwnFilters()}
      <div class="body">${this.renderBody()}</div>
    `;
  }

  /** The tile's own filters (saved in its query), so a reader knows what the chart leaves out. */
  private renderOwnFilters() {
    const table = this.tile?.query?.table ?? '';
    const label = (c: string) => this.ctx?.index?.choice(table, c)?.label ?? c;
    const texts = tileFilterTexts(this.tile?.query as { filters?: unknown[] } | null, label);
    if (!texts.length) return nothing;
    return html`<div class="own-filters" data-own-filters aria-label="Filters of this chart">
      ${texts.map((t) => html`<span class="badge" title=${t}>${icons.filter}${t}</span>`)}
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
                  <button role="menuitem" @click=${() => this.act('tile-duplicate')}>${icons.copy} Duplicate</button>`}
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
    if (!this.tile.query) {
      return html`<div class="state">
        <div class="icon">${icons.sparkle}</div>
        <p>This tile has no chart yet.</p>
        ${this.readonly ? nothing : html`<button class="btn" @click=${() => this.act('tile-edit')}>Choose data</button>`}
      </div>`;
    }
    if (this.status === 'error') {
      return html`<div class="state error" role="alert">
        <div class="icon">${icons.alert}</div>
        <p><strong>This chart couldn't load.</strong></p>
        <p class="detail" data-error>${this.error}</p>
        <div class="actions">
          <button class="btn" @click=${this.retry}>${icons.refresh} Try again</button>
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
        return html`<pb-table .columns=${model.columns} .rows=${model.rows}></pb-table>${this.renderPager()}${notes}`;
      default:
        return html`<pb-chart aria-label=${this.tile.title || 'Chart'} .option=${model.option}></pb-chart>${notes}`;
    }
  }

  /** Previous and next for a list of records: a full page means there may be more. */
  private renderPager() {
    const spec = this.tile.query;
    if (!spec?.select?.length || !this.result) return nothing;
    const size = spec.limit ?? 50;
    const shown = this.result.rows.length;
    if (this.page === 0 && shown < size) return nothing;
    const first = this.page * size + 1;
    const go = (page: number) => {
      this.page = page;
      void this.run();
    };
    return html`<div class="pager" role="navigation" aria-label="Pages" style="display:flex;align-items:center;justify-content:flex-end;gap:8px;font-size:12.5px;color:var(--pb-muted);padding-top:4px">
      <span data-page-range>Rows ${first.toLocaleString()}–${(first + shown - 1).toLocaleString()}</span>
      <button class="btn" type="button" ?disabled=${this.page === 0} @click=${() => go(this.page - 1)}>Previous</button>
      <button class="btn" type="button" ?disabled=${shown < size} @click=${() => go(this.page + 1)}>Next</button>
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
    const index = this.ctx.index;
    const spec = this.tile.query;
    const labels = index && spec ? index.resultLabels(spec) : [];
    return (this.result?.columns ?? []).map((c, i) => labels[i] ?? c.name);
  }

  private exportCsv(): void {
    this.closeMenu();
    if (!this.result) return;
    const csv = toCsv(this.headers(), this.result.rows, this.result.columns);
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

declare global {
  interface HTMLElementTagNameMap {
    'pb-tile': PbTile;
  }
}
