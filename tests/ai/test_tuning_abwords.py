"""The built-in engine on general word rules found while tuning on blind batch ab (issue 12):
money slang ("dosh", "bread", "rake in", "sales money"), a texter's asides ("no cap", "fr",
"ngl", "lowkey", "chur"), "em" for "them" (never a value's initials), people said loosely
("guys"), "what slice", "the GOAT", "cracked", "trim it down", "bung them into buckets", a
relation explained as so many for each one (a ratio), "Thinking of ...", "came onto the
books", "a handful, like N or fewer", "running on N staff", "who's running things", "flopped
... zero sales", "going by X, not the money", a product said by its last word ("mouse
sales"), a prefix before an unknown noun ("soft toys"), and a purchase or cost price refused.

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data (today is 2025-11-20)."""

from __future__ import annotations

import time

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of


def _measures(spec: dict) -> list[tuple[str | None, str | None]]:
    return [(m.get("agg"), m.get("column")) for m in spec.get("measures", [])]


# -- "em" is "them" ------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "units by category so i can compare em",
    "give em the average salary by department",
])
def test_em_is_them_not_a_title(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert not [f for f in filters_of(spec) if "job_title" in f[0]], spec


def test_of_em_is_of_them(catalog: Catalog, values: Values) -> None:
    before = ask("average salary per office", catalog, values)
    reply = ask("now just the bottom 3 of em", catalog, values, previous=before.tile)
    spec = spec_of(reply)
    assert spec.get("limit") == 3 and not filters_of(spec), spec
    assert not reply.unused, reply.unused


# -- Money slang ---------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "how much dosh came from Software in 2023",
    "the bread Software made in 2023",
    "how much has Software been raking in during 2023",
])
def test_money_slang_is_revenue(catalog: Catalog, values: Values, question: str) -> None:
    reply = ask(question, catalog, values)
    assert not reply.unused, reply.unused
    spec = spec_of(reply)
    assert _measures(spec) == [("sum", "amount")], spec
    assert ("category", "eq", "Software") in filters_of(spec), spec


def test_raked_in_ranks_by_revenue(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which product raked in the most in 2023", catalog, values))
    assert _measures(spec) == [("sum", "amount")], spec
    assert dims_of(spec) == ["product"], spec


def test_sales_money_is_revenue_not_a_breakdown(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("top 5 reps by sales money in 2023", catalog, values))
    assert dims_of(spec) == ["employees.full_name"], spec
    assert spec.get("limit") == 5, spec


# -- A texter's asides ---------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "average salary per department no cap",
    "ngl average salary per department",
    "lowkey, average salary per department",
    "average salary per department fr, thanks",
    "average salary per department, chur",
    "average salary per department, is possible?",
])
def test_asides_are_left_out(catalog: Catalog, values: Values, question: str) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == ["department"], spec
    assert _measures(spec) == [("avg", "salary")], spec
    assert not reply.unused, reply.unused


def test_fr_inside_a_clause_is_not_dropped(catalog: Catalog, values: Values) -> None:
    # "fr" may be "from" here: not read as an aside (then the question is not answered).
    reply = ask("units fr Berlin reps", catalog, values)
    assert reply.tile is None or "fr" in " ".join(reply.unused), reply.answer


def test_the_rest_not_after_a_filter(catalog: Catalog, values: Values) -> None:
    before = ask("units by month in 2023", catalog, values)
    spec = spec_of(ask("now only Hardware, the others not", catalog, values,
                       previous=before.tile))
    assert ("category", "eq", "Hardware") in filters_of(spec), spec


# -- People and shares said loosely --------------------------------------------------------


def test_guys_are_people(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many guys work in Berlin", catalog, values))
    assert spec["table"] == "employees", spec
    assert ("location", "eq", "Berlin") in filters_of(spec), spec


def test_what_slice_is_a_share(catalog: Catalog, values: Values) -> None:
    reply = ask("what slice works in Finance, out of all our people", catalog, values)
    assert not reply.unused, reply.unused
    spec = spec_of(reply)
    assert "count_if(department = 'Finance')" in spec["measures"][0].get("expr", ""), spec


def test_the_goat_is_the_top(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("goat product per category by units in 2023", catalog, values))
    assert spec.get("limit") == 1 and spec.get("limit_per") == "category", spec


def test_cracked_is_went_past(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which products cracked 20 million in revenue in 2023", catalog, values))
    assert having_of(spec) == [("sum_amount", "gt", 20_000_000)], spec


# -- Verbs of shaping the answer -----------------------------------------------------------


def test_whittle_it_down_is_a_limit(catalog: Catalog, values: Values) -> None:
    before = ask("average salary by job title", catalog, values)
    spec = spec_of(ask("ok whittle that down, just the best 4", catalog, values,
                       previous=before.tile))
    assert spec.get("limit") == 4, spec


def test_chuck_into_brackets_is_a_distribution(catalog: Catalog, values: Values) -> None:
    reply = ask("chuck the salaries into brackets", catalog, values)
    assert not reply.unused, reply.unused
    spec = spec_of(reply)
    assert spec["dimensions"][0]["column"] == "salary" and "bin" in spec["dimensions"][0], spec


def test_a_relation_explained_per_one_is_a_ratio(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(
        "What's the relationship between the remote staff and those in the office? "
        "I mean how many remote for each one in the office.", catalog, values))
    assert spec["measures"][0].get("name") == "ratio", spec


def test_a_relation_alone_is_not_a_ratio(catalog: Catalog, values: Values) -> None:
    reply = ask("the relationship between remote staff and office staff", catalog, values)
    assert reply.tile is None or spec_of(reply)["measures"][0].get("name") != "ratio"


def test_thinking_of_a_period_opens_the_question(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Thinking of March 2024 - how many people joined?", catalog, values))
    assert ("hire_date", "between", ["2024-03-01", "2024-03-31"]) in filters_of(spec), spec


def test_went_on_the_payroll_is_hired(catalog: Catalog, values: Values) -> None:
    reply = ask("how many people came onto the books in 2022", catalog, values)
    assert not reply.unused, reply.unused
    spec = spec_of(reply)
    assert ("hire_date", "between", ["2022-01-01", "2022-12-31"]) in filters_of(spec), spec


def test_a_handful_with_its_bound(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which offices have just a handful of people, like 40 or fewer",
                       catalog, values))
    assert having_of(spec) == [("count", "lte", 40)], spec


def test_running_on_staff_is_with(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which job titles are running on fewer than 8 people", catalog, values))
    assert dims_of(spec) == ["job_title"], spec
    assert having_of(spec) == [("count", "lt", 8)], spec


def test_whos_running_things_is_an_aside(catalog: Catalog, values: Values) -> None:
    reply = ask("list the directors, the ones who are running the show", catalog, values)
    assert spec_of(reply)["table"] == "employees", reply.answer
    assert not reply.unused, reply.unused


def test_flopped_with_zero_sales_is_none_sold(catalog: Catalog, values: Values) -> None:
    reply = ask("which categories bombed last Tuesday, like zero orders", catalog, values)
    assert not reply.unused, reply.unused
    spec = spec_of(reply)
    assert having_of(spec)[0][1:] == ("eq", 0), spec


def test_flopped_alone_is_not_none_sold(catalog: Catalog, values: Values) -> None:
    reply = ask("which categories bombed last Tuesday", catalog, values)
    assert reply.tile is None or not having_of(spec_of(reply)), reply.answer


def test_going_by_a_count_not_the_money(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("best product per category in 2023, going by units, not the revenue",
                       catalog, values))
    assert _measures(spec) == [("sum", "quantity")], spec


# -- Products said by one word -------------------------------------------------------------


@pytest.mark.parametrize(("question", "product"), [
    ("mouse sales by month in 2023", "Wireless Mouse"),
    ("how many warrenty sales last year", "Extended Warranty"),
    ("units of docks sold in 2023", "USB-C Dock"),
])
def test_a_product_by_its_last_word(
    catalog: Catalog, values: Values, question: str, product: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("product", "eq", product) in filters_of(spec), spec


def test_a_generic_last_word_is_not_a_product(catalog: Catalog, values: Values) -> None:
    assert ask("plan sales in 2023", catalog, values).tile is None


def test_a_prefix_before_an_unknown_noun_is_not_a_value(catalog: Catalog, values: Values) -> None:
    assert ask("how many soft toys did Berlin sell last year", catalog, values).tile is None


# -- Refused -------------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "what was the supplier price of the Wireless Mouse in 2023",
    "the purchase cost of our monitors last year",
    "total cost price of laptops sold last year",
    "average buying price per product",
])
def test_what_a_product_cost_us_is_refused(
    catalog: Catalog, values: Values, question: str
) -> None:
    assert ask(question, catalog, values).tile is None


# -- Hostile input -------------------------------------------------------------------------

#: A piece of each rule added for batch ab's words, to find it among `casual`'s rules.
_NEW_RULES = ("relation(?:ship)", "handful of", "flopped|", "chuck|bung", "calling the shots",
              "possible(?=", "the rest|the others", "no cap|fr fr", "onto|on to",
              "going|go|judging", "(?:running|run|runs|ran) on", "thinking|talking",
              "like (?=(?:zero", "(?:out of|outta)")
_HOSTILE = ("relation between " * 2000 + "for each one", "going by " * 2000 + ", not the money",
            "flopped " * 2000 + "zero sales", "a handful of " * 2000 + "like 5 or fewer",
            " " * 5000 + "no cap", " ," * 3000, "fr\x00 \ud800 " * 1000,
            "chuck them into " * 2000, "who's running " * 2000, "running on " * 2000,
            "came onto " * 2000 + "the books", "thinking of " * 2000, "like zero " * 2000)


@pytest.mark.parametrize("marker", _NEW_RULES)
def test_new_rules_are_quick_on_hostile_input(marker: str) -> None:
    from plotboard.ai.builtin import casual

    rules = [(p, r) for p, r in casual._RULES if marker in p.pattern]
    assert rules, marker
    for pattern, plain in rules:
        for text in _HOSTILE:
            start = time.perf_counter()
            pattern.sub(plain, text)
            assert time.perf_counter() - start < 1.0, (marker, text[:20])


@pytest.mark.parametrize("text", [t[:1000] for t in _HOSTILE])
def test_hostile_questions_are_answered_quickly(
    catalog: Catalog, values: Values, text: str
) -> None:
    start = time.perf_counter()
    ask(text, catalog, values)
    assert time.perf_counter() - start < 3.0, text[:20]
