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
What each kind takes and how its URL is made is the kind's module's (`plotboard.sources.kinds`:
`DatabaseKind.fields`, `url`, `reserved_options`, ...); `SourceKind` lists the same names.

Passwords never travel inside a stored URL: a password found in a `url` is moved to the
`password` field (a `SecretStr`, so it prints as `**********`), which lets the store encrypt it
separately and keep the rest of the connection in plain JSON.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from plotboard.sources import kinds
from plotboard.sources.kinds.generic import SQLGLOT_BY_OTHER_BACKEND

SourceKind = Literal["postgresql", "mysql", "sqlite", "duckdb", "clickhouse", "url"]
OptionValue = str | int | float | bool

#: Connection kinds, in the order the console offers them: the registered database kinds
#: (`plotboard.sources.kinds`, one module each), then `url` for any other database.
KINDS: tuple[str, ...] = (*kinds.REGISTRY, kinds.GENERIC.name)
DEFAULT_PORTS: dict[str, int] = {
    kind.name: kind.default_port
    for kind in kinds.REGISTRY.values()
    if kind.default_port is not None
}

# SQLAlchemy backend name (URL.get_backend_name()) -> sqlglot dialect name.
SQLGLOT_BY_BACKEND: dict[str, str] = {
    **{
        backend: kind.sqlglot_dialect
        for kind in kinds.REGISTRY.values()
        for backend in kind.backends
    },
    **SQLGLOT_BY_OTHER_BACKEND,
}
_SECRET_HINTS = ("password", "passwd", "secret", "token", "key", "credential")


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
        kind = kinds.get(self.kind)
        allowed = set(kind.fields)
        for name in kind.required:
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
        for key in self.options:
            if not key:
                raise ValueError("options: option names must not be empty")
            if key in kind.reserved_options:
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
        if kinds.get(self.kind).is_file:
            return str(self.path)
        if self.kind != kinds.GENERIC.name:
            return None
        url = make_url(str(self.url))
        database = url.database or ""
        if not kinds.for_backend(url.get_backend_name()).is_file or database in ("", ":memory:"):
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
        return kinds.get(self.kind).url(self)

    def redacted(self) -> str:
        """A display string for the console and logs: no password, no secret-looking option."""
        kind = kinds.get(self.kind)
        if kind.is_file:
            return f"{self.kind}:{self.path}"
        url = self.to_url()
        if url.port is None and url.get_backend_name() in DEFAULT_PORTS:
            url = url.set(port=DEFAULT_PORTS[url.get_backend_name()])
        drivername, backend = url.drivername, url.get_backend_name()
        shipped = kinds.for_backend(backend).drivers.get(backend)  # plotboard's own driver
        if self.kind != kinds.GENERIC.name or drivername == shipped:
            drivername = backend
        query = {k: ("***" if _is_secret_key(k) else v) for k, v in url.query.items()}
        added = kind.added_options
        given: set[str] = set()
        if self.kind == kinds.GENERIC.name:  # the URL's kind adds its own: not the admin's
            added = kinds.for_backend(backend).added_options
            given = set(make_url(str(self.url)).query) | set(self.options)
        for name in added:  # plotboard's own, e.g. MySQL's charset
            if name not in given:
                query.pop(name, None)
        url = url.set(drivername=drivername, query=query)
        return url.render_as_string(hide_password=True)
