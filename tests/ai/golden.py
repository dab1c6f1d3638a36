"""The golden set (fixtures/golden.json) and how one case is judged; shared with bench/bench_ai.py.

A case is correct when the built-in engine's tile, compiled and run on the demo database, gives
the same rows as the hand-written SQL (in order when the case says `ordered`), and the chart is
the expected one when the case names it. A case with `expect: none` is correct when the engine
gives no tile and suggests questions instead.

With `others` (more databases next to the demo one, as an organization with a second source
has), a tile must also say it runs on the demo database.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from plotboard.ai.answers import EngineAnswer, Source, Sources, TileSuggestion
from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog
from tests.ai.demo import describe, readings, run_sql, same_rows

GOLDEN = Path(__file__).parent / "fixtures" / "golden.json"
TARGET = 0.90
DEMO_SOURCE = "demo"


def load_golden() -> tuple[dt.date, list[dict[str, Any]]]:
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return dt.date.fromisoformat(data["today"]), data["cases"]


@dataclass(frozen=True)
class Judgement:
    case_id: str
    question: str
    correct: bool
    detail: str
    seconds: float  # engine time for the case's question (not its previous questions)


def ask(
    case: dict[str, Any],
    catalog: Catalog,
    values: Any,
    today: dt.date,
    others: Sequence[Source] = (),
) -> tuple[EngineAnswer, float]:
    """Run the case's conversation; (answer to its question, engine seconds for it)."""
    sources: Sources = catalog
    if others:
        sources = [Source(DEMO_SOURCE, "Demo", catalog, values), *others]
    previous: TileSuggestion | None = None
    for earlier in case.get("previous", []):
        reply = answer(earlier, sources, values, previous=previous, today=today)
        previous = reply.tile or previous
    start = time.perf_counter()
    reply = answer(case["question"], sources, values, previous=previous, today=today)
    return reply, time.perf_counter() - start


def judge(
    case: dict[str, Any],
    engine: sa.Engine,
    catalog: Catalog,
    values: Any,
    today: dt.date,
    others: Sequence[Source] = (),
) -> Judgement:
    reply, seconds = ask(case, catalog, values, today, others)
    tile = reply.tile
    got = describe(tile.query if tile else None, tile.chart if tile else None)

    def verdict(correct: bool, detail: str) -> Judgement:
        return Judgement(case["id"], case["question"], correct, detail, seconds)

    if case.get("expect") == "none":
        if tile is not None:
            return verdict(False, f"expected no tile, got {got}")
        if not reply.suggestions:
            return verdict(False, "no tile, but no suggested questions either")
        return verdict(True, reply.answer)
    if tile is None:
        return verdict(False, f"no tile: {reply.answer}")
    if others and (reply.source, tile.source) != (DEMO_SOURCE, DEMO_SOURCE):
        return verdict(False, f"the tile runs on source {reply.source}, not the demo: {got}")
    if "chart" in case and tile.chart_type != case["chart"]:
        return verdict(False, f"chart {tile.chart_type}, expected {case['chart']}: {got}")
    try:
        shown = readings(engine, catalog, tile.query)
    except Exception as err:  # the spec was compiled by the engine: this is a real failure
        return verdict(False, f"the tile's query failed: {err}: {got}")
    actual = shown[0]
    # `sql_any`: several readings are right (a share question's pie as counts or as shares).
    expected: list[Any] = []
    for sql in case.get("sql_any") or [case["sql"]]:
        expected = run_sql(engine, sql)
        if any(same_rows(rows, expected, ordered=case.get("ordered", False)) for rows in shown):
            return verdict(True, got)
    return verdict(False, f"rows differ: {got}; got {actual[:3]}..., expected {expected[:3]}...")
