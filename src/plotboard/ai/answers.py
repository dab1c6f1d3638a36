"""What every AI engine returns, and the protocol the engines share.

An engine turns a question into an `EngineAnswer`: a short text for the user and, when the
question can be charted, a `TileSuggestion` (title, query spec, chart) — or several for "build
me a dashboard". The query is always a validated `QuerySpec`; nothing an engine produces is
SQL, and no engine ever sees or writes security filters: the tile's query runs through the
same query engine and access rules as any other.

`TileSuggestion.to_dict()` gives the JSON of the public contract
(``{"title", "query": <spec>, "chart": {"type", ...}}``); `TileSuggestion.from_dict()` reads it
back (for follow-ups on a stored conversation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from plotboard.catalog.model import Catalog
from plotboard.query.errors import QueryError
from plotboard.query.spec import QuerySpec, parse_spec

ChartType = Literal[
    "bar",
    "bar_horizontal",
    "bar_stacked",
    "line",
    "area",
    "pie",
    "donut",
    "kpi",
    "table",
    "scatter",
    "map",
]
CHART_TYPES: tuple[str, ...] = ChartType.__args__  # type: ignore[attr-defined]
"""The chart types the editor draws (frontend/src/types.ts `CHART_TYPES`)."""

ColumnValues = Mapping[tuple[str, str], Sequence[str]]
"""Real values of low-cardinality columns: ``{("employees", "location"): ["Paris", ...]}``.

Keys are ``(table, column)``; the table may be schema-qualified (``"hr.employees"``). The
caller fetches them through the secured query engine, so a user only ever brings in values
they may see. The built-in engine turns these words in a question into filters; the LLM
engine sends them only when the admin allows sample values.
"""

ContextClues = str | Mapping[str, str] | None
"""`ai_context_clues` from the embed token: free text or named strings (tone, company, ...)."""


@dataclass(frozen=True)
class Source:
    """One database a user may ask about: its id (what a query's `source` names), the name
    the admin gave it (what a person reads), its catalog and its low-cardinality values."""

    id: str
    name: str
    catalog: Catalog
    values: ColumnValues = field(default_factory=dict)
    # The latest day (ISO "2025-12-31") of each date column the user can see, keyed like
    # `values`, when the caller knows it: "the last 6 months" on data that ended before then
    # is counted back from there, and the answer says so.
    latest: Mapping[tuple[str, str], str] = field(default_factory=dict)


Sources = Catalog | Sequence[Source]
"""What an engine answers over: one catalog (a single database), or every source the user may
see. A question is answered from the tables of one source: queries never join across them."""


def as_sources(catalog: Sources, values: ColumnValues | None = None) -> tuple[Source, ...]:
    """`catalog` as sources: a lone catalog becomes one source without id, with `values`."""
    if isinstance(catalog, Catalog):
        return (Source("", "", catalog, values or {}),)
    return tuple(catalog)


@dataclass(frozen=True)
class TileSuggestion:
    """One chart an engine proposes: a title, a validated query spec and a chart."""

    title: str
    query: QuerySpec
    chart: Mapping[str, Any]
    source: str | None = None
    """The id of the source the query runs on; not part of `to_dict` (the answer says it)."""

    @property
    def chart_type(self) -> str:
        return str(self.chart.get("type", "table"))

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape: ``{"title", "query", "chart"}`` (defaults left out of query)."""
        return {
            "title": self.title,
            "query": self.query.model_dump(mode="json", exclude_defaults=True),
            "chart": dict(self.chart),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str | None = None) -> TileSuggestion:
        """Read a tile back from its JSON (e.g. the last tile of a stored conversation), on
        `source` when known.

        Raises:
            QueryError: when the query is not a valid spec or the chart has no known type.
        """
        chart = data.get("chart") or {}
        if not isinstance(chart, Mapping) or chart.get("type") not in CHART_TYPES:
            raise QueryError(
                f"The chart type must be one of {', '.join(CHART_TYPES)}.", field="chart.type"
            )
        title = data.get("title")
        return cls(
            title=title if isinstance(title, str) else "",
            query=parse_spec(data.get("query")),
            chart=dict(chart),
            source=source,
        )


@dataclass(frozen=True)
class EngineAnswer:
    """An engine's reply to one question.

    Attributes:
        answer: one or two short sentences for the user.
        tile: the chart for a single question; None when the question can't be answered
            (then `suggestions` lists questions that can) or when `tiles` holds a dashboard.
        tiles: several charts for "build me a dashboard about ..."; empty otherwise.
        suggestions: questions this engine can answer over this catalog.
        engine: "builtin" or "llm" — which engine produced the answer.
        fallback_reason: set when the LLM engine could not answer and the built-in engine
            did; a sentence to show the user as is.
        notes: remarks on how the question was read, e.g. words that were not used.
        source: the id of the source the tile(s) run on; None without a tile, or when the
            engine answered over a lone catalog.
        understood: one plain line saying what question was answered ("Revenue by
            category (2025)"); None without a tile.
        assumptions: every reading the engine chose that the question did not say ("'rev'
            read as revenue", "'last quarter' read as 2025-04-01 to 2025-06-30").
        unused: words of the question the answer did not use.
        alternatives: close other readings, each ``{"label", "question"}``: asking
            `question` gives that reading (one click in the chat); with ``"follow_up"``
            (true or false), ask it with that `follow_up` (the other reading of a message in
            a conversation: true changes the tile before this answer, false asks afresh).
        follow_up: in a conversation, whether the answer changed the last tile (True) or
            answered a new question (False); None for a first question (or from an engine
            that does not say). `understood` then starts with "Changed the last chart: " or
            "New question: ".
    """

    answer: str
    tile: TileSuggestion | None = None
    tiles: tuple[TileSuggestion, ...] = ()
    suggestions: tuple[str, ...] = ()
    engine: str = "builtin"
    fallback_reason: str | None = None
    notes: tuple[str, ...] = field(default=())
    source: str | None = None
    understood: str | None = None
    assumptions: tuple[str, ...] = ()
    unused: tuple[str, ...] = ()
    alternatives: tuple[Mapping[str, str | bool], ...] = ()
    follow_up: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "tile": self.tile.to_dict() if self.tile else None,
            "tiles": [t.to_dict() for t in self.tiles],
            "suggestions": list(self.suggestions),
            "engine": self.engine,
            "fallback_reason": self.fallback_reason,
            "notes": list(self.notes),
            "understood": self.understood,
            "assumptions": list(self.assumptions),
            "unused": list(self.unused),
            "alternatives": [dict(a) for a in self.alternatives],
            "follow_up": self.follow_up,
        }


class Engine(Protocol):
    """What the ask endpoint calls; implemented by `BuiltinEngine` and `LLMEngine`."""

    def answer(
        self,
        question: str,
        catalog: Sources,
        values: ColumnValues | None = None,
        *,
        previous: TileSuggestion | None = None,
        context_clues: ContextClues = None,
        today: dt.date | None = None,
        source: str | None = None,
        follow_up: bool | None = None,
    ) -> EngineAnswer:
        """Answer `question` over `catalog` (one catalog with its `values`, or several
        `Source`s); `previous` is the last tile, for follow-ups; `source` the id of the source
        the conversation is on, preferred when the question fits it; `follow_up` forces the
        reading of a message after `previous` (True: change it, False: ask afresh)."""
        ...
