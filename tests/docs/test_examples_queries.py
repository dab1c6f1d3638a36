"""The examples of docs/queries.md and the row-level security example of docs/security.md, run
against `plotboard demo` with its two access rules (`sales.sales_region = user.region`,
`employees.location IN user.location`).

Each test names the examples it covers with `@covers(...)`; tests/docs/test_reference.py fails
when an example has no test.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from plotboard.query.errors import ERROR_CODES
from tests.docs.examples import DOCS, all_blocks, covers, example, json_block, mint, run_bash

ALICE = {"region": "North", "location": ["Paris", "London", "Berlin"]}
ANSWER_KEYS = {
    "columns",
    "rows",
    "row_count",
    "truncated",
    "row_cap",
    "sql",
    "security_filters",
    "source",
    "elapsed_ms",
    "cache",
}


@pytest.fixture
def alice_env(reader_env: dict[str, str], admin_api: httpx.Client) -> dict[str, str]:
    """The reader's environment with a token of the demo user alice, as queries.md asks."""
    return {**reader_env, "TOKEN": mint(admin_api, "alice", attributes=ALICE)}


@covers("query-spec")
def test_first_query(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-spec"), reader_env, workdir)
    answer = run.answer
    assert answer.status == 200, run.stdout
    body = answer.json()
    assert set(body) == ANSWER_KEYS
    documented = json_block("queries.md", '"avg_salary", "type"')
    for key in ("columns", "rows", "row_count", "truncated", "row_cap", "sql", "security_filters"):
        assert body[key] == documented[key], key
    assert body["source"] == reader_env["SOURCE_ID"]
    assert body["cache"] in ("hit", "miss")
    again = run_bash(example("query-spec"), reader_env, workdir).answer.json()
    assert again["cache"] == "hit" and again["rows"] == body["rows"]


def test_the_cache_header_says_what_the_body_says(alice_env: dict[str, str]) -> None:
    spec = {"table": "offices", "dimensions": [{"column": "region"}]}
    headers = {"Authorization": f"Bearer {alice_env['TOKEN']}"}
    url = f"{alice_env['PLOTBOARD_URL']}/api/v1/embed/query"
    answers = [httpx.post(url, headers=headers, json={"query": spec}) for _ in range(2)]
    for answer in answers:
        assert answer.headers["X-Plotboard-Cache"] == answer.json()["cache"]
    assert answers[1].json()["cache"] == "hit"


@covers("query-related")
def test_query_related(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-related"), alice_env, workdir)
    assert run.answer.status == 200, run.stdout
    body = run.answer.json()
    documented = json_block("queries.md", '"offices_country"')
    assert body["columns"] == documented["columns"]
    assert body["rows"] == documented["rows"]
    assert body["security_filters"] == ["employees.location IN ('Paris', 'London', 'Berlin')"]
    assert "LEFT JOIN" in body["sql"]


@covers("query-joined-rules")
def test_query_joined_rules(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-joined-rules"), alice_env, workdir)
    assert run.answer.status == 200, run.stdout
    body = run.answer.json()
    assert body["columns"] == [
        {"name": "employees_department", "type": "string", "null_means": "hidden"},
        {"name": "sum_amount", "type": "number"},
    ]
    assert body["rows"] == [["Sales", 32218349.90000004], [None, 63114675.20999977]]
    assert body["security_filters"] == [
        "sales.sales_region = 'North'",
        "employees.location IN ('Paris', 'London', 'Berlin')",
    ]
    page = (DOCS / "queries.md").read_text(encoding="utf-8")
    assert '`["Sales", 32218349.90000004]` and `[null, 63114675.20999977]`' in page
    assert '`{"name": "employees_department", "type": "string", "null_means":\n"hidden"}`' in page


def test_a_query_on_the_referenced_side_has_no_join_path(alice_env: dict[str, str]) -> None:
    answer = httpx.post(
        f"{alice_env['PLOTBOARD_URL']}/api/v1/embed/query",
        headers={"Authorization": f"Bearer {alice_env['TOKEN']}"},
        json={
            "query": {
                "table": "offices",
                "measures": [{"agg": "count"}],
                "dimensions": [{"column": "employees.department"}],
            }
        },
    )
    assert answer.status_code == 422 and answer.json()["code"] == "no_join_path"


@covers("query-typo")
def test_query_typo(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-typo"), alice_env, workdir)
    assert run.answer.status == 422, run.stdout
    assert run.answer.json() == json_block("queries.md", "salry")


@covers("query-sql-not-permitted")
def test_query_sql_not_permitted(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-sql-not-permitted"), alice_env, workdir)
    assert run.answer.status == 403, run.stdout
    assert run.answer.json() == json_block("queries.md", '"sql_not_permitted"')


@covers("query-sql")
def test_query_sql(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-sql"), reader_env, workdir)
    select, delete = run.answers
    assert select.status == 200, select.text
    body = select.json()
    assert body["columns"] == [
        {"name": "location", "type": "string"},
        {"name": "people", "type": "integer"},
    ]
    assert sorted(body["rows"]) == [["London", 258], ["Paris", 152]]
    assert body["security_filters"] == ["employees.location IN ('Paris', 'London')"]
    assert delete.status == 400
    assert delete.json() == json_block("queries.md", '"sql_not_read_only"')


@covers("embed-catalog")
def test_embed_catalog(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("embed-catalog"), alice_env, workdir)
    assert run.answer.status == 200, run.stdout
    (source,) = run.answer.json()["sources"]
    documented = json_block("queries.md", '"relations"')["sources"][0]
    assert set(source) == set(documented)
    assert source["id"] == alice_env["SOURCE_ID"] and source["dialect"] == "sqlite"
    tables = {t["name"]: t for t in source["tables"]}
    assert set(tables) == {"employees", "offices", "sales"}
    employees, shown = tables["employees"], documented["tables"][0]
    assert set(employees) == set(shown)
    assert set(employees["columns"][0]) == set(shown["columns"][0])
    assert employees["relations"] == shown["relations"]


@covers("geo-lookup")
def test_geo_lookup(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("geo-lookup"), alice_env, workdir)
    assert run.answer.status == 200, run.stdout
    documented = json_block("queries.md", '"Narnia"')
    places = run.answer.json()["places"]
    assert list(places) == list(documented["places"])
    assert places["Narnia"] is None
    for name in ("Paris", "São Paulo", "Japan"):
        place, shown = places[name], documented["places"][name]
        assert set(place) == set(shown)
        for key in ("kind", "name", "country_code", "country", "country_numeric"):
            assert place[key] == shown[key], (name, key)
        assert abs(place["lat"] - shown["lat"]) < 0.5 and abs(place["lon"] - shown["lon"]) < 0.5


def test_every_query_error_code_is_documented() -> None:
    page = (DOCS / "queries.md").read_text(encoding="utf-8")
    # `duplicate_alias` is reserved: a name chosen twice is answered with `invalid_query`.
    for code in sorted(ERROR_CODES - {"duplicate_alias"}):
        documented = f"`{code}`" in page or (code.startswith("sql_") and "`sql_...`" in page)
        assert documented, f"queries.md does not document the error code `{code}`"
        if code.startswith("sql_") and code != "sql_too_long":
            assert f"| `{code}` |" in page, f"the raw SQL table does not list `{code}`"


def test_the_spec_tables_list_every_agg_grain_and_op() -> None:
    from typing import get_args

    from plotboard.query.spec import Aggregate, FilterOp, Grain

    page = (DOCS / "queries.md").read_text(encoding="utf-8")
    rows = "\n".join(line for line in page.splitlines() if line.startswith("| `"))
    for name in (*get_args(Aggregate), *get_args(Grain), *get_args(FilterOp)):
        assert re.search(rf"`{name}`", rows), f"queries.md's tables do not list `{name}`"


# --- security.md ---------------------------------------------------------------------------


@covers("rls-raw-sql")
def test_rls_raw_sql(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("rls-raw-sql"), reader_env, workdir)
    assert run.answer.status == 200, run.stdout
    body: dict[str, Any] = run.answer.json()
    assert sorted(body["rows"]) == [["London"], ["Paris"]]
    shown = next(
        b for b in all_blocks() if b.path.name == "security.md" and b.language == "sql"
    ).code
    assert body["sql"] == " ".join(shown.split()).replace("( ", "(")


@covers("query-v2")
def test_query_v2(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-v2"), alice_env, workdir)
    assert run.answer.status == 200, run.stdout
    body = run.answer.json()
    names = [c["name"] for c in body["columns"]]
    assert names == ["category", "revenue", "avg_deal", "count_share"]
    assert body["columns"][1]["format"] == {"type": "currency", "decimals": 0, "currency": "EUR"}
    assert body["rows"], body
    shares = [row[3] for row in body["rows"]]
    assert all(share >= 5 for share in shares) and sum(shares) <= 100.0001
    revenues = [row[1] for row in body["rows"]]
    assert revenues == sorted(revenues, reverse=True)
    assert body["security_filters"] == ["sales.sales_region = 'North'"]


def _spec_answer(env: dict[str, str], spec: dict[str, Any]) -> Any:
    answer = httpx.post(
        f"{env['PLOTBOARD_URL']}/api/v1/embed/query",
        headers={"Authorization": f"Bearer {env['TOKEN']}"},
        json={"query": spec},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


@covers("query-share-within")
def test_query_share_within(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-share-within"), alice_env, workdir)
    assert run.answer.status == 200, run.stdout
    body = run.answer.json()
    assert [c["name"] for c in body["columns"]] == ["department", "location", "count_share"]
    # Alice's own people: her cities only, and each department's total is hers.
    counts = _spec_answer(alice_env, {"table": "employees", "measures": [{"agg": "count"}],
                                      "dimensions": [{"column": "department"},
                                                     {"column": "location"}]})["rows"]
    totals: dict[str, int] = {}
    for department, _location, n in counts:
        totals[department] = totals.get(department, 0) + n
    expected = {(d, loc): n * 100 / totals[d] for d, loc, n in counts}
    got = {(d, loc): share for d, loc, share in body["rows"]}
    assert got == pytest.approx(expected)
    assert {loc for _d, loc in got} == {"Paris", "London", "Berlin"}
    for department in totals:
        assert sum(v for (d, _loc), v in got.items() if d == department) == pytest.approx(100)
    engineering_london = got[("Engineering", "London")]
    page = (DOCS / "queries.md").read_text(encoding="utf-8")
    shown = re.search(r'\["Engineering", "London", ([0-9.]+)…\]', page)
    assert shown, "the page quotes London's share of Engineering"
    assert f"{engineering_london:.1f}" == shown.group(1), engineering_london
    # Within a dimension that is not the first: refused, saying what to change.
    refused = httpx.post(
        f"{alice_env['PLOTBOARD_URL']}/api/v1/embed/query",
        headers={"Authorization": f"Bearer {alice_env['TOKEN']}"},
        json={"query": {"table": "employees",
                        "measures": [{"agg": "count", "share": {"within": "location"}}],
                        "dimensions": [{"column": "department"}, {"column": "location"}]}},
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_query"
    assert "first" in refused.json()["detail"]


@covers("query-compare")
def test_query_compare(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-compare"), alice_env, workdir)
    assert run.answer.status == 200, run.stdout
    body = run.answer.json()
    assert [c["name"] for c in body["columns"]] == [
        "sale_date_month", "revenue", "revenue_previous", "revenue_change", "revenue_change_pct"
    ]
    documented = json_block("queries.md", '"relative_dates"')
    assert body["compare"] == documented["compare"]
    [resolved] = body["relative_dates"]
    latest = _spec_answer(alice_env, {"table": "sales",
                                      "measures": [{"agg": "max", "column": "sale_date"}]})
    assert resolved["anchor_date"] == latest["rows"][0][0]  # alice's own latest date
    assert resolved == documented["relative_dates"][0]
    monthly = _spec_answer(alice_env, {
        "table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
        "dimensions": [{"column": "sale_date", "grain": "month"}]})
    revenue = {month: value for month, value in monthly["rows"]}
    assert len(body["rows"]) == 3
    for month, value, previous, change, pct in body["rows"]:
        year_before = f"{int(month[:4]) - 1}{month[4:]}"
        assert value == pytest.approx(revenue[month])
        assert previous == pytest.approx(revenue[year_before])
        assert change == pytest.approx(value - previous)
        assert pct == pytest.approx((value - previous) * 100 / previous)


@covers("query-bands")
def test_query_bands(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-bands"), alice_env, workdir)
    assert run.answer.status == 200, run.stdout
    body = run.answer.json()
    assert [c["name"] for c in body["columns"]] == ["salary_bin", "count"]
    low, high = _spec_answer(alice_env, {"table": "employees", "measures": [
        {"agg": "min", "column": "salary"}, {"agg": "max", "column": "salary"}]})["rows"][0]
    count = _spec_answer(alice_env, {"table": "employees", "measures": [{"agg": "count"}]})
    edges = [row[0] for row in body["rows"]]
    assert 1 <= len(edges) <= 5 and edges[0] == pytest.approx(low)
    width = (high - low) / 5
    assert all((edge - low) / width == pytest.approx(round((edge - low) / width)) for edge in edges)
    assert sum(row[1] for row in body["rows"]) == count["rows"][0][0]


def test_expression_errors_say_where(alice_env: dict[str, str]) -> None:
    answer = httpx.post(
        f"{alice_env['PLOTBOARD_URL']}/api/v1/embed/query",
        headers={"Authorization": f"Bearer {alice_env['TOKEN']}"},
        json={"query": {"table": "sales", "measures": [
            {"expr": "sum(amount) / count(", "name": "broken"}]}},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_expression"
    [error] = body["errors"]
    assert error["field"] == "measures[0].expr"
    assert f"position {error['position']}" in error["message"]


@covers("query-records")
def test_query_records(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-records"), alice_env, workdir)
    assert run.answer.status == 200, run.stdout
    body = run.answer.json()
    assert [c["name"] for c in body["columns"]] == [
        "full_name", "hire_date", "offices_city", "salary"
    ]
    second = body["rows"]
    spec = {"table": "employees", "select": ["full_name", "hire_date", "offices.city", "salary"],
            "filters": [{"column": "location", "op": "eq", "value": "Paris"}],
            "order_by": [{"by": "salary", "desc": True}]}
    first_two = _spec_answer(alice_env, {**spec, "limit": 20})["rows"]
    everyone = _spec_answer(alice_env, {**spec, "limit": 1000})["rows"]
    assert len(everyone) > 20, "the example should have a full second page"
    assert second == first_two[10:20]
    assert {row[2] for row in everyone} == {"Paris"}
    salaries = [row[3] for row in everyone]
    assert salaries == sorted(salaries, reverse=True)
    # Under the rules: a location alice may not see gives no rows, not an error.
    tokyo = _spec_answer(alice_env, {**spec, "filters": [
        {"column": "location", "op": "eq", "value": "Tokyo"}]})
    assert tokyo["rows"] == []


@covers("query-top-per-group")
def test_query_top_per_group(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-top-per-group"), alice_env, workdir)
    assert run.answer.status == 200, run.stdout
    body = run.answer.json()
    assert [c["name"] for c in body["columns"]] == ["category", "product", "revenue"]
    every = _spec_answer(alice_env, {
        "table": "sales", "measures": [{"agg": "sum", "column": "amount", "name": "revenue"}],
        "dimensions": [{"column": "category"}, {"column": "product"}]})["rows"]
    best: dict[str, list[float]] = {}
    for category, _product, revenue in every:
        best.setdefault(category, []).append(revenue)
    got: dict[str, list[float]] = {}
    for category, _product, revenue in body["rows"]:
        got.setdefault(category, []).append(revenue)
    assert set(got) == set(best)
    for category, revenues in got.items():
        assert sorted(revenues, reverse=True) == pytest.approx(
            sorted(best[category], reverse=True)[:2]
        )
    assert body["security_filters"] == ["sales.sales_region = 'North'"]
    running = _spec_answer(alice_env, {
        "table": "sales", "measures": [{"agg": "sum", "column": "amount", "cumulative": True}],
        "dimensions": [{"column": "sale_date", "grain": "month"}]})
    assert [c["name"] for c in running["columns"]] == ["sale_date_month", "sum_amount_cumulative"]
    monthly = _spec_answer(alice_env, {
        "table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
        "dimensions": [{"column": "sale_date", "grain": "month"}]})["rows"]
    so_far, expected = 0.0, []
    for _month, value in sorted(monthly):
        so_far += value
        expected.append(so_far)
    assert [row[1] for row in sorted(running["rows"])] == pytest.approx(expected)


@covers("query-any")
def test_query_any(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-any"), alice_env, workdir)
    assert run.answer.status == 200, run.stdout
    body = run.answer.json()
    assert [c["name"] for c in body["columns"]] == ["sale_date_year", "revenue"]
    years = [str(row[0])[:4] for row in body["rows"]]
    assert years == ["2023", "2025"]
    # Each year's revenue is that year's alone, as the filter on one year gives it.
    for row in body["rows"]:
        year = str(row[0])[:4]
        alone = _spec_answer(alice_env, {
            "table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
            "filters": [{"column": "category", "op": "eq", "value": "Services"},
                        {"column": "sale_date", "op": "between",
                         "value": [f"{year}-01-01", f"{year}-12-31"]}]})
        assert alone["rows"][0][0] == pytest.approx(row[1])


@covers("query-without")
def test_query_without(alice_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("query-without"), alice_env, workdir)
    assert run.answer.status == 200, run.stdout
    body = run.answer.json()
    listed = {row[0] for row in body["rows"]}
    sellers = _spec_answer(alice_env, {
        "table": "employees", "select": ["employee_id"], "limit": 1000,
        "filters": [{"column": "department", "op": "eq", "value": "Sales"}]})
    sold = _spec_answer(alice_env, {
        "table": "sales", "dimensions": [{"column": "employees.employee_id"}],
        "measures": [{"agg": "count"}], "limit": 10000,
        "filters": [{"column": "sale_date", "op": "between",
                     "value": ["2025-01-01", "2025-12-31"]}]})
    # Exactly the sales people alice sees with no sale she sees in 2025 (the example shows
    # the first 50 of them).
    expected = {row[0] for row in sellers["rows"]} - {row[0] for row in sold["rows"]}
    everyone = _spec_answer(alice_env, {
        "table": "employees", "select": ["employee_id"], "limit": 1000,
        "filters": [{"column": "department", "op": "eq", "value": "Sales"},
                    {"without": "sales", "where": [{"column": "sale_date", "op": "between",
                                                    "value": ["2025-01-01", "2025-12-31"]}]}]})
    assert {row[0] for row in everyone["rows"]} == expected
    assert listed <= expected and len(listed) == min(50, len(expected)) > 0
