// <pb-toasts>: short messages at the bottom ("Chart removed. Undo"), announced to screen readers.

import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Toast } from '../context.js';
import { icons } from '../icons.js';
import { shared } from '../styles.js';

interface Shown extends Toast {
  key: number;
  timer: number;
}

@customElement('pb-toasts')
export class PbToasts extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        position: fixed;
        left: 50%;
        bottom: 20px;
        transform: translateX(-50%);
        z-index: 2147483000;
        display: grid;
        gap: 8px;
        width: max-content;
        max-width: calc(100vw - 24px);
        pointer-events: none;
      }
      [role='status'] {
        display: grid;
        gap: 8px;
        justify-items: center;
      }
      .toast {
        pointer-events: auto;
        display: flex;
        align-items: center;
        gap: 12px;
        padding: 9px 10px 9px 14px;
        border-radius: 10px;
        background: var(--pb-text);
        color: var(--pb-surface);
        box-shadow: var(--pb-shadow-lg);
        font-size: 13.5px;
        animation: rise 0.18s ease-out;
      }
      .toast.error {
        background: var(--pb-danger);
        color: #fff;
      }
      .toast button.act {
        background: none;
        border: 0;
        color: inherit;
        font-weight: 700;
        text-decoration: underline;
        cursor: pointer;
        padding: 2px 4px;
      }
      .toast .icon-btn {
        color: inherit;
        width: 24px;
        height: 24px;
      }
      @keyframes rise {
        from {
          transform: translateY(8px);
          opacity: 0;
        }
      }
    `,
  ];

  @state() private toasts: Shown[] = [];
  private next = 0;

  show(toast: Toast): void {
    const key = ++this.next;
    const timeout = toast.timeout ?? (toast.action ? 7000 : toast.tone === 'error' ? 8000 : 3000);
    const timer = window.setTimeout(() => this.dismiss(key, true), timeout);
    // The same message again (three charts added in a row) replaces the one on screen.
    for (const t of this.toasts) if (t.message === toast.message && !t.action) this.dismiss(t.key, false);
    this.toasts = [...this.toasts.slice(-2), { ...toast, key, timer }];
  }

  private dismiss(key: number, expired: boolean): void {
    const toast = this.toasts.find((t) => t.key === key);
    if (!toast) return;
    clearTimeout(toast.timer);
    this.toasts = this.toasts.filter((t) => t.key !== key);
    if (expired) toast.expire?.();
  }

  /** Settle every pending toast (their `expire` runs): used when the workspace changes. */
  flush(): void {
    for (const t of this.toasts) this.dismiss(t.key, true);
  }

  override render() {
    return html`<div role="status" aria-live="polite">
      ${this.toasts.map(
        (t) => html`<div class="toast ${t.tone ?? ''}" data-toast>
          <span>${t.message}</span>
          ${t.action
            ? html`<button
                class="act"
                @click=${() => {
                  this.dismiss(t.key, false);
                  t.action!.run();
                }}
              >
                ${t.action.label}
              </button>`
            : nothing}
          <button class="icon-btn" aria-label="Dismiss" @click=${() => this.dismiss(t.key, true)}>${icons.close}</button>
        </div>`,
      )}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-toasts': PbToasts;
  }
}
