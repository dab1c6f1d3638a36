"""The built-in engine on questions written as one pandas expression (issue 12, `pdread`):
read into a spec by walking the parsed tree, never run; an unusable part is refused and named.

Expressions are written unlike the blind batch (other tables, columns, values and years)."""

from __future__ import annotations

import contextlib
import datetime as dt
import time

import pytest

from plotboard.ai.builtin.pdread import PandasUnread, pandas_spec, split_framing
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, spec_of

TODAY = dt.date(2025, 10, 3)


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("employees.salary.min()", {"agg": "min", "column": "salary"}),
        ("sales.quantity.sum()", {"agg": "sum", "column": "quantity"}),
        ("sales['unit_price'].mean()", {"agg": "avg", "column": "unit_price"}),
        ("sales.product.nunique()", {"agg": "count_distinct", "column": "product"}),
    ],
)
def test_a_column_total(catalog: Catalog, values: Values, question: str, measure: dict) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [measure], spec
    assert "dimensions" not in spec, spec


def test_a_groupby_total_by_attribute_or_key(catalog: Catalog, values: Values) -> None:
    for question in (
        "sales.groupby('category')['quantity'].sum()",
        "df.groupby('category').quantity.sum()",
    ):
        spec = spec_of(ask(question, catalog, values))
        assert spec["table"] == "sales", spec
        assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
        assert spec["dimensions"] == [{"column": "category"}], spec


def test_value_counts_and_its_share(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("employees.location.value_counts()", catalog, values))
    assert spec["measures"] == [{"agg": "count"}]
    assert spec["dimensions"] == [{"column": "location"}]
    spec = spec_of(ask("sales.category.value_counts(normalize=True)", catalog, values))
    assert spec["measures"] == [{"agg": "count", "share": True}]


def test_filters_with_years_and_isin_counted_by_len(catalog: Catalog, values: Values) -> None:
    question = (
        "len(df[(df.sales_region == 'West') & (df.quantity >= 10) & "
        "(df.sale_date.dt.year == 2022)])"
    )
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "count"}]
    assert {(f["column"], f["op"]) for f in spec["filters"]} == {
        ("sales_region", "eq"),
        ("quantity", "gte"),
        ("sale_date", "between"),
    }
    spec = spec_of(
        ask("employees[employees.department.isin(['HR', 'Finance'])].shape[0]", catalog, values)
    )
    assert spec["filters"] == [{"column": "department", "op": "in", "value": ["HR", "Finance"]}]


def test_query_string_and_loc(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "sales.query(\"category == 'Software' and amount < 100\").amount.max()", catalog, values
        )
    )
    assert spec["measures"] == [{"agg": "max", "column": "amount"}]
    assert len(spec["filters"]) == 2
    spec = spec_of(
        ask(
            "sales.loc[sales.sale_date.dt.year == today.year - 2, 'amount'].mean()",
            catalog,
            values,
            today=TODAY,
        )
    )
    assert spec["filters"] == [
        {"column": "sale_date", "op": "between", "value": ["2023-01-01", "2023-12-31"]}
    ]


def test_top_n_and_having_and_bands(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("df.groupby('sales_region').amount.sum().nsmallest(2)", catalog, values))
    assert spec["limit"] == 2 and spec["order_by"] == [{"by": "sum_amount"}], spec
    spec = spec_of(
        ask("employees.groupby('location').size() >= 200 -> which offices?", catalog, values)
    )
    assert spec["having"] == [{"by": "count", "op": "gte", "value": 200}], spec
    spec = spec_of(ask("employees.salary.hist(bins=5)", catalog, values))
    assert spec["dimensions"] == [{"column": "salary", "bin": {"count": 5}}], spec


def test_a_framing_label_is_dropped(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("next one: sales.sales_region.value_counts()", catalog, values))
    assert spec["dimensions"] == [{"column": "sales_region"}], spec


def test_an_unusable_part_is_refused_and_named(catalog: Catalog, values: Values) -> None:
    reply = ask("sales.amount.rolling(7).mean()", catalog, values)
    assert reply.tile is None and "rolling" in reply.answer, reply.answer
    reply = ask("employees.__class__.__mro__", catalog, values)
    assert reply.tile is None


def test_hostile_expressions_are_fast_and_never_run() -> None:
    hostile = [
        "df" + "[" * 400 + "1" + "]" * 400,
        "(" * 200 + "df.x.sum()" + ")" * 200,
        "df.x.sum()" + " " * 1000,
        'df.query(\'__import__("os").system("true")\').x.sum()',
        "df.x.apply(lambda r: __import__('os'))",
        "df." + ".".join(["a"] * 250) + "()",
        "df.x.sum() — " + "word " * 300,
        "new " * 300 + ": df.x.sum()",
    ]
    for text in hostile:
        start = time.perf_counter()
        with contextlib.suppress(PandasUnread):
            pandas_spec(split_framing(text)[0], TODAY)
        assert time.perf_counter() - start < 1.0, text[:40]


def test_resample_groups_by_the_tables_date(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("df[df.category == 'Hardware'].resample('M').amount.sum()", catalog, values))
    assert spec["table"] == "sales", spec
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "month"}], spec
