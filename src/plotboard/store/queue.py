"""A small job queue on a table of the metadata store, and the worker that runs its jobs.

Why our own and not a queue library: the store is SQLite or PostgreSQL, and the maintained
queues for Python need PostgreSQL (procrastinate), Redis (rq, arq, dramatiq) or a broker
(celery); a newcomer's SQLite set-up would need a second service for one kind of job. The
queue is the job's own row: the admin API, the console and /metrics read the same row the
worker writes, within one transaction — no second copy of the state to keep in step.

A job row (`analyze_jobs` today; scheduled work will get a table with the same columns) is

    queued --claim--> running --done/failed--> done | failed
       ^                 |
       +-- retry/release-+        (back to queued: a failure with attempts left, after a
                                   back-off; or a worker that stops, without counting)

- **claim**: one UPDATE that picks the oldest ready job and makes it the worker's:
  ``UPDATE … WHERE id = (SELECT id … LIMIT 1 [FOR UPDATE SKIP LOCKED]) AND <ready> RETURNING
  id``. On PostgreSQL `SKIP LOCKED` lets workers pass each other's picks; on SQLite the write
  lock makes the statement atomic. `<ready>` is re-checked by the UPDATE, so two workers
  never both take a job (PostgreSQL re-evaluates it on the committed row).
- **lease**: a running job is its worker's until `lease_expires_at`; the worker's heartbeat
  renews it every third of `lease_s`. A worker killed mid-job stops renewing; once the lease
  has run out any worker claims the job again (that is another attempt), or fails it when
  it has had `max_attempts`.
- **fencing**: every write of a running job says ``WHERE runner = <me> AND status =
  'running'``; a worker whose lease was taken over finds nothing to write and drops the job.
- **stop**: a worker asked to stop (SIGTERM) tells its jobs, which put what they finished on
  the row and go back to queued (`release`, not an attempt): the next worker resumes them.

Times are the workers' clocks (UTC): keep the servers' clocks synchronised (NTP); a lease of
a minute tolerates seconds of drift.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard.store.models import utcnow

if TYPE_CHECKING:
    from plotboard.store.db import Store

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)
MAX_BACKOFF_S = 3600.0


def worker_name() -> str:
    """``host:pid:random``: unique per process start, readable in the job's `runner`."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class QueueSettings:
    """`lease_s`: how long a running job stays its worker's without a heartbeat.
    `retry_s`: the wait before the second attempt, doubled before each further one (at most an
    hour). `poll_s`: how often an idle worker looks for work."""

    lease_s: float = 60.0
    retry_s: float = 30.0
    poll_s: float = 1.0


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
_SECRET_PAIR = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key)(\s*[=:]\s*)[^\s,;&)\]'\"]+"
)
MAX_MESSAGE = 2000


def safe_message(text: str) -> str:
    """A job's message as stored (and shown to the organization's admins): credentials in
    URLs and ``password=...``-style pairs masked, at most `MAX_MESSAGE` characters. Jobs
    write plain-words messages and exception class names only; this is the last guard."""
    text = _USERINFO.sub(r"\1***@", text)
    text = _SECRET_PAIR.sub(r"\1\2***", text)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def finished(model: Any, status: str, message: str | None) -> dict[str, Any]:
    """The values that end a job: `status` with `message`, no worker, no lease."""
    values: dict[str, Any] = {
        "status": status,
        "error": None if message is None else safe_message(message),
        "finished_at": utcnow(),
        "lease_expires_at": None,
        "run_after": None,
    }
    if hasattr(model, "active_source_id"):  # the one-active-job-per-source slot is free
        values["active_source_id"] = None
    return values


def _ready(model: Any, now: Any) -> Any:
    waiting = sa.and_(
        model.status == QUEUED, sa.or_(model.run_after.is_(None), model.run_after <= now)
    )
    lost = sa.and_(
        model.status == RUNNING,
        model.lease_expires_at < now,
        model.attempts < model.max_attempts,
    )
    return sa.or_(waiting, lost)


def give_up_lost(session: Session, model: Any) -> int:
    """Fail the running jobs whose lease ran out and that have had every attempt."""
    now = utcnow()
    result = session.execute(
        sa.update(model)
        .where(
            model.status == RUNNING,
            model.lease_expires_at < now,
            model.attempts >= model.max_attempts,
        )
        .values(
            finished(
                model,
                FAILED,
                "Failed after every attempt: the worker running it stopped answering each "
                "time (it was killed or lost the metadata store). See the workers' logs.",
            )
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def claim(store: Store, model: Any, worker: str, lease_s: float) -> str | None:
    """Make the oldest ready job `worker`'s (running, one more attempt, leased for `lease_s`);
    its id, or None when no job is ready."""
    now = utcnow()
    with store.session() as session:
        give_up_lost(session, model)
        pick = sa.select(model.id).where(_ready(model, now)).order_by(model.created_at).limit(1)
        if session.get_bind().dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        claimed = session.execute(
            sa.update(model)
            .where(model.id == pick.scalar_subquery(), _ready(model, now))
            .values(
                status=RUNNING,
                runner=worker,
                attempts=model.attempts + 1,
                lease_expires_at=now + timedelta(seconds=lease_s),
                heartbeat_at=now,
                run_after=None,
                started_at=sa.func.coalesce(model.started_at, now),
            )
            .returning(model.id)
            .execution_options(synchronize_session=False)
        ).scalar()
    return str(claimed) if claimed is not None else None


def mine(model: Any, job_id: str, worker: str) -> Any:
    """The WHERE clause of every write a worker makes to its running job (fencing)."""
    return sa.and_(model.id == job_id, model.runner == worker, model.status == RUNNING)


def renew(store: Store, model: Any, job_ids: Iterable[str], worker: str, lease_s: float) -> None:
    ids = list(job_ids)
    if not ids:
        return
    now = utcnow()
    with store.session() as session:
        session.execute(
            sa.update(model)
            .where(model.id.in_(ids), model.runner == worker, model.status == RUNNING)
            .values(heartbeat_at=now, lease_expires_at=now + timedelta(seconds=lease_s))
            .execution_options(synchronize_session=False)
        )


def retry_or_fail(
    session: Session, model: Any, job_id: str, worker: str, message: str, retry_s: float
) -> bool:
    """After a failed attempt: back to queued after a back-off while attempts are left,
    else failed. The message says which attempt failed and why. False when the job was no
    longer this worker's (nothing written)."""
    row = session.execute(
        sa.select(model.attempts, model.max_attempts).where(mine(model, job_id, worker))
    ).first()
    if row is None:
        return False
    attempts, most = row
    message = safe_message(message)
    if attempts < most:
        wait = min(retry_s * 2 ** (attempts - 1), MAX_BACKOFF_S)
        values: dict[str, Any] = {
            "status": QUEUED,
            "runner": None,
            "lease_expires_at": None,
            "run_after": utcnow() + timedelta(seconds=wait),
            "error": f"Attempt {attempts} of {most} failed: {message} Trying again in "
            f"{wait:.0f} s.",
        }
    else:
        text = f"Failed after {attempts} attempts: {message}" if most > 1 else message
        values = finished(model, FAILED, text)
    session.execute(
        sa.update(model)
        .where(mine(model, job_id, worker))
        .values(values)
        .execution_options(synchronize_session=False)
    )
    return True


def release(session: Session, model: Any, job_id: str, worker: str) -> bool:
    """Give a running job back to the queue when its worker stops: queued, ready at once,
    the attempt not counted. False when it was no longer this worker's."""
    result = session.execute(
        sa.update(model)
        .where(mine(model, job_id, worker))
        .values(
            status=QUEUED,
            runner=None,
            lease_expires_at=None,
            run_after=None,
            attempts=model.attempts - 1,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# -- the worker ---------------------------------------------------------------------------------


@dataclass
class JobControl:
    """What a running job may ask its worker: its name (for `mine`), whether it must stop."""

    worker: str
    stopping: threading.Event
    lease_s: float
    retry_s: float


@dataclass(frozen=True)
class JobKind:
    """A table of jobs and the function that runs one of them to its end (it writes the
    outcome itself: done, `retry_or_fail`, or `release` when `control.stopping` is set)."""

    name: str
    model: Any
    run: Callable[[str, JobControl], None]


_workers: weakref.WeakSet[Worker] = weakref.WeakSet()


def notify() -> None:
    """A job was queued in this process: its idle workers look now rather than at their next
    poll."""
    for worker in list(_workers):
        worker.wake.set()


@dataclass(eq=False)  # hashable by identity, for `_workers`
class Worker:
    """Runs queued jobs on `threads` threads, renewing their leases on another.

    `start()` returns at once; `stop()` asks the jobs to stop (they are released, not lost)
    and waits for the threads. One per `plotboard worker` process, and one per web server
    process unless `jobs_in_web` is off."""

    store: Store
    kinds: Sequence[JobKind]
    threads: int = 2
    settings: QueueSettings = field(default_factory=QueueSettings)
    name: str = field(default_factory=worker_name)

    def __post_init__(self) -> None:
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self._held: dict[str, JobKind] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._beat_thread: threading.Thread | None = None
        self._idle = threading.Event()  # set once the job threads have ended

    def start(self) -> None:
        _workers.add(self)
        for number in range(self.threads):
            thread = threading.Thread(
                target=self._work, name=f"plotboard-job-{number}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        # Leases are renewed until the job threads have ended: a job releasing itself at
        # shutdown (its query interrupted) must not lose its lease meanwhile.
        self._beat_thread = threading.Thread(
            target=self._beat, name="plotboard-job-lease", daemon=True
        )
        self._beat_thread.start()

    def request_stop(self) -> None:
        """Safe in a signal handler: only sets events."""
        self.stopping.set()
        self.wake.set()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop taking jobs, let the running ones release themselves, wait for the threads."""
        self.request_stop()
        for thread in self._threads:
            thread.join(timeout_s)
        self._idle.set()
        if self._beat_thread is not None:
            self._beat_thread.join(timeout_s)
        _workers.discard(self)

    def running(self) -> list[str]:
        with self._lock:
            return list(self._held)

    def _work(self) -> None:
        while not self.stopping.is_set():
            job = None
            try:
                job = self._claim()
            except Exception:
                logger.warning("Could not look for jobs in the metadata store", exc_info=True)
            if job is None:
                self.wake.wait(self.settings.poll_s)
                self.wake.clear()
                continue
            job_id, kind = job
            control = JobControl(
                self.name, self.stopping, self.settings.lease_s, self.settings.retry_s
            )
            try:
                kind.run(job_id, control)
            except Exception:  # a job records its own failures; this is the last resort
                logger.exception("%s job %s crashed its worker thread", kind.name, job_id)
            finally:
                with self._lock:
                    self._held.pop(job_id, None)

    def _claim(self) -> tuple[str, JobKind] | None:
        for kind in self.kinds:
            with self._lock:  # held before the claim commits: the heartbeat renews it at once
                job_id = claim(self.store, kind.model, self.name, self.settings.lease_s)
                if job_id is not None:
                    self._held[job_id] = kind
            if job_id is not None:
                logger.info("%s job %s started on worker %s", kind.name, job_id, self.name)
                return job_id, kind
        return None

    def _beat(self) -> None:
        every = max(self.settings.lease_s / 3, 0.05)
        while not self._idle.wait(every):
            with self._lock:
                held = dict(self._held)
            for kind in self.kinds:
                try:
                    ids = [j for j, k in held.items() if k is kind]
                    renew(self.store, kind.model, ids, self.name, self.settings.lease_s)
                except Exception:
                    logger.warning("Could not renew the jobs' leases", exc_info=True)
