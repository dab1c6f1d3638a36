"""Built-in AI engine: latency per question and accuracy over the golden set.

    .venv/bin/python bench/bench_ai.py [--repeat 20]

Generates the demo database in a temporary folder, builds its catalog (introspection) and the
values of its low-cardinality columns, then asks every golden question (tests/ai/fixtures/
golden.json) `--repeat` times. Reported:

* cold: the very first question of the process (vocabulary built, code paths warmed);
* vocabulary build: building the vocabulary of the demo catalog from scratch;
* per question (warm): median, p95 and max over all questions and repeats, engine time only
  (question in, compiled tile out; no SQL is run);
* accuracy: the golden test's verdict (rows of the tile's query against the hand-written SQL).

Target (DESIGN.md): <= 50 ms per question, >= 90 % correct.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.ai helpers

from tests.ai.demo import demo_catalog, demo_values
from tests.ai.golden import TARGET, ask, judge, load_golden

from plotboard.ai import answer
from plotboard.ai.builtin.vocabulary import build_vocabulary
from plotboard.demo.data import generate_demo_database


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="times each question is asked")
    args = parser.parse_args()

    today, cases = load_golden()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.db"
        generate_demo_database(path)
        engine = sa.create_engine(f"sqlite:///{path}")
        catalog = demo_catalog(engine)
        values = demo_values(engine, catalog)

        start = time.perf_counter()
        answer(cases[0]["question"], catalog, values, today=today)
        cold = time.perf_counter() - start

        builds = []
        for _ in range(10):
            start = time.perf_counter()
            build_vocabulary(catalog, values)
            builds.append(time.perf_counter() - start)

        times: list[float] = []
        per_case: dict[str, float] = {}
        for _ in range(args.repeat):
            for case in cases:
                _, seconds = ask(case, catalog, values, today)
                times.append(seconds)
                per_case[case["id"]] = max(per_case.get(case["id"], 0.0), seconds)

        verdicts = [judge(case, engine, catalog, values, today) for case in cases]
        engine.dispose()

    times.sort()
    right = sum(v.correct for v in verdicts)
    slowest = max(per_case, key=lambda k: per_case[k])
    rows = [
        ("questions", f"{len(cases):>8}", f"{len(times)} timed answers"),
        ("cold first question", _ms(cold), "includes building the vocabulary"),
        ("vocabulary build", _ms(statistics.median(builds)), "median of 10, memoized after"),
        ("median per question", _ms(statistics.median(times)), ""),
        ("p95 per question", _ms(times[int(len(times) * 0.95)]), ""),
        ("max per question", _ms(times[-1]), f"slowest: {slowest}"),
        ("accuracy", f"{right:>4}/{len(cases):<3}",
         f"{right / len(cases):.1%} (target {TARGET:.0%})"),
    ]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'built-in AI engine':<{width}}  {'value':>11}  notes")
    print("-" * (width + 40))
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>11}  {note}")
    for verdict in verdicts:
        if not verdict.correct:
            print(f"  miss {verdict.case_id}: {verdict.detail[:160]}")


if __name__ == "__main__":
    main()
