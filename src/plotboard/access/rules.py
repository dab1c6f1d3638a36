"""Access rules (row-level security): which rows of a table a user may see.

A rule belongs to one table and compares columns with attributes of the user's embed token:

```json
{"table": "offices",
 "conditions": [
   {"column": "country", "op": "neq", "attribute": "blocked_country"},
   {"any": [{"column": "region", "op": "eq", "attribute": "region"},
            {"op": "is_set", "attribute": "all_regions"}]}]}
```

The top-level conditions are ANDed; an `{"any": [...]}` group passes when one of its
conditions does. (This is CNF: an AND of OR-groups, `TableRule.groups`.) Several rules for the
same table are ANDed too.

Semantics, evaluated per user (see `plotboard.access.conditions`):

* `eq`, `neq`, `gt`, `gte`, `lt`, `lte` compare the column with a single-valued attribute;
* `in`, `not_in` take a list attribute; a single value counts as a one-element list; an empty
  list makes `in` false (no rows) and `not_in` true (nothing excluded);
* `is_set` ignores the column and passes when the attribute is present and not empty, false
  or null — an escape hatch such as "sees every region when `all_regions` is set";
* a missing (or null, or wrongly typed) attribute makes its condition false: fail closed.

Rules are opt-in per table: **a table without rules is not filtered at all.** Give every table
that holds per-user data a rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from plotboard.catalog.model import Catalog, Table
from plotboard.query.errors import QueryError

RuleOp = Literal["eq", "neq", "in", "not_in", "gt", "gte", "lt", "lte", "is_set"]
AttributeName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
MAX_CONDITIONS = 20


class Condition(BaseModel):
    """``column <op> user.<attribute>``; `column` may be left out for `is_set`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    op: RuleOp
    attribute: AttributeName

    @model_validator(mode="after")
    def _column_needed(self) -> Condition:
        if self.column is None and self.op != "is_set":
            raise ValueError(f"the '{self.op}' condition needs a column")
        return self


class AnyOf(BaseModel):
    """An OR-group in the admin API's JSON: ``{"any": [condition, ...]}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    any: tuple[Condition, ...] = Field(min_length=1, max_length=MAX_CONDITIONS)


class TableRule(BaseModel):
    """The rule of one table: an AND of OR-groups of conditions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    groups: tuple[tuple[Condition, ...], ...] = Field(min_length=1, max_length=MAX_CONDITIONS)

    @model_validator(mode="after")
    def _groups_not_empty(self) -> TableRule:
        if any(not group for group in self.groups):
            raise ValueError("an 'any' group needs at least one condition")
        return self

    def conditions(self) -> Iterable[Condition]:
        for group in self.groups:
            yield from group


class _RuleJSON(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: str
    conditions: list[Condition | AnyOf] = Field(min_length=1, max_length=MAX_CONDITIONS)


def parse_rule(data: Mapping[str, Any]) -> TableRule:
    """Read the admin API's JSON form of a rule (see the module docstring).

    Raises:
        QueryError: `invalid_rule`, naming the first problem.
    """
    items = data.get("conditions")
    if isinstance(items, list):
        # Read each item as the form it claims to be, so errors speak of that form only.
        for i, item in enumerate(items):
            model: type[BaseModel] = (
                AnyOf if isinstance(item, Mapping) and "any" in item else (Condition)
            )
            try:
                model.model_validate(item)
            except ValidationError as err:
                raise _rule_error(err, prefix=("conditions", i)) from None
    try:
        raw = _RuleJSON.model_validate(data)
        groups = tuple(item.any if isinstance(item, AnyOf) else (item,) for item in raw.conditions)
        return TableRule(table=raw.table, groups=groups)
    except ValidationError as err:
        raise _rule_error(err, prefix=()) from None


_RULE_FIELDS = frozenset({"table", "conditions", "any", "column", "op", "attribute"})


def _rule_error(err: ValidationError, prefix: tuple[int | str, ...]) -> QueryError:
    first = err.errors(include_url=False)[0]
    # Keep field names and positions; drop pydantic's union/validator tags from the location.
    full = (*prefix, *first["loc"])
    keep = [p for p in full[:-1] if isinstance(p, int) or p in _RULE_FIELDS]
    # The last part names the culprit even when it is not a rule field (an unknown key).
    loc = (
        [*keep, full[-1]]
        if full and first["type"] == "extra_forbidden"
        else [p for p in full if isinstance(p, int) or p in _RULE_FIELDS]
    )
    where = ".".join(str(p) for p in loc) or "conditions"
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "literal_error" and loc and loc[-1] == "op":
        message = "the operator must be one of " + ", ".join(RuleOp.__args__)  # type: ignore[attr-defined]
    elif first["type"] == "extra_forbidden":
        message = "is not part of a rule (check the spelling)"
    return QueryError(f"{where}: {message}", field=where, code="invalid_rule")


def rule_to_json(rule: TableRule) -> dict[str, Any]:
    """The inverse of `parse_rule`."""
    conditions: list[dict[str, Any]] = []
    for group in rule.groups:
        items = [c.model_dump(exclude_none=True) for c in group]
        conditions.append(items[0] if len(items) == 1 else {"any": items})
    return {"table": rule.table, "conditions": conditions}


class RuleSet:
    """All access rules of one data source; immutable and cheap to share between threads.

    `fingerprint` identifies the content (equal rules, equal fingerprint), so compiled SQL
    can be memoized per rule set.
    """

    __slots__ = ("_by_key", "fingerprint", "rules")

    def __init__(self, rules: Iterable[TableRule] = ()):
        merged: dict[str, list[tuple[Condition, ...]]] = {}
        for rule in rules:
            merged.setdefault(rule.table.lower(), []).extend(rule.groups)
        self.rules: tuple[TableRule, ...] = tuple(
            TableRule(table=key, groups=tuple(groups)) for key, groups in sorted(merged.items())
        )
        self._by_key = {rule.table: (i, rule) for i, rule in enumerate(self.rules)}
        text = "\n".join(r.model_dump_json() for r in self.rules)
        self.fingerprint = hashlib.sha256(text.encode()).hexdigest()[:32]

    @classmethod
    def from_json(cls, items: Iterable[Mapping[str, Any]]) -> RuleSet:
        return cls(parse_rule(item) for item in items)

    def for_table(self, table: Table) -> tuple[int, TableRule] | None:
        """The (index, merged rule) for a catalog table, or None when it has no rules.

        A rule written ``schema.table`` applies to that table only; one written ``table``
        applies to the table of that name in any schema.
        """
        if table.schema:
            found = self._by_key.get(f"{table.schema.lower()}.{table.name.lower()}")
            if found is not None:
                other = self._by_key.get(table.name.lower())
                if other is None:
                    return found
                # Both forms exist: AND them, keeping the first index for parameter names.
                return found[0], TableRule(
                    table=found[1].table, groups=found[1].groups + other[1].groups
                )
        return self._by_key.get(table.name.lower())

    def __bool__(self) -> bool:
        return bool(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __repr__(self) -> str:
        return f"RuleSet({[rule_to_json(r) for r in self.rules]!r})"


EMPTY_RULES = RuleSet()


def rule_problems(rule: TableRule, catalog: Catalog) -> list[str]:
    """What is wrong with `rule` for `catalog`, in words for the admin console (empty: fine).

    A rule whose table is missing protects nothing; one whose column is missing refuses
    every query on its table (fail closed) — both are worth fixing before saving.
    """
    schema, _, name = rule.table.rpartition(".")
    table = catalog.table(name, schema or None)
    if table is None:
        return [f"Table '{rule.table}' does not exist, so this rule protects nothing."]
    return [
        f"Column '{c.column}' does not exist in table '{table.name}'; queries on the table "
        "will be refused until the rule is fixed."
        for c in rule.conditions()
        if c.column is not None and table.column(c.column) is None
    ]
