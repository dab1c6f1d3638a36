"""Any other database SQLAlchemy can reach, connected by URL (kind `url`): what plotboard does
when it knows nothing particular about the engine.

Queries are compiled for the backend's sqlglot dialect; the SQL templates are written in
PostgreSQL's spelling and transpiled by sqlglot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.engine import URL, make_url

from plotboard.sources.kinds.base import (
    POSTGRES_LIKE_DATE_ADD,
    POSTGRES_LIKE_DATE_PARTS,
    POSTGRES_LIKE_GRAINS,
    DatabaseKind,
    query_dict,
)

if TYPE_CHECKING:
    from plotboard.sources.dialects import SourceConnection

#: SQLAlchemy backend name -> sqlglot dialect, for engines without a kind module of their own
#: (the registered kinds name theirs: `DatabaseKind.backends`, `sqlglot_dialect`).
SQLGLOT_BY_OTHER_BACKEND: dict[str, str] = {
    "mssql": "tsql",
    "oracle": "oracle",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "trino": "trino",
    "presto": "presto",
    "clickhouse": "clickhouse",
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


class GenericKind(DatabaseKind):
    name = "url"
    backends = ()
    sqlglot_dialect = ""  # the backend's: see `SQLGLOT_BY_OTHER_BACKEND`
    label = "Other (by URL)"

    fields = ("url", "password")
    required = ("url",)
    is_file = False
    has_schemas = True  # routing asks the kind of the URL's dialect (`for_dialect`)
    path_example = None
    options_example = "name=value"
    reserved_options = frozenset()
    added_options = {}
    default_port = None
    drivers = {}
    extra = None

    def url(self, conn: SourceConnection) -> URL:
        from plotboard.sources import kinds  # the registry imports this module

        url = make_url(str(conn.url))
        backend = url.get_backend_name()
        kind = kinds.for_backend(backend)
        adopted = kind.adopt_url(url, conn)
        if adopted is not None:
            return adopted
        if "+" not in url.drivername and url.drivername in kind.drivers:
            url = url.set(drivername=kind.drivers[url.drivername])
        password = conn.password_value()
        if password is not None:
            url = url.set(password=password)
        if conn.options:
            url = url.update_query_dict(query_dict(conn.options))
        if url.drivername in kind.drivers.values():
            # Through plotboard's own driver: the options it adds for that kind too (say
            # ClickHouse's join_use_nulls), unless the URL or the options give them.
            missing = {k: v for k, v in kind.added_options.items() if k not in url.query}
            if missing:
                url = url.update_query_dict(missing)
        return url

    template_dialect = "postgres"
    grains = POSTGRES_LIKE_GRAINS
    date_add = POSTGRES_LIKE_DATE_ADD
    date_parts = POSTGRES_LIKE_DATE_PARTS
    buffers_results = False  # unknown driver: reading may wait for the server
    dates_as_text = False
    round_needs_numeric = False

    anonymous_functions = frozenset()
    backslash_escapes_quotes = False

    fence = None  # no known fence: see docs/security.md

    sample_method = "first"
    sample_fallback = "first"
    text_aggregates_cast = False

    catalog_schemas = frozenset({"information_schema"})
    catalog_table_prefixes = ("information_schema",)
    internal_schemas = frozenset()

    reflects_materialized_views = False


KIND = GenericKind()
