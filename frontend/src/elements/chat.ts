// <pb-chat>: the AI chat, a lazily loaded chunk. Ask in plain words; each answer shows its text,
// a preview drawn by the same tile code as the dashboard, and the interpreted query as chips
// that edit it (with the builder's rules), with "Add to dashboard" and "Edit in builder".
// Follow-ups carry the conversation id; the conversation is stored by the server and its id
// remembered per user and dashboard, so a reload loses nothing.
//
// The conversation (asking, loading, remembering) is `ChatConversation`; an answer is drawn by
// <pb-chat-answer>, its chips by <pb-chat-chips>, whose measure, breakdown and chart editors
// are the builder's own (<pb-query-part>).
//
// Events (to the editor, not composed): chat-close, chat-add {tiles, title, done(ok)},
// chat-edit {tile}.

import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ChatConversation } from '../chat-conversation.js';
import { uid, type EditorContext } from '../context.js';
import type { Draft } from '../draft.js';
import { icons } from '../icons.js';
import type { CatalogIndex } from '../model.js';
import { shared } from '../styles.js';
import {
  dashboardTitle,
  starterQuestions,
  tileBefore,
  tileFromDraft,
  type AskHow,
  type ChatMessage as Msg,
  type ChatTile,
  type ChipPart,
} from '../chat-model.js';
import { chatStyles } from './chat.styles.js';
import type { AnswerAction, ChatTarget } from './chat-answer.js';
import type { ChipEdit, ChipOpen } from './chat-chips.js';
import './chat-answer.js';

export type { ChatTarget } from './chat-answer.js';

export interface ChatAddDetail {
  tiles: ChatTile[];
  /** A title for a new dashboard, when none is open. */
  title: string;
  /** Called with the outcome; a failure comes with a sentence for the user. */
  done(ok: boolean, error?: string): void;
}

/** Charts drawn at once: the latest answers; older ones unfold on demand. */
const LIVE_PREVIEWS = 4;
/** How long the log keeps the newest answer in sight while its chart loads. */
const FOLLOW_MS = 8000;

const sendIcon = svg`<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M5 12h13M13 6l6 6-6 6"/></svg>`;

@customElement('pb-chat')
export class PbChat extends LitElement {
  static override styles = [shared, chatStyles];

  @property({ attribute: false }) ctx!: EditorContext;
  /** The token's organization and user: each has their own conversations. */
  @property() subject = '';
  /** The open dashboard's id, or '' on the dashboard list. */
  @property() scope = '';
  @property({ reflect: true }) mode: 'drawer' | 'sheet' = 'drawer';
  @property({ type: Boolean, reflect: true }) open = false;
  @property({ attribute: false }) target: ChatTarget = null;

  @state() private input = '';
  @state() private editing: { key: string; part: ChipPart } | null = null;
  @query('textarea') private textarea?: HTMLTextAreaElement;
  @query('dialog') private dialog?: HTMLDialogElement;
  @query('.log') private log?: HTMLElement;

  private readonly chat = new ChatConversation(this);

  private get index(): CatalogIndex | null {
    return this.ctx.index;
  }

  // --- lifecycle -------------------------------------------------------------------------

  protected override willUpdate(): void {
    this.chat.sync();
  }

  protected override updated(changed: PropertyValues<this>): void {
    const dialog = this.dialog;
    if (dialog) {
      if (this.open && this.mode === 'sheet' && !dialog.open) dialog.showModal();
      else if ((!this.open || this.mode !== 'sheet') && dialog.open) dialog.close();
    }
    if ((changed.has('open') || changed.has('mode')) && this.open) this.focusInput();
    if (this.chat.scrollDown && this.log) {
      this.chat.scrollDown = false;
      this.followLatest(this.log);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.follower?.disconnect();
    this.follower = null;
  }

  /** Watches the log's messages while the newest one grows (its chart loads after the answer
   * arrives, so scrolling once left the chart below the fold), until the user scrolls. */
  private follower: ResizeObserver | null = null;
  private followUntil = 0;

  private followLatest(log: HTMLElement): void {
    this.scrollToLatest(log);
    this.followUntil = Date.now() + FOLLOW_MS;
    if (typeof ResizeObserver === 'undefined') return;
    this.follower ??= new ResizeObserver(() => {
      if (Date.now() < this.followUntil && this.log) this.scrollToLatest(this.log);
    });
    this.follower.disconnect();
    for (const child of Array.from(log.children)) this.follower.observe(child);
  }

  /** The log scrolled to its end, but never past the newest question: an answer taller than
   * the log shows from its question down, its text and chart before its buttons. */
  private scrollToLatest(log: HTMLElement): void {
    const bottom = log.scrollHeight - log.clientHeight;
    const users = log.querySelectorAll<HTMLElement>(':scope > .user');
    const last = users[users.length - 1];
    const top = last ? log.scrollTop + last.getBoundingClientRect().top - log.getBoundingClientRect().top - 8 : bottom;
    log.scrollTop = Math.max(0, Math.min(bottom, top));
  }

  /** The user scrolled (wheel, touch, keys, the scroll bar): stop following. */
  private readonly stopFollowing = (): void => {
    this.followUntil = 0;
  };

  focusInput(): void {
    // Without scrolling: the host page stays where the user left it (the editor keeps the
    // drawer, and so its input, in sight).
    void this.updateComplete.then(() => this.textarea?.focus({ preventScroll: true }));
  }

  conversationReset(): void {
    this.editing = null;
  }

  private get messages(): Msg[] {
    return this.chat.messages;
  }

  /** Ask `question`; `how` for an alternative reading (a new question, or a change of a tile). */
  private send(question: string, how: AskHow = {}): void {
    const q = question.trim();
    if (!q || this.chat.busy || this.chat.restoring) return;
    this.input = '';
    if (this.textarea) this.textarea.style.height = '';
    this.editing = null;
    this.chat.push({ key: uid(), role: 'user', text: q });
    void this.chat.ask(q, how);
  }

  private newChat(): void {
    this.chat.startAfresh();
    this.focusInput();
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('chat-close', { bubbles: true }));
  }

  // --- chips -------------------------------------------------------------------------------

  private edit(m: Msg, d: Draft, close = false): void {
    if (!m.orig || !this.index) return;
    const tile = tileFromDraft(d, this.index, m.orig);  // in m.orig's source
    this.chat.patch(m.key, { draft: close ? undefined : d, tile, added: false });
    if (close) this.editing = null;
    this.chat.save();
  }

  /** Open a chip's editor (keeping `draft` while it is open), or close it (`part` null). */
  private openChip(m: Msg, part: ChipPart | null, draft?: Draft): void {
    if (!part) return this.finishEditing(true);
    this.finishEditing();
    if (draft) this.chat.patch(m.key, { draft });
    this.editing = { key: m.key, part };
    void this.updateComplete.then(() => {
      const editor = this.renderRoot.querySelector(`[data-msg="${m.key}"] .editor`);
      if (!editor) return;
      editor.scrollIntoView({ block: 'nearest' });
      const first = editor.querySelector('[aria-checked="true"]:not([disabled]), select, input, pb-filter-row, .head button');
      (first as HTMLElement | null)?.focus({ preventScroll: true });
    });
  }

  private onChipEdit(m: Msg, { draft, close, focus }: ChipEdit): void {
    const part = this.editing?.part;
    this.edit(m, draft, close);
    if (focus === 'input') this.focusInput();
    else if (focus === 'chip' && part) this.focusChip(m.key, part);
  }

  /** Close the chip editor; a filter left without a value goes. */
  private finishEditing(focusChip = false): void {
    const was = this.editing;
    if (!was) return;
    this.editing = null;
    this.chat.messages = this.messages.map((m) => (m.key === was.key && m.draft ? { ...m, draft: undefined } : m));
    if (focusChip) this.focusChip(was.key, was.part);
  }

  private focusChip(key: string, part: ChipPart): void {
    void this.updateComplete.then(() => (this.renderRoot.querySelector(`[data-msg="${key}"] [data-part="${part}"]`) as HTMLElement | null)?.focus());
  }

  // --- adding --------------------------------------------------------------------------------

  private add(m: Msg, tiles: ChatTile[], which: 'tile' | number | 'all'): void {
    const question = this.messages[this.messages.indexOf(m) - 1]?.text ?? '';
    const detail: ChatAddDetail = {
      tiles,
      title: dashboardTitle(question, tiles, which === 'tile'),
      done: (ok, error) => {
        if (!ok) {
          if (error) this.chat.push({ key: uid(), role: 'error', text: error });
          return;
        }
        const now = this.messages.find((x) => x.key === m.key);
        if (!now) return;
        if (which === 'tile') this.chat.patch(m.key, { added: true });
        else if (which === 'all') this.chat.patch(m.key, { addedTiles: (now.tiles ?? []).map((_, i) => i) });
        else this.chat.patch(m.key, { addedTiles: [...(now.addedTiles ?? []), which] });
      },
    };
    this.dispatchEvent(new CustomEvent<ChatAddDetail>('chat-add', { detail, bubbles: true }));
  }

  // --- render ----------------------------------------------------------------------------------

  override render() {
    const panel = this.renderPanel();
    if (this.mode === 'sheet') {
      return html`<dialog
        aria-labelledby="chat-title"
        @cancel=${(e: Event) => {
          e.preventDefault();
          this.onEscape();
        }}
      >
        ${this.open ? panel : nothing}
      </dialog>`;
    }
    return html`<aside aria-labelledby="chat-title" @keydown=${this.onKey}>${panel}</aside>`;
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      this.onEscape();
    }
  }

  private onEscape(): void {
    if (this.editing) this.finishEditing(true);
    else this.close();
  }

  private renderPanel() {
    const withTiles = this.messages.filter((m) => m.tile);
    const live = new Set(withTiles.slice(-LIVE_PREVIEWS).map((m) => m.key));
    return html`
      <div class="panel">
        <header>
          <h2 id="chat-title">${icons.sparkle} Ask AI</h2>
          <button class="btn ghost small" data-action="chat-new" ?disabled=${!this.messages.length && !this.chat.conversationId} @click=${this.newChat}>New chat</button>
          <button class="icon-btn" data-action="chat-close" aria-label="Close the AI chat" @click=${this.close}>${icons.close}</button>
        </header>
        <div
          class="log"
          role="log"
          aria-label="Conversation with the AI"
          aria-busy=${this.chat.busy || this.chat.restoring ? 'true' : 'false'}
          @wheel=${this.stopFollowing}
          @touchstart=${this.stopFollowing}
          @keydown=${this.stopFollowing}
          @pointerdown=${this.stopFollowing}
        >
          ${this.chat.restoring ? html`<div class="thinking" role="status"><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>Loading the conversation…</div>` : nothing}
          ${!this.chat.restoring && !this.messages.length ? this.renderIntro() : nothing}
          ${this.messages.map((m) => this.renderMessage(m, live.has(m.key)))}
          ${this.chat.busy ? html`<div class="thinking" role="status" data-thinking><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>Thinking…</div>` : nothing}
        </div>
        <form
          @submit=${(e: Event) => {
            e.preventDefault();
            this.send(this.input);
          }}
        >
          <textarea
            rows="1"
            aria-label="Ask a question about your data"
            placeholder="Ask about your data…"
            maxlength="1000"
            .value=${this.input}
            @input=${(e: Event) => {
              const area = e.target as HTMLTextAreaElement;
              this.input = area.value;
              area.style.height = 'auto';
              area.style.height = `${Math.min(area.scrollHeight + 2, 120)}px`;
            }}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                e.preventDefault();
                this.send(this.input);
              }
            }}
          ></textarea>
          <button class="btn primary send" type="submit" aria-label="Send" data-action="chat-send" ?disabled=${this.chat.busy || this.chat.restoring || !this.input.trim()}>${sendIcon}</button>
        </form>
      </div>
    `;
  }

  private renderIntro() {
    const ideas = this.index ? starterQuestions(this.index) : [];
    return html`<div class="intro">
      <div class="badge">${icons.sparkle}</div>
      <p><strong>Ask a question about your data</strong></p>
      <p class="muted">You get a chart to check, change and add to your dashboard.</p>
      ${ideas.length
        ? html`<div class="ideas" aria-label="Example questions">
            ${ideas.map((q) => html`<button class="idea" data-action="starter" @click=${() => this.send(q)}>${q}</button>`)}
          </div>`
        : nothing}
    </div>`;
  }

  private renderMessage(m: Msg, live: boolean) {
    if (m.role === 'user') return html`<div class="user" data-msg=${m.key}>${m.text}</div>`;
    if (m.role === 'error') {
      return html`<div class="assistant error" data-msg=${m.key} role="alert" data-chat-error>
        <div class="bubble">${icons.alert}<p>${m.text}</p></div>
        ${m.retry ? html`<div class="actions"><button class="btn small" @click=${() => this.chat.retry(m)}>${icons.refresh} Try again</button></div>` : nothing}
      </div>`;
    }
    return html`<pb-chat-answer
      .ctx=${this.ctx}
      .index=${this.index}
      .msg=${m}
      .target=${this.target}
      ?live=${live}
      ?busy=${this.chat.busy}
      .editing=${this.editing?.key === m.key ? this.editing.part : null}
      @answer-action=${(e: CustomEvent<AnswerAction>) => this.onAction(m, e.detail)}
      @chip-open=${(e: CustomEvent<ChipOpen>) => this.openChip(m, e.detail.part, e.detail.draft)}
      @chip-edit=${(e: CustomEvent<ChipEdit>) => this.onChipEdit(m, e.detail)}
    ></pb-chat-answer>`;
  }

  private onAction(m: Msg, a: AnswerAction): void {
    if (a.action === 'add') this.add(m, a.tiles, a.which);
    else if (a.action === 'edit') this.dispatchEvent(new CustomEvent('chat-edit', { detail: { tile: a.tile }, bubbles: true }));
    else if (a.action === 'unfold') this.chat.patch(m.key, { unfolded: true });
    // The other reading of an answer: afresh, or as a change of the chart before that answer.
    else if (a.followUp === true) this.send(a.question, { followUp: true, tile: tileBefore(this.messages, m) });
    else if (a.followUp === false) this.send(a.question, { followUp: false });
    else this.send(a.question);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-chat': PbChat;
  }
}
