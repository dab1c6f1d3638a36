"""Test connection: every verdict produced for real against local servers and files.

No address other than 127.0.0.1 is contacted; the unknown-host cases use the reserved
`.invalid` top-level domain, which never resolves.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from plotboard.sources import ConnectionVerdict, SourceConnection, test_connection
from plotboard.sources.classify import classify_connect_error
from tests.sources.conftest import Sources

SECRET = "Wr0ng-Horse-Battery"
UNKNOWN_HOST = "plotboard-no-such-host.invalid"


def assert_clean(verdict: ConnectionVerdict, code: str) -> None:
    assert verdict.code == code, verdict
    assert not verdict.ok
    assert SECRET not in verdict.message
    assert "Traceback" not in verdict.message and "\n" not in verdict.message
    assert verdict.server_version is None


def replace(conn: SourceConnection, **changes: object) -> SourceConnection:
    return SourceConnection(**{**conn.model_dump(), "password": conn.password_value(), **changes})


# -- success ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "version"),
    [
        ("postgresql", "PostgreSQL "),
        ("mysql", "MariaDB "),
        ("sqlite", "SQLite 3"),
        ("duckdb", "DuckDB "),
    ],
)
def test_ok_with_server_version(sources: Sources, kind: str, version: str) -> None:
    verdict = test_connection(sources[kind])
    assert verdict.ok and verdict.code == "ok", verdict
    assert verdict.server_version is not None and verdict.server_version.startswith(version)
    assert verdict.server_version in verdict.message


# -- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture
def pg_nologin_role(pg_admin_url: str) -> Iterator[str]:
    """A role that has a password but may not log in."""
    name = f"pb_nologin_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {name} NOLOGIN PASSWORD '{SECRET}'")
    yield name
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP ROLE IF EXISTS {name}")
    engine.dispose()


def test_pg_access_denied_for_a_role_that_may_not_log_in(
    sources: Sources, pg_nologin_role: str
) -> None:
    verdict = test_connection(replace(sources["postgresql"], user=pg_nologin_role, password=SECRET))
    assert_clean(verdict, "access_denied")
    assert "not allowed to log in" in verdict.message


def test_pg_access_denied_for_an_unknown_user(sources: Sources) -> None:
    verdict = test_connection(replace(sources["postgresql"], user="pb_nobody", password=SECRET))
    assert_clean(verdict, "access_denied")
    assert 'no user called "pb_nobody"' in verdict.message


def test_pg_wrong_password_message_is_classified() -> None:
    # The local server trusts 127.0.0.1, so it never asks for a password; classify libpq's
    # exact wording instead (this is the message psycopg raises for SQLSTATE 28P01).
    conn = SourceConnection(kind="postgresql", host="db", user="bi", password=SECRET, database="d")
    err = psycopg.OperationalError(
        'connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  '
        'password authentication failed for user "bi"'
    )
    problem = classify_connect_error(err, conn)
    assert problem.code == "access_denied"
    assert problem.message == 'The database refused the user name or password (user "bi").'


def test_pg_database_does_not_exist(sources: Sources) -> None:
    verdict = test_connection(replace(sources["postgresql"], database="pb_no_such_db"))
    assert_clean(verdict, "database_not_found")
    assert '"pb_no_such_db"' in verdict.message


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_connection_refused(sources: Sources, kind: str, closed_port: int) -> None:
    started = time.monotonic()
    verdict = test_connection(replace(sources[kind], host="127.0.0.1", port=closed_port))
    assert_clean(verdict, "connection_refused")
    assert f"127.0.0.1:{closed_port}" in verdict.message
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_unknown_host(sources: Sources, kind: str) -> None:
    verdict = test_connection(replace(sources[kind], host=UNKNOWN_HOST, password=SECRET))
    assert_clean(verdict, "unknown_host")
    assert UNKNOWN_HOST in verdict.message


@pytest.mark.parametrize(("kind", "timeout_s"), [("postgresql", 2.0), ("mysql", 1.0)])
def test_timeout_when_the_server_never_answers(
    sources: Sources, kind: str, timeout_s: float, silent_port: int
) -> None:
    started = time.monotonic()
    verdict = test_connection(
        replace(sources[kind], host="127.0.0.1", port=silent_port, password=SECRET),
        timeout_s=timeout_s,
    )
    elapsed = time.monotonic() - started
    assert_clean(verdict, "timeout")
    assert f"within {timeout_s:g} s" in verdict.message
    assert timeout_s - 0.2 < elapsed < timeout_s + 1.5


# -- MariaDB ------------------------------------------------------------------------------------


@pytest.fixture
def maria_user(maria_admin_url: str) -> Iterator[str]:
    """A MariaDB user with the password SECRET + '!' and access to the test database."""
    name = f"pb_u{uuid.uuid4().hex[:8]}"
    database = sa.engine.make_url(maria_admin_url).database
    engine = sa.create_engine(maria_admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        # text() escapes the % host wildcard for PyMySQL's pyformat parameters.
        conn.execute(sa.text(f"CREATE USER '{name}'@'%' IDENTIFIED BY '{SECRET}!'"))
        conn.execute(sa.text(f"GRANT SELECT ON `{database}`.* TO '{name}'@'%'"))
    yield name
    with engine.connect() as conn:
        conn.execute(sa.text(f"DROP USER IF EXISTS '{name}'@'%'"))
    engine.dispose()


def test_mysql_wrong_password(sources: Sources, maria_user: str) -> None:
    good = replace(sources["mysql"], user=maria_user, password=SECRET + "!")
    assert test_connection(good).ok  # the user exists and the right password works
    verdict = test_connection(replace(good, password=SECRET))
    assert_clean(verdict, "access_denied")
    assert (
        verdict.message == f'The database refused the user name or password (user "{maria_user}").'
    )


def test_mysql_missing_password(sources: Sources, maria_user: str) -> None:
    verdict = test_connection(replace(sources["mysql"], user=maria_user, password=None))
    assert_clean(verdict, "access_denied")
    assert "asks for a password" in verdict.message


def test_mysql_database_does_not_exist(sources: Sources) -> None:
    verdict = test_connection(replace(sources["mysql"], database="pb_no_such_db"))
    assert_clean(verdict, "database_not_found")
    assert '"pb_no_such_db"' in verdict.message


# -- files --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
def test_file_not_found_and_not_created(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"missing.{kind}"
    verdict = test_connection(SourceConnection(kind=kind, path=str(path)))  # type: ignore[arg-type]
    assert_clean(verdict, "file_not_found")
    assert str(path) in verdict.message
    assert not path.exists()


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
def test_not_a_database(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Dear diary, today I connected to a database.\n" * 200)
    verdict = test_connection(SourceConnection(kind=kind, path=str(path)))  # type: ignore[arg-type]
    assert_clean(verdict, "not_a_database")
    folder = test_connection(SourceConnection(kind=kind, path=str(tmp_path)))  # type: ignore[arg-type]
    assert_clean(folder, "not_a_database")
    assert "folder" in folder.message


def test_duckdb_file_held_by_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "busy.duckdb"
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "c.execute('create table t(a int)'); print('ready', flush=True); time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        verdict = test_connection(SourceConnection(kind="duckdb", path=str(path)))
        assert_clean(verdict, "file_in_use")
    finally:
        writer.kill()
        writer.wait()


# -- drivers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"mssql+pyodbc://sa:{SECRET}@127.0.0.1:1433/master",  # pyodbc is not installed
        f"snowflake://bi:{SECRET}@account/db",  # no snowflake dialect installed
    ],
)
def test_driver_not_installed(url: str) -> None:
    conn = SourceConnection(kind="url", url=url)
    verdict = test_connection(conn)
    assert_clean(verdict, "driver_missing")
    assert "not installed" in verdict.message


def test_url_kind_connects_like_the_builtin_kind(sources: Sources) -> None:
    pg = sources["postgresql"]
    url = f"postgresql://{pg.user}@{pg.host}:{pg.port}/{pg.database}"
    verdict = test_connection(SourceConnection(kind="url", url=url))
    assert verdict.ok, verdict


def test_url_kind_sqlite_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "typo.sqlite"
    verdict = test_connection(SourceConnection(kind="url", url=f"sqlite:///{path}"))
    assert_clean(verdict, "file_not_found")
    assert not path.exists()
