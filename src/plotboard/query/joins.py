"""Finding how to join a related table: along foreign keys, from the referencing side.

A spec column written ``offices.region`` on table ``sales`` is reached by following foreign
keys *from the table that holds the key to the table it points at* (sales.employee_id ->
employees, employees.office_id -> offices). Each such step joins at most one row, so measures
on the spec's table are never counted twice. The opposite direction (one office, many
employees) would repeat rows and silently inflate sums, so it is not followed.

The shortest path wins. Two different shortest paths (say sales.seller_id and
sales.buyer_id both pointing at employees) are ambiguous and refused, as is a path through a
hidden table or a hidden key column: the join would reveal what the admin chose to hide.
"""

from __future__ import annotations

from dataclasses import dataclass

from plotboard.catalog.model import Catalog, ForeignKey, Table
from plotboard.query.errors import QueryError

MAX_HOPS = 4
_MAX_PATHS = 64


@dataclass(frozen=True)
class JoinStep:
    """One hop: ``source`` joined to ``target`` on ``source.fk.columns = target.fk.ref_columns``."""

    source: Table
    target: Table
    fk: ForeignKey


def table_key(table: Table) -> tuple[str, str]:
    return ((table.schema or "").lower(), table.name.lower())


def _visible_columns(table: Table, names: tuple[str, ...]) -> bool:
    for name in names:
        column = table.column(name)
        if column is None or column.hidden:
            return False
    return True


def steps_from(catalog: Catalog, table: Table) -> list[JoinStep]:
    """The one-hop joins from `table` along its foreign keys (visible tables and keys only)."""
    steps = []
    for fk in table.foreign_keys:
        target = catalog.table(fk.ref_table, fk.ref_schema)
        if target is None or target.hidden or len(fk.columns) != len(fk.ref_columns):
            continue
        if _visible_columns(table, fk.columns) and _visible_columns(target, fk.ref_columns):
            steps.append(JoinStep(table, target, fk))
    return steps


def _describe(path: tuple[JoinStep, ...]) -> str:
    return " -> ".join(f"{step.source.name}.{'+'.join(step.fk.columns)}" for step in path)


def find_join_path(
    catalog: Catalog, base: Table, target: Table, *, field: str | None = None
) -> tuple[JoinStep, ...]:
    """The foreign-key path from `base` to `target` (empty when they are the same table).

    Raises:
        QueryError: `no_join_path` when `target` cannot be reached within `MAX_HOPS` steps,
            `ambiguous_join` when several shortest paths exist.
    """
    goal = table_key(target)
    if table_key(base) == goal:
        return ()
    frontier: list[tuple[Table, tuple[JoinStep, ...]]] = [(base, ())]
    seen = {table_key(base)}
    for _ in range(MAX_HOPS):
        reached: list[tuple[JoinStep, ...]] = []
        next_frontier: list[tuple[Table, tuple[JoinStep, ...]]] = []
        for table, path in frontier:
            for step in steps_from(catalog, table):
                key = table_key(step.target)
                if key in seen:
                    continue
                new_path = (*path, step)
                if key == goal:
                    reached.append(new_path)
                elif len(next_frontier) < _MAX_PATHS:
                    next_frontier.append((step.target, new_path))
        if len(reached) == 1:
            return reached[0]
        if reached:
            options = " or ".join(sorted({_describe(p) for p in reached}))
            raise QueryError(
                f"Table '{base.name}' is linked to '{target.name}' in more than one way "
                f"({options}), so '{target.name}' columns can't be used here.",
                field=field,
                code="ambiguous_join",
            )
        seen.update(table_key(t) for t, _ in next_frontier)
        frontier = next_frontier
        if not frontier:
            break
    raise QueryError(
        f"Table '{base.name}' is not linked to table '{target.name}', "
        f"so '{target.name}' columns can't be used with it.",
        field=field,
        code="no_join_path",
    )
