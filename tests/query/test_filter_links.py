"""`without` on links the shared dataset has none of: a two-column key (NOT EXISTS, run on
SQLite under a rule), two keys to the same table (refused as ambiguous), a hidden key
(refused: the link would reveal it), a table with two keys to itself (ambiguous)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from plotboard.access.rules import EMPTY_RULES, RuleSet
from plotboard.catalog.model import Catalog, Column, ForeignKey, Table
from plotboard.query.compile import compile_query
from plotboard.query.errors import QueryError
from plotboard.query.prepare import prepare_query
from plotboard.query.spec import parse_spec


def _catalog(*, hidden_key: bool = False, second_key: bool = False) -> Catalog:
    keys = [ForeignKey(("store", "till"), "tills", ("store", "till"))]
    if second_key:
        keys.append(ForeignKey(("store", "spare_till"), "tills", ("store", "till")))
    return Catalog(
        dialect="sqlite",
        tables=(
            Table(
                name="tills",
                primary_key=("store", "till"),
                columns=(Column("store", "integer"), Column("till", "integer"),
                         Column("zone", "string")),
            ),
            Table(
                name="receipts",
                primary_key=("receipt_id",),
                foreign_keys=tuple(keys),
                columns=(
                    Column("receipt_id", "integer"),
                    Column("store", "integer", hidden=hidden_key),
                    Column("till", "integer"),
                    Column("spare_till", "integer"),
                    Column("region", "string"),
                    Column("total", "number"),
                ),
            ),
            Table(
                name="people",
                primary_key=("id",),
                foreign_keys=(ForeignKey(("mentor",), "people", ("id",)),
                              ForeignKey(("buddy",), "people", ("id",))),
                columns=(Column("id", "integer"), Column("mentor", "integer"),
                         Column("buddy", "integer")),
            ),
        ),
    )


ROWS = {
    "tills": [(1, 1, "A"), (1, 2, "A"), (2, 1, "B"), (2, 2, "B")],
    # Till (1, 1) has only a South receipt; (2, 1) a North one over 100; (2, 2) a small North one.
    "receipts": [(1, 1, 1, None, "South", 50.0), (2, 2, 1, None, "North", 500.0),
                 (3, 2, 2, None, "North", 20.0)],
}


def _run(spec: dict[str, Any], rules: RuleSet, attrs: dict[str, Any]) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE tills (store INTEGER, till INTEGER, zone TEXT)")
    db.execute("CREATE TABLE receipts (receipt_id INTEGER, store INTEGER, till INTEGER, "
               "spare_till INTEGER, region TEXT, total REAL)")
    db.executemany("INSERT INTO tills VALUES (?, ?, ?)", ROWS["tills"])
    db.executemany("INSERT INTO receipts VALUES (?, ?, ?, ?, ?, ?)", ROWS["receipts"])
    prepared = prepare_query(parse_spec(spec), _catalog(), rules, attrs)
    assert "NOT EXISTS" in prepared.sql.upper().replace("(", " ")
    return sorted(db.execute(prepared.sql, dict(prepared.params)).fetchall())


TILLS = {"table": "tills", "select": ["store", "till"], "filters": [{"without": "receipts"}]}


def test_a_two_column_link_is_not_exists_on_both_columns() -> None:
    assert _run(TILLS, EMPTY_RULES, {}) == [(1, 2)]
    bigger = {**TILLS, "filters": [{"without": "receipts", "where": [
        {"column": "total", "op": "gt", "value": 100}]}]}
    assert _run(bigger, EMPTY_RULES, {}) == [(1, 1), (1, 2), (2, 2)]


def test_a_two_column_link_counts_only_the_related_rows_the_user_may_see() -> None:
    rules = RuleSet.from_json([{"table": "receipts", "conditions": [
        {"column": "region", "op": "eq", "attribute": "region"}]}])
    # Till (1, 1)'s only receipt is South: for a North user it has none.
    assert _run(TILLS, rules, {"region": "North"}) == [(1, 1), (1, 2)]
    # No attribute: the rule keeps no receipts, so every till has none (fails closed).
    assert _run(TILLS, rules, {}) == [(1, 1), (1, 2), (2, 1), (2, 2)]


@pytest.mark.parametrize(
    ("catalog", "spec", "code", "words"),
    [
        (_catalog(second_key=True), TILLS, "ambiguous_join", "more than one way"),
        (_catalog(hidden_key=True), TILLS, "no_join_path", "has no key pointing at 'tills'"),
        (_catalog(), {"table": "people", "select": ["id"], "filters": [{"without": "people"}]},
         "ambiguous_join", "more than one key pointing at itself"),
    ],
)
def test_links_that_are_not_one_visible_key_are_refused(
    catalog: Catalog, spec: dict[str, Any], code: str, words: str
) -> None:
    with pytest.raises(QueryError) as caught:
        compile_query(parse_spec(spec), catalog)
    assert caught.value.code == code and words in caught.value.message
    assert caught.value.field == "filters[0].without"
