"""The built-in engine on words and refusals (issue 12, tuning round o): a question whose
head word is one the data lacks is refused however long the message ("which languages ...",
"how many patents ..."), a data word next to an unknown noun is not answered alone ("lease
cost", not the unit price), converting amounts into another currency is refused, and a
period after the data's end (or a future question) is said, not drawn as an empty tile.

Questions are worded unlike the blind batches: each test checks a rule, through the spec
the engine wrote on the demo data (or its refusal)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plotboard.ai.answers import EngineAnswer, Source
from plotboard.catalog.model import Catalog, Column, Table
from tests.ai import tuning
from tests.ai.tuning import Values, spec_of

TODAY = dt.date(2025, 5, 12)


def ask(question: str, catalog: Any, values: Values, **kwargs: Any) -> EngineAnswer:
    return tuning.ask(question, catalog, values, today=kwargs.pop("today", TODAY), **kwargs)


def _refused(reply: EngineAnswer) -> str:
    assert reply.tile is None and not reply.tiles, reply.tile
    assert reply.suggestions, reply.answer
    return reply.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # An unknown head after "which" / "how many" is never left out as context, however
        # long the message is.
        (
            "which hobbies do the employees in our Berlin office list on their profiles, and "
            "how many people have each",
            "hobbies",
        ),
        ("how many patents did the engineering department file", "patents"),
        ("what dietary preferences do staff have", "preferences"),
        # A noun the data lacks before a data word: "lease cost" is no unit price ("lease"
        # is a word of its own, not a slip of "least").
        ("quarterly lease cost per site", "lease"),
        ("show the lease payments by office", "lease"),
    ],
)
def test_unknown_head_is_refused(
    question: str, said: str, catalog: Catalog, values: Values
) -> None:
    assert said in _refused(ask(question, catalog, values))


@pytest.mark.parametrize(
    ("question", "target"),
    [
        ("convert total sales to euros using the current rate", "euros"),
        ("could you show our average salary converted into rupees", "rupees"),
        ("revenue by region expressed in swiss francs", "swiss"),
    ],
)
def test_currency_conversion_is_refused(
    question: str, target: str, catalog: Catalog, values: Values
) -> None:
    assert target in _refused(ask(question, catalog, values))


def test_converting_the_chart_is_still_a_change(catalog: Catalog, values: Values) -> None:
    first = ask("headcount by department", catalog, values)
    reply = ask("convert that into a donut", catalog, values, previous=first.tile)
    assert reply.tile is not None and reply.tile.chart_type == "donut"


def _dated(catalog: Catalog, values: Values, latest: str) -> list[Source]:
    ends = {
        ("sales", "sale_date"): latest,
        ("employees", "hire_date"): latest,
        ("offices", "opened_on"): latest,
    }
    return [Source("demo", "Demo", catalog, values, ends)]


@pytest.mark.parametrize(
    "question",
    ["total sales for 2028", "orders per month in 2026", "how much revenue in Q3 2026"],
)
def test_period_after_the_data_is_said(question: str, catalog: Catalog, values: Values) -> None:
    answer = _refused(ask(question, _dated(catalog, values, "2025-12-31"), values))
    assert "ends on 2025-12-31" in answer


def test_period_inside_the_data_is_answered(catalog: Catalog, values: Values) -> None:
    reply = ask("orders per month in 2025", _dated(catalog, values, "2025-12-31"), values)
    assert spec_of(reply)["table"] == "sales"


@pytest.mark.parametrize(
    "question",
    [
        "what is revenue going to be in 2029",
        "how many people will we hire in 2027",
        "headcount in 2028, what is it gonna be",
    ],
)
def test_future_tense_after_today_is_a_forecast(
    question: str, catalog: Catalog, values: Values
) -> None:
    assert "predict" in _refused(ask(question, catalog, values))


def test_future_tense_inside_today_is_answered(catalog: Catalog, values: Values) -> None:
    # "will" about a period already past is just a way of asking.
    spec = spec_of(ask("what will the 2024 revenue total come to", catalog, values))
    assert spec["measures"][0].get("column") == "amount"


def test_rows_records_entries_are_no_unknown_head(catalog: Catalog, values: Values) -> None:
    # "how many records ...": the rows of the table named next, not a word the data lacks.
    spec = spec_of(ask("how many records in employees are remote", catalog, values))
    assert spec["measures"] == [{"agg": "count"}]
    assert ("is_remote", "eq", True) in tuning.filters_of(spec)


# "No manager": a nullable column about the person someone reports to, read from the
# catalog (its name or its description), whatever it is called.
@pytest.mark.parametrize(
    ("question", "op"),
    [
        ("list staff who have no supervisor", "is_null"),
        ("count the employees lacking a boss", "is_null"),
        ("who is at the top of the company hierarchy", "is_null"),
        ("how many colleagues report in to a superior", "is_not_null"),
    ],
)
def test_no_manager_family_on_the_demo(
    question: str, op: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees"
    assert ("manager_id", op, None) in tuning.filters_of(spec)
    assert "job_title" not in [f[0] for f in tuning.filters_of(spec)]


def test_no_supervisor_by_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which departments have staff without a supervisor", catalog, values))
    assert ("manager_id", "is_null", None) in tuning.filters_of(spec)
    assert tuning.dims_of(spec) == ["department"]


def _people(boss: Column) -> Catalog:
    return Catalog(
        dialect="sqlite",
        tables=(
            Table(
                "staff",
                (
                    Column("staff_id", "integer"),
                    Column("full_name", "string"),
                    Column("team", "string"),
                    boss,
                    Column("salary", "number"),
                ),
                primary_key=("staff_id",),
            ),
        ),
    )


@pytest.mark.parametrize(
    "boss",
    [
        Column("supervisor_id", "integer", nullable=True),
        Column("reports_to", "integer", nullable=True),
        Column("lead_ref", "integer", nullable=True, description="The person's line manager"),
    ],
)
@pytest.mark.parametrize("question", ["staff with no manager", "people without a supervisor"])
def test_no_manager_read_from_the_catalog(boss: Column, question: str) -> None:
    people = _people(boss)
    values: Values = {("staff", "team"): ["Ops", "Tech"]}
    spec = spec_of(ask(question, people, values))
    assert (boss.name, "is_null", None) in tuning.filters_of(spec)


def test_a_column_about_something_else_is_not_a_boss() -> None:
    people = _people(Column("badge_id", "integer", nullable=True))
    reply = ask("people without a supervisor", people, {("staff", "team"): ["Ops"]})
    assert reply.tile is None or not tuning.filters_of(spec_of(reply))


# Everyday words for what the data has.
def test_which_part_is_a_share(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("which part of the remote staff works in Sales, as a percent", catalog, values)
    )
    assert spec["measures"][0].get("format", {}).get("type") == "percent"


def test_members_are_people(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("offices with at least 200 members", catalog, values))
    assert [h[1:] for h in tuning.having_of(spec)] == [("gte", 200)]
    assert spec["measures"] == [{"agg": "count"}]


def test_bought_n_times_counts_orders(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which products were bought fewer than 3,000 times", catalog, values))
    assert tuning.dims_of(spec) == ["product"]
    assert tuning.having_of(spec) == [("count", "lt", 3000)]


def test_past_a_number_is_over(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("categories past 20m in revenue in 2024", catalog, values))
    assert tuning.having_of(spec) == [("sum_amount", "gt", 20_000_000)]


def test_an_amount_in_sales_is_revenue(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("sellers with more than 1.5m in sales", catalog, values))
    assert spec["table"] == "sales"
    assert tuning.having_of(spec) == [("sum_amount", "gt", 1_500_000)]


def test_in_measure_terms(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("regions ranked in revenue terms for 2023", catalog, values))
    assert spec["measures"][0].get("column") == "amount"
    assert tuning.dims_of(spec) == ["sales_region"]


@pytest.mark.parametrize(
    ("question", "chart"),
    [
        ("2024 headcount hires, one column for each quarter", "bar"),
        ("units sold with a line per month", "line"),
    ],
)
def test_one_mark_per_period(question: str, chart: str, catalog: Catalog, values: Values) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert [d.get("grain") for d in spec["dimensions"]] in (["quarter"], ["month"])
    assert reply.tile is not None and reply.tile.chart_type == chart


def test_sign_off_name_is_not_asked(catalog: Catalog, values: Values) -> None:
    reply = ask("Could you show the headcount in Toronto? Cheers, Lukas Berg", catalog, values)
    spec = spec_of(reply)
    assert tuning.filters_of(spec) == [("location", "eq", "Toronto")]


def test_exist_says_nothing(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many distinct product categories exist", catalog, values))
    assert spec["measures"] == [{"agg": "count_distinct", "column": "category"}]


def test_what_an_order_holds_is_its_average(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what quantity does each sales line contain", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "quantity"}]
    assert not spec.get("dimensions")


@pytest.mark.parametrize("said", ["appraisals", "review"])
def test_reviews_are_the_rating(said: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(f"average {said} by country", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "performance_rating"}]


def test_average_ticket_is_the_sale_amount(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("typical ticket by sales region in 2024", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "amount"}]


def test_average_ticket_keeps_a_tickets_table() -> None:
    from tests.ai.tickets import tickets_catalog, tickets_values

    reply = ask("average ticket count by priority", tickets_catalog(), tickets_values())
    assert "sale" not in " ".join(reply.assumptions)


def test_dollars_are_the_money_taken_in(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("dollars brought in per region last quarter", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}]
    # after a number, dollars are its currency
    spec = spec_of(ask("sales over 20000 dollars in 2024, how many", catalog, values))
    assert ("amount", "gt", 20000) in tuning.filters_of(spec)


def test_payed_is_paid(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("lowest payed job titles", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}]


@pytest.mark.parametrize("said", ["since records began", "since the dawn of time"])
def test_since_records_began_is_all_time(said: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(f"revenue per category {said}", catalog, values))
    assert not spec.get("filters")
    assert tuning.dims_of(spec) == ["category"]


def test_every_combination_is_both(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("average pay for each region/department combo", catalog, values))
    assert tuning.dims_of(spec) == ["offices.region", "department"]


def test_either_group_earns_more(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("does Finance or Operations get paid more on average", catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}]
    assert tuning.filters_of(spec) == [("department", "in", ["Finance", "Operations"])]
