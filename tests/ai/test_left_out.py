"""Words left out of a short question (issue 12 item 3): a verb or participle that says how
to ask, not what, is left out and the answer says so; a noun at the head of what is asked
keeps the question refused. And "rather than X" / "instead of X" swaps X out."""

from __future__ import annotations

import datetime as dt

from plotboard.ai.builtin import answer
from plotboard.ai.builtin.text import left_out
from plotboard.catalog.model import Catalog

TODAY = dt.date(2025, 7, 15)
Values = dict[tuple[str, str], list[str]]


def _query(reply: object) -> dict[str, object]:
    tile = reply.tile  # type: ignore[attr-defined]
    assert tile is not None, reply.answer  # type: ignore[attr-defined]
    return tile.query.model_dump(exclude_defaults=True, mode="json")  # type: ignore[no-any-return]


def test_which_words_may_be_left_out() -> None:
    assert left_out(("rearrange", "it"), 0)
    assert left_out(("sales", "recorded", "in"), 1)  # a participle after a noun
    assert not left_out(("staff", "were", "promoted"), 2)  # after "were": a filter asked
    assert not left_out(("average", "commute", "time"), 1)  # a noun
    assert not left_out(("the", "shipping", "cost"), 1)  # after a stopword: a modifier
    assert not left_out(("orders", "refunded", "in"), 1)  # a state of the rows: a filter
    assert not left_out(("from", "other", "regions"), 1)  # "other" restricts what follows


def test_a_participle_after_the_rows_is_left_out_and_said(
    catalog: Catalog, values: Values
) -> None:
    reply = answer("count of sales recorded in the North during 2024", catalog, values,
                   today=TODAY)
    query = _query(reply)
    assert query["measures"] == [{"agg": "count"}]
    assert {"column": "sales_region", "op": "eq", "value": "North"} in query["filters"]
    assert reply.unused == ("recorded",)
    assert "I did not use \u201crecorded\u201d" in reply.assumptions


def test_a_noun_at_the_head_of_the_question_is_still_refused(
    catalog: Catalog, values: Values
) -> None:
    for question in ("average commute time by office", "how many sick days did Sales take",
                     "average employee age per department"):
        reply = answer(question, catalog, values, today=TODAY)
        assert reply.tile is None, question
        assert reply.suggestions


def test_follow_up_verbs_refine_the_last_chart(catalog: Catalog, values: Values) -> None:
    first = answer("average salary per location", catalog, values, today=TODAY)
    assert first.tile is not None
    narrowed = answer("restrict it to the top 2", catalog, values, previous=first.tile,
                      today=TODAY)
    assert narrowed.follow_up is True
    assert _query(narrowed)["limit"] == 2
    assert narrowed.unused == ("restrict",)
    trimmed = answer("trim it down to the best 4", catalog, values, previous=first.tile,
                     today=TODAY)
    assert _query(trimmed)["limit"] == 4
    kept = answer("keep only Paris and Tokyo", catalog, values, previous=first.tile,
                  today=TODAY)
    assert kept.follow_up is True
    assert {"column": "location", "op": "in", "value": ["Paris", "Tokyo"]} in _query(kept)[
        "filters"
    ]
    flipped = answer("could you flip it to a pie", catalog, values, previous=first.tile,
                     today=TODAY)
    assert flipped.tile is not None and flipped.tile.chart_type == "pie"
    assert _query(flipped)["dimensions"] == [{"column": "location"}]


def test_rather_than_swaps_the_measure(catalog: Catalog, values: Values) -> None:
    first = answer("revenue per category in 2024", catalog, values, today=TODAY)
    assert first.tile is not None
    swapped = answer("units sold instead of revenue please", catalog, values,
                     previous=first.tile, today=TODAY)
    query = _query(swapped)
    assert swapped.follow_up is True
    assert query["measures"] == [{"agg": "sum", "column": "quantity"}]
    assert query["dimensions"] == [{"column": "category"}]
    assert query["filters"] == [
        {"column": "sale_date", "op": "between", "value": ["2024-01-01", "2024-12-31"]}
    ]


def test_a_breakdown_is_subject_enough_to_leave_a_verb_out(
    catalog: Catalog, values: Values
) -> None:
    reply = answer("offices where more than 150 people sit per office", catalog, values,
                   today=TODAY)
    assert reply.tile is not None  # "sit" is a stopword: the reading without any unknown word
    ranked = answer("the 3 best-performing categories in 2024", catalog, values, today=TODAY)
    query = _query(ranked)
    assert query["dimensions"] == [{"column": "category"}] and query["limit"] == 3
    assert ranked.unused == ("performing",)


def test_empty_fields_said_in_other_words(catalog: Catalog, values: Values) -> None:
    is_null = {"column": "manager_id", "op": "is_null"}
    for question in ("how many people lacking a manager in Finance",
                     "count of Finance staff who lack a manager",
                     "managerless people in Finance, how many",
                     "how many in Finance are reporting to nobody"):
        query = _query(answer(question, catalog, values, today=TODAY))
        assert is_null in query["filters"], question
        assert {"column": "department", "op": "eq", "value": "Finance"} in query["filters"]
        assert query["measures"] == [{"agg": "count"}], question
    counted = _query(answer("headcount of staff who have a manager, by office", catalog,
                            values, today=TODAY))
    assert counted["measures"] == [{"agg": "count"}] and "select" not in counted
    assert {"column": "manager_id", "op": "is_not_null"} in counted["filters"]


def test_more_slang(catalog: Catalog, values: Values) -> None:
    services = _query(answer("$$ in svcs by quarter of 2024", catalog, values, today=TODAY))
    assert services["measures"] == [{"agg": "sum", "column": "amount"}]
    assert {"column": "category", "op": "eq", "value": "Services"} in services["filters"]
    aov = _query(answer("aov per region", catalog, values, today=TODAY))
    assert aov["measures"] == [{"agg": "avg", "column": "amount"}]
    stars = _query(answer("3-star people by department", catalog, values, today=TODAY))
    assert {"column": "performance_rating", "op": "eq", "value": 3} in stars["filters"]
    team = _query(answer("what is the size of the Finance department", catalog, values,
                         today=TODAY))
    assert team["measures"] == [{"agg": "count"}]
    assert team["filters"] == [{"column": "department", "op": "eq", "value": "Finance"}]
    money = _query(answer("sales above $1,000 by category", catalog, values, today=TODAY))
    assert {"column": "amount", "op": "gt", "value": 1000} in money["filters"]
    averages = _query(answer("rating averages per office", catalog, values, today=TODAY))
    assert averages["measures"] == [{"agg": "avg", "column": "performance_rating"}]


def test_a_span_after_for_or_in_is_a_range(catalog: Catalog, values: Values) -> None:
    query = _query(answer("units for February through April 2024", catalog, values,
                          today=TODAY))
    assert query["filters"] == [
        {"column": "sale_date", "op": "between", "value": ["2024-02-01", "2024-04-30"]}
    ]
    both = _query(answer("units in 2023 and 2024", catalog, values, today=TODAY))
    assert ["2023-01-01", "2023-12-31"] not in [f.get("value") for f in both.get("filters", [])]


def test_new_alone_is_not_new_york(catalog: Catalog, values: Values) -> None:
    reply = answer("Hey, I'm new with the ops group and joined this week. How many employees "
                   "work in Tokyo?", catalog, values, today=TODAY)
    assert _query(reply)["filters"] == [{"column": "location", "op": "eq", "value": "Tokyo"}]
    named = _query(answer("headcount in New York", catalog, values, today=TODAY))
    assert named["filters"] == [{"column": "location", "op": "eq", "value": "New York"}]


def test_where_we_have_closing_a_breakdown_asks_nothing_more(
    catalog: Catalog, values: Values
) -> None:
    reply = answer("total payroll per country where there are offices", catalog, values,
                   today=TODAY)
    query = _query(reply)
    assert query["dimensions"] == [{"column": "country"}]
    assert any("where there are offices" in a for a in reply.assumptions)
    # Without a breakdown the clause is a filter of its own: it stays.
    kept = _query(answer("employees that have a manager", catalog, values, today=TODAY))
    assert {"column": "manager_id", "op": "is_not_null"} in kept["filters"]


def test_more_courtesy_is_dropped(catalog: Catalog, values: Values) -> None:
    reply = answer("I'd be really grateful if you could show me headcount by office. I'm "
                   "putting the board pack together and would appreciate it. Kind regards",
                   catalog, values, today=TODAY)
    assert _query(reply)["dimensions"] == [{"column": "location"}]
    assert reply.unused == ()


def test_ratings_said_as_scores(catalog: Catalog, values: Values) -> None:
    five = {"column": "performance_rating", "op": "eq", "value": 4}
    for question in ("number of Finance staff who received a 4 rating",
                     "how many people scored 4 in their reviews"):
        query = _query(answer(question, catalog, values, today=TODAY))
        assert five in query["filters"], question
        assert query["measures"] == [{"agg": "count"}], question


def test_hiring_volume_and_periods_said_in_passing(catalog: Catalog, values: Values) -> None:
    hires = _query(answer("hire volume by quarter", catalog, values, today=TODAY))
    assert hires["table"] == "employees" and hires["measures"] == [{"agg": "count"}]
    week = _query(answer("units sold this week so far", catalog, values, today=TODAY))
    assert week["filters"] == [
        {"column": "sale_date", "op": "between", "value": ["2025-07-14", "2025-07-15"]}
    ]
    ended = _query(answer("revenue by category for the month that just ended", catalog,
                          values, today=TODAY))
    assert ended["filters"] == [
        {"column": "sale_date", "op": "between", "value": ["2025-06-01", "2025-06-30"]}
    ]


def test_a_verb_past_is_no_typo_of_a_noun(catalog: Catalog, values: Values) -> None:
    reply = answer("sales placed in 2024 by category", catalog, values, today=TODAY)
    query = _query(reply)
    assert query["dimensions"] == [{"column": "category"}]  # not a location ("place")
    assert reply.unused == ("placed",)


def test_a_state_the_data_lacks_is_refused_even_politely(
    catalog: Catalog, values: Values
) -> None:
    for question in ("Hello, could you tell me how many sales were refunded in Q1 2025? "
                     "Many thanks", "count of orders that got returned"):
        reply = answer(question, catalog, values, today=TODAY)
        assert reply.tile is None, question
        assert "couldn't find" in reply.answer


def test_taking_values_out_of_the_last_chart(catalog: Catalog, values: Values) -> None:
    first = answer("headcount per department", catalog, values, today=TODAY)
    assert first.tile is not None
    for question in ("take out Finance", "remove Finance please", "hide Finance"):
        reply = answer(question, catalog, values, previous=first.tile, today=TODAY)
        query = _query(reply)
        assert reply.follow_up is True, question
        assert query["filters"] == [
            {"column": "department", "op": "neq", "value": "Finance"}
        ], question
    ordered = answer("order them from low to high", catalog, values, previous=first.tile,
                     today=TODAY)
    query = _query(ordered)
    assert query["measures"] == [{"agg": "count"}]  # "order" is no count of orders here
    assert query["order_by"] == [{"by": "count"}]


def test_a_verb_right_before_a_value_is_kept_only_when_it_keeps(
    catalog: Catalog, values: Values
) -> None:
    first = answer("headcount per department", catalog, values, today=TODAY)
    assert first.tile is not None
    kept = answer("keep Finance and HR", catalog, values, previous=first.tile, today=TODAY)
    assert {"column": "department", "op": "in", "value": ["Finance", "HR"]} in _query(kept)[
        "filters"
    ]
    for question in ("swap Finance", "move HR"):  # kept or taken out? Not guessed.
        reply = answer(question, catalog, values, previous=first.tile, today=TODAY)
        assert reply.tile is None, question
    omitted = answer("omit Finance", catalog, values, previous=first.tile, today=TODAY)
    assert _query(omitted)["filters"] == [
        {"column": "department", "op": "neq", "value": "Finance"}
    ]
