// <pb-dashboard>: one open dashboard — title, save status, filters, the grid, the builder.
// Every change saves by itself (debounced) and says so. A 409 (changed in another tab) is
// merged so that neither side's work is lost, then saved again.

import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError } from '../api.js';
import { emit, errorMessage, uid, withDashboardFilters, type EditorContext } from '../context.js';
import { timeAgo } from '../format.js';
import { iconForChart, icons } from '../icons.js';
import { mergeDashboards } from '../merge.js';
import { CHART_LABELS } from '../model.js';
import { starterTiles } from '../starters.js';
import { chatToggle, type ChatState } from '../chat-toggle.js';
import { shared } from '../styles.js';
import { dashboardStyles } from './dashboard.styles.js';
import type { ChartType, Dashboard, DashboardFilter, Layout, Tile } from '../types.js';
import type { BuiltTile } from '../draft.js';
import './builder.js';
import './filter-bar.js';
import './grid.js';

type SaveState = 'saved' | 'dirty' | 'saving' | 'error';

const SAVE_DELAY_MS = 700;
const COLUMNS = 12;

/** A new tile's size by chart type, in grid cells. */
export function sizeFor(type: ChartType | undefined): { w: number; h: number } {
  switch (type) {
    case 'kpi':
      return { w: 3, h: 3 };
    case 'table':
    case 'map':
      return { w: 6, h: 5 };
    default:
      return { w: 6, h: 4 };
  }
}

/** The first free place for a w×h tile, scanning rows top to bottom. */
export function findSpot(tiles: Tile[], w: number, h: number): Layout {
  const taken = (x: number, y: number) =>
    tiles.some((t) => x < t.layout.x + t.layout.w && x + w > t.layout.x && y < t.layout.y + t.layout.h && y + h > t.layout.y);
  for (let y = 0; y < 1000; y++) {
    for (let x = 0; x + w <= COLUMNS; x++) if (!taken(x, y)) return { x, y, w, h };
  }
  return { x: 0, y: 1000, w, h };
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

@customElement('pb-dashboard')
export class PbDashboard extends LitElement {
  static override styles = [shared, dashboardStyles];

  @property({ attribute: false }) ctx!: EditorContext;
  @property() dashboardId = '';
  /** Just created: the title is selected, ready to be typed over. */
  @property({ type: Boolean }) isNew = false;
  /** Opened by the user from inside the editor: focus goes to its heading once it is loaded
   * (the button they pressed is gone; without this, keyboard focus falls back to the page). */
  @property({ type: Boolean }) takeFocus = false;
  /** The AI chat: null when it is not available. */
  @property({ attribute: false }) chat: ChatState = null;

  @state() private dash: Dashboard | null = null;
  @state() private loadError = '';
  @state() private saveState: SaveState = 'saved';
  @state() private saveError = '';
  @state() private savedAt = '';
  @state() private builder: { open: boolean; tile: Tile | null; fresh?: boolean } = { open: false, tile: null };
  @state() private refreshKey = 0;
  @state() private notice = '';

  /** What the server has: the base of a three-way merge. */
  private base: Dashboard | null = null;
  private timer = 0;
  private saving: Promise<void> | null = null;
  private again = false;
  private retryTimer = 0;

  private readonly onPageHide = () => this.flushOnExit();

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('pagehide', this.onPageHide);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pagehide', this.onPageHide);
    this.flushOnExit();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('dashboardId') || (changed.has('ctx') && changed.get('ctx')?.epoch !== this.ctx.epoch)) {
      void this.load();
    }
  }

  private async load(): Promise<void> {
    clearTimeout(this.timer);
    this.dash = null;
    this.loadError = '';
    try {
      const dash = await this.ctx.api.getDashboard(this.dashboardId);
      this.dash = dash;
      this.base = clone(dash);
      this.saveState = 'saved';
      this.savedAt = dash.updated_at;
      emit(this, 'dashboard-loaded', { id: dash.id, title: dash.title });
      if (this.isNew && this.ctx.editable) {
        await this.updateComplete;
        (this.renderRoot.querySelector('.title') as HTMLInputElement | null)?.select();
      } else if (this.takeFocus) {
        await this.updateComplete;
        (this.renderRoot.querySelector('[data-heading]') as HTMLElement | null)?.focus({ preventScroll: true });
      }
    } catch (err) {
      this.loadError = this.ctx.reportError(err, 'opening the dashboard');
    }
  }

  // --- saving --------------------------------------------------------------------------

  private change(mutate: (d: Dashboard) => Dashboard): void {
    if (!this.dash || !this.ctx.editable) return;
    this.dash = mutate(this.dash);
    this.saveState = 'dirty';
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.save(), SAVE_DELAY_MS);
  }

  /** Save now (waiting for a save in flight); resolves when the dashboard is saved or failed. */
  async save(): Promise<void> {
    clearTimeout(this.timer);
    if (this.saving) {
      this.again = true;
      return this.saving;
    }
    if (!this.dash || this.saveState === 'saved') return;
    this.saving = this.saveOnce().finally(() => {
      this.saving = null;
      if (this.again) {
        this.again = false;
        void this.save();
      }
    });
    return this.saving;
  }

  private async saveOnce(): Promise<void> {
    const sent = this.dash!;
    this.saveState = 'saving';
    try {
      const saved = await this.ctx.api.updateDashboard(sent.id, {
        title: sent.title.trim() || 'Untitled dashboard',
        tiles: sent.tiles,
        filters: sent.filters,
        version: sent.version,
      });
      this.base = clone(saved);
      this.savedAt = saved.updated_at;
      if (this.dash === sent) {
        this.dash = { ...sent, version: saved.version, updated_at: saved.updated_at };
        this.saveState = 'saved';
      } else {
        // Changed while saving: keep those changes, on top of the new version.
        this.dash = { ...this.dash!, version: saved.version };
        this.again = true;
      }
      this.saveError = '';
      emit(this, 'plotboard:dashboard-saved', { id: saved.id, title: saved.title, version: saved.version });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.body.current) {
        this.resolveConflict(err.body.current as Dashboard);
        this.again = true;
        return;
      }
      this.saveState = 'error';
      this.saveError = errorMessage(err);
      this.ctx.reportError(err, 'saving the dashboard');
      if (err instanceof ApiError && (err.status === 0 || err.status >= 500)) {
        clearTimeout(this.retryTimer);
        this.retryTimer = window.setTimeout(() => void this.retrySave(), 5000);
      }
    }
  }

  private retrySave(): void {
    if (this.saveState === 'error') {
      this.saveState = 'dirty';
      void this.save();
    }
  }

  private resolveConflict(current: Dashboard): void {
    const base = this.base ?? current;
    const { merged, doubled } = mergeDashboards(base, this.dash!, current, uid);
    this.base = clone(current);
    this.dash = merged;
    this.saveState = 'dirty';
    this.notice = doubled.length
      ? `This dashboard was also changed in another tab or window. Both versions are kept: your edits of “${doubled.join('”, “')}” were added as separate charts.`
      : 'This dashboard was also changed in another tab or window. Both sets of changes are kept.';
  }

  /** The page is going away: send what is not saved yet, as a request that outlives the page. */
  private flushOnExit(): void {
    if (!this.dash || this.saveState === 'saved' || !this.ctx.editable) return;
    clearTimeout(this.timer);
    const d = this.dash;
    void this.ctx.api
      .request('PUT', `/api/v1/embed/dashboards/${encodeURIComponent(d.id)}`, {
        body: { title: d.title.trim() || 'Untitled dashboard', tiles: d.tiles, filters: d.filters, version: d.version },
        keepalive: true,
      })
      .catch(() => undefined);
  }

  // --- tiles ---------------------------------------------------------------------------

  private tile(id: string): Tile | undefined {
    return this.dash?.tiles.find((t) => t.id === id);
  }

  private addTile(built: BuiltTile): void {
    this.addTiles([built]);
  }

  /** Add tiles at the first free places (the AI's "Add to dashboard"); autosave does the rest.
   * False when there is no dashboard to add to (still loading, or view only). */
  addTiles(built: BuiltTile[]): boolean {
    if (!this.dash || !this.ctx.editable || !built.length) return false;
    this.change((d) => {
      const tiles = [...d.tiles];
      for (const b of built) {
        const { w, h } = sizeFor(b.chart.type);
        tiles.push({ id: uid(), title: b.title, query: clone(b.query), chart: { ...b.chart }, layout: findSpot(tiles, w, h) });
      }
      return { ...d, tiles };
    });
    return true;
  }

  /** Open the builder on a new chart to start from (the AI's "Edit in builder"). */
  openBuilderWith(built: BuiltTile): boolean {
    if (!this.dash || !this.ctx.editable) return false;
    const tile: Tile = { id: 'new', title: built.title, query: clone(built.query), chart: { ...built.chart }, layout: { x: 0, y: 0, w: 6, h: 4 } };
    this.builder = { open: true, tile, fresh: true };
    return true;
  }

  private onBuilderSave(e: CustomEvent<BuiltTile>): void {
    const editing = this.builder.fresh ? null : this.builder.tile;
    if (editing) {
      this.change((d) => ({
        ...d,
        tiles: d.tiles.map((t) => (t.id === editing.id ? { ...t, title: e.detail.title, query: e.detail.query, chart: e.detail.chart } : t)),
      }));
    } else {
      this.addTile(e.detail);
    }
    this.builder = { open: false, tile: null };
    this.ctx.toast({ message: editing ? 'Chart updated.' : 'Chart added to the dashboard.', tone: 'success' });
  }

  private duplicate(id: string): void {
    const source = this.tile(id);
    if (!source) return;
    this.change((d) => ({
      ...d,
      tiles: [...d.tiles, { ...clone(source), id: uid(), title: `${source.title} (copy)`, layout: findSpot(d.tiles, source.layout.w, source.layout.h) }],
    }));
  }

  private removeTile(id: string): void {
    const removed = this.tile(id);
    if (!removed) return;
    const at = this.dash!.tiles.indexOf(removed);
    this.change((d) => ({ ...d, tiles: d.tiles.filter((t) => t.id !== id) }));
    this.ctx.toast({
      message: `“${removed.title || 'Chart'}” removed.`,
      action: {
        label: 'Undo',
        run: () =>
          this.change((d) => {
            const tiles = [...d.tiles];
            tiles.splice(Math.min(at, tiles.length), 0, removed);
            return { ...d, tiles };
          }),
      },
    });
  }

  private onLayout(e: CustomEvent<Record<string, Layout>>): void {
    if (!this.dash || !this.ctx.editable) return;
    const layouts = e.detail;
    const changed = this.dash.tiles.some((t) => {
      const l = layouts[t.id];
      return l && (l.x !== t.layout.x || l.y !== t.layout.y || l.w !== t.layout.w || l.h !== t.layout.h);
    });
    if (!changed) return;
    this.change((d) => ({ ...d, tiles: d.tiles.map((t) => (layouts[t.id] ? { ...t, layout: layouts[t.id]! } : t)) }));
  }

  // --- render ---------------------------------------------------------------------------

  override render() {
    if (this.loadError) {
      return html`<div class="failed" role="alert">
        <p><strong>This dashboard couldn't be opened.</strong></p>
        <p class="muted">${this.loadError}</p>
        <div style="display:flex;gap:8px">
          <button class="btn" @click=${() => void this.load()}>${icons.refresh} Try again</button>
          <button class="btn" @click=${this.back}>${icons.back} All dashboards</button>
        </div>
      </div>`;
    }
    if (!this.dash) {
      return html`<div aria-busy="true" aria-label="Loading dashboard">
        <div class="skeleton head"></div>
        <div class="skel-grid">${[1, 2, 3].map(() => html`<div class="skeleton"></div>`)}</div>
      </div>`;
    }
    const d = this.dash;
    const editable = this.ctx.editable;
    const tables = [...new Set(d.tiles.map((t) => t.query?.table).filter((t): t is string => Boolean(t)))];
    return html`
      <h2 class="sr-only" tabindex="-1" data-heading>${d.title.trim() || 'Untitled dashboard'}</h2>
      <div class="bar">
        <button class="btn ghost compact" @click=${this.back} aria-label="All dashboards">${icons.back}<span class="label">Dashboards</span></button>
        <input
          class="title"
          aria-label="Dashboard title"
          .value=${d.title}
          ?readonly=${!editable}
          maxlength="200"
          @input=${(e: Event) => this.change((x) => ({ ...x, title: (e.target as HTMLInputElement).value }))}
          @blur=${(e: Event) => {
            if (!(e.target as HTMLInputElement).value.trim()) this.change((x) => ({ ...x, title: 'Untitled dashboard' }));
          }}
          @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
        />
        ${this.renderStatus()}
        <button class="btn compact" @click=${() => this.refreshKey++} title="Run every chart's query again" aria-label="Refresh">${icons.refresh}<span class="label">Refresh</span></button>
        ${chatToggle(this, this.chat)}
        ${editable
          ? html`<button class="btn primary" data-action="add-chart" aria-label="Add chart" @click=${() => (this.builder = { open: true, tile: null })}>${icons.plus}<span class="label">Add chart</span></button>`
          : nothing}
      </div>
      ${this.notice
        ? html`<div class="notice" role="status">
            ${icons.alert}
            <p>${this.notice}</p>
            <button class="icon-btn" aria-label="Dismiss" @click=${() => (this.notice = '')}>${icons.close}</button>
          </div>`
        : nothing}
      <pb-filter-bar
        class="filters"
        .ctx=${this.ctx}
        .filters=${d.filters}
        .tables=${tables}
        .reach=${this.reach(d)}
        ?readonly=${!editable}
        @filters-change=${(e: CustomEvent<DashboardFilter[]>) => this.change((x) => ({ ...x, filters: e.detail }))}
      ></pb-filter-bar>
      ${d.tiles.length ? nothing : this.renderEmpty()}
      <pb-grid
        .tiles=${d.tiles}
        .ctx=${this.ctx}
        .filters=${d.filters}
        .refreshKey=${this.refreshKey}
        ?readonly=${!editable}
        @layout-change=${this.onLayout}
        @tile-edit=${(e: CustomEvent<{ id: string }>) => (this.builder = { open: true, tile: this.tile(e.detail.id) ?? null })}
        @tile-duplicate=${(e: CustomEvent<{ id: string }>) => this.duplicate(e.detail.id)}
        @tile-remove=${(e: CustomEvent<{ id: string }>) => this.removeTile(e.detail.id)}
      ></pb-grid>
      ${editable
        ? html`<pb-builder
            .ctx=${this.ctx}
            .tile=${this.builder.tile}
            .fresh=${Boolean(this.builder.fresh)}
            .open=${this.builder.open && Boolean(this.ctx.index)}
            @builder-close=${() => (this.builder = { open: false, tile: null })}
            @builder-save=${this.onBuilderSave}
          ></pb-builder>`
        : nothing}
    `;
  }

  private reach(d: Dashboard): Record<string, number> {
    const out: Record<string, number> = {};
    for (const f of d.filters) {
      out[f.id] = d.tiles.filter((t) => t.query && withDashboardFilters(t.query, [f], this.ctx.index).applied.length).length;
    }
    return out;
  }

  private renderStatus() {
    if (!this.ctx.editable) return html`<span class="status">View only</span>`;
    switch (this.saveState) {
      case 'dirty':
      case 'saving':
        return html`<span class="status" role="status" data-save-state="saving"><span class="spin" aria-hidden="true"></span>Saving…</span>`;
      case 'error':
        return html`<span class="status error" role="status" data-save-state="error" title=${this.saveError}
          >${icons.alert} Not saved
          <button class="btn ghost" style="min-height:26px;padding:2px 8px" @click=${this.retrySave}>Retry</button></span
        >`;
      default:
        return html`<span class="status saved" role="status" data-save-state="saved" title=${this.savedAt ? `Saved ${timeAgo(this.savedAt)}` : ''}
          >${icons.check} All changes saved</span
        >`;
    }
  }

  private renderEmpty() {
    const starters = this.ctx.index && this.ctx.editable ? starterTiles(this.ctx.index) : [];
    return html`<div class="empty">
      <div class="icon">${icons.dashboard}</div>
      <h2>Start your dashboard</h2>
      <p>Add a chart: choose your data, what to measure and how to break it down. A preview shows the chart before it lands here.</p>
      <div class="steps"><span><b>1</b> Pick data</span><span><b>2</b> Choose a measure</span><span><b>3</b> Pick a chart</span></div>
      ${this.ctx.editable
        ? html`<button class="btn primary" @click=${() => (this.builder = { open: true, tile: null })}>${icons.plus} Add your first chart</button>`
        : nothing}
      ${starters.length
        ? html`<p style="font-size:13px">Or start with one of these:</p>
            <div class="starters">
              ${starters.map(
                (s) => html`<button class="starter" @click=${() => this.addTile(s)} title="Add a ${CHART_LABELS[s.chart.type].toLowerCase()} chart">
                  ${iconForChart(s.chart.type)} ${s.title}
                </button>`,
              )}
            </div>`
        : nothing}
    </div>`;
  }

  private async back(): Promise<void> {
    await this.save();
    emit(this, 'navigate', { view: 'list' });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-dashboard': PbDashboard;
  }
}
