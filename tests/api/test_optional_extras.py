"""Drivers shipped as extras (plotboard[duckdb], [mysql], [clickhouse], [redis]): a missing one
is named.

A server installed without an extra has no `duckdb`/`duckdb_engine`, `pymysql` or `redis`
module; these tests make the import fail the same way (a None entry in sys.modules raises
ImportError on import) and check what an admin is told.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

from plotboard.cache import make_cache
from plotboard.config import ConfigError
from tests.api.conftest import Org


def _without(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def test_duckdb_source_without_the_extra_names_it(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    _without(monkeypatch, "duckdb", "duckdb_engine")
    conn = {"kind": "duckdb", "path": str(path)}
    expected = "DuckDB support is not installed on this server: pip install 'plotboard[duckdb]'"
    _assert_named(org, conn, expected, "duckdb_engine")


def _assert_named(org: Org, conn: dict[str, str], expected: str, module: str) -> None:
    """Test connection and adding the source both name the extra, without internals."""
    verdict = org.admin("POST", "/sources/test", json=conn).json()
    assert verdict["ok"] is False and verdict["code"] == "driver_missing"
    assert verdict["message"].startswith(expected)
    created = org.admin("POST", "/sources", json={"name": "Warehouse", "connection": conn})
    assert created.status_code == 422
    assert created.json()["detail"].startswith(expected)
    assert "Traceback" not in created.text and module not in created.text


@pytest.mark.parametrize(
    ("conn", "label"),
    [
        ({"kind": "mysql", "host": "127.0.0.1", "user": "root", "database": "x"}, "MySQL"),
        ({"kind": "url", "url": "mariadb://root@127.0.0.1:3306/x"}, "MariaDB"),
    ],
)
def test_mysql_source_without_the_extra_names_it(
    org: Org, conn: dict[str, str], label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without(monkeypatch, "pymysql")
    created = org.admin("POST", "/sources", json={"name": "Shop", "connection": conn})
    assert created.status_code == 422
    assert created.json()["detail"].startswith(
        f"{label} support is not installed on this server: pip install 'plotboard[mysql]'"
    )


def test_redis_url_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    _without(monkeypatch, "redis")
    with pytest.raises(ConfigError, match=r"pip install 'plotboard\[redis\]'"):
        make_cache("redis://127.0.0.1:6379/0")


def test_clickhouse_source_without_the_extra_names_it(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without(monkeypatch, "clickhouse_connect")
    conn = {"kind": "clickhouse", "host": "127.0.0.1", "user": "default", "database": "x"}
    expected = (
        "ClickHouse support is not installed on this server: pip install 'plotboard[clickhouse]'"
    )
    _assert_named(org, conn, expected, "clickhouse_connect")
