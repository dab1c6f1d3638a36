"""Shapes of query model v2 asked for in so many words: percentages, running totals,
listings and "has no ...".

`read_shapes` finds the cue words and takes them out of the question (they are not data
words), `apply_shapes` turns the draft the engine built from the rest into that shape:

* "percentage / share / proportion / fraction / percent of": with a filter that is not a
  date ("what percentage work remotely", "proportion of 2024 revenue from Hardware"), the
  percent of the measure that the filtered rows make up; else, with a breakdown, each
  group's share of the total ("% of revenue by category");
* "cumulative / running total / accumulated": running totals along the first breakdown;
* "list / names of / who ... / which <table> ... / show the <table> ... / the 10 most
  recent <table>": the records themselves (their label column, the columns the question
  names), not a count;
* "no X / without a X / don't have a X / X is empty|missing|blank": an `is_null` filter on
  the column named X ("manager" -> manager_id); "with a X / has a X": `is_not_null`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from plotboard.ai.builtin.draft import Draft, DraftFilter
from plotboard.ai.builtin.intent import Intent
from plotboard.ai.builtin.text import NUMBER_WORDS, Token, split_identifier, stems
from plotboard.ai.builtin.vocabulary import Vocabulary
from plotboard.catalog.model import Column, Table

_SHARE = {("percentage",), ("percentages",), ("percent",), ("share",), ("proportion",),
          ("fraction",), ("pct",), ("what", "part")}
_RUNNING = {("cumulative",), ("cumulatively",), ("running", "total"), ("running", "totals"),
            ("running", "sum"), ("running", "count"), ("accumulated",), ("to", "date", "year",
            "by", "year")}
_LIST_LEADS = {("list",), ("names",), ("name", "of"), ("give", "me", "a", "list", "of"),
               ("a", "list", "of"), ("list", "of"), ("who", "is"), ("who", "are"),
               ("who", "works"), ("who", "work"), ("who",), ("everyone",)}
_SHOW = {"show", "display", "give"}
_NULL_LEADS = {("no",), ("without", "a"), ("without", "an"), ("without",),
               ("don", "t", "have", "a"), ("doesn", "t", "have", "a"), ("do", "not", "have", "a"),
               ("don", "t", "have"), ("has", "no"), ("have", "no"), ("with", "no")}
_NOT_NULL_LEADS = {("with", "a"), ("with", "an"), ("have", "a"), ("has", "a"),
                   ("report", "to", "a")}
_NULL_TAILS = {"empty", "missing", "blank", "null", "unset", "unknown"}
_CHART_HINTS = {"share", "proportion", "percentage"}
_NOT_THINGS = {"year", "years", "month", "months", "day", "days", "week", "weeks", "quarter",
               "quarters", "or", "and", "percent", "k", "m"}
_RANKS = {"most", "latest", "newest", "recent", "last", "first", "highest", "lowest", "biggest",
          "largest", "top", "best", "oldest", "earliest", "smallest"}
_COUNT_WORDS = {"how", "many", "number", "count", "total", "average", "avg", "sum", "mean",
                "percentage", "percent", "share", "proportion"}


_SHARE_SORTED = sorted(_SHARE, key=len, reverse=True)
_RUNNING_SORTED = sorted(_RUNNING, key=len, reverse=True)
_NULL_SORTED = sorted(_NULL_LEADS, key=len, reverse=True)
_NOT_NULL_SORTED = sorted(_NOT_NULL_LEADS, key=len, reverse=True)
_LIST_SORTED: dict[str, list[tuple[str, ...]]] = {}
for _lead in _LIST_LEADS:
    _LIST_SORTED.setdefault(_lead[0], []).append(_lead)


@dataclass
class Shapes:
    share: bool = False
    running: bool = False
    listing: bool = False
    nulls: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)  # (name, is null)
    said: list[str] = field(default_factory=list)  # the cue phrases, for "understood as"
    count: int | None = None  # "the 10 most recent": how many records
    top_n: int | None = None  # "which 3 departments have the highest ...": how many groups


def _at(words: Sequence[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[i : i + len(phrase)]) == phrase


_NULLABLE: dict[int, tuple[Vocabulary, frozenset[tuple[str, ...]]]] = {}


def _nullable_names(vocab: Vocabulary) -> frozenset[tuple[str, ...]]:
    """Names (as words, without "id") of the nullable columns; memoized per vocabulary."""
    cached = _NULLABLE.get(id(vocab))
    if cached is not None and cached[0] is vocab:
        return cached[1]
    names = set()
    for table in vocab.tables:
        for column in table.columns:
            if column.nullable and not column.hidden:
                words = tuple(w for w in stems(split_identifier(column.name)) if w != "id")
                if words:
                    names.add(words)
    if len(_NULLABLE) > 64:
        _NULLABLE.clear()
    found = frozenset(names)
    _NULLABLE[id(vocab)] = (vocab, found)
    return found


def read_shapes(tokens: Sequence[Token], vocab: Vocabulary) -> tuple[Shapes, tuple[Token, ...]]:
    """The shapes the question asks for, and the question without their cue words."""
    shapes = Shapes()
    words = [t.text for t in tokens]
    keep = [True] * len(tokens)
    nullable = _nullable_names(vocab)
    i = 0
    while i < len(words):
        matched = False
        first = words[i]
        for group, flag in ((_SHARE_SORTED, "share"), (_RUNNING_SORTED, "running")):
            for phrase in group:
                if phrase[0] != first:
                    continue
                if _at(words, i, phrase):
                    setattr(shapes, flag, True)
                    shapes.said.append(" ".join(phrase))
                    end = i + len(phrase)
                    if end < len(words) and words[end] == "of":
                        end += 1
                    if phrase[0] not in _CHART_HINTS:  # "share of" also hints at a pie
                        for k in range(i, end):
                            keep[k] = False
                    i, matched = end, True
                    break
            if matched:
                break
        if matched:
            continue
        for leads, is_null in ((_NULL_SORTED, True), (_NOT_NULL_SORTED, False)):
            for lead in leads:
                if lead[0] != first or not _at(words, i, lead):
                    continue
                rest = tuple(t.stem for t in tokens[i + len(lead) : i + len(lead) + 2])
                for size in (2, 1):
                    if rest[:size] in nullable and len(rest) >= size:
                        shapes.nulls.append((rest[:size], is_null))
                        for k in range(i, i + len(lead) + size):
                            keep[k] = False
                        i, matched = i + len(lead) + size, True
                        break
                if matched:
                    break
            if matched:
                break
        if matched:
            continue
        # "whose manager is empty", "where manager is missing"
        for size in (2, 1):
            name = tuple(t.stem for t in tokens[i : i + size])
            after = words[i + size : i + size + 2]
            if len(name) == size and name in nullable and after[:1] == ["is"] and (
                len(after) == 2 and after[1] in _NULL_TAILS
            ):
                shapes.nulls.append((name, True))
                for k in range(i, i + size + 2):
                    keep[k] = False
                i, matched = i + size + 2, True
                break
        if not matched:
            i += 1
    for k in range(1, len(words) - 1):
        n = NUMBER_WORDS.get(words[k]) or (int(words[k]) if words[k].isdigit() else None)
        if (
            n is not None and 0 < n <= 100 and words[k - 1] in ("which", "the", "what")
            and words[k + 1] not in _RANKS and words[k + 1] not in _NOT_THINGS
        ):
            shapes.top_n = n  # "which 3 departments ...", "the two regions with the most"
            keep[k] = False
            break
    shapes.listing = _is_listing(words)
    for k in range(len(words) - 1):
        if words[k].isdigit() and 0 < int(words[k]) <= 1000 and words[k + 1] in _RANKS:
            shapes.count = int(words[k])
            break
    return shapes, tuple(t for t, k in zip(tokens, keep, strict=True) if k)


def _is_listing(words: Sequence[str]) -> bool:
    if any(w in _COUNT_WORDS for w in words):
        return False
    head = [w for w in words if w not in {"please", "can", "you", "could", "me", "the", "all"}]
    if not head:
        return False
    for i, word in enumerate(words):
        for lead in _LIST_SORTED.get(word, ()):
            if _at(words, i, lead):
                return True
    return head[0] in _SHOW or head[0] == "which"


def _column_named(table: Table, name: tuple[str, ...]) -> Column | None:
    for column in table.columns:
        words = tuple(w for w in stems(split_identifier(column.name)) if w != "id")
        if words == name and column.nullable and not column.hidden:
            return column
    return None


def apply_shapes(vocab: Vocabulary, draft: Draft, shapes: Shapes, intent: Intent) -> Draft:
    """`draft` in the shapes asked for (see the module docstring); notes say what was read."""
    for name, is_null in shapes.nulls:
        column = _column_named(draft.base, name)
        if column is None:
            draft.notes.append(f"I did not find '{' '.join(name)}' in {draft.base.name}")
            continue
        op = "is_null" if is_null else "is_not_null"
        draft.filters.append(DraftFilter(draft.base, column, op, None))  # type: ignore[arg-type]
    if shapes.share and draft.measures:
        parts = [f for f in draft.filters if f.column.type not in ("date", "datetime")]
        parts = [f for f in parts if f.op not in ("between", "last", "this", "previous")]
        if parts:
            draft.part = parts[-1]
            draft.filters.remove(parts[-1])
        elif draft.dims:
            draft.share = True
        draft.measures = draft.measures[:1]
    if shapes.running and draft.dims and draft.measures:
        draft.cumulative = True
        draft.measures = draft.measures[:1]
        draft.order, draft.limit = None, None
    if shapes.top_n is not None and draft.dims and draft.measures:
        draft.limit = shapes.top_n
        if draft.order is None:
            draft.order = True
    if shapes.listing and not shapes.share and not shapes.running:
        _as_listing(vocab, draft, intent, shapes.count)
    return draft


def _as_listing(vocab: Vocabulary, draft: Draft, intent: Intent, count: int | None) -> None:
    if intent.grain is not None or any(d.grain for d in draft.dims):
        return
    base = draft.base
    label = vocab.label_column(base)
    if label is None or any(d.column is not label for d in draft.dims):
        return  # "which departments have the most people": a ranking, not a listing
    if draft.dims and all(t.table is not base for t in intent.tables):
        return  # "which product brought in the most revenue": products ranked, not sales
    columns: list[tuple[Table, Column]] = [(base, label)]
    for m in draft.measures:
        if m.column is not None and m.table is base:
            columns.append((base, m.column))
    for d in draft.dims:
        if d.table is base and d.column is not label:
            columns.append((base, d.column))
    for f in draft.filters:
        if f.table is base and f.op not in ("is_null", "is_not_null"):
            columns.append((base, f.column))
    dates = [c for c in base.columns if c.type in ("date", "datetime") and not c.hidden]
    if dates and all(c is not dates[0] for _, c in columns):
        columns.append((base, dates[0]))
    order: tuple[Column, bool] | None = None
    measure = draft.measures[0] if draft.measures else None
    if measure is not None and measure.column is not None and measure.table is base and (
        draft.order is not None or draft.limit is not None or measure.agg in ("max", "min")
    ):
        desc = draft.order if draft.order is not None else measure.agg != "min"
        order = (measure.column, desc)
    draft.records = columns
    draft.record_order = order
    draft.dims, draft.measures = [], []
    if draft.limit is None and intent.top is not None:
        draft.limit = intent.top.n
    if draft.limit is None and order is not None and count is not None:
        draft.limit = count
