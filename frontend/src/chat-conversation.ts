// The chat's conversation apart from its look: the messages, asking the server, loading the
// conversation again, and remembering it (with the chip edits) per user and dashboard.
// <pb-chat> renders it; this controller asks its host to update when it changes.

import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError } from './api.js';
import { uid, type EditorContext } from './context.js';
import {
  answerMessage,
  chipEdits,
  memoryKey,
  recall,
  remember,
  type AskHow,
  type ChatMessage,
  type Remembered,
} from './chat-model.js';
import type { AiMessage } from './types.js';

export interface ChatHost extends ReactiveControllerHost {
  ctx: EditorContext;
  /** The token's organization and user, and the open dashboard ('' on the list). */
  subject: string;
  scope: string;
  open: boolean;
  focusInput(): void;
  /** The conversation started afresh: the view drops what it was doing (a chip editor). */
  conversationReset(): void;
}

export class ChatConversation implements ReactiveController {
  private messages_: ChatMessage[] = [];
  private busy_ = false;
  private restoring_ = false;
  conversationId: string | null = null;
  private source: string | null = null;
  /** How many messages the server holds for this conversation. */
  private stored = 0;
  private loadedFor = '';
  private loadedScope = '';
  private abort: AbortController | null = null;
  /** A message came: the view scrolls to the end once drawn. */
  scrollDown = false;

  constructor(private readonly host: ChatHost) {
    host.addController(this);
  }

  get messages(): ChatMessage[] {
    return this.messages_;
  }

  set messages(value: ChatMessage[]) {
    this.messages_ = value;
    this.host.requestUpdate();
  }

  /** Waiting for an answer. */
  get busy(): boolean {
    return this.busy_;
  }

  private set busy(value: boolean) {
    this.busy_ = value;
    this.host.requestUpdate();
  }

  /** Loading the remembered conversation. */
  get restoring(): boolean {
    return this.restoring_;
  }

  private set restoring(value: boolean) {
    this.restoring_ = value;
    this.host.requestUpdate();
  }

  private get memory(): string {
    return memoryKey(this.host.ctx.api.serverUrl, this.host.subject, this.host.scope);
  }

  private get loadedKey(): string {
    return `${this.loadedFor}|${this.loadedScope}`;
  }

  hostDisconnected(): void {
    this.abort?.abort();
  }

  /** Call before each render: a new user or dashboard loads the conversation remembered for it. */
  sync(): void {
    const now = `${this.host.ctx.epoch}|${this.host.subject}`;
    const was = this.loadedFor;
    if (now === was && this.host.scope === this.loadedScope) return;
    const fromList = was === now && this.loadedScope === '';
    this.loadedFor = now;
    this.loadedScope = this.host.scope;
    const found = recall(this.memory);
    if (!found && fromList && this.conversationId) {
      // From the dashboard list into a dashboard (e.g. "Add to a new dashboard"): carry on.
      this.save();
      return;
    }
    this.reset();
    if (found) void this.restore(found);
  }

  /** Forget the conversation and start a new one. */
  startAfresh(): void {
    remember(this.memory, null);
    this.reset();
  }

  private reset(): void {
    this.abort?.abort();
    this.abort = null;
    this.messages = [];
    this.conversationId = null;
    this.source = null;
    this.stored = 0;
    this.busy = false;
    this.restoring = false;
    this.host.conversationReset();
  }

  private async restore(found: Remembered): Promise<void> {
    const key = this.loadedKey;
    const abort = (this.abort = new AbortController());
    this.restoring = true;
    this.conversationId = found.id;
    this.source = found.source ?? null;
    try {
      const conversation = await this.host.ctx.api.conversation(found.id, abort.signal);
      if (key !== this.loadedKey) return;
      this.source = conversation.source ?? this.source;
      this.stored = conversation.messages.length;
      this.messages = conversation.messages.map((m, i) => this.fromServer(m, i, found.edits ?? {}));
      this.scrollDown = true;
    } catch (err) {
      if (abort.signal.aborted || key !== this.loadedKey) return;
      if (err instanceof ApiError && err.status === 404) {
        // Gone (or another user's): start afresh.
        this.conversationId = null;
        remember(this.memory, null);
      } else {
        this.messages = [{ key: uid(), role: 'error', text: this.host.ctx.reportError(err, 'loading the AI conversation'), retry: 'restore' }];
      }
    } finally {
      if (key === this.loadedKey) this.restoring = false;
    }
  }

  private fromServer(m: AiMessage, at: number, edits: NonNullable<Remembered['edits']>): ChatMessage {
    if (m.role === 'user') return { key: `s${at}`, role: 'user', text: m.text };
    return answerMessage(`s${at}`, m, at, this.host.ctx.index, edits[String(at)], this.source);
  }

  /** Remember the conversation (and the chip edits) for this user and dashboard. */
  save(): void {
    if (!this.conversationId) return;
    const edits = chipEdits(this.messages);
    const value: Remembered = { id: this.conversationId };
    if (this.source) value.source = this.source;
    if (Object.keys(edits).length) value.edits = edits;
    remember(this.memory, value);
  }

  push(m: ChatMessage): void {
    this.messages = [...this.messages, m];
    this.scrollDown = true;
  }

  patch(key: string, change: Partial<ChatMessage>): void {
    this.messages = this.messages.map((m) => (m.key === key ? { ...m, ...change } : m));
  }

  /** Ask a question (already shown as the user's message); the answer or an error follows.
   * `how`: read it as a change of `how.tile` (else of the last tile) or afresh. */
  async ask(question: string, how: AskHow = {}, again = false): Promise<void> {
    const key = this.loadedKey;
    const abort = (this.abort = new AbortController());
    this.busy = true;
    this.scrollDown = true;
    try {
      const last = [...this.messages].reverse().find((m) => m.role === 'assistant' && m.tile);
      const tile = how.followUp && how.tile ? how.tile : (last?.tile ?? null);
      const answer = await this.host.ctx.api.ask(question, this.conversationId, this.source, abort.signal, tile, how.followUp);
      if (key !== this.loadedKey) return;
      if (answer.conversation_id !== this.conversationId) this.stored = 0;
      this.conversationId = answer.conversation_id;
      this.source = answer.source ?? this.source;
      const at = this.stored + 1;
      this.stored += 2;
      this.push(answerMessage(uid(), answer, at, this.host.ctx.index));
      this.save();
    } catch (err) {
      if (abort.signal.aborted || key !== this.loadedKey) return;
      if (err instanceof ApiError && err.status === 404 && this.conversationId && !again) {
        // The conversation is gone: ask afresh.
        this.conversationId = null;
        remember(this.memory, null);
        return this.ask(question, how, true);
      }
      const text = this.host.ctx.reportError(err, 'asking the AI');
      const denied = err instanceof ApiError && err.status === 403;
      this.push(denied ? { key: uid(), role: 'error', text } : { key: uid(), role: 'error', text, retry: { question, ask: how } });
    } finally {
      if (key === this.loadedKey) {
        this.busy = false;
        if (this.host.open) this.host.focusInput();
      }
    }
  }

  /** Try a failed question, or loading the conversation, again. */
  retry(m: ChatMessage): void {
    this.messages = this.messages.filter((x) => x.key !== m.key);
    if (m.retry === 'restore') {
      const found = recall(this.memory);
      if (found) void this.restore(found);
    } else if (m.retry) void this.ask(m.retry.question, m.retry.ask ?? {});
  }
}
