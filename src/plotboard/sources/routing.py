"""Per-tenant routing: one source whose queries run on each tenant's own database or schema.

A host whose customers each have their own database (or schema) defines one source, its catalog
and its access rules once, on the base database, and a `Routing`: which token attribute names
the tenant, and how that value becomes a database or schema name — an explicit `map` the admin
edits, or a `template` such as ``"tenant_{value}"``.

- mode ``database``: each tenant's queries run on an engine of its own, whose connection is the
  source's with the database replaced (`tenant_connection`: the URL's database for server
  databases, a file beside the source's file for SQLite and DuckDB). The pool keeps at most
  `max_pools` tenant engines per source and closes the least recently used.
- mode ``schema``: every tenant shares the source's pool, and every base-table reference of the
  final, checked SQL is qualified with the tenant's schema (`plotboard.query.tenant`, on the
  syntax tree rather than with a per-connection ``SET search_path``; see there why).

Resolution fails closed (`resolve_tenant`): a token without the attribute, with a value outside
the safe character set, of another type, or not in the map gets a 403 ``tenant_unknown`` and
no rows, never the base database's. Its message names neither other tenants nor connections.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.engine import make_url

from plotboard.errors import forbidden
from plotboard.sources import kinds
from plotboard.sources.dialects import SourceConnection

#: A tenant's database or schema name, and a template's attribute value: letters, digits and
#: underscores only (no dots, slashes, quotes or spaces), at most 63 characters (PostgreSQL's
#: identifier length).
SAFE_NAME = re.compile(r"^[A-Za-z0-9_]{1,63}$")
VALUE = "{value}"
MAX_MAP_ENTRIES = 10_000


def _safe(name: str) -> bool:
    return SAFE_NAME.fullmatch(name) is not None


class Routing(BaseModel):
    """A source's tenant routing, as the admin API takes and shows it.

    >>> Routing(attribute="tenant", mode="schema", template="t_{value}").name_for("acme")
    't_acme'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    attribute: str = Field(min_length=1, max_length=64)
    mode: Literal["database", "schema"]
    map: dict[str, str] | None = None
    template: str | None = Field(default=None, max_length=200)
    # Tenant engines kept open per source and app worker (mode "database"); the least recently
    # used one is closed when another tenant needs one.
    max_pools: int = Field(default=16, ge=1, le=1000)

    @model_validator(mode="after")
    def _one_way(self) -> Routing:
        if (self.map is None) == (self.template is None):
            raise ValueError("give either map (attribute value -> name) or template, not both")
        if self.map is not None:
            if not self.map:
                raise ValueError("map: needs at least one tenant")
            if len(self.map) > MAX_MAP_ENTRIES:
                raise ValueError(f"map: at most {MAX_MAP_ENTRIES} tenants")
            for value, name in self.map.items():
                if not value or len(value) > 200:
                    raise ValueError("map: attribute values must be 1 to 200 characters")
                if not _safe(name):
                    raise ValueError(
                        f'map: "{name[:80]}" is not a safe {self.mode} name (letters, digits '
                        "and _ only, at most 63)"
                    )
        if self.template is not None:
            if self.template.count(VALUE) != 1:
                raise ValueError("template: must contain {value} exactly once")
            if not _safe(self.template.replace(VALUE, "x")):
                raise ValueError(
                    "template: apart from {value}, letters, digits and _ only "
                    "(e.g. tenant_{value})"
                )
        return self

    def name_for(self, value: str) -> str | None:
        """The database or schema of the tenant whose attribute is `value`; None if none."""
        if self.map is not None:
            return self.map.get(value)
        if not _safe(value):
            return None
        name = str(self.template).replace(VALUE, value)
        return name if _safe(name) else None


@dataclass(frozen=True)
class TenantTarget:
    """Where one user's queries on a routed source run."""

    mode: Literal["database", "schema"]
    name: str
    max_pools: int = 16

    @property
    def scope(self) -> str:
        """Part of every result-cache key of this tenant: no answer crosses tenants."""
        return f"{self.mode}:{self.name}"


def resolve_tenant(
    routing: Routing | None, attributes: Mapping[str, object], source_name: str
) -> TenantTarget | None:
    """Where a user with `attributes` is routed; None for a source without routing.

    Raises:
        PlotboardError: 403 `tenant_unknown` when the user has no tenant on this source.
    """
    if routing is None:
        return None
    value = attributes.get(routing.attribute)
    # Missing, a list, a boolean, a fraction: no single tenant.
    single = isinstance(value, str | int) and not isinstance(value, bool)
    name = routing.name_for(str(value)) if single else None
    if name is None:
        raise forbidden(
            f'Your account is not mapped to a database for the data source "{source_name}"; '
            "ask your administrator.",
            "tenant_unknown",
        )
    return TenantTarget(routing.mode, name, routing.max_pools)


def check_routing(routing: Routing, conn: SourceConnection) -> str | None:
    """Why `routing` cannot work on `conn`'s kind of database, or None."""
    kind = kinds.for_dialect(conn.dialect)  # a generic URL's engine too
    if routing.mode == "schema" and not kind.has_schemas:
        where = " (a file per tenant in the source file's folder)" if kind.is_file else ""
        return f"mode: {kind.label} has no schemas; route by database instead{where}"
    if routing.mode == "database" and conn.kind == kinds.GENERIC.name:
        url = make_url(str(conn.url))
        if not kinds.for_backend(url.get_backend_name()).is_file and not url.database:
            return "mode: this URL names no database to replace with the tenant's"
    return None


def _sibling(path: str, stem: str) -> str:
    """The file called `stem` (plus the same extension) in `path`'s folder. `stem` is a safe
    name (no separator, no ..), so it cannot leave that folder."""
    if not _safe(stem):
        raise ValueError("not a safe file name")
    base = PurePath(path)
    return str(base.with_name(stem + base.suffix))


def tenant_connection(conn: SourceConnection, name: str) -> SourceConnection:
    """`conn` with its database replaced by the tenant's `name`: the URL's database for a
    server, the file `name` + the same extension beside the source's file for a file kind."""
    if not _safe(name):
        raise ValueError("not a safe database name")
    if kinds.get(conn.kind).is_file:
        return conn.model_copy(update={"path": _sibling(str(conn.path), name)})
    if conn.kind == kinds.GENERIC.name:
        url = make_url(str(conn.url))
        if kinds.for_backend(url.get_backend_name()).is_file:
            base = conn.file_path
            if base is None:
                raise ValueError("this URL names no database file")
            url = url.set(database=_sibling(base, name))
        else:
            url = url.set(database=name)
        return conn.model_copy(update={"url": url.render_as_string(hide_password=False)})
    return conn.model_copy(update={"database": name})
