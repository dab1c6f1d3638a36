"""The test dataset in real databases: SQLite and DuckDB files, PostgreSQL and MariaDB servers,
ClickHouse's engine (chDB, see tests/services.py).

Each `TestDatabase` holds the dataset twice:

* the *main* tables, which queries under test read (through access rules);
* a *copy* holding only the rows a user may see (`set_permitted`), reachable through
  `copy_engine` under the same unqualified table names. Running the same unfiltered query on
  the copy gives the answer the rules must produce.

Databases are created once per test session and shared by tests/query and tests/access.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.catalog.model import Catalog
from tests.query.dataset import PRIMARY_KEYS, TABLES, build_catalog, create_tables

DIALECTS = ["sqlite", "duckdb", "postgres", "mysql", "clickhouse"]
DIALECT_PARAMS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("duckdb", id="duckdb"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    pytest.param("mysql", id="mariadb", marks=pytest.mark.mariadb),
    pytest.param("clickhouse", id="clickhouse", marks=pytest.mark.clickhouse),
]
COPY_SCHEMA = "permitted"


@dataclass
class TestDatabase:
    __test__ = False  # not a test class, despite the name

    dialect: str
    engine: sa.Engine
    copy_engine: sa.Engine
    catalog: Catalog
    _fill: Any = field(repr=False)
    _cleanup: list[Any] = field(default_factory=list, repr=False)
    _permitted: Any = field(default=None, repr=False)

    def query(
        self, sql: str, params: Mapping[str, object] | None = None, *, copy: bool = False
    ) -> list[tuple[Any, ...]]:
        """Run `sql` (SQLAlchemy `text()` syntax) on the main tables or on the copy."""
        engine = self.copy_engine if copy else self.engine
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(sql), dict(params or {}))]

    def set_permitted(self, keep: Mapping[str, Collection[int] | None]) -> None:
        """Make the copy hold, per table, only the rows whose primary key is in `keep[table]`
        (every row when None)."""
        state = {table: None if keys is None else frozenset(keys) for table, keys in keep.items()}
        if state != self._permitted:
            self._fill(keep)
            self._permitted = state

    def fingerprint(self) -> list[tuple[Any, ...]]:
        """Row counts and key sums of the main tables: to prove that nothing was changed."""
        sql = " UNION ALL ".join(
            f"SELECT '{t.name}', COUNT(*), SUM({PRIMARY_KEYS[t.name]}) FROM {t.name}"
            for t in TABLES
        )
        return sorted(self.query(sql))

    def close(self) -> None:
        for step in reversed(self._cleanup):
            step()
        self.engine.dispose()
        self.copy_engine.dispose()


def _in_list(keys: Collection[int]) -> str:
    # Test-only SQL text built from integers we generated ourselves.
    return ", ".join(str(int(k)) for k in sorted(keys)) if keys else "NULL"


def _copy_statements(
    keep: Mapping[str, Collection[int] | None], target: str, source: str
) -> Iterator[str]:
    for table in TABLES:
        pk = PRIMARY_KEYS[table.name]
        keys = keep.get(table.name)
        where = "" if keys is None else f" WHERE {pk} IN ({_in_list(keys)})"
        yield f"DELETE FROM {target}{table.name}"
        yield f"INSERT INTO {target}{table.name} SELECT * FROM {source}{table.name}{where}"


def _sqlite(path: Path) -> TestDatabase:
    main, copy = path / "main.db", path / "copy.db"
    engine = sa.create_engine(f"sqlite:///{main}")
    copy_engine = sa.create_engine(f"sqlite:///{copy}")
    for eng in (engine, copy_engine):
        with eng.begin() as conn:
            create_tables(conn, fill=eng is engine)
    admin = sqlite3.connect(main, isolation_level=None)
    admin.execute("ATTACH DATABASE ? AS copydb", (str(copy),))

    def fill(keep: Mapping[str, Collection[int] | None]) -> None:
        admin.execute("BEGIN")
        for statement in _copy_statements(keep, "copydb.", "main."):
            admin.execute(statement)
        admin.execute("COMMIT")

    return TestDatabase("sqlite", engine, copy_engine, build_catalog("sqlite"), fill, [admin.close])


def _duckdb(path: Path) -> TestDatabase:
    url = f"duckdb:///{path / 'main.duckdb'}"
    engine = sa.create_engine(url)
    copy_engine = sa.create_engine(url)

    @sa.event.listens_for(copy_engine, "connect")
    def _use_copy(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"SET search_path = '{COPY_SCHEMA}'")

    with engine.begin() as conn:
        create_tables(conn)
        conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {COPY_SCHEMA}"))
        create_tables(conn, COPY_SCHEMA, fill=False)

    def fill(keep: Mapping[str, Collection[int] | None]) -> None:
        with engine.begin() as conn:
            for statement in _copy_statements(keep, f"{COPY_SCHEMA}.", "main."):
                conn.execute(sa.text(statement))

    return TestDatabase("duckdb", engine, copy_engine, build_catalog("duckdb"), fill)


def _postgres(url: str) -> TestDatabase:
    options = {"options": "-c statement_timeout=10000"}
    engine = sa.create_engine(url, connect_args=options)
    copy_engine = sa.create_engine(
        url, connect_args={"options": f"-c statement_timeout=10000 -c search_path={COPY_SCHEMA}"}
    )
    with engine.begin() as conn:
        create_tables(conn)
        conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {COPY_SCHEMA}"))
        create_tables(conn, COPY_SCHEMA, fill=False)

    def fill(keep: Mapping[str, Collection[int] | None]) -> None:
        with engine.begin() as conn:
            for statement in _copy_statements(keep, f"{COPY_SCHEMA}.", "public."):
                conn.execute(sa.text(statement))

    return TestDatabase("postgres", engine, copy_engine, build_catalog("postgres"), fill)


def _mariadb(url: str) -> TestDatabase:
    main_url = sa.engine.make_url(url)
    main_db = main_url.database
    copy_db = f"{main_db}_{uuid.uuid4().hex[:6]}_copy"
    engine = sa.create_engine(main_url, pool_pre_ping=True)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{copy_db}` CHARACTER SET utf8mb4"))
        create_tables(conn)
    copy_engine = sa.create_engine(main_url.set(database=copy_db))
    with copy_engine.begin() as conn:
        create_tables(conn, fill=False)

    def fill(keep: Mapping[str, Collection[int] | None]) -> None:
        with engine.begin() as conn:
            for statement in _copy_statements(keep, f"`{copy_db}`.", f"`{main_db}`."):
                conn.execute(sa.text(statement))

    def drop_copy() -> None:
        copy_engine.dispose()
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{copy_db}`"))

    return TestDatabase("mysql", engine, copy_engine, build_catalog("mysql"), fill, [drop_copy])


def clickhouse_type(column: sa.Column[Any]) -> str:
    """A ClickHouse column type for a test table's column (Nullable unless it is the key)."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        name = "Bool"
    elif isinstance(kind, sa.Integer):
        name = "Int32"
    elif isinstance(kind, sa.Numeric):
        name = f"Decimal({kind.precision}, {kind.scale})"
    elif isinstance(kind, sa.Date):
        name = "Date"
    else:
        name = "String"
    return name if column.primary_key or not column.nullable else f"Nullable({name})"


def _clickhouse_create(client: Any, database: str, fill: bool) -> None:
    from tests.query.dataset import DATA

    for table in TABLES:
        columns = ", ".join(f"{c.name} {clickhouse_type(c)}" for c in table.columns)
        client.command(
            f"CREATE TABLE {database}.{table.name} ({columns}) "
            f"ENGINE = MergeTree ORDER BY {PRIMARY_KEYS[table.name]}"
        )
        if fill:
            names = [c.name for c in table.columns]
            rows = [[row[n] for n in names] for row in DATA[table.name]]
            client.insert(f"{database}.{table.name}", rows, column_names=names)


def _clickhouse(request: pytest.FixtureRequest) -> TestDatabase:
    from tests.services import chdb_client, chdb_url

    main = request.getfixturevalue("clickhouse_database")
    copy_db = f"{main}_copy"
    client = chdb_client()
    client.command(f"CREATE DATABASE {copy_db}")
    _clickhouse_create(client, main, fill=True)
    _clickhouse_create(client, copy_db, fill=False)
    engine = sa.create_engine(chdb_url(main))
    copy_engine = sa.create_engine(chdb_url(copy_db))

    def fill(keep: Mapping[str, Collection[int] | None]) -> None:
        for table in TABLES:
            pk = PRIMARY_KEYS[table.name]
            keys = keep.get(table.name)
            where = "" if keys is None else f" WHERE {pk} IN ({_in_list(keys)})"
            client.command(f"TRUNCATE TABLE {copy_db}.{table.name}")
            client.command(
                f"INSERT INTO {copy_db}.{table.name} SELECT * FROM {main}.{table.name}{where}"
            )

    def drop_copy() -> None:
        copy_engine.dispose()
        client.command(f"DROP DATABASE IF EXISTS {copy_db} SYNC")
        client.close()

    return TestDatabase(
        "clickhouse", engine, copy_engine, build_catalog("clickhouse"), fill, [drop_copy]
    )


_OPEN: dict[str, TestDatabase] = {}


def open_database(dialect: str, request: pytest.FixtureRequest) -> TestDatabase:
    """The session's database for `dialect`, created on first use (see module doc)."""
    if dialect not in _OPEN:
        if dialect == "sqlite":
            db = _sqlite(request.getfixturevalue("tmp_path_factory").mktemp("sqlite"))
        elif dialect == "duckdb":
            db = _duckdb(request.getfixturevalue("tmp_path_factory").mktemp("duckdb"))
        elif dialect == "postgres":
            db = _postgres(request.getfixturevalue("postgres_url"))
        elif dialect == "clickhouse":
            db = _clickhouse(request)
        else:
            db = _mariadb(request.getfixturevalue("mariadb_url"))
        _OPEN[dialect] = db
    return _OPEN[dialect]


def close_database(dialect: str) -> None:
    db = _OPEN.pop(dialect, None)
    if db is not None:
        db.close()


# -- comparing results across drivers ----------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def normalize(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Rows with driver differences removed: Decimal -> float, dates -> ISO text, bool -> int."""
    return [tuple(_cell(v) for v in row) for row in rows]


def _sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(
        (0, "") if v is None else (1, round(v, 6)) if isinstance(v, float) else (2, str(v))
        for v in row
    )


def same_rows(
    actual: Sequence[Sequence[Any]], expected: Sequence[Sequence[Any]], *, ordered: bool = False
) -> bool:
    """Equal results, floats compared with a relative tolerance; order ignored unless asked."""
    left, right = normalize(actual), normalize(expected)
    if not ordered:
        left, right = sorted(left, key=_sort_key), sorted(right, key=_sort_key)
    if len(left) != len(right):
        return False
    for a_row, e_row in zip(left, right, strict=True):
        if len(a_row) != len(e_row):
            return False
        for a, e in zip(a_row, e_row, strict=True):
            if isinstance(a, float | int) and isinstance(e, float | int):
                if not math.isclose(a, e, rel_tol=1e-9, abs_tol=1e-6):
                    return False
            elif a != e:
                return False
    return True
