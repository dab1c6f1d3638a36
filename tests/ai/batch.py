"""Blind batches of questions (issue 12 item 7): first-try accuracy per kind of question.

A batch (tests/ai/fixtures/batch_*.json) is written *before* the engine it measures is tuned
on it, so its first run says how good the engine is on questions it has never seen; the
first-try score of each batch is recorded in docs/benchmarks.md and never rewritten.

    .venv/bin/python -m tests.ai.batch tests/ai/fixtures/batch_2026_12_05_a.json [--misses]

A case is judged like a golden case (tests/ai/golden.py: the tile's rows on the demo database
against the truth SQL), with three additions, each written in the batch's `about`:

* `sql_any`: several readings are right (a comparison as one row with change columns, or as a
  row per year); any one matching is enough;
* an alternative with `"match": "column"`: the tile's rows are right when one of their
  columns holds exactly the values of the SQL's single column (a listing: which other columns
  to show is the engine's choice), in order when the case is `ordered`;
* an alternative with `"match": "distribution"`: at least 3 bands with numeric lower edges
  whose counts add up to the SQL's single total.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from plotboard.ai.answers import Source
from plotboard.catalog.model import Catalog
from tests.ai.demo import demo_catalog, demo_values, describe, readings, run_sql, same_rows
from tests.ai.golden import DEMO_SOURCE, ask
from tests.ai.tickets import tickets_catalog, tickets_values


@dataclass(frozen=True)
class Verdict:
    case_id: str
    kind: str
    question: str
    correct: bool
    detail: str
    seconds: float


def load_batch(path: Path) -> tuple[dt.date, list[dict[str, Any]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return dt.date.fromisoformat(data["today"]), data["cases"]


def _column_match(
    actual: Sequence[Sequence[Any]], expected: Sequence[Sequence[Any]], ordered: bool
) -> bool:
    if not actual or len(actual) != len(expected):
        return False
    want = [row[0] for row in expected]
    for i in range(len(actual[0])):
        got = [row[i] for row in actual]
        if ordered and [str(v) for v in got] == [str(v) for v in want]:
            return True
        if not ordered and sorted(map(str, got)) == sorted(map(str, want)):
            return True
    return False


def _distribution_match(actual: Sequence[Sequence[Any]], total: Any) -> bool:
    if len(actual) < 3 or any(len(row) < 2 for row in actual):
        return False
    if not all(isinstance(row[0], int | float) for row in actual):
        return False
    counts = [row[-1] for row in actual]
    return all(isinstance(c, int | float) for c in counts) and sum(counts) == total


def _matches(engine: sa.Engine, case: dict[str, Any], actual: list[tuple[Any, ...]]) -> bool:
    alternatives = case.get("sql_any") or [case["sql"]]
    ordered = bool(case.get("ordered", False))
    for alt in alternatives:
        sql, how = (alt["sql"], alt["match"]) if isinstance(alt, dict) else (alt, "rows")
        expected = run_sql(engine, sql)
        if how == "rows" and same_rows(actual, expected, ordered=ordered):
            return True
        if how == "column" and _column_match(actual, expected, ordered):
            return True
        if how == "distribution" and _distribution_match(actual, expected[0][0]):
            return True
    return False


def judge_case(
    case: dict[str, Any], engine: sa.Engine, catalog: Catalog, values: Any, today: dt.date
) -> Verdict:
    others: tuple[Source, ...] = ()
    if case.get("with_tickets"):
        others = (Source("support-desk", "Support desk", tickets_catalog(), tickets_values()),)
    reply, seconds = ask(case, catalog, values, today, others)
    tile = reply.tile
    got = describe(tile.query if tile else None, tile.chart if tile else None)

    def verdict(correct: bool, detail: str) -> Verdict:
        return Verdict(case["id"], case["kind"], case["question"], correct, detail, seconds)

    if case.get("expect") == "none":
        if tile is not None or reply.tiles:
            return verdict(False, f"expected a refusal, got {got}")
        return verdict(bool(reply.suggestions), reply.answer)
    if tile is None:
        return verdict(False, f"no tile: {reply.answer}")
    if others and (reply.source, tile.source) != (DEMO_SOURCE, DEMO_SOURCE):
        return verdict(False, f"runs on source {reply.source}: {got}")
    if "chart" in case and tile.chart_type != case["chart"]:
        return verdict(False, f"chart {tile.chart_type}, expected {case['chart']}: {got}")
    try:
        shown = readings(engine, catalog, tile.query)
    except Exception as err:  # the engine compiled the spec: a failure to run is a real miss
        return verdict(False, f"the tile's query failed: {err}: {got}")
    actual = shown[0]
    if any(_matches(engine, case, rows) for rows in shown):
        return verdict(True, got)
    return verdict(False, f"rows differ: {got}; got {actual[:3]}...")


def run_batch(path: Path) -> list[Verdict]:
    today, cases = load_batch(path)
    from plotboard.demo.data import generate_demo_database

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.db"
        generate_demo_database(db)
        engine = sa.create_engine(f"sqlite:///{db}")
        try:
            catalog = demo_catalog(engine)
            values = demo_values(engine, catalog)
            return [judge_case(c, engine, catalog, values, today) for c in cases]
        finally:
            engine.dispose()


def report(verdicts: Sequence[Verdict]) -> list[str]:
    """A per-kind table (markdown) and the totals: answerable right, refusals right."""
    by_kind: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        by_kind[v.kind].append(v)
    lines = ["| kind | right | of | % |", "| --- | ---: | ---: | ---: |"]
    for kind in sorted(by_kind):
        group = by_kind[kind]
        right = sum(v.correct for v in group)
        lines.append(f"| {kind} | {right} | {len(group)} | {right / len(group):.0%} |")
    answerable = [v for v in verdicts if v.kind != "refuse"]
    refusals = [v for v in verdicts if v.kind == "refuse"]
    totals = (("answerable", answerable), ("refusals", refusals), ("all", list(verdicts)))
    for name, group in totals:
        if group:
            right = sum(v.correct for v in group)
            lines.append(f"| **{name}** | {right} | {len(group)} | {right / len(group):.0%} |")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batch", type=Path)
    parser.add_argument("--misses", action="store_true", help="print every wrong case")
    args = parser.parse_args(argv)
    verdicts = run_batch(args.batch)
    print("\n".join(report(verdicts)))
    if args.misses:
        for v in verdicts:
            if not v.correct:
                print(f"miss {v.case_id} [{v.kind}] {v.question!r}: {v.detail}")


if __name__ == "__main__":
    main()
    sys.exit(0)
