"""The built-in engine on the golden set: each question's rows against hand-written SQL.

A wrong answer shows as XFAIL with what went wrong; the suite fails when fewer than 90 % of
the cases are right. The accuracy is printed at the end of the run.

The whole set runs a second time with a second database connected (a support desk's tickets,
which shares words and values with the demo): every case right with the demo alone must stay
right, on the demo database.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.ai.answers import Source
from plotboard.catalog.model import Catalog
from tests.ai import golden_report
from tests.ai.golden import TARGET, Judgement, judge, load_golden
from tests.ai.tickets import tickets_catalog, tickets_values

TODAY, CASES = load_golden()


@pytest.fixture(scope="module")
def judgements(
    demo_engine: sa.Engine, catalog: Catalog, values: dict[tuple[str, str], list[str]]
) -> dict[str, Judgement]:
    return {case["id"]: judge(case, demo_engine, catalog, values, TODAY) for case in CASES}


def test_golden_set_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert len({case["id"] for case in CASES}) == len(CASES)
    assert sum(1 for case in CASES if case.get("previous")) >= 10
    assert sum(1 for case in CASES if case.get("expect") == "none") >= 5
    assert dt.date(2025, 7, 15) == TODAY


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden_case(case: dict[str, Any], judgements: dict[str, Judgement]) -> None:
    result = judgements[case["id"]]
    if not result.correct:
        pytest.xfail(f"{case['question']!r}: {result.detail}")


def test_golden_accuracy(judgements: dict[str, Judgement]) -> None:
    right = sum(j.correct for j in judgements.values())
    total = len(judgements)
    times = sorted(j.seconds * 1000 for j in judgements.values())
    line = (
        f"golden accuracy: {right}/{total} = {right / total:.0%} (engine time per question: "
        f"median {statistics.median(times):.1f} ms, p95 {times[int(total * 0.95)]:.1f} ms, "
        f"max {times[-1]:.1f} ms)"
    )
    golden_report.LINES.append(line)
    for j in judgements.values():
        if not j.correct:
            golden_report.LINES.append(f"  miss {j.case_id}: {j.question!r}: {j.detail}")
    print(line)
    assert right / total >= TARGET, line


@pytest.fixture(scope="module")
def judgements_with_tickets(
    demo_engine: sa.Engine, catalog: Catalog, values: dict[tuple[str, str], list[str]]
) -> dict[str, Judgement]:
    desk = Source("support-desk", "Support desk", tickets_catalog(), tickets_values())
    return {
        case["id"]: judge(case, demo_engine, catalog, values, TODAY, others=(desk,))
        for case in CASES
    }


def test_golden_set_with_a_second_database(
    judgements: dict[str, Judgement], judgements_with_tickets: dict[str, Judgement]
) -> None:
    lost = [
        f"{case_id}: {judgements[case_id].question!r}: {after.detail}"
        for case_id, after in judgements_with_tickets.items()
        if judgements[case_id].correct and not after.correct
    ]
    right = sum(j.correct for j in judgements_with_tickets.values())
    golden_report.LINES.append(
        f"golden accuracy with a second database: {right}/{len(judgements_with_tickets)}"
    )
    assert not lost, "\n".join(lost)
