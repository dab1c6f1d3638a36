"""The built-in engine on long, polite or chatty messages (issue 12, item 2: "polite or long
messages reduced to their question"), after blind batch p: a message is cut into sentences and
clauses, and what only talks around the question (greetings, thanks, apologies, wishes, the
asker about themselves, their calendar) is dropped before any word is matched against the
data, so "have a great day" is no breakdown by day and "next week's board meeting" none by
week; the answer does not list those words as unused, but still says when a word that asks
for something was not used. Also: "Q3 this year", "the third quarter of last year"; a team
named before a colon in front of a whole question said for the company ("HR: how has our
headcount ...") is who asks, with the other reading one click away; an occasion before a
colon ("pipeline review:") is what the question is for.

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote, on the demo data (today is 2025-11-20)."""

from __future__ import annotations

from typing import Any

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of

#: Words of small talk that must never show up as a breakdown, a filter or an unused word.
_SMALL_TALK = {"day", "week", "weekend", "morning", "afternoon", "friday", "thursday", "great",
               "meeting", "call", "bug", "ton", "heaps", "love", "star", "lifesaver", "charts",
               "dashboards", "wizard", "company", "ages", "numbers", "yesterday", "ping"}


def _grains(spec: dict[str, Any]) -> list[str]:
    return [d["grain"] for d in spec.get("dimensions", []) if "grain" in d]


@pytest.mark.parametrize(
    ("question", "measure", "dims", "filters"),
    [
        (
            "Morning! I run the finance side of things but I'm no spreadsheet wizard. Can you"
            " show me revenue for each year? Cheers, it saves me a lot of time.",
            ("sum", "amount"), ["sale_date"], [],
        ),
        (
            "Hello! Before Thursday's leadership call, I'd love a breakdown of headcount by"
            " department. Best, Sam",
            ("count", None), ["department"], [],
        ),
        (
            "Hey, apologies for the late ping - what did the North region sell last month?"
            " Thanks heaps!",
            ("sum", "amount"), [],
            [("sales_region", "eq", "North"), ("sale_date", "between",
                                               ["2025-10-01", "2025-10-31"])],
        ),
        (
            "Dear assistant, I hope you're having a lovely week. Could you kindly give me the"
            " average salary in each country? With warm regards, Priya",
            ("avg", "salary"), ["country"], [],
        ),
        (
            "Quick one, sorry to pester you again: how many people work remotely?? \U0001f64f",
            ("count", None), [], [("is_remote", "eq", True)],
        ),
        (
            "I've been with the company for ages and I'm still terrible with charts. What was"
            " total revenue in 2024? Thank you, you're a star!",
            ("sum", "amount"), [], [("sale_date", "between", ["2024-01-01", "2024-12-31"])],
        ),
        (
            "Hi there, hope you had a great weekend! Can you tell me how many offices we have"
            " in APAC? Have a good day :)",
            ("count", None), [], [("region", "eq", "APAC")],
        ),
        (
            "Thanks so much for yesterday's numbers! Now, could you show me orders per region"
            " for 2023?",
            ("count", None), ["sales_region"],
            [("sale_date", "between", ["2023-01-01", "2023-12-31"])],
        ),
        (
            "Hey there, sorry to bug you on a Friday afternoon - which 3 products sold the most"
            " units in 2024? You're a lifesaver, thanks!",
            ("sum", "quantity"), ["product"],
            [("sale_date", "between", ["2024-01-01", "2024-12-31"])],
        ),
        (
            "Good evening - not urgent at all, but how much did Software bring in during March"
            " of this year? It would really help me out.",
            ("sum", "amount"), [],
            [("category", "eq", "Software"), ("sale_date", "between",
                                              ["2025-03-01", "2025-03-31"])],
        ),
        (
            "hiya!! sorry to be a pain but could you count our remote staff in Toronto? ta",
            ("count", None), [], [("location", "eq", "Toronto"), ("is_remote", "eq", True)],
        ),
        (
            "Good afternoon. Ahead of tomorrow's quarterly all-hands, I would appreciate the"
            " average salary per department. Kind regards, Harriet",
            ("avg", "salary"), ["department"], [],
        ),
    ],
)
def test_small_talk_is_never_read(
    question: str, measure: tuple[str, str | None], dims: list[str],
    filters: list[tuple[str, str, Any]], catalog: Catalog, values: Values,
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    first = spec["measures"][0]
    assert (first.get("agg"), first.get("column")) == measure, spec
    assert [d.split(".")[-1] for d in dims_of(spec)] == dims, spec
    assert sorted(filters_of(spec), key=str) == sorted(filters, key=str), spec
    said = {w.lower() for phrase in reply.unused for w in phrase.split()}
    assert not said & _SMALL_TALK, reply.unused


@pytest.mark.parametrize(
    ("question", "grain"),
    [
        ("Hi team! Whenever you have a minute, would you be kind enough to plot orders per week"
         " in 2024? Enjoy your weekend!", "week"),
        ("Hello! When you get a chance, could you chart our monthly revenue for 2023? Have a"
         " wonderful day!", "month"),
        ("Ahead of next week's review call, could you please show me hires per quarter in"
         " 2024? Thanks a bunch", "quarter"),
    ],
)
def test_a_wish_or_a_calendar_is_no_breakdown(
    question: str, grain: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert _grains(spec_of(reply)) == [grain], spec_of(reply)
    assert not reply.unused, reply.unused


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("units sold per category in the second quarter of this year",
         ["2025-04-01", "2025-06-30"]),
        ("revenue in q1 this year?? \U0001f64f", ["2025-01-01", "2025-03-31"]),
        ("Hello, I would like to see revenue by month for the third quarter of last year."
         " Thank you.", ["2024-07-01", "2024-09-30"]),
        ("hires in march of last year", ["2024-03-01", "2024-03-31"]),
        ("orders in Q4 of the previous year", ["2024-10-01", "2024-12-31"]),
    ],
)
def test_a_quarter_or_month_of_this_or_last_year(
    question: str, period: list[str], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    dates = [f for f in filters_of(spec) if f[0] in ("sale_date", "hire_date")]
    assert dates and all(f[1:] == ("between", period) for f in dates), spec


def test_all_caps_with_courtesy(catalog: Catalog, values: Values) -> None:
    reply = ask("HELLO!! CAN YOU SHOW ME THE HEADCOUNT BY COUNTRY PLEASE?? THANKS", catalog,
                values)
    spec = spec_of(reply)
    assert dims_of(spec) == ["country"] and not filters_of(spec), spec
    assert not reply.unused


def test_a_word_that_asks_is_still_said_when_not_used(catalog: Catalog, values: Values) -> None:
    # Courtesy around it is dropped, but "warehouse" asks for something the data lacks.
    reply = ask("Hi! Could you show me revenue by warehouse for 2024? Thank you so much!",
                catalog, values)
    assert reply.tile is None and "warehouse" in reply.answer, reply.answer
    reply = ask("Hello, hope all is well. Could you list the sales in 2024 that were refunded?"
                " Many thanks, Ola", catalog, values)
    assert reply.tile is None and "refunded" in reply.answer, reply.answer


def test_a_name_in_a_sentence_about_the_asker_is_kept(catalog: Catalog, values: Values) -> None:
    # "I work in the Paris office." names the rows asked about: not dropped as small talk.
    spec = spec_of(ask("I work in the Paris office. How many people are remote here?",
                       catalog, values))
    assert ("location", "eq", "Paris") in filters_of(spec), spec


def test_a_team_before_a_question_for_the_company_is_who_asks(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("HR: how many people have we hired since 2022?", catalog, values)
    spec = spec_of(reply)
    assert filters_of(spec) == [("hire_date", "gte", "2022-01-01")], spec
    assert "\u201cHR\u201d read as who is asking, not as a filter" in reply.assumptions
    other = reply.alternatives[0]
    assert other["label"] == "Only HR", reply.alternatives
    spec = spec_of(ask(str(other["question"]), catalog, values))
    assert ("department", "eq", "HR") in filters_of(spec), spec


@pytest.mark.parametrize(
    "question",
    [
        "Finance: headcount by office",  # no question: the rows asked about
        "finance dept: how many people do we have there?",  # "dept" names the rows
        "Finance: how many people were hired in 2023?",  # not said for the company
    ],
)
def test_a_team_label_that_names_the_rows_is_a_filter(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("department", "eq", "Finance") in filters_of(spec), spec


def test_an_occasion_before_the_question(catalog: Catalog, values: Values) -> None:
    reply = ask("forecast review: which 5 products brought in the most revenue in 2024?",
                catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == ["product"] and spec["limit"] == 5, spec
    assert any("forecast review" in a for a in reply.assumptions), reply.assumptions
    # A period or a value in the label is part of the question.
    spec = spec_of(ask("Q2 review: which 5 products brought in the most revenue?", catalog,
                       values))
    assert ("sale_date", "between", ["2025-04-01", "2025-06-30"]) in filters_of(spec), spec


@pytest.mark.parametrize(
    ("question", "dims", "filters"),
    [
        (
            # A rambling story first, the ask later: the story is never read.
            "Ugh, what a week. I spent the whole morning in a budget review where nobody agreed"
            " on anything and my train home got cancelled. Anyway, what I need is the number of"
            " orders per category in March 2025. If you could put that on a chart that would be"
            " wonderful, and then I can finally log off. Thanks!",
            ["category"], [("sale_date", "between", ["2025-03-01", "2025-03-31"])],
        ),
        (
            # "Some background:" introduces context, whatever it says (a manager, a slide).
            "Hey! Some background: my director wants a slide with names for the offsite and the"
            " old report is broken. The one thing I really need is the three best paid people in"
            " each department. If there's a tie, any order is fine. Cheers, you're saving my day.",
            ["department"], [],
        ),
    ],
)
def test_a_story_around_the_ask_is_dropped(
    question: str, dims: list[str], filters: list[tuple[str, str, Any]], catalog: Catalog,
    values: Values,
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec)[: len(dims)] == dims, spec
    assert filters_of(spec) == filters, spec
    said = {w.lower() for phrase in reply.unused for w in phrase.split()}
    assert not said & {"train", "cancelled", "budget", "review", "slide", "broken", "names",
                       "director", "manager", "tie", "wonderful", "log"}, reply.unused


def test_a_story_sentence_naming_a_value_is_kept(catalog: Catalog, values: Values) -> None:
    # A sentence about the asker that names a value ("Sydney") may be the question's subject.
    spec = spec_of(ask("We just opened a bigger floor in Sydney. How many people work there?",
                       catalog, values))
    assert ("location", "eq", "Sydney") in filters_of(spec), spec


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("which 4 categories had the most orders in 2024?", ("count", None)),
        ("which regions have the most sales?", ("count", None)),
        ("which 2 offices have the most employees?", ("count", None)),
    ],
)
def test_which_things_have_the_most_rows(
    question: str, measure: tuple[str, str | None], catalog: Catalog, values: Values
) -> None:
    # As "the 4 categories with the most orders": a count of those rows, not revenue.
    first = spec_of(ask(question, catalog, values))["measures"][0]
    assert (first.get("agg"), first.get("column")) == measure, first


def test_request_verbs_and_fillers_are_not_data(catalog: Catalog, values: Values) -> None:
    # "analyse" is no analyst, "in the office of X" is at that office (not "not remote"),
    # "if so" and "is it true that" frame the ask.
    spec = spec_of(ask("Could you analyse the average salary per department in Tokyo?",
                       catalog, values))
    assert filters_of(spec) == [("location", "eq", "Tokyo")], spec
    spec = spec_of(ask("how many people work in the office of Mumbai, please?", catalog, values))
    assert filters_of(spec) == [("location", "eq", "Mumbai")], spec
    spec = spec_of(ask("do we have any Data Analysts in Singapore? if so, how many?", catalog,
                       values))
    assert ("location", "eq", "Singapore") in filters_of(spec), spec
    reply = ask("is it true that Support has more than 200 people?", catalog, values)
    assert "true" not in {w.lower() for w in reply.unused}, reply.unused


def test_my_team_before_a_colon_names_the_rows(catalog: Catalog, values: Values) -> None:
    # "my ... team:" is no story about the asker: the rows asked about.
    spec = spec_of(ask("my marketing team: average salary at every office", catalog, values))
    assert filters_of(spec) == [("department", "eq", "Marketing")], spec


@pytest.mark.parametrize(
    "question",
    [
        "how many people work in London or Paris?\n-- Ben",
        "how many people work in London or Paris? ~Ben",
        "how many people work in London or Paris? - Ben Carter",
        "URGENT!!! how many people work in London or Paris",
        "how many people work in London or Paris?\n\nCheers,\nBen Carter\nPeople Partner",
    ],
)
def test_a_name_signed_under_or_a_shout_before(
    question: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert [f[0] for f in filters_of(spec)] == ["location"], spec
    assert not reply.unused, reply.unused


def test_a_value_after_a_dash_is_still_a_filter(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("headcount by department - Berlin", catalog, values))
    assert filters_of(spec) == [("location", "eq", "Berlin")], spec


def test_a_parenthesis_that_restates_is_a_gloss(catalog: Catalog, values: Values) -> None:
    # "(the ... titles)" restates the value in words of its column: still a list of people.
    spec = spec_of(ask("Hello! Could you list our directors (the Director ... job titles) for"
                       " the org chart? Thanks, Kim", catalog, values))
    assert "select" in spec and not dims_of(spec), spec
    assert [f[0] for f in filters_of(spec)] == ["job_title"], spec
    # One that adds something stays: the running total.
    spec = spec_of(ask("hires by year of hiring (cumulative)", catalog, values))
    assert spec["measures"][0].get("cumulative") is True, spec


def test_a_team_label_read_as_a_filter_says_so(catalog: Catalog, values: Values) -> None:
    reply = ask("Finance: headcount by office", catalog, values)
    assert "\u201cFinance:\u201d read as the rows asked about, not as who is asking" in (
        reply.assumptions
    ), reply.assumptions
    assert {"label": "Not only Finance", "question": "headcount by office"} in reply.alternatives
