"""One value asked for (issue 12): "which is the highest X" is X's maximum, as "what is the
highest X" is; "the biggest sale" is one sale, not the money of every sale summed.

Each test checks a rule through the spec the engine wrote on the demo data."""

from __future__ import annotations

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, filters_of, spec_of


def test_which_is_the_lowest_value_is_its_minimum(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which was the lowest performance rating", catalog, values))
    assert spec["measures"] == [{"agg": "min", "column": "performance_rating"}]
    assert "select" not in spec


def test_which_is_the_largest_group_still_ranks_the_groups(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("which is the largest office by headcount", catalog, values))
    assert spec["limit"] == 1 and spec["dimensions"], spec


def test_the_biggest_sale_is_one_sale(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what was the smallest sale in March 2024", catalog, values))
    assert spec["limit"] == 1 and spec["order_by"] == [{"by": "amount"}], spec
    assert ("sale_date", "between", ["2024-03-01", "2024-03-31"]) in filters_of(spec)
    assert "measures" not in spec or not spec["measures"]


def test_the_biggest_sales_region_is_still_a_ranking(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the biggest sales region in 2023", catalog, values))
    assert spec["dimensions"] == [{"column": "sales_region"}] and spec["limit"] == 1


def test_an_aggregate_written_after_its_column_is_kept(catalog: Catalog, values: Values) -> None:
    # "salary sum" was answered with the average salary (the "sum" dropped).
    assert spec_of(ask("employees salary sum for Berlin", catalog, values))["measures"] == [
        {"agg": "sum", "column": "salary"}
    ]
    assert spec_of(ask("quantity max by category", catalog, values))["measures"] == [
        {"agg": "max", "column": "quantity"}
    ]


def test_a_pandas_chain_with_stray_characters_is_still_read(
    catalog: Catalog, values: Values
) -> None:
    # A NUL, half a surrogate pair or brackets around it sent the chain to the words reader,
    # which averaged the salary asked for as a maximum.
    for message in (
        "employees.salary.max()\x00",
        "employees.salary.max()\ud800",
        "(employees.salary.max())",
    ):
        assert spec_of(ask(message, catalog, values))["measures"] == [
            {"agg": "max", "column": "salary"}
        ], repr(message)
