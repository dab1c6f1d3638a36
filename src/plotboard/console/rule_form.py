"""The access-rule editor's form: rows of `column <op> user.attribute`, in OR groups, ANDed.

Inputs are named `c-<group>-<row>-<column|op|attribute>`. Blank rows are ignored, so the
admin can add a row and leave it. The rule's JSON (the admin API's form) is the source of
truth; this module only translates both ways and points a service's field error
(`conditions.1.any.0.attribute`) back at the input it concerns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plotboard.catalog.model import Column, Table
from plotboard.console.forms import Problems

OPS: tuple[tuple[str, str], ...] = (
    ("eq", "equals"),
    ("neq", "does not equal"),
    ("in", "is one of"),
    ("not_in", "is none of"),
    ("gt", "is greater than"),
    ("gte", "is at least"),
    ("lt", "is less than"),
    ("lte", "is at most"),
    ("is_set", "any row, when set:"),
)
OP_SYMBOLS = {
    "eq": "=",
    "neq": "≠",
    "in": "in",
    "not_in": "not in",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
}
_INPUT = re.compile(r"^c-(\d{1,2})-(\d{1,2})-(column|op|attribute)$")
_FIELD_WORDS = ("column", "op", "attribute")


@dataclass
class Row:
    column: str = ""
    op: str = "eq"
    attribute: str = ""

    def blank(self) -> bool:
        return not self.column and not self.attribute

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op or "eq", "attribute": self.attribute}
        if self.column:
            out["column"] = self.column
        return out


@dataclass
class RuleForm:
    groups: list[list[Row]] = field(default_factory=list)

    @classmethod
    def from_conditions(cls, conditions: list[Any] | None) -> RuleForm:
        groups = []
        for item in conditions or []:
            members = item.get("any", [item]) if isinstance(item, dict) else []
            groups.append(
                [
                    Row(str(c.get("column") or ""), str(c.get("op", "eq")), str(c["attribute"]))
                    for c in members
                    if isinstance(c, dict) and "attribute" in c
                ]
            )
        form = cls([g for g in groups if g])
        return form if form.groups else cls([[Row()]])

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> RuleForm:
        found: dict[int, dict[int, Row]] = {}
        for name, value in fields.items():
            match = _INPUT.match(name)
            if match is None:
                continue
            g, i, part = int(match.group(1)), int(match.group(2)), match.group(3)
            setattr(found.setdefault(g, {}).setdefault(i, Row()), part, value.strip())
        groups = [[found[g][i] for i in sorted(found[g])] for g in sorted(found)]
        return cls(groups or [[Row()]])

    # -- editing without saving ----------------------------------------------------------------

    def apply(self, action: str) -> bool:
        """Add or remove a row for `add-and`, `add-or-<g>`, `remove-<g>-<i>`; False otherwise."""
        if action == "add-and":
            self.groups.append([Row()])
            return True
        if action.startswith("add-or-") and action[7:].isdigit():
            g = int(action[7:])
            if g < len(self.groups):
                self.groups[g].append(Row())
            return True
        parts = action.split("-")
        if len(parts) == 3 and parts[0] == "remove" and parts[1].isdigit() and parts[2].isdigit():
            g, i = int(parts[1]), int(parts[2])
            if g < len(self.groups) and i < len(self.groups[g]):
                del self.groups[g][i]
                self.groups = [group for group in self.groups if group] or [[Row()]]
            return True
        return False

    # -- to the API's JSON ----------------------------------------------------------------------

    def conditions(self) -> tuple[list[dict[str, Any]], list[tuple[int, list[int]]]]:
        """The rule's conditions without blank rows, and where each came from in the form:
        `positions[k] = (group, [row, ...])` for the k-th condition (or `any` group)."""
        conditions: list[dict[str, Any]] = []
        positions: list[tuple[int, list[int]]] = []
        for g, group in enumerate(self.groups):
            kept = [(i, row) for i, row in enumerate(group) if not row.blank()]
            if not kept:
                continue
            items = [row.as_json() for _, row in kept]
            conditions.append(items[0] if len(items) == 1 else {"any": items})
            positions.append((g, [i for i, _ in kept]))
        return conditions, positions


def column_label(column: Column) -> str:
    """A column as end users read it in the editor: its display name in the catalog, else its
    name in words (``sales_region`` -> "Sales region")."""
    words = column.display_name or re.sub(r"[_\-.]+", " ", column.name).strip() or column.name
    return words[:1].upper() + words[1:]


def table_label(table: Table) -> str:
    """A table as end users read it in the editor: its display name in the catalog, else its
    name in words (``sales_orders`` -> "Sales orders")."""
    words = table.display_name or re.sub(r"[_\-.]+", " ", table.name).strip() or table.name
    return words[:1].upper() + words[1:]


def column_choices(table: Table) -> list[tuple[str, str]]:
    """The column select's options, `(value, text)`: the catalog's label first, the column's
    name in the database after it (what the rule's SQL compares), and its type:
    "Sales region — sales_region (string)", in the catalog's order."""
    return [(c.name, f"{column_label(c)} — {c.name} ({c.type})") for c in table.columns]


def compared_columns(form: RuleForm) -> dict[str, list[str]]:
    """Each attribute the form's conditions use, with the columns compared with it (none for
    `is_set`, which takes any value)."""
    used: dict[str, list[str]] = {}
    for group in form.groups:
        for row in group:
            if not row.attribute:
                continue
            columns = used.setdefault(row.attribute, [])
            if row.column and row.op != "is_set" and row.column not in columns:
                columns.append(row.column)
    return used


def locate(problems: Problems, positions: list[tuple[int, list[int]]]) -> Problems:
    """Move `conditions.K[.any.J].field` problems onto the form's `c-G-I-field` inputs."""
    out = Problems(problems.summary)
    for name, message in problems.fields.items():
        if not name.startswith("conditions"):
            out.fields[name] = message
            continue
        numbers = [int(n) for n in re.findall(r"\.(\d+)", name)]
        word = next((w for w in reversed(name.split(".")) if w in _FIELD_WORDS), "column")
        if not numbers or numbers[0] >= len(positions):
            continue
        g, rows = positions[numbers[0]]
        j = numbers[1] if len(numbers) > 1 and numbers[1] < len(rows) else 0
        out.fields.setdefault(f"c-{g}-{rows[j]}-{word}", message)
    if not out.summary:
        out.summary = "Please correct the highlighted condition."
    return out


def describe(conditions: list[Any]) -> str:
    """A rule in one line: `sales_region = user.region AND (a in user.b OR user.c is set)`."""
    parts = []
    for item in conditions:
        members = item.get("any", [item])
        words = [
            f"user.{c['attribute']} is set"
            if c.get("op") == "is_set"
            else f"{c.get('column')} {OP_SYMBOLS.get(c.get('op', ''), c.get('op'))} "
            f"user.{c['attribute']}"
            for c in members
        ]
        parts.append(words[0] if len(words) == 1 else "(" + " OR ".join(words) + ")")
    return " AND ".join(parts)
