"""The LLM engine against a real local server speaking the chat-completions protocol."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from plotboard.ai import LLMEngine, LLMSettings, TileSuggestion
from plotboard.ai.answers import Source, Sources
from plotboard.ai.llm import HTTP_ERROR, TIMED_OUT, UNREACHABLE, UNUSABLE, extract_json
from plotboard.catalog.model import Catalog, Column, Table
from tests.ai.chat_server import ChatServer, Reply
from tests.ai.demo import run_spec
from tests.ai.tickets import tickets_catalog, tickets_values

TODAY = dt.date(2025, 7, 15)
KEY = "sk-test-secret-key"

SALARY_BY_LOCATION = {
    "answer": "Here is the average salary by location.",
    "tile": {
        "title": "Average salary by location",
        "query": {
            "table": "employees",
            "measures": [{"agg": "avg", "column": "salary"}],
            "dimensions": [{"column": "location"}],
        },
        "chart": {"type": "map"},
    },
}


@pytest.fixture(scope="module")
def server() -> Iterator[ChatServer]:
    chat = ChatServer()
    yield chat
    chat.stop()


def engine_for(server: ChatServer, **settings: Any) -> LLMEngine:
    options: dict[str, Any] = {"timeout_s": 5.0} | settings
    return LLMEngine(LLMSettings(server.base_url, "test-model", KEY, **options))


def ask(
    engine: LLMEngine, catalog: Sources, values: Any, question: str = "average salary by location",
    **kwargs: Any,
) -> Any:
    with engine:
        return engine.answer(question, catalog, values, today=TODAY, **kwargs)


def test_a_valid_answer_becomes_a_tile_and_the_request_is_what_the_protocol_expects(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    server.script(Reply(json.dumps(SALARY_BY_LOCATION)))
    clues = {"tone": "friendly", "company": "Acme Analytics"}
    reply = ask(engine_for(server), catalog, values, context_clues=clues)

    assert reply.engine == "llm" and reply.fallback_reason is None
    assert reply.answer == "Here is the average salary by location."
    assert reply.tile is not None and reply.tile.chart_type == "map"
    assert reply.tile.query.table == "employees"
    [sent] = server.received
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.body["model"] == "test-model"
    assert sent.body["temperature"] == 0
    assert sent.body["response_format"]["type"] == "json_schema"
    system, user = sent.body["messages"]
    assert (system["role"], user["role"]) == ("system", "user")
    assert user["content"] == "average salary by location"
    prompt = system["content"]
    # The schema: tables, columns with types, keys; the rules; today; the context clues.
    for expected in ("Table employees", "salary: number", "hire_date: date",
                     "link: office_id -> offices.office_id", "Table sales", '"agg"',
                     "Today is 2025-07-15", "tone: friendly", "company: Acme Analytics"):
        assert expected in prompt, expected
    # No data rows or values by default.
    for value in ("São Paulo", "Laptop Pro 14", "Engineering", "North"):
        assert value not in prompt, value


def test_invalid_output_is_retried_once_with_the_problem_fed_back(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    bad = {"answer": "x", "tile": {"query": {"table": "employees", "measures": [
        {"agg": "avg", "column": "wage"}]}, "chart": {"type": "kpi"}}}
    server.script(Reply(json.dumps(bad)), Reply(json.dumps(SALARY_BY_LOCATION)))
    reply = ask(engine_for(server), catalog, values)

    assert reply.engine == "llm" and reply.tile is not None
    _, second = server.received
    retry = second.body["messages"]
    assert len(retry) == 4
    assert retry[2] == {"role": "assistant", "content": json.dumps(bad)}
    assert "wage" in retry[3]["content"] and "can't be used" in retry[3]["content"]


def test_invalid_twice_falls_back_to_the_built_in_engine(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    server.script(Reply("I think the answer is 42."), Reply("```json\n{not json}\n```"))
    reply = ask(engine_for(server), catalog, values)

    assert len(server.received) == 2
    assert reply.engine == "builtin" and reply.fallback_reason == UNUSABLE
    assert reply.answer.startswith(UNUSABLE)
    assert reply.tile is not None and reply.tile.query.table == "employees"


def test_an_http_error_falls_back_without_retrying(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    server.script(Reply(status=500, body='{"error": {"message": "overloaded"}}'))
    reply = ask(engine_for(server), catalog, values)

    assert len(server.received) == 1
    assert reply.fallback_reason == HTTP_ERROR.format(status=500)
    assert reply.engine == "builtin" and reply.tile is not None


def test_a_slow_service_times_out_and_the_built_in_engine_answers(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    server.script(Reply(json.dumps(SALARY_BY_LOCATION), delay_s=2.0))
    start = time.perf_counter()
    reply = ask(engine_for(server, timeout_s=0.3), catalog, values)

    assert time.perf_counter() - start < 1.5
    assert reply.fallback_reason == TIMED_OUT
    assert reply.answer.startswith(
        "The AI service did not answer in time, so this answer comes from the built-in engine."
    )
    assert reply.tile is not None


def test_an_unreachable_service_falls_back(catalog: Catalog, values: Any) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    engine = LLMEngine(LLMSettings(f"http://127.0.0.1:{port}/v1", "m", KEY, timeout_s=2))
    reply = ask(engine, catalog, values)
    assert reply.fallback_reason == UNREACHABLE and reply.tile is not None


def test_markdown_fenced_json_is_accepted(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    fenced = "Sure! Here you go:\n```json\n" + json.dumps(SALARY_BY_LOCATION) + "\n```"
    server.script(Reply(fenced))
    reply = ask(engine_for(server), catalog, values)
    assert reply.engine == "llm" and reply.tile is not None and len(server.received) == 1


def test_a_reply_that_is_not_a_chat_completion_falls_back(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    server.script(Reply(body='{"unexpected": true}'))
    reply = ask(engine_for(server), catalog, values)
    assert reply.fallback_reason == UNUSABLE and len(server.received) == 1


def test_a_hostile_model_can_only_produce_checked_specs(
    server: ChatServer, demo_engine: sa.Engine, catalog: Catalog, values: Any
) -> None:
    hidden = _with_hidden_email(catalog)
    escape = {"answer": "ok", "tile": {
        "title": "t", "sql": "SELECT * FROM sqlite_master; DROP TABLE employees",
        "query": {"table": "employees", "measures": [{"agg": "count_distinct", "column": "email"}]},
        "chart": {"type": "kpi"}}}
    injection = {"answer": "ok", "tile": {
        "title": "t", "sql": "DROP TABLE employees",
        "query": {"table": "employees", "measures": [{"agg": "count"}],
                  "filters": [{"column": "location", "op": "eq",
                               "value": "Paris' OR '1'='1'; DROP TABLE employees; --"}]},
        "chart": {"type": "kpi"}}}
    server.script(Reply(json.dumps(escape)), Reply(json.dumps(injection)))
    reply = ask(engine_for(server), hidden, values)

    # The hidden column was refused (a retry), the "sql" was dropped, the value stayed a value.
    assert "email" in server.received[1].body["messages"][3]["content"]
    assert reply.engine == "llm" and reply.tile is not None
    assert "sql" not in reply.tile.to_dict() and "sql" not in json.dumps(reply.to_dict())
    assert run_spec(demo_engine, catalog, reply.tile.query) == [(0,)]
    assert run_spec(demo_engine, catalog, TileSuggestion.from_dict(
        {"title": "", "query": {"table": "employees", "measures": [{"agg": "count"}]},
         "chart": {"type": "kpi"}}).query) == [(2000,)]
    # A model can't reach tables outside the catalog either: twice that, and it is replaced.
    server.script(*[Reply(json.dumps({"answer": "x", "tile": {
        "query": {"table": "sqlite_master", "dimensions": [{"column": "sql"}]},
        "chart": {"type": "table"}}}))] * 2)
    reply = ask(engine_for(server), catalog, values)
    assert reply.engine == "builtin" and reply.fallback_reason == UNUSABLE


def test_sample_values_are_sent_only_when_allowed(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    server.script(Reply(json.dumps(SALARY_BY_LOCATION)))
    ask(engine_for(server, include_values=True), catalog, values)
    prompt = server.received[0].body["messages"][0]["content"]
    assert "São Paulo" in prompt and "Laptop Pro 14" in prompt


def test_hidden_tables_and_columns_are_not_in_the_prompt(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    hidden = _with_hidden_email(catalog)
    hidden = Catalog(hidden.dialect, tuple(
        dataclasses.replace(t, hidden=True) if t.name == "offices" else t for t in hidden.tables
    ))
    server.script(Reply(json.dumps(SALARY_BY_LOCATION)))
    ask(engine_for(server, include_values=True), hidden, values)
    prompt = server.received[0].body["messages"][0]["content"]
    assert "email" not in prompt and "Table offices" not in prompt and "office_id ->" not in prompt
    assert "AMER" not in prompt  # values of a hidden table's column are not sent either


def test_follow_ups_carry_the_previous_tile_and_dashboards_bring_several_tiles(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    previous = TileSuggestion.from_dict(SALARY_BY_LOCATION["tile"])  # type: ignore[arg-type]
    tile = SALARY_BY_LOCATION["tile"]
    board = {"answer": "A dashboard.", "tile": None, "tiles": [
        tile, {"query": {"table": "sales", "measures": [{"agg": "sum", "column": "amount"}],
                         "dimensions": [{"column": "sale_date", "grain": "month"}]}}]}
    server.script(Reply(json.dumps(board)))
    reply = ask(engine_for(server), catalog, values, question="only Paris", previous=previous)

    user = server.received[0].body["messages"][1]["content"]
    assert "only Paris" in user and '"avg"' in user and "previous chart" in user
    assert reply.tile is None and len(reply.tiles) == 2
    # A tile without chart or title gets the built-in engine's choice of both.
    assert reply.tiles[1].chart_type == "line" and reply.tiles[1].title == "Revenue by month"


def test_an_unanswerable_question_keeps_the_models_words_and_gets_suggestions(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    server.script(Reply(json.dumps({"answer": "There is no weather data.", "tile": None})))
    reply = ask(engine_for(server), catalog, values, question="weather in Paris?")
    assert reply.tile is None and reply.answer == "There is no weather data."
    assert reply.suggestions and reply.engine == "llm"


def test_azure_style_key_header_and_query_parameters(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    server.script(Reply(json.dumps(SALARY_BY_LOCATION)))
    engine = engine_for(
        server, api_key_header="api-key", query_params={"api-version": "2024-06-01"},
        json_mode=False,
    )
    ask(engine, catalog, values)
    [sent] = server.received
    assert sent.path == "/v1/chat/completions?api-version=2024-06-01"
    assert sent.headers["api-key"] == KEY and "authorization" not in sent.headers
    assert "response_format" not in sent.body


def test_the_key_is_never_logged_or_shown(
    server: ChatServer, catalog: Catalog, values: Any, caplog: pytest.LogCaptureFixture
) -> None:
    server.script(Reply(status=401, body='{"error": "bad key"}'))
    with caplog.at_level(logging.DEBUG, logger="plotboard.ai"):
        engine = engine_for(server)
        reply = ask(engine, catalog, values)
    assert KEY not in caplog.text and KEY not in json.dumps(reply.to_dict())
    assert KEY not in repr(engine.settings)
    assert reply.fallback_reason == HTTP_ERROR.format(status=401)


def test_extract_json_reads_fences_and_surrounding_prose() -> None:
    assert extract_json('```json\n{"a": 1}\n```') == {"a": 1}
    assert extract_json('Here: {"a": {"b": 2}} done') == {"a": {"b": 2}}


def _with_hidden_email(catalog: Catalog) -> Catalog:
    def hide(table: Table) -> Table:
        columns = tuple(
            Column(**{**c.__dict__, "hidden": True}) if c.name == "email" else c
            for c in table.columns
        )
        return dataclasses.replace(table, columns=columns)

    return Catalog(catalog.dialect, tuple(hide(t) for t in catalog.tables))


# -- several databases ------------------------------------------------------------------------


def _two(catalog: Catalog, values: Any) -> list[Source]:
    return [
        Source("demo-id-7fa4", "Demo", catalog, values),
        Source("desk-id-32b3", "Support desk", tickets_catalog(), tickets_values()),
    ]


TICKETS_BY_PRIORITY = {
    "answer": "Tickets by priority.",
    "tile": {
        "title": "Tickets by priority",
        "source": "Support desk",
        "query": {"table": "tickets", "measures": [{"agg": "count"}],
                  "dimensions": [{"column": "priority"}]},
        "chart": {"type": "bar"},
    },
}


def test_the_model_sees_every_database_by_name_and_says_which_one(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    server.script(Reply(json.dumps(TICKETS_BY_PRIORITY)))
    reply = ask(engine_for(server), _two(catalog, values), None, "tickets per priority")
    assert reply.engine == "llm" and reply.source == "desk-id-32b3"
    assert reply.tile is not None and reply.tile.source == "desk-id-32b3"
    prompt = server.received[0].body["messages"][0]["content"]
    assert 'Database "Demo" (sqlite) has these tables' in prompt
    assert 'Database "Support desk" (postgres) has these tables' in prompt
    assert '"source": "<database name>"' in prompt
    assert "id-7fa4" not in prompt and "id-32b3" not in prompt  # names only, never ids
    # A follow-up tells the model which database the previous chart read.
    server.script(Reply(json.dumps(TICKETS_BY_PRIORITY)))
    ask(engine_for(server), _two(catalog, values), None, "as a pie", previous=reply.tile)
    assert '"source": "Support desk"' in server.received[-1].body["messages"][1]["content"]


def test_a_tile_without_its_database_is_placed_only_when_one_has_the_table(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    bare = json.loads(json.dumps(TICKETS_BY_PRIORITY))
    del bare["tile"]["source"]
    server.script(Reply(json.dumps(bare)))
    reply = ask(engine_for(server), _two(catalog, values), None, "tickets per priority")
    assert len(server.received) == 1 and reply.source == "desk-id-32b3"
    # The same tables in two databases: the model must say which, and is asked again.
    copies = [
        Source("demo-id-7fa4", "Demo", catalog, values),
        Source("arch-id-9c1d", "Sales archive", copy.deepcopy(catalog), values),
    ]
    named = {**SALARY_BY_LOCATION, "tile": {**SALARY_BY_LOCATION["tile"],  # type: ignore[dict-item]
                                            "source": "sales ARCHIVE"}}
    server.script(Reply(json.dumps(SALARY_BY_LOCATION)), Reply(json.dumps(named)))
    reply = ask(engine_for(server), copies, None)
    assert reply.engine == "llm" and reply.source == "arch-id-9c1d"
    feedback = server.received[-1].body["messages"][3]["content"]
    assert 'Say which database the tile reads with "source"' in feedback
    assert '"Demo", "Sales archive"' in feedback


def test_an_unknown_database_or_tiles_of_two_are_refused(
    server: ChatServer, catalog: Catalog, values: Any
) -> None:
    nowhere = {**TICKETS_BY_PRIORITY, "tile": {**TICKETS_BY_PRIORITY["tile"],  # type: ignore[dict-item]
                                               "source": "Warehouse"}}
    mixed = {"answer": "x", "tile": None, "tiles": [
        TICKETS_BY_PRIORITY["tile"], {**SALARY_BY_LOCATION["tile"], "source": "Demo"}]}  # type: ignore[dict-item]
    server.script(Reply(json.dumps(nowhere)), Reply(json.dumps(mixed)))
    reply = ask(engine_for(server), _two(catalog, values), None, "tickets per priority")
    assert reply.engine == "builtin" and reply.fallback_reason == UNUSABLE
    first, second = server.received[-2:]
    assert 'must be one of the databases: "Demo", "Support desk"' in (
        second.body["messages"][3]["content"]
    )
    # The built-in engine answers over every database too.
    assert reply.source == "desk-id-32b3" and reply.tile is not None
    assert first.body["messages"][1]["content"] == "tickets per priority"
