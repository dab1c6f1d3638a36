"""Several `plotboard serve` processes on one PostgreSQL metadata store and Redis, behind a
round-robin HAProxy, set up with three organizations (tenants):

- **acme**: one SQLite source; rule `orders.owner = user.owner`.
- **globex**: one source routed by the token attribute `tenant` to a SQLite file per tenant
  (`globex_east.sqlite`, `globex_west.sqlite`), the same rule.
- **initech**: low per-user limits, for the probe that checks limits add up across servers.

Every owner's rows differ in each file (count, products, amounts), so an answer from another
user, another tenant or another organization never matches the expected one. Used by the scale
test (tests/scale/test_scale.py) and the benchmark (bench/bench_scale.py).

The load balancer is Debian's HAProxy (`apt-get install haproxy`; .ci/run installs it), as
deployments use, rather than a proxy written here: a Python proxy (uvicorn + httpx) halved the
requests a second this machine could send through it, so the figures would have measured the
proxy. HAProxy sends each request to the next server in turn (`balance roundrobin`), retries a
refused connection on another server (`retries`, `option redispatch`; nothing was sent, so any
method is safe to retry), answers 502 for a request whose server died while working on it (it
may have been carried out: never retried), and names the server that answered in `X-Upstream`.
It closes each server connection after the answer (`option http-server-close`): reusing an idle
one races with the server closing it (uvicorn keeps an idle connection 5 s), and HAProxy then
drops the client's connection without an answer, which would look like a request lost on a
server that is well.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.live_server import clean_env, free_port, plotboard_command, stop
from tests.open_sources import open_if_created
from tests.services import redis_url_or_fail, require, temporary_postgres_database

SECRET = "scale-test-secret-" + "s" * 40
PRODUCTS = ("Widget", "Gadget", "Gizmo", "Sprocket")
ORGS = ("acme", "globex", "initech")
GLOBEX_TENANTS = ("east", "west")
#: The probe's limits (org initech): a minute's worth it may send, whichever server it reaches.
PROBE_QUERIES_PER_MINUTE = 30
PROBE_AI_PER_MINUTE = 9
#: acme and globex: room for the load (a dashboard sends six queries at once) ...
LOAD_LIMITS = {
    "query_per_org_at_once": 1000,
    "query_per_org_per_minute": 1_000_000,
    "ai_per_org_at_once": 200,
    "ai_per_org_per_minute": 1_000_000,
    "ai_per_user_per_minute": 120,
}
STARTUP_TIMEOUT_S = 180.0  # three servers importing at once on a busy 2-core machine
HAPROXY_CONFIG = """\
global
    maxconn 4096
defaults
    mode http
    timeout connect 2s
    timeout client 300s
    timeout http-keep-alive 300s
    timeout server 120s
    retries 3
    option redispatch 1
    option http-server-close
frontend plotboard
    bind 127.0.0.1:{port}
    default_backend servers
    http-after-response set-header X-Upstream %[srv_name]
backend servers
    balance roundrobin
{servers}
"""

Row = tuple[int, str, str, int, str]  # order_id, owner, product, amount, ordered_on


def owner_key(index: int) -> str:
    """The `owner` value of rows, and of the token attribute that the rule compares with it."""
    return f"owner{index:03d}"


def user_ids(count: int) -> list[str]:
    return [f"u{i:03d}" for i in range(count)]


def _orders(place: str, owners: list[str]) -> list[Row]:
    """Each owner's rows in the file `place`: how many, which products and amounts depend on
    both, deterministically."""
    rows: list[Row] = []
    for owner in owners:
        rng = random.Random(f"{place}/{owner}")
        for _ in range(3 + rng.randrange(38)):
            day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365))
            amount = rng.randrange(1, 5000)
            rows.append((len(rows) + 1, owner, rng.choice(PRODUCTS), amount, day.isoformat()))
    return rows


def write_data(folder: Path, users: int) -> dict[str, list[Row]]:
    """The SQLite files of the sources, and every file's rows by place (file stem). Every file
    has rows of the same owners (and of owner999, whom no token names): only the file tells
    them apart, so an answer from another organization's or tenant's database, or a cached
    answer of theirs, has the right owner and the wrong rows. globex.sqlite is the routed
    source's base: its catalog, never anyone's rows."""
    owners = [*(owner_key(i) for i in range(users)), owner_key(999)]
    places = ["acme", "globex", *(f"globex_{t}" for t in GLOBEX_TENANTS)]
    data: dict[str, list[Row]] = {}
    for place in places:
        rows = _orders(place, owners)
        with sqlite3.connect(folder / f"{place}.sqlite") as db:
            db.execute(
                "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, owner TEXT NOT NULL, "
                "product TEXT NOT NULL, amount INTEGER NOT NULL, ordered_on DATE NOT NULL)"
            )
            db.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", rows)
        data[place] = rows
    return data


@dataclass
class OrgSetup:
    name: str
    org_id: str
    key: str  # scopes tokens + admin: the host backend's
    source_id: str = ""


@dataclass
class ServerProcess:
    index: int
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@dataclass
class Cluster:
    store_url: str
    redis_url: str
    proxy_url: str
    folder: Path
    servers: list[ServerProcess]
    orgs: dict[str, OrgSetup]
    data: dict[str, list[Row]]
    killed: list[int] = field(default_factory=list)

    def kill(self, index: int) -> None:
        """SIGKILL one app server: no shutdown, no answer to what it was doing."""
        server = self.servers[index]
        os.kill(server.process.pid, signal.SIGKILL)
        self.killed.append(index)

    def admin(self, org: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.orgs[org].key}"}
        response = httpx.request(
            method, f"{self.proxy_url}/api/v1/admin{path}", headers=headers, timeout=60, **kwargs
        )
        open_if_created(
            method,
            path,
            kwargs.get("json"),
            response,
            lambda p, body: httpx.patch(
                f"{self.proxy_url}/api/v1/admin{p}", headers=headers, json=body, timeout=60
            ),
        )
        return response


def _create_orgs(store_url: str, folder: Path) -> dict[str, OrgSetup]:
    """Migrate the store and create the organizations, their keys and token attributes."""
    from plotboard.auth.api_keys import create_api_key
    from plotboard.auth.attribute_store import AttributeIn, create_attribute
    from plotboard.config import Settings
    from plotboard.orgs import create_organization
    from plotboard.runtime import Runtime

    runtime = Runtime(Settings(database_url=store_url, secret_key=SECRET, data_dir=folder))
    orgs: dict[str, OrgSetup] = {}
    try:
        with runtime.store.session() as session:
            for name in ORGS:
                org = create_organization(session, runtime.secret_key, name.title())
                _, key = create_api_key(session, org.id, "host backend", ["tokens", "admin"], None)
                create_attribute(session, org.id, AttributeIn(name="owner", type="string"))
                if name == "globex":
                    create_attribute(session, org.id, AttributeIn(name="tenant", type="string"))
                orgs[name] = OrgSetup(name, org.id, key)
    finally:
        runtime.close()
    return orgs


def _configure(cluster: Cluster) -> None:
    """Sources, rules and limits through the admin API, as an admin would."""
    rule = {"conditions": [{"column": "owner", "op": "eq", "attribute": "owner"}]}
    for name, org in cluster.orgs.items():
        base = "globex" if name == "globex" else "acme"
        body: dict[str, Any] = {
            "name": "Orders",
            "connection": {"kind": "sqlite", "path": str(cluster.folder / f"{base}.sqlite")},
        }
        if name == "globex":
            body["routing"] = {"attribute": "tenant", "mode": "database",
                               "template": "globex_{value}"}  # fmt: skip
        made = cluster.admin(name, "POST", "/sources", json=body)
        assert made.status_code == 201, made.text
        org.source_id = made.json()["id"]
        ruled = cluster.admin(name, "PUT", f"/sources/{org.source_id}/rules/orders", json=rule)
        assert ruled.status_code == 200, ruled.text
        limits = (
            # The rates only (the probe sends 30 at once to be done quickly under load).
            {"query_per_user_per_minute": PROBE_QUERIES_PER_MINUTE,
             "ai_per_user_per_minute": PROBE_AI_PER_MINUTE,
             "query_per_user_at_once": 0, "ai_per_user_at_once": 0,
             "query_per_org_at_once": 0, "ai_per_org_at_once": 0}
            if name == "initech"
            else LOAD_LIMITS
        )  # fmt: skip
        changed = cluster.admin(name, "PATCH", "/limits", json=limits)
        assert changed.status_code == 200, changed.text


def _start_server(index: int, folder: Path, env: dict[str, str]) -> ServerProcess:
    port = free_port()
    log = folder / f"server-{index}.log"
    command = [*plotboard_command(), "serve", "--no-migrate", "--workers", "1",
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    data_dir = folder / f"server-{index}"
    data_dir.mkdir()
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env={**env, "PLOTBOARD_DATA_DIR": str(data_dir)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return ServerProcess(index, f"http://127.0.0.1:{port}", process, log)


def _wait_until_ready(servers: list[ServerProcess], proxy: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    waiting = [s.url + "/readyz" for s in servers] + [proxy + "/livez"]
    while waiting:
        for server in servers:
            if server.process.poll() is not None:
                raise AssertionError(f"server {server.index} exited:\n{server.output()}")
        try:
            if httpx.get(waiting[0], timeout=2).status_code == 200:
                waiting.pop(0)
                continue
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{waiting[0]} did not answer in {STARTUP_TIMEOUT_S:.0f} s")
        time.sleep(0.2)


def _upstream(server: ServerProcess) -> str:
    return f"    server {server.index} {server.url.removeprefix('http://')}"


@contextmanager
def _haproxy(folder: Path, servers: list[ServerProcess]) -> Iterator[str]:
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    require(Path(haproxy).exists(), "HAProxy is not installed (apt-get install haproxy)")
    port = free_port()
    config = folder / "haproxy.cfg"
    servers_lines = "\n".join(_upstream(s) for s in servers)
    config.write_text(HAPROXY_CONFIG.format(port=port, servers=servers_lines))
    with (folder / "haproxy.log").open("wb") as log:
        process = subprocess.Popen(
            [haproxy, "-db", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@contextmanager
def running_cluster(
    folder: Path,
    servers: int = 3,
    users: int = 50,
    store_pool: tuple[int, int] = (5, 5),
) -> Iterator[Cluster]:
    """`servers` app servers (one worker each) and the proxy, on a fresh PostgreSQL store and
    the test Redis; `users` user ids per organization have rows. Everything is stopped after."""
    redis_url = redis_url_or_fail()
    data = write_data(folder, users)
    with temporary_postgres_database() as store_url, ExitStack() as stack:
        orgs = _create_orgs(store_url, folder)
        env = clean_env(
            PLOTBOARD_DATABASE_URL=store_url,
            PLOTBOARD_REDIS_URL=redis_url,
            PLOTBOARD_SECRET_KEY=SECRET,
            PLOTBOARD_STORE_POOL_SIZE=str(store_pool[0]),
            PLOTBOARD_STORE_MAX_OVERFLOW=str(store_pool[1]),
            PLOTBOARD_ACCESS_LOG="false",
        )
        started = [_start_server(i, folder, env) for i in range(servers)]
        for server in started:
            stack.callback(stop, server.process)
        proxy_url = stack.enter_context(_haproxy(folder, started))
        _wait_until_ready(started, proxy_url)
        cluster = Cluster(store_url, redis_url, proxy_url, folder, started, orgs, data)
        _configure(cluster)
        yield cluster
