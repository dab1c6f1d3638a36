"""The built-in engine on words found while tuning on blind batch k (issue 12): countries by
their initials alone ("UK", "US"), "peak", "what did <people> sell", "north of <number>",
points of the compass as adjectives, "leave out", "dollar sales", review scores, ways of
saying "no manager" ("nobody to report to", "a null manager", "boss-less"), team sizes,
"worldwide", running totals said loosely, "how mnay", "country by country", "does a typical
order carry", "longest-serving", things that earn (products, not people), "performers" with
their rating, "in-office", "a single unit", pay "paid out" and "per year", "all ... combined",
"salary budget", "- count them", "leaderboard", "I'm new in ..." (who asks);
and real words that are not slips of a filler ("hours" is not "yours").

Questions are worded unlike the blind batches: each test checks a rule, through the spec
the engine wrote on the demo data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plotboard.ai.answers import EngineAnswer
from plotboard.catalog.model import Catalog
from tests.ai import tuning
from tests.ai.tuning import Values, spec_of

TODAY = dt.date(2025, 6, 18)


def ask(question: str, catalog: Catalog, values: Values, **kwargs: Any) -> EngineAnswer:
    return tuning.ask(question, catalog, values, today=kwargs.pop("today", TODAY), **kwargs)




def _filters(spec: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    return {f["column"]: (f["op"], f.get("value")) for f in spec.get("filters", [])}


def _measures(spec: dict[str, Any]) -> list[tuple[str | None, str | None]]:
    return [(m.get("agg"), m.get("column")) for m in spec.get("measures", [])]


def _dims(spec: dict[str, Any]) -> list[str]:
    return [d["column"] for d in spec.get("dimensions", [])]


@pytest.mark.parametrize(
    ("question", "countries"),
    [
        ("average pay UK vs US", ["United Kingdom", "United States"]),
        ("U.S. staff count", ["United States"]),
        ("payroll of USA vs UK", ["United Kingdom", "United States"]),
    ],
)
def test_countries_by_their_initials(
    question: str, countries: list[str], catalog: Catalog, values: Values
) -> None:
    op, value = _filters(spec_of(ask(question, catalog, values)))["country"]
    assert sorted(value if op == "in" else [value]) == sorted(countries)


def test_us_in_capitals_is_only_a_pronoun_when_all_is_in_capitals(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("SHOW US HEADCOUNT BY DEPARTMENT", catalog, values))
    assert "country" not in _filters(spec)
    assert _dims(spec) == ["department"]


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("peak salary in Engineering", ("max", "salary")),
        ("the peak order amount", ("max", "amount")),
    ],
)
def test_peak_is_the_highest(
    question: str, measure: tuple[str, str], catalog: Catalog, values: Values
) -> None:
    assert _measures(spec_of(ask(question, catalog, values))) == [measure]


def test_what_people_sold_is_their_revenue(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what did the Toronto team sell in 2023", catalog, values))
    assert _measures(spec) == [("sum", "amount")]
    assert _filters(spec)["employees.location"] == ("eq", "Toronto")
    spec = spec_of(ask("how much has each salesperson sold", catalog, values))
    assert _measures(spec) == [("sum", "amount")]
    assert {"column": "employees.full_name", "key": "employees.employee_id"} in spec[
        "dimensions"
    ]


@pytest.mark.parametrize(
    ("question", "op", "value"),
    [
        ("products that brought in north of 5M", "gt", 5_000_000),
        ("categories south of 20 million in revenue", "lt", 20_000_000),
    ],
)
def test_north_and_south_of_a_number_are_bounds(
    question: str, op: str, value: float, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [(h["op"], h["value"]) for h in spec.get("having", [])] == [(op, value)], spec
    assert "sales_region" not in _filters(spec)


def test_compass_adjectives_name_the_region(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units sold in the eastern region", catalog, values))
    assert _filters(spec)["sales_region"] == ("eq", "East")


def test_leave_out_excludes(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("headcount by department, leave out Engineering", catalog, values))
    assert _filters(spec)["department"] == ("neq", "Engineering")


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("dollar sales by category", ("sum", "amount")),
        ("average appraisal grade by department", ("avg", "performance_rating")),
        ("salary budget by office", ("sum", "salary")),
        ("what do we pay out in wages in Finance", ("sum", "salary")),
    ],
)
def test_measures_said_loosely(
    question: str, measure: tuple[str, str], catalog: Catalog, values: Values
) -> None:
    assert _measures(spec_of(ask(question, catalog, values))) == [measure]


def test_a_perfect_score_is_a_rating(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many in Marketing got a perfect 5 appraisal", catalog, values))
    assert _filters(spec)["performance_rating"] == ("eq", 5)


@pytest.mark.parametrize(
    "question",
    [
        "salary total of staff with no boss above them",
        "how many people have no one to report to",
        "headcount with a null manager",
        "boss-less employees by country",
    ],
)
def test_ways_of_saying_no_manager(question: str, catalog: Catalog, values: Values) -> None:
    assert _filters(spec_of(ask(question, catalog, values)))["manager_id"][0] == "is_null"


def test_squad_size_is_a_headcount(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("squad size in Marketing", catalog, values))
    assert _measures(spec) == [("count", None)]
    assert _filters(spec)["department"] == ("eq", "Marketing")


def test_office_sites_around_the_world(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("number of office sites around the world", catalog, values))
    assert (spec["table"], _measures(spec), _filters(spec)) == ("offices", [("count", None)], {})


def test_running_totals_and_years_said_loosely(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units sold added up cumulatively by month", catalog, values))
    assert spec["measures"][0].get("cumulative") is True
    spec = spec_of(ask("hires over the years", catalog, values))
    assert [d.get("grain") for d in spec["dimensions"]] == ["year"]


@pytest.mark.parametrize(
    ("question", "measure"),
    [("how mnay people work in Berlin", ("count", None)),
     ("how meny orders in the West", ("count", None))],
)
def test_how_many_typed_with_a_slip(
    question: str, measure: tuple[str | None, str | None], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _measures(spec) == [measure] and not spec.get("select"), spec


def test_country_by_country_is_by_country(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("people count, country by country", catalog, values))
    assert (_measures(spec), _dims(spec)) == ([("count", None)], ["country"])


def test_what_a_typical_order_carries_is_per_order(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many units does a typical order hold", catalog, values))
    assert _measures(spec) == [("avg", "quantity")]


def test_longest_serving_is_the_earliest_hire(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("start date of our longest-serving engineer", catalog, values))
    assert _measures(spec) == [("min", "hire_date")]


def test_a_thing_that_earns_takes_revenue(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the three best-earning categories in 2024", catalog, values))
    assert (_measures(spec), _dims(spec), spec.get("limit")) == (
        [("sum", "amount")], ["category"], 3
    )
    spec = spec_of(ask("bottom 2 earners among regions", catalog, values))
    assert (_measures(spec), _dims(spec), spec.get("limit")) == (
        [("sum", "amount")], ["sales_region"], 2
    )
    # A person earns a salary.
    spec = spec_of(ask("best-earning people in Berlin", catalog, values))
    assert spec["order_by"][0]["by"] == "salary"


def test_performers_with_their_rating_said(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("top performers (rating 5) in Sydney", catalog, values))
    assert _filters(spec)["performance_rating"] == ("eq", 5)
    assert ask("top performers in Sydney", catalog, values).tile is None  # which rating: unsaid


def test_in_office_is_not_remote(catalog: Catalog, values: Values) -> None:
    assert _filters(spec_of(ask("in-office headcount", catalog, values)))["is_remote"] == (
        "eq", False
    )


def test_a_single_unit_is_one(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many orders for a single unit or less", catalog, values))
    assert _filters(spec)["quantity"] == ("lte", 1)


def test_salaries_per_year_are_the_salaries(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("total salaries per year", catalog, values))
    assert (_measures(spec), _dims(spec)) == ([("sum", "salary")], [])


def test_all_of_them_combined_is_one_total(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue in 2023, all regions combined", catalog, values))
    assert (_measures(spec), _dims(spec)) == ([("sum", "amount")], [])


def test_count_them_after_the_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("orders above 20k - count them", catalog, values))
    assert _measures(spec) == [("count", None)]
    assert _filters(spec)["amount"] == ("gt", 20_000)


def test_leaderboard_is_a_ranking(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("leaderboard of products by units", catalog, values))
    assert _dims(spec) == ["product"] and spec.get("limit"), spec


def test_new_in_a_department_is_who_asks(catalog: Catalog, values: Values) -> None:
    reply = ask("I'm new to the marketing team, so what is headcount by country?", catalog, values)
    spec = spec_of(reply)
    assert "department" not in _filters(spec) and _dims(spec) == ["country"]
    assert any("who is asking" in said for said in reply.assumptions), reply.assumptions


def test_with_the_thing_each_one_is_in_lists_them(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("list our offices with the region each one is in", catalog, values))
    assert "region" in spec.get("select", []) and not spec.get("measures"), spec


@pytest.mark.parametrize("question", ["hours per person", "calls per employee last week"])
def test_words_that_are_not_slips_of_a_filler(
    question: str, catalog: Catalog, values: Values
) -> None:
    assert ask(question, catalog, values).tile is None


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("how many sr software engineers", "Senior Software Engineer"),
        ("average salary of account execs", "Account Executive"),
        ("list the jr software engineers hired in 2023", "Junior Software Engineer"),
        ("headcount of hr coords", "HR Coordinator"),
    ],
)
def test_values_said_by_their_short_forms(
    question: str, title: str, catalog: Catalog, values: Values
) -> None:
    assert _filters(spec_of(ask(question, catalog, values)))["job_title"] == ("eq", title)


@pytest.mark.parametrize(
    ("question", "measure", "column"),
    [
        ("the top salary among staff with no manager", ("max", "salary"), "manager_id"),
        ("lowest rating among remote employees", ("min", "performance_rating"), "is_remote"),
        ("highest salary of the people in Tokyo", ("max", "salary"), "location"),
    ],
)
def test_one_value_among_people_is_that_value(
    question: str, measure: tuple[str, str], column: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _measures(spec) == [measure] and not spec.get("select"), spec
    assert column in _filters(spec)


@pytest.mark.parametrize(
    ("question", "measure", "dim"),
    [
        ("Support vs Marketing: who earns more?", ("avg", "salary"), "department"),
        ("HR or Operations - which has the higher average rating", ("avg", "performance_rating"),
         "department"),
        ("North vs South: which one sold more in 2024?", ("sum", "amount"), "sales_region"),
        ("are remote staff rated higher than office staff", ("avg", "performance_rating"),
         "is_remote"),
        ("does Engineering earn more than Operations on average", ("avg", "salary"),
         "department"),
    ],
)
def test_who_does_more_of_two_groups(
    question: str, measure: tuple[str, str], dim: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert (_measures(spec), _dims(spec)) == ([measure], [dim]), spec


def test_more_than_a_number_stays_a_bar(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which categories sold more than 2 million in 2024", catalog, values))
    assert [(h["op"], h["value"]) for h in spec.get("having", [])] == [("gt", 2_000_000)], spec


def test_record_periods_are_the_best(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("our four record quarters for units sold", catalog, values))
    assert (_measures(spec), spec.get("limit")) == ([("sum", "quantity")], 4)
    assert spec["order_by"][0]["desc"] is True


@pytest.mark.parametrize(
    "question",
    ["breakdown of review grades in Finance", "how many 1s, 2s and 3s in the ratings of Support"],
)
def test_a_breakdown_of_ratings_counts_each_rating(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert (_measures(spec), _dims(spec)) == ([("count", None)], ["performance_rating"]), spec


@pytest.mark.parametrize(
    ("question", "dims"),
    [("how big is every department", ["department"]), ("how large is the HR team", [])],
)
def test_how_big_a_team_is_its_headcount(
    question: str, dims: list[str], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert (_measures(spec), _dims(spec)) == ([("count", None)], dims), spec


def test_stars_with_their_rating_said(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("list our superstars in Berlin, the ones with a perfect 5", catalog, values))
    assert _filters(spec)["performance_rating"] == ("eq", 5)


def test_order_volume_is_how_many_orders(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("order volume by region in 2024", catalog, values))
    assert _measures(spec)[0][0] == "count" and _dims(spec) == ["sales_region"], spec


def test_piling_up_period_after_period_is_a_running_total(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("revenue piling up month after month in 2023", catalog, values))
    assert spec["measures"][0].get("cumulative") is True
    assert [d.get("grain") for d in spec["dimensions"]] == ["month"]


@pytest.mark.parametrize(
    ("question", "column", "value"),
    [
        ("how many engineers work in Sydney", "department", "Engineering"),
        ("average rating of marketers", "department", "Marketing"),
        ("list the staff engineers in Tokyo", "job_title", "Staff Engineer"),
    ],
)
def test_people_named_by_their_kind_of_work(
    question: str, column: str, value: str, catalog: Catalog, values: Values
) -> None:
    assert _filters(spec_of(ask(question, catalog, values)))[column] == ("eq", value)


def test_name_the_is_list_the(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Name the 4 departments with the most staff", catalog, values))
    assert (_dims(spec), spec.get("limit")) == (["department"], 4), spec


def test_a_minimum_of_a_number_and_how_many_we_have(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("deals with a minimum of 10 units, how many do we have", catalog, values))
    assert _measures(spec) == [("count", None)]
    assert _filters(spec)["quantity"] == ("gte", 10)


@pytest.mark.parametrize(
    ("question", "unit_price"),
    [
        ("what do we charge per unit for Laptop Pro 14", None),
        ("which items go for under $50 a unit", ("lt", 50)),
    ],
)
def test_the_price_of_one_unit(
    question: str, unit_price: tuple[str, float] | None, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    if unit_price is None:
        assert _measures(spec) == [("avg", "unit_price")], spec
    else:
        assert _filters(spec)["unit_price"] == unit_price, spec


def test_one_two_three_units_and_so_on_is_by_units(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many orders had 1 item, 2 items and so on", catalog, values))
    assert (_measures(spec), _dims(spec)) == ([("count", None)], ["quantity"]), spec


def test_units_each_group_sold(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many units did every region sell in 2024", catalog, values))
    assert (_measures(spec), _dims(spec)) == ([("sum", "quantity")], ["sales_region"]), spec


def test_keep_some_and_lose_the_rest(catalog: Catalog, values: Values) -> None:
    first = ask("revenue by category", catalog, values)
    spec = spec_of(ask("keep Hardware + Accessories, lose the rest", catalog, values,
                       previous=first.tile))
    op, kept = _filters(spec)["category"]
    assert (op, sorted(kept)) == ("in", ["Accessories", "Hardware"]), spec


@pytest.mark.parametrize(
    ("question", "dims", "filters"),
    [
        ("Hi! Hope your week has been good. What's the headcount in Toronto?", [],
         {"location": ("eq", "Toronto")}),
        ("It's for the marketing committee on Monday: revenue by region", ["sales_region"], {}),
        ("I'm preparing the monthly ops report and the analyst who usually does this is away, "
         "so I'm a bit confused. Average salary by department please", ["department"], {}),
        ("Our Finance team is reviewing bonuses and we'd like to see headcount per office",
         ["location"], {}),
        ("I would be most grateful for order counts by region", ["sales_region"], {}),
    ],
)
def test_context_in_a_polite_message_is_not_the_question(
    question: str, dims: list[str], filters: dict[str, Any], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert (_dims(spec), _filters(spec), spec.get("limit")) == (dims, filters, None), spec


def test_my_boss_asked_me_is_who_asks(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(
        "Quick favour: my boss asked me which 3 products made the most revenue in the West, "
        "and I have no idea how to get that.", catalog, values,
    ))
    assert (_dims(spec), _filters(spec), spec.get("limit")) == (
        ["product"], {"sales_region": ("eq", "West")}, 3
    ), spec


def test_an_overview_of_a_number_is_that_number(catalog: Catalog, values: Values) -> None:
    reply = ask("an overview of the number of hires in each month of 2024", catalog, values)
    spec = spec_of(reply)
    assert not reply.tiles and [d.get("grain") for d in spec["dimensions"]] == ["month"]


def test_the_amount_of_sales_is_revenue(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the total amount of sales by category", catalog, values))
    assert (_measures(spec), _filters(spec)) == ([("sum", "amount")], {}), spec


def test_a_quoted_value_after_its_column_word(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units sold for the product 'Laptop Pro 14' by month", catalog, values))
    assert _filters(spec)["product"] == ("eq", "Laptop Pro 14")
    assert _dims(spec) == ["sale_date"], spec


def test_not_reporting_to_anyone_is_no_manager(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many people don't report to anybody", catalog, values))
    assert _filters(spec)["manager_id"][0] == "is_null"


@pytest.mark.parametrize(("question", "desc"), [("who's paid the most in Finance", True),
                                                ("who gets paid the least", False)])
def test_paid_the_most_is_the_highest_paid(
    question: str, desc: bool, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    expected = {"by": "salary", "desc": True} if desc else {"by": "salary"}
    assert spec["order_by"][0] == expected, spec
    assert spec.get("limit") == 1, spec


def test_staff_on_a_salary(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many Sydney people on 50k or more", catalog, values))
    assert _filters(spec)["salary"] == ("gte", 50_000)


def test_without_any_manager(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("average salary of staff without any boss", catalog, values))
    assert _filters(spec) == {"manager_id": ("is_null", None)}, spec


def test_deal_count_counts_deals(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("deal count for the reps based in Tokyo", catalog, values))
    assert _measures(spec) == [("count", None)], spec


@pytest.mark.parametrize(
    ("question", "desc"),
    [("the seller with the most orders in 2023", True),
     ("which colleague closed the fewest deals", False)],
)
def test_the_person_with_the_most_rows(
    question: str, desc: bool, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _measures(spec) == [("count", None)] and spec.get("limit") == 1, spec
    assert {"column": "employees.full_name", "key": "employees.employee_id"} in spec[
        "dimensions"
    ]
    assert spec["order_by"][0].get("desc", False) is desc


# --- words after batch l's first try -----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("2Q25 revenue by category", "2025-04-01", "2025-06-30"),
        ("revenue for 1q 2024", "2024-01-01", "2024-03-31"),
    ],
)
def test_a_quarter_written_number_first(
    question: str, start: str, end: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _filters(spec)["sale_date"] == ("between", [start, end]), spec
    assert spec["measures"][0]["column"] == "amount"


@pytest.mark.parametrize(
    "question",
    ["what did we bill by region", "billings per region", "amount we invoiced by region"],
)
def test_billing_is_revenue(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales" and spec["measures"][0] == {"agg": "sum", "column": "amount"}
    assert [d["column"] for d in spec["dimensions"]] == ["sales_region"], spec


def test_out_the_door_is_sold(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units that went out the door in May 2025", catalog, values))
    assert spec["measures"][0] == {"agg": "sum", "column": "quantity"}, spec
    assert _filters(spec)["sale_date"] == ("between", ["2025-05-01", "2025-05-31"])


@pytest.mark.parametrize(
    "question", ["company-wide average salary", "average salary, firm wide"]
)
def test_company_wide_is_no_filter(question: str, catalog: Catalog, values: Values) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["measures"][0] == {"agg": "avg", "column": "salary"} and not spec.get("filters")
    assert "wide" not in reply.answer


def test_a_crowd_and_holders_are_people(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how big is the remote crowd in each department", catalog, values))
    assert _filters(spec)["is_remote"] == ("eq", True)
    assert [d["column"] for d in spec["dimensions"]] == ["department"]
    spec = spec_of(ask("job titles with fewer than 5 holders", catalog, values))
    assert spec["having"][0]["op"] == "lt" and spec["having"][0]["value"] == 5, spec


@pytest.mark.parametrize(
    "question", ["who has been with us the longest", "which employee has worked here longest"]
)
def test_been_here_longest_is_hired_first(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec.get("order_by") == [{"by": "hire_date"}], spec  # ascending: the first hired
    assert spec.get("limit") == 1 and "full_name" in spec.get("select", []), spec


def test_one_part_as_a_multiple_of_another_is_their_ratio(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("accessories revenue as a multiple of services revenue", catalog, values)
    spec = spec_of(reply)
    assert spec["measures"][0]["expr"] == (
        "sum_if(amount, category = 'Accessories') * 1.0 / sum_if(amount, category = 'Services')"
    ), spec
    assert "did not use" not in reply.answer, reply.answer


@pytest.mark.parametrize(
    "question",
    ["count the staff who have no one as their boss", "people with nobody above them, how many"],
)
def test_nobody_as_their_manager_is_no_manager(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _filters(spec) == {"manager_id": ("is_null", None)}, spec
