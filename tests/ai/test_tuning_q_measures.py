"""The built-in engine on shares, ratios, comparisons, filters on totals and single values
(issue 12 item 1), rules found on the misses of blind batches o and p:

* a share whose condition is on a joined table ("share of staff in APAC offices": the
  table's noun after one of its values names that value's rows, the staff are counted);
* the value owning a share is its part ("Laptop Pro 14's share of Hardware revenue"), and
  then a period inside another keeps the rows; rows said before a comma are the whole ("in
  Sales, percentages by job title"); a new clause after a breakdown ("in each region, how
  were units split ...") has its own subject; "per 100 <rows>" is a percent;
* ratios: "for every dollar of A, how many of B", "per active <people>", "average office
  size", "span of control", "what does one <row> cost";
* comparisons: "respectively", values already split with "each", two values and two
  periods at once, "the first half" said without its year, a period said twice;
* "pay averages above 90k" (a filter on the average), numbers said in words;
* single values: "date of our earliest ...", "across all <the rows measured>", "all our
  history", "in our product line-up".

Questions are worded unlike the blind batches: each test checks a rule through the spec the
engine wrote on the demo data and, where it matters, the rows it gives."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.catalog.model import Catalog
from tests.ai.demo import run_spec, run_sql, same_rows
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of


def _same(reply: Any, catalog: Catalog, engine: sa.Engine, sql: str) -> None:
    got = run_spec(engine, catalog, reply.tile.query)
    want = run_sql(engine, sql)
    assert want and same_rows(got, want, ordered=False), (got[:4], want[:4])


def _expr(spec: dict[str, Any]) -> str:
    return str(spec["measures"][0].get("expr", ""))


# --- shares --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "region"),
    [
        ("what fraction of the staff work out of AMER offices", "AMER"),
        ("of all our people, how many percent are based in EMEA offices", "EMEA"),
    ],
)
def test_a_share_of_people_in_offices_of_a_region_counts_the_people(
    question: str, region: str, catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "employees", spec
    assert f"offices.region = '{region}'" in _expr(spec), spec
    _same(reply, catalog, demo_engine,
          f"SELECT 100.0 * SUM(CASE WHEN o.region = '{region}' THEN 1 ELSE 0 END) / COUNT(*) "
          "FROM employees e LEFT JOIN offices o ON o.office_id = e.office_id")


def test_offices_of_a_region_alone_are_still_counted(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("number of APAC offices", catalog, values))
    assert spec["table"] == "offices", spec
    assert filters_of(spec) == [("region", "eq", "APAC")], spec


def test_the_value_owning_a_share_is_its_part(
    catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask("Laptop Pro 14's piece of the hardware revenue in 2024", catalog, values)
    spec = spec_of(reply)
    assert "product = 'Laptop Pro 14'" in _expr(spec), spec
    assert ("category", "eq", "Hardware") in filters_of(spec), spec
    _same(reply, catalog, demo_engine,
          "SELECT 100.0 * SUM(CASE WHEN product = 'Laptop Pro 14' THEN amount ELSE 0 END) / "
          "SUM(amount) FROM sales WHERE category = 'Hardware' "
          "AND sale_date BETWEEN '2024-01-01' AND '2024-12-31'")


def test_a_value_owning_a_share_in_a_quarter_of_a_year(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the East's share of all orders in Q2 of last year", catalog, values))
    assert "sales_region = 'East'" in _expr(spec), spec
    assert ("sale_date", "between", ["2024-04-01", "2024-06-30"]) in filters_of(spec), spec


def test_rows_said_before_a_comma_are_the_whole_of_each_share(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("within Finance, the job title mix in percent", catalog, values))
    assert spec["measures"][0].get("share") is True, spec
    assert dims_of(spec) == ["job_title"], spec
    assert ("department", "eq", "Finance") in filters_of(spec), spec


def test_a_new_clause_after_a_breakdown_names_the_measure(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(
        "in each category, how was quantity divided among the regions, as percentages",
        catalog, values,
    ))
    assert spec["measures"][0]["column"] == "quantity", spec
    assert "quantity" not in dims_of(spec), spec
    assert spec["measures"][0]["share"] == {"within": "category"}, spec


def test_per_hundred_rows_is_a_percent(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("engineers for every 100 staff", catalog, values))
    assert _expr(spec) == "count_if(department = 'Engineering') * 100.0 / count()", spec


def test_per_hundred_units_is_no_percent(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue per 100 units", catalog, values))
    assert "percent" not in str(spec), spec


# --- ratios --------------------------------------------------------------------------------


def test_for_every_dollar_of_one_value_how_much_of_another(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(
        "for each dollar of software revenue in 2024, how many dollars of accessories",
        catalog, values,
    ))
    assert _expr(spec) == (
        "sum_if(amount, category = 'Accessories') * 1.0 / sum_if(amount, category = 'Software')"
    ), spec


def test_per_active_people_is_the_total_over_them(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units per active rep in 2024", catalog, values))
    assert _expr(spec).startswith("sum(quantity) * 1.0 / count_distinct("), spec
    assert not dims_of(spec), spec


def test_the_average_size_of_an_office_is_people_per_office(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("typical EMEA office size", catalog, values))
    assert "/ count_distinct(" in _expr(spec), spec
    assert ("offices.region", "eq", "EMEA") in filters_of(spec), spec


def test_span_of_control_is_reports_per_manager(
    catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask("what's our mean span of control", catalog, values)
    _same(reply, catalog, demo_engine,
          "SELECT 1.0 * COUNT(manager_id) / COUNT(DISTINCT manager_id) FROM employees")


def test_what_one_row_costs_is_the_average(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how much does a single employee cost us per location", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec
    assert dims_of(spec) == ["location"], spec


# --- comparisons ---------------------------------------------------------------------------


def test_respectively_splits_the_values(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue from North and West respectively", catalog, values))
    assert dims_of(spec) == ["sales_region"], spec
    assert "compare" not in spec, spec


def test_values_against_each_other_in_a_year_are_no_period_comparison(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("Software against Accessories in 2024: units each?", catalog, values))
    assert dims_of(spec) == ["category"], spec
    assert "compare" not in spec, spec


def test_two_values_and_two_years_at_once(
    catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask("East and West next to each other: 2024 orders, 2025 orders", catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == ["sales_region", "sale_date"], spec
    assert "compare" not in spec, spec
    _same(reply, catalog, demo_engine,
          "SELECT sales_region, strftime('%Y', sale_date) || '-01-01', COUNT(*) FROM sales "
          "WHERE sales_region IN ('East', 'West') "
          "AND sale_date BETWEEN '2024-01-01' AND '2025-12-31' GROUP BY 1, 2")


def test_a_half_said_without_its_year_is_in_the_other_periods_year(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("orders in the first half of 2023 against the second half", catalog,
                       values))
    assert spec["compare"] == {"to": "previous_period"}, spec
    assert ("sale_date", "between", ["2023-07-01", "2023-12-31"]) in filters_of(spec), spec


def test_a_period_said_again_in_brackets_is_one_period(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(
        "units so far this year vs the same span last year (jan 1 to nov 20)", catalog, values
    ))
    assert spec["compare"] == {"to": "previous_year"}, spec
    assert ("sale_date", "between", ["2025-01-01", "2025-11-20"]) in filters_of(spec), spec


# --- filters on totals and numbers in words -----------------------------------------------


def test_a_column_that_averages_above_a_number(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("departments whose rating averages below 3.3", catalog, values))
    assert having_of(spec) == [("avg_performance_rating", "lt", 3.3)], spec


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("revenue in twenty twenty four", ("sale_date", "between", ["2024-01-01", "2024-12-31"])),
        ("orders above forty thousand dollars", ("amount", "gt", 40000)),
        ("staff paid a hundred and ten thousand or more", ("salary", "gte", 110000)),
    ],
)
def test_numbers_said_in_words(
    question: str, wanted: tuple[str, str, Any], catalog: Catalog, values: Values
) -> None:
    assert wanted in filters_of(spec_of(ask(question, catalog, values)))


def test_months_over_millions_said_in_words(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("months of 2024 when revenue passed seven and a half million", catalog,
                       values))
    assert having_of(spec) == [("sum_amount", "gt", 7500000)], spec


# --- single values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "agg", "column"),
    [
        ("the date of our newest hire", "max", "hire_date"),
        ("what's the date of the first sale", "min", "sale_date"),
        ("latest opening date across every office", "max", "opened_on"),
    ],
)
def test_one_date(question: str, agg: str, column: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": agg, "column": column}], spec
    assert not dims_of(spec), spec


def test_all_our_history_is_all_time(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("mean units per order over our entire sales history", catalog, values))
    assert not dims_of(spec) and not spec.get("filters"), spec


def test_products_in_our_line_up_are_all_of_them(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("number of different products in the whole catalogue", catalog, values))
    assert spec["measures"] == [{"agg": "count_distinct", "column": "product"}], spec
    assert not dims_of(spec), spec


# --- more from earlier batches -------------------------------------------------------------


def test_may_after_in_or_before_this_year_is_the_month(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue in May last year against May this year", catalog, values))
    assert spec["compare"] == {"to": "previous_year"}, spec
    assert ("sale_date", "between", ["2025-05-01", "2025-05-31"]) in filters_of(spec), spec


def test_may_as_a_verb_is_no_month(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("may I see headcount by department", catalog, values))
    assert not filters_of(spec), spec


def test_office_staff_said_with_remote_are_the_others(
    catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask("what is the ratio between remote and office staff", catalog, values)
    assert _expr(spec_of(reply)) == (
        "count_if(is_remote = true) * 1.0 / count_if(is_remote = false)"
    ), spec_of(reply)
    _same(reply, catalog, demo_engine,
          "SELECT 1.0 * SUM(is_remote) / SUM(1 - is_remote) FROM employees")


def test_how_much_a_count_grew_is_the_count(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how much has deal volume increased between 2023 and 2024", catalog,
                       values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert spec["compare"] == {"to": "previous_year"}, spec


def test_a_ratio_restated_with_a_division_is_one_number(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units sold per seller in 2024 (units / sellers)", catalog, values))
    assert _expr(spec).startswith("sum(quantity) * 1.0 / count_distinct("), spec
    assert not dims_of(spec), spec


def test_a_ratio_to_the_total_is_over_all_rows(
    catalog: Catalog, values: Values, demo_engine: sa.Engine
) -> None:
    reply = ask("ratio of Software deals to all deals, per region", catalog, values)
    spec = spec_of(reply)
    assert _expr(spec) == "count_if(category = 'Software') * 1.0 / count()", spec
    assert dims_of(spec) == ["sales_region"], spec
    _same(reply, catalog, demo_engine,
          "SELECT sales_region, 1.0 * SUM(category = 'Software') / COUNT(*) FROM sales GROUP BY 1")


def test_each_seller_on_average_is_the_total_over_the_sellers(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("in 2023 what did a typical salesperson bring in", catalog, values))
    assert _expr(spec).startswith("sum(amount) * 1.0 / count_distinct("), spec


def test_the_total_of_every_row_is_one_number(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the sum of all the salaries we've ever recorded", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "salary"}], spec
    assert not dims_of(spec) and not spec.get("filters"), spec
    spec = spec_of(ask("grand total of every sale in dollars", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
    assert not dims_of(spec), spec


def test_this_past_year_is_that_year(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units by region this past 2024", catalog, values))
    assert filters_of(spec) == [("sale_date", "between", ["2024-01-01", "2024-12-31"])], spec


def test_each_month_next_to_the_same_month_a_year_before(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("weekly orders in 2025 beside the same week the previous year", catalog,
                       values))
    assert spec["compare"] == {"to": "previous_year"}, spec
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "week"}], spec


def test_a_period_against_the_same_period_of_a_year(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("headcount hired in h1 compared with the same half of 2024", catalog,
                       values))
    assert spec["compare"] == {"to": "previous_year"}, spec
    assert ("hire_date", "between", ["2025-01-01", "2025-06-30"]) in filters_of(spec), spec


def test_a_score_of_one_to_five_is_a_rating(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("share of the workforce that received a 1 or a 2", catalog, values))
    assert "performance_rating in (1, 2)" in _expr(spec), spec


def test_a_count_shown_as_a_percentage_of_the_total(catalog: Catalog, values: Values) -> None:
    first = ask("number of employees per location", catalog, values)
    assert first.tile is not None
    reply = ask("could you turn that into a percentage of the total", catalog, values,
                previous=first.tile)
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "count", "share": True}], spec
    assert dims_of(spec) == ["location"], spec


def test_a_ratio_to_the_rows_themselves_is_over_all_rows(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("ratio of marketing people to all staff, per country", catalog, values))
    assert _expr(spec) == "count_if(department = 'Marketing') * 1.0 / count()", spec
    assert dims_of(spec) == ["country"], spec


def test_split_between_the_values_rows_is_a_breakdown(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how was 2024 software revenue split among the software products, as "
                       "percentages", catalog, values))
    assert spec["measures"][0].get("share") is True, spec
    assert dims_of(spec) == ["product"], spec
    assert ("category", "eq", "Software") in filters_of(spec), spec


def test_per_head_is_a_total_over_the_people(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("2024 units per head in the sales department", catalog, values))
    assert _expr(spec).startswith("sum(quantity) * 1.0 / count_distinct("), spec
    assert not dims_of(spec), spec


def test_a_score_said_with_its_noun_stays_one_filter(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many finance people received a 3 rating", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert ("performance_rating", "eq", 3) in filters_of(spec), spec


# --- rules found on batch q's misses -------------------------------------------------------


def test_a_value_part_in_a_month_of_this_year(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what percent of March's orders this year came from the South", catalog,
                       values))
    assert "sales_region = 'South'" in _expr(spec), spec
    assert ("sale_date", "between", ["2025-03-01", "2025-03-31"]) in filters_of(spec), spec


def test_a_number_counting_the_values_listed(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue share of our two flagship regions (North and West) in 2024",
                       catalog, values))
    assert "sales_region in ('North', 'West')" in _expr(spec), spec
    assert not spec.get("having") and not dims_of(spec), spec


def test_one_order_has_on_average(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many units does one order of Cloud Backup 1 TB have in average",
                       catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "quantity"}], spec


def test_more_then_and_grand(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("orders worth more then 40 grand", catalog, values))
    assert ("amount", "gt", 40000) in filters_of(spec), spec


def test_a_quarter_of_one_year_against_another_year(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the second quarter: 2025 against 2024 orders", catalog, values))
    assert spec["compare"] == {"to": "previous_year"}, spec
    assert ("sale_date", "between", ["2025-04-01", "2025-06-30"]) in filters_of(spec), spec


def test_each_group_after_values_compared(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("remote versus on-site people: average rating in each group", catalog,
                       values))
    assert dims_of(spec) == ["is_remote"], spec
