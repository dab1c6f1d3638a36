"""Analyze jobs in the metadata store: creating them, reading them, noticing orphans.

A job is `queued`, then `running`, then `done` or `failed`. While it is queued or running its
`active_source_id` holds the source id, and a unique constraint on that column lets only one
job be active per source — across every app server that shares the store.

A job whose process died is an orphan: its runner (``host:pid:boot``) is a process of this
host that no longer exists, or it has not sent a heartbeat for `STALE_AFTER_S`. Orphans are
marked failed ("interrupted by a restart") when a server starts Analyze or reads the job.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from plotboard import audit
from plotboard.analyze.proposals import Accept, apply_proposals, qualified
from plotboard.catalog.service import table_rows
from plotboard.errors import FieldError, PlotboardError, conflict, not_found
from plotboard.store.models import AnalyzeJob, CatalogTable, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)
STALE_AFTER_S = 90.0
INTERRUPTED = "Interrupted by a restart of the plotboard server; start Analyze again."
RUNNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
"""This process, as written in the `runner` column of the jobs it runs."""


class AnalyzeRequest(BaseModel):
    """What to analyze and how.

    `tables`: names (``schema.name`` where schemas are used); default every visible table.
    `overwrite`: also replace what an admin wrote by hand. `use_llm`: ``"auto"`` uses the
    configured LLM when there is one, ``true`` requires one, ``false`` uses templates only.
    `apply`: write the proposals into the catalog as soon as the job is done.
    `quote_values`: quote data values (ranges, examples) in descriptions; ``"auto"`` does so
    only for tables without access rules, and never for hidden columns (descriptions are shown
    to every end user, whatever rows their access rules let them read). Whatever is chosen,
    end users of a table that has a rule when the catalog is served read Analyze's wording
    without data (`plotboard.analyze.disclosure`); ``true`` quotes values for the admin's
    review on such tables too.
    """

    model_config = ConfigDict(extra="forbid")
    tables: list[str] | None = Field(default=None, max_length=2000)
    overwrite: bool = False
    use_llm: Literal["auto"] | bool = "auto"
    apply: bool = False
    quote_values: Literal["auto"] | bool = "auto"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def is_orphan(job: AnalyzeJob, stale_after_s: float = STALE_AFTER_S) -> bool:
    """True for an active job whose runner is gone (see the module docstring)."""
    if job.status not in ACTIVE:
        return False
    host, _, rest = (job.runner or "").partition(":")
    pid = rest.partition(":")[0]
    here = job.runner != RUNNER and host == socket.gethostname() and pid.isdigit()
    if here and not _pid_alive(int(pid)):
        return True
    # Also for this process: a job of ours that stopped beating lost its worker.
    seen = job.heartbeat_at or job.created_at
    return utcnow() - seen > timedelta(seconds=stale_after_s)


def finish(job: AnalyzeJob, status: str, error: str | None = None) -> None:
    job.status = status
    job.error = error
    job.active_source_id = None
    job.finished_at = utcnow()
    job.current_column = None


def fail_orphans(session: Session, org_id: str | None = None) -> list[str]:
    """Mark orphaned jobs failed; returns their ids."""
    stmt = sa.select(AnalyzeJob).where(AnalyzeJob.status.in_(ACTIVE))
    if org_id is not None:
        stmt = stmt.where(AnalyzeJob.org_id == org_id)
    failed = []
    for job in session.scalars(stmt):
        if is_orphan(job):
            finish(job, FAILED, INTERRUPTED)
            failed.append(job.id)
    session.flush()
    return failed


def choose_tables(session: Session, source_id: str, names: list[str] | None) -> list[str]:
    """Qualified names of the tables to analyze; a 422 naming any table that is not there."""
    rows: list[CatalogTable] = table_rows(session, source_id)
    by_name: dict[str, str] = {}
    for row in rows:
        by_name.setdefault(row.name.lower(), qualified(row))
        by_name[qualified(row).lower()] = qualified(row)
    if names is None:
        chosen = [qualified(r) for r in rows if not r.hidden]
        if not chosen:
            raise PlotboardError(
                "This source has no visible tables to analyze; refresh its tables first.",
                "nothing_to_analyze",
                422,
            )
        return chosen
    if not names:
        raise PlotboardError(
            "tables: name at least one table, or leave the list out to analyze every "
            "visible table.",
            "invalid",
            422,
            [FieldError("tables", "empty list")],
        )
    chosen = []
    for index, name in enumerate(names):
        found = by_name.get(name.strip().lower())
        if found is None:
            raise PlotboardError(
                f"tables[{index}]: this source has no table '{name}'.",
                "unknown_table",
                422,
                [FieldError(f"tables[{index}]", f"no table '{name}'")],
            )
        if found not in chosen:
            chosen.append(found)
    return chosen


def active_job(session: Session, source_id: str) -> AnalyzeJob | None:
    return session.scalar(sa.select(AnalyzeJob).where(AnalyzeJob.active_source_id == source_id))


def already_running(job: AnalyzeJob) -> PlotboardError:
    started = job.started_at or job.created_at
    return conflict(
        f"Analyze is already running on this source (job {job.id}, started by "
        f"{job.created_by} at {started:%Y-%m-%d %H:%M} UTC). Wait for it to finish, or cancel it.",
        "analyze_running",
    )


def create_job(
    session: Session,
    org_id: str,
    source_id: str,
    tables: list[str],
    request: AnalyzeRequest,
    use_llm: bool,
    actor: str,
) -> AnalyzeJob:
    """A queued job owned by this process; 409 when the source already has an active job."""
    running = active_job(session, source_id)
    if running is not None:
        if not is_orphan(running):
            raise already_running(running)
        finish(running, FAILED, INTERRUPTED)
        session.flush()
    options = request.model_dump()
    options.update(tables=tables, use_llm=use_llm)
    job = AnalyzeJob(
        org_id=org_id,
        source_id=source_id,
        status=QUEUED,
        active_source_id=source_id,
        options=options,
        progress=0.0,
        counts={"tables_total": len(tables), "tables_done": 0},
        notes=[],
        profiles=[],
        proposals=[],
        runner=RUNNER,
        heartbeat_at=utcnow(),
        created_by=actor,
    )
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, org_id: str, job_id: str) -> AnalyzeJob:
    """The organization's job, with orphans noticed on the way; 404 otherwise."""
    job = session.get(AnalyzeJob, job_id)
    if job is None or job.org_id != org_id:
        raise not_found(f"Analyze job {job_id}")
    if is_orphan(job):
        finish(job, FAILED, INTERRUPTED)
        session.flush()
    return job


def recent_jobs(session: Session, source_id: str, limit: int = 20) -> list[AnalyzeJob]:
    stmt = (
        sa.select(AnalyzeJob)
        .where(AnalyzeJob.source_id == source_id)
        .order_by(AnalyzeJob.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def job_json(job: AnalyzeJob, *, detail: bool = True) -> dict[str, Any]:
    """The job as the admin API shows it; `detail` adds the profiles and proposals."""
    out: dict[str, Any] = {
        "id": job.id,
        "source_id": job.source_id,
        "status": job.status,
        "progress": round(job.progress, 4),
        "current_table": job.current_table,
        "current_column": job.current_column,
        "counts": job.counts,
        "error": job.error,
        "notes": job.notes,
        "options": job.options,
        "created_by": job.created_by,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "applied_at": job.applied_at,
        "applied_by": job.applied_by,
        "cancel_requested_by": job.cancel_requested_by,
    }
    if detail:
        out["proposals"] = job.proposals
        out["profiles"] = job.profiles
    return out


def apply_job(
    session: Session,
    job: AnalyzeJob,
    actor: str,
    *,
    accept: Sequence[Accept] | None = None,
    overwrite: bool | None = None,
) -> dict[str, Any]:
    """Write the job's proposals into the catalog (in the caller's transaction), with an audit
    entry; `overwrite` None means the job's own option."""
    force = bool(job.options.get("overwrite")) if overwrite is None else overwrite
    result = apply_proposals(session, job.source_id, job.proposals, accept=accept, overwrite=force)
    job.applied_at = utcnow()
    job.applied_by = actor
    audit.record(
        session, job.org_id, actor, "analyze.applied", "source", job.source_id,
        job=job.id, applied=len(result.applied), kept=len(result.kept), overwrite=force,
    )  # fmt: skip
    return result.as_json()
