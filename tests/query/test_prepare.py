"""The prepared-query memo: shared across users with the same attribute shape."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from plotboard.access.rules import EMPTY_RULES, RuleSet
from plotboard.catalog.model import Catalog, Column, Table
from plotboard.query.prepare import prepare_query, prepare_sql
from plotboard.query.spec import parse_spec
from tests.access.rules_fixture import RULES, RULES_JSON
from tests.query.dataset import build_catalog

SPEC = parse_spec(
    {
        "table": "sales",
        "measures": [{"agg": "sum", "column": "amount"}],
        "dimensions": [{"column": "employees.location"}],
        "filters": [{"column": "category", "op": "eq", "value": "Hardware"}],
    }
)


def test_same_shape_shares_the_sql() -> None:
    catalog = build_catalog("sqlite")
    alice = prepare_query(SPEC, catalog, RULES, {"region": "North", "location": ["Tokyo"]})
    bob = prepare_query(SPEC, catalog, RULES, {"region": "South", "location": ["Paris"]})
    assert (alice.cached, bob.cached) == (False, True)
    assert alice.sql == bob.sql
    assert alice.params != bob.params
    assert bob.params["r2_0_0"] == "South" and bob.params["p0"] == "Hardware"
    assert bob.applied == ("sales.sales_region = 'South'", "employees.location IN ('Paris')")

    carol = prepare_query(SPEC, catalog, RULES, {"region": "North", "location": ["A", "B"]})
    assert not carol.cached and carol.sql != alice.sql


def test_equal_catalogs_and_rules_share_entries() -> None:
    first = prepare_query(SPEC, build_catalog("sqlite"), RULES, {"region": "North"})
    again = prepare_query(
        SPEC, build_catalog("sqlite"), RuleSet.from_json(RULES_JSON), {"region": "West"}
    )
    assert again.cached and again.sql == first.sql
    other_rules = prepare_query(SPEC, build_catalog("sqlite"), EMPTY_RULES, {})
    assert not other_rules.cached and other_rules.applied == ()


def test_raw_sql_is_memoized_too() -> None:
    catalog = build_catalog("duckdb")
    sql = "SELECT sales_region, count(*) AS n FROM sales GROUP BY sales_region"
    one = prepare_sql(sql, catalog, RULES, {"region": "North"})
    two = prepare_sql(sql, catalog, RULES, {"region": "East"})
    assert (one.cached, two.cached) == (False, True)
    assert dict(two.params) == {"r2_0_0": "East"}
    assert one.tables == ("sales",) and one.columns == ()


@pytest.mark.postgres
def test_mixed_case_names_on_postgres(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text('CREATE SCHEMA IF NOT EXISTS "Crm"'))
        conn.execute(sa.text('DROP TABLE IF EXISTS "Crm"."Orders"'))
        conn.execute(
            sa.text(
                'CREATE TABLE "Crm"."Orders" ("Order_Id" int, "Region" text, '
                '"Secret" text, "Total" numeric)'
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO \"Crm\".\"Orders\" VALUES (1, 'North', 's1', 10), "
                "(2, 'South', 's2', 20), (3, 'North', 's3', 30)"
            )
        )
    catalog = Catalog(
        dialect="postgres",
        tables=(
            Table(
                name="Orders",
                schema="Crm",
                columns=(
                    Column("Order_Id", "integer"),
                    Column("Region", "string"),
                    Column("Secret", "string", hidden=True),
                    Column("Total", "number"),
                ),
            ),
        ),
    )
    rules = RuleSet.from_json(
        [
            {
                "table": "Crm.Orders",
                "conditions": [{"column": "Region", "op": "eq", "attribute": "region"}],
            }
        ]
    )
    raw = prepare_sql(
        "select region, sum(total) as t from crm.orders group by region",
        catalog,
        rules,
        {"region": "North"},
    )
    spec = prepare_query(
        parse_spec(
            {
                "table": "Orders",
                "measures": [{"agg": "sum", "column": "Total"}],
                "dimensions": [{"column": "Region"}],
            }
        ),
        catalog,
        rules,
        {"region": "North"},
    )
    star = prepare_sql("SELECT * FROM orders", catalog, rules, {"region": "North"})
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(sa.text(raw.sql), dict(raw.params))] == [
            ("North", 40)
        ]
        assert [tuple(r) for r in conn.execute(sa.text(spec.sql), dict(spec.params))] == [
            ("North", 40)
        ]
        result = conn.execute(sa.text(star.sql), dict(star.params))
        assert list(result.keys()) == ["order_id", "region", "total"]
        assert len(result.all()) == 2
    engine.dispose()
