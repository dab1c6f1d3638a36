"""Which databases plotboard can connect to, and how a connection is described.

A data source is described by a `SourceConnection`: a `kind` plus the fields that kind needs.

| kind         | fields                                        | SQLAlchemy driver    | sqlglot  |
| ------------ | --------------------------------------------- | -------------------- | -------- |
| `postgresql` | host, port, user, password, database, options | `postgresql+psycopg` | postgres |
| `mysql`      | host, port, user, password, database, options | `mysql+pymysql`      | mysql    |
| `sqlite`     | path                                          | `sqlite+pysqlite`    | sqlite   |
| `duckdb`     | path, options (DuckDB settings)               | `duckdb`             | duckdb   |
| `url`        | url (+ password, options)                     | as the URL names     | by backend |

`options` become query parameters of the URL (e.g. `sslmode=require` for PostgreSQL).

Passwords never travel inside a stored URL: a password found in a `url` is moved to the
`password` field (a `SecretStr`, so it prints as `**********`), which lets the store encrypt it
separately and keep the rest of the connection in plain JSON.
"""

from __future__ import annotations

import os
from typing import Any, Literal
from urllib.parse import quote, unquote

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SourceKind = Literal["postgresql", "mysql", "sqlite", "duckdb", "url"]
OptionValue = str | int | float | bool

KINDS: tuple[str, ...] = ("postgresql", "mysql", "sqlite", "duckdb", "url")
DEFAULT_PORTS: dict[str, int] = {"postgresql": 5432, "mysql": 3306}

# SQLAlchemy backend name (URL.get_backend_name()) -> sqlglot dialect name.
SQLGLOT_BY_BACKEND: dict[str, str] = {
    "postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "duckdb": "duckdb",
    "mssql": "tsql",
    "oracle": "oracle",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "trino": "trino",
    "presto": "presto",
    "clickhouse": "clickhouse",
    "clickhousedb": "clickhouse",
    "redshift": "redshift",
    "databricks": "databricks",
    "hive": "hive",
    "spark": "spark",
    "awsathena": "athena",
    "athena": "athena",
    "teradatasql": "teradata",
    "teradata": "teradata",
    "exa": "exasol",
    "exasol": "exasol",
    "starrocks": "starrocks",
    "doris": "doris",
    "druid": "druid",
    "drill": "drill",
    "dremio": "dremio",
    "risingwave": "risingwave",
    "materialize": "materialize",
}

# A URL that names only the backend gets the driver plotboard ships with, rather than
# SQLAlchemy's default (mysqlclient for mysql:// is not installed).
_DEFAULT_DRIVERS: dict[str, str] = {
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
    "sqlite": "sqlite+pysqlite",
}

# DuckDB settings that keep a customer's DuckDB file read-only and sealed off from the file
# system and network; options may not override them.
DUCKDB_SEALED_SETTINGS: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
_RESERVED_OPTIONS: dict[str, frozenset[str]] = {
    "duckdb": frozenset({*DUCKDB_SEALED_SETTINGS, "access_mode", "allow_unsigned_extensions"}),
    "sqlite": frozenset({"mode", "uri", "immutable", "vfs"}),
}
_SECRET_HINTS = ("password", "passwd", "secret", "token", "key", "credential")


def _sqlite_read_only_url(path: str, query: dict[str, Any]) -> URL:
    # A SQLite URI opened with mode=ro: the file is never created or written, and a missing
    # file is an error instead of a new empty database.
    absolute = os.path.abspath(os.path.expanduser(path))
    return URL.create(
        "sqlite+pysqlite",
        database="file:" + quote(absolute, safe="/"),
        query={**query, "mode": "ro", "uri": "true"},
    )


class UnknownDialectError(ValueError):
    """The SQLAlchemy backend has no known sqlglot dialect, so plotboard cannot compile for it."""


def sqlglot_dialect_for_backend(backend: str) -> str:
    """The sqlglot dialect name for a SQLAlchemy backend name (`mssql` -> `tsql`).

    Raises `UnknownDialectError` naming the backend when plotboard cannot write SQL for it.
    """
    name = backend.lower()
    try:
        return SQLGLOT_BY_BACKEND[name]
    except KeyError:
        known = ", ".join(sorted(SQLGLOT_BY_BACKEND))
        raise UnknownDialectError(
            f'plotboard cannot write SQL for the "{backend}" database type. '
            f"Supported types: {known}."
        ) from None


def _is_secret_key(key: str) -> bool:
    lowered = key.lower()
    return any(hint in lowered for hint in _SECRET_HINTS)


def _query_dict(options: dict[str, OptionValue]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in options.items():
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


class SourceConnection(BaseModel):
    """How to reach one customer database. Validated per kind; see the module docstring.

    >>> SourceConnection(kind="postgresql", host="db", user="bi", password="s3cret",
    ...                  database="sales").redacted()
    'postgresql://bi:***@db:5432/sales'
    """

    # hide_input_in_errors: a ValidationError must not echo the password or a URL holding one.
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    kind: SourceKind
    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    user: str | None = None
    password: SecretStr | None = None
    database: str | None = None
    path: str | None = None
    url: str | None = None
    options: dict[str, OptionValue] = Field(default_factory=dict)

    @field_validator("host", "user", "database", "path", "url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        # Forms send "" for fields they do not use; treat that as "not given".
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("password", mode="before")
    @classmethod
    def _blank_password_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @model_validator(mode="before")
    @classmethod
    def _password_out_of_url(cls, data: Any) -> Any:
        """Move a password embedded in `url` into the `password` field."""
        if not isinstance(data, dict) or data.get("kind") != "url":
            return data
        raw = data.get("url")
        if not isinstance(raw, str) or not raw.strip():
            return data
        try:
            parsed = make_url(raw.strip())
        except ArgumentError:
            raise ValueError(
                "url: not a database URL; expected e.g. postgresql://user@host:5432/dbname"
            ) from None
        if parsed.password is None:
            return data
        if data.get("password"):
            raise ValueError(
                "url: give the password either inside the URL or as password, not both"
            )
        data = dict(data)
        data["password"] = parsed.password
        # URL.set(password=None) would mean "leave unchanged"; rebuild without it instead.
        bare = URL.create(
            parsed.drivername,
            username=parsed.username,
            host=parsed.host,
            port=parsed.port,
            database=parsed.database,
            query=parsed.query,
        )
        data["url"] = bare.render_as_string(hide_password=False)
        return data

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> SourceConnection:
        given = {
            name
            for name in ("host", "port", "user", "password", "database", "path", "url")
            if getattr(self, name) is not None
        }
        required: tuple[str, ...]
        if self.kind in ("postgresql", "mysql"):
            allowed = {"host", "port", "user", "password", "database"}
            required = ("host", "user", "database")
        elif self.kind in ("sqlite", "duckdb"):
            allowed, required = {"path"}, ("path",)
        else:
            allowed, required = {"url", "password"}, ("url",)
        for name in required:
            if name not in given:
                raise ValueError(f"{name}: required for {self.kind} sources")
        extra = sorted(given - allowed)
        if extra:
            raise ValueError(f"{extra[0]}: does not apply to {self.kind} sources")
        if self.path is not None and self.path.lower() in (":memory:", "file::memory:"):
            raise ValueError("path: must be a database file; in-memory databases hold no data")
        if self.url is not None:
            backend = make_url(self.url).get_backend_name()
            sqlglot_dialect_for_backend(backend)  # raises UnknownDialectError (a ValueError)
        reserved = _RESERVED_OPTIONS.get(self.kind, frozenset())
        for key in self.options:
            if not key:
                raise ValueError("options: option names must not be empty")
            if key in reserved:
                raise ValueError(f"options.{key}: plotboard sets this itself to keep data safe")
        return self

    # -- derived -------------------------------------------------------------------------------

    @property
    def backend(self) -> str:
        """SQLAlchemy backend name: postgresql, mysql, sqlite, duckdb, mssql, ..."""
        if self.kind == "url":
            return self.to_url().get_backend_name()
        return self.kind

    @property
    def dialect(self) -> str:
        """sqlglot dialect name for compiling queries against this source."""
        return sqlglot_dialect_for_backend(self.backend)

    @property
    def file_path(self) -> str | None:
        """The database file of a SQLite or DuckDB source (either kind or a `url`), else None."""
        if self.kind in ("sqlite", "duckdb"):
            return str(self.path)
        if self.kind != "url":
            return None
        url = make_url(str(self.url))
        database = url.database or ""
        if url.get_backend_name() not in ("sqlite", "duckdb") or database in ("", ":memory:"):
            return None
        if database.startswith("file:"):
            database = unquote(database[5:])
        return None if database.startswith(":memory:") or not database else database

    @property
    def target(self) -> str:
        """Where the database is, for messages: `db.example.com:5432` or a file path."""
        if self.file_path is not None:
            return self.file_path
        url = self.to_url()
        if url.host:
            port = url.port or DEFAULT_PORTS.get(url.get_backend_name())
            return f"{url.host}:{port}" if port else url.host
        return url.database or url.get_backend_name()

    def password_value(self) -> str | None:
        return self.password.get_secret_value() if self.password is not None else None

    def to_url(self) -> URL:
        """The SQLAlchemy URL the engine connects with (password included; never log it)."""
        password = self.password_value()
        if self.kind in ("postgresql", "mysql"):
            return URL.create(
                "postgresql+psycopg" if self.kind == "postgresql" else "mysql+pymysql",
                username=self.user,
                password=password,
                host=self.host,
                port=self.port,
                database=self.database,
                query=_query_dict(
                    {"charset": "utf8mb4", **self.options} if self.kind == "mysql" else self.options
                ),
            )
        if self.kind == "sqlite":
            return _sqlite_read_only_url(str(self.path), _query_dict(self.options))
        if self.kind == "duckdb":
            path = os.path.abspath(os.path.expanduser(str(self.path)))
            return URL.create("duckdb", database=path, query=_query_dict(self.options))
        url = make_url(str(self.url))
        if (
            url.get_backend_name() == "sqlite"
            and url.get_driver_name() == "pysqlite"
            and "uri" not in url.query
            and self.file_path is not None
        ):
            # A plain sqlite:///path URL gets the same read-only treatment as kind "sqlite".
            return _sqlite_read_only_url(
                self.file_path, {**dict(url.query), **_query_dict(self.options)}
            )
        if "+" not in url.drivername and url.drivername in _DEFAULT_DRIVERS:
            url = url.set(drivername=_DEFAULT_DRIVERS[url.drivername])
        if password is not None:
            url = url.set(password=password)
        if self.options:
            url = url.update_query_dict(_query_dict(self.options))
        return url

    def redacted(self) -> str:
        """A display string for the console and logs: no password, no secret-looking option."""
        if self.kind in ("sqlite", "duckdb"):
            return f"{self.kind}:{self.path}"
        url = self.to_url()
        if url.port is None and url.get_backend_name() in DEFAULT_PORTS:
            url = url.set(port=DEFAULT_PORTS[url.get_backend_name()])
        drivername = url.drivername
        if self.kind != "url" or drivername == _DEFAULT_DRIVERS.get(url.get_backend_name()):
            drivername = url.get_backend_name()
        query = {k: ("***" if _is_secret_key(k) else v) for k, v in url.query.items()}
        if self.kind == "mysql":
            query.pop("charset", None)
        url = url.set(drivername=drivername, query=query)
        return url.render_as_string(hide_password=True)
