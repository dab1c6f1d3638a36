"""The AI chat through HTTP: answers, stored conversations, and models that try to escape."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.ai.chat_server import ChatServer, Reply
from tests.ai.tickets import fill_tickets
from tests.api.conftest import ADMIN_PASSWORD, Org
from tests.api.test_query_api import _connect, _rule, demo_db  # noqa: F401 - fixture
from tests.services import temporary_postgres_database


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


def test_a_top_n_of_people_leaves_out_those_the_user_may_not_see(
    chatting: tuple[Org, str],
) -> None:
    """Sales by people outside alice's locations have no name for her ("Not visible to you");
    summed, they came first in "the 5 best sales people" and pushed a real one out."""
    org, _ = chatting
    token = org.token("alice", attributes=ALICE)
    tile = _ask(org, token, "who are the 5 best sales people by revenue")["tile"]
    assert tile["query"]["limit"] == 5
    rows = _rows(org, token, tile["query"])
    assert len(rows) == 5 and all(r[0] is not None for r in rows)
    everyone = {**tile["query"], "filters": [], "limit": 50}
    named = [r for r in _rows(org, token, everyone) if r[0] is not None]
    assert [r[0] for r in rows] == [r[0] for r in named[:5]]


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
    from plotboard.ai.ask import column_values

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
        # The region column by name: the built-in engine's fallback may list records
        # (product first) rather than group by region.
        names = [c["name"] for c in r.json()["columns"]]
        if "sales_region" in names:
            at = names.index("sales_region")
            assert {row[at] for row in r.json()["rows"]} <= {"North"}
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


def test_a_new_question_mid_chat_and_the_other_reading_one_click_away(
    chatting: tuple[Org, str],
) -> None:
    """Issue 12 item 4 over HTTP: a follow-up changes the last tile, a new question starts
    afresh, each says which in `understood` and `follow_up` (stored with the conversation),
    and the other reading of a close call is asked with the alternative's `follow_up`."""
    org, _ = chatting
    token = org.token("alice", attributes=ALICE)
    first = _ask(org, token, "revenue by category in 2025")
    assert first["follow_up"] is None
    assert first["understood"] == "Revenue by category (2025)"
    conversation = first["conversation_id"]
    only = _ask(org, token, "only Software", conversation_id=conversation)
    assert only["follow_up"] is True
    assert only["understood"].startswith("Changed the last chart: Revenue by category")
    year = {"column": "sale_date", "op": "between", "value": ["2025-01-01", "2025-12-31"]}
    software = {"column": "category", "op": "eq", "value": "Software"}
    assert only["tile"]["query"]["filters"] == [year, software]

    monthly = _ask(org, token, "revenue by month", conversation_id=conversation)
    assert monthly["follow_up"] is False
    assert monthly["understood"] == "New question: Revenue by month"
    assert "filters" not in monthly["tile"]["query"]
    other = [a for a in monthly["alternatives"] if "follow_up" in a]
    assert other == [{
        "label": "Change the last chart instead", "question": "revenue by month",
        "follow_up": True,
    }]
    # The click: the same words as a change of the tile before that answer.
    changed = _ask(
        org, token, other[0]["question"], conversation_id=conversation,
        follow_up=True, tile=only["tile"],
    )
    assert changed["follow_up"] is True
    assert changed["understood"].startswith("Changed the last chart: Revenue by month")
    assert year in changed["tile"]["query"]["filters"]
    assert software in changed["tile"]["query"]["filters"]
    rows = _rows(org, token, changed["tile"]["query"])
    assert rows and all(r[0].startswith("2025-") for r in rows)  # alice's rows, 2025 only

    listing = _ask(org, token, "list the employees in Paris", conversation_id=conversation)
    assert listing["follow_up"] is False and listing["tile"]["query"]["table"] == "employees"
    forced = _ask(org, token, "only London", conversation_id=conversation, follow_up=False)
    assert forced["follow_up"] is False and forced["understood"].startswith("New question: ")
    stored = org.embed(token, "GET", f"/ai/conversations/{conversation}").json()["messages"]
    assert [m.get("follow_up") for m in stored if m["role"] == "assistant"] == [
        None, True, False, True, False, False
    ]
    r = org.embed(token, "POST", "/ai/ask", json={
        "question": "only Paris", "conversation_id": conversation, "follow_up": "maybe",
    })
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "follow_up"


# -- a second database ------------------------------------------------------------------------
# Once an organization had two sources, every question got 422 "there are 2 data sources; say
# which one (ids: ...)". The AI now looks for the question's table in every source.


@pytest.fixture(scope="module")
def tickets_url() -> Iterator[str]:
    """A PostgreSQL database holding a support desk's `tickets`."""
    with temporary_postgres_database() as url:
        fill_tickets(url)
        yield url


def _connect_tickets(org: Org, url: str, name: str = "Support desk") -> str:
    parts = sa.make_url(url)
    connection = {
        "kind": "postgresql",
        "host": parts.host,
        "port": parts.port,
        "user": parts.username,
        "database": parts.database,
    }
    r = org.admin("POST", "/sources", json={"name": name, "connection": connection})
    assert r.status_code == 201, r.text
    source_id: str = r.json()["id"]
    _rule(org, source_id, "tickets", [{"column": "location", "op": "in", "attribute": "location"}])
    return source_id


@pytest.fixture
def two_sources(chatting: tuple[Org, str], tickets_url: str) -> tuple[Org, str, str]:
    org, demo = chatting
    return org, demo, _connect_tickets(org, tickets_url)


def _plain(org: Org, body: Any, *source_ids: str) -> None:
    """No message a person reads names a source by its id."""
    texts = [body.get("answer") or "", body.get("detail") or "", *body.get("suggestions", [])]
    texts += [e.get("message", "") for e in body.get("errors", [])]
    texts += [*body.get("notes", []), body.get("fallback_reason") or ""]
    for text in texts:
        for source_id in source_ids:
            assert source_id[:8] not in text, text  # nor the start of one ("7fa4c1d2…")


def _run(org: Org, token: str, body: Any) -> Any:
    """The answer's tile run as the editor runs it: its query with the answer's source."""
    r = org.embed(token, "POST", "/query", json={"query": body["tile"]["query"],
                                                  "source": body["source"]})
    assert r.status_code == 200, r.text
    return r.json()


def test_with_a_second_database_each_question_finds_its_own(
    two_sources: tuple[Org, str, str],
) -> None:
    org, demo, desk = two_sources
    token = org.token("alice", attributes=ALICE)
    salary = _ask(org, token, "average salary by location")
    _plain(org, salary, demo, desk)
    assert salary["source"] == demo and salary["tile"]["query"]["table"] == "employees"
    assert {row[0] for row in _run(org, token, salary)["rows"]} == {"Paris", "London"}

    tickets = _ask(org, token, "number of tickets by location")
    _plain(org, tickets, demo, desk)
    assert tickets["source"] == desk and tickets["tile"]["query"]["table"] == "tickets"
    ran = _run(org, token, tickets)
    # alice may see Paris and London; the desk has tickets in Paris, Berlin and Toronto.
    assert ran["source"] == desk and [row[0] for row in ran["rows"]] == ["Paris"]
    assert ran["security_filters"] and "location" in ran["security_filters"][0]
    # The words the AI knows from the desk's values are the ones alice may see, too.
    from plotboard.ai.ask import column_values

    user = org.runtime.tokens.verify(token)
    seen = column_values(org.runtime, user, org.runtime.source_context(org.id, desk))
    assert seen[("tickets", "location")] == ["Paris"]
    berlin = _ask(org, token, "number of tickets in Berlin")
    assert berlin["tile"] is None or not berlin["tile"]["query"].get("filters")

    revenue = _ask(org, token, "revenue by month")
    assert revenue["source"] == demo and revenue["tile"]["query"]["table"] == "sales"
    regions = _run(org, token, revenue)["security_filters"]
    assert "sales.sales_region = 'North'" in regions


def test_a_conversation_stays_on_its_database_until_the_question_moves(
    two_sources: tuple[Org, str, str],
) -> None:
    org, demo, desk = two_sources
    token = org.token("alice", attributes=ALICE)
    first = _ask(org, token, "tickets by priority")
    cid = first["conversation_id"]
    assert first["source"] == desk
    # "Paris" is also a value of employees.location: the conversation is about tickets.
    paris = _ask(org, token, "only Paris", conversation_id=cid, source=first["source"])
    assert paris["source"] == desk and paris["tile"]["query"]["table"] == "tickets"
    assert paris["tile"]["query"]["filters"] == [
        {"column": "location", "op": "eq", "value": "Paris"}
    ]
    # The editor sends back the tile as the user left it, and the answer's source.
    edited = {**paris["tile"], "chart": {"type": "donut"}}
    pie = _ask(org, token, "by status", conversation_id=cid, source=desk, tile=edited)
    assert pie["source"] == desk and pie["tile"]["query"]["dimensions"] == [{"column": "status"}]
    moved = _ask(org, token, "headcount by department", conversation_id=cid, source=desk)
    assert moved["source"] == demo and moved["tile"]["query"]["table"] == "employees"
    stored = org.embed(token, "GET", f"/ai/conversations/{cid}").json()
    assert stored["source"] == demo
    assert [m.get("source") for m in stored["messages"] if m["role"] == "assistant"] == [
        desk, desk, desk, demo
    ]
    # A follow-up on the stored conversation alone (no tile, no source sent) stays on demo.
    again = _ask(org, token, "only Paris", conversation_id=cid)
    assert again["source"] == demo and again["tile"]["query"]["table"] == "employees"
    # A source id of another organization (or a removed one) is only an unused hint.
    other = _ask(org, token, "tickets by status", source="0" * 32)
    assert other["source"] == desk


def test_the_same_table_in_two_databases_is_asked_about_by_name(
    chatting: tuple[Org, str], demo_db: Path,  # noqa: F811
) -> None:
    org, demo = chatting
    archive = _connect(org, demo_db, name="Sales archive")
    token = org.token("alice", attributes=ALICE)
    body = _ask(org, token, "average salary by location")
    _plain(org, body, demo, archive)
    assert body["tile"] is None and body["source"] is None
    assert "Demo" in body["answer"] and "Sales archive" in body["answer"]
    picked = _ask(org, token, body["suggestions"][1], conversation_id=body["conversation_id"])
    assert picked["source"] == archive and picked["tile"]["query"]["table"] == "employees"
    # The archive has no rules: alice sees every location there, as the admin decided.
    assert len(_run(org, token, picked)["rows"]) == 10


def test_a_saved_tile_without_its_source_gets_a_plain_message(
    two_sources: tuple[Org, str, str],
) -> None:
    org, demo, desk = two_sources
    token = org.token("alice", attributes=ALICE)
    # A saved tile without its source runs where its table is...
    found = org.embed(token, "POST", "/query", json={"query": {"table": "tickets",
                                                               "measures": [{"agg": "count"}]}})
    assert found.status_code == 200, found.text
    # ...and one whose table no database has says so in plain words.
    r = org.embed(token, "POST", "/query", json={"query": {"table": "nowhere",
                                                           "measures": [{"agg": "count"}]}})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "source"
    _plain(org, r.json(), demo, desk)
    assert "Demo and Support desk" in r.json()["detail"]


def test_the_llm_sees_every_database_and_says_which_one(
    two_sources: tuple[Org, str, str], chat_server: ChatServer
) -> None:
    org, demo, desk = two_sources
    _configure_llm(org, chat_server)
    reply = {
        "answer": "Tickets by priority.",
        "tile": {
            "title": "Tickets by priority",
            "source": "Support desk",
            "chart": {"type": "bar"},
            "query": {"table": "tickets", "measures": [{"agg": "count"}],
                      "dimensions": [{"column": "priority"}]},
        },
    }
    chat_server.script(Reply(json.dumps(reply)))
    token = org.token("alice", attributes=ALICE)
    body = _ask(org, token, "how many tickets per priority")
    assert body["engine"] == "llm" and body["source"] == desk
    system = chat_server.received[-1].body["messages"][0]["content"]
    assert 'Database "Demo"' in system and 'Database "Support desk"' in system
    assert "Table tickets" in system and "Table employees" in system
    assert demo not in system and desk not in system
    ran = _run(org, token, body)
    assert [row[0] for row in ran["rows"]] and ran["security_filters"]


def test_the_ai_settings_check_tries_the_way_users_ask(
    org: Org, tickets_url: str, demo_db: Path,  # noqa: F811
) -> None:
    from fastapi.testclient import TestClient

    from tests.console.conftest import Console

    admin = Console(TestClient(org.client.app, base_url="http://plotboard.test"), org.id,
                    org.admin_email)
    assert admin.sign_in(ADMIN_PASSWORD).status_code == 200 and admin.csrf

    def verdict() -> str:
        page = admin.post("/admin/ai", {"engine": "builtin", "action": "test"})
        assert page.status_code == 200, page.text
        found = re.search(r'data-verdict="(\w+)">\s*<strong>([^<]*)</strong>\s*<p>([^<]*)</p>',
                          page.text)
        assert found, page.text
        return " ".join(html.unescape(part) for part in found.groups())

    nothing = verdict()
    assert nothing.startswith("failed") and "no database is connected" in nothing
    _connect(org, demo_db)
    _connect_tickets(org, tickets_url)
    ready = verdict()
    assert ready.startswith("ok The built-in engine is ready"), ready
    assert "4 tables in 2 databases (Demo, Support desk)" in ready


def test_relative_periods_count_from_today_in_the_organizations_zone(
    chatting: tuple[Org, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 2025-06-30 20:00 UTC it is 1 July in Auckland: "this month" is July there."""
    import datetime as dt

    org, _ = chatting
    token = org.token("alice", attributes=ALICE)
    moment = dt.datetime(2025, 6, 30, 20, tzinfo=dt.UTC)
    monkeypatch.setattr(org.runtime.time_zones, "clock", lambda: moment)
    for zone, month in ((None, "2025-06"), ("Pacific/Auckland", "2025-07")):
        assert org.admin("PUT", "/organization", json={"time_zone": zone}).status_code == 200
        body = _ask(org, token, "number of sales this month")
        [date_filter] = [f for f in body["tile"]["query"]["filters"] if f["column"] == "sale_date"]
        assert str(date_filter["value"][0]).startswith(month), (zone, date_filter)


def test_a_tile_anchored_to_the_latest_date_runs_from_the_users_own_latest_date(
    chatting: tuple[Org, str], chat_server: ChatServer, demo_db: Path  # noqa: F811
) -> None:
    """An AI answer may count relative dates from the latest date in the data: the tile keeps
    `anchor: "latest"`, and the query finds that date under the user's rules."""
    import datetime as dt
    import sqlite3

    org, _ = chatting
    _configure_llm(org, chat_server)
    query = {"table": "sales", "measures": [{"agg": "count"}],
             "filters": [{"column": "sale_date", "op": "last", "value": {"n": 2, "unit": "month"},
                          "include_current": True, "anchor": "latest"}]}
    reply = {"answer": "Sales in the last two months of data",
             "tile": {"title": "Recent sales", "chart": {"type": "kpi"}, "query": query}}
    chat_server.script(Reply(json.dumps(reply)), Reply(json.dumps(reply)))
    token = org.token("alice", attributes=ALICE)
    body = _ask(org, token, "sales in the last two months of data")
    assert body["tile"]["query"]["filters"][0]["anchor"] == "latest", body
    r = org.embed(token, "POST", "/query", json={"query": body["tile"]["query"],
                                                 "source": body["source"]})
    assert r.status_code == 200, r.text
    with sqlite3.connect(demo_db) as conn:
        [(mine,)] = conn.execute("SELECT MAX(sale_date) FROM sales WHERE sales_region = 'North'")
        day = dt.date.fromisoformat(mine)
        start_day = day.replace(day=1)  # this month, and the 2 complete months before it
        for _ in range(2):
            start_day = (start_day - dt.timedelta(days=1)).replace(day=1)
        start = start_day.isoformat()
        [(expected,)] = conn.execute(
            "SELECT COUNT(*) FROM sales WHERE sales_region = 'North' AND sale_date >= ? "
            "AND sale_date <= ?", (start, mine))
    answer = r.json()
    assert answer["rows"] == [[expected]] and expected > 0
    [note] = answer["relative_dates"]
    assert note["anchor"] == "latest" and note["anchor_date"] == mine and note["from"] == start


def test_a_period_after_the_data_ends_is_counted_from_the_users_latest_date(
    chatting: tuple[Org, str], monkeypatch: pytest.MonkeyPatch, demo_db: Path  # noqa: F811
) -> None:
    """Issue 12 item 3: "revenue in the last 6 months" asked long after the data ends is
    counted back from the latest date the user can see (under their rules), and the answer
    says where the data ends, instead of a silent empty tile."""
    import datetime as dt
    import sqlite3

    org, _ = chatting
    token = org.token("alice", attributes=ALICE)
    with sqlite3.connect(demo_db) as conn:
        [(mine,)] = conn.execute("SELECT MAX(sale_date) FROM sales WHERE sales_region = 'North'")
        [(everyone,)] = conn.execute("SELECT MAX(sale_date) FROM sales")
    later = dt.date.fromisoformat(everyone) + dt.timedelta(days=400)
    moment = dt.datetime(later.year, later.month, later.day, 12, tzinfo=dt.UTC)
    monkeypatch.setattr(org.runtime.time_zones, "clock", lambda: moment)
    body = _ask(org, token, "revenue in the last 6 months")
    [date_filter] = [f for f in body["tile"]["query"]["filters"] if f["column"] == "sale_date"]
    assert date_filter["anchor"] == "latest" and date_filter["op"] == "last", date_filter
    assert f"your data ends on {mine[:10]}" in body["answer"], body["answer"]
    rows = _rows(org, token, body["tile"]["query"])
    assert rows and rows[0][0] is not None and rows[0][0] > 0, rows
