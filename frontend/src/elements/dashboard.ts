// <pb-dashboard>: one open dashboard — title, save status, filters, the grid, the builder.
// Every change saves by itself (debounced) and says so. A 409 (changed in another tab) is
// merged so that neither side's work is lost, then saved again.

import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError } from '../api.js';
import { emit, errorMessage, uid, withDashboardFilters, type EditorContext } from '../context.js';
import { timeAgo } from '../format.js';
import { iconForChart, icons } from '../icons.js';
import { addCrossFilter } from '../cross-filter.js';
import { mergeDashboards } from '../merge.js';
import { UndoHistory, contentOf, type Content } from '../undo.js';
import { getVersion, restoreVersion, summaryText, type DashboardVersion } from '../history.js';
import { CHART_LABELS } from '../model.js';
import { starterTiles } from '../starters.js';
import { chatToggle, type ChatState } from '../chat-toggle.js';
import { shared } from '../styles.js';
import { preloadWorldFor } from '../world-loader.js';
import { dashboardStyles } from './dashboard.styles.js';
import type { ChartType, Dashboard, DashboardFilter, Layout, Tile } from '../types.js';
import type { BuiltTile } from '../draft.js';
import './filter-bar.js';
import './grid.js';
import type { AnyTile } from './text-tile.js';

type SaveState = 'saved' | 'dirty' | 'saving' | 'error';

const SAVE_DELAY_MS = 700;
const COLUMNS = 12;

/** A new tile's size by chart type, in grid cells. */
export function sizeFor(type: ChartType | undefined, rows?: number): { w: number; h: number } {
  if (type === 'bar_horizontal' && rows && rows > 8) {
    // One bar of about 20px a category, plus the title and the axis, in rows of 64px (at most
    // 10): "revenue by product" with 17 products was drawn in slivers in the usual 4.
    return { w: 6, h: Math.min(10, Math.max(4, Math.ceil((rows * 20 + 110) / 64))) };
  }
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

// The builder and the history panel are chunks of their own, loaded the first time they open:
// a dashboard draws without them. Until its chunk has run, <pb-builder> is an unknown element
// holding the properties Lit set on it; it takes them over when it is defined.
const lazy = {
  builder: () => import('./builder.js'),
  history: () => import('./history.js'),
};
const loading = new Map<keyof typeof lazy, Promise<unknown>>();
function loadPart(part: keyof typeof lazy): Promise<unknown> {
  let p = loading.get(part);
  if (!p) {
    p = lazy[part]().catch((err: unknown) => {
      loading.delete(part);
      throw err;
    });
    loading.set(part, p);
  }
  return p;
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
  /** The history panel is open. */
  @state() private historyOpen = false;
  /** An old version shown read-only instead of the dashboard (from the history). */
  @state() private preview: DashboardVersion | null = null;
  @state() private restoring = false;
  /** Said to screen readers after an undo or redo. */
  @state() private announce = '';
  /** Cross-filters of someone who may not change the dashboard: for this visit, never saved. */
  @state() private viewFilters: DashboardFilter[] = [];

  /** What the server has: the base of a three-way merge. */
  private base: Dashboard | null = null;
  private timer = 0;
  private saving: Promise<void> | null = null;
  private again = false;
  private retryTimer = 0;

  /** Undo and redo of this editing session's changes (kept across autosaves). */
  private readonly undoHistory = new UndoHistory(uid);

  private readonly onPageHide = () => this.flushOnExit();
  private readonly onKey = (e: KeyboardEvent) => this.undoKey(e);

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('keydown', this.onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('keydown', this.onKey);
    this.flushOnExit();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('dashboardId') || (changed.has('ctx') && changed.get('ctx')?.epoch !== this.ctx.epoch)) {
      void this.load();
    }
    if (this.builder.open) this.loadPart('builder');
    if (this.historyOpen) this.loadPart('history');
  }

  private loadPart(part: 'builder' | 'history'): void {
    loadPart(part).catch(() => {
      if (part === 'builder') this.builder = { open: false, tile: null };
      else this.historyOpen = false;
      this.ctx.toast({ message: `The ${part === 'builder' ? 'chart builder' : 'history'} could not be loaded. Check the connection and try again.`, tone: 'error' });
    });
  }

  private async load(): Promise<void> {
    clearTimeout(this.timer);
    this.dash = null;
    this.preview = null;
    this.viewFilters = [];
    this.undoHistory.clear();
    this.loadError = '';
    try {
      const dash = await this.ctx.api.getDashboard(this.dashboardId);
      // A map tile's outline chunk starts loading now, beside the catalog and the tiles' data.
      preloadWorldFor(dash.tiles);
      this.dash = dash;
      this.base = clone(dash);
      this.saveState = 'saved';
      this.savedAt = dash.updated_at;
      emit(this, 'dashboard-loaded', { id: dash.id, title: dash.title, owner: dash.owner, starter: dash.starter, copied_from: dash.copied_from, shared: dash.shared });
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

  /** Make a change (an undoable step called `label`; steps of one `kind` in a row merge). */
  private change(mutate: (d: Dashboard) => Dashboard, label = 'change', kind = ''): void {
    if (!this.dash || !this.ctx.editable || this.preview) return;
    const before = contentOf(this.dash);
    this.dash = mutate(this.dash);
    this.undoHistory.record(before, contentOf(this.dash), label, kind);
    this.markDirty();
  }

  private markDirty(): void {
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
      // A starter's first save answers the user's own copy: its id from now on.
      if (this.dash === sent) {
        this.dash = { ...sent, id: saved.id, starter: saved.starter, copied_from: saved.copied_from, version: saved.version, updated_at: saved.updated_at };
        this.saveState = 'saved';
      } else {
        // Changed while saving: keep those changes, on top of the new version.
        this.dash = { ...this.dash!, id: saved.id, starter: saved.starter, copied_from: saved.copied_from, version: saved.version };
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
    const what = built.length === 1 ? `add “${built[0]!.title || 'Chart'}”` : `add ${built.length} charts`;
    this.change((d) => {
      const tiles = [...d.tiles];
      for (const b of built) {
        const { w, h } = sizeFor(b.chart.type, b.rows);
        tiles.push({ id: uid(), title: b.title, query: clone(b.query), chart: { ...b.chart }, layout: findSpot(tiles, w, h), ...(b.source ? { source: b.source } : {}) });
      }
      return { ...d, tiles };
    }, what);
    return true;
  }

  /** Open the builder on a new chart to start from (the AI's "Edit in builder"). */
  openBuilderWith(built: BuiltTile): boolean {
    if (!this.dash || !this.ctx.editable) return false;
    const tile: Tile = { id: 'new', title: built.title, query: clone(built.query), chart: { ...built.chart }, layout: { x: 0, y: 0, w: 6, h: 4 }, ...(built.source ? { source: built.source } : {}) };
    this.builder = { open: true, tile, fresh: true };
    return true;
  }

  private onBuilderSave(e: CustomEvent<BuiltTile>): void {
    const editing = this.builder.fresh ? null : this.builder.tile;
    if (editing) {
      this.change((d) => ({
        ...d,
        tiles: d.tiles.map((t) => {
          if (t.id !== editing.id) return t;
          const { source: _was, ...rest } = t;
          const source = e.detail.source;
          return { ...rest, title: e.detail.title, query: e.detail.query, chart: e.detail.chart, ...(source ? { source } : {}) };
        }),
      }), `edit “${e.detail.title || editing.title || 'Chart'}”`);
    } else {
      this.addTile(e.detail);
    }
    this.builder = { open: false, tile: null };
    this.ctx.toast({ message: editing ? 'Chart updated.' : 'Chart added to the dashboard.', tone: 'success' });
  }

  /** A new text tile at the first free place; it opens for typing. */
  private addText(): void {
    this.change((d) => {
      const tile: AnyTile = { id: uid(), kind: 'text', title: '', text: '', query: null, chart: {} as Tile['chart'], layout: findSpot(d.tiles, 6, 3) };
      return { ...d, tiles: [...d.tiles, tile] };
    }, 'add a text tile');
  }

  private setText(id: string, text: string): void {
    this.change((d) => ({ ...d, tiles: d.tiles.map((t) => (t.id === id ? ({ ...t, text } as AnyTile) : t)) }), 'edit a text tile');
  }

  /** A chart's new title, typed on the tile: saved (and undone) like any other change. */
  private renameTile(id: string, title: string): void {
    const tile = this.tile(id);
    if (!tile || tile.title === title) return;
    this.change((d) => ({ ...d, tiles: d.tiles.map((t) => (t.id === id ? { ...t, title } : t)) }), `rename “${tile.title || 'Chart'}”`);
  }

  private duplicate(id: string): void {
    const source = this.tile(id);
    if (!source) return;
    this.change((d) => ({
      ...d,
      tiles: [...d.tiles, { ...clone(source), id: uid(), title: source.title ? `${source.title} (copy)` : '', layout: findSpot(d.tiles, source.layout.w, source.layout.h) }],
    }), `duplicate “${source.title || 'Chart'}”`);
  }

  private removeTile(id: string): void {
    const removed = this.tile(id);
    if (!removed) return;
    const at = this.dash!.tiles.indexOf(removed);
    this.change((d) => ({ ...d, tiles: d.tiles.filter((t) => t.id !== id) }), `remove “${removed.title || ((removed as AnyTile).kind === 'text' ? 'Text' : 'Chart')}”`);
    this.ctx.toast({
      message: `“${removed.title || ((removed as AnyTile).kind === 'text' ? 'Text' : 'Chart')}” removed.`,
      action: {
        label: 'Undo',
        run: () =>
          this.change((d) => {
            const tiles = [...d.tiles];
            tiles.splice(Math.min(at, tiles.length), 0, removed);
            return { ...d, tiles };
          }, `bring back “${removed.title || ((removed as AnyTile).kind === 'text' ? 'Text' : 'Chart')}”`),
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
    const resized = this.dash.tiles.some((t) => {
      const l = layouts[t.id];
      return l && (l.w !== t.layout.w || l.h !== t.layout.h);
    });
    this.change(
      (d) => ({ ...d, tiles: d.tiles.map((t) => (layouts[t.id] ? { ...t, layout: layouts[t.id]! } : t)) }),
      resized ? 'resize a chart' : 'move charts',
    );
  }

  // --- undo / redo ---------------------------------------------------------------------

  /** Undo (or redo) the last step: an ordinary change, saved by the autosave. */
  undo(redo = false): boolean {
    if (!this.dash || !this.ctx.editable || this.preview) return false;
    const now = contentOf(this.dash);
    const label = redo ? this.undoHistory.redoLabel : this.undoHistory.undoLabel;
    const next: Content | null = redo ? this.undoHistory.redo(now) : this.undoHistory.undo(now);
    if (!next) return false;
    this.dash = { ...this.dash, ...next };
    this.markDirty();
    this.announce = `${redo ? 'Redone' : 'Undone'}: ${label}.`;
    return true;
  }

  /** Ctrl/Cmd+Z undoes, Shift+Ctrl/Cmd+Z (or Ctrl+Y) redoes — when the key is meant for this
   * dashboard: pressed inside it, or with nothing focused; text fields keep their own undo. */
  private undoKey(e: KeyboardEvent): void {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.defaultPrevented) return;
    const key = e.key.toLowerCase();
    const redo = (key === 'z' && e.shiftKey) || (key === 'y' && !e.shiftKey);
    if (key !== 'z' && !redo) return;
    const path = e.composedPath();
    const inside = path.includes(this);
    const nothingFocused = path[0] === document.body || path[0] === document.documentElement;
    if (!inside && !nothingFocused) return;
    const target = path[0] as HTMLElement | undefined;
    if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
    if (this.builder.open || this.offsetParent === null) return;
    if (this.undo(redo)) e.preventDefault();
  }

  // --- history -------------------------------------------------------------------------

  private async showVersion(version: number | null): Promise<void> {
    if (version === null || !this.dash) {
      this.preview = null;
      return;
    }
    try {
      this.preview = await getVersion(this.ctx.api, this.dash.id, version);
    } catch (err) {
      this.ctx.reportError(err, 'opening that version');
    }
  }

  /** Save what is pending, then save the previewed version as a new version on top of it. */
  private async restore(): Promise<void> {
    const old = this.preview;
    if (!old || !this.dash || !this.ctx.editable || this.restoring) return;
    this.restoring = true;
    try {
      for (let i = 0; i < 5 && this.saveState !== 'saved' && this.saveState !== 'error'; i++) await this.save();
      if (this.saveState === 'error') return;
      const before = contentOf(this.dash);
      const restored = await restoreVersion(this.ctx.api, this.dash.id, old.version, this.dash.version);
      this.undoHistory.record(before, contentOf(restored), `restore version ${old.version}`);
      this.base = clone(restored);
      this.dash = restored;
      this.savedAt = restored.updated_at;
      this.saveState = 'saved';
      this.preview = null;
      this.notice = '';
      this.refreshKey++;
      this.ctx.toast({ message: `Version ${old.version} restored; it is now version ${restored.version}.`, tone: 'success' });
      emit(this, 'plotboard:dashboard-saved', { id: restored.id, title: restored.title, version: restored.version });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.body.current) {
        const current = err.body.current as Dashboard;
        this.base = clone(current);
        this.dash = current;
        this.saveState = 'saved';
        this.notice = `This dashboard was saved somewhere else while you looked at version ${old.version}, so nothing was restored. The history now shows the newest version; restore again if you still want version ${old.version}.`;
      } else {
        this.ctx.reportError(err, 'restoring that version');
      }
    } finally {
      this.restoring = false;
    }
  }

  private renderUndo() {
    const mac = /Mac|iPhone|iPad/.test(navigator.platform);
    const mod = mac ? '⌘' : 'Ctrl+';
    const u = this.undoHistory;
    return html`<span class="undo" role="group" aria-label="Undo and redo">
      <button
        class="btn compact"
        data-action="undo"
        ?disabled=${!u.canUndo}
        aria-label=${u.canUndo ? `Undo ${u.undoLabel}` : 'Undo'}
        title=${`Undo${u.canUndo ? ` ${u.undoLabel}` : ''} (${mod}Z)`}
        @click=${() => this.undo()}
      >${icons.undo}</button>
      <button
        class="btn compact"
        data-action="redo"
        ?disabled=${!u.canRedo}
        aria-label=${u.canRedo ? `Redo ${u.redoLabel}` : 'Redo'}
        title=${`Redo${u.canRedo ? ` ${u.redoLabel}` : ''} (${mac ? '⇧⌘Z' : 'Ctrl+Shift+Z'})`}
        @click=${() => this.undo(true)}
      >${icons.redo}</button>
      <span class="sr-only" role="status">${this.announce}</span>
    </span>`;
  }

  private renderPreviewBanner(p: DashboardVersion) {
    return html`<div class="notice preview" role="status" data-preview=${p.version}>
      ${icons.history}
      <p>
        <strong>Version ${p.version}</strong>, saved ${timeAgo(p.updated_at)}: ${summaryText(p)}. This is a read-only
        preview; the dashboard is unchanged until you restore it.
      </p>
      ${this.ctx.editable
        ? html`<button class="btn primary compact" data-action="restore" ?disabled=${this.restoring} @click=${() => void this.restore()}>
            Restore this version
          </button>`
        : nothing}
      <button class="btn compact" @click=${() => (this.preview = null)}>Back to current</button>
    </div>`;
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
    const d = this.preview ?? this.dash;
    const editable = this.ctx.editable && !this.preview;
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
          @input=${(e: Event) => this.change((x) => ({ ...x, title: (e.target as HTMLInputElement).value }), 'rename', 'title')}
          @blur=${(e: Event) => {
            if (!(e.target as HTMLInputElement).value.trim()) this.change((x) => ({ ...x, title: 'Untitled dashboard' }), 'rename', 'title');
          }}
          @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
        />
        ${this.renderStatus()}
        ${editable ? this.renderUndo() : nothing}
        <button class="btn compact" @click=${() => this.refreshKey++} title="Run every chart's query again" aria-label="Refresh">${icons.refresh}<span class="label">Refresh</span></button>
        ${chatToggle(this, this.chat)}
        ${this.dash.owner === 'team' || this.dash.starter ? nothing : html`<button
          class="btn compact"
          data-action="history"
          aria-pressed=${this.historyOpen ? 'true' : 'false'}
          title="Saved versions: see what changed, preview and restore"
          @click=${() => {
            this.historyOpen = !this.historyOpen;
            if (!this.historyOpen) this.preview = null;
          }}
        >${icons.history}<span class="label">History</span></button>`}
        ${editable
          ? html`<button class="btn" data-action="add-text" title="Add a tile of text (Markdown)" @click=${this.addText}>${icons.edit}<span class="label">Add text</span></button>`
          : nothing}
        ${editable
          ? html`<button class="btn primary" data-action="add-chart" aria-label="Add chart" @click=${() => (this.builder = { open: true, tile: null })}>${icons.plus}<span class="label">Add chart</span></button>`
          : nothing}
      </div>
      ${this.preview ? this.renderPreviewBanner(this.preview) : nothing}
      ${this.notice
        ? html`<div class="notice" role="status">
            ${icons.alert}
            <p>${this.notice}</p>
            <button class="icon-btn" aria-label="Dismiss" @click=${() => (this.notice = '')}>${icons.close}</button>
          </div>`
        : nothing}
      <div class=${this.historyOpen ? 'body with-history' : 'body'}>
      <div class="main">
      <pb-filter-bar
        class="filters"
        .ctx=${this.ctx}
        .filters=${d.filters}
        .tables=${tables}
        .reach=${this.reach(d)}
        .sessionFilters=${this.preview ? [] : this.viewFilters}
        ?readonly=${!editable}
        @session-filters-change=${(e: CustomEvent<DashboardFilter[]>) => (this.viewFilters = e.detail)}
        @filters-change=${(e: CustomEvent<DashboardFilter[]>) => this.change((x) => ({ ...x, filters: e.detail }), 'change the filters')}
      ></pb-filter-bar>
      ${d.tiles.length ? nothing : this.renderEmpty()}
      <pb-grid
        .tiles=${d.tiles}
        .ctx=${this.ctx}
        .filters=${this.viewFilters.length && !this.preview ? [...d.filters, ...this.viewFilters] : d.filters}
        .refreshKey=${this.refreshKey}
        ?readonly=${!editable}
        ?crossFilter=${!this.preview}
        @layout-change=${this.onLayout}
        @tile-edit=${(e: CustomEvent<{ id: string }>) => (this.builder = { open: true, tile: this.tile(e.detail.id) ?? null })}
        @tile-duplicate=${(e: CustomEvent<{ id: string }>) => this.duplicate(e.detail.id)}
        @tile-rename=${(e: CustomEvent<{ id: string; title: string }>) => this.renameTile(e.detail.id, e.detail.title)}
        @tile-remove=${(e: CustomEvent<{ id: string }>) => this.removeTile(e.detail.id)}
        @tile-text=${(e: CustomEvent<{ id: string; text: string }>) => this.setText(e.detail.id, e.detail.text)}
        @tile-cross-filter=${(e: CustomEvent<DashboardFilter>) => this.crossFilter(e.detail)}
      ></pb-grid>
      </div>
      ${this.historyOpen
        ? html`<pb-history
            .ctx=${this.ctx}
            .dashboardId=${this.dash.id}
            .currentVersion=${this.dash.version}
            .selected=${this.preview?.version ?? null}
            @history-select=${(e: CustomEvent<{ version: number | null }>) => void this.showVersion(e.detail.version)}
            @history-close=${() => {
              this.historyOpen = false;
              this.preview = null;
            }}
          ></pb-history>`
        : nothing}
      </div>
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

  /** A value clicked on a tile filters the other tiles (an undoable filter change). */
  private crossFilter(filter: DashboardFilter): void {
    if (this.preview) return;
    if (!this.ctx.editable) {
      this.viewFilters = addCrossFilter(this.viewFilters, filter);
      return;
    }
    const value = Array.isArray(filter.value) ? filter.value.join(', ') : String(filter.value ?? 'empty');
    this.change((x) => ({ ...x, filters: addCrossFilter(x.filters, filter) }), `filter by ${value}`);
  }

  private reach(d: Dashboard): Record<string, number> {
    const out: Record<string, number> = {};
    for (const f of d.filters) {
      out[f.id] = d.tiles.filter((t) => t.query && f.from_tile !== t.id && withDashboardFilters(t.query, [f], this.ctx.index).applied.length).length;
    }
    return out;
  }

  private renderStatus() {
    if (!this.ctx.editable) return html`<span class="status view-only" data-view-only>${icons.lock}View only</span>`;
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
          >${icons.check} Saved</span
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
