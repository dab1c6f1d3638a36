"""The LLM engine and query spec v2: the schema it is given, structured output negotiated per
endpoint, and good, bad and hostile specs from a real local chat-completions server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.ai import LLMEngine, LLMSettings
from plotboard.ai.llm import UNUSABLE
from plotboard.catalog.model import Catalog, Table
from plotboard.llm import forget_formats
from tests.ai.chat_server import ChatServer, Reply
from tests.ai.demo import run_spec

TODAY = dt.date(2025, 7, 15)


@pytest.fixture(scope="module")
def server() -> Iterator[ChatServer]:
    chat = ChatServer()
    yield chat
    chat.stop()


@pytest.fixture(autouse=True)
def _fresh_formats() -> Iterator[None]:
    forget_formats()
    yield
    forget_formats()


def ask(server: ChatServer, catalog: Catalog, values: Any, question: str = "q",
        model: str = "test-model", **settings: Any) -> Any:
    engine = LLMEngine(LLMSettings(server.base_url, model, "k", timeout_s=5.0, **settings))
    with engine:
        return engine.answer(question, catalog, values, today=TODAY)


def tile(query: dict[str, Any], chart: str = "table") -> str:
    return json.dumps({"answer": "ok", "tile": {"title": "t", "query": query,
                                                "chart": {"type": chart}}})


def formats(server: ChatServer) -> list[str | None]:
    return [r.body.get("response_format", {}).get("type") for r in server.received]


def test_the_v2_spec_is_in_the_prompt_and_the_structured_output_schema(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    server.script(Reply(tile({"table": "employees", "measures": [{"agg": "count"}]}, "kpi")))
    ask(server, catalog, values)
    [sent] = server.received
    prompt = sent.body["messages"][0]["content"]
    for v2 in ('"compare"', "previous_year", '"limit_per"', '"select"', '"share"',
               '"cumulative"', '"having"', '"bin"', '"to_date"', '"anchor": "latest"',
               '"within"'):
        assert v2 in prompt, v2
    fmt = sent.body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "answer"
    schema = fmt["json_schema"]["schema"]
    spec = schema["$defs"]["QuerySpec"]["properties"]
    for key in ("table", "measures", "dimensions", "filters", "having", "compare", "limit_per",
                "select", "offset", "columns", "order_by", "limit"):
        assert key in spec, key
    assert schema["$defs"]["Compare"]["properties"]["to"]["enum"] == [
        "previous_period", "previous_year"]
    assert "kpi" in schema["$defs"]["_ChartShape"]["properties"]["type"]["enum"]


def test_a_server_refusing_json_schema_then_json_object_is_read_as_text_and_remembered(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    good = tile({"table": "employees", "measures": [{"agg": "count"}]}, "kpi")
    refused = '{"error": {"message": "response_format is not supported"}}'
    server.script(Reply(status=400, body=refused), Reply(status=400, body=refused),
                  Reply("Here it is: " + good))
    reply = ask(server, catalog, values)
    assert reply.engine == "llm" and reply.fallback_reason is None
    assert formats(server) == ["json_schema", "json_object", None]
    # The next engine for the same endpoint (a new request) skips what was refused ...
    server.script(Reply(good))
    ask(server, catalog, values)
    assert formats(server) == [None]
    # ... and another model on the same server is asked afresh.
    server.script(Reply(good))
    ask(server, catalog, values, model="other-model")
    assert formats(server) == ["json_schema"]


def test_a_400_for_another_reason_is_not_remembered_as_a_refusal(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    bad_model = '{"error": {"message": "model not found"}}'
    server.script(*[Reply(status=400, body=bad_model)] * 3)
    reply = ask(server, catalog, values, question="how many employees")
    assert reply.engine == "builtin" and reply.fallback_reason is not None
    assert reply.answer.startswith("The AI service returned an error (HTTP 400)")
    server.script(Reply(tile({"table": "employees", "measures": [{"agg": "count"}]}, "kpi")))
    ask(server, catalog, values)
    assert formats(server) == ["json_schema"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Share of headcount per department: the shares add up to 100.
        ({"table": "employees", "dimensions": [{"column": "department"}],
          "measures": [{"agg": "count", "share": True}]}, lambda rows: round(
              sum(r[1] for r in rows)) == 100 and len(rows) == 7),
        # Share within each department (100% bars): each department's split by location
        # adds up to 100.
        ({"table": "employees", "dimensions": [{"column": "department"}, {"column": "location"}],
          "measures": [{"agg": "count", "share": {"within": "department"}}]},
         lambda rows: len({r[0] for r in rows}) == 7 and all(
             round(sum(r[2] for r in rows if r[0] == d)) == 100 for d in {r[0] for r in rows})),
        # Detail rows, paged.
        ({"table": "employees", "select": ["full_name", "location"],
          "filters": [{"column": "location", "op": "eq", "value": "Paris"}], "limit": 5},
         lambda rows: len(rows) == 5 and {r[1] for r in rows} == {"Paris"}),
        # Top 2 per region with a having on the total.
        ({"table": "sales", "dimensions": [{"column": "sales_region"}, {"column": "category"}],
          "measures": [{"agg": "sum", "column": "amount", "name": "revenue"}],
          "having": [{"by": "revenue", "op": "gt", "value": 0}],
          "order_by": [{"by": "revenue", "desc": True}], "limit": 2,
          "limit_per": "sales_region"}, lambda rows: len(rows) == 8),
    ],
)
def test_good_v2_specs_are_accepted_and_run(
    server: ChatServer, demo_engine: sa.Engine, catalog: Catalog, values: Any,
    query: dict[str, Any], expected: Any,
) -> None:
    server.script(Reply(tile(query)))
    reply = ask(server, catalog, values)
    assert reply.engine == "llm" and reply.tile is not None, reply.answer
    assert len(server.received) == 1
    assert expected(run_spec(demo_engine, catalog, reply.tile.query))


HOSTILE: list[tuple[str, Any, str]] = [
    ("other table", {"table": "sqlite_master", "select": ["sql"]}, "sqlite_master"),
    ("hidden column in select", {"table": "employees", "select": ["full_name", "email"]},
     "email"),
    ("hidden column in an expression", {"table": "employees", "measures": [
        {"expr": "count_distinct(email)", "name": "n"}]}, "email"),
    ("SQL in an expression", {"table": "employees", "measures": [
        {"expr": "sum(salary); DROP TABLE employees", "name": "n"}]}, "expr"),
    ("SQL as a column", {"table": "employees", "dimensions": [
        {"column": "location) UNION SELECT sql FROM sqlite_master --"}]}, "location"),
    ("wrong types", {"table": "employees", "measures": "count", "limit": "ten"}, "measures"),
    ("wrong compare", {"table": "sales", "measures": [{"agg": "count"}],
                       "compare": {"to": "next_year"}}, "compare"),
    ("huge spec", {"table": "employees", "measures": [{"agg": "count"}], "filters": [
        {"column": "location", "op": "eq", "value": f"city {i}"} for i in range(1000)]},
     "filters"),
    ("huge limit", {"table": "employees", "select": ["full_name"], "limit": 10**12}, "limit"),
    ("key on another table", {"table": "sales", "measures": [{"agg": "count"}], "dimensions": [
        {"column": "employees.full_name", "key": "sale_id"}]}, "dimensions[0].key"),
    ("hidden key", {"table": "employees", "measures": [{"agg": "count"}], "dimensions": [
        {"column": "full_name", "key": "email"}]}, "dimensions[0].key"),
]


@pytest.mark.parametrize(("what", "query", "named"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_specs_are_refused_fed_back_and_replaced_by_the_built_in_engine(
    server: ChatServer, catalog: Catalog, values: Any, what: str, query: Any, named: str
) -> None:
    bad = Reply(tile(query))
    server.script(bad, bad)
    reply = ask(server, _with_hidden_email(catalog), values, question="how many employees")
    # Refused twice (the problem fed back once), then the built-in engine answered, and the
    # answer says so.
    assert len(server.received) == 2, what
    feedback = server.received[1].body["messages"][3]["content"]
    assert "can't be used" in feedback and named.lower() in feedback.lower(), feedback
    assert reply.engine == "builtin" and reply.fallback_reason == UNUSABLE
    assert reply.answer.startswith(UNUSABLE)
    text = json.dumps(reply.to_dict())
    assert "sqlite_master" not in text and "DROP" not in text and "email" not in text


def test_an_injection_in_a_value_stays_a_value(
    server: ChatServer, demo_engine: sa.Engine, catalog: Catalog, values: Any
) -> None:
    server.script(Reply(tile({"table": "employees", "select": ["full_name"], "filters": [
        {"column": "location", "op": "in",
         "value": ["x') OR 1=1 --", "Paris' UNION SELECT sql FROM sqlite_master --"]}]})))
    reply = ask(server, catalog, values)
    assert reply.engine == "llm" and reply.tile is not None
    assert run_spec(demo_engine, catalog, reply.tile.query) == []


def test_a_reply_too_large_to_read_is_refused(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    huge = Reply(json.dumps({"answer": "x" * 300_000, "tile": None}))
    server.script(huge, huge)
    reply = ask(server, catalog, values, question="how many employees")
    assert reply.engine == "builtin" and reply.fallback_reason == UNUSABLE


def _with_hidden_email(catalog: Catalog) -> Catalog:
    def hide(table: Table) -> Table:
        return dataclasses.replace(table, columns=tuple(
            dataclasses.replace(c, hidden=True) if c.name == "email" else c
            for c in table.columns))

    return Catalog(catalog.dialect, tuple(
        hide(t) if t.name == "employees" else t for t in catalog.tables))



def test_or_groups_and_without_are_in_the_prompt_and_schema_and_run(
    server: ChatServer, catalog: Catalog, values: Any, demo_engine: sa.Engine
) -> None:
    # "staff in Paris or rated 5, with no sales in 2025": an OR group and an anti-join,
    # written by the model as the prompt shows them, checked and run like any spec.
    query = {
        "table": "employees",
        "measures": [{"agg": "count"}],
        "filters": [
            {"any": [{"column": "location", "op": "eq", "value": "Paris"},
                     {"column": "performance_rating", "op": "eq", "value": 5}]},
            {"without": "sales", "where": [
                {"column": "sale_date", "op": "between", "value": ["2025-01-01", "2025-12-31"]}]},
        ],
    }
    server.script(Reply(tile(query, "kpi")))
    reply = ask(server, catalog, values, "staff in Paris or rated 5 with no sales in 2025")
    [sent] = server.received[-1:]
    prompt = sent.body["messages"][0]["content"]
    assert '{"any": [' in prompt and '{"without": "<related table>"' in prompt
    defs = sent.body["response_format"]["json_schema"]["schema"]["$defs"]
    assert {"AnyOf", "AllOf", "Without"} <= set(defs)
    assert defs["AnyOf"]["properties"]["any"]["maxItems"] == 20
    assert reply.tile is not None
    [[count]] = run_spec(demo_engine, catalog, reply.tile.query)
    expected = sa.text(
        "SELECT COUNT(*) FROM employees e WHERE (e.location = 'Paris' OR e.performance_rating = 5)"
        " AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.employee_id = e.employee_id"
        " AND s.sale_date BETWEEN '2025-01-01' AND '2025-12-31')"
    )
    with demo_engine.connect() as conn:
        assert count == conn.execute(expected).scalar() and count > 0


def test_a_without_with_no_link_is_refused_not_run(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    bad = {"table": "employees", "measures": [{"agg": "count"}],
           "filters": [{"without": "offices"}]}
    server.script(Reply(tile(bad, "kpi")), Reply(tile(bad, "kpi")))
    reply = ask(server, catalog, values, "employees with no office")
    assert reply.tile is None


def test_a_dimension_key_is_in_the_prompt_and_the_schema_and_a_keyed_tile_runs(
    server: ChatServer, catalog: Catalog, values: Any, demo_engine: sa.Engine
) -> None:
    keyed = {"column": "employees.full_name", "key": "employees.employee_id"}
    server.script(Reply(tile({"table": "sales", "measures": [{"agg": "count"}],
                              "dimensions": [keyed],
                              "order_by": [{"by": "count", "desc": True}], "limit": 5})))
    reply = ask(server, catalog, values, "deal count for each seller")
    sent = server.received[-1]
    prompt = sent.body["messages"][0]["content"]
    assert '"key": "employees.employee_id"' in prompt
    schema = sent.body["response_format"]["json_schema"]["schema"]
    assert "key" in schema["$defs"]["Dimension"]["properties"]
    assert reply.tile is not None
    assert reply.tile.query.dimensions[0].key == "employees.employee_id"
    rows = run_spec(demo_engine, catalog, reply.tile.query)
    assert len(rows) == 5 and all(len(row) == 2 for row in rows)  # the name and the count

