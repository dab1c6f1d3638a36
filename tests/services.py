"""Real database servers for tests: a fresh, throw-away database per use.

Under CI=true a server that cannot be reached fails the test run; elsewhere the tests that need
it are skipped with a message that says which server is missing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

PG_ADMIN_URL = os.environ.get(
    "PLOTBOARD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MARIADB_ADMIN_URL = os.environ.get(
    "PLOTBOARD_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/"
)
REDIS_URL = os.environ.get("PLOTBOARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def require(condition: bool, message: str) -> None:
    """Skip when something a test needs is missing; under CI=true, fail instead."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true requires it)", pytrace=False)
    pytest.skip(message)


def _unavailable(what: str, err: Exception) -> None:
    message = f"{what} is not reachable ({type(err).__name__}: {err})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI=true requires it", pytrace=False)
    pytest.skip(message)


@contextmanager
def temporary_postgres_database() -> Iterator[str]:
    """Create an empty PostgreSQL database and yield its SQLAlchemy URL; drop it afterwards."""
    name = f"pb_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as err:
        admin.dispose()
        _unavailable("PostgreSQL at " + PG_ADMIN_URL.split("@")[-1], err)
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def temporary_mariadb_database() -> Iterator[str]:
    """Create an empty MariaDB database and yield its SQLAlchemy URL; drop it afterwards."""
    name = f"pb_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(MARIADB_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    except Exception as err:
        admin.dispose()
        _unavailable("MariaDB at " + MARIADB_ADMIN_URL.split("@")[-1], err)
    url = sa.engine.make_url(MARIADB_ADMIN_URL).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def redis_url_or_fail() -> str:
    """The test Redis URL, after checking that the server answers."""
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL)
        client.ping()
        client.close()
    except Exception as err:
        _unavailable("Redis at " + REDIS_URL, err)
    return REDIS_URL


# -- ClickHouse -------------------------------------------------------------------------------
#
# Queries, access rules and Analyze run on ClickHouse's own engine in this process (chDB, the
# `chdb-core` wheel, a current ClickHouse release) through the driver users run against a
# server (clickhouse-connect, `interface=chdb`); the connection verdicts run against a real
# clickhouse-server over the network (`clickhouse_server`). One chDB engine per process, at one
# path: every test database is a ClickHouse database in it.
_CHDB_PATH: str | None = None


def chdb_path() -> str:
    """The folder of this process's chDB engine (created on first use; fails under CI=true and
    skips elsewhere when chDB is not installed)."""
    global _CHDB_PATH
    try:
        import chdb  # noqa: F401
        import clickhouse_connect  # noqa: F401
    except ImportError as err:
        _unavailable("ClickHouse (chdb-core and clickhouse-connect, the dev extra)", err)
    if _CHDB_PATH is None:
        import tempfile

        _CHDB_PATH = tempfile.mkdtemp(prefix="pb-chdb-")
    return _CHDB_PATH


def chdb_client(database: str | None = None) -> Any:
    """A clickhouse-connect client on this process's chDB engine (for setting data up)."""
    import clickhouse_connect

    return clickhouse_connect.get_client(interface="chdb", path=chdb_path(), database=database)


def chdb_options() -> dict[str, str]:
    """A `clickhouse` source's options that reach this process's chDB engine."""
    return {"interface": "chdb", "path": chdb_path(), "join_use_nulls": "1"}


def chdb_url(database: str) -> str:
    """A SQLAlchemy URL of a database in this process's chDB engine."""
    url = sa.engine.URL.create(
        "clickhousedb", username="default", host="localhost", database=database
    )
    return url.update_query_dict(chdb_options()).render_as_string(hide_password=False)


@contextmanager
def temporary_clickhouse_database() -> Iterator[str]:
    """Create an empty ClickHouse database (chDB) and yield its name; drop it afterwards."""
    name = f"pb_test_{uuid.uuid4().hex[:12]}"
    client = chdb_client()
    client.command(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        client.command(f"DROP DATABASE IF EXISTS {name} SYNC")
        client.close()


_SERVER_CONFIG = """<yandex>
  <logger><level>warning</level><log>{d}/server.log</log><errorlog>{d}/error.log</errorlog>
    <console>0</console></logger>
  <http_port>{http}</http_port>
  <tcp_port>{tcp}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>{d}/data/</path>
  <tmp_path>{d}/tmp/</tmp_path>
  <user_files_path>{d}/user_files/</user_files_path>
  <users_config>{d}/users.xml</users_config>
  <mark_cache_size>67108864</mark_cache_size>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
</yandex>
"""
_SERVER_USERS = """<yandex>
  <profiles><default><max_memory_usage>500000000</max_memory_usage></default></profiles>
  <users><plotboard><password>{password}</password><networks><ip>127.0.0.1</ip></networks>
    <profile>default</profile><quota>default</quota></plotboard></users>
  <quotas><default></default></quotas>
</yandex>
"""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def clickhouse_server(password: str) -> Iterator[int]:
    """Debian's clickhouse-server (`apt-get install clickhouse-server`), started in a folder of
    its own with one user, `plotboard`, whose password is `password`; yields its HTTP port.

    Debian ships release 18.16, older than what clickhouse-connect runs queries on, so the
    tests use it for what happens before the first query: the network, the user name and
    password, and the database (the queries run on a current engine: `chdb_path`)."""
    import shutil
    import subprocess
    import tempfile
    import time
    import urllib.request

    binary = shutil.which("clickhouse-server") or "/usr/sbin/clickhouse-server"
    require(
        os.path.exists(binary),
        "clickhouse-server is not installed (apt-get install clickhouse-server)",
    )
    folder = tempfile.mkdtemp(prefix="pb-clickhouse-")
    http, tcp = _free_port(), _free_port()
    with open(f"{folder}/config.xml", "w", encoding="utf-8") as out:
        out.write(_SERVER_CONFIG.format(d=folder, http=http, tcp=tcp))
    with open(f"{folder}/users.xml", "w", encoding="utf-8") as out:
        out.write(_SERVER_USERS.format(password=password))
    process = subprocess.Popen(
        [binary, f"--config-file={folder}/config.xml"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=folder,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{http}/ping", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError as err:
                if process.poll() is not None or time.monotonic() > deadline:
                    _unavailable(f"clickhouse-server on port {http}", err)
                time.sleep(0.1)
        yield http
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
