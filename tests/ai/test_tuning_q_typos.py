"""The built-in engine on what blind batch q showed about real-word slips, joined words and
new words (issue 12): a homophone or an autocorrect slip that is a real word ("bye", "four",
"fore", "inn", "then", "rap", "manger") is read as the word meant only where the sentence
needs it, and the answer says so; words typed together ("howmany", "lastyear", "inQ4") are
read apart; "<month> this year" and "Q4 last year" are that month or quarter; a ratio of
something the data does not hold ("gender ratio") is refused; and the words of a finance
controller and a recruiter ("hero products", "booked", "ex", "the Software line",
"licences sold", "longest tenure", "close pack:") are read.

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote, on the demo data (today is 2025-11-20)."""

from __future__ import annotations

from typing import Any

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of


def _filters(spec: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(c.split(".")[-1], op, v) for c, op, v in filters_of(spec)]


def _dates(spec: dict[str, Any]) -> list[Any]:
    return [v for c, op, v in _filters(spec) if c in ("sale_date", "hire_date", "opened_on")]


# Real words typed for another ---------------------------------------------------------------


def test_four_before_the_is_for(catalog: Catalog, values: Values) -> None:
    reply = ask("average salary four the sales department", catalog, values)
    spec = spec_of(reply)
    assert _filters(spec) == [("department", "eq", "Sales")], spec
    assert any("four" in a and "for" in a for a in reply.assumptions), reply.assumptions


def test_a_ranking_four_stays_a_number(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the top four products by revenue", catalog, values))
    assert spec.get("limit") == 4, spec


def test_fore_next_to_a_rating_is_four(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("London people rated fore or five", catalog, values))
    assert ("performance_rating", "in", [4, 5]) in _filters(spec), spec


def test_fore_elsewhere_is_for(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units fore each category in 2023", catalog, values))
    assert dims_of(spec) == ["category"], spec


def test_then_after_a_comparative_is_than(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("employees earning more then 150k", catalog, values))
    assert ("salary", "gt", 150000) in _filters(spec), spec


@pytest.mark.parametrize(
    ("question", "dims"),
    [
        ("revenue bye region", ["sales_region"]),
        ("headcount buy department", ["department"]),
        ("units buy each category", ["category"]),
    ],
)
def test_bye_and_buy_between_a_measure_and_a_column_are_by(
    question: str, dims: list[str], catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert dims_of(spec_of(reply)) == dims
    assert any("read as" in a and "by" in a for a in reply.assumptions), reply.assumptions


def test_inn_is_in(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("orders inn the South inn 2023", catalog, values))
    assert ("sales_region", "eq", "South") in _filters(spec), spec
    assert _dates(spec) == [["2023-01-01", "2023-12-31"]], spec


def test_rap_is_a_rep(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which rap had the highest revenue in 2023", catalog, values))
    assert dims_of(spec) == ["employees.full_name"] and spec.get("limit") == 1, spec


def test_manger_is_a_manager(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("staff without a manger per department", catalog, values))
    assert ("manager_id", "is_null", None) in _filters(spec), spec
    assert dims_of(spec) == ["department"], spec


# Words typed together ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "dates"),
    [
        ("howmany hires lastyear", [["2024-01-01", "2024-12-31"]]),
        ("revenue by category inQ3 2024", [["2024-07-01", "2024-09-30"]]),
        ("orders in2023 by region", [["2023-01-01", "2023-12-31"]]),
        ("units sold lastmonth", [["2025-10-01", "2025-10-31"]]),
        ("revenue by quarter FY2023", [["2023-01-01", "2023-12-31"]]),
    ],
)
def test_joined_words_are_read_apart(
    question: str, dates: list[Any], catalog: Catalog, values: Values
) -> None:
    assert _dates(spec_of(ask(question, catalog, values))) == dates


def test_grain_by_grain_is_one_grain(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("week-by-week units for last month", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "week"}], spec


# A month or a quarter of this or last year ------------------------------------------------


@pytest.mark.parametrize(
    ("question", "dates"),
    [
        ("revenue in March this year", [["2025-03-01", "2025-03-31"]]),
        ("units sold in Q2 last year", [["2024-04-01", "2024-06-30"]]),
        ("hires in the second quarter of last year", [["2024-04-01", "2024-06-30"]]),
        ("orders in may last year", [["2024-05-01", "2024-05-31"]]),
    ],
)
def test_a_part_of_this_or_last_year(
    question: str, dates: list[Any], catalog: Catalog, values: Values
) -> None:
    assert _dates(spec_of(ask(question, catalog, values))) == dates


@pytest.mark.parametrize(
    ("question", "dates"),
    [
        ("revenue in the July-September quarter of 2024", [["2024-07-01", "2024-09-30"]]),
        ("orders feb3 to mar10 2025", [["2025-02-03", "2025-03-10"]]),
        ("units from apr1-jun30 2023", [["2023-04-01", "2023-06-30"]]),
        ("revenue April 2nd - June 9th 2024", [["2024-04-02", "2024-06-09"]]),
    ],
)
def test_months_and_days_said_short(
    question: str, dates: list[Any], catalog: Catalog, values: Values
) -> None:
    assert _dates(spec_of(ask(question, catalog, values))) == dates


# A ratio of something the data does not hold ---------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["gender ratio of the 2023 hires", "male/female ratio in Engineering",
     "what is the gender ratio among remote staff"],
)
def test_a_ratio_of_an_unknown_is_refused(question: str, catalog: Catalog, values: Values) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None, reply.tile


def test_a_ratio_of_known_things_is_still_read(catalog: Catalog, values: Values) -> None:
    assert ask("the ratio of revenue to units by category", catalog, values).tile is not None


# New words ---------------------------------------------------------------------------------


def test_hero_products_are_the_top_ones(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("our hero products by units in 2023", catalog, values))
    assert dims_of(spec) == ["product"] and spec["order_by"][0]["desc"] is True, spec
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec


def test_hero_product_of_each_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the hero product in every region for 2024", catalog, values))
    assert spec.get("limit") == 1 and spec.get("limit_per") == "sales_region", spec


def test_hero_products_named_in_brackets_are_those(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(
        "monthly revenue of our two hero products (Design Studio, Laptop Air 13) in 2024",
        catalog, values,
    ))
    assert ("product", "in", ["Design Studio", "Laptop Air 13"]) in _filters(spec), spec
    assert "limit" not in spec, spec


def test_an_unknown_asked_about_hero_products_is_refused(
    catalog: Catalog, values: Values
) -> None:
    assert ask("churn rate for our hero products", catalog, values).tile is None


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("hc per location ex remote", ("is_remote", "eq", False)),
        ("revenue ex Hardware by quarter", ("category", "neq", "Hardware")),
    ],
)
def test_ex_before_a_value_is_excluding(
    question: str, kept: tuple[str, str, Any], catalog: Catalog, values: Values
) -> None:
    assert kept in _filters(spec_of(ask(question, catalog, values)))


def test_a_value_of_the_product_line(catalog: Catalog, values: Values) -> None:
    reply = ask("units sold for the Hardware line in 2024", catalog, values)
    assert ("category", "eq", "Hardware") in _filters(spec_of(reply))
    assert any("Hardware line" in a for a in reply.assumptions), reply.assumptions


def test_licences_sold_are_units(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("licences sold per product in 2023", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec


def test_a_value_ending_in_license_is_kept(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Office Suite License sold in 2023", catalog, values))
    assert ("product", "eq", "Office Suite License") in _filters(spec), spec


@pytest.mark.parametrize(
    ("question", "having"),
    [
        ("regions that booked over $30M in 2024", ("sum_amount", "gt", 30000000)),
        ("reps who booked at least 1.5m last year", ("sum_amount", "gte", 1500000)),
    ],
)
def test_an_amount_booked_is_revenue(
    question: str, having: tuple[str, str, Any], catalog: Catalog, values: Values
) -> None:
    assert having in having_of(spec_of(ask(question, catalog, values)))


def test_booked_revenue_is_revenue(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("booked revenue per region in 2024", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
    assert dims_of(spec) == ["sales_region"], spec


def test_booked_nothing_is_no_sales(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Sales staff who booked nothing in 2023", catalog, values))
    assert [f["without"] for f in spec["filters"] if "without" in f] == ["sales"], spec


def test_longest_tenure_is_hired_first(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("who has the longest tenure in each department?", catalog, values))
    assert spec["measures"] == [{"agg": "min", "column": "hire_date"}], spec
    assert spec.get("limit_per") == "department", spec


def test_opened_their_doors(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("offices that opened their doors before 2012", catalog, values))
    assert spec["table"] == "offices" and _filters(spec)[0][0] == "opened_on", spec


def test_if_so_how_many(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("any Staff Engineers in London? if so, how many?", catalog, values))
    assert ("job_title", "eq", "Staff Engineer") in _filters(spec), spec
    assert ("location", "eq", "London") in _filters(spec), spec


def test_size_of_the_product_catalogue(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how big is the size of our product catalogue", catalog, values))
    assert spec["measures"] == [{"agg": "count_distinct", "column": "product"}], spec


def test_headcount_added_through_hiring(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("headcount added via hiring in 2023", catalog, values))
    assert _dates(spec) == [["2023-01-01", "2023-12-31"]], spec


def test_a_pack_before_the_question_is_context(catalog: Catalog, values: Values) -> None:
    reply = ask("board pack: revenue by month in 2024", catalog, values)
    assert dims_of(spec_of(reply)) == ["sale_date"] and not reply.unused, reply.unused


def test_a_long_tail_label_before_the_question_is_context(catalog: Catalog, values: Values) -> None:
    reply = ask("long tail check: products that sold under 900 units in 2023", catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == ["product"] and having_of(spec), spec
    assert not reply.unused, reply.unused


def test_analyse_is_a_verb_not_an_analyst(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("analyse the average salary per location", catalog, values))
    assert not any(c == "job_title" for c, _, _ in _filters(spec)), spec


def test_support_agents_are_staff(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many support agents in Berlin", catalog, values))
    assert ("department", "eq", "Support") in _filters(spec), spec
    assert ("location", "eq", "Berlin") in _filters(spec), spec


def test_for_each_group_is_each_of_those_named(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("remote vs office staff: average rating for each group", catalog, values))
    assert dims_of(spec) == ["is_remote"], spec


def test_a_meeting_named_after_hero_products_is_context(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(
        "could you chart weekly units of Laptop Air 13 in 2024? our hero product meeting is "
        "next week", catalog, values,
    ))
    assert "limit" not in spec and dims_of(spec) == ["sale_date"], spec


@pytest.mark.parametrize(
    "question",
    ["total salary of staff with the manager field left empty",
     "how many people whose manager column is left blank"],
)
def test_a_field_left_blank_is_empty(question: str, catalog: Catalog, values: Values) -> None:
    assert ("manager_id", "is_null", None) in _filters(spec_of(ask(question, catalog, values)))


def test_the_range_of_a_number_is_its_bands(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the range of salaries in the Finance department", catalog, values))
    assert spec["dimensions"][0]["column"] == "salary" and "bin" in spec["dimensions"][0], spec


def test_a_count_or_the_names_is_the_count(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("people hired in October - a count or the names", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec


@pytest.mark.parametrize(
    "question",
    ["how many people were rated four this year", "hires with a rating of four last year"],
)
def test_a_rating_of_four_stays_four(question: str, catalog: Catalog, values: Values) -> None:
    assert ("performance_rating", "eq", 4) in _filters(spec_of(ask(question, catalog, values)))
