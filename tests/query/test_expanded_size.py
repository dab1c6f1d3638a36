"""`check_expanded_size` sums each subtree from one preorder walk (prefix sums); it must refuse
exactly where walking every subtree again, as it first did, would.

`_walked_sizes` below is that first version, kept as the reference: for each SQL, the largest
size it finds is the limit at which the check must refuse (one below) and accept (at it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from plotboard.access.rules import EMPTY_RULES
from plotboard.query import sql as sql_module
from plotboard.query.errors import QueryError
from plotboard.query.prepare import clear_cache, prepare_query
from plotboard.query.scopes import query_scopes
from plotboard.query.spec import parse_spec
from plotboard.query.sql import check_expanded_size, parse_read_only_sql
from tests.query.dataset import build_catalog

FIXTURES = Path(__file__).parent / "fixtures"
CATALOG = build_catalog("postgres")


def _walked_sizes(root: exp.Query) -> list[int]:
    """Every size the check compares with the limit, by walking each subtree."""
    outputs: dict[int, list[tuple[str, int]]] = {}
    sizes: list[int] = []

    def columns_of(query: exp.Expr) -> list[tuple[str, int]]:
        if isinstance(query, exp.Subquery):
            return columns_of(query.this)
        if isinstance(query, exp.SetOperation):
            left, right = columns_of(query.left), columns_of(query.right)
            return [(name, a + b) for (name, a), (_, b) in zip(left, right, strict=False)]
        return outputs.get(id(query), [])

    def size(node: exp.Expr, scope: Scope) -> int:
        total = 0
        for part in node.walk():
            source = scope.sources.get(part.table) if isinstance(part, exp.Column) else None
            if isinstance(source, Scope):
                name = part.name
                total += next((n for out, n in columns_of(source.expression) if out == name), 1)
            elif isinstance(part, exp.Literal) and part.is_string:
                total += 1 + len(part.this) // sql_module._TEXT_PART
            else:
                total += 1
        sizes.append(total)
        return total

    for scope in query_scopes(root):
        query = scope.expression
        if isinstance(query, exp.Select):
            outputs[id(query)] = [(e.alias_or_name, size(e, scope)) for e in query.selects]
            size(query, scope)
    return sizes


def _trees() -> list[exp.Query]:
    lines = (FIXTURES / "sql_accepted.sql").read_text(encoding="utf-8").splitlines()
    raw = [lines[i + 1] for i, line in enumerate(lines) if line.startswith("-- ")]
    # CTEs that use the one before several times, a long text, a UNION, a correlated subquery
    raw += [
        "WITH a AS (SELECT s.amount + s.amount AS x, 'hello world, a longer text' AS t "
        "FROM sales AS s), b AS (SELECT a.x * a.x + a.x AS y, a.t || a.t AS t FROM a), "
        "c AS (SELECT b.y - b.y AS z, b.t AS t FROM b UNION ALL SELECT b.y, b.t FROM b) "
        "SELECT c.z + c.z, (SELECT max(c2.z) FROM c AS c2 WHERE c2.z > c.z) FROM c",
        "SELECT d.n * d.n FROM (SELECT count(*) + count(*) AS n FROM (SELECT e.full_name "
        "FROM employees AS e) AS x) AS d",
    ]
    trees = [parse_read_only_sql(sql, CATALOG) for sql in raw]
    # the SQL plotboard writes for the compile cases, read back as the last gate reads it
    for case in json.loads((FIXTURES / "compile_cases.json").read_text(encoding="utf-8")):
        if "latest" in json.dumps(case["spec"]):
            continue
        clear_cache()
        prepared = prepare_query(parse_spec(case["spec"]), CATALOG, EMPTY_RULES, {})
        read = sqlglot.parse_one(prepared.sql.replace("\\:", ":"), read="postgres")
        assert isinstance(read, exp.Query)
        trees.append(read)
    return trees


def test_the_check_refuses_exactly_where_walking_every_subtree_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trees = _trees()
    assert len(trees) > 60
    for tree in trees:
        largest = max(_walked_sizes(tree))
        monkeypatch.setattr(sql_module, "MAX_SQL_EXPANDED", largest)
        check_expanded_size(tree)
        check_expanded_size(tree, query_scopes(tree))
        monkeypatch.setattr(sql_module, "MAX_SQL_EXPANDED", largest - 1)
        with pytest.raises(QueryError) as caught:
            check_expanded_size(tree)
        assert caught.value.code == "sql_too_complex"
