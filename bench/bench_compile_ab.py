"""Cold and memoized `prepare_query` of this tree against another, in one run, in CPU time.

On a shared machine wall times swing with the other work; CPU time of the measuring thread
(`time.thread_time`) much less. Each variant runs in its own process (a fresh import of its
`plotboard` and sqlglot), the variants alternate round by round, and every figure is a median
of many cold compiles (the memo cleared before each) of the tiles of `bench_compile.py`:

* v1 tile: sales by office region and month, one filter, rules on three tables;
* v2 tile: a calculated measure, a share and a `previous_year` comparison (two grouped queries
  joined, each rewritten by the rules);
* the v2 tile memoized (a cache hit plus binding the user's values), in µs;
* `compile_query` alone on the v2 tile (the spec to a syntax tree, before rules and checks).

Run:  .venv/bin/python bench/bench_compile_ab.py --before-src /path/to/old/src
          [--pure-sqlglot DIR] [--rounds 3] [--runs 120]

`--pure-sqlglot DIR` adds the variants with sqlglot in pure Python: DIR holds a copy of the
installed `sqlglot` package without its compiled modules (`rsync -a --exclude '*.so'
site-packages/sqlglot DIR/`), put first on `PYTHONPATH`. Without it the installed sqlglot runs
(compiled when `plotboard[fast]` is installed). `--stages` prints, for this tree only, where a
cold v2 tile's CPU time goes.

`--server-gc` sets up the garbage collector in each variant's process as `plotboard serve`
does (`plotboard.app._settle_garbage_collector`: what exists at start frozen, a first
generation of 10,000): without it the collector runs with Python's defaults, as in earlier
runs. Either way the "v2 cold, all in" column divides the CPU time of all the cold v2
compiles, collections included, by their number (the medians leave out the compiles that a
collection happened to fall in).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _child(runs: int, memo_runs: int, server_gc: bool = False) -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "bench"))
    import gc

    import sqlglot
    import sqlglot.parser

    import bench_compile as b
    from plotboard.query.compile import compile_query
    from plotboard.query.prepare import clear_cache, prepare_query

    if server_gc:  # as plotboard.app._settle_garbage_collector does
        gc.collect()
        gc.freeze()
        gc.set_threshold(10_000, *gc.get_threshold()[1:])
    all_in: list[float] = []

    def cold(spec: object) -> float:
        samples = []
        for i in range(runs + 20):
            if i == 20:
                begin = time.thread_time()
            clear_cache()
            start = time.thread_time()
            prepare_query(spec, b.CATALOG, b.RULES, b.ALICE)  # type: ignore[arg-type]
            if i >= 20:  # warm-up: imports, per-dialect tables
                samples.append(time.thread_time() - start)
        all_in.append((time.thread_time() - begin) / runs * 1000)
        return statistics.median(samples) * 1000

    v1 = cold(b.SPEC)
    v2 = cold(b.V2_SPEC)
    samples = []
    for i in range(runs + 20):
        start = time.thread_time()
        compile_query(b.V2_SPEC, b.CATALOG)
        if i >= 20:
            samples.append(time.thread_time() - start)
    v2_compile = statistics.median(samples) * 1000
    prepare_query(b.V2_SPEC, b.CATALOG, b.RULES, b.ALICE)
    start = time.thread_time()
    for _ in range(memo_runs):
        prepare_query(b.V2_SPEC, b.CATALOG, b.RULES, b.ALICE)
    memo = (time.thread_time() - start) / memo_runs * 1e6
    compiled = sqlglot.parser.__file__.endswith(".so")
    return {
        "v1_ms": v1,
        "v2_ms": v2,
        "v2_memo_us": memo,
        "v2_all_in_ms": all_in[1],
        "v2_compile_ms": v2_compile,
        "compiled": compiled,
    }


def _stages(runs: int) -> None:
    """CPU time by stage of a cold v2 tile, this tree only (timers around each step)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import bench_compile as b
    from plotboard.access import check
    from plotboard.query import prepare, sql

    totals: dict[str, float] = {}

    def timed(module: object, name: str) -> None:
        inner = getattr(module, name)

        def wrapper(*args: object, **kwargs: object) -> object:
            start = time.thread_time()
            try:
                return inner(*args, **kwargs)
            finally:
                totals[name] = totals.get(name, 0.0) + time.thread_time() - start

        setattr(module, name, wrapper)

    for module, name in (
        (prepare, "compile_query"),
        (prepare, "enforce_access_rules"),
        (prepare, "render_checked"),
        (check, "render"),
        (check, "validate_query"),
        (check, "classify_tables"),
        (check, "_written_as_built"),
        (sql, "_check_nodes"),
        (sql, "_bind_tables"),
        (sql, "_qualified_already"),
        (sql, "_pin_columns"),
        (sql, "check_expanded_size"),
    ):
        timed(module, name)
    import sqlglot

    timed(check.sqlglot, "parse")
    for _ in range(20):
        prepare.clear_cache()
        prepare.prepare_query(b.V2_SPEC, b.CATALOG, b.RULES, b.ALICE)
    totals.clear()
    start = time.thread_time()
    for _ in range(runs):
        prepare.clear_cache()
        prepare.prepare_query(b.V2_SPEC, b.CATALOG, b.RULES, b.ALICE)
    whole = (time.thread_time() - start) / runs * 1000
    print(f"sqlglot {sqlglot.__version__}; cold v2 tile {whole:.2f} ms CPU (with timers)")
    for name, total in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<24} {total / runs * 1000:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-src", type=Path, help="the other tree's src/ directory")
    parser.add_argument("--pure-sqlglot", type=Path, help="a directory with a pure sqlglot")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=120)
    parser.add_argument("--memo-runs", type=int, default=3000)
    parser.add_argument("--stages", action="store_true")
    parser.add_argument("--server-gc", action="store_true", help="the collector as in serve")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.runs, args.memo_runs, args.server_gc)))
        return
    if args.stages:
        _stages(args.runs)
        return
    trees = [("after", ROOT / "src")]
    if args.before_src:
        trees.insert(0, ("before", args.before_src.resolve()))
    builds: list[tuple[str, list[str]]] = [("installed sqlglot", [])]
    if args.pure_sqlglot:
        builds.append(("pure sqlglot", [str(args.pure_sqlglot.resolve())]))
    variants = [(f"{t}, {b}", [*extra, str(src)]) for t, src in trees for b, extra in builds]
    results: dict[str, list[dict[str, object]]] = {name: [] for name, _ in variants}
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    for _ in range(args.rounds):
        for name, path in variants:
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    *(["--server-gc"] if args.server_gc else []),
                    "--runs",
                    str(args.runs),
                    "--memo-runs",
                    str(args.memo_runs),
                ],
                env=env,
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            ).stdout
            results[name].append(json.loads(out.strip().splitlines()[-1]))
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load average {' '.join(load_before)} before, {' '.join(load_after)} after")
    print(f"{args.rounds} alternating rounds, {args.runs} cold compiles per tile per round")
    print("collector: " + ("as in plotboard serve" if args.server_gc else "Python's defaults"))
    keys = ("v1_ms", "v2_ms", "v2_all_in_ms", "v2_memo_us", "v2_compile_ms")
    heads = ("v1 cold ms", "v2 cold ms", "v2 cold, all in", "v2 memo µs", "v2 compile_query ms")
    print(f"{'variant':<34} " + " ".join(f"{h:>22}" for h in heads))
    for name, rows in results.items():
        built = "compiled" if all(r["compiled"] for r in rows) else "pure"
        cells = [
            ", ".join(f"{float(r[k]):.2f}" for r in rows)  # type: ignore[arg-type]
            for k in keys
        ]
        print(f"{name + ' (' + built + ')':<34} " + " ".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
