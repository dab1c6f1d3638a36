"""Who writes the display names and descriptions: templates offline, or an LLM.

    words = TemplateDescriber().describe(facts)
    words = LLMDescriber(settings).describe(facts)   # falls back to the templates on failure

`TableFacts` is everything known about one table after profiling. What an LLM is sent:

* always: table and column names, generic and semantic types, keys, row and distinct counts,
  the share of empty values;
* data values (ranges, averages, frequent values) only when the admin's AI settings allow
  values (`LLMSettings.include_values`) *and* the column may be quoted (`quote_values`: not
  hidden, on a table without access rules) — never a hidden column's values.

The model's reply is untrusted text: it is parsed as JSON, checked with pydantic, stripped of
control characters and cut to length. Columns it leaves out keep the template wording.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plotboard.analyze.catalog_text import (
    describe_column,
    describe_table,
    display_name,
    format_number,
)
from plotboard.analyze.profile import ColumnProfile, TableProfile
from plotboard.analyze.semantic import Detection
from plotboard.catalog.model import Table
from plotboard.llm import (
    BACKGROUND,
    ChatClient,
    InvalidReply,
    LLMSettings,
    LLMUnavailable,
    extract_json,
)

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)

MAX_DISPLAY_NAME = 80
MAX_DESCRIPTION = 500
LLM_COLUMNS_PER_CALL = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class TableFacts:
    """One profiled table: `detections` and `quote_values` are keyed by column name."""

    table: Table
    profile: TableProfile | None
    detections: Mapping[str, Detection | None]
    quote_values: Mapping[str, bool]
    quote_table_values: bool


@dataclass
class Wording:
    """Display name and description of one table or column."""

    display_name: str
    description: str


@dataclass
class TableWords:
    """What a describer proposes for a table; `source` is "rules" or "llm", `note` says why
    an LLM's wording was not used (in words for the admin)."""

    table: Wording
    columns: dict[str, Wording]
    source: str = "rules"
    note: str | None = None
    llm_columns: set[str] = field(default_factory=set)


class Describer(Protocol):
    def describe(self, facts: TableFacts) -> TableWords: ...


class TemplateDescriber:
    """Offline and deterministic: `catalog_text.describe_column` / `describe_table`."""

    def describe(self, facts: TableFacts) -> TableWords:
        t = facts.table
        profile = facts.profile
        columns = {
            c.name: Wording(
                display_name(c.name),
                describe_column(
                    t,
                    c,
                    facts.detections.get(c.name),
                    profile.column(c.name) if profile else None,
                    quote_values=facts.quote_values.get(c.name, False),
                ),
            )
            for c in t.columns
        }
        table = Wording(
            display_name(t.name),
            describe_table(t, profile, quote_values=facts.quote_table_values),
        )
        return TableWords(table, columns)


# -- the LLM ---------------------------------------------------------------------------------


class _Text(BaseModel):
    model_config = ConfigDict(extra="ignore")
    display_name: str = Field(default="", max_length=400)
    description: str = Field(default="", max_length=4000)


class _Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    table: _Text | None = None
    columns: dict[str, _Text] = Field(default_factory=dict)


_REPLY_SCHEMA = _Reply.model_json_schema()


class LLMNotAnswering(Exception):
    """The model gave no usable answer; the message is for the admin."""


SYSTEM_PROMPT = """\
You write the metadata of a data catalog that non-technical people read when they build charts.
For the table and for each column you are given, write:
- "display_name": a short, plain name in sentence case (at most 40 characters), no underscores;
- "description": one sentence (at most 200 characters) saying what the column holds, in plain
  words, with units or ranges when the facts give them.
Use only the facts given; never invent numbers or values.{values_rule}
Answer with only this JSON object:
{{"table": {{"display_name": "...", "description": "..."}},
 "columns": {{"<column name>": {{"display_name": "...", "description": "..."}}}}}}"""

NO_VALUES_RULE = " Do not quote data values or statistics in descriptions."


def _clean(text: str, limit: int) -> str:
    text = _CONTROL.sub(" ", text).strip()
    text = re.sub(r"\s{2,}", " ", text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _column_facts(
    name: str,
    facts: TableFacts,
    profile: ColumnProfile | None,
    send_values: bool,
) -> dict[str, Any]:
    column = facts.table.column(name)
    assert column is not None
    detection = facts.detections.get(name)
    out: dict[str, Any] = {"name": name, "type": column.type}
    if detection is not None:
        out["semantic_type"] = detection.semantic_type
    if name in facts.table.primary_key:
        out["primary_key"] = True
    for fk in facts.table.foreign_keys:
        if name in fk.columns:
            out["references"] = fk.ref_table
    if profile is not None and profile.error is None:
        if profile.distinct is not None:
            out["distinct_values"] = profile.distinct
        out["empty_share"] = round(profile.null_fraction, 3)
        if send_values and facts.quote_values.get(name, False):
            if isinstance(profile.min, (int, float, str)) and profile.max is not None:
                out["min"], out["max"] = profile.min, profile.max
            if profile.avg is not None:
                out["average"] = format_number(profile.avg, rounded=True)
            if profile.top_values:
                out["frequent_values"] = [t.value for t in profile.top_values[:8]]
            elif profile.samples and column.type == "string":
                out["examples"] = profile.samples[:3]
    return out


class LLMDescriber:
    """Descriptions by an OpenAI-compatible chat-completions endpoint; the templates fill in
    whatever the model does not answer, and everything when it fails."""

    def __init__(self, settings: LLMSettings, client: httpx.Client | None = None) -> None:
        self.settings = settings
        # A background job: a few patient retries on 429/5xx before falling back.
        self._chat = ChatClient(settings, retry=BACKGROUND, client=client)
        self._fallback = TemplateDescriber()

    def close(self) -> None:
        self._chat.close()

    def describe(self, facts: TableFacts) -> TableWords:
        words = self._fallback.describe(facts)
        names = [c.name for c in facts.table.columns]
        batches = [
            names[i : i + LLM_COLUMNS_PER_CALL] for i in range(0, len(names), LLM_COLUMNS_PER_CALL)
        ] or [[]]
        for number, batch in enumerate(batches):
            try:
                reply = self._ask(facts, batch)
            except LLMNotAnswering as err:
                words.note = f"{err} Descriptions of {facts.table.name} come from the templates."
                return words
            if number == 0 and reply.table is not None:
                name = _clean(reply.table.display_name, MAX_DISPLAY_NAME)
                text = _clean(reply.table.description, MAX_DESCRIPTION)
                if name and text:
                    words.table = Wording(name, text)
            for column, text_of in reply.columns.items():
                if column in batch and text_of.display_name.strip() and text_of.description:
                    words.columns[column] = Wording(
                        _clean(text_of.display_name, MAX_DISPLAY_NAME),
                        _clean(text_of.description, MAX_DESCRIPTION),
                    )
                    words.llm_columns.add(column)
        words.source = "llm"
        return words

    def _prompt(self, facts: TableFacts, batch: list[str]) -> list[dict[str, str]]:
        send_values = self.settings.include_values
        table: dict[str, Any] = {"table": facts.table.name}
        if facts.profile is not None and send_values and facts.quote_table_values:
            table["rows"] = facts.profile.row_count
        table["columns"] = [
            _column_facts(n, facts, facts.profile.column(n) if facts.profile else None, send_values)
            for n in batch
        ]
        quoting = send_values and any(facts.quote_values.get(n, False) for n in batch)
        system = SYSTEM_PROMPT.format(values_rule="" if quoting else NO_VALUES_RULE)
        return [
            {"role": "system", "content": system},
            {"role": "user", "content": json.dumps(table, ensure_ascii=False, default=str)},
        ]

    def _ask(self, facts: TableFacts, batch: list[str]) -> _Reply:
        try:
            content = self._chat.complete(
                self._prompt(facts, batch),
                schema=_REPLY_SCHEMA,
                schema_name="catalog_descriptions",
                max_tokens=max(self.settings.max_tokens, 4000),
            )
        except LLMUnavailable as err:
            if err.kind == "timeout":
                raise LLMNotAnswering("The AI service did not answer in time.") from None
            if err.kind == "unreachable":
                raise LLMNotAnswering("The AI service could not be reached.") from None
            if err.kind == "http":
                raise LLMNotAnswering(
                    f"The AI service returned an error (HTTP {err.status})."
                ) from None
            logger.info("LLM descriptions unusable: %s", err)
            raise LLMNotAnswering("The AI service's answer could not be used.") from None
        except InvalidReply as err:
            logger.info("LLM descriptions unusable: %s", err)
            raise LLMNotAnswering("The AI service's answer could not be used.") from None
        try:
            return _Reply.model_validate(extract_json(content))
        except (InvalidReply, ValidationError) as err:
            logger.info("LLM descriptions unusable: %s", err)
            raise LLMNotAnswering("The AI service's answer could not be used.") from None
