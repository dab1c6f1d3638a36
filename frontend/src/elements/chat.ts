// <pb-chat>: the AI chat, a lazily loaded chunk. Ask in plain words; each answer shows its text,
// a preview drawn by the same tile code as the dashboard, and the interpreted query as chips
// that edit it (with the builder's rules), with "Add to dashboard" and "Edit in builder".
// Follow-ups carry the conversation id; the conversation is stored by the server and its id
// remembered per user and dashboard, so a reload loses nothing.
//
// Events (to the editor, not composed): chat-close, chat-add {tiles, title, done(ok)},
// chat-edit {tile}.

import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiError } from '../api.js';
import { uid, type EditorContext } from '../context.js';
import { AGGS, GRAINS, aggFits, type Draft } from '../draft.js';
import { iconForChart, icons } from '../icons.js';
import { AGG_LABELS, CHART_LABELS, GRAIN_LABELS, isCategory, isIdentifier, isTemporal, tableLabel, type CatalogIndex } from '../model.js';
import { shared } from '../styles.js';
import { CHART_TYPES, type AiAnswer, type AiMessage, type Agg, type Dimension, type Filter, type Grain, type Measure, type Tile } from '../types.js';
import {
  asDraft,
  canonical,
  chatTile,
  chips,
  editableFilter,
  memoryKey,
  recall,
  remember,
  starterQuestions,
  tileFromDraft,
  withChart,
  type ChatTile,
  type Chip,
  type ChipPart,
  type Remembered,
} from '../chat-model.js';
import { chatStyles } from './chat.styles.js';
import { newFilter } from './filter-row.js';
import './filter-row.js';
import './tile.js';

/** Where "Add to dashboard" puts a tile: the open dashboard, a new one, or nowhere (view only). */
export type ChatTarget = 'dashboard' | 'new' | null;

export interface ChatAddDetail {
  tiles: ChatTile[];
  /** A title for a new dashboard, when none is open. */
  title: string;
  /** Called with the outcome; a failure comes with a sentence for the user. */
  done(ok: boolean, error?: string): void;
}

interface Msg {
  key: string;
  role: 'user' | 'assistant' | 'error';
  text: string;
  /** The AI's tile as it came, and as the chips changed it. */
  orig?: ChatTile | null;
  tile?: ChatTile | null;
  /** While its chips are being edited (it may hold a filter still without a value). */
  draft?: Draft | undefined;
  tiles?: ChatTile[];
  suggestions?: string[];
  fallback?: string | null;
  notes?: string[];
  /** The message's index in the stored conversation (chip edits are remembered by it). */
  at?: number;
  /** An error: the question to ask again, or the conversation to load again. */
  retry?: { question: string } | 'restore';
  added?: boolean;
  addedTiles?: number[];
  /** An older answer whose chart the user unfolded. */
  unfolded?: boolean;
}

/** Charts drawn at once: the latest answers; older ones unfold on demand. */
const LIVE_PREVIEWS = 4;

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

  @state() private messages: Msg[] = [];
  @state() private busy = false;
  @state() private restoring = false;
  @state() private input = '';
  @state() private editing: { key: string; part: ChipPart } | null = null;
  @query('textarea') private textarea?: HTMLTextAreaElement;
  @query('dialog') private dialog?: HTMLDialogElement;
  @query('.log') private log?: HTMLElement;

  private conversationId: string | null = null;
  private source: string | null = null;
  /** How many messages the server holds for this conversation. */
  private stored = 0;
  private loadedFor = '';
  private loadedScope = '';
  private abort: AbortController | null = null;
  private scrollDown = false;

  private get index(): CatalogIndex | null {
    return this.ctx.index;
  }

  private get memory(): string {
    return memoryKey(this.ctx.api.serverUrl, this.subject, this.scope);
  }

  // --- lifecycle -------------------------------------------------------------------------

  protected override willUpdate(): void {
    const now = `${this.ctx.epoch}|${this.subject}`;
    const was = this.loadedFor;
    if (now === was && this.scope === this.loadedScope) return;
    const fromList = was === now && this.loadedScope === '';
    this.loadedFor = now;
    this.loadedScope = this.scope;
    const found = recall(this.memory);
    if (!found && fromList && this.conversationId) {
      // From the dashboard list into a dashboard (e.g. "Add to a new dashboard"): carry on.
      this.save();
      return;
    }
    this.reset();
    if (found) void this.restore(found);
  }

  protected override updated(changed: PropertyValues<this>): void {
    const dialog = this.dialog;
    if (dialog) {
      if (this.open && this.mode === 'sheet' && !dialog.open) dialog.showModal();
      else if ((!this.open || this.mode !== 'sheet') && dialog.open) dialog.close();
    }
    if ((changed.has('open') || changed.has('mode')) && this.open) this.focusInput();
    if (this.scrollDown && this.log) {
      this.scrollDown = false;
      this.log.scrollTop = this.log.scrollHeight;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
  }

  focusInput(): void {
    void this.updateComplete.then(() => this.textarea?.focus());
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
    this.editing = null;
  }

  private async restore(found: Remembered): Promise<void> {
    const key = `${this.loadedFor}|${this.loadedScope}`;
    const abort = (this.abort = new AbortController());
    this.restoring = true;
    this.conversationId = found.id;
    this.source = found.source ?? null;
    try {
      const conversation = await this.ctx.api.conversation(found.id, abort.signal);
      if (key !== `${this.loadedFor}|${this.loadedScope}`) return;
      this.source = conversation.source ?? this.source;
      this.stored = conversation.messages.length;
      this.messages = conversation.messages.map((m, i) => this.fromServer(m, i, found.edits ?? {}));
      this.scrollDown = true;
    } catch (err) {
      if (abort.signal.aborted || key !== `${this.loadedFor}|${this.loadedScope}`) return;
      if (err instanceof ApiError && err.status === 404) {
        // Gone (or another user's): start afresh.
        this.conversationId = null;
        remember(this.memory, null);
      } else {
        this.messages = [{ key: uid(), role: 'error', text: this.ctx.reportError(err, 'loading the AI conversation'), retry: 'restore' }];
      }
    } finally {
      if (key === `${this.loadedFor}|${this.loadedScope}`) this.restoring = false;
    }
  }

  private fromServer(m: AiMessage, at: number, edits: NonNullable<Remembered['edits']>): Msg {
    if (m.role === 'user') return { key: `s${at}`, role: 'user', text: m.text };
    const orig = m.tile ? chatTile(m.tile, this.index) : null;
    const edit = edits[String(at)];
    return {
      key: `s${at}`,
      role: 'assistant',
      text: m.text,
      orig,
      tile: orig && edit && edit.orig === canonical(orig) ? edit.tile : orig,
      tiles: (m.tiles ?? []).map((t) => chatTile(t, this.index)),
      suggestions: m.suggestions ?? [],
      fallback: m.fallback_reason ?? null,
      notes: m.notes ?? [],
      at,
    };
  }

  /** Remember the conversation (and the chip edits) for this user and dashboard. */
  private save(): void {
    if (!this.conversationId) return;
    const edits: NonNullable<Remembered['edits']> = {};
    for (const m of this.messages) {
      if (m.at !== undefined && m.orig && m.tile && canonical(m.tile) !== canonical(m.orig)) {
        edits[String(m.at)] = { orig: canonical(m.orig), tile: m.tile };
      }
    }
    const value: Remembered = { id: this.conversationId };
    if (this.source) value.source = this.source;
    if (Object.keys(edits).length) value.edits = edits;
    remember(this.memory, value);
  }

  // --- asking ----------------------------------------------------------------------------

  private push(m: Msg): void {
    this.messages = [...this.messages, m];
    this.scrollDown = true;
  }

  private patch(key: string, change: Partial<Msg>): void {
    this.messages = this.messages.map((m) => (m.key === key ? { ...m, ...change } : m));
  }

  private send(question: string): void {
    const q = question.trim();
    if (!q || this.busy || this.restoring) return;
    this.input = '';
    if (this.textarea) this.textarea.style.height = '';
    this.editing = null;
    this.push({ key: uid(), role: 'user', text: q });
    void this.ask(q);
  }

  private async ask(question: string, again = false): Promise<void> {
    const key = `${this.loadedFor}|${this.loadedScope}`;
    const abort = (this.abort = new AbortController());
    this.busy = true;
    this.scrollDown = true;
    try {
      const last = [...this.messages].reverse().find((m) => m.role === 'assistant' && m.tile);
      const answer = await this.ctx.api.ask(
        question,
        this.conversationId,
        this.source,
        abort.signal,
        last?.tile ?? null,
      );
      if (key !== `${this.loadedFor}|${this.loadedScope}`) return;
      if (answer.conversation_id !== this.conversationId) this.stored = 0;
      this.conversationId = answer.conversation_id;
      this.source = answer.source ?? this.source;
      const at = this.stored + 1;
      this.stored += 2;
      this.push(this.fromAnswer(answer, at));
      this.save();
    } catch (err) {
      if (abort.signal.aborted || key !== `${this.loadedFor}|${this.loadedScope}`) return;
      if (err instanceof ApiError && err.status === 404 && this.conversationId && !again) {
        // The conversation is gone: ask afresh.
        this.conversationId = null;
        remember(this.memory, null);
        return this.ask(question, true);
      }
      const text = this.ctx.reportError(err, 'asking the AI');
      const denied = err instanceof ApiError && err.status === 403;
      this.push(denied ? { key: uid(), role: 'error', text } : { key: uid(), role: 'error', text, retry: { question } });
    } finally {
      if (key === `${this.loadedFor}|${this.loadedScope}`) {
        this.busy = false;
        if (this.open) this.focusInput();
      }
    }
  }

  private fromAnswer(a: AiAnswer, at: number): Msg {
    const orig = a.tile ? chatTile(a.tile, this.index) : null;
    return {
      key: uid(),
      role: 'assistant',
      text: a.answer,
      orig,
      tile: orig,
      tiles: (a.tiles ?? []).map((t) => chatTile(t, this.index)),
      suggestions: a.suggestions ?? [],
      fallback: a.fallback_reason ?? null,
      notes: a.notes ?? [],
      at,
    };
  }

  private retry(m: Msg): void {
    this.messages = this.messages.filter((x) => x.key !== m.key);
    if (m.retry === 'restore') {
      const found = recall(this.memory);
      if (found) void this.restore(found);
    } else if (m.retry) void this.ask(m.retry.question);
  }

  private newChat(): void {
    remember(this.memory, null);
    this.reset();
    this.focusInput();
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('chat-close', { bubbles: true }));
  }

  // --- chips -------------------------------------------------------------------------------

  private draftOf(m: Msg): Draft | null {
    if (!m.tile || !this.index) return null;
    return m.draft ?? asDraft(m.tile, this.index);
  }

  private edit(m: Msg, d: Draft, close = false): void {
    if (!m.orig || !this.index) return;
    const tile = tileFromDraft(d, this.index, m.orig);
    this.patch(m.key, { draft: close ? undefined : d, tile, added: false });
    if (close) this.editing = null;
    this.save();
  }

  private toggleChip(m: Msg, part: ChipPart): void {
    const same = this.editing?.key === m.key && this.editing.part === part;
    this.finishEditing();
    if (same) return;
    this.editing = { key: m.key, part };
    void this.updateComplete.then(() => {
      const editor = this.renderRoot.querySelector(`[data-msg="${m.key}"] .editor`);
      if (!editor) return;
      editor.scrollIntoView({ block: 'nearest' });
      const first = editor.querySelector('[aria-checked="true"]:not([disabled]), select, input, pb-filter-row, .head button');
      (first as HTMLElement | null)?.focus({ preventScroll: true });
    });
  }

  /** Close the chip editor; a filter left without a value goes. */
  private finishEditing(focusChip = false): void {
    const was = this.editing;
    if (!was) return;
    this.editing = null;
    this.messages = this.messages.map((m) => (m.key === was.key && m.draft ? { ...m, draft: undefined } : m));
    if (focusChip) {
      void this.updateComplete.then(() => (this.renderRoot.querySelector(`[data-msg="${was.key}"] [data-part="${was.part}"]`) as HTMLElement | null)?.focus());
    }
  }

  private removePart(m: Msg, d: Draft, part: ChipPart): void {
    if (part === 'limit') this.edit(m, { ...d, limit: null }, true);
    else if (part.startsWith('filter:')) {
      const i = Number(part.slice(7));
      this.edit(m, { ...d, filters: d.filters.filter((_, j) => j !== i) }, true);
    }
    this.focusInput();
  }

  private addFilter(m: Msg, d: Draft): void {
    const choices = this.index!.choices(d.table).filter((c) => c.column.type !== 'other');
    const first = choices.find((c) => isCategory(c.column) && !c.group) ?? choices[0];
    if (!first) return;
    this.finishEditing();
    const filters = [...d.filters, newFilter(first)];
    this.patch(m.key, { draft: { ...d, filters } });
    this.toggleChip({ ...m, draft: { ...d, filters } }, `filter:${filters.length - 1}`);
  }

  // --- adding --------------------------------------------------------------------------------

  private add(m: Msg, tiles: ChatTile[], which: 'tile' | number | 'all'): void {
    const question = this.messages[this.messages.indexOf(m) - 1]?.text ?? '';
    const topic = /\b(?:about|on|for)\s+(.+?)[.?!]*$/i.exec(question)?.[1];
    const title = which === 'tile' ? tiles[0]!.title : topic ? topic[0]!.toUpperCase() + topic.slice(1) : 'New dashboard';
    const detail: ChatAddDetail = {
      tiles,
      title,
      done: (ok, error) => {
        if (!ok) {
          if (error) this.push({ key: uid(), role: 'error', text: error });
          return;
        }
        const now = this.messages.find((x) => x.key === m.key);
        if (!now) return;
        if (which === 'tile') this.patch(m.key, { added: true });
        else if (which === 'all') this.patch(m.key, { addedTiles: (now.tiles ?? []).map((_, i) => i) });
        else this.patch(m.key, { addedTiles: [...(now.addedTiles ?? []), which] });
      },
    };
    this.dispatchEvent(new CustomEvent<ChatAddDetail>('chat-add', { detail, bubbles: true }));
  }

  private editInBuilder(tile: ChatTile): void {
    this.dispatchEvent(new CustomEvent('chat-edit', { detail: { tile }, bubbles: true }));
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
          <button class="btn ghost small" data-action="chat-new" ?disabled=${!this.messages.length && !this.conversationId} @click=${this.newChat}>New chat</button>
          <button class="icon-btn" data-action="chat-close" aria-label="Close the AI chat" @click=${this.close}>${icons.close}</button>
        </header>
        <div class="log" role="log" aria-label="Conversation with the AI" aria-busy=${this.busy || this.restoring ? 'true' : 'false'}>
          ${this.restoring ? html`<div class="thinking" role="status"><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>Loading the conversation…</div>` : nothing}
          ${!this.restoring && !this.messages.length ? this.renderIntro() : nothing}
          ${this.messages.map((m) => this.renderMessage(m, live.has(m.key)))}
          ${this.busy ? html`<div class="thinking" role="status" data-thinking><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>Thinking…</div>` : nothing}
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
          <button class="btn primary send" type="submit" aria-label="Send" data-action="chat-send" ?disabled=${this.busy || this.restoring || !this.input.trim()}>${sendIcon}</button>
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
        ${m.retry ? html`<div class="actions"><button class="btn small" @click=${() => this.retry(m)}>${icons.refresh} Try again</button></div>` : nothing}
      </div>`;
    }
    return html`<div class="assistant" data-msg=${m.key} data-answer>
      <div class="bubble"><p>${m.text}</p></div>
      ${m.fallback ? html`<p class="note fallback" data-fallback>${m.fallback}</p>` : nothing}
      ${m.notes?.length ? html`<p class="note">${m.notes.join(' ')}</p>` : nothing}
      ${m.tile ? this.renderTile(m, m.tile, live) : nothing}
      ${m.tiles?.length ? this.renderGallery(m, m.tiles) : nothing}
      ${!m.tile && !m.tiles?.length && m.suggestions?.length
        ? html`<div class="ideas" style="justify-content:flex-start" aria-label="Questions you can ask">
            ${m.suggestions.map((q) => html`<button class="idea" data-action="suggestion" ?disabled=${this.busy} @click=${() => this.send(q)}>${q}</button>`)}
          </div>`
        : nothing}
    </div>`;
  }

  private previewTile(key: string, t: ChatTile): Tile {
    return { id: key, title: t.title, query: t.query, chart: t.chart, layout: { x: 0, y: 0, w: 6, h: 4 } };
  }

  private renderTile(m: Msg, tile: ChatTile, live: boolean) {
    const d = this.draftOf(m);
    const index = this.index;
    const editing = this.editing?.key === m.key ? this.editing.part : null;
    return html`<div class="card">
      ${live || m.unfolded
        ? html`<pb-tile preview class="preview ${tile.chart.type === 'map' ? 'map' : ''}" .tile=${this.previewTile(m.key, tile)} .ctx=${this.ctx}></pb-tile>`
        : html`<button class="btn small folded" @click=${() => this.patch(m.key, { unfolded: true })}>${iconForChart(tile.chart.type)} Show “${tile.title}”</button>`}
      ${d && index
        ? html`<div class="chips" role="group" aria-label="How the question was read (select to change)">
              <span class="from">${tableLabel(index.table(d.table), d.table)}:</span>
              ${chips(d, index).map((c) => this.renderChip(m, d, c, editing === c.part))}
              <span class="chip add"><button data-action="chip-add-filter" @click=${() => this.addFilter(m, d)}>${icons.plus}<span class="what">Filter</span></button></span>
              ${d.dims.length ? nothing : html`<span class="chip add"><button data-part="dim:0" aria-expanded=${editing === 'dim:0' ? 'true' : 'false'} @click=${() => this.toggleChip(m, 'dim:0')}>${icons.plus}<span class="what">Breakdown</span></button></span>`}
            </div>
            ${editing ? this.renderEditor(m, d, index, editing) : nothing}`
        : nothing}
      ${this.target
        ? html`<div class="actions">
            <button class="btn primary small" data-action="chat-add" ?disabled=${m.added} @click=${() => this.add(m, [tile], 'tile')}>
              ${m.added ? html`${icons.check} Added` : html`${icons.plus} ${this.target === 'new' ? 'Add to a new dashboard' : 'Add to dashboard'}`}
            </button>
            <button class="btn small" data-action="chat-edit" @click=${() => this.editInBuilder(tile)}>${icons.edit} Edit in builder</button>
          </div>`
        : nothing}
    </div>`;
  }

  private renderChip(m: Msg, d: Draft, c: Chip, on: boolean) {
    const icon = c.kind === 'chart' ? iconForChart(d.chart) : c.kind === 'filter' ? icons.filter : nothing;
    return html`<span class="chip ${c.kind} ${on ? 'on' : ''}" data-chip=${c.kind}>
      <button data-part=${c.part} aria-expanded=${on ? 'true' : 'false'} title="Change: ${c.label}" @click=${() => this.toggleChip(m, c.part)}>
        ${icon}<span class="what">${c.label}</span>
      </button>
      ${c.removable ? html`<button class="x" aria-label="Remove ${c.label}" @click=${() => this.removePart(m, d, c.part)}>${icons.close}</button>` : nothing}
    </span>`;
  }

  private renderEditor(m: Msg, d: Draft, index: CatalogIndex, part: ChipPart) {
    const choices = index.choices(d.table);
    let title = '';
    let body: unknown = nothing;
    if (part === 'chart') {
      title = 'Chart type';
      body = html`<div class="charts" role="radiogroup" aria-label="Chart type">
        ${CHART_TYPES.map((type) => {
          const next = withChart(d, index, type);
          return html`<button
            type="button"
            class="chart-opt"
            role="radio"
            data-chart=${type}
            aria-checked=${d.chart === type ? 'true' : 'false'}
            ?disabled=${!next}
            @click=${() => {
              if (next) this.edit(m, next, true);
              this.focusChip(m, 'chart');
            }}
          >
            ${iconForChart(type)}<span>${CHART_LABELS[type]}</span>
          </button>`;
        })}
      </div>`;
    } else if (part.startsWith('measure:')) {
      const i = Number(part.slice(8));
      const measure = d.measures[i] ?? { agg: 'count' as Agg };
      const set = (next: Measure) => this.edit(m, { ...d, measures: d.measures.map((x, j) => (j === i ? next : x)) });
      title = 'What to measure';
      body = html`<div class="row">
        <select
          aria-label="Measure"
          @change=${(e: Event) => {
            const agg = (e.target as HTMLSelectElement).value as Agg;
            if (agg === 'count') return set({ agg });
            const keep = measure.column && choices.find((c) => c.ref === measure.column && aggFits(agg, c));
            const column = keep ? measure.column : (choices.find((c) => aggFits(agg, c) && !isIdentifier(c.column)) ?? choices.find((c) => aggFits(agg, c)))?.ref;
            set(column ? { agg, column } : { agg });
          }}
        >
          ${AGGS.map((agg) => html`<option value=${agg} ?selected=${agg === measure.agg}>${agg === 'count' ? `Count of ${tableLabel(index.table(d.table), d.table).toLowerCase()}` : `${AGG_LABELS[agg]} of…`}</option>`)}
        </select>
        ${measure.agg === 'count'
          ? nothing
          : html`<select aria-label="Measure column" @change=${(e: Event) => set({ agg: measure.agg, column: (e.target as HTMLSelectElement).value })}>
              ${choices.filter((c) => aggFits(measure.agg, c)).map((c) => html`<option value=${c.ref} ?selected=${c.ref === measure.column}>${c.label}</option>`)}
            </select>`}
      </div>`;
    } else if (part.startsWith('dim:')) {
      const i = Number(part.slice(4));
      const dim = d.dims[i];
      const groupable = choices.filter((c) => c.column.type !== 'other');
      const current = dim ? choices.find((c) => c.ref === dim.column) : undefined;
      const setDims = (dims: Dimension[]) => this.edit(m, { ...d, dims, sort: d.limit ? d.sort : 'auto' });
      title = 'Break down by';
      body = html`<div class="row">
        <select
          aria-label="Break down by"
          @change=${(e: Event) => {
            const ref = (e.target as HTMLSelectElement).value;
            if (!ref) return setDims(d.dims.filter((_, j) => j !== i));
            const choice = choices.find((c) => c.ref === ref);
            const next: Dimension = { column: ref };
            if (choice && isTemporal(choice.column)) next.grain = dim?.grain ?? 'month';
            const dims = [...d.dims];
            dims[i] = next;
            setDims(dims);
          }}
        >
          <option value="" ?selected=${!dim}>${i === 0 ? 'Nothing: one total' : 'No split'}</option>
          ${groupable.map((c) => html`<option value=${c.ref} ?selected=${c.ref === dim?.column} ?disabled=${d.dims.some((x, j) => j !== i && x.column === c.ref)}>${c.label}</option>`)}
        </select>
        ${dim && current && isTemporal(current.column)
          ? html`<select
              aria-label="Date grouping"
              @change=${(e: Event) => setDims(d.dims.map((x, j) => (j === i ? { column: x.column, grain: (e.target as HTMLSelectElement).value as Grain } : x)))}
            >
              ${GRAINS.map((g) => html`<option value=${g} ?selected=${g === dim.grain}>By ${GRAIN_LABELS[g].toLowerCase()}</option>`)}
            </select>`
          : nothing}
      </div>`;
    } else if (part.startsWith('filter:')) {
      const i = Number(part.slice(7));
      const f = d.filters[i];
      if (!f) return nothing;
      const filterable = choices.filter((c) => c.column.type !== 'other');
      title = 'Filter';
      body = html`<pb-filter-row
        .ctx=${this.ctx}
        .table=${d.table}
        .choices=${filterable}
        .filter=${editableFilter(f, choices.find((c) => c.ref === f.column))}
        @filter-change=${(e: CustomEvent<Filter>) => {
          e.stopPropagation();
          this.edit(m, { ...d, filters: d.filters.map((x, j) => (j === i ? e.detail : x)) });
        }}
        @filter-remove=${(e: Event) => {
          e.stopPropagation();
          this.removePart(m, d, part);
        }}
      ></pb-filter-row>`;
    } else {
      title = 'How many rows';
      body = html`<div class="row">
        <input
          type="number"
          min="1"
          max="100000"
          aria-label="Show at most"
          .value=${d.limit ? String(d.limit) : ''}
          @change=${(e: Event) => {
            const n = Math.floor(Number((e.target as HTMLInputElement).value));
            this.edit(m, { ...d, limit: Number.isFinite(n) && n >= 1 ? Math.min(100000, n) : null });
          }}
        />
        <button class="btn small" @click=${() => this.removePart(m, d, 'limit')}>Show all rows</button>
      </div>`;
    }
    return html`<div class="editor" role="group" aria-label=${title}>
      <div class="head"><span>${title}</span><button class="btn ghost small" data-action="chip-done" @click=${() => this.finishEditing(true)}>Done</button></div>
      ${body}
    </div>`;
  }

  private focusChip(m: Msg, part: ChipPart): void {
    void this.updateComplete.then(() => (this.renderRoot.querySelector(`[data-msg="${m.key}"] [data-part="${part}"]`) as HTMLElement | null)?.focus());
  }

  private renderGallery(m: Msg, tiles: ChatTile[]) {
    const added = new Set(m.addedTiles ?? []);
    const all = tiles.every((_, i) => added.has(i));
    return html`<div class="card">
      <div class="gallery" role="list" aria-label="Proposed charts">
        ${tiles.map(
          (t, i) => html`<div class="item" role="listitem">
            <pb-tile preview .tile=${this.previewTile(`${m.key}-${i}`, t)} .ctx=${this.ctx}></pb-tile>
            ${this.target
              ? html`<button class="btn small" data-action="chat-add-one" ?disabled=${added.has(i)} aria-label="Add “${t.title}”" @click=${() => this.add(m, [t], i)}>
                  ${added.has(i) ? html`${icons.check} Added` : html`${icons.plus} Add`}
                </button>`
              : nothing}
          </div>`,
        )}
      </div>
      ${this.target
        ? html`<div class="actions">
            <button class="btn primary small" data-action="chat-add-all" ?disabled=${all} @click=${() => this.add(m, tiles.filter((_, i) => !added.has(i)), 'all')}>
              ${all ? html`${icons.check} All added` : html`${icons.plus} Add all ${tiles.length - added.size} to ${this.target === 'new' ? 'a new dashboard' : 'the dashboard'}`}
            </button>
          </div>`
        : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-chat': PbChat;
  }
}
