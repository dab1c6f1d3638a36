"""The demo database on the real PostgreSQL and MariaDB servers, copied from the SQLite file.

Types are what those databases would really use: DATE, BOOLEAN, NUMERIC for money, keys and
foreign keys, so that Analyze sees each database's own types, not SQLite's text dates.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

TEXT = sa.String(200)
MONEY = sa.Numeric(12, 2)


def demo_metadata() -> sa.MetaData:
    meta = sa.MetaData()
    sa.Table(
        "offices", meta,
        sa.Column("office_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("city", TEXT, nullable=False),
        sa.Column("country", TEXT, nullable=False),
        sa.Column("region", TEXT, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
    )  # fmt: skip
    sa.Table(
        "employees", meta,
        sa.Column("employee_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("full_name", TEXT, nullable=False),
        sa.Column("email", TEXT, nullable=False, unique=True),
        sa.Column("department", TEXT, nullable=False),
        sa.Column("job_title", TEXT, nullable=False),
        sa.Column("location", TEXT, nullable=False),
        sa.Column("country", TEXT, nullable=False),
        sa.Column("office_id", sa.Integer, sa.ForeignKey("offices.office_id"), nullable=False),
        sa.Column("manager_id", sa.Integer, sa.ForeignKey("employees.employee_id")),
        sa.Column("hire_date", sa.Date, nullable=False),
        sa.Column("salary", MONEY, nullable=False),
        sa.Column("is_remote", sa.Boolean, nullable=False),
        sa.Column("performance_rating", sa.Integer, nullable=False),
    )  # fmt: skip
    sa.Table(
        "sales", meta,
        sa.Column("sale_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("sale_date", sa.Date, nullable=False),
        sa.Column("sales_region", TEXT, nullable=False),
        sa.Column("product", TEXT, nullable=False),
        sa.Column("category", TEXT, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column(
            "employee_id", sa.Integer, sa.ForeignKey("employees.employee_id"), nullable=False
        ),
    )  # fmt: skip
    return meta


def _convert(table: sa.Table, row: sqlite3.Row) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        value = row[column.name]
        if value is not None and isinstance(column.type, sa.Date):
            value = dt.date.fromisoformat(value)
        elif value is not None and isinstance(column.type, sa.Boolean):
            value = bool(value)
        elif value is not None and isinstance(column.type, sa.Numeric):
            value = Decimal(str(value))
        out[column.name] = value
    return out


def copy_demo(sqlite_path: Path, url: str) -> None:
    """Create the demo tables at `url` and copy every row of the SQLite demo into them."""
    meta = demo_metadata()
    source = sqlite3.connect(sqlite_path)
    source.row_factory = sqlite3.Row
    engine = sa.create_engine(url)
    try:
        meta.create_all(engine)
        with engine.begin() as conn:
            for name in ("offices", "employees", "sales"):
                table = meta.tables[name]
                # In key order: the demo's managers come before the people they manage.
                query = f"SELECT * FROM {name} ORDER BY 1"
                rows = [_convert(table, r) for r in source.execute(query)]
                for start in range(0, len(rows), 10_000):
                    conn.execute(table.insert(), rows[start : start + 10_000])
    finally:
        engine.dispose()
        source.close()


def copy_demo_clickhouse(sqlite_path: Path, database: str) -> None:
    """The demo tables in a ClickHouse database (chDB, see tests/services.py), MergeTree tables
    ordered by their keys, with every row of the SQLite demo."""
    from tests.query.databases import clickhouse_type
    from tests.services import chdb_client

    meta = demo_metadata()
    source = sqlite3.connect(sqlite_path)
    source.row_factory = sqlite3.Row
    client = chdb_client()
    try:
        for name in ("offices", "employees", "sales"):
            table = meta.tables[name]
            columns = ", ".join(f"{c.name} {clickhouse_type(c)}" for c in table.columns)
            key = next(iter(table.primary_key.columns)).name
            client.command(
                f"CREATE TABLE {database}.{name} ({columns}) ENGINE = MergeTree ORDER BY {key}"
            )
            names = [c.name for c in table.columns]
            rows = [
                [converted[n] for n in names]
                for converted in (
                    _convert(table, r) for r in source.execute(f"SELECT * FROM {name} ORDER BY 1")
                )
            ]
            client.insert(f"{database}.{name}", rows, column_names=names)
    finally:
        client.close()
        source.close()
