"""One Analyze job, run on a worker's thread (`plotboard.store.queue.Worker`) to its end.

For each chosen table: the profile (`profile.profile_table`, through the source's read-only
pool), semantic types (`semantic`), names and descriptions (`describe`: templates or the
LLM), then proposals against the catalog as it is at that moment (`proposals`). Progress goes
to the job row at most every `PROGRESS_EVERY_S`; results at most every `RESULTS_EVERY_S` and
at the end. A cancel request is read with every progress write.

A table the database refuses (a timeout, a query it cannot run) is noted and skipped; a
database that cannot be reached fails the attempt with the plain-words message of
`SourceError` (then the queue retries the job, or fails it after its last attempt).

Resuming: the results are written with the number of tables done, in one UPDATE, so what is
on the row is always whole tables. A job taken again (its worker stopped, or was killed and
its lease ran out) starts at the first table not done and keeps what was found before.
Every write says which worker it is from (`queue.mine`): a worker that lost its job to
another writes nothing more.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlglot import exp

from plotboard.access.store import list_rules
from plotboard.analyze import jobs as store
from plotboard.analyze.describe import (
    Describer,
    LLMDescriber,
    TableFacts,
    TemplateDescriber,
)
from plotboard.analyze.profile import (
    ProfileSettings,
    TableProfile,
    profile_table,
    qualified_name,
)
from plotboard.analyze.proposals import proposals_for_table, qualified
from plotboard.analyze.semantic import detect_semantic_type
from plotboard.catalog.model import Table
from plotboard.catalog.store import table_rows, to_table
from plotboard.errors import PlotboardError
from plotboard.query.render import render
from plotboard.sources.errors import SourceError
from plotboard.sources.store import get_source, settings_of
from plotboard.store import queue
from plotboard.store.models import AnalyzeJob, CatalogTable, utcnow

if TYPE_CHECKING:
    from plotboard.ai.llm import LLMSettings
    from plotboard.runtime import Runtime

logger = logging.getLogger(__name__)

LLMProvider = Callable[[str], "LLMSettings | None"]
PROGRESS_EVERY_S = 0.25
RESULTS_EVERY_S = 2.0
QUERY_TIMEOUT_FLOOR_S = 120.0
# A table that fails with these is noted and skipped; anything else fails the whole job.
TABLE_LEVEL_ERRORS = frozenset({"timeout", "query_failed", "not_a_query", "read_only"})


class Stop(Exception):
    """A cancel request was seen; `by` is who asked."""

    def __init__(self, by: str) -> None:
        super().__init__(by)
        self.by = by


class Release(Exception):
    """The worker is stopping: give the job back to the queue."""


class Lost(Exception):
    """The job is no longer this worker's (its lease ran out and another took it)."""


class JobRun:
    """One attempt at a job a worker claimed. Call `run()` on the worker's thread."""

    def __init__(
        self,
        runtime: Runtime,
        job_id: str,
        llm_settings: LLMProvider,
        profile_settings: ProfileSettings,
        control: queue.JobControl,
    ) -> None:
        self.runtime = runtime
        self.job_id = job_id
        self.control = control
        self.llm_settings = llm_settings
        self.profile_settings = profile_settings
        self.source_id = ""
        self.last_write = 0.0
        self.last_results = 0.0
        self.profiles: list[dict[str, Any]] = []
        self.proposals: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.counts: dict[str, Any] = {}

    def _session(self) -> AbstractContextManager[Session]:
        return self.runtime.store.session()

    def _mine(self) -> Any:
        return queue.mine(AnalyzeJob, self.job_id, self.control.worker)

    def run(self) -> None:
        with self._session() as session:
            job = session.scalar(sa.select(AnalyzeJob).where(self._mine()))
            if job is None:
                return
            org_id, self.source_id, options = job.org_id, job.source_id, dict(job.options)
            # What earlier attempts finished (whole tables): kept, and not done again.
            self.counts = dict(job.counts)
            self.profiles, self.proposals = list(job.profiles), list(job.proposals)
            self.notes = list(job.notes)
            cancel = job.cancel_requested_by
        if cancel:
            self._finish(store.FAILED, f"Cancelled by {cancel}.")
            return
        try:
            self._run(org_id, options)
        except Lost:
            logger.warning("Analyze job %s was taken over by another worker", self.job_id)

    def _run(self, org_id: str, options: dict[str, Any]) -> None:
        describer: Describer = TemplateDescriber()
        current = ""
        try:
            with self._session() as session:
                source = get_source(session, org_id, self.source_id)
                timeout = max(settings_of(source).timeout_seconds, QUERY_TIMEOUT_FLOOR_S)
                by_name = {qualified(r): r for r in table_rows(session, self.source_id)}
                tables = [to_table(by_name[n]) for n in options["tables"] if n in by_name]
                ruled = {r.table_name.lower() for r in list_rules(session, self.source_id)}
            settings = self.llm_settings(org_id) if options.get("use_llm") else None
            if settings is not None:
                describer = LLMDescriber(settings)
            dialect = self.runtime.pool.dialect(self.source_id)

            def run_query(query: exp.Select, row_cap: int) -> list[list[Any]]:
                result = self.runtime.pool.execute(
                    self.source_id, render(query, dialect), {}, timeout_s=timeout, row_cap=row_cap
                )
                return cast("list[list[Any]]", result.rows)  # lists: not for_orjson

            start = min(int(self.counts.get("tables_done", 0)), len(tables))
            for number, table in enumerate(tables[start:], start):
                current = qualified_name(table)
                self._progress(number / len(tables), current, None, force=True)
                profile = self._profile(table, dialect, run_query)
                if profile is not None:
                    facts = self._facts(table, profile, ruled, options.get("quote_values"))
                    self._propose(table, facts, describer)
                self.counts["tables_done"] = number + 1
                self._progress((number + 1) / len(tables), current, None, results=True)
            self._finish(store.DONE, None, bool(options.get("apply")))
        except Stop as stop:
            self._finish(store.FAILED, f"Cancelled by {stop.by}.")
        except Release:
            self._release()
        except PlotboardError as err:  # SourceError included: the database's plain words
            if self.control.stopping.is_set():  # its query was interrupted by the stop
                self._release()
            else:
                self._retry_or_fail(err.message)
        except Exception as err:
            if self.control.stopping.is_set():
                self._release()
                return
            logger.exception("Analyze job %s failed on %s", self.job_id, current)
            where = f" while reading {current}" if current else ""
            self._retry_or_fail(
                f"Analyze stopped because of an internal error{where} ({type(err).__name__}); "
                "the worker's log has the details."
            )
        finally:
            if isinstance(describer, LLMDescriber):
                describer.close()

    def _profile(
        self, table: Table, dialect: str, run_query: Callable[[exp.Select, int], list[list[Any]]]
    ) -> TableProfile | None:
        """The table's profile, or None (with a note) when the database refused it."""
        name = qualified_name(table)
        number = self.counts.get("tables_done", 0)
        total = max(self.counts.get("tables_total", 1), 1)

        def step(fraction: float, column: str | None) -> None:
            self._progress((number + fraction) / total, name, column, force=fraction >= 1.0)

        try:
            profile = profile_table(table, dialect, run_query, self.profile_settings, step)
        except SourceError as err:
            if self.control.stopping.is_set():
                raise Release() from err  # interrupted by the stop: not the table's fault
            if err.code not in TABLE_LEVEL_ERRORS:
                raise
            self.notes.append(f"{name} was not analyzed: {err.message}")
            return None
        self.profiles.append(profile.as_json())
        self.notes.extend(f"{name}: {problem}" for problem in profile.problems)
        self.counts["columns_profiled"] = self.counts.get("columns_profiled", 0) + len(
            profile.columns
        )
        self.counts["sampled_tables"] = self.counts.get("sampled_tables", 0) + int(profile.sampled)
        return profile

    @staticmethod
    def _facts(
        table: Table, profile: TableProfile, ruled: set[str], quote_values: object
    ) -> TableFacts:
        name = qualified_name(table)
        # A description is shown to every end user: quote data only where any of them may
        # read every row anyway (no access rule), and never from hidden tables or columns.
        # (A rule added later is handled when the catalog is served: `analyze.disclosure`.)
        unruled = name.lower() not in ruled and table.name.lower() not in ruled
        quote = not table.hidden and (quote_values is True or (quote_values == "auto" and unruled))
        return TableFacts(
            table=table,
            profile=profile,
            detections={
                c.name: detect_semantic_type(table, c, profile.column(c.name))
                for c in table.columns
            },
            quote_values={c.name: quote and not c.hidden for c in table.columns},
            quote_table_values=quote,
        )

    def _propose(self, table: Table, facts: TableFacts, describer: Describer) -> None:
        words = describer.describe(facts)
        if words.note:
            self.notes.append(words.note)
        with self._session() as session:
            row = session.scalar(
                sa.select(CatalogTable).where(
                    CatalogTable.source_id == self.source_id,
                    CatalogTable.schema_name == (table.schema or ""),
                    CatalogTable.name == table.name,
                )
            )
            if row is not None:  # else: removed by a refresh meanwhile
                self.proposals.extend(proposals_for_table(row, words, dict(facts.detections)))
        self.counts["proposals"] = len(self.proposals)
        if words.source == "llm":
            self.counts["llm_tables"] = self.counts.get("llm_tables", 0) + 1

    def _progress(
        self,
        progress: float,
        table: str,
        column: str | None,
        *,
        force: bool = False,
        results: bool = False,
    ) -> None:
        """Write progress (throttled unless `force` or `results`), then stop when a cancel
        was requested."""
        if self.control.stopping.is_set():
            raise Release()
        now = time.monotonic()
        # Results are the whole lists so far: written every few seconds, not at every table,
        # so that a schema of a thousand tables does not rewrite them a thousand times.
        results = results and (
            now - self.last_results >= RESULTS_EVERY_S
            or self.counts.get("tables_done") == self.counts.get("tables_total")
        )
        if not (force or results) and now - self.last_write < PROGRESS_EVERY_S:
            return
        self.last_write = now
        if results:
            self.last_results = now
        values: dict[str, Any] = {
            "progress": min(progress, 0.999),
            "current_table": table,
            "current_column": column,
            "heartbeat_at": utcnow(),
            "lease_expires_at": utcnow() + timedelta(seconds=self.control.lease_s),
        }
        if results:
            values.update(
                profiles=list(self.profiles),
                proposals=list(self.proposals),
                counts=dict(self.counts),
                notes=list(self.notes),
            )
        with self._session() as session:
            written = session.execute(
                sa.update(AnalyzeJob)
                .where(self._mine())
                .values(values)
                .execution_options(synchronize_session=False)
            )
            if not written.rowcount:  # type: ignore[attr-defined]
                raise Lost()
            cancel = session.scalar(
                sa.select(AnalyzeJob.cancel_requested_by).where(AnalyzeJob.id == self.job_id)
            )
        if cancel:
            raise Stop(cancel)

    def _results(self) -> dict[str, Any]:
        return {
            "profiles": list(self.profiles),
            "proposals": list(self.proposals),
            "notes": list(self.notes),
            "counts": dict(self.counts),
        }

    def _release(self) -> None:
        """The worker stops: keep the whole tables done so far and go back to the queue."""
        with self._session() as session:
            session.execute(
                sa.update(AnalyzeJob)
                .where(self._mine())
                .values({**self._results(), "current_column": None})
                .execution_options(synchronize_session=False)
            )
            if queue.release(session, AnalyzeJob, self.job_id, self.control.worker):
                logger.info("Analyze job %s released for another worker", self.job_id)

    def _retry_or_fail(self, message: str) -> None:
        with self._session() as session:
            session.execute(
                sa.update(AnalyzeJob)
                .where(self._mine())
                .values({**self._results(), "current_column": None})
                .execution_options(synchronize_session=False)
            )
            queue.retry_or_fail(
                session,
                AnalyzeJob,
                self.job_id,
                self.control.worker,
                message,
                self.control.retry_s,
            )

    def _save(self, session: Session, status: str, error: str | None) -> AnalyzeJob | None:
        job = session.scalar(sa.select(AnalyzeJob).where(self._mine()))
        if job is None:
            return None
        for name, value in {**self._results(), **queue.finished(AnalyzeJob, status, error)}.items():
            setattr(job, name, value)
        job.current_column = None
        if status == store.DONE:
            job.progress, job.current_table = 1.0, None
        return job

    def _finish(self, status: str, error: str | None, apply: bool = False) -> None:
        """Record the outcome; with `apply`, write the proposals in the same transaction."""
        try:
            with self._session() as session:
                job = self._save(session, status, error)
                if job is None:
                    return  # no longer ours
                if apply:
                    result = store.apply_job(session, job, job.created_by)
                    kept = len(result["kept"])
                    job.counts = {**job.counts, "applied": result["applied"], "kept": kept}
        except Exception as err:
            if not apply:
                raise
            logger.exception("Applying the proposals of Analyze job %s failed", self.job_id)
            with self._session() as session:
                self._save(
                    session,
                    store.FAILED,
                    "The analysis finished but its proposals could not be written into the "
                    f"catalog ({type(err).__name__}); the server log has the details.",
                )
            return
        if apply or status == store.DONE:
            # New profiles change what `analyze.disclosure` recognizes as quoted values.
            self.runtime.forget_source(self.source_id)
