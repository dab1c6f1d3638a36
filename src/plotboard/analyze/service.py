"""Starting, reading, cancelling and applying Analyze jobs; running them on a worker.

    service = analyze_service(runtime)
    job = service.start(org_id, source_id, AnalyzeRequest(), actor="admin@example.com")
    service.job(org_id, job["id"])          # progress, then profiles and proposals
    service.apply(org_id, job["id"], actor="admin@example.com")

`start` only queues the job (a row of the metadata store). Workers run it: `plotboard
worker` processes, and unless `jobs_in_web` is off a thread of each web server process
(`start_worker`); see `plotboard.store.queue` for claims, leases, retries and stops. A cancel
request is a column any server can set; the worker stops the job at its next step.

The LLM is reached through `llm_settings(org_id)`, which returns the organization's LLM
settings or None; by default they come from the AI settings the admin saved
(`configured_llm`), and with none the templates write the descriptions.
"""

from __future__ import annotations

import logging
import threading
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
from plotboard.store import queue
from plotboard.store.models import AnalyzeJob

if TYPE_CHECKING:
    from plotboard.ai.llm import LLMSettings
    from plotboard.runtime import Runtime

logger = logging.getLogger(__name__)


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
    """Starts, reports, cancels and applies Analyze jobs for one `Runtime`."""

    def __init__(self, runtime: Runtime, *, llm_settings: LLMProvider | None = None) -> None:
        self.runtime = runtime
        self.llm_settings = llm_settings or configured_llm(runtime)

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
                    session, org_id, source_id, tables, request, llm is not None, actor,
                    max_attempts=self.runtime.settings.job_max_attempts,
                )  # fmt: skip
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
        queue.notify()  # this process's worker, if it has one, takes it now
        return out

    def job(self, org_id: str, job_id: str, *, detail: bool = True) -> dict[str, Any]:
        with self.runtime.store.session() as session:
            return store.job_json(store.get_job(session, org_id, job_id), detail=detail)

    def jobs(self, org_id: str, source_id: str, limit: int = 20) -> list[dict[str, Any]]:
        """Recent jobs of a source, newest first, without profiles and proposals."""
        with self.runtime.store.session() as session:
            get_source(session, org_id, source_id)
            rows = store.recent_jobs(session, source_id, limit)
            return [store.job_json(r, detail=False) for r in rows]

    def cancel(self, org_id: str, job_id: str, actor: str) -> dict[str, Any]:
        """Cancel the job: a queued one at once, a running one at its next query; a finished
        job is left alone."""
        with self.runtime.store.session() as session:
            job = store.get_job(session, org_id, job_id)
            if store.cancel_job(session, job, actor):
                audit.record(session, org_id, actor, "analyze.cancelled", "analyze_job", job.id)
            return store.job_json(job, detail=False)

    def org_jobs(self, org_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The organization's recent jobs on all its sources, newest first (no details)."""
        with self.runtime.store.session() as session:
            return [
                {**store.job_json(job, detail=False), "source_name": name}
                for job, name in store.org_jobs(session, org_id, limit)
            ]

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


def analyze_kind(
    runtime: Runtime,
    *,
    llm_settings: LLMProvider | None = None,
    profile_settings: ProfileSettings | None = None,
) -> queue.JobKind:
    """Analyze jobs for a `queue.Worker`: the table, and how to run one claimed job."""
    llm = llm_settings or configured_llm(runtime)
    profiling = profile_settings or ProfileSettings()

    def run(job_id: str, control: queue.JobControl) -> None:
        JobRun(runtime, job_id, llm, profiling, control).run()

    return queue.JobKind("Analyze", AnalyzeJob, run)


def start_worker(runtime: Runtime, *, threads: int | None = None, **kind: Any) -> queue.Worker:
    """A worker running this runtime's queued jobs, started (stop it with `.stop()`)."""
    s = runtime.settings
    worker = queue.Worker(
        runtime.store,
        [analyze_kind(runtime, **kind)],
        threads=threads or s.worker_threads,
        settings=queue.QueueSettings(
            lease_s=s.job_lease_seconds, retry_s=s.job_retry_seconds, poll_s=s.job_poll_seconds
        ),
    )
    worker.start()
    return worker


_services: weakref.WeakKeyDictionary[Runtime, AnalyzeService] = weakref.WeakKeyDictionary()
_services_lock = threading.Lock()


def analyze_service(runtime: Runtime, **options: Any) -> AnalyzeService:
    """The runtime's Analyze service, created on first use. `options` apply only when it is
    created."""
    with _services_lock:
        service = _services.get(runtime)
        if service is None:
            service = AnalyzeService(runtime, **options)
            _services[runtime] = service
        return service
