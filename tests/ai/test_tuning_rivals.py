"""Two named things set against each other with a verb of winning (issue 12): "did X beat Y",
"has X overtaken Y", "was X ahead of Y" show each one's figure side by side; a number, a target
or an occasion after the verb is something else.

Each test checks a rule through the spec the engine wrote on the demo data."""

from __future__ import annotations

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, filters_of, spec_of


def test_beating_another_value_shows_both_side_by_side(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("did the North beat the South on units in 2023", catalog, values))
    assert spec["dimensions"] == [{"column": "sales_region"}]
    assert ("sales_region", "in", ["North", "South"]) in filters_of(spec)
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}]


def test_being_ahead_of_another_value_shows_both(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("is Toronto ahead of Sydney on headcount", catalog, values))
    assert spec["dimensions"] == [{"column": "location"}]
    assert [(c, o, sorted(v)) for c, o, v in filters_of(spec)] == [
        ("location", "in", ["Sydney", "Toronto"])
    ]


def test_beating_last_year_compares_the_two_years(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("did we beat last year on units", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}]
    assert spec.get("compare", {}).get("to") in ("previous_period", "previous_year")


def test_beating_a_number_weighs_one_figure(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("did units beat 20000 in 2023", catalog, values))
    assert "compare" not in spec
    assert not spec.get("dimensions")


def test_ahead_of_an_occasion_is_no_comparison(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("Ahead of Thursday's review, could I get headcount by department?", catalog, values)
    )
    assert spec["dimensions"] == [{"column": "department"}]
    assert "compare" not in spec and not filters_of(spec)


def test_those_two_point_back_at_the_things_named(catalog: Catalog, values: Values) -> None:
    # "those two categories" was read as a bound: revenue = 2 (an empty chart that looked
    # like an answer).
    spec = spec_of(
        ask("Toronto versus Sydney - what did those two offices pay in salaries?", catalog, values)
    )
    assert "having" not in spec, spec
    assert [(c, o, sorted(v)) for c, o, v in filters_of(spec)] == [
        ("location", "in", ["Sydney", "Toronto"])
    ]
