"""Running Analyze jobs in the background of an app server (or of the CLI).

    service = analyze_service(runtime)
    job = service.start(org_id, source_id, AnalyzeRequest(), actor="admin@example.com")
    service.job(org_id, job["id"])          # progress, then profiles and proposals
    service.apply(org_id, job["id"], actor="admin@example.com")

Jobs run on a few daemon worker threads per process (`MAX_WORKERS`, see `run.JobRun`), and a
heartbeat thread keeps the rows of this process's jobs fresh, so that other servers can tell
a live job from one whose server died (`jobs.is_orphan`). A cancel request is a column any
server can set; the job stops at its next step.

The LLM is reached through `llm_settings(org_id)`, which returns the organization's LLM
settings or None; by default they come from the AI settings the admin saved
(`configured_llm`), and with none the templates write the descriptions.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from plotboard import audit
from plotboard.analyze import jobs as store
from plotboard.analyze.jobs import AnalyzeRequest
from plotboard.analyze.profile import ProfileSettings
from plotboard.analyze.proposals import Accept
from plotboard.analyze.run import JobRun, LLMProvider
from plotboard.errors import PlotboardError, conflict
from plotboard.sources.store import get_source
from plotboard.store.models import AnalyzeJob, utcnow

if TYPE_CHECKING:
    from plotboard.ai.llm import LLMSettings
    from plotboard.runtime import Runtime

logger = logging.getLogger(__name__)

MAX_WORKERS = 2
HEARTBEAT_EVERY_S = 10.0


def no_llm(_org_id: str) -> LLMSettings | None:
    """A provider for no LLM at all (descriptions from templates)."""
    return None


def configured_llm(runtime: Runtime) -> LLMProvider:
    """The organization's LLM from its AI settings (`plotboard.ai.settings`), or None when the
    built-in engine is chosen or nothing is set up."""

    def provider(org_id: str) -> LLMSettings | None:
        from plotboard.ai.settings import engine_choice

        with runtime.store.session() as session:
            return engine_choice(session, org_id, runtime.secret_key).llm

    return provider


class AnalyzeService:
    """Starts, runs, reports and applies Analyze jobs for one `Runtime`."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        llm_settings: LLMProvider | None = None,
        profile_settings: ProfileSettings | None = None,
        max_workers: int = MAX_WORKERS,
    ) -> None:
        self.runtime = runtime
        self.llm_settings = llm_settings or configured_llm(runtime)
        self.profile_settings = profile_settings or ProfileSettings()
        self._queue: queue.Queue[str] = queue.Queue()
        self._mine: set[str] = set()  # queued or running here
        self._lock = threading.Lock()
        self._workers: list[threading.Thread] = []
        self._max_workers = max_workers
        self._heartbeat: threading.Thread | None = None
        with runtime.store.session() as session:
            failed = store.fail_orphans(session)
        if failed:
            logger.warning("Analyze jobs interrupted by a restart: %s", ", ".join(failed))

    # -- the API ---------------------------------------------------------------------------

    def start(
        self, org_id: str, source_id: str, request: AnalyzeRequest, actor: str
    ) -> dict[str, Any]:
        """Queue a job (202 material); 404 unknown source, 422 unknown table or a required
        LLM that is not configured, 409 when the source already has an active job."""
        try:
            with self.runtime.store.session() as session:
                get_source(session, org_id, source_id)
                tables = store.choose_tables(session, source_id, request.tables)
                llm = self.llm_settings(org_id) if request.use_llm is not False else None
                if request.use_llm is True and llm is None:
                    raise PlotboardError(
                        "use_llm: no LLM is configured; set one up in the AI settings, or "
                        'start Analyze with use_llm false or "auto" (templates).',
                        "llm_not_configured",
                        422,
                    )
                job = store.create_job(
                    session, org_id, source_id, tables, request, llm is not None, actor
                )
                audit.record(
                    session, org_id, actor, "analyze.started", "source", source_id,
                    job=job.id, tables=tables,
                )  # fmt: skip
                out = store.job_json(job)
        except sa.exc.IntegrityError:
            # Another server queued a job for this source between our check and our insert.
            with self.runtime.store.session() as session:
                running = store.active_job(session, source_id)
                if running is None:
                    raise conflict("Analyze was just started on this source.") from None
                raise store.already_running(running) from None
        self._submit(out["id"])
        return out

    def job(self, org_id: str, job_id: str, *, detail: bool = True) -> dict[str, Any]:
        with self.runtime.store.session() as session:
            return store.job_json(store.get_job(session, org_id, job_id), detail=detail)

    def jobs(self, org_id: str, source_id: str, limit: int = 20) -> list[dict[str, Any]]:
        """Recent jobs of a source, newest first, without profiles and proposals."""
        with self.runtime.store.session() as session:
            get_source(session, org_id, source_id)
            store.fail_orphans(session, org_id)
            rows = store.recent_jobs(session, source_id, limit)
            return [store.job_json(r, detail=False) for r in rows]

    def cancel(self, org_id: str, job_id: str, actor: str) -> dict[str, Any]:
        """Ask the job to stop (it stops at its next query); a finished job is left alone."""
        with self.runtime.store.session() as session:
            job = store.get_job(session, org_id, job_id)
            if job.status in store.ACTIVE and job.cancel_requested_by is None:
                job.cancel_requested_by = actor
                audit.record(session, org_id, actor, "analyze.cancelled", "analyze_job", job.id)
            return store.job_json(job, detail=False)

    def apply(
        self,
        org_id: str,
        job_id: str,
        actor: str,
        *,
        accept: Sequence[Accept] | None = None,
        overwrite: bool | None = None,
    ) -> dict[str, Any]:
        """Write a finished job's proposals into the catalog in one transaction (see
        `proposals.apply_proposals`); 409 while the job is not done."""
        with self.runtime.store.session() as session:
            job = store.get_job(session, org_id, job_id)
            if job.status != store.DONE:
                raise conflict(
                    f"Analyze job {job.id} is {job.status}; only a finished job's proposals "
                    "can be applied.",
                    "analyze_not_done",
                )
            result = store.apply_job(session, job, actor, accept=accept, overwrite=overwrite)
            source_id = job.source_id
        self.runtime.forget_source(source_id)
        return result

    # -- workers ---------------------------------------------------------------------------

    def _submit(self, job_id: str) -> None:
        with self._lock:
            self._mine.add(job_id)
            self._workers = [t for t in self._workers if t.is_alive()]
            if len(self._workers) < self._max_workers:
                worker = threading.Thread(target=self._work, name="plotboard-analyze", daemon=True)
                self._workers.append(worker)
                worker.start()
            if self._heartbeat is None or not self._heartbeat.is_alive():
                self._heartbeat = threading.Thread(
                    target=self._beat, name="plotboard-analyze-heartbeat", daemon=True
                )
                self._heartbeat.start()
            # Under the lock: a worker about to retire sees the job before it goes.
            self._queue.put(job_id)

    def _work(self) -> None:
        while True:
            try:
                job_id = self._queue.get(timeout=30)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        me = threading.current_thread()
                        self._workers = [t for t in self._workers if t is not me]
                        return
                continue
            try:
                JobRun(self.runtime, job_id, self.llm_settings, self.profile_settings).run()
            except Exception:  # the run records its own failures; this is the last resort
                logger.exception("Analyze job %s crashed", job_id)
            finally:
                with self._lock:
                    self._mine.discard(job_id)

    def _beat(self) -> None:
        while True:
            time.sleep(HEARTBEAT_EVERY_S)
            with self._lock:
                mine = list(self._mine)
            if not mine:
                continue
            try:
                with self.runtime.store.session() as session:
                    session.execute(
                        sa.update(AnalyzeJob)
                        .where(AnalyzeJob.id.in_(mine), AnalyzeJob.status.in_(store.ACTIVE))
                        .values(heartbeat_at=utcnow())
                    )
            except Exception:
                logger.warning("Analyze heartbeat failed", exc_info=True)


_services: weakref.WeakKeyDictionary[Runtime, AnalyzeService] = weakref.WeakKeyDictionary()
_services_lock = threading.Lock()


def analyze_service(runtime: Runtime, **options: Any) -> AnalyzeService:
    """The runtime's Analyze service, created on first use (which also fails the jobs a
    previous run of the server left behind). `options` apply only when it is created."""
    with _services_lock:
        service = _services.get(runtime)
        if service is None:
            service = AnalyzeService(runtime, **options)
            _services[runtime] = service
        return service
