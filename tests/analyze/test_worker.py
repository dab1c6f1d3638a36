"""`plotboard worker` as real processes over a SQLite and a PostgreSQL metadata store.

The web app (in-process, `jobs_in_web` off) only queues jobs through the admin API; workers
started as subprocesses run them. One scenario per store: a quick job is done; a job on a
database that is down ends failed after its attempts; a slow job is released by a worker
stopped with SIGTERM (with the tables it finished), taken by a second worker that is killed
with SIGKILL mid-job, and finished by a third once the killed one's lease has run out —
without doing a table twice.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from plotboard.app import create_app
from plotboard.auth.api_keys import create_api_key
from plotboard.catalog.model import Column, Table
from plotboard.catalog.store import refresh_catalog
from plotboard.config import Settings
from plotboard.orgs import create_organization
from plotboard.runtime import Runtime
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.store import SourceIn, create_source
from plotboard.store.models import AnalyzeJob
from tests.analyze.conftest import Admin
from tests.live_server import clean_env, free_port, plotboard_command
from tests.services import temporary_postgres_database

SLOW_TABLES = ["slow_a", "slow_b", "slow_c", "slow_d"]
LEASE_S = 2.0


@pytest.fixture(scope="module")
def slow_database() -> Iterator[str]:
    """Four views on PostgreSQL, each query on them taking 0.4 s."""
    with temporary_postgres_database() as url:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            for name in SLOW_TABLES:
                conn.execute(
                    sa.text(
                        f"CREATE VIEW {name} AS SELECT g AS n, pg_sleep(0.2)::text AS pause "
                        "FROM generate_series(1, 2) AS g"
                    )
                )
        engine.dispose()
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'plotboard.db'}"
        return
    with temporary_postgres_database() as url:
        yield url


class Workers:
    """`plotboard worker` subprocesses on one store, with their output in files."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.folder = env, folder
        self.started: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self) -> subprocess.Popen[bytes]:
        log = self.folder / f"worker-{len(self.started)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*plotboard_command(), "worker", "--threads", "2"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.started.append((process, log))
        until(lambda: "is running" in self.output(process), f"worker {process.pid} started")
        return process

    def output(self, process: subprocess.Popen[bytes]) -> str:
        log = next(log for p, log in self.started if p is process)
        return log.read_text(errors="replace")

    def stop_all(self) -> None:
        for process, _ in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def until(check: Callable[[], Any], what: str, timeout_s: float = 60) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        time.sleep(0.05)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_workers_run_retry_release_and_take_over_jobs(
    store_url: str, slow_database: str, demo_db: Path, tmp_path: Path
) -> None:
    secret = "worker-" + secrets.token_urlsafe(40)
    settings = dict(
        database_url=store_url,
        secret_key=secret,
        data_dir=tmp_path,
        job_max_attempts=2,
        job_retry_seconds=0.2,
        job_lease_seconds=LEASE_S,
        job_poll_seconds=0.1,
    )
    runtime = Runtime(Settings(**settings, jobs_in_web=False))  # type: ignore[arg-type]
    env = clean_env(**{f"PLOTBOARD_{k.upper()}": str(v) for k, v in settings.items()})
    workers = Workers(env, tmp_path)
    try:
        with runtime.store.session() as session:
            org = create_organization(session, runtime.secret_key, "Jobs")
            _, key = create_api_key(session, org.id, "ops", ["admin"], "test")
        with TestClient(create_app(runtime=runtime), base_url="http://plotboard.test") as client:
            _scenario(Admin(org.id, key, client, runtime), workers, slow_database, demo_db)
    finally:
        workers.stop_all()
        runtime.close()


def _scenario(admin: Admin, workers: Workers, slow_database: str, demo_db: Path) -> None:
    def job(job_id: str) -> dict[str, Any]:
        found: dict[str, Any] = admin.call("GET", f"/analyze/{job_id}", 200).json()
        return found

    def start(source: str, **body: Any) -> str:
        job_id: str = admin.call("POST", f"/sources/{source}/analyze", 202, json=body).json()["id"]
        return job_id

    quick = start(
        admin.add_source(SourceConnection(kind="sqlite", path=str(demo_db))), tables=["offices"]
    )
    failing = start(_source_that_is_down(admin))
    slow = start(admin.add_source(SourceConnection(kind="url", url=slow_database)))
    # The web app does not run jobs (jobs_in_web off): they wait for a worker.
    time.sleep(0.5)
    assert {job(j)["status"] for j in (quick, failing, slow)} == {"queued"}
    # Cancelling a queued job ends it at once, worker or not.
    dropped = start(admin.add_source(SourceConnection(kind="sqlite", path=str(demo_db))))
    cancelled = admin.call("POST", f"/analyze/{dropped}/cancel", 200).json()
    assert cancelled["status"] == "failed" and cancelled["error"].startswith("Cancelled by ")

    first = workers.start()
    done = until(lambda: job(quick)["status"] == "done" and job(quick), "the quick job")
    assert done["attempts"] == 1 and done["counts"]["tables_done"] == 1
    failed = until(lambda: job(failing)["status"] == "failed" and job(failing), "the failed job")
    assert failed["attempts"] == 2 and failed["finished_at"] is not None
    assert failed["error"].startswith("Failed after 2 attempts: Nothing is accepting connections")
    assert "pw-xxx" not in failed["error"]

    # SIGTERM while the slow job runs, after its first table: released, not lost.
    until(lambda: job(slow)["counts"].get("tables_done", 0) >= 1, "a slow table done")
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=20) == 0, workers.output(first)
    assert f"released 1 job(s) for another worker: {slow}" in workers.output(first)
    released = job(slow)
    assert released["status"] == "queued" and released["attempts"] == 0, released
    kept = released["counts"]["tables_done"]
    assert 1 <= kept < len(SLOW_TABLES)
    assert [p["table"] for p in released["profiles"]] == SLOW_TABLES[:kept]

    # A second worker takes it and is killed mid-job: the job stays its for the lease...
    second = workers.start()
    until(lambda: _runner_pid(admin, slow) == second.pid, "the second worker's claim")
    os.kill(second.pid, signal.SIGKILL)
    second.wait(timeout=10)
    assert job(slow)["status"] == "running"
    # ... then a third takes it over and finishes it, each table profiled once.
    third = workers.start()
    finished = until(lambda: job(slow)["status"] == "done" and job(slow), "the taken-over job")
    assert _runner_pid(admin, slow, running=False) == third.pid
    assert finished["attempts"] == 2 and finished["error"] is None
    assert [p["table"] for p in finished["profiles"]] == SLOW_TABLES
    third.send_signal(signal.SIGTERM)
    assert third.wait(timeout=20) == 0
    assert workers.output(third).strip().endswith("Stopped."), workers.output(third)

    # /metrics counts the jobs from the store, whichever process ran them.
    admin.runtime.settings.metrics_token = token = "metrics-" + "m" * 32
    scraped = admin.client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).text
    lines = set(scraped.splitlines())
    assert 'plotboard_analyze_jobs{state="done"} 2.0' in lines, scraped
    assert 'plotboard_analyze_jobs{state="failed"} 2.0' in lines  # the cancelled one too
    assert 'plotboard_analyze_jobs{state="queued"} 0.0' in lines
    assert "plotboard_analyze_job_retries 2.0" in lines  # the failed one's, the taken-over one's


def _source_that_is_down(admin: Admin) -> str:
    """A PostgreSQL source (with a password) where nothing listens, with one table."""
    conn = SourceConnection(
        kind="postgresql", host="127.0.0.1", port=_closed_port(), user="u", database="d",
        password="pw-" + "x" * 20,
    )  # fmt: skip
    with admin.runtime.store.session() as session:
        row = create_source(
            session, admin.org_id, SourceIn(name="down", connection=conn), admin.runtime.secret_key
        )
        refresh_catalog(session, row.id, [Table("t", (Column("a", "integer"),))])
        return row.id


def _runner_pid(admin: Admin, job_id: str, *, running: bool = True) -> int | None:
    """The pid of the worker that has (or last had) the job."""
    with admin.runtime.store.session() as session:
        row = session.get(AnalyzeJob, job_id)
        if row is None or not row.runner or (running and row.status != "running"):
            return None
        return int(row.runner.split(":")[1])


def test_a_server_that_stops_gives_its_running_job_back(slow_database: str, tmp_path: Path) -> None:
    """`plotboard serve` runs jobs itself (jobs_in_web, the newcomer's set-up); on SIGTERM its
    running job goes back to the queue with the tables it finished, not failed."""
    store = f"sqlite:///{tmp_path / 'plotboard.db'}"
    secret = "serve-" + secrets.token_urlsafe(40)
    runtime = Runtime(Settings(database_url=store, secret_key=secret, data_dir=tmp_path))
    try:
        with runtime.store.session() as session:
            org = create_organization(session, runtime.secret_key, "Serve")
            _, key = create_api_key(session, org.id, "ops", ["admin"], "test")
    finally:
        runtime.close()
    port = free_port()
    env = clean_env(
        PLOTBOARD_DATABASE_URL=store, PLOTBOARD_SECRET_KEY=secret, PLOTBOARD_DATA_DIR=str(tmp_path)
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*plotboard_command(), "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/api/v1/admin"
    auth = {"Authorization": f"Bearer {key}"}
    try:

        def answering() -> bool:
            try:
                return httpx.get(f"{url}/audit", headers=auth, timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        until(answering, f"the server to answer: {log.read_text(errors='replace')}")
        body = {"name": "slow", "connection": {"kind": "url", "url": slow_database}}
        source = httpx.post(f"{url}/sources", json=body, headers=auth, timeout=30)
        assert source.status_code == 201, source.text
        started = httpx.post(
            f"{url}/sources/{source.json()['id']}/analyze", json={}, headers=auth, timeout=30
        )
        assert started.status_code == 202, started.text
        job_url = f"{url}/analyze/{started.json()['id']}"

        def one_table_done() -> bool:
            job = httpx.get(job_url, headers=auth, timeout=5).json()
            return bool(job["counts"].get("tables_done", 0) >= 1)

        until(one_table_done, "a table analyzed by the server's own worker")
        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down, then raises the signal again to exit with it (-15).
        assert server.wait(timeout=30) in (0, -signal.SIGTERM), log.read_text(errors="replace")
        assert "Application shutdown complete." in log.read_text(errors="replace")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
    runtime = Runtime(Settings(database_url=store, secret_key=secret, data_dir=tmp_path))
    try:
        with runtime.store.session() as session:
            row = session.get(AnalyzeJob, started.json()["id"])
            assert row is not None
            assert row.status == "queued" and row.attempts == 0 and row.runner is None
            done = row.counts["tables_done"]
            assert 1 <= done < len(SLOW_TABLES), row.counts
            assert [p["table"] for p in row.profiles] == SLOW_TABLES[:done]
    finally:
        runtime.close()
