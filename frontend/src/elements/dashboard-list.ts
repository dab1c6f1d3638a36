// <pb-dashboard-list>: the user's dashboards in three sections — their own (open, create,
// rename, share with their team, duplicate, delete with undo: the dashboard disappears at once
// and is deleted when the undo is gone), the starters the admin published (the first change
// makes the user's own copy), and the ones shared with them by their team (read-only; they
// duplicate one to edit it). Every chart runs with the user's own token, under their rules.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { emit, type EditorContext } from '../context.js';
import { timeAgo } from '../format.js';
import { icons } from '../icons.js';
import { shared } from '../styles.js';
import type { DashboardSummary } from '../types.js';
import { chatToggle, type ChatState } from '../chat-toggle.js';

@customElement('pb-dashboard-list')
export class PbDashboardList extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .head {
        display: flex;
        align-items: center;
        gap: 12px;
        margin-bottom: 16px;
        flex-wrap: wrap;
      }
      h2 {
        margin: 0;
        font-size: 20px;
        flex: 1;
      }
      .cards {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(240px, 1fr));
        gap: 12px;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .card {
        position: relative;
        display: grid;
        gap: 6px;
        padding: 14px 14px 12px;
        border-radius: var(--pb-radius);
        border: 1px solid var(--pb-border);
        background: var(--pb-surface);
        box-shadow: var(--pb-shadow);
        transition: border-color 0.12s, transform 0.12s;
      }
      .card:hover {
        border-color: var(--pb-accent);
      }
      .card .open {
        all: unset;
        cursor: pointer;
        font-weight: 600;
        font-size: 15px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        padding-right: 30px;
      }
      .card .open::after {
        content: '';
        position: absolute;
        inset: 0;
      }
      .card .open:focus-visible {
        outline: none;
      }
      .card:focus-within {
        box-shadow: var(--pb-focus);
      }
      .card .meta {
        font-size: 12.5px;
        color: var(--pb-muted);
      }
      .thumb {
        height: 54px;
        border-radius: 7px;
        background: var(--pb-surface-2);
        display: grid;
        grid-template-columns: repeat(6, 1fr);
        gap: 3px;
        padding: 6px;
        margin-bottom: 4px;
      }
      .thumb span {
        border-radius: 3px;
        background: color-mix(in srgb, var(--pb-accent) 22%, transparent);
      }
      /* Level with the title (which keeps room for it), below the preview: the card's padding,
       * the preview (54px), its margin and the gap, then centred on the title's line. */
      .card .more {
        position: absolute;
        top: 74px;
        right: 8px;
        z-index: 1;
      }
      .card .menu {
        top: 106px;
        right: 8px;
      }
      .rename {
        display: flex;
        gap: 6px;
        position: relative;
        z-index: 2;
      }
      .rename input {
        flex: 1;
      }
      .empty {
        display: grid;
        justify-items: center;
        gap: 12px;
        text-align: center;
        padding: 56px 20px;
        border: 2px dashed var(--pb-border);
        border-radius: 14px;
        background: var(--pb-surface);
      }
      .empty h3 {
        margin: 0;
        font-size: 19px;
      }
      .empty p {
        margin: 0;
        color: var(--pb-muted);
        max-width: 46ch;
      }
      .empty .icon {
        width: 56px;
        height: 56px;
        border-radius: 16px;
        display: grid;
        place-items: center;
        background: var(--pb-accent-soft);
        color: var(--pb-accent);
      }
      .empty .icon svg {
        width: 28px;
        height: 28px;
      }
      .skeleton.card-s {
        height: 128px;
        border-radius: var(--pb-radius);
      }
      .section {
        margin-top: 26px;
      }
      .section-head {
        display: flex;
        align-items: baseline;
        gap: 10px;
        flex-wrap: wrap;
        margin-bottom: 10px;
      }
      .section-head h2 {
        flex: none;
        font-size: 17px;
      }
      .section-head p,
      .none {
        margin: 0;
        font-size: 13px;
        color: var(--pb-muted);
      }
      .none {
        padding: 14px;
        border: 1px dashed var(--pb-border);
        border-radius: var(--pb-radius);
      }
      .badges {
        display: flex;
        gap: 6px;
        flex-wrap: wrap;
      }
      .badge {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        font-size: 11.5px;
        font-weight: 600;
        padding: 2px 8px 2px 6px;
        border-radius: 999px;
        background: var(--pb-surface-2);
        color: var(--pb-muted);
      }
      .badge svg {
        width: 13px;
        height: 13px;
      }
      .badge.starter {
        background: color-mix(in srgb, #f59f00 18%, transparent);
        color: color-mix(in srgb, #f59f00 60%, var(--pb-text));
      }
      .badge.team,
      .badge.shared {
        background: var(--pb-accent-soft);
        color: var(--pb-accent);
      }
      .card[data-kind='starter'] .thumb span {
        background: color-mix(in srgb, #f59f00 26%, transparent);
      }
      .card[data-kind='team'] .thumb span {
        background: color-mix(in srgb, var(--pb-accent) 12%, transparent);
        border: 1px dashed color-mix(in srgb, var(--pb-accent) 40%, transparent);
      }
      .menu button[aria-checked='true'] svg {
        color: var(--pb-accent);
      }
      .error {
        padding: 24px;
        text-align: center;
        display: grid;
        gap: 10px;
        justify-items: center;
      }
    `,
  ];

  @property({ attribute: false }) ctx!: EditorContext;
  /** The AI chat: null when it is not available. */
  @property({ attribute: false }) chat: ChatState = null;

  @state() private dashboards: DashboardSummary[] | null = null;
  /** The server says this user may share with a team (team attribute set, token carries it). */
  @state() private canShare = false;
  @state() private error = '';
  @state() private menuFor = '';
  @state() private renaming = '';
  @state() private creating = false;
  /** Deleted on screen, deleted on the server when the undo has gone. */
  private pendingDeletes = new Map<string, () => void>();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('ctx') && changed.get('ctx')?.epoch !== this.ctx.epoch) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const commit of this.pendingDeletes.values()) commit();
  }

  async load(): Promise<void> {
    this.error = '';
    try {
      const { dashboards: list, can_share } = await this.ctx.api.listAll();
      this.dashboards = list.filter((d) => !this.pendingDeletes.has(d.id));
      this.canShare = Boolean(can_share);
      emit(this, 'list-loaded', { count: list.length });
    } catch (err) {
      this.dashboards = null;
      this.error = this.ctx.reportError(err, 'loading your dashboards');
    }
  }

  private open(id: string, isNew = false): void {
    emit(this, 'navigate', { view: 'dashboard', id, isNew });
  }

  private async create(): Promise<void> {
    if (this.creating) return;
    this.creating = true;
    try {
      const dash = await this.ctx.api.createDashboard({ title: 'Untitled dashboard' });
      this.open(dash.id, true);
    } catch (err) {
      this.ctx.toast({ message: this.ctx.reportError(err, 'creating a dashboard'), tone: 'error' });
    } finally {
      this.creating = false;
    }
  }

  private async rename(id: string, title: string): Promise<void> {
    this.renaming = '';
    const clean = title.trim();
    const item = this.dashboards?.find((d) => d.id === id);
    if (!clean || !item || clean === item.title) return;
    this.dashboards = this.dashboards!.map((d) => (d.id === id ? { ...d, title: clean } : d));
    try {
      // Rename conflicts are harmless: read the newest version and rename that.
      for (let attempt = 0; attempt < 3; attempt++) {
        const full = await this.ctx.api.getDashboard(id);
        try {
          const saved = await this.ctx.api.updateDashboard(id, { title: clean, tiles: full.tiles, filters: full.filters, version: full.version });
          emit(this, 'plotboard:dashboard-saved', { id, title: saved.title, version: saved.version });
          break;
        } catch (err) {
          if (!(err instanceof Error && 'status' in err && (err as { status: number }).status === 409)) throw err;
        }
      }
      this.ctx.toast({ message: 'Dashboard renamed.', tone: 'success' });
    } catch (err) {
      this.ctx.toast({ message: this.ctx.reportError(err, 'renaming the dashboard'), tone: 'error' });
      void this.load();
    }
  }

  /** A copy of the user's own (from theirs, a starter or a teammate's), made by the server. */
  private async duplicate(item: DashboardSummary): Promise<void> {
    this.menuFor = '';
    try {
      const copy = await this.ctx.api.duplicateDashboard(item.id);
      this.ctx.toast({
        message: kindOf(item) === 'own' ? `“${item.title}” duplicated.` : `“${copy.title}” is now in your dashboards, yours to edit.`,
        tone: 'success',
      });
      await this.load();
    } catch (err) {
      this.ctx.toast({ message: this.ctx.reportError(err, 'duplicating the dashboard'), tone: 'error' });
    }
  }

  private async toggleSharing(item: DashboardSummary): Promise<void> {
    this.menuFor = '';
    const share = !item.shared;
    try {
      const saved = await this.ctx.api.setSharing(item.id, share);
      this.dashboards = (this.dashboards ?? []).map((d) => (d.id === item.id ? { ...d, shared: Boolean(saved.shared) } : d));
      this.ctx.toast({
        message: share
          ? `“${item.title}” is shared with your team, read-only. Each teammate sees their own data in it.`
          : `“${item.title}” is no longer shared with your team.`,
        tone: 'success',
      });
    } catch (err) {
      this.ctx.toast({ message: this.ctx.reportError(err, share ? 'sharing the dashboard' : 'stopping sharing'), tone: 'error' });
    }
  }

  private removeDashboard(item: DashboardSummary): void {
    this.menuFor = '';
    this.dashboards = this.dashboards!.filter((d) => d.id !== item.id);
    const commit = () => {
      if (!this.pendingDeletes.delete(item.id)) return;
      this.ctx.api.deleteDashboard(item.id, true).catch((err: unknown) => {
        this.ctx.toast({ message: this.ctx.reportError(err, 'deleting the dashboard'), tone: 'error' });
        void this.load();
      });
    };
    this.pendingDeletes.set(item.id, commit);
    this.ctx.toast({
      message: `“${item.title}” deleted.`,
      timeout: 7000,
      action: {
        label: 'Undo',
        run: () => {
          this.pendingDeletes.delete(item.id);
          void this.load();
        },
      },
      expire: commit,
    });
  }

  override render() {
    const editable = this.ctx.editable;
    return html`
      <div class="head">
        <h2>My dashboards</h2>
        ${chatToggle(this, this.chat)}
        ${editable
          ? html`<button class="btn primary" data-action="new-dashboard" ?disabled=${this.creating} @click=${this.create}>${icons.plus} New dashboard</button>`
          : nothing}
      </div>
      ${this.renderBody()}
    `;
  }

  private renderBody() {
    if (this.error) {
      return html`<div class="error" role="alert">
        <p><strong>Your dashboards couldn't be loaded.</strong></p>
        <p class="muted">${this.error}</p>
        <button class="btn" @click=${() => void this.load()}>${icons.refresh} Try again</button>
      </div>`;
    }
    if (!this.dashboards) {
      return html`<div class="cards" aria-busy="true" aria-label="Loading dashboards">${[1, 2, 3].map(() => html`<div class="skeleton card-s"></div>`)}</div>`;
    }
    const own = this.dashboards.filter((d) => kindOf(d) === 'own');
    const starters = this.dashboards.filter((d) => kindOf(d) === 'starter');
    const team = this.dashboards.filter((d) => kindOf(d) === 'team');
    if (!this.dashboards.length) {
      return html`<div class="empty">
        <div class="icon">${icons.dashboard}</div>
        <h3>No dashboards yet</h3>
        <p>A dashboard gathers the charts you care about in one place. It is yours: nobody else sees it.</p>
        ${this.ctx.editable ? html`<button class="btn primary" ?disabled=${this.creating} @click=${this.create}>${icons.plus} Create your first dashboard</button>` : nothing}
      </div>`;
    }
    return html`
      ${own.length
        ? html`<ul class="cards" aria-label="My dashboards">
            ${own.map((d) => this.renderCard(d))}
          </ul>`
        : html`<p class="none" data-none="own">
            No dashboards of your own yet.${this.ctx.editable ? ' Create one, or open a starter: your first change saves it as your own.' : ''}
          </p>`}
      ${starters.length
        ? html`<section class="section" aria-labelledby="pb-starters-title" data-section="starters">
            <div class="section-head">
              <h2 id="pb-starters-title">Starters</h2>
              <p>Ready-made by your admin, showing your own data.${this.ctx.editable ? ' Your first change saves your own copy.' : ''}</p>
            </div>
            <ul class="cards" aria-label="Starters">
              ${starters.map((d) => this.renderCard(d))}
            </ul>
          </section>`
        : nothing}
      ${team.length
        ? html`<section class="section" aria-labelledby="pb-shared-title" data-section="shared">
            <div class="section-head">
              <h2 id="pb-shared-title">Shared with me</h2>
              <p>Shared by your team, read-only; every chart shows the data you may see.${this.ctx.editable ? ' Duplicate one to edit it.' : ''}</p>
            </div>
            <ul class="cards" aria-label="Shared with me">
              ${team.map((d) => this.renderCard(d))}
            </ul>
          </section>`
        : nothing}
    `;
  }

  private renderBadges(d: DashboardSummary) {
    const kind = kindOf(d);
    if (kind === 'starter') return html`<span class="badges"><span class="badge starter" data-badge="starter">${icons.star} Starter</span></span>`;
    if (kind === 'team') return html`<span class="badges"><span class="badge team" data-badge="team">${icons.users} From your team · read-only</span></span>`;
    const badges = [];
    if (d.shared) badges.push(html`<span class="badge shared" data-badge="shared">${icons.users} Shared with your team</span>`);
    if (d.copied_from) badges.push(html`<span class="badge" data-badge="copy">${icons.star} From a starter</span>`);
    return badges.length ? html`<span class="badges">${badges}</span>` : nothing;
  }

  private renderCard(d: DashboardSummary) {
    const kind = kindOf(d);
    const editable = this.ctx.editable;
    // Own dashboards have the full menu; starters and teammates' offer open and duplicate.
    const hasMenu = editable;
    return html`<li class="card" data-dashboard-id=${d.id} data-kind=${kind}>
      <div class="thumb" aria-hidden="true">
        ${Array.from({ length: Math.min(6, Math.max(1, d.tile_count)) }, (_, i) => html`<span style="grid-column: span ${i % 3 === 0 ? 2 : 1}"></span>`)}
      </div>
      ${this.renaming === d.id
        ? html`<form
            class="rename"
            @submit=${(e: Event) => {
              e.preventDefault();
              void this.rename(d.id, ((e.target as HTMLFormElement).elements.namedItem('title') as HTMLInputElement).value);
            }}
          >
            <input
              name="title"
              type="text"
              aria-label="New title"
              maxlength="200"
              .value=${d.title}
              @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (this.renaming = '')}
            />
            <button class="btn primary" type="submit">Save</button>
          </form>`
        : html`<button class="open" @click=${() => this.open(d.id)} title="Open ${d.title}">${d.title}</button>`}
      <span class="meta">${d.tile_count} chart${d.tile_count === 1 ? '' : 's'} · ${kind === 'own' ? 'edited' : 'updated'} ${timeAgo(d.updated_at)}</span>
      ${this.renderBadges(d)}
      ${hasMenu && this.renaming !== d.id
        ? html`<button
            class="icon-btn more"
            aria-label="Actions for ${d.title}"
            aria-haspopup="menu"
            aria-expanded=${this.menuFor === d.id ? 'true' : 'false'}
            @click=${() => {
              this.menuFor = this.menuFor === d.id ? '' : d.id;
              void this.updateComplete.then(() => (this.renderRoot.querySelector('.card .menu button') as HTMLElement | null)?.focus());
            }}
          >
            ${icons.more}
          </button>`
        : nothing}
      ${this.menuFor === d.id
        ? html`<div
            class="menu"
            role="menu"
            @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (this.menuFor = '')}
            @focusout=${(e: FocusEvent) => {
              const to = e.relatedTarget as Node | null;
              if (!to || !(e.currentTarget as HTMLElement).contains(to)) this.menuFor = '';
            }}
          >
            <button role="menuitem" @click=${() => this.open(d.id)}>${icons.dashboard} Open</button>
            ${kind === 'own'
              ? html`<button
                  role="menuitem"
                  @click=${() => {
                    this.menuFor = '';
                    this.renaming = d.id;
                    void this.updateComplete.then(() => (this.renderRoot.querySelector('.rename input') as HTMLInputElement | null)?.select());
                  }}
                >
                  ${icons.edit} Rename
                </button>`
              : nothing}
            ${kind === 'own' && (this.canShare || d.shared)
              ? html`<button
                  role="menuitemcheckbox"
                  aria-checked=${d.shared ? 'true' : 'false'}
                  data-action="share"
                  title=${d.shared ? 'Stop showing it to your team' : 'Your team sees it read-only, each with their own data'}
                  @click=${() => void this.toggleSharing(d)}
                >
                  ${icons.users} ${d.shared ? 'Shared with your team' : 'Share with your team'}
                </button>`
              : nothing}
            <button role="menuitem" data-action="duplicate" @click=${() => void this.duplicate(d)}>
              ${icons.copy} ${kind === 'own' ? 'Duplicate' : 'Duplicate to my dashboards'}
            </button>
            ${kind === 'own'
              ? html`<hr />
                  <button role="menuitem" class="danger" @click=${() => this.removeDashboard(d)}>${icons.trash} Delete</button>`
              : nothing}
          </div>`
        : nothing}
    </li>`;
  }
}

/** Which section a dashboard belongs to. */
export function kindOf(d: DashboardSummary): 'own' | 'starter' | 'team' {
  if (d.owner === 'team') return 'team';
  return d.starter ? 'starter' : 'own';
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-dashboard-list': PbDashboardList;
  }
}
