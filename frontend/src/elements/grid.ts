// <pb-grid>: the dashboard's 12-column grid (gridstack.js). Tiles are dragged by their header
// and resized from their corner; on a narrow screen the grid turns into one column (the
// saved 12-column layout is kept as it is). Layout changes go up as `layout-change`.

import { LitElement, css, html, nothing, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { GridItemHTMLElement, GridStack, GridStackNode } from 'gridstack';
import gridstackCss from 'gridstack/dist/gridstack.css?inline';
import { emit, type EditorContext } from '../context.js';
import type { DashboardFilter, Layout, Tile } from '../types.js';
import type { PbTile } from './tile.js';
import { isText, type PbTextTile } from './text-tile.js';
import './text-tile.js';
import './tile.js';

// gridstack is a chunk of its own, requested as soon as this script runs: it arrives while the
// dashboard itself is fetched (in parallel, not after it), and the rest of the script is
// smaller to parse before anything shows.
type Gridstack = typeof import('gridstack');
let gridstackLoading: Promise<Gridstack> | null = null;
function loadGridstack(): Promise<Gridstack> {
  gridstackLoading ??= import('gridstack').catch((err: unknown) => {
    gridstackLoading = null;
    throw err;
  });
  return gridstackLoading;
}
loadGridstack().catch(() => undefined); // a failure shows on the grid that needs it

export const COLUMNS = 12;
/** Below this width (of the grid, not the window: the editor sits in a host page) one column. */
export const NARROW = 700;

@customElement('pb-grid')
export class PbGrid extends LitElement {
  static override styles = [
    unsafeCSS(gridstackCss),
    css`
      :host {
        display: block;
      }
      .grid-stack {
        min-height: 200px;
      }
      .load-failed {
        color: var(--pb-danger);
        padding: 12px;
      }
      .grid-stack > .grid-stack-item > .grid-stack-item-content {
        overflow: visible;
      }
      .grid-stack-item.menu-open {
        z-index: 20;
      }
      .grid-stack-placeholder > .placeholder-content {
        background: var(--pb-accent-soft);
        border: 2px dashed var(--pb-accent);
        border-radius: var(--pb-radius);
      }
      .grid-stack-item > .ui-resizable-se {
        opacity: 0.6;
      }
      .ui-draggable-dragging pb-tile {
        box-shadow: var(--pb-shadow-lg);
      }
    `,
  ];

  @property({ attribute: false }) tiles: Tile[] = [];
  @property({ attribute: false }) ctx!: EditorContext;
  @property({ attribute: false }) filters: DashboardFilter[] = [];
  @property({ type: Number }) refreshKey = 0;
  @property({ type: Boolean }) readonly = false;
  /** Clicked values may filter the dashboard (cross-filtering). */
  @property({ type: Boolean }) crossFilter = false;

  private grid: GridStack | null = null;
  private items = new Map<string, GridItemHTMLElement>();
  private observer: ResizeObserver | null = null;
  private syncing: Promise<void> = Promise.resolve();

  @state() private loadFailed = false;

  override render() {
    return html`<div class="grid-stack" @tile-nudge=${this.onNudge}></div>${this.loadFailed
      ? html`<p class="load-failed" role="alert">The dashboard's layout could not be loaded. Check the connection and reload the page.</p>`
      : nothing}`;
  }

  protected override async firstUpdated(): Promise<void> {
    let GridStack: Gridstack['GridStack'];
    try {
      ({ GridStack } = await loadGridstack());
    } catch {
      this.loadFailed = true;
      return;
    }
    if (!this.isConnected || this.grid) return;
    const el = this.renderRoot.querySelector('.grid-stack') as HTMLElement;
    const grid = GridStack.init(
      {
        column: COLUMNS,
        cellHeight: 64,
        margin: 6,
        animate: true,
        staticGrid: this.readonly,
        handle: '.pb-drag',
        resizable: { handles: 'se' },
        draggable: { handle: '.pb-drag', appendTo: 'parent' },
      },
      el,
    );
    if (!grid) return;
    this.grid = grid;
    grid.on('change', () => this.reportLayout());
    this.observer = new ResizeObserver(() => this.applyColumns());
    this.observer.observe(el);
    void this.sync();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.grid) return;
    if (changed.has('tiles')) void this.sync();
    else if (changed.has('filters') || changed.has('refreshKey') || changed.has('ctx') || changed.has('crossFilter')) this.passProps();
    if (changed.has('readonly')) this.applyStatic();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.grid?.destroy(false);
    this.grid = null;
    this.items.clear();
  }

  /** Whether the grid shows one column (narrow screens): layout changes are not saved then. */
  get narrow(): boolean {
    return (this.grid?.getColumn() ?? COLUMNS) !== COLUMNS;
  }

  /** One column in reading order on a narrow grid; back to the saved 12-column layout on a
   * wide one (gridstack keeps it while narrow). Narrow grids are not edited. */
  private applyColumns(): void {
    const grid = this.grid;
    if (!grid) return;
    const el = this.renderRoot.querySelector('.grid-stack') as HTMLElement;
    const want = el.clientWidth > 0 && el.clientWidth < NARROW ? 1 : COLUMNS;
    if (grid.getColumn() !== want) grid.column(want, want === 1 ? 'list' : 'moveScale');
    this.applyStatic();
  }

  private applyStatic(): void {
    this.grid?.setStatic(this.readonly || this.narrow);
  }

  private tileEl(item: HTMLElement): PbTile | PbTextTile {
    return item.querySelector('pb-tile, pb-text-tile') as PbTile | PbTextTile;
  }

  private passProps(): void {
    for (const tile of this.tiles) {
      const item = this.items.get(tile.id);
      if (item) this.setTileProps(this.tileEl(item), tile);
    }
  }

  private setTileProps(el: PbTile | PbTextTile, tile: Tile): void {
    el.tile = tile;
    el.ctx = this.ctx;
    el.filters = this.filters;
    el.refreshKey = this.refreshKey;
    el.readonly = this.readonly;
    if (!isText(tile)) (el as PbTile).canCrossFilter = this.crossFilter;
  }

  /** Bring gridstack's items in line with `tiles` (added, removed, changed, moved). */
  private sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncNow());
    return this.syncing;
  }

  private async syncNow(): Promise<void> {
    const grid = this.grid;
    if (!grid) return;
    const wanted = new Set(this.tiles.map((t) => t.id));
    for (const [id, item] of this.items) {
      if (!wanted.has(id)) {
        grid.removeWidget(item, true, false);
        this.items.delete(id);
      }
    }
    const added: Array<[GridItemHTMLElement, Tile]> = [];
    for (const tile of this.tiles) {
      const item = this.items.get(tile.id);
      if (item) {
        this.setTileProps(this.tileEl(item), tile);
        const node = item.gridstackNode;
        const l = tile.layout;
        if (node && !this.narrow && (node.x !== l.x || node.y !== l.y || node.w !== l.w || node.h !== l.h)) {
          grid.update(item, { x: l.x, y: l.y, w: l.w, h: l.h });
        }
        continue;
      }
      added.push([this.createItem(tile), tile]);
    }
    if (!added.length) return;
    const host = this.renderRoot.querySelector('.grid-stack') as HTMLElement;
    for (const [item] of added) host.appendChild(item);
    // The drag handle lives in the tile's shadow DOM: let the tiles render before gridstack
    // looks for it.
    await Promise.all(added.map(([item]) => this.tileEl(item).updateComplete));
    if (!this.grid) return;
    // New tiles take their place in the 12-column layout, then the grid narrows again.
    if (this.narrow) grid.column(COLUMNS, 'moveScale');
    grid.batchUpdate();
    for (const [item, tile] of added) {
      this.items.set(tile.id, item);
      grid.makeWidget(item);
    }
    grid.batchUpdate(false);
    this.reportLayout();
    this.applyColumns();
  }

  private createItem(tile: Tile): GridItemHTMLElement {
    const item = document.createElement('div') as GridItemHTMLElement;
    item.className = 'grid-stack-item';
    const l = tile.layout;
    const attrs: Record<string, number | string> = { 'gs-id': tile.id, 'gs-x': l.x, 'gs-y': l.y, 'gs-w': l.w, 'gs-h': l.h, 'gs-min-w': 2, 'gs-min-h': 2 };
    for (const [k, v] of Object.entries(attrs)) item.setAttribute(k, String(v));
    item.dataset.tileId = tile.id;
    const content = document.createElement('div');
    content.className = 'grid-stack-item-content';
    const el = document.createElement(isText(tile) ? 'pb-text-tile' : 'pb-tile');
    this.setTileProps(el, tile);
    el.addEventListener('menu-toggle', (e) => item.classList.toggle('menu-open', (e as CustomEvent<boolean>).detail));
    content.appendChild(el);
    item.appendChild(content);
    return item;
  }

  private reportLayout(): void {
    if (!this.grid || this.narrow) return;
    const layouts: Record<string, Layout> = {};
    for (const node of this.grid.engine.nodes as GridStackNode[]) {
      const id = node.id ?? (node.el as HTMLElement | undefined)?.dataset.tileId;
      if (!id) continue;
      layouts[String(id)] = { x: node.x ?? 0, y: node.y ?? 0, w: node.w ?? 1, h: node.h ?? 1 };
    }
    emit(this, 'layout-change', layouts);
  }

  private onNudge(e: CustomEvent<{ id: string; dx?: number; dy?: number; dw?: number; dh?: number }>): void {
    e.stopPropagation();
    const item = this.items.get(e.detail.id);
    const node = item?.gridstackNode;
    if (!this.grid || !item || !node || this.readonly || this.narrow) return;
    const { dx = 0, dy = 0, dw = 0, dh = 0 } = e.detail;
    const w = Math.min(COLUMNS, Math.max(2, (node.w ?? 1) + dw));
    const x = Math.min(COLUMNS - w, Math.max(0, (node.x ?? 0) + dx));
    const y = Math.max(0, (node.y ?? 0) + dy);
    const h = Math.max(2, (node.h ?? 1) + dh);
    this.grid.update(item, { x, y, w, h });
    this.reportLayout();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-grid': PbGrid;
  }
}
