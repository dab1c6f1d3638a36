"""A measure whose column is already named for its total (the catalog's "Total EUR") reads as
that name: the answer said "Here is the total total eur by store name", and the tile it added
to the dashboard was called "Total total eur by store name"."""

from __future__ import annotations

import datetime as dt

from plotboard.ai import answer
from plotboard.ai.answers import Source
from plotboard.catalog.model import Catalog, Column, ForeignKey, Table

SHOP = Catalog(
    "postgres",
    (
        Table(
            "stores",
            (
                Column("store_id", "integer", display_name="Store ID"),
                Column("store_name", "string", display_name="Store name"),
            ),
            primary_key=("store_id",),
            display_name="Stores",
        ),
        Table(
            "orders",
            (
                Column("order_id", "integer", display_name="Order ID"),
                Column("store_id", "integer", display_name="Store ID"),
                Column("ordered_at", "date", display_name="Ordered at"),
                Column("total_eur", "number", display_name="Total EUR",
                       semantic_type="currency"),
            ),
            primary_key=("order_id",),
            foreign_keys=(ForeignKey(("store_id",), "stores", ("store_id",)),),
            display_name="Orders",
        ),
    )
)  # fmt: skip
VALUES = {("stores", "store_name"): ["Paris Opéra", "Lyon Centre"]}


def test_a_column_named_for_its_total_is_not_totalled_twice() -> None:
    reply = answer(
        "total eur of orders by store name",
        [Source("shop", "Shop", SHOP, VALUES)],
        today=dt.date(2025, 7, 15),
    )
    assert reply.tile is not None, reply.answer
    assert reply.tile.query.measures[0].column == "total_eur"
    assert "total total" not in reply.answer.lower(), reply.answer
    assert "total total" not in reply.tile.title.lower(), reply.tile.title
    assert reply.tile.title.startswith("Total EUR by store"), reply.tile.title
