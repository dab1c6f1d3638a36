"""The AI chat through HTTP: answers, stored conversations, and models that try to escape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ai.chat_server import ChatServer, Reply
from tests.api.conftest import Org
from tests.api.test_query_api import _connect, _rule, demo_db  # noqa: F401 - fixture


@pytest.fixture
def chatting(org: Org, demo_db: Path) -> tuple[Org, str]:  # noqa: F811
    source = _connect(org, demo_db)
    _rule(org, source, "sales", [{"column": "sales_region", "op": "eq", "attribute": "region"}])
    _rule(org, source, "employees", [{"column": "location", "op": "in", "attribute": "location"}])
    return org, source


@pytest.fixture(scope="module")
def chat_server() -> Iterator[ChatServer]:
    server = ChatServer()
    yield server
    server.stop()


ALICE = {"tier": 1, "region": "North", "location": ["Paris", "London"]}


def _ask(org: Org, token: str, question: str, expect: int = 200, **extra: Any) -> Any:
    r = org.embed(token, "POST", "/ai/ask", json={"question": question, **extra})
    assert r.status_code == expect, r.text
    return r.json()


def _rows(org: Org, token: str, query: dict[str, Any]) -> list[list[Any]]:
    r = org.embed(token, "POST", "/query", json={"query": query})
    assert r.status_code == 200, r.text
    rows: list[list[Any]] = r.json()["rows"]
    return rows


def test_a_question_gets_an_answer_and_a_tile_under_the_rules(chatting: tuple[Org, str]) -> None:
    org, _ = chatting
    token = org.token("alice", attributes=ALICE)
    body = _ask(org, token, "average salary by location as a map")
    assert body["engine"] == "builtin" and body["answer"]
    tile = body["tile"]
    assert tile["chart"]["type"] == "map"
    assert tile["query"]["measures"] == [{"agg": "avg", "column": "salary"}]
    assert {r[0] for r in _rows(org, token, tile["query"])} == {"Paris", "London"}


def test_follow_ups_refine_the_stored_conversation(chatting: tuple[Org, str]) -> None:
    org, _ = chatting
    token = org.token("alice", attributes=ALICE)
    first = _ask(org, token, "headcount by department")
    second = _ask(org, token, "as a pie", conversation_id=first["conversation_id"])
    assert second["conversation_id"] == first["conversation_id"]
    assert second["tile"]["chart"]["type"] == "pie"
    assert second["tile"]["query"]["dimensions"] == first["tile"]["query"]["dimensions"]
    stored = org.embed(token, "GET", f"/ai/conversations/{first['conversation_id']}").json()
    assert [m["role"] for m in stored["messages"]] == ["user", "assistant"] * 2
    assert stored["messages"][3]["tile"]["chart"]["type"] == "pie"
    listed = org.embed(token, "GET", "/ai/conversations").json()["conversations"]
    assert listed[0]["id"] == first["conversation_id"] and listed[0]["message_count"] == 4


def test_conversations_are_private(chatting: tuple[Org, str]) -> None:
    org, _ = chatting
    alice = org.token("alice", attributes=ALICE)
    bob = org.token("bob", attributes={"tier": 1, "region": "South"})
    first = _ask(org, alice, "headcount by department")
    cid = first["conversation_id"]
    assert org.embed(bob, "GET", f"/ai/conversations/{cid}").status_code == 404
    _ask(org, bob, "as a pie", expect=404, conversation_id=cid)
    assert org.embed(bob, "GET", "/ai/conversations").json()["conversations"] == []


def test_values_the_user_may_not_see_are_not_words_the_ai_knows(chatting: tuple[Org, str]) -> None:
    from plotboard.ai.service import column_values

    org, source = chatting
    token = org.token("alice", attributes=ALICE)
    seen = _ask(org, token, "average salary in Paris")
    assert seen["tile"]["query"]["filters"] == [
        {"column": "location", "op": "eq", "value": "Paris"}
    ]
    user = org.runtime.tokens.verify(token)
    values = column_values(org.runtime, user, org.runtime.source_context(org.id, source))
    assert sorted(values[("employees", "location")]) == ["London", "Paris"]
    assert values[("sales", "sales_region")] == ["North"]
    assert ("employees", "email") not in values  # too many values to be filter words
    # offices has no rule: all ten cities are words anyone may use
    assert len(values[("offices", "city")]) == 10


def test_unanswerable_questions_say_so_with_suggestions(chatting: tuple[Org, str]) -> None:
    org, _ = chatting
    body = _ask(org, org.token(attributes=ALICE), "what is the weather on mars")
    assert body["tile"] is None and body["suggestions"]


def test_a_dashboard_request_gives_several_tiles(chatting: tuple[Org, str]) -> None:
    org, _ = chatting
    body = _ask(org, org.token(attributes=ALICE), "build me a dashboard about sales")
    assert len(body["tiles"]) >= 3


def test_ai_permission_is_enforced(chatting: tuple[Org, str]) -> None:
    org, _ = chatting
    token = org.token(attributes=ALICE, permissions={"ai": False})
    body = _ask(org, token, "headcount", expect=403)
    assert body["code"] == "ai_not_permitted"


def test_bad_ask_requests(chatting: tuple[Org, str]) -> None:
    org, _ = chatting
    token = org.token(attributes=ALICE)
    r = org.embed(token, "POST", "/ai/ask", json={"question": ""})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "question"
    r = org.embed(token, "POST", "/ai/ask", json={"question": "x" * 1001})
    assert r.status_code == 422
    _ask(org, token, "headcount", expect=404, conversation_id="nope")


def _configure_llm(org: Org, server: ChatServer, **extra: Any) -> None:
    r = org.admin(
        "PUT",
        "/ai-settings",
        json={
            "engine": "openai",
            "base_url": server.base_url,
            "model": "test-model",
            "api_key": "sk-test-key",
            **extra,
        },
    )
    assert r.status_code == 200, r.text
    assert "sk-test-key" not in r.text and r.json()["has_api_key"] is True


HOSTILE = [
    # A spec over a table with rules, asking for everything; the rules still apply.
    {
        "answer": "All sales",
        "tile": {
            "title": "All",
            "chart": {"type": "table"},
            "query": {
                "table": "sales",
                "measures": [{"agg": "count"}],
                "dimensions": [{"column": "sales_region"}],
            },
        },
    },
    # Raw SQL smuggled next to the spec, and a filter value full of SQL.
    {
        "answer": "x",
        "sql": "SELECT * FROM sales",
        "tile": {
            "title": "x",
            "chart": {"type": "bar"},
            "query": {
                "table": "sales",
                "measures": [{"agg": "count"}],
                "filters": [{"column": "sales_region", "op": "eq", "value": "North' OR '1'='1"}],
            },
        },
    },
    # A table outside the catalog, a system catalog, and a made-up security bypass field.
    {
        "answer": "x",
        "tile": {
            "title": "x",
            "chart": {"type": "table"},
            "query": {"table": "sqlite_master", "measures": [{"agg": "count"}]},
        },
    },
    {
        "answer": "x",
        "tile": {
            "title": "x",
            "chart": {"type": "table"},
            "query": {"table": "sales", "measures": [{"agg": "count"}], "rules": []},
        },
    },
]


@pytest.mark.parametrize(
    "reply", HOSTILE, ids=["all-rows", "sql-and-injection", "system", "bypass"]
)
def test_a_hostile_model_cannot_escape_the_rules(
    chatting: tuple[Org, str],
    chat_server: ChatServer,
    reply: dict[str, Any],
    demo_db: Path,  # noqa: F811
) -> None:
    org, _ = chatting
    _configure_llm(org, chat_server)
    chat_server.script(Reply(json.dumps(reply)), Reply(json.dumps(reply)))
    token = org.token("alice", attributes=ALICE)
    body = _ask(org, token, "show me all the sales")
    sent = chat_server.received[0].body
    system = sent["messages"][0]["content"]
    assert "sales_region" in system and "North" not in system  # schema yes, data no
    assert chat_server.received[0].headers["authorization"] == "Bearer sk-test-key"
    tile = body["tile"]
    if tile is not None:  # whatever the model said, the tile runs under alice's rules
        r = org.embed(token, "POST", "/query", json={"query": tile["query"]})
        assert r.status_code == 200, r.text
        assert "sales.sales_region = 'North'" in r.json()["security_filters"]
        regions = {row[0] for row in r.json()["rows"] if isinstance(row[0], str)}
        assert regions <= {"North"}
        assert "OR '1'='1" not in r.json()["sql"]


def test_an_llm_that_fails_falls_back_to_the_builtin_engine(
    chatting: tuple[Org, str], chat_server: ChatServer
) -> None:
    org, _ = chatting
    _configure_llm(org, chat_server)
    chat_server.script(Reply(status=500), Reply(status=500))
    body = _ask(org, org.token(attributes=ALICE), "headcount by department")
    assert body["engine"] == "builtin" and body["fallback_reason"]
    assert body["tile"]["query"]["dimensions"] == [{"column": "department"}]


def test_ai_settings_validation_and_key_handling(
    chatting: tuple[Org, str], chat_server: ChatServer
) -> None:
    org, _ = chatting
    assert org.admin("GET", "/ai-settings").json()["engine"] == "builtin"
    r = org.admin("PUT", "/ai-settings", json={"engine": "openai", "model": "m"})
    assert r.status_code == 422 and "base_url" in r.json()["detail"]
    _configure_llm(org, chat_server)
    kept = org.admin(
        "PUT",
        "/ai-settings",
        json={"engine": "openai", "base_url": chat_server.base_url, "model": "other"},
    )
    assert kept.json()["has_api_key"] is True and kept.json()["model"] == "other"
    cleared = org.admin("PUT", "/ai-settings", json={"engine": "builtin", "clear_api_key": True})
    assert cleared.json()["has_api_key"] is False


def test_a_follow_up_refines_the_tile_as_the_user_edited_it(chatting: tuple[Org, str]) -> None:
    org, _ = chatting
    token = org.token("alice", attributes=ALICE)
    first = _ask(org, token, "average salary by location")
    edited = {**first["tile"], "chart": {"type": "donut"}}
    body = _ask(org, token, "only Paris", conversation_id=first["conversation_id"], tile=edited)
    assert body["tile"]["chart"]["type"] == "donut"
    assert body["tile"]["query"]["filters"] == [
        {"column": "location", "op": "eq", "value": "Paris"}
    ]
    bad = {**first["tile"], "query": {"table": "employees"}}  # neither measure nor breakdown
    r = org.embed(
        token,
        "POST",
        "/ai/ask",
        json={"question": "only Paris", "conversation_id": first["conversation_id"], "tile": bad},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("tile")
