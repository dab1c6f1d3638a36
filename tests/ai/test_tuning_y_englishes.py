"""The built-in engine on general rules found while tuning on blind batch y (issue 12): the
words of other Englishes. Nigerian English and Pidgin ("dey", "wey", "don", "no get", "make
am", "pass" a number, "collect" a salary, "abeg"); a learner's English; a child's and a
retail manager's words; refusals of what the data does not hold (leaving, age); several
typos at once.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of

# -- Nigerian English and Pidgin --------------------------------------------------------------


def test_pidgin_dey_for_is_are_in(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("abeg how many staffs dey for Finance?", catalog, values))
    assert spec["table"] == "employees", spec
    assert spec["measures"] == [{"agg": "count"}], spec
    assert filters_of(spec) == [("department", "eq", "Finance")], spec


def test_pidgin_dey_before_a_verb_is_dropped(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many staffs in London dey earn below 40,000 sef", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert sorted(filters_of(spec)) == [("location", "eq", "London"), ("salary", "lt", 40000)], spec


def test_pidgin_no_get_is_have_no(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("list the staffs wey no get manager", catalog, values))
    assert filters_of(spec) == [("manager_id", "is_null", None)], spec


def test_pidgin_pass_a_number_is_more_than(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which offices get staffs pass 150?", catalog, values))
    assert dims_of(spec) == ["location"], spec
    assert having_of(spec) == [("count", "gt", 150)], spec


def test_collect_a_salary_is_earn_it_and_the_n_who_earn_the_highest(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("the 3 staffs wey dey collect the highest salary", catalog, values))
    assert spec["table"] == "employees", spec
    assert spec.get("limit") == 3, spec
    assert spec["order_by"][0]["desc"] is True, spec
    assert "salary" in str(spec["order_by"]), spec


def test_the_n_things_with_the_lowest_column_are_the_bottom_n(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("the 4 employees who earn the lowest salary", catalog, values))
    assert spec.get("limit") == 4, spec
    assert "salary" in str(spec["order_by"]), spec
    assert not spec["order_by"][0].get("desc"), spec


def test_pidgin_make_am_is_make_it(catalog: Catalog, values: Values) -> None:
    first = ask("headcount per department", catalog, values)
    spec = spec_of(ask("abeg make am only for Berlin", catalog, values, previous=first.tile))
    assert dims_of(spec) == ["department"], spec
    assert ("location", "eq", "Berlin") in filters_of(spec), spec


# -- refusals: leaving, firing and age are not in the data ------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "who did we fire in 2023",
        "which engineers did we sack this year",
        "how many people did we dismiss last quarter",
    ],
)
def test_an_end_of_employment_is_refused_without_a_column(
    catalog: Catalog, values: Values, question: str
) -> None:
    assert ask(question, catalog, values).tile is None


@pytest.mark.parametrize(
    "question",
    [
        "how old is our longest serving engineer",
        "how young is the newest hire in Sales",
    ],
)
def test_a_persons_age_is_refused_without_a_column(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None, spec_of(reply)


def test_how_old_a_thing_that_is_not_a_person_is_still_read(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("how old is the oldest office", catalog, values))
    assert spec["table"] == "offices", spec


# -- a Japanese learner's English -------------------------------------------------------------


def test_teach_me_is_tell_me(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("average salary in Tokyo office, please teach me", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec
    spec = spec_of(ask("please teach me units by category", catalog, values))
    assert dims_of(spec) == ["category"], spec


def test_salaryman_is_an_employee(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many salarymen in London office", catalog, values))
    assert spec["table"] == "employees", spec
    assert filters_of(spec) == [("location", "eq", "London")], spec


def test_an_offices_start_day_is_its_opening_date(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Berlin office start day?", catalog, values))
    assert spec["table"] == "offices", spec
    assert "opened_on" in spec.get("select", []), spec


def test_an_amount_for_one_unit_is_per_unit_with_the_topic_first(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("USB-C Dock, year 2023, revenue for one unit is how much", catalog, values))
    assert spec["measures"][0].get("expr") == "sum(amount) * 1.0 / sum(quantity)", spec
    assert ("sale_date", "between", ["2023-01-01", "2023-12-31"]) in filters_of(spec), spec


# -- several typos at once --------------------------------------------------------------------


def test_a_value_of_several_words_with_a_later_word_mistyped(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("revenue of the Wireless Mosue in 2023", catalog, values)
    spec = spec_of(reply)
    assert ("product", "eq", "Wireless Mouse") in filters_of(spec), spec
    assert any("mosue" in a for a in reply.assumptions), reply.assumptions


def test_a_framing_verb_mistyped_next_to_other_typos(catalog: Catalog, values: Values) -> None:
    reply = ask("how manny peple wrok in the lodnon ofice", catalog, values)
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "count"}], spec
    assert filters_of(spec) == [("location", "eq", "London")], spec
    assert any("wrok" in a for a in reply.assumptions), reply.assumptions


def test_broken_down_by_mistyped(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units brokn down by categroy", catalog, values))
    assert dims_of(spec) == ["category"], spec


# -- a child's and a retail manager's words ---------------------------------------------------


def test_how_many_got_each_value_is_a_count_per_value(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many workers got each score from 1 to 5", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert dims_of(spec) == ["performance_rating"], spec


def test_a_score_out_of_five_on_a_rating(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many people in Paris got 3 out of 5 on their rating", catalog, values))
    assert ("performance_rating", "eq", 3) in filters_of(spec), spec


def test_the_highest_rating_there_is_is_the_top_of_the_scale(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("how many engineers got the best rating there is", catalog, values))
    assert ("performance_rating", "eq", 5) in filters_of(spec), spec


def test_the_most_expensive_thing_sold_is_a_product(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what is the most expensive item we sell", catalog, values))
    assert dims_of(spec) == ["product"], spec
    assert "unit_price" in str(spec["order_by"]), spec
    spec = spec_of(ask("our top-selling thing ever", catalog, values))
    assert dims_of(spec) == ["product"], spec
    assert spec.get("limit") == 1, spec


def test_people_doing_them_are_the_people(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which jobs have fewer than 20 people doing them", catalog, values))
    assert dims_of(spec) == ["job_title"], spec
    assert having_of(spec) == [("count", "lt", 20)], spec


def test_through_the_tills_is_sold(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units through the tills by category on the shop floor", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert dims_of(spec) == ["category"], spec


def test_basket_sizes_in_units_are_the_units_of_each_sale(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("spread of basket sizes this year, in units", catalog, values))
    assert [d["column"] for d in spec["dimensions"]] == ["quantity"], spec


def test_where_are_we_on_a_measure_for_the_period_so_far(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("where are we on revenue for the quarter so far", catalog, values))
    assert "dimensions" not in spec, spec
    assert filters_of(spec) == [("sale_date", "between", ["2025-10-01", "2025-11-20"])], spec
