"""Following an Analyze job in a terminal: a redrawn progress bar, then a summary.

On a terminal the bar is one line redrawn in place:

    Analyzing  [##############--------------]  48%  employees.salary

Elsewhere (a pipe, a log file) each table and every tenth of the way gets its own line, so
the progress is still visible without control characters.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from plotboard.analyze.jobs import ACTIVE

BAR_WIDTH = 28
POLL_S = 0.1


def progress_line(job: dict[str, Any], width: int = BAR_WIDTH) -> str:
    """`Analyzing  [#####-----]  48%  employees.salary` for a job as the API shows it."""
    done = max(0.0, min(1.0, float(job.get("progress") or 0.0)))
    filled = round(done * width)
    where = job.get("current_table") or ""
    if where and job.get("current_column"):
        where += f".{job['current_column']}"
    return f"Analyzing  [{'#' * filled}{'-' * (width - filled)}] {done:4.0%}  {where}".rstrip()


def follow(
    read: Callable[[], dict[str, Any]],
    write: Callable[[str], None],
    *,
    tty: bool,
    poll_s: float = POLL_S,
) -> dict[str, Any]:
    """Poll `read()` until the job is finished, drawing its progress with `write`; returns the
    last state read."""
    last_line = ""
    last_table: str | None = None
    last_tenth = -1
    columns = shutil.get_terminal_size((100, 20)).columns
    while True:
        job = read()
        finished = job["status"] not in ACTIVE
        line = progress_line(job if not finished or job["status"] != "done" else {"progress": 1})
        if tty:
            shown = line[: columns - 1].ljust(min(len(last_line), columns - 1))
            if shown != last_line:
                write("\r" + shown)
                last_line = shown
        else:
            tenth = int(float(job.get("progress") or 0) * 10)
            table = job.get("current_table")
            if (table and table != last_table) or tenth > last_tenth or finished:
                write(line + "\n")
                last_table, last_tenth = table or last_table, tenth
        if finished:
            if tty:
                write("\n")
            return job
        time.sleep(poll_s)


def summary(job: dict[str, Any]) -> list[str]:
    """Lines that sum up a finished job: per table, its columns' semantic types and
    descriptions, then what was applied or how to apply."""
    lines: list[str] = []
    profiles = {p["table"]: p for p in job.get("profiles") or []}
    by_table: dict[str, list[dict[str, Any]]] = {}
    for proposal in job.get("proposals") or []:
        by_table.setdefault(proposal["table"], []).append(proposal)
    for table, proposals in by_table.items():
        profile = profiles.get(table, {})
        rows = profile.get("row_count")
        sampled = " (sampled)" if profile.get("sampled") else ""
        head = f"{table}: {rows:,} rows{sampled}" if isinstance(rows, int) else table
        types = Counter(
            p["fields"].get("semantic_type") for p in proposals if p["column"] is not None
        )
        kinds = ", ".join(f"{n} {t}" for t, n in types.most_common() if t)
        lines.append(f"{head} — {kinds}" if kinds else head)
        for p in proposals:
            if p["column"] is None:
                continue
            kept = (
                " [kept: admin edit]" if p["edited"] and not job["options"].get("overwrite") else ""
            )
            semantic = p["fields"].get("semantic_type") or "-"
            lines.append(f"  {p['column']:<22} {semantic:<12} {p['fields']['description']}{kept}")
    for note in job.get("notes") or []:
        lines.append(f"Note: {note}")
    counts = job.get("counts") or {}
    total = counts.get("proposals", 0)
    if "applied" in counts:
        kept = counts.get("kept", 0)
        lines.append(
            f"{total} proposals; {counts['applied']} fields written into the catalog"
            + (f", {kept} fields an admin wrote by hand kept." if kept else ".")
        )
    else:
        lines.append(
            f"{total} proposals, not applied. Review them with GET /api/v1/admin/analyze/"
            f"{job['id']} and apply with POST /api/v1/admin/analyze/{job['id']}/apply."
        )
    return lines
