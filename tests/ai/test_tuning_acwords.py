"""The built-in engine on words found while tuning on blind batch ac (issue 12): a Brazilian's
English ("percentual", "billing", "faturamento", "collaborators", "medium ticket", "campeão"),
a Vietnamese speaker's "cho em xin ... nha", Kenyan English and Swahili ("Kindly advise",
"Sasa boss", "ni pesa ngapi"), a chef's "rang up", "what cut went to", "flew out the door" and
"Heard.", a busy manager's "yday", "last fri", "histo", "cum", "the damage on", "pls send ...
thx", a real-estate agent's "closings", "closed volume", "closing price", "territory" and "put
on the board", a customer success manager's "book of business" and "headcount adds", typed
slips ("sze", "ofice"), and days off and probation, which are not in the data.

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import re
import time

import pytest

from plotboard.ai.builtin.slang import COURTESY
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of


def _measures(spec: dict) -> list[dict]:
    return list(spec.get("measures", []))


@pytest.mark.parametrize(
    "question",
    [
        "faturamento of the Software category in 2023",
        "billing of the East region last year",
        "how much did the South territory put on the board in 2024?",
        "what was our book of business for Services in 2023?",
        "closed volume in the West territory for 2024",
        "Sasa boss, ni pesa ngapi we made from Hardware in 2023?",
    ],
)
def test_money_words_are_revenue(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales", (question, spec)
    assert {"agg": "sum", "column": "amount"} in _measures(spec), (question, spec)


def test_percentual_is_a_percentage(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what percentual of 2024 billing came from the South region?",
                       catalog, values))
    assert "South" in spec["measures"][0].get("expr", ""), spec


def test_rang_up_and_cut_are_revenue_and_a_share(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Of everything we rang up in 2023, what cut went to Software?",
                       catalog, values))
    expr = spec["measures"][0].get("expr", "")
    assert "amount" in expr and "Software" in expr, spec


@pytest.mark.parametrize(
    "question",
    [
        "how many collaborators in Tokyo?",
        "number of colaborators in the Finance department",
        "how many colaborators from Berlin are in home ofice?",
    ],
)
def test_collaborators_are_employees(catalog: Catalog, values: Values, question: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)


def test_home_office_is_remote(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many colaborators from Berlin are in home ofice?", catalog, values))
    assert ("is_remote", "eq", True) in filters_of(spec), spec


@pytest.mark.parametrize(
    "question", ["the medium ticket of the sells in 2023", "avg deal sze in 2024"]
)
def test_medium_ticket_is_the_average_sale(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "amount"}], (question, spec)


def test_closing_price_is_the_sale_amount(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("average closing price for the East region in 2023", catalog, values))
    assert spec["measures"][0]["agg"] == "avg", spec
    assert ("sales_region", "eq", "East") in filters_of(spec), spec


def test_closings_are_sales(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many closings did the Office Suite License have in 2023?",
                       catalog, values))
    assert spec["table"] == "sales" and spec["measures"] == [{"agg": "count"}], spec


def test_flew_out_the_door_is_sold(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many units flew out the door in the North region in 2024?",
                       catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec


@pytest.mark.parametrize(
    ("question", "day"),
    [
        ("revenue yday", "2025-11-19"),
        ("orders last fri", "2025-11-14"),
    ],
)
def test_short_days(catalog: Catalog, values: Values, question: str, day: str) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("sale_date", "between", [day, day]) in filters_of(spec), (question, spec)


def test_cum_is_cumulative(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("cum units by month in 2024", catalog, values))
    assert spec["measures"][0].get("cumulative") is True, spec


def test_histo_is_a_histogram(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("salary histo for Engineering", catalog, values))
    assert any("bin" in d for d in spec["dimensions"]), spec


def test_the_damage_on_asks_how_much(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("whats the damage on 2023 revenue for Laptop Pro 14", catalog, values))
    assert {"agg": "sum", "column": "amount"} in _measures(spec), spec


@pytest.mark.parametrize(
    "question",
    ["pls send unit count for 2023 thx", "Kindly advise the number of staff in Sydney.",
     "cho em xin headcount of Finance nha"],
)
def test_polite_asks_are_read(catalog: Catalog, values: Values, question: str) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is not None, (question, reply.answer)


def test_send_to_someone_is_still_an_action(catalog: Catalog, values: Values) -> None:
    reply = ask("pls send the revenue by region to my boss", catalog, values)
    assert reply.tile is None, reply.answer


def test_headcount_adds_are_hires(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("headcount adds in Engineering in 2022", catalog, values))
    assert "hire_date" in [f[0] for f in filters_of(spec)] + dims_of(spec), spec


def test_m_pesa_is_not_revenue(catalog: Catalog, values: Values) -> None:
    reply = ask("total M-Pesa receipts in 2024", catalog, values)
    assert reply.tile is None, reply.answer


@pytest.mark.parametrize(
    "question",
    ["How many days off did Finance staff take last year?",
     "which employees are still on probation in Tokyo?"],
)
def test_days_off_and_probation_are_not_in_the_data(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None, (question, reply.answer)


_NEW = [p for p in COURTESY
        if any(cue in p for cue in ("send(?: (?:me|us))?\\b", "advise", "cho (?:em",
                                    "sasa", "heard"))]


@pytest.mark.parametrize(
    "text",
    [" " * 5000, "pls send " * 2000, "sasa " * 2000, "heard. " * 2000, "\x00" * 2000,
     "kindly advise " * 2000, "cho em xin " * 2000, "\ud800" * 10],
)
def test_new_patterns_are_fast(text: str) -> None:
    assert len(_NEW) == 5, _NEW
    for source in _NEW:
        pattern = re.compile(source, re.I)
        best = 1.0
        for _ in range(3):  # the best of three: a busy machine is not a slow pattern
            start = time.perf_counter()
            pattern.sub(" ", text)
            best = min(best, time.perf_counter() - start)
        assert best < 0.05, source


def test_orders_rung_up_are_counted(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many orders did we ring up last Sunday?", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
