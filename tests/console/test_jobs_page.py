"""The Jobs page lists the organization's Analyze jobs — state, attempts, times, message —
and never another organization's; it says when queued jobs have no worker in this server."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from plotboard.runtime import Runtime
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.store import SourceIn, create_source
from plotboard.store.models import AnalyzeJob, utcnow
from tests.console.conftest import Console, new_admin
from tests.console.pages import text


def _jobs(runtime: Runtime, org_id: str, name: str, *rows: dict[str, Any]) -> list[str]:
    """Jobs on a new source called `name` of the organization; their ids."""
    with runtime.store.session() as session:
        conn = SourceConnection(kind="sqlite", path="/nonexistent/x.db")
        source = create_source(
            session, org_id, SourceIn(name=name, connection=conn), runtime.secret_key
        )
        made = []
        for values in rows:
            job = AnalyzeJob(
                org_id=org_id, source_id=source.id, options={}, counts={}, notes=[],
                profiles=[], proposals=[], created_by="ops@example.com", **values,
            )  # fmt: skip
            session.add(job)
            made.append(job)
        session.flush()
        return [j.id for j in made]


def _row(page: str, job_id: str) -> str:
    found = re.search(rf'<tr data-job="{job_id}".*?</tr>', page, re.S)
    assert found, f"job {job_id} is not listed"
    return found.group(0)


def test_the_page_lists_this_organizations_jobs_only(
    console: Console, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = utcnow()
    done, failed, retrying = _jobs(
        runtime,
        console.org_id,
        "Warehouse",
        {"status": "done", "attempts": 1, "started_at": now, "finished_at": now},
        {
            "status": "failed", "attempts": 3, "max_attempts": 3, "finished_at": now,
            "error": "Failed after 3 attempts: Nothing is accepting connections at db:5432.",
        },
        {
            "status": "queued", "attempts": 1, "run_after": now + timedelta(hours=1),
            "error": "Attempt 1 of 3 failed: the database timed out. Trying again in 30 s.",
        },
    )  # fmt: skip
    other_org, _ = new_admin(runtime)
    (theirs,) = _jobs(runtime, other_org, "Theirs", {"status": "failed", "error": "secret-x"})

    page = console.get("/admin/jobs")
    assert page.status_code == 200
    assert 'data-state="done"' in _row(page.text, done)
    failed_row = text(_row(page.text, failed))
    assert "failed" in failed_row and "3 of 3" in failed_row
    assert "Failed after 3 attempts: Nothing is accepting connections" in failed_row
    waiting = _row(page.text, retrying)
    assert 'data-state="retrying"' in waiting and "1 of 3" in text(waiting)
    assert "Next attempt" in text(waiting) and "Warehouse" in text(waiting)
    assert theirs not in page.text and "secret-x" not in page.text and "Theirs" not in page.text
    assert "data-no-worker" not in page.text  # this server runs jobs (jobs_in_web)
    assert 'href="/admin/jobs" aria-current="page"' in page.text

    monkeypatch.setattr(runtime.settings, "jobs_in_web", False)
    assert "start plotboard worker" in text(console.get("/admin/jobs").text)


def test_signed_out_visitors_are_sent_to_sign_in(stranger: Any) -> None:
    answer = stranger.get("/admin/jobs", follow_redirects=False)
    assert answer.status_code in (302, 303, 401)
