"""Analyze jobs in the metadata store: creating them, reading them, cancelling them.

A job is `queued`, then `running` on a worker, then `done` or `failed`; a failed attempt with
attempts left, or a worker that stops, puts it back to `queued` (`plotboard.store.queue`,
which also explains leases). While it is queued or running its `active_source_id` holds the
source id, and a unique constraint on that column lets only one job be active per source —
across every server and worker that shares the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from plotboard import audit
from plotboard.analyze.proposals import Accept, apply_proposals, qualified
from plotboard.catalog.store import table_rows
from plotboard.errors import FieldError, PlotboardError, conflict, not_found
from plotboard.store.models import AnalyzeJob, CatalogTable, DataSource, utcnow
from plotboard.store.queue import ACTIVE, DONE, FAILED, QUEUED, RUNNING, finished

__all__ = ["ACTIVE", "DONE", "FAILED", "QUEUED", "RUNNING"]


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
    max_attempts: int = 3,
) -> AnalyzeJob:
    """A queued job, for any worker to take; 409 when the source already has an active
    job."""
    running = active_job(session, source_id)
    if running is not None:
        raise already_running(running)
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
        max_attempts=max_attempts,
        created_by=actor,
    )
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, org_id: str, job_id: str) -> AnalyzeJob:
    """The organization's job; 404 otherwise (another organization's job too)."""
    job = session.get(AnalyzeJob, job_id)
    if job is None or job.org_id != org_id:
        raise not_found(f"Analyze job {job_id}")
    return job


def recent_jobs(session: Session, source_id: str, limit: int = 20) -> list[AnalyzeJob]:
    stmt = (
        sa.select(AnalyzeJob)
        .where(AnalyzeJob.source_id == source_id)
        .order_by(AnalyzeJob.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def org_jobs(session: Session, org_id: str, limit: int = 100) -> list[tuple[AnalyzeJob, str]]:
    """The organization's recent jobs on any of its sources, newest first, with each
    source's name."""
    stmt = (
        sa.select(AnalyzeJob, DataSource.name)
        .join(DataSource, DataSource.id == AnalyzeJob.source_id)
        .where(AnalyzeJob.org_id == org_id, DataSource.org_id == org_id)
        .order_by(AnalyzeJob.created_at.desc())
        .limit(limit)
    )
    return [(job, name) for job, name in session.execute(stmt)]


def cancel_job(session: Session, job: AnalyzeJob, actor: str) -> bool:
    """Cancel an active job: a queued one ends at once, a running one is asked to stop (its
    worker stops at its next step). False when there was nothing to cancel."""
    if job.status not in ACTIVE or job.cancel_requested_by is not None:
        return False
    job.cancel_requested_by = actor
    if job.status == QUEUED:
        ended = session.execute(
            sa.update(AnalyzeJob)
            .where(AnalyzeJob.id == job.id, AnalyzeJob.status == QUEUED)
            .values(
                {
                    **finished(AnalyzeJob, FAILED, f"Cancelled by {actor}."),
                    "cancel_requested_by": actor,
                }
            )
            .execution_options(synchronize_session=False)
        )
        if ended.rowcount:  # type: ignore[attr-defined]
            session.refresh(job)
    return True


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
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "next_attempt_at": job.run_after if job.status == QUEUED else None,
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
