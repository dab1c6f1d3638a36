// The chat's logic apart from its look: an AI tile as the builder's draft (so the chips edit it
// with the builder's own rules), the chips' words, starter questions from the catalog, and the
// conversation remembered per user and dashboard. Only the lazily loaded chat chunk imports it.

import { draftFromTile, draftSpec, type BuiltTile, type Draft } from './draft.js';
import {
  CHART_LABELS,
  chartFits,
  choiceInSentence,
  defaultChart,
  humanize,
  isCategory,
  isIdentifier,
  isNumeric,
  isTemporal,
  locationKind,
  tableInSentence,
  type CatalogIndex,
  type ColumnChoice,
} from './model.js';
import { CHART_TYPES, type AiAlternative, type AiAnswer, type AiMessage, type AiTile, type ChartType, type Filter, type QuerySpec, type Scalar } from './types.js';

/** A tile as the chat shows it: always with a chart type the editor draws. */
export type ChatTile = BuiltTile;

export function chatTile(tile: AiTile, all: CatalogIndex | null, source?: string | null): ChatTile {
  // With several sources the tile keeps the one it was answered from (two may have a table
  // of the same name).
  const mine = source && all && all.catalog.sources.length > 1 ? source : undefined;
  const index = all?.forSource(mine) ?? null;
  const own = tile.chart?.type;
  const type: ChartType =
    own && (CHART_TYPES as readonly string[]).includes(own) ? own : index ? defaultChart(index, tile.query) : 'table';
  const out: ChatTile = { title: tile.title || (index ? index.suggestTitle(tile.query) : 'Chart'), query: tile.query, chart: { type } };
  if (mine) out.source = mine;
  return out;
}

/** A message of the chat: the user's question, an answer of the AI, or an error. */
export interface ChatMessage {
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
  /** What the AI understood the question as, what it assumed, and other readings. */
  understood?: string | null;
  assumptions?: string[];
  alternatives?: AiAlternative[];
  /** In a conversation: it changed the last chart (true) or answered a new question (false). */
  followUp?: boolean | null;
  /** The message's index in the stored conversation (chip edits are remembered by it). */
  at?: number;
  /** An error: the question to ask again, or the conversation to load again. */
  retry?: { question: string; ask?: AskHow } | 'restore';
  added?: boolean;
  addedTiles?: number[];
  /** An older answer whose chart the user unfolded. */
  unfolded?: boolean;
}

type Edits = NonNullable<Remembered['edits']>;

/** An answer as the chat shows it, from the server (`at`: its index in the conversation);
 * `edit` is the user's remembered chip edit, kept while the AI's tile is unchanged. */
export function answerMessage(key: string, a: AiAnswer | AiMessage, at: number, index: CatalogIndex | null, edit?: Edits[string], source?: string | null): ChatMessage {
  const from = ('source' in a ? a.source : undefined) ?? source;
  const orig = a.tile ? chatTile(a.tile, index, from) : null;
  const edited = orig && edit && edit.orig === canonical(orig) ? { ...edit.tile, ...(orig.source ? { source: orig.source } : {}) } : null;
  return {
    key,
    role: 'assistant',
    text: 'answer' in a ? a.answer : a.text,
    orig,
    tile: edited ?? orig,
    tiles: (a.tiles ?? []).map((t) => chatTile(t, index, from)),
    suggestions: a.suggestions ?? [],
    fallback: a.fallback_reason ?? null,
    notes: a.notes ?? [],
    understood: a.understood ?? null,
    assumptions: a.assumptions ?? [],
    alternatives: a.alternatives ?? [],
    followUp: a.follow_up ?? null,
    at,
  };
}

/** The chip edits worth remembering: answers whose tile the user changed. */
export function chipEdits(messages: ChatMessage[]): Edits {
  const edits: Edits = {};
  for (const m of messages) {
    if (m.at !== undefined && m.orig && m.tile && canonical(m.tile) !== canonical(m.orig)) {
      edits[String(m.at)] = { orig: canonical(m.orig), tile: m.tile };
    }
  }
  return edits;
}

/** A title for a new dashboard made from the chat: the tile's, or the question's topic. */
export function dashboardTitle(question: string, tiles: ChatTile[], one: boolean): string {
  const topic = /\b(?:about|on|for)\s+(.+?)[.?!]*$/i.exec(question)?.[1];
  return one ? tiles[0]!.title : topic ? topic[0]!.toUpperCase() + topic.slice(1) : 'New dashboard';
}

export function asDraft(tile: ChatTile, index: CatalogIndex): Draft {
  return draftFromTile({ id: '', title: tile.title, query: tile.query, chart: tile.chart, layout: { x: 0, y: 0, w: 6, h: 4 }, ...(tile.source ? { source: tile.source } : {}) }, index);
}

/** A stable JSON text (keys sorted), to tell whether two queries are the same. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * The tile a draft stands for. The chart falls back to the default when it no longer fits, as in
 * the builder; the AI's title stays while the query is the AI's, else it follows the query.
 */
export function tileFromDraft(d: Draft, whole: CatalogIndex, original: ChatTile): ChatTile {
  const index = whole.forSource(original.source);
  let chart = d.chart;
  if (!chartFits(index, draftSpec(d, index), chart)) chart = defaultChart(index, draftSpec(d, index));
  const query = draftSpec({ ...d, chart }, index);
  const title = canonical(query) === canonical(original.query) ? original.title : index.suggestTitle(query);
  return { title, query, chart: { type: chart }, ...(original.source ? { source: original.source } : {}) };
}

// --- chips --------------------------------------------------------------------------------

export type ChipPart = 'chart' | 'limit' | `measure:${number}` | `dim:${number}` | `filter:${number}`;

export interface Chip {
  part: ChipPart;
  kind: 'measure' | 'dim' | 'filter' | 'limit' | 'chart';
  label: string;
  /** Removable with its own × (filters and the row limit). */
  removable: boolean;
}

const text = (x: Scalar | undefined): string => (typeof x === 'boolean' ? (x ? 'Yes' : 'No') : String(x ?? '…'));

function list(values: Scalar[]): string {
  if (!values.length) return '…';
  const shown = values.slice(0, 3).map(text).join(', ');
  return values.length > 3 ? `${shown} +${values.length - 3}` : shown;
}

/** A filter in few words: "Location: Paris", "Sale date: 2024", "Salary ≥ 50000". */
export function filterWords(label: string, f: Filter): string {
  const v = f.value;
  const one = Array.isArray(v) ? list(v) : text(v);
  switch (f.op) {
    case 'eq':
      return `${label}: ${one}`;
    case 'in':
      return `${label}: ${one}`;
    case 'neq':
    case 'not_in':
      return `${label}: not ${one}`;
    case 'between': {
      const [a, b] = Array.isArray(v) ? v.map(String) : ['', ''];
      const year = /^(\d{4})-01-01$/.exec(a ?? '')?.[1];
      if (year && b === `${year}-12-31`) return `${label}: ${year}`;
      return `${label}: ${a || '…'} – ${b || '…'}`;
    }
    case 'gte':
      return `${label} ≥ ${one}`;
    case 'gt':
      return `${label} > ${one}`;
    case 'lte':
      return `${label} ≤ ${one}`;
    case 'lt':
      return `${label} < ${one}`;
    case 'contains':
      return `${label} contains “${one}”`;
    case 'is_null':
      return `${label} is empty`;
    case 'is_not_null':
      return `${label} is not empty`;
  }
}

export function chips(d: Draft, index: CatalogIndex): Chip[] {
  const out: Chip[] = d.measures.map((m, i) => ({
    part: `measure:${i}` as const,
    kind: 'measure' as const,
    label: index.measureLabel(d.table, m),
    removable: false,
  }));
  d.dims.forEach((dim, i) => out.push({ part: `dim:${i}`, kind: 'dim', label: `by ${index.dimensionLabel(d.table, dim)}`, removable: false }));
  d.filters.forEach((f, i) => {
    const label = index.choice(d.table, f.column)?.label ?? humanize(f.column);
    out.push({ part: `filter:${i}`, kind: 'filter', label: filterWords(label, f), removable: true });
  });
  if (d.limit) {
    const words = d.sort === 'value_desc' ? 'Top' : d.sort === 'value_asc' ? 'Bottom' : 'First';
    // The top N in each group says so: "Top 5" alone read as five rows in all.
    const per = d.limitPer ? d.dims.find((dim) => dim.column === d.limitPer) : undefined;
    const each = per ? ` in each ${index.dimensionInSentence(d.table, per)}` : '';
    out.push({ part: 'limit', kind: 'limit', label: `${words} ${d.limit}${each}`, removable: true });
  }
  out.push({ part: 'chart', kind: 'chart', label: CHART_LABELS[d.chart], removable: false });
  return out;
}

/** A filter as the filter row edits it: "is Paris" on a text column becomes "is any of Paris". */
export function editableFilter(f: Filter, choice: ColumnChoice | undefined): Filter {
  const text = choice && !isNumeric(choice.column) && !isTemporal(choice.column) && choice.column.type !== 'boolean';
  if (text && (f.op === 'eq' || f.op === 'neq') && f.value !== undefined && !Array.isArray(f.value)) {
    return { column: f.column, op: f.op === 'eq' ? 'in' : 'not_in', value: [f.value] };
  }
  return f;
}

// --- starter questions ----------------------------------------------------------------------

const MONEY = /(amount|revenue|sales|total|price|cost|spend)/i;
const MAIN_MONEY = /(amount|revenue|sales|total)/i;
const SUMMED = /(amount|revenue|sales|total|price|cost|spend|value|quantity|units)/i;

/**
 * Example questions for an empty chat, from the catalog, in the words the built-in engine
 * understands: a map, a trend, a breakdown (taking turns between tables, fact tables first),
 * and a dashboard about the main table.
 */
export function starterQuestions(index: CatalogIndex, limit = 4): string[] {
  const ranked = index.tables
    .map(({ table }) => {
      const own = index.choices(table.name).filter((c) => !c.group);
      const numbers = own.filter((c) => isNumeric(c.column) && !isIdentifier(c.column) && c.column.semantic_type !== 'category');
      const money = numbers.some((c) => c.column.semantic_type === 'currency' || MONEY.test(c.ref));
      return { table, own, numbers, money, dates: own.filter((c) => isTemporal(c.column)) };
    })
    .sort(
      (a, b) =>
        Number(!a.money) - Number(!b.money) ||
        Number(!a.numbers.length) - Number(!b.numbers.length) ||
        b.dates.length - a.dates.length,
    );
  const perTable: string[][] = ranked.map(({ table, own, numbers, dates }) => {
    // In a sentence, as the builder's labels: a label the admin gave keeps its case ("SKU").
    const name = tableInSentence(table);
    const words = (c: ColumnChoice) => choiceInSentence(c);
    const summed =
      numbers.find((c) => c.column.semantic_type === 'currency') ?? numbers.find((c) => MAIN_MONEY.test(c.ref)) ?? numbers.find((c) => MONEY.test(c.ref));
    const averaged = numbers.find((c) => !SUMMED.test(c.ref));
    const place = own.find((c) => locationKind(c.column) === 'city') ?? own.find((c) => locationKind(c.column));
    const category = own.find((c) => isCategory(c.column) && !locationKind(c.column));
    const ideas: string[] = [];
    if (averaged && place) ideas.push(`Average ${words(averaged)} by ${words(place)} as a map`);
    if (summed && dates[0]) ideas.push(`Total ${words(summed)} by month`);
    if (category) ideas.push(`Number of ${name} by ${words(category)}`);
    return ideas;
  });
  const out: string[] = [];
  for (let turn = 0; out.length < limit - 1 && perTable.some((ideas) => turn < ideas.length); turn++) {
    for (const ideas of perTable) {
      // Two tables can give the same words ("Total amount by month"): one button for them.
      const idea = ideas[turn];
      if (idea && out.length < limit - 1 && !out.includes(idea)) out.push(idea);
    }
  }
  out.sort((a, b) => Number(b.endsWith(' as a map')) - Number(a.endsWith(' as a map')));
  const main = ranked[0];
  if (main && (main.numbers.length || main.dates.length)) out.push(`Build me a dashboard about ${tableInSentence(main.table)}`);
  return out;
}

// --- the conversation, remembered per user and dashboard ------------------------------------

export interface Remembered {
  id: string;
  source?: string;
  /** Chip edits by the server's message index, kept while the AI's tile is unchanged. */
  edits?: Record<string, { orig: string; tile: ChatTile }>;
}

const PREFIX = 'plotboard.chat.v1';

export function memoryKey(server: string, subject: string, scope: string): string {
  return `${PREFIX}|${server}|${subject}|${scope || '-'}`;
}

/** Storage may be off (private modes, sandboxed frames): the chat then only forgets on reload. */
export function recall(key: string): Remembered | null {
  try {
    const raw = window.localStorage.getItem(key);
    const value = raw ? (JSON.parse(raw) as Remembered) : null;
    return value && typeof value.id === 'string' ? value : null;
  } catch {
    return null;
  }
}

export function remember(key: string, value: Remembered | null): void {
  try {
    if (value) window.localStorage.setItem(key, JSON.stringify(value));
    else window.localStorage.removeItem(key);
  } catch {
    /* storage is off or full: nothing to do */
  }
}

export function sameSpec(a: QuerySpec, b: QuerySpec): boolean {
  return canonical(a) === canonical(b);
}

/** How to ask a question in a conversation: as a change of `tile` (`followUp` true) or afresh
 * (false); unset, the AI decides. */
export interface AskHow {
  followUp?: boolean;
  tile?: ChatTile | null;
}

const READINGS = { true: 'Changed the last chart', false: 'New question' } as const;

/** The "understood" line in two parts: how the question was read, and what it was read as. */
export function understoodLine(m: ChatMessage): { lead: string; what: string } | null {
  if (!m.understood) return null;
  if (m.followUp === true || m.followUp === false) {
    const lead = READINGS[String(m.followUp) as 'true' | 'false'];
    if (m.understood.startsWith(`${lead}: `)) return { lead: `${lead}:`, what: m.understood.slice(lead.length + 2) };
  }
  return { lead: 'Understood as:', what: m.understood };
}

/** The tile an answer's "change the last chart" alternative changes: the last tile before it. */
export function tileBefore(messages: ChatMessage[], m: ChatMessage): ChatTile | null {
  const at = messages.indexOf(m);
  for (let i = at - 1; i >= 0; i--) {
    const x = messages[i]!;
    if (x.role === 'assistant' && x.tile) return x.tile;
  }
  return null;
}
