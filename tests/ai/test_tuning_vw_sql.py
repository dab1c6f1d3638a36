"""The built-in engine on questions written as a whole SQL SELECT (tuning on blind batch v,
issue 12): the statement is read part by part into a query spec, never run as written, and a
statement with a part the spec cannot hold is not answered as if it had none.

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, filters_of, spec_of


def test_a_listing_with_a_prefix_match_lists_those_rows(catalog: Catalog, values: Values) -> None:
    reply = ask("SELECT email, location FROM employees WHERE department = 'Finance' "
                "AND full_name LIKE 'A%'", catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "employees"
    assert spec["select"] == ["email", "location"]
    assert "measures" not in spec
    assert filters_of(spec) == [("department", "eq", "Finance"), ("full_name", "starts_with", "A")]
    assert any("not run" in a for a in reply.assumptions)


def test_a_grouped_count_with_a_having_bound(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("select location, count(*) from employees group by location "
                       "having count(*) >= 100", catalog, values))
    assert spec["table"] == "employees"
    assert spec["measures"] == [{"agg": "count"}]
    assert spec["dimensions"] == [{"column": "location"}]
    assert spec["having"] == [{"by": "count", "op": "gte", "value": 100}]


def test_rows_of_one_year_ordered_and_cut(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("select product, quantity from sales where year(sale_date) = 2024 "
                       "order by quantity desc limit 3", catalog, values))
    assert spec["select"] == ["product", "quantity"]
    assert filters_of(spec) == [("sale_date", "between", ["2024-01-01", "2024-12-31"])]
    assert spec["order_by"] == [{"by": "quantity", "desc": True}]
    assert spec["limit"] == 3


def test_grouped_by_position_with_an_alias_to_order_by(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("select department, count(distinct location) as places from employees "
                       "where is_remote and salary > 60000 group by 1 order by places desc "
                       "limit 2", catalog, values))
    assert spec["measures"] == [{"agg": "count_distinct", "column": "location"}]
    assert spec["dimensions"] == [{"column": "department"}]
    assert filters_of(spec) == [("is_remote", "eq", True), ("salary", "gt", 60000)]
    assert spec["order_by"] == [{"by": "count_distinct_location", "desc": True}]
    assert spec["limit"] == 2


def test_a_second_table_ordered_oldest_first(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("select city, opened_on from offices where city in ('Paris', 'Berlin') "
                       "order by opened_on asc", catalog, values))
    assert spec["table"] == "offices"
    assert spec["select"] == ["city", "opened_on"]
    assert spec["order_by"] == [{"by": "opened_on"}]
    assert filters_of(spec) == [("city", "in", ["Paris", "Berlin"])]


def test_a_column_the_data_does_not_have_is_still_refused(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("select vendor_code, sum(amount) from sales group by vendor_code", catalog, values)
    assert reply.tile is None


def test_a_second_statement_is_never_read_as_sql(catalog: Catalog, values: Values) -> None:
    reply = ask("select full_name from employees; delete from employees", catalog, values)
    assert reply.tile is None or "delete" not in str(reply.tile.query).lower()


# -- pandas ---------------------------------------------------------------------------------------


def test_a_pandas_grouped_maximum(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("df.groupby('location')['salary'].max()", catalog, values))
    assert spec["table"] == "employees"
    assert spec["measures"] == [{"agg": "max", "column": "salary"}]
    assert spec["dimensions"] == [{"column": "location"}]


def test_pandas_rows_kept_then_counted_by_two_columns(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("df[df['location'] == 'Paris'].groupby(['department', 'job_title'])"
                       ".size()", catalog, values))
    assert spec["measures"] == [{"agg": "count"}]
    assert spec["dimensions"] == [{"column": "department"}, {"column": "job_title"}]
    assert filters_of(spec) == [("location", "eq", "Paris")]


def test_a_pandas_running_total_by_quarter(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("df[df.sales_region == 'North'].resample('Q').quantity.sum().cumsum()",
                       catalog, values))
    assert spec["table"] == "sales"
    assert spec["measures"] == [{"agg": "sum", "column": "quantity", "cumulative": True}]
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "quarter"}]
    assert filters_of(spec) == [("sales_region", "eq", "North")]


def test_one_total_over_another_is_a_ratio(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("SELECT 1.0 * SUM(amount) / COUNT(*) FROM sales WHERE category = 'Hardware'",
                       catalog, values))
    assert spec["table"] == "sales"
    assert spec["measures"] == [{"expr": "sum(amount) * 1.0 / count()", "name": "amount_per_sales"}]
    assert filters_of(spec) == [("category", "eq", "Hardware")]
