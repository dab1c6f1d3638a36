"""The last gate checks a spec's own tree instead of re-reading its SQL
(`plotboard.access.check._written_as_built`): it must decide exactly as re-reading does, and
the tree must agree with the re-read SQL on everything the checks look at.

* Every hostile spec of fixtures/adversarial.json and every spec of the compile cases goes
  through `prepare_query` twice, checking the built tree and re-reading the SQL, on each
  dialect and attribute set: the same SQL and parameters, or the same refusal. The fast path
  is taken on most of them (else this would prove nothing).
* For those specs and for generated v2 specs (calculated measures, custom columns, shares,
  running totals, bins, HAVING, period comparisons), the built and enforced tree and the
  tree re-read from its SQL agree on what the gate checks: which catalog tables are read,
  each through which rule condition and fence; which catalog columns are read; which
  placeholders there are; and the gate's verdict on each.
* A tree whose names or values could change how its SQL reads is re-read, not trusted.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from plotboard.access import check as check_module
from plotboard.access.check import render_checked
from plotboard.access.enforce import EnforcedQuery, enforce_access_rules, table_label
from plotboard.access.fence import FENCE_ARGS
from plotboard.access.rules import RuleSet
from plotboard.catalog.model import Catalog
from plotboard.query.compile import compile_query
from plotboard.query.errors import QueryError
from plotboard.query.prepare import clear_cache, prepare_query
from plotboard.query.render import as_sent, render
from plotboard.query.scopes import classify_tables, query_scopes, resolve_source
from plotboard.query.spec import QuerySpec, parse_spec
from tests.access.rules_fixture import RULES
from tests.access.test_property import specs as v1_specs
from tests.query.dataset import build_catalog

FIXTURES = Path(__file__).parents[1]
ADVERSARIAL: list[dict[str, Any]] = json.loads(
    (FIXTURES / "access" / "fixtures" / "adversarial.json").read_text(encoding="utf-8")
)
COMPILE: list[dict[str, Any]] = json.loads(
    (FIXTURES / "query" / "fixtures" / "compile_cases.json").read_text(encoding="utf-8")
)
ATTRIBUTES: list[dict[str, Any]] = [
    {"region": "North", "location": ["Tokyo", "Paris"], "office_region": "EMEA"},
    {"region": "' OR 1=1 --", "location": ["x' OR 'a'='a"], "all_regions": False},
    {"region": "South", "location": "London", "all_regions": True},
    {},
]
TODAY = dt.date(2025, 6, 15)
DIALECTS = ("sqlite", "postgres", "mysql", "duckdb")
CATALOGS = {dialect: build_catalog(dialect) for dialect in DIALECTS}
# Rules whose conditions stay an OR of two tests for every user: written inside the rule's
# subquery next to the query's own leakproof terms, they must keep their parentheses.
RULES_OR = RuleSet.from_json(
    [
        {
            "table": "sales",
            "conditions": [
                {
                    "any": [
                        {"column": "sales_region", "op": "eq", "attribute": "region"},
                        {"column": "category", "op": "in", "attribute": "location"},
                    ]
                }
            ],
        },
        {
            "table": "offices",
            "conditions": [
                {
                    "any": [
                        {"column": "region", "op": "eq", "attribute": "office_region"},
                        {"column": "city", "op": "in", "attribute": "location"},
                    ]
                }
            ],
        },
    ]
)
SPECS = [
    case["spec"]
    for case in [*ADVERSARIAL, *COMPILE]
    if "spec" in case and "latest" not in json.dumps(case["spec"])
]


def _outcome(spec: dict[str, Any], catalog: Catalog, attrs: dict[str, Any]) -> object:
    clear_cache()
    try:
        prepared = prepare_query(parse_spec(spec), catalog, RULES, attrs, today=TODAY)
    except QueryError as err:
        return ("refused", err.code, err.message)
    return (prepared.sql, dict(prepared.params))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_checking_the_built_tree_decides_as_re_reading_the_sql(
    dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = CATALOGS[dialect]
    taken = 0
    real = check_module._written_as_built

    def counting(tree: exp.Expr) -> list[str] | None:
        nonlocal taken
        found = real(tree)
        taken += found is not None
        return found

    for spec in SPECS:
        for attrs in ATTRIBUTES:
            monkeypatch.setattr(check_module, "_written_as_built", counting)
            fast = _outcome(spec, catalog, attrs)
            monkeypatch.setattr(check_module, "_written_as_built", lambda _tree: None)
            full = _outcome(spec, catalog, attrs)
            assert fast == full, (dialect, spec, attrs)
    # Most specs reach the gate and take the fast path there.
    assert taken > len(SPECS) * len(ATTRIBUTES) // 2


def _enforced(
    spec: QuerySpec, dialect: str, attrs: dict[str, Any], rules: RuleSet = RULES
) -> EnforcedQuery:
    catalog = CATALOGS[dialect]
    compiled = compile_query(spec, catalog, today=TODAY)
    return enforce_access_rules(compiled.expression, catalog, rules, attrs, compiled.params)


def _shape(node: object) -> object:
    """`node` as nested tuples without parentheses: two trees with the same shape group
    their operands the same way (a precedence slip in writing would show here)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, list):
        return tuple(_shape(n) for n in node)
    if not isinstance(node, exp.Expr):
        return node
    return (
        type(node).__name__,
        tuple(
            (k, _shape(v))
            for k, v in sorted(node.args.items())
            if v is not None and v is not False and v != [] and k != "quoted"
        ),
    )


def _what_the_gate_sees(tree: exp.Expr, dialect: str) -> dict[str, object]:
    """What the last gate's checks depend on, read from `tree` (not changed)."""
    tree = tree.copy()
    catalog = CATALOGS[dialect]
    tables = []
    for node in classify_tables(tree).base:
        table = catalog.table(node.name, node.args["db"].name if node.args.get("db") else None)
        assert table is not None
        select = node.parent.parent if isinstance(node.parent, exp.From) else None
        wrapper = select.parent if isinstance(select, exp.Select) else None
        if isinstance(wrapper, exp.Subquery) and select is not None:
            where = select.args.get("where")
            tables.append(
                (
                    table_label(table),
                    wrapper.alias,
                    render(where.this, dialect) if where else None,
                    _shape(where.this) if where else None,
                    tuple(
                        render(select.args[k], dialect) for k in FENCE_ARGS if select.args.get(k)
                    ),
                )
            )
        else:
            tables.append((table_label(table), node.alias_or_name, None, ()))
    columns = set()
    for scope in query_scopes(tree):
        for column in scope.columns:
            source = resolve_source(scope, column.table)
            if isinstance(source, exp.Table):
                columns.add((source.name, column.name))
            elif source is not None:
                columns.add((f"({column.table})", column.name))
            else:
                columns.add((None, column.name))
    # By name: `text()` binds by name, and a dialect's writer may write a part twice.
    placeholders = sorted({p.name for p in tree.find_all(exp.Placeholder)})
    return {"tables": sorted(tables, key=repr), "columns": columns, "params": placeholders}


def _verdict(
    enforced: EnforcedQuery, dialect: str, rules: RuleSet, built: bool, monkeypatch: Any
) -> object:
    if not built:
        monkeypatch.setattr(check_module, "_written_as_built", lambda _tree: None)
    try:
        checked = render_checked(
            EnforcedQuery(
                enforced.expression.copy(), enforced.params, enforced.applied, enforced.filters
            ),
            CATALOGS[dialect],
            rules,
            built=True,
        )
        return (checked.sql, dict(checked.params))
    except QueryError as err:
        return ("refused", err.code)
    finally:
        monkeypatch.undo()


def _compare_built_and_re_read(
    spec: QuerySpec, dialect: str, attrs: dict[str, Any], rules: RuleSet, monkeypatch: Any
) -> bool:
    """Whether the fast path applies; asserts the built tree and the re-read one agree."""
    try:
        enforced = _enforced(spec, dialect, attrs, rules)
    except QueryError:
        return False
    tree = enforced.expression
    sql = render(tree, dialect)
    re_read = sqlglot.parse_one(as_sent(sql), read=dialect)
    assert _what_the_gate_sees(tree, dialect) == _what_the_gate_sees(re_read, dialect), sql
    assert _verdict(enforced, dialect, rules, True, monkeypatch) == _verdict(
        enforced, dialect, rules, False, monkeypatch
    ), sql
    return check_module._written_as_built(tree) is not None


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_built_tree_and_the_re_read_sql_agree_on_the_cases(
    dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = 0
    for raw in SPECS:
        try:
            spec = parse_spec(raw)
        except QueryError:
            continue
        for rules in (RULES, RULES_OR):
            fast += _compare_built_and_re_read(spec, dialect, ATTRIBUTES[0], rules, monkeypatch)
    assert fast > len(SPECS)


_EXPRESSIONS = {
    "sales": [
        "sum(amount) / count()",
        "sum_if(amount, category = 'Software') * 100 / sum(amount)",
        "round(avg(unit_price * quantity), 2)",
        "count_if(quantity > 3 and not (category = 'Hardware' or amount < 10))",
        "coalesce(max(amount), 0) - min(amount)",
        "count_distinct(product) + count(employee_id)",
    ],
    "employees": [
        "count_if(is_remote) * 100.0 / count()",
        "avg(salary) / (max(performance_rating) - min(performance_rating) + 1)",
        "sum_if(salary, department = 'Sales' or location = 'Paris')",
    ],
    "offices": ["count() - count_distinct(country)", "max(office_id) % 7"],
}
_COLUMNS = {
    "sales": [
        {"name": "line", "expr": "unit_price * quantity"},
        {"name": "band", "expr": "case when amount >= 1000 then 'Big' else 'Small' end"},
        {"name": "yr", "expr": "year(sale_date)"},
    ],
    "employees": [
        {"name": "band", "expr": "case when salary >= 100000 then 'High' else 'Other' end"},
        {"name": "mon", "expr": "month_name(hire_date)"},
    ],
    "offices": [{"name": "yr", "expr": "year(opened_on)"}],
}
_BINS = {"sales": "amount", "employees": "salary", "offices": "office_id"}
_DATES = {"sales": "sale_date", "employees": "hire_date", "offices": "opened_on"}


@st.composite
def v2_specs(draw: Any) -> QuerySpec:
    """The v1 shapes of `test_property` with v2 parts added at random."""
    raw = draw(v1_specs()).model_dump(exclude_defaults=True, mode="json")
    table = raw["table"]
    measures = raw.setdefault("measures", [])
    dimensions = raw.setdefault("dimensions", [])
    if draw(st.booleans()):
        measures.append({"expr": draw(st.sampled_from(_EXPRESSIONS[table])), "name": "calc"})
    if draw(st.booleans()):
        column = draw(st.sampled_from(_COLUMNS[table]))
        raw["columns"] = [column]
        if draw(st.booleans()):
            dimensions.append({"column": column["name"]})
    if measures and draw(st.booleans()):
        measures[0] = {**measures[0], draw(st.sampled_from(["share", "cumulative"])): True}
    if draw(st.booleans()):
        bin_ = draw(st.sampled_from([{"width": 250}, {"count": 5}]))
        dimensions.append({"column": _BINS[table], "bin": bin_})
    if draw(st.booleans()):
        raw["compare"] = {"to": draw(st.sampled_from(["previous_period", "previous_year"]))}
        raw.setdefault("filters", []).append(
            {"column": _DATES[table], "op": "between", "value": ["2025-01-01", "2025-03-31"]}
        )
    if measures and draw(st.booleans()):
        raw["having"] = (
            [{"by": "count", "op": "gt", "value": 1}]
            if any(m.get("agg") == "count" and "column" not in m and len(m) == 1 for m in measures)
            else []
        )
    try:
        return parse_spec(raw)
    except QueryError:
        assume(False)
        raise


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_built_tree_and_the_re_read_sql_agree_on_generated_specs(
    dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = 0

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(
        spec=v2_specs(),
        attrs=st.sampled_from(ATTRIBUTES),
        rules=st.sampled_from([RULES, RULES_OR]),
    )
    def check(spec: QuerySpec, attrs: dict[str, Any], rules: RuleSet) -> None:
        nonlocal fast
        fast += _compare_built_and_re_read(spec, dialect, attrs, rules, monkeypatch)

    check()
    assert fast >= 20, "the generated specs should mostly compile and take the fast path"


CATALOG = CATALOGS["postgres"]


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.find(exp.Identifier).set("this", 'amount" FROM payroll --'),
        lambda t: t.find(exp.Identifier).set("this", "a`b"),
        lambda t: t.find(exp.Identifier).set("this", "a\\b"),
        lambda t: t.find(exp.Identifier).set("this", "line\nbreak"),
        lambda t: t.select(exp.Literal.string("it's"), copy=False),
        lambda t: t.select(exp.Literal.string("back\\slash"), copy=False),
        lambda t: t.select(exp.Literal(this="1; DROP TABLE sales", is_string=False), copy=False),
        lambda t: t.select(exp.Literal(this="inf", is_string=False), copy=False),
        lambda t: t.select(exp.Literal(this="1e5", is_string=False), copy=False),
        lambda t: t.select(exp.Anonymous(this="f(1) --"), copy=False),
        lambda t: t.select(exp.Placeholder(this="p0 OR 1"), copy=False),
        lambda t: t.with_("x", "SELECT 1", copy=False),
    ],
)
def test_a_tree_whose_sql_could_read_otherwise_is_re_read(change: Any) -> None:
    spec = parse_spec(COMPILE[0]["spec"])
    tree = _enforced(spec, "postgres", ATTRIBUTES[0]).expression
    assert check_module._written_as_built(tree) is not None
    change(tree)
    assert check_module._written_as_built(tree) is None
