// The "Ask AI" button in the dashboard list's and the dashboard's bars. The chat panel itself
// is a lazily loaded chunk (elements/chat.ts); this button only asks the editor to toggle it.

import { html, nothing } from 'lit';
import { icons } from './icons.js';

/** Whether the chat is available (`ai-chat` and the token's `permissions.ai`), and open. */
export type ChatState = 'open' | 'closed' | null;

export function chatToggle(host: HTMLElement, state: ChatState) {
  if (!state) return nothing;
  return html`<button
    class="btn ${state === 'open' ? 'on' : ''}"
    data-action="ask-ai"
    aria-label="Ask AI"
    aria-expanded=${state === 'open' ? 'true' : 'false'}
    title="Ask a question about your data and get a chart"
    @click=${() => host.dispatchEvent(new CustomEvent('chat-toggle', { bubbles: true }))}
  >
    ${icons.sparkle}<span class="label">Ask AI</span>
  </button>`;
}
