"""Shared set-up for the benchmarks: a plotboard server on a fresh store, with one source.

Benchmarks are scripts, not tests: run them with `make bench` or one by one, e.g.
`.venv/bin/python bench/bench_query.py`. They need the PostgreSQL server of the README.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-" + "x" * 40
PG_ADMIN = os.environ.get(
    "PLOTBOARD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(eq=False)  # hashable by identity: benchmarks key clients by server
class Server:
    url: str
    api_key: str
    source_id: str
    store_url: str
    pid: int = 0

    def rss_mib(self) -> float:
        """The server process's resident memory now (Linux), in MiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def token(self, **attributes: Any) -> str:
        r = httpx.post(
            f"{self.url}/api/v1/embed/tokens",
            json={"user_id": "bench", "attributes": attributes, "expires_in": 86400},
            headers={"Authorization": f"Bearer {self.api_key}"},
        )
        r.raise_for_status()
        token: str = r.json()["token"]
        return token


def prepare_store(
    data_dir: Path,
    connection: dict[str, Any],
    rules: list[tuple[str, list[dict[str, Any]]]],
    attributes: list[tuple[str, str]],
    cache_ttl: float,
    row_cap: int = 10_000,
) -> tuple[str, str, str]:
    """A migrated SQLite store with one org, key, attributes, source and rules."""
    from plotboard.access.store import parse_checked, save_rule
    from plotboard.auth.api_keys import create_api_key
    from plotboard.auth.attribute_store import AttributeIn, attribute_model, create_attribute
    from plotboard.catalog.store import refresh_catalog, stored_catalog
    from plotboard.config import Settings
    from plotboard.orgs import create_organization
    from plotboard.runtime import Runtime
    from plotboard.sources.dialects import SourceConnection
    from plotboard.sources.engines import create_source_engine
    from plotboard.sources.introspect import introspect
    from plotboard.sources.store import SourceIn, SourceSettings, create_source

    store_url = f"sqlite:///{data_dir / 'plotboard.db'}"
    runtime = Runtime(Settings(database_url=store_url, secret_key=SECRET, data_dir=data_dir))
    conn = SourceConnection.model_validate(connection)
    engine = create_source_engine(conn)
    tables = introspect(engine)
    engine.dispose()
    with runtime.store.session() as session:
        org = create_organization(session, runtime.secret_key, "Bench")
        if hasattr(org, "limits"):
            # The benchmarks measure speed, not the usage limits: all off (0).
            from plotboard.usage import UsageLimits

            org.limits = dict.fromkeys(UsageLimits.model_fields, 0)
        _, key = create_api_key(session, org.id, "bench", ["tokens", "admin"], None)
        for name, kind in attributes:
            create_attribute(session, org.id, AttributeIn(name=name, type=kind))  # type: ignore[arg-type]
        source = create_source(
            session,
            org.id,
            SourceIn(
                name="bench",
                connection=conn,
                settings=SourceSettings(cache_ttl_seconds=cache_ttl, row_cap=row_cap),
                # Open to the benchmark's end users (a new source is closed to them); older
                # versions, measured for comparison, had no such field.
                **({"end_users": "open"} if "end_users" in SourceIn.model_fields else {}),
            ),
            runtime.secret_key,
        )
        refresh_catalog(session, source.id, tables)
        catalog = stored_catalog(session, source.id, conn.dialect)
        model = attribute_model(session, org.id)
        for table, conditions in rules:
            save_rule(session, org.id, source.id, parse_checked(table, conditions, catalog, model))
        source_id = source.id
    runtime.close()
    return store_url, key, source_id


@contextmanager
def running_server(
    connection: dict[str, Any],
    rules: list[tuple[str, list[dict[str, Any]]]],
    attributes: list[tuple[str, str]],
    *,
    cache_ttl: float,
    workers: int = 1,
    row_cap: int = 10_000,
    src: Path | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """A `plotboard serve` process on a fresh store. `src`, when given, is another checkout's
    `src/` folder to run instead of the installed plotboard (say, the previous commit's, for a
    before/after comparison in one run); `env` adds environment variables."""
    data_dir = Path(tempfile.mkdtemp(prefix="pb-bench-"))
    store_url, key, source_id = prepare_store(
        data_dir, connection, rules, attributes, cache_ttl, row_cap
    )
    port = free_port()
    env = {
        **os.environ,
        "PLOTBOARD_DATABASE_URL": store_url,
        "PLOTBOARD_SECRET_KEY": SECRET,
        "PLOTBOARD_DATA_DIR": str(data_dir),
        "PLOTBOARD_API_KEY_CACHE_SECONDS": "5",
        **(env or {}),
    }
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    cmd = [
        str(Path(sys.executable).parent / "plotboard"),
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-migrate",
    ]
    # The server's log goes to a file: an unread pipe fills up after 64 KB of access log and
    # then blocks the server's event loop, which is what the benchmark would measure.
    log_path = data_dir / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a busy 2-core machine takes a while to import
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                proc.wait(10)
                err = log_path.read_text(encoding="utf-8", errors="replace")
                raise SystemExit(f"server did not start:\n{err}")
            time.sleep(0.2)
        yield Server(url, key, source_id, store_url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
