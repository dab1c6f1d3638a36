"""Fixtures for the sources tests: the same small schema on PostgreSQL, MariaDB, SQLite and
DuckDB, and a few network oddities (a closed port, a port that never answers).

PostgreSQL and MariaDB get databases of their own (not the shared session databases), so other
suites' tables cannot collide with these.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import closing
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from plotboard.sources import SourceConnection, SourcePool
from tests.services import temporary_mariadb_database, temporary_postgres_database

OFFICES = [
    (1, "Tokyo", "2015-04-01", True),
    (2, "Paris", "2017-09-15", False),
    (3, "Berlin", None, False),
]
EMPLOYEES = [
    (1, "Aiko Sato", 1, "2016-01-04 09:30:00", "5200.50", True, 4.5),
    (2, "Jean Dupont", 2, "2018-03-12 08:00:00", "4100.00", False, 3.0),
    (3, "Emma Weber", 3, "2019-07-01 10:15:00", "4800.25", True, None),
    (4, "Kenji Ito", 1, "2020-11-30 14:45:00", "6100.75", False, 5.0),
    (5, "Louise Martin", None, None, None, None, None),
]


def _ddl(dialect: str) -> list[str]:
    boolean = "BOOLEAN"
    timestamp = "DATETIME" if dialect in ("mysql", "sqlite") else "TIMESTAMP"
    double = "DOUBLE" if dialect in ("mysql", "duckdb") else "REAL"
    return [
        f"""CREATE TABLE offices (
            office_id INTEGER NOT NULL PRIMARY KEY,
            city VARCHAR(50) NOT NULL,
            opened_on DATE,
            is_hq {boolean})""",
        f"""CREATE TABLE employees (
            employee_id INTEGER NOT NULL PRIMARY KEY,
            full_name VARCHAR(100) NOT NULL,
            office_id INTEGER REFERENCES offices (office_id),
            hired_at {timestamp},
            salary DECIMAL(10, 2),
            is_remote {boolean},
            rating {double})""",
        "CREATE VIEW remote_employees AS "
        "SELECT employee_id, full_name FROM employees WHERE is_remote",
    ]


def _load(conn: sa.Connection, dialect: str) -> None:
    for statement in _ddl(dialect):
        conn.exec_driver_sql(statement)
    conn.execute(
        sa.text("INSERT INTO offices VALUES (:id, :city, :opened, :hq)"),
        [dict(zip(("id", "city", "opened", "hq"), row, strict=True)) for row in OFFICES],
    )
    conn.execute(
        sa.text("INSERT INTO employees VALUES (:id, :name, :office, :hired, :salary, :remote, :r)"),
        [
            dict(zip(("id", "name", "office", "hired", "salary", "remote", "r"), row, strict=True))
            for row in EMPLOYEES
        ],
    )


def _server_connection(kind: str, url: str) -> SourceConnection:
    parsed = make_url(url)
    return SourceConnection(
        kind=kind,  # type: ignore[arg-type]
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
    )


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A private PostgreSQL database with the test schema (plus an `analytics` schema)."""
    with temporary_postgres_database() as url:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            # psycopg passes Python dates/strings through; cast the text literals explicitly.
            for statement in _ddl("postgresql"):
                conn.exec_driver_sql(statement)
            for row in OFFICES:
                conn.execute(
                    sa.text("INSERT INTO offices VALUES (:a, :b, CAST(:c AS DATE), :d)"),
                    dict(zip("abcd", row, strict=True)),
                )
            for row in EMPLOYEES:
                conn.execute(
                    sa.text(
                        "INSERT INTO employees VALUES (:a, :b, :c, CAST(:d AS TIMESTAMP), "
                        "CAST(:e AS NUMERIC), :f, :g)"
                    ),
                    dict(zip("abcdefg", row, strict=True)),
                )
            conn.exec_driver_sql("CREATE SCHEMA analytics")
            conn.exec_driver_sql(
                "CREATE TABLE analytics.targets (office_id INTEGER PRIMARY KEY "
                "REFERENCES public.offices (office_id), target NUMERIC(12, 2))"
            )
            conn.exec_driver_sql(
                "CREATE TABLE analytics.monthly (month DATE NOT NULL, office_id INTEGER "
                "REFERENCES analytics.targets (office_id), amount DOUBLE PRECISION)"
            )
            conn.exec_driver_sql("CREATE SEQUENCE invoice_numbers")
            conn.exec_driver_sql(
                "CREATE FUNCTION sneaky_write() RETURNS integer LANGUAGE sql AS "
                "$$ INSERT INTO offices VALUES (99, 'Nowhere', NULL, false) RETURNING 1 $$"
            )
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def maria_admin_url() -> Iterator[str]:
    with temporary_mariadb_database() as url:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            _load(conn, "mysql")
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def sqlite_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "company.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        _load(conn, "sqlite")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def duckdb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("duckdb") / "company.duckdb"
    con = duckdb.connect(str(path))
    for statement in _ddl("duckdb"):
        con.execute(statement)
    con.executemany("INSERT INTO offices VALUES (?, ?, ?, ?)", OFFICES)
    con.executemany("INSERT INTO employees VALUES (?, ?, ?, ?, ?, ?, ?)", EMPLOYEES)
    con.close()  # the sources layer opens it read-only; DuckDB wants one mode per process
    return path


KINDS = ("postgresql", "mysql", "sqlite", "duckdb")
_SETUP = {"postgresql": "pg_admin_url", "mysql": "maria_admin_url"}


class Sources(Mapping[str, SourceConnection]):
    """The four test sources by kind. Each is set up on first use, so the SQLite and DuckDB
    tests still run (and only the server tests skip) where a server is missing."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request

    def __getitem__(self, kind: str) -> SourceConnection:
        if kind in _SETUP:
            return _server_connection(kind, self._request.getfixturevalue(_SETUP[kind]))
        if kind in ("sqlite", "duckdb"):
            path = self._request.getfixturevalue(f"{kind}_path")
            return SourceConnection(kind=kind, path=str(path))  # type: ignore[arg-type]
        raise KeyError(kind)

    def __iter__(self) -> Iterator[str]:
        return iter(KINDS)

    def __len__(self) -> int:
        return len(KINDS)


@pytest.fixture(scope="session")
def sources(request: pytest.FixtureRequest) -> Sources:
    """One SourceConnection per built-in kind, all holding the test schema."""
    return Sources(request)


@pytest.fixture(scope="session")
def pool(sources: Sources) -> Iterator[SourcePool]:
    """A SourcePool that knows the four sources by their kind names."""
    pool = SourcePool(resolver=lambda kind: sources[kind] if kind in KINDS else None)
    yield pool
    pool.close()


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def closed_port() -> int:
    """A localhost port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A localhost port that accepts connections and then never says a word."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(client)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(timeout=2)
    for client in accepted:
        client.close()
    server.close()


def sqlite_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Read a SQLite file directly (to check that nothing was written)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        return list(con.execute(sql))
