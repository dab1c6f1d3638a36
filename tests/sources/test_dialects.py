"""SourceConnection validation, URLs, redaction and the sqlglot dialect registry (no servers)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from plotboard.sources import SourceConnection, UnknownDialectError, sqlglot_dialect_for_backend

SECRET = "Tr0ub4dor&3"


def test_postgresql_url_is_built_from_fields() -> None:
    conn = SourceConnection(
        kind="postgresql",
        host="db.example.com",
        user="bi",
        password=SECRET,
        database="sales",
        options={"sslmode": "require"},
    )
    url = conn.to_url()
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.username, url.password, url.database) == (
        "db.example.com",
        "bi",
        SECRET,
        "sales",
    )
    assert url.query["sslmode"] == "require"
    assert conn.dialect == "postgres"
    assert conn.target == "db.example.com:5432"


def test_mysql_url_uses_pymysql_and_utf8mb4() -> None:
    conn = SourceConnection(
        kind="mysql", host="h", port=3307, user="u", password=SECRET, database="d"
    )
    url = conn.to_url()
    assert url.drivername == "mysql+pymysql"
    assert url.port == 3307
    assert url.query["charset"] == "utf8mb4"
    assert conn.dialect == "mysql"


def test_special_characters_in_password_survive() -> None:
    password = "p@ss:w/rd?#%"
    conn = SourceConnection(kind="postgresql", host="h", user="u", password=password, database="d")
    assert conn.to_url().password == password


def test_sqlite_url_opens_the_file_read_only(tmp_path: object) -> None:
    conn = SourceConnection(kind="sqlite", path="/data/my file.sqlite")
    url = conn.to_url()
    assert url.drivername == "sqlite+pysqlite"
    assert url.database == "file:/data/my%20file.sqlite"
    assert url.query["mode"] == "ro" and url.query["uri"] == "true"
    assert conn.dialect == "sqlite"
    assert conn.redacted() == "sqlite:/data/my file.sqlite"


def test_duckdb_url() -> None:
    conn = SourceConnection(kind="duckdb", path="/data/w.duckdb", options={"threads": 2})
    url = conn.to_url()
    assert (url.drivername, url.database, url.query["threads"]) == ("duckdb", "/data/w.duckdb", "2")
    assert conn.dialect == "duckdb"


@pytest.mark.parametrize(
    ("url", "dialect"),
    [
        ("postgresql://u@h/db", "postgres"),
        ("mysql://u@h/db", "mysql"),
        ("mariadb+pymysql://u@h/db", "mysql"),
        ("mssql+pyodbc://u@h/db", "tsql"),
        ("oracle+oracledb://u@h/db", "oracle"),
        ("snowflake://u@account/db", "snowflake"),
        ("bigquery://project/dataset", "bigquery"),
        ("trino://u@h:8080/catalog", "trino"),
        ("clickhouse+native://u@h/db", "clickhouse"),
        ("redshift+psycopg2://u@h:5439/db", "redshift"),
        ("sqlite:////tmp/x.db", "sqlite"),
        ("duckdb:////tmp/x.duckdb", "duckdb"),
    ],
)
def test_url_kind_maps_backend_to_sqlglot(url: str, dialect: str) -> None:
    assert SourceConnection(kind="url", url=url).dialect == dialect


def test_bare_backend_urls_get_the_bundled_drivers() -> None:
    assert SourceConnection(kind="url", url="mysql://u@h/d").to_url().drivername == "mysql+pymysql"
    pg = SourceConnection(kind="url", url="postgresql://u@h/d").to_url()
    assert pg.drivername == "postgresql+psycopg"


def test_unknown_backend_is_a_clear_error() -> None:
    with pytest.raises(UnknownDialectError, match='"foodb"'):
        sqlglot_dialect_for_backend("foodb")
    with pytest.raises(ValidationError, match='cannot write SQL for the "foodb" database'):
        SourceConnection(kind="url", url="foodb://u@h/d")


def test_password_inside_a_url_moves_to_the_password_field() -> None:
    conn = SourceConnection(kind="url", url=f"postgresql://bi:{SECRET}@h:5432/db?sslmode=require")
    assert conn.url is not None and SECRET not in conn.url
    assert conn.password_value() == SECRET
    assert conn.to_url().password == SECRET
    assert SECRET not in repr(conn)
    assert SECRET not in str(conn.model_dump())
    assert SECRET not in conn.model_dump_json()


def test_password_twice_is_refused() -> None:
    with pytest.raises(ValidationError, match="either inside the URL or as password"):
        SourceConnection(kind="url", url=f"postgresql://u:{SECRET}@h/d", password="other")


@pytest.mark.parametrize(
    "conn",
    [
        SourceConnection(kind="postgresql", host="h", user="u", password=SECRET, database="d"),
        SourceConnection(kind="mysql", host="h", user="u", password=SECRET, database="d"),
        SourceConnection(kind="url", url=f"mssql+pyodbc://u:{SECRET}@h/d"),
        SourceConnection(
            kind="url", url="snowflake://u@acct/db", options={"private_key_passphrase": SECRET}
        ),
        SourceConnection(
            kind="postgresql",
            host="h",
            user="u",
            database="d",
            options={"sslpassword": SECRET, "application_name": "x"},
        ),
    ],
)
def test_redacted_never_shows_a_password(conn: SourceConnection) -> None:
    shown = conn.redacted()
    assert SECRET not in shown
    assert "%" not in shown.split("?")[0]  # no percent-encoded leftovers of the secret
    assert "***" in shown or "%2A%2A%2A" in shown


def test_redacted_is_readable() -> None:
    conn = SourceConnection(kind="postgresql", host="db", user="bi", password=SECRET, database="s")
    assert conn.redacted() == "postgresql://bi:***@db:5432/s"
    no_password = SourceConnection(kind="mysql", host="db", user="bi", database="s")
    assert no_password.redacted() == "mysql://bi@db:3306/s"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "postgresql", "host": "h", "user": "u"}, "database: required"),
        ({"kind": "mysql", "user": "u", "database": "d"}, "host: required"),
        ({"kind": "sqlite"}, "path: required"),
        ({"kind": "duckdb", "path": ":memory:"}, "in-memory databases"),
        ({"kind": "sqlite", "path": "/x.db", "host": "h"}, "host: does not apply"),
        ({"kind": "postgresql", "host": "h", "user": "u", "database": "d", "port": 70000}, "port"),
        ({"kind": "url"}, "url: required"),
        ({"kind": "url", "url": "::not a url::"}, "not a database URL"),
        ({"kind": "oracle", "host": "h"}, "kind"),
        ({"kind": "duckdb", "path": "/x", "options": {"enable_external_access": True}}, "sets"),
        ({"kind": "sqlite", "path": "/x", "options": {"mode": "rw"}}, "options.mode"),
    ],
)
def test_validation_errors_name_the_field(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SourceConnection(**fields)  # type: ignore[arg-type]


def test_validation_errors_do_not_echo_the_password() -> None:
    with pytest.raises(ValidationError) as info:
        SourceConnection(kind="postgresql", host="h", user="u", password=SECRET)
    assert SECRET not in str(info.value)
    with pytest.raises(ValidationError) as info:
        SourceConnection(kind="url", url=f"foodb://u:{SECRET}@h/d")
    assert SECRET not in str(info.value)


def test_blank_form_fields_count_as_missing() -> None:
    conn = SourceConnection(kind="sqlite", path="/x.db", host="", user=" ", password="")
    assert conn.host is None and conn.user is None and conn.password is None


def test_connections_compare_by_value() -> None:
    a = SourceConnection(kind="postgresql", host="h", user="u", password="p", database="d")
    b = SourceConnection(kind="postgresql", host="h", user="u", password="p", database="d")
    c = SourceConnection(kind="postgresql", host="h", user="u", password="q", database="d")
    assert a == b
    assert a != c
