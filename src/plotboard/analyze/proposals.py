"""Proposals: what Analyze would write into the catalog, and writing them when accepted.

A proposal is plain JSON, stored on the job:

    {"table": "employees", "column": "salary",          # column null: the table itself
     "fields": {"display_name": "Salary", "description": "...", "semantic_type": "currency"},
     "current": {"display_name": null, "description": null, "semantic_type": null},
     "edited": [],                                      # fields the admin wrote by hand
     "confidence": 0.85, "reason": "a number named like money ('salary')",
     "source": "rules"}                                 # or "llm"

`apply_proposals` writes accepted fields, skipping any field the admin wrote by hand (the
catalog's `edited` lists, read again at apply time) unless `overwrite` is set; an overwritten
field then counts as Analyze's, no longer as an edit. A value the admin rewrote while
reviewing (`Accept.description`, ...) is the admin's: always written, and marked as an edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from plotboard.analyze.describe import TableWords
from plotboard.analyze.semantic import Detection
from plotboard.catalog.store import SEMANTIC_TYPES, table_rows
from plotboard.errors import invalid
from plotboard.store.models import CatalogTable

TABLE_FIELDS = ("display_name", "description")
COLUMN_FIELDS = ("display_name", "description", "semantic_type")


class Accept(BaseModel):
    """Accept the proposal for one table (column left out) or one column; `fields` narrows it
    to some fields (all by default).

    `display_name`, `description` and `semantic_type`, when given, replace the proposed value
    (the admin reworded it while reviewing): such a value is the admin's own, so it is written
    even over an earlier edit and recorded as an edit.
    """

    model_config = ConfigDict(extra="forbid")
    table: str = Field(min_length=1, max_length=400)
    column: str | None = Field(default=None, max_length=200)
    fields: list[str] | None = Field(default=None, max_length=3)
    display_name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    semantic_type: str | None = Field(default=None, max_length=40)


def qualified(row: CatalogTable) -> str:
    return f"{row.schema_name}.{row.name}" if row.schema_name else row.name


def proposals_for_table(
    row: CatalogTable, words: TableWords, detections: dict[str, Detection | None]
) -> list[dict[str, Any]]:
    """The table's proposal followed by one per column, against the catalog as it is now."""
    name = qualified(row)
    out: list[dict[str, Any]] = [
        {
            "table": name,
            "column": None,
            "fields": {
                "display_name": words.table.display_name,
                "description": words.table.description,
            },
            "current": {"display_name": row.display_name, "description": row.description},
            "edited": sorted(set(row.edited or []) & set(TABLE_FIELDS)),
            "confidence": None,
            "reason": None,
            "source": words.source,
        }
    ]
    for column in row.columns:
        wording = words.columns.get(column["name"])
        if wording is None:
            continue
        fields: dict[str, Any] = {
            "display_name": wording.display_name,
            "description": wording.description,
        }
        detection = detections.get(column["name"])
        if detection is not None:
            fields["semantic_type"] = detection.semantic_type
        out.append(
            {
                "table": name,
                "column": column["name"],
                "fields": fields,
                "current": {f: column.get(f) for f in COLUMN_FIELDS},
                "edited": sorted(set(column.get("edited") or []) & set(COLUMN_FIELDS)),
                "confidence": detection.confidence if detection else None,
                "reason": detection.reason if detection else None,
                "source": "llm" if column["name"] in words.llm_columns else "rules",
            }
        )
    return out


@dataclass
class ApplyResult:
    """`applied`, `kept` (admin edits left alone) and `skipped` (gone from the catalog since)
    list `{"table", "column", "field"}` entries; `unchanged` counts fields already equal."""

    applied: list[dict[str, Any]] = field(default_factory=list)
    kept: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "applied": len(self.applied),
            "kept": self.kept,
            "skipped": self.skipped,
            "unchanged": self.unchanged,
            "changes": self.applied,
        }


@dataclass
class _Choice:
    proposal: dict[str, Any]
    fields: set[str]
    values: dict[str, Any]  # proposed values, with the admin's own in place
    own: set[str]  # fields whose value the admin wrote while reviewing


def _choice(number: int, entry: Accept, proposal: dict[str, Any]) -> _Choice:
    if entry.semantic_type is not None:
        if proposal["column"] is None:
            raise invalid(f"accept[{number}].semantic_type", "a table has no semantic type")
        if entry.semantic_type not in SEMANTIC_TYPES:
            raise invalid(
                f"accept[{number}].semantic_type",
                f"'{entry.semantic_type}' is not a semantic type; use one of "
                + ", ".join(SEMANTIC_TYPES),
            )
    allowed = TABLE_FIELDS if proposal["column"] is None else COLUMN_FIELDS
    given = entry.model_dump(include=set(allowed), exclude_none=True)
    values = {**proposal["fields"], **given}
    wanted = set(entry.fields) if entry.fields is not None else set(proposal["fields"])
    wanted |= set(given)
    unknown = wanted - set(values)
    if unknown:
        raise invalid(
            f"accept[{number}].fields",
            f"no proposed {', '.join(sorted(unknown))}; proposed fields are "
            + ", ".join(sorted(proposal["fields"])),
        )
    own = {f for f, v in given.items() if v != proposal["fields"].get(f)}
    return _Choice(proposal, wanted, values, own)


def _accepted(
    proposals: Sequence[dict[str, Any]], accept: Sequence[Accept] | None
) -> list[_Choice]:
    """What to apply; a 422 for an `accept` entry that matches nothing."""
    if accept is None:
        return [_Choice(p, set(p["fields"]), dict(p["fields"]), set()) for p in proposals]
    index = {(p["table"], p["column"]): p for p in proposals}
    chosen: dict[tuple[str, str | None], _Choice] = {}
    for number, entry in enumerate(accept):
        key = (entry.table, entry.column)
        proposal = index.get(key)
        if proposal is None:
            what = (
                f"column '{entry.column}' of table '{entry.table}'"
                if entry.column
                else f"table '{entry.table}'"
            )
            raise invalid(f"accept[{number}]", f"this job has no proposal for {what}")
        choice = _choice(number, entry, proposal)
        earlier = chosen.get(key)
        if earlier is not None:
            choice.fields |= earlier.fields
            choice.values = {**earlier.values, **{f: choice.values[f] for f in choice.own}}
            choice.own |= earlier.own
        chosen[key] = choice
    return list(chosen.values())


def _write(
    target: dict[str, Any],
    edited: set[str],
    choice: _Choice,
    allowed: Iterable[str],
    overwrite: bool,
    where: dict[str, Any],
    result: ApplyResult,
) -> bool:
    """Set the chosen fields of `target` (a dict view of a table or column); True when
    anything changed."""
    changed = False
    for name in sorted(choice.fields & set(allowed)):
        value = choice.values[name]
        entry = {**where, "field": name}
        if name == "semantic_type" and value not in SEMANTIC_TYPES:
            result.skipped.append(entry)
            continue
        if name in choice.own:
            if name not in edited:
                edited.add(name)
                changed = True
        elif name in edited and not overwrite:
            result.kept.append(entry)
            continue
        elif name in edited:
            edited.discard(name)
            changed = True
        if target.get(name) == value:
            result.unchanged += 1
            continue
        result.applied.append({**entry, "from": target.get(name), "to": value})
        target[name] = value
        changed = True
    return changed


def apply_proposals(
    session: Session,
    source_id: str,
    proposals: Sequence[dict[str, Any]],
    *,
    accept: Sequence[Accept] | None = None,
    overwrite: bool = False,
) -> ApplyResult:
    """Write the accepted proposals into the catalog, in the caller's transaction."""
    rows = {qualified(r): r for r in table_rows(session, source_id)}
    result = ApplyResult()
    for choice in _accepted(proposals, accept):
        proposal = choice.proposal
        where = {"table": proposal["table"], "column": proposal["column"]}
        row = rows.get(proposal["table"])
        if row is None:
            result.skipped.extend({**where, "field": f} for f in sorted(choice.fields))
            continue
        if proposal["column"] is None:
            current = {f: getattr(row, f) for f in TABLE_FIELDS}
            edited = set(row.edited or [])
            if _write(current, edited, choice, TABLE_FIELDS, overwrite, where, result):
                for name in TABLE_FIELDS:
                    setattr(row, name, current[name])
                row.edited = sorted(edited)
            continue
        columns = [dict(c) for c in row.columns]
        column = next((c for c in columns if c["name"] == proposal["column"]), None)
        if column is None:
            result.skipped.extend({**where, "field": f} for f in sorted(choice.fields))
            continue
        edited = set(column.get("edited") or [])
        if _write(column, edited, choice, COLUMN_FIELDS, overwrite, where, result):
            column["edited"] = sorted(edited)
            row.columns = columns  # a new list, so SQLAlchemy sees the change
    session.flush()
    return result
