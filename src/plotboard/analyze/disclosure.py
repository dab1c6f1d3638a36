"""What end users may read of the catalog's descriptions, whatever the order of Analyze and rules.

A description is read by every end user of a source (the embed catalog in the builder, the
prompt the AI sends to the organization's LLM), whatever rows their access rules let them see.
Analyze writes value lists, row counts, ranges and shares of empty rows computed over *every*
row, and an admin may quote values by hand. So, for each table, decided when the catalog is
loaded (with the rules as they are *now*, not as they were when the text was written):

* a table without an access rule: its descriptions as stored;
* a table with an access rule:
  - a description Analyze wrote (the field is not in the entry's `edited` list) is replaced by
    Analyze's wording *without data*, rebuilt from names, types, keys and the semantic type
    (`plain_table_description`, `plain_column_description`) — an LLM's sentence too, since it
    may paraphrase the figures it was given;
  - a description the admin wrote is served unless it quotes a value profiling saw in that
    table (`TableValues`: frequent values, samples, minimums, maximums, averages, the row
    count); then the data-free wording is served instead, and the console says why. Until
    Analyze has profiled the table there is nothing to check against: the data-free wording
    is served too (fail closed);
  - either is served as written when the admin confirmed that very text safe for every end
    user (`description_reviewed` holds the confirmed text, so an edit needs a new one).

What profiling saw comes from the latest finished Analyze job that profiled the table
(`known_values`).

    checks = check_table(row, ruled=True, values=known.get("employees"))
    checks[None].served, checks["location"].quoted
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard.access.store import list_rules
from plotboard.analyze.catalog_text import (
    describe_column,
    describe_table,
    display_name,
    format_number,
)
from plotboard.analyze.semantic import Detection
from plotboard.catalog.model import Catalog, Column, Table
from plotboard.catalog.store import table_rows, to_table
from plotboard.store.models import AnalyzeJob, CatalogTable

JOBS_READ = 50
"""How many recent finished jobs of a source are read for profiles (newest wins per table)."""
MIN_NUMBER = 10
"""Numbers below this are too common in prose ("one row per ...", "1 to 5") to tell a quote."""

Reason = Literal[
    "no_rule", "empty", "reviewed", "analyze", "quotes_values", "not_profiled", "checked"
]


def qualified(row: CatalogTable) -> str:
    return f"{row.schema_name}.{row.name}" if row.schema_name else row.name


def _forms(value: Any, column_type: str) -> set[str]:
    """How `value` may be written in a sentence."""
    if value is None or isinstance(value, bool):
        return set()
    if isinstance(value, (int, float)):
        if abs(value) < MIN_NUMBER:
            return set()
        number = float(value)
        out = {format_number(number), format_number(number, rounded=True)}
        if number.is_integer():
            out.add(str(int(number)))
        return out
    text = str(value).strip()
    if column_type in ("date", "datetime") and len(text) >= 10:
        return {text[:10], text}
    # One letter ("A", "M") is not a quote; "HR" is.
    return {text} if len(text) >= 2 else set()


class TableValues:
    """The values profiling saw in one table, as they may be written in a sentence."""

    def __init__(self, forms: Iterable[str]) -> None:
        self.forms = tuple(sorted({f for f in forms if f}, key=lambda f: (-len(f), f)))
        self._pattern = (
            re.compile(
                # A whole word or number: "Paris" not in "Parisian" (but in "Lyon,Paris"),
                # "10" not in "2,100" nor "0.10".
                r"(?<!\w)(?<!\d[.,])("
                + "|".join(re.escape(f) for f in self.forms)
                + r")(?!\w|[.,]\d)",
                re.IGNORECASE,
            )
            if self.forms
            else None
        )

    @classmethod
    def from_profile(cls, profile: Mapping[str, Any]) -> TableValues:
        """From a table profile as an Analyze job stores it (`TableProfile.as_json`)."""
        forms: set[str] = set(_forms(profile.get("row_count"), "integer"))
        for column in profile.get("columns") or ():
            kind = str(column.get("type") or "")
            values = [t.get("value") for t in column.get("top_values") or ()]
            values += list(column.get("samples") or ())
            values += [column.get("min"), column.get("max"), column.get("avg")]
            for value in values:
                forms |= _forms(value, kind)
        return cls(forms)

    def quoted_in(self, text: str) -> list[str]:
        """The values `text` quotes, as written there, in order, without repeats."""
        if self._pattern is None:
            return []
        found: list[str] = []
        for match in self._pattern.finditer(text):
            if match.group(1) not in found:
                found.append(match.group(1))
        return found


def known_values(
    session: Session, source_id: str, wanted: set[str] | None = None
) -> dict[str, TableValues]:
    """Per table (lower-case qualified name, all or those `wanted`): what the latest Analyze
    profile of it saw. Jobs are read newest first, one at a time, until every wanted table
    is found (profiles of large schemas are large)."""
    stmt = (
        sa.select(AnalyzeJob.id, AnalyzeJob.options)
        .where(AnalyzeJob.source_id == source_id, AnalyzeJob.status == "done")
        .order_by(AnalyzeJob.finished_at.desc(), AnalyzeJob.created_at.desc())
        .limit(JOBS_READ)
    )
    out: dict[str, TableValues] = {}
    for job_id, options in list(session.execute(stmt)):
        chosen = {str(t).lower() for t in (options or {}).get("tables") or ()}
        if wanted is not None and not (chosen & (wanted - out.keys())):
            continue  # this job profiled none of the tables still looked for
        profiles = session.scalar(sa.select(AnalyzeJob.profiles).where(AnalyzeJob.id == job_id))
        for profile in profiles or ():
            name = str(profile.get("table") or "").lower()
            if name and name not in out and (wanted is None or name in wanted):
                out[name] = TableValues.from_profile(profile)
        if wanted is not None and wanted <= out.keys():
            break
    return out


def plain_table_description(table: Table) -> str:
    """Analyze's sentence about `table` without any data: what a row is, and its links."""
    return describe_table(table, None, quote_values=False)


def plain_column_description(table: Table, column: Column) -> str:
    """Analyze's sentence about `column` without any data, from its name and semantic type."""
    detection = Detection(column.semantic_type, 1.0, "") if column.semantic_type else None
    return describe_column(table, column, detection, None, quote_values=False)


@dataclass(frozen=True)
class TextCheck:
    """What end users are served of one description, and why.

    `served` is None when there is nothing to serve; `withheld` is True when the stored text
    is not what end users read; `quoted` lists the values it quotes (admin text only).
    """

    stored: str | None
    served: str | None
    reason: Reason
    quoted: tuple[str, ...] = ()
    field: Literal["description", "display_name"] = "description"

    @property
    def withheld(self) -> bool:
        return self.served != self.stored

    def note(self) -> str | None:
        """What the admin should know about this text, in plain words, or None."""
        if self.field == "display_name":
            if self.reason != "quotes_values":
                return None
            return (
                "This table has an access rule, and this display name quotes values from its "
                f"data ({', '.join(self.quoted)}): end users read “{self.served}” instead. "
                "Leave out values that only some users may see."
            )
        if self.reason == "quotes_values":
            return (
                "This table has an access rule, and this description quotes values from its "
                f"data ({', '.join(self.quoted)}): end users won't see it; they read "
                f"“{self.served}” instead. Leave out values that only some users may see, or "
                "confirm that every user may see them."
            )
        if self.reason == "analyze" and self.withheld:
            return (
                f"End users read “{self.served}”: the values, counts and ranges Analyze found "
                "in the data are left out, as the table has an access rule."
            )
        if self.reason == "reviewed":
            return (
                "This table has an access rule; you confirmed that every user may see what "
                "this description says, so end users read it as written."
            )
        if self.reason == "not_profiled":
            return (
                "This table has an access rule and plotboard has not profiled its data yet, "
                f"so end users read “{self.served}” instead of this description: run Analyze "
                "so that it can check the text quotes no values that only some users may see, "
                "or confirm that every user may read it."
            )
        return None


def _check(
    stored: str | None,
    entry: Mapping[str, Any],
    ruled: bool,
    values: TableValues | None,
    plain: str,
) -> TextCheck:
    """`entry`: the table's or column's stored fields (`edited`, `description_reviewed`)."""
    if not ruled:
        return TextCheck(stored, stored, "no_rule")
    if not stored:
        return TextCheck(stored, stored, "empty")
    if entry.get("description_reviewed") == stored:
        return TextCheck(stored, stored, "reviewed")
    if "description" not in set(entry.get("edited") or ()):
        return TextCheck(stored, plain, "analyze")
    if values is None:  # nothing to check it against: fail closed
        return TextCheck(stored, plain, "not_profiled")
    quoted = values.quoted_in(stored)
    if quoted:
        return TextCheck(stored, plain, "quotes_values", tuple(quoted))
    return TextCheck(stored, stored, "checked")


def _check_name(
    stored: str | None, ruled: bool, values: TableValues | None, plain: str
) -> TextCheck:
    """A display name, by Analyze (an LLM may have had values) or by the admin."""
    quoted = values.quoted_in(stored) if ruled and stored and values is not None else []
    if quoted:
        return TextCheck(stored, plain, "quotes_values", tuple(quoted), "display_name")
    return TextCheck(stored, stored, "checked" if ruled else "no_rule", (), "display_name")


def check_names(
    table: Table, ruled: bool, values: TableValues | None
) -> dict[str | None, TextCheck]:
    """The checks of the table's display name (key None) and of each column's."""
    out: dict[str | None, TextCheck] = {
        None: _check_name(table.display_name, ruled, values, display_name(table.name))
    }
    for column in table.columns:
        out[column.name] = _check_name(
            column.display_name, ruled, values, display_name(column.name)
        )
    return out


def check_table(
    row: CatalogTable, table: Table, ruled: bool, values: TableValues | None
) -> dict[str | None, TextCheck]:
    """The checks of the table's description (key None) and of each column's."""
    own = {"edited": row.edited, "description_reviewed": row.description_reviewed}
    out: dict[str | None, TextCheck] = {
        None: _check(row.description, own, ruled, values, plain_table_description(table))
    }
    entries: dict[str, Mapping[str, Any]] = {c["name"]: c for c in row.columns or ()}
    for column in table.columns:
        out[column.name] = _check(
            column.description,
            entries.get(column.name, {}),
            ruled,
            values,
            plain_column_description(table, column),
        )
    return out


def has_rule(table: Table, ruled_tables: Iterable[str]) -> bool:
    """Whether one of the rules (named by their `table`) applies to `table`: a rule written
    ``schema.table`` applies to that table, one written ``table`` to that name in any schema
    (as `RuleSet.for_table` reads them; names only, so a stored rule that no longer parses
    still counts)."""
    names = {n.lower() for n in ruled_tables}
    own = f"{table.schema}.{table.name}".lower() if table.schema else None
    return table.name.lower() in names or (own is not None and own in names)


def end_user_tables(
    session: Session,
    source_id: str,
    rows: list[CatalogTable],
    tables: list[Table],
    ruled_tables: Iterable[str],
) -> tuple[Table, ...]:
    """`tables` (built from `rows`, in the same order) with the descriptions end users may
    read, `ruled_tables` naming the tables that have access rules; profiles are read only when
    some ruled table has the admin's own text."""
    names = list(ruled_tables)
    ruled = [has_rule(t, names) for t in tables]
    wanted = {qualified(row).lower() for r, row in zip(ruled, rows, strict=True) if r}
    known = known_values(session, source_id, wanted) if wanted else {}
    out: list[Table] = []
    for is_ruled, row, table in zip(ruled, rows, tables, strict=True):
        if not is_ruled:
            out.append(table)
            continue
        values = known.get(qualified(row).lower())
        texts = check_table(row, table, True, values)
        shown = check_names(table, True, values)
        columns = tuple(
            replace(c, description=texts[c.name].served, display_name=shown[c.name].served)
            for c in table.columns
        )
        out.append(
            replace(
                table,
                description=texts[None].served,
                display_name=shown[None].served,
                columns=columns,
            )
        )
    return tuple(out)


def end_user_catalog(
    session: Session, source_id: str, dialect: str, ruled_tables: Iterable[str]
) -> Catalog:
    """The catalog as the query engine, the AI and end users see it: its descriptions are the
    ones end users may read under the source's access rules as they are now, `ruled_tables`
    naming the tables those rules are on (the caller has read the rules already). The admin's
    views read `plotboard.catalog.store.table_rows` instead.

    The query package receives this policy from its caller (`Runtime` passes it to
    `plotboard.query.context.load_context`): it sits above the catalog and the query engine."""
    rows = table_rows(session, source_id)
    tables = [to_table(r) for r in rows]
    return Catalog(
        dialect=dialect,
        tables=end_user_tables(session, source_id, rows, tables, ruled_tables),
    )


@dataclass(frozen=True)
class TableDisclosure:
    """The console's view of one table: whether it has a rule, and the check of each
    description and display name (the table's under None, each column's under its name)."""

    ruled: bool
    checks: Mapping[str | None, TextCheck]
    names: Mapping[str | None, TextCheck]

    def note(self, column: str | None = None) -> str | None:
        """What the admin should know about the description and display name, or None."""
        found = [c.note() for c in (self.names.get(column), self.checks.get(column)) if c]
        return " ".join(n for n in found if n) or None

    def summary(self) -> str | None:
        """One line for the whole table when some of its texts are not served as written."""
        if not any(c.withheld for c in (*self.checks.values(), *self.names.values())):
            return None
        return (
            "This table has an access rule, so end users never read its data in descriptions: "
            "each text they won't read as written says below what they read instead."
        )

    def can_confirm(self, column: str | None = None) -> bool:
        """Whether the admin may confirm (or has confirmed) this description as safe."""
        check = self.checks.get(column)
        return check is not None and (check.withheld or check.reason == "reviewed")


def catalog_disclosure(
    session: Session, source_id: str, rows: list[CatalogTable]
) -> dict[str, TableDisclosure]:
    """Per table (qualified name): what end users are served of its descriptions, and why."""
    ruled_tables = [r.table_name for r in list_rules(session, source_id)]
    tables = [(row, to_table(row)) for row in rows]
    ruled = {qualified(row).lower() for row, t in tables if has_rule(t, ruled_tables)}
    known = known_values(session, source_id, ruled) if ruled else {}
    out: dict[str, TableDisclosure] = {}
    for row, table in tables:
        is_ruled = qualified(row).lower() in ruled
        values = known.get(qualified(row).lower())
        out[qualified(row)] = TableDisclosure(
            is_ruled,
            check_table(row, table, is_ruled, values),
            check_names(table, is_ruled, values),
        )
    return out
