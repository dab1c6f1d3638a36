// <pb-dashboard-origin>: what an open dashboard is when it is not simply the user's own — a
// starter the admin published (the first change saves the user's own copy) or a teammate's
// dashboard shared read-only (with "Duplicate to my dashboards"). Nothing for the user's own.

import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { emit, type EditorContext } from '../context.js';
import { icons } from '../icons.js';
import { shared } from '../styles.js';
import type { Ownership } from '../types.js';

@customElement('pb-dashboard-origin')
export class PbDashboardOrigin extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .origin {
        display: flex;
        align-items: center;
        gap: 10px;
        flex-wrap: wrap;
        padding: 9px 12px;
        margin-bottom: 10px;
        border-radius: 10px;
        border: 1px solid var(--pb-border);
        background: var(--pb-surface);
        font-size: 13.5px;
      }
      .origin svg {
        width: 17px;
        height: 17px;
        flex: none;
      }
      .origin[data-origin='starter'] svg {
        color: #f59f00;
      }
      .origin[data-origin='team'] {
        background: var(--pb-accent-soft);
      }
      .origin[data-origin='team'] svg {
        color: var(--pb-accent);
      }
      .origin p {
        margin: 0;
        flex: 1;
        min-width: 24ch;
      }
    `,
  ];

  @property({ attribute: false }) ctx!: EditorContext;
  @property({ attribute: false }) dashboard: (Ownership & { id: string; title: string }) | null = null;
  @state() private busy = false;

  private async duplicate(): Promise<void> {
    const d = this.dashboard;
    if (!d || this.busy) return;
    this.busy = true;
    try {
      const copy = await this.ctx.api.duplicateDashboard(d.id);
      this.ctx.toast({ message: `“${copy.title}” is now in your dashboards, yours to edit.`, tone: 'success' });
      emit(this, 'navigate', { view: 'dashboard', id: copy.id });
    } catch (err) {
      this.ctx.toast({ message: this.ctx.reportError(err, 'duplicating the dashboard'), tone: 'error' });
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const d = this.dashboard;
    if (!d) return nothing;
    if (d.owner === 'team') {
      return html`<div class="origin" role="note" data-origin="team">
        ${icons.users}
        <p><strong>Shared with you by your team</strong>, read-only. Every chart shows the data you may see.</p>
        ${this.ctx.editable
          ? html`<button class="btn compact" data-action="duplicate-shared" ?disabled=${this.busy} @click=${() => void this.duplicate()}>
              ${icons.copy} Duplicate to my dashboards
            </button>`
          : nothing}
      </div>`;
    }
    if (d.starter) {
      return html`<div class="origin" role="note" data-origin="starter">
        ${icons.star}
        <p>
          <strong>A starter from your admin</strong>, showing your own data.${this.ctx.editable
            ? ' Your first change saves your own copy; the starter stays as it is for everyone else.'
            : ''}
        </p>
      </div>`;
    }
    return nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-dashboard-origin': PbDashboardOrigin;
  }
}
