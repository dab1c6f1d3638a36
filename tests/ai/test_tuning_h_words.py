"""The built-in engine on context words found while tuning on blind batch h (issue 12):
adverbs, fillers and money units are context (left out, and the answer says so), while an
unknown noun that is what is asked for is still refused; "N units ago", "the month before
this one", "since <day> this year"; spoken slang ("gimme", "crew", "top dog", "evr"); the
initials of a value ("SDRs"); "total number of"; a ranking said last (", top 3").

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

from typing import Any

import pytest

from plotboard.ai.answers import EngineAnswer
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, spec_of


def _dates(spec: dict[str, Any]) -> list[str]:
    found = [f["value"] for f in spec.get("filters", []) if f["op"] == "between"]
    assert len(found) == 1, spec
    return list(found[0])


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("how many employees have ever been rated 5", "ever"),
        ("headcount in Engineering already", "already"),
        ("units still sold per category", "still"),
        # Inside the question ("..., honestly" alone is small talk, dropped unsaid).
        ("average salary by department honestly", "honestly"),
    ],
)
def test_adverbs_are_context_and_said(
    question: str, word: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is not None, reply.answer
    if word != "ever":  # "ever" is a filler word, dropped silently like "any"
        assert f"\u201c{word}\u201d" in reply.answer and "did not use" in reply.answer, reply.answer


@pytest.mark.parametrize(
    "question",
    [
        "average margin already by product",
        "churn by month",
        "customers per region",
        "gender split in Sales",
        "what commission rate do reps still get",
    ],
)
def test_an_unknown_noun_asked_for_is_still_refused(
    question: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None, reply.tile


def test_money_unit_after_a_number_is_context(catalog: Catalog, values: Values) -> None:
    reply = ask("categories above 50 million euros in revenue", catalog, values)
    spec = spec_of(reply)
    assert spec["having"] == [{"by": "sum_amount", "op": "gt", "value": 50_000_000}], spec
    assert "\u201ceuros\u201d" in reply.answer, reply.answer


def test_money_of_sales_is_revenue_not_the_sales_team(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("regions that crossed 20 million bucks of sales", catalog, values))
    assert not any(f["column"] == "employees.department" for f in spec.get("filters", [])), spec
    assert spec["having"][0]["op"] == "gt", spec


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("units sold 3 years ago", "2022-01-01", "2022-12-31"),
        ("hires a quarter ago", "2025-07-01", "2025-09-30"),
        ("units sold 2 months ago", "2025-09-01", "2025-09-30"),
        ("hires in the year before this one", "2024-01-01", "2024-12-31"),
        ("units sold in the quarter before last", "2025-04-01", "2025-06-30"),
        ("units sold since march 3rd this year", "2025-03-03", "2025-11-20"),
    ],
)
def test_periods_counted_back_from_today(
    question: str, start: str, end: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert _dates(spec_of(reply)) == [start, end]
    assert any("read as" in a for a in reply.assumptions), reply.assumptions


def test_spoken_slang(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("gimme headcount per office", catalog, values))
    assert spec["measures"] == [{"agg": "count"}] and spec["dimensions"], spec
    spec = spec_of(ask("the remote squad per department", catalog, values))
    assert {"column": "is_remote", "op": "eq", "value": True} in spec["filters"], spec
    spec = spec_of(ask("top dog product by units", catalog, values))
    assert spec["limit"] == 1 and spec["measures"][0]["column"] == "quantity", spec


def test_initials_of_a_value(catalog: Catalog, values: Values) -> None:
    # "Office Suite License" is a product of the demo data.
    spec = spec_of(ask("units of OSL sold in 2024", catalog, values))
    assert {"column": "product", "op": "eq", "value": "Office Suite License"} in spec["filters"]


def test_total_number_of_is_a_count(catalog: Catalog, values: Values) -> None:
    for question in ("total number of deals per region in 2024",
                     "what is the total count of sales in Q1 2025"):
        spec = spec_of(ask(question, catalog, values))
        assert spec["measures"] == [{"agg": "count"}], spec


def test_a_ranking_said_last(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("largest orders of 2024, top 4", catalog, values))
    assert spec["limit"] == 4 and "measures" not in spec, spec  # the orders, not products
    assert spec["order_by"] == [{"by": "amount", "desc": True}], spec


def _after(first: str, then: str, catalog: Catalog, values: Values) -> EngineAnswer:
    before = ask(first, catalog, values)
    assert before.tile is not None, before.answer
    return ask(then, catalog, values, previous=before.tile)


def test_a_counted_word_with_a_typo_is_still_counted(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("trasactions per category in 2024", catalog, values))
    assert spec["measures"][0]["agg"] == "count", spec


def test_regroup_a_chart_by_another_grain(catalog: Catalog, values: Values) -> None:
    reply = _after("weekly units sold in 2024", "group them by month instead of week",
                   catalog, values)
    assert spec_of(reply)["dimensions"] == [{"column": "sale_date", "grain": "month"}]
    assert reply.follow_up is True


def test_and_by_instead_replaces_the_breakdown(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_after("units sold per category", "and per region instead", catalog, values))
    assert spec["dimensions"] == [{"column": "sales_region"}], spec
    spec = spec_of(_after("units sold per category", "and by region", catalog, values))
    assert len(spec["dimensions"]) == 2, spec  # without "instead": added


def test_keep_only_some_rows_of_a_grouped_chart(catalog: Catalog, values: Values) -> None:
    for then in ("keep only employees rated 5", "keep just staff who are remote"):
        spec = spec_of(_after("average salary per country", then, catalog, values))
        assert spec["dimensions"] == [{"column": "country"}], spec  # not a list of people
        assert len(spec["filters"]) == 1, spec


def test_a_noun_after_a_value_names_the_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("revenue of accessories products in 2024", catalog, values))
    assert "dimensions" not in spec, spec
    assert {"column": "category", "op": "eq", "value": "Accessories"} in spec["filters"], spec
    spec = spec_of(ask("top accessories products by revenue", catalog, values))
    assert spec["dimensions"] == [{"column": "product"}], spec  # ranked: one bar each


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("units sold since the beginning of the quarter", "2025-10-01", "2025-11-20"),
        ("hires since the start of last month", "2025-10-01", None),
        ("units sold from the start of this month until now", "2025-11-01", "2025-11-20"),
        ("units sold since the first of june", "2025-06-01", "2025-11-20"),
    ],
)
def test_since_the_start_of_a_period(
    question: str, start: str, end: str | None, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    dated = [f for f in spec["filters"] if f["column"] in ("sale_date", "hire_date")]
    assert len(dated) == 1, spec
    if end is None:
        assert dated[0]["op"] == "between" and dated[0]["value"][0] == start, spec
    else:
        assert dated[0]["value"] == [start, end], spec


def test_a_word_starting_like_a_courtesy_is_kept(catalog: Catalog, values: Values) -> None:
    # "ty" (thank you) at the start of "typical" is no thanks.
    reply = ask("typical units per order by category", catalog, values)
    assert "pical" not in reply.answer, reply.answer


def test_a_refusal_names_the_missing_noun_not_the_adverbs(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("supplier count nowadays", catalog, values)
    assert reply.tile is None
    assert "\u201csupplier\u201d" in reply.answer and "nowadays" not in reply.answer, reply.answer


@pytest.mark.parametrize(
    "then",
    ["swap category for region", "replace category with region",
     "change the breakdown to region"],
)
def test_swap_one_grouping_for_another(then: str, catalog: Catalog, values: Values) -> None:
    reply = _after("units sold per category in 2024", then, catalog, values)
    spec = spec_of(reply)
    assert spec["dimensions"] == [{"column": "sales_region"}], spec
    assert reply.follow_up is True and spec["filters"], spec  # the period stays


def test_replace_one_period_with_another(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_after("units sold per category in 2024", "replace 2024 with 2022",
                          catalog, values))
    assert _dates(spec) == ["2022-01-01", "2022-12-31"], spec


def test_drop_the_date_filter(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_after("hires per department in 2023", "clear the date range",
                          catalog, values))
    assert not spec.get("filters"), spec
    assert spec["dimensions"] == [{"column": "department"}], spec


def test_money_slang_is_revenue_unless_after_a_number(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("cash by category in 2023", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
    spec = spec_of(ask("products above 5 million bucks in revenue", catalog, values))
    assert spec["having"][0]["value"] == 5_000_000, spec


def test_a_trailing_ranking_with_a_breakdown_stays_as_said(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("units by product, top 4", catalog, values))
    assert spec["dimensions"] == [{"column": "product"}] and spec["limit"] == 4, spec


def test_newbies_are_new_hires(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("newbies per office in 2024", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert _dates(spec) == ["2024-01-01", "2024-12-31"], spec


@pytest.mark.parametrize(
    "question",
    ["how much did we rake in during 2022", "what did we bank in 2022",
     "how much did we make in 2022", "how much did we pull in in 2022"],
)
def test_what_we_took_in_is_revenue(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
    assert _dates(spec) == ["2022-01-01", "2022-12-31"], spec


def test_what_we_make_is_not_revenue_when_things_are_counted(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("how many products do we make", catalog, values))
    assert spec["measures"][0]["agg"] in ("count", "count_distinct"), spec


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("units sold over the past fortnight", "2025-11-07", "2025-11-20"),
        ("hires in the previous full quarter", "2025-07-01", "2025-09-30"),
        ("units sold this quarter last year", "2024-10-01", "2024-12-31"),
        ("hires 4 months back", "2025-07-01", "2025-07-31"),
        ("units sold a couple of months ago", "2025-09-01", "2025-09-30"),
    ],
)
def test_more_periods_counted_back(
    question: str, start: str, end: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert _dates(spec_of(reply)) == [start, end]
    assert any("read as" in a for a in reply.assumptions), reply.assumptions


@pytest.mark.parametrize("then", ["roll it up by year", "aggregate them per year",
                                  "roll up to years"])
def test_grouping_verbs_change_the_grain(then: str, catalog: Catalog, values: Values) -> None:
    reply = _after("units sold by quarter since 2023", then, catalog, values)
    assert spec_of(reply)["dimensions"] == [{"column": "sale_date", "grain": "year"}]
    assert reply.follow_up is True
