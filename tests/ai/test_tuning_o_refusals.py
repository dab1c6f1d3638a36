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
        ("what dietary preferences do staff have", "dietary preferences"),
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
