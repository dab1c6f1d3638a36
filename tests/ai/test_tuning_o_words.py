"""The built-in engine on what blind batch o showed about who asks and about words (issue
12): a self-introduction ("X here", "I'm the X", "as the X", "on behalf of X", "X:" with a
role, "from X:") is context, never a filter, and so are sign-offs and the lead-in of a
pasted question; a real English word is never repaired into a data value; the weather and
actions done to people ("email the top earners a note") are refused.

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote, on the demo data."""

from __future__ import annotations

from typing import Any

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of


def _columns(spec: dict[str, Any]) -> set[str]:
    return {f["column"].split(".")[-1] for f in spec.get("filters", [])}


@pytest.mark.parametrize(
    ("question", "who"),
    [
        (
            "finance analyst here on my laptop - number of orders per category in 2024",
            "finance analyst here on my laptop",
        ),
        ("CEO executive assistant: total revenue in Q2 2024", "CEO executive assistant"),
        ("on behalf of our CTO, what is the average salary per location?", "our CTO"),
        (
            "I'm the new HR coordinator, how many people were hired in 2023?",
            "the new HR coordinator",
        ),
        ("as the sales ops lead, I need revenue per region for 2023", "the sales ops lead"),
        ("from the CFO: units sold by month in 2024", "the CFO"),
    ],
)
def test_a_self_introduction_is_context(
    question: str, who: str, catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert not _columns(spec) & {"job_title", "department"}, spec
    said = f"\u201c{who}\u201d read as who is asking, not as a filter"
    assert said in reply.assumptions, reply.assumptions


def test_ops_said_as_who_asks(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("ops: how many orders in March 2024?", catalog, values))
    assert filters_of(spec) == [("sale_date", "between", ["2024-03-01", "2024-03-31"])], spec


@pytest.mark.parametrize(
    ("question", "column", "value"),
    [
        ("ops headcount by location", "department", "Operations"),
        ("the CFO's salary", "job_title", "Chief Financial Officer"),
        ("the finance team's headcount in Paris", "department", "Finance"),
    ],
)
def test_a_role_in_the_question_is_still_a_filter(
    question: str, column: str, value: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert (column, "eq", value) in [(c.split(".")[-1], o, v) for c, o, v in filters_of(spec)]


def test_a_signature_is_not_read(catalog: Catalog, values: Values) -> None:
    reply = ask(
        "Could you send me the headcount per country? Thanks a lot, Maria, Head of Finance",
        catalog,
        values,
    )
    spec = spec_of(reply)
    assert dims_of(spec) == ["country"] and not spec.get("filters"), spec


def test_not_knowing_the_column_names_is_no_breakdown(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "sorry, I don't know the field names: average salary for each department in Paris",
            catalog,
            values,
        )
    )
    assert dims_of(spec) == ["department"], spec


@pytest.mark.parametrize(
    "question",
    [
        'forwarding this from my manager: "how many people work in Tokyo by department?"',
        'Hello, quoting the chat below: > "how many people work in Tokyo by department" Best, Sam',
    ],
)
def test_a_pasted_question_is_the_question(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert dims_of(spec) == ["department"], spec
    assert filters_of(spec) == [("location", "eq", "Tokyo")], spec


@pytest.mark.parametrize(
    "question",
    [
        "will it be sunny in Paris tomorrow",
        "is it snowing in Berlin at the moment",
        "what is the temperature in Sydney",
    ],
)
def test_the_weather_is_refused(question: str, catalog: Catalog, values: Values) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None and reply.suggestions, spec_of(reply)


def test_a_real_word_is_no_typo_of_a_value(catalog: Catalog, values: Values) -> None:
    # "raining" is one letter from the product 'Training Day' but a word of its own.
    reply = ask("revenue from raining products", catalog, values)
    assert reply.tile is None or "Training Day" not in str(spec_of(reply)), spec_of(reply)


@pytest.mark.parametrize(
    "question",
    [
        "email the five best sellers of 2024 a congratulations message",
        "give everyone in Support a gift card",
        "book a meeting with the three newest hires",
        "send the Berlin office a reminder",
    ],
)
def test_actions_on_people_are_refused(question: str, catalog: Catalog, values: Values) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None and "only reads data" in reply.answer, reply.answer


def test_the_email_column_is_still_read(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("email addresses of the people in Mumbai", catalog, values))
    assert "email" in str(spec), spec


def _measure(spec: dict[str, Any]) -> tuple[str, str | None]:
    m = spec["measures"][0]
    return m.get("agg", ""), m.get("column")


@pytest.mark.parametrize(
    ("question", "agg", "column"),
    [
        ("software in dollars per quarter of 2024", "sum", "amount"),
        ("how many dollars did Paris reps bring in during 2023", "sum", "amount"),
        ("average ticket size per region in 2024", "avg", "amount"),
        ("avg basket per order in March 2025", "avg", "amount"),
        ("how much job titles are there in Marketing", "count_distinct", "job_title"),
    ],
)
def test_everyday_measure_words(
    question: str, agg: str, column: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _measure(spec) == (agg, column), spec


def test_well_paid_is_salary(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which department is the least well paid", catalog, values))
    assert _measure(spec) == ("avg", "salary") and dims_of(spec) == ["department"], spec
    assert spec["order_by"][0].get("desc") is not True, spec


def test_leaders_are_the_top(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units leaders in 2024: top 4 products", catalog, values))
    assert _measure(spec) == ("sum", "quantity") and spec.get("limit") == 4, spec
    assert dims_of(spec) == ["product"], spec


def test_better_than_on_reviews(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("departments averaging better than 3.1 on reviews", catalog, values))
    assert _measure(spec) == ("avg", "performance_rating"), spec
    assert spec.get("having") == [{"by": "avg_performance_rating", "op": "gt", "value": 3.1}]


def test_ranges_are_a_distribution(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("salaries in Tokyo bucketed into ranges", catalog, values))
    assert spec["dimensions"][0]["column"] == "salary" and "bin" in spec["dimensions"][0], spec


def test_one_point_per_month_is_monthly(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units sold in 2024, a single point per week", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "week"}], spec


def test_how_busy_counts(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how busy was March 2024 in terms of sales", catalog, values))
    assert _measure(spec) == ("count", None), spec
    assert ("sale_date", "between", ["2024-03-01", "2024-03-31"]) in filters_of(spec), spec


def test_up_and_running_is_opened(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("offices up and running before 2016", catalog, values))
    assert spec["table"] == "offices" and any(f[0] == "opened_on" for f in filters_of(spec)), spec


def test_a_combo_is_two_breakdowns(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("headcount for each department/country combination", catalog, values))
    assert dims_of(spec) == ["department", "country"], spec


def test_the_other_year_version(catalog: Catalog, values: Values) -> None:
    first = ask("hires by quarter in 2024", catalog, values)
    spec = spec_of(ask("and the 2022 version?", catalog, values, previous=first.tile))
    assert ("hire_date", "between", ["2022-01-01", "2022-12-31"]) in filters_of(spec), spec


@pytest.mark.parametrize(
    ("question", "limit"),
    [("the 3 biggest revenue days of 2023", 3), ("top 4 days by units sold in 2024", 4)],
)
def test_days_are_a_grain(question: str, limit: int, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "day"}], spec
    assert spec.get("limit") == limit, spec


def test_periods_in_a_year_when_we_passed_a_bar(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("weeks in 2023 when we sold more than 2500 units", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "week"}], spec
    assert spec.get("having") == [{"by": "sum_quantity", "op": "gt", "value": 2500}], spec
    assert ("sale_date", "between", ["2023-01-01", "2023-12-31"]) in filters_of(spec), spec


@pytest.mark.parametrize(
    ("question", "column", "value"),
    [
        ("remote staff in syd", "location", "Sydney"),
        ("headcount of the tor office by department", "location", "Toronto"),
    ],
)
def test_the_start_of_one_value(
    question: str, column: str, value: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert (column, "eq", value) in filters_of(spec), spec


@pytest.mark.parametrize(
    ("question", "desc"),
    [("the most-ordered category in Q1 2024", True), ("2023's least ordered product", False)],
)
def test_most_ordered_counts_orders(
    question: str, desc: bool, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _measure(spec) == ("count", None), spec
    assert spec["order_by"][0].get("desc", False) is desc and spec.get("limit") == 1, spec
