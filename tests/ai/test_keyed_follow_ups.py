"""Follow-ups on a tile whose breakdown has a key (people by name, grouped by their id): a
tile from the builder, the LLM or the API keeps telling two people of one name apart."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from plotboard.ai.answers import TileSuggestion
from plotboard.catalog.model import Catalog
from plotboard.query.spec import parse_spec
from tests.ai.demo import run_spec, run_sql
from tests.ai.tuning import Values, ask, filters_of, spec_of

KEYED = {"column": "employees.full_name", "key": "employees.employee_id"}


def _grouped_by_person(spec: dict[str, Any]) -> bool:
    dims = spec.get("dimensions", [])
    return any(
        d.get("key") == "employees.employee_id" or d["column"] == "employees.employee_id"
        for d in dims
    ) and any(d["column"] == "employees.full_name" for d in dims)


def test_a_follow_up_on_a_keyed_tile_still_groups_by_person(
    demo_engine: sa.Engine, catalog: Catalog, values: Values
) -> None:
    tile = TileSuggestion(
        "Revenue by employee",
        parse_spec(
            {
                "table": "sales",
                "measures": [{"agg": "sum", "column": "amount"}],
                "dimensions": [KEYED],
            }
        ),
        {"type": "table"},
    )
    later = ask("only Hardware", catalog, values, previous=tile)
    spec = spec_of(later)
    assert ("category", "eq", "Hardware") in filters_of(spec)
    assert _grouped_by_person(spec), spec
    assert later.tile is not None
    rows = run_spec(demo_engine, catalog, later.tile.query)
    people = run_sql(
        demo_engine,
        "SELECT COUNT(DISTINCT employee_id) FROM sales WHERE category = 'Hardware' "
        "AND employee_id IS NOT NULL",
    )[0][0]
    # One row per person who sold hardware (namesakes included), never one per name.
    assert len(rows) == people
