"""Raw SQL validation: what is accepted and how it comes out; refusals are in
tests/access/fixtures/adversarial.json (run against real databases)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot

from plotboard.catalog.model import Catalog, Column, Table
from plotboard.query.errors import QueryError
from plotboard.query.render import as_sent, bind_names, render
from plotboard.query.sql import MAX_SQL_LENGTH, parse_read_only_sql
from tests.query.dataset import build_catalog

CATALOG = build_catalog("postgres")


def _cases() -> list[tuple[str, str, str]]:
    text = (Path(__file__).parent / "fixtures" / "sql_accepted.sql").read_text()
    blocks = [b for b in text.split("\n\n") if not b.startswith("#")]
    return [tuple(b.strip().splitlines()) for b in blocks]  # type: ignore[misc]


@pytest.mark.parametrize(("title", "sql", "expected"), _cases(), ids=lambda v: str(v)[:40])
def test_accepted_sql_is_canonicalized(title: str, sql: str, expected: str) -> None:
    assert render(parse_read_only_sql(sql, CATALOG), "postgres") == expected


@pytest.mark.parametrize(
    ("sql", "code", "message"),
    [
        ('SELECT 1 AS "a:b" FROM sales', "sql_forbidden_syntax", "has a ':'"),
        ("SELECT x FROM sales", "unknown_column", "Column 'x' does not exist in 'sales'"),
        ("SELECT amout FROM sales", "unknown_column", "Did you mean 'amount'?"),
        ("SELECT * FROM sale", "unknown_table", "Table 'sale' does not exist. Did you mean"),
        ("SELECT email FROM employees", "hidden_column", "Column 'email' of table 'employees'"),
        ("SELEC 1", "sql_syntax", "could not be read"),
        ("SELECT 'x' || current_setting('a')", "sql_function_not_allowed", "CURRENT_SETTING()"),
        (
            "SELECT * FROM sales s JOIN employees e USING (employee_id)",
            "sql_forbidden_syntax",
            "write the join with ON",
        ),
        ("SELECT CAST(amount AS regclass) FROM sales", "sql_forbidden_syntax", "regclass"),
        ("SELECT CAST(amount AS xml) FROM sales", "sql_forbidden_syntax", "Casting to XML"),
    ],
)
def test_refusals_say_why(sql: str, code: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_read_only_sql(sql, CATALOG)
    assert caught.value.code == code
    assert caught.value.field == "sql"
    assert message in caught.value.message


def test_too_long() -> None:
    with pytest.raises(QueryError) as caught:
        parse_read_only_sql("SELECT 1 " + " " * MAX_SQL_LENGTH, CATALOG)
    assert caught.value.code == "sql_too_long"


def test_schema_qualified_catalog() -> None:
    catalog = build_catalog("postgres", schema="analytics")
    for sql in (
        "SELECT city FROM offices",
        "SELECT city FROM analytics.offices",
        'SELECT city FROM "ANALYTICS"."OFFICES"',
    ):
        out = render(parse_read_only_sql(sql, catalog), "postgres")
        assert 'FROM "analytics"."offices" AS "offices"' in out
    with pytest.raises(QueryError):
        parse_read_only_sql("SELECT city FROM public.offices", catalog)


def test_mixed_case_catalog_names_are_restored() -> None:
    catalog = Catalog(
        dialect="postgres",
        tables=(
            Table(
                name="Orders",
                columns=(Column("Total", "number"), Column("Secret", "string", hidden=True)),
            ),
        ),
    )
    out = render(parse_read_only_sql("select total from orders", catalog), "postgres")
    assert out == 'SELECT "orders"."Total" AS "total" FROM "Orders" AS "orders"'
    with pytest.raises(QueryError):
        parse_read_only_sql('select "SECRET" from orders', catalog)


@pytest.mark.parametrize("dialect", ["postgres", "mysql", "sqlite", "duckdb"])
def test_placeholders_render_for_sqlalchemy_text(dialect: str) -> None:
    tree = sqlglot.parse_one("SELECT a FROM t WHERE a = :p0 AND b = ' :x 12:30'", read=dialect)
    sql = render(tree, dialect)
    assert ":p0" in sql
    assert bind_names(sql) == ["p0"]
    assert "' :x 12:30'" in as_sent(sql)
