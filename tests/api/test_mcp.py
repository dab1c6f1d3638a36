"""The MCP endpoint, through the `mcp` SDK's own client against a running `plotboard demo`.

The demo's access rules: `sales.sales_region = user.region`, `employees.location IN
user.location`. Alice (North, Paris) and Bob (South, London) ask through MCP and each gets
only their own rows; bad tokens never get in.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import httpx2  # the mcp SDK's HTTP client
import jwt
import pytest
from fastapi.testclient import TestClient
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from plotboard.api import mcp as mcp_endpoint
from plotboard.auth.embed_tokens import ALGORITHM
from plotboard.config import Settings
from plotboard.runtime import Runtime
from tests.live_server import DemoServer, demo_admin_key, running_demo

ALICE = {"region": "North", "location": ["Paris"]}
BOB = {"region": "South", "location": ["London"]}
REVENUE_BY_REGION = {
    "table": "sales",
    "measures": [{"agg": "sum", "column": "amount", "name": "revenue"}],
    "dimensions": [{"column": "sales_region"}],
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with running_demo(tmp_path_factory.mktemp("mcp") / "demo") as server:
        yield server


def mint(demo: DemoServer, user_id: str, attributes: dict[str, Any], **body: Any) -> str:
    answer = httpx.post(
        f"{demo.url}/api/v1/embed/tokens",
        headers={"Authorization": f"Bearer {demo.info['api_key']}"},
        json={"user_id": user_id, "attributes": attributes, **body},
    )
    assert answer.status_code == 201, answer.text
    token: str = answer.json()["token"]
    return token


async def _calls(url: str, token: str, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    async with http, Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
        out: list[Any] = [await client.list_tools()]
        for name, arguments in calls:
            out.append(await client.call_tool(name, arguments))
        return out


def call(demo: DemoServer, token: str, *calls: tuple[str, dict[str, Any]]) -> list[Any]:
    """The tool list, then the result of each call, over one MCP client session."""
    return asyncio.run(_calls(demo.url, token, list(calls)))


def data(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content[0].text
    out: dict[str, Any] = result.structured_content
    return out


def error(result: Any) -> str:
    assert result.is_error, result.structured_content
    text: str = result.content[0].text
    assert "Traceback" not in text and 'File "' not in text
    return text


def test_lists_tables_describes_one_and_runs_a_query_under_the_users_rules(
    demo: DemoServer,
) -> None:
    tools, tables, described, alice_rows = call(
        demo, mint(demo, "alice", ALICE),
        ("list_tables", {}),
        ("describe_table", {"table": "sales"}),
        ("run_query", {"query": REVENUE_BY_REGION}),
    )
    schemas = {t.name: set(t.input_schema["properties"]) for t in tools.tools}
    assert schemas == {  # the request context is the server's, never an argument
        "list_tables": set(), "describe_table": {"table", "source"},
        "run_query": {"query", "sql", "source", "max_rows"},
        "ask": {"question", "conversation_id", "max_rows"},
    }
    [source] = data(tables)["sources"]
    assert {t["name"] for t in source["tables"]} == {"offices", "employees", "sales"}
    columns = {c["name"]: c["type"] for c in data(described)["columns"]}
    assert columns["amount"] == "number" and "sales_region" in columns
    alice = data(alice_rows)
    assert [c["name"] for c in alice["columns"]] == ["sales_region", "revenue"]
    assert [r[0] for r in alice["rows"]] == ["North"] and alice["rows"][0][1] > 0

    # Bob runs the same spec through MCP and gets his region only.
    _, bob_rows = call(demo, mint(demo, "bob", BOB), ("run_query", {"query": REVENUE_BY_REGION}))
    assert [r[0] for r in data(bob_rows)["rows"]] == ["South"]


def test_a_user_cannot_read_another_users_rows_through_mcp(demo: DemoServer) -> None:
    token = mint(demo, "alice", ALICE)
    south = {**REVENUE_BY_REGION, "filters": [
        {"column": "sales_region", "op": "in", "value": ["South", "East", "West"]}]}
    london = {"table": "employees", "select": ["full_name", "location"],
              "filters": [{"column": "location", "op": "eq", "value": "London"}]}
    joined = {"table": "sales", "measures": [{"agg": "count"}],
              "dimensions": [{"column": "employees.location"}]}
    _, other_regions, other_city, via_join, raw_sql = call(
        demo, token,
        ("run_query", {"query": south}),
        ("run_query", {"query": london}),
        ("run_query", {"query": joined}),
        ("run_query", {"sql": "SELECT sales_region, count(*) FROM sales GROUP BY 1"}),
    )
    assert data(other_regions)["rows"] == []
    assert data(other_city)["rows"] == []
    # Through a join the employees rule holds too: Alice's sales whose seller is not one of
    # her (Paris) employees show no location, never another city.
    assert {r[0] for r in data(via_join)["rows"]} == {"Paris", None}
    # This token may not send SQL; the refusal says how to allow it.
    assert "permissions.sql" in error(raw_sql)
    # With SQL allowed, the rules still rewrite the SQL.
    sql_token = mint(demo, "alice", ALICE, permissions={"sql": True})
    _, rows = call(demo, sql_token, ("run_query", {
        "sql": "SELECT sales_region, count(*) AS n FROM sales GROUP BY sales_region"}))
    assert [r[0] for r in data(rows)["rows"]] == ["North"]


def test_ask_answers_with_the_users_data(demo: DemoServer) -> None:
    question = {"question": "how many employees by location"}
    _, alice = call(demo, mint(demo, "alice", ALICE), ("ask", question))
    _, bob = call(demo, mint(demo, "bob", BOB), ("ask", question))
    a, b = data(alice), data(bob)
    assert a["tile"]["query"]["table"] == "employees" and a["engine"] == "builtin"
    assert [r[0] for r in a["data"]["rows"]] == ["Paris"]
    assert [r[0] for r in b["data"]["rows"]] == ["London"]
    assert a["conversation_id"] and a["answer"]


def test_permissions_and_bad_inputs_get_clear_errors(demo: DemoServer) -> None:
    no_ai = mint(demo, "carol", ALICE, permissions={"ai": False})
    _, asked, unknown, hidden, bad_spec, neither = call(
        demo, no_ai,
        ("ask", {"question": "revenue by region"}),
        ("describe_table", {"table": "sqlite_master"}),
        ("run_query", {"query": {"table": "sales", "select": ["sql"]}}),
        ("run_query", {"query": {"table": "sales", "measures": "lots"}}),
        ("run_query", {}),
    )
    assert "permissions.ai" in error(asked)
    assert "list_tables" in error(unknown)
    assert "sql" in error(hidden)
    assert "measures" in error(bad_spec)
    assert "either 'query'" in error(neither)


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    padded = payload + "=" * (-len(payload) % 4)
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
    return claims


def test_missing_expired_and_forged_tokens_are_refused(demo: DemoServer) -> None:
    token = mint(demo, "alice", ALICE)
    header = jwt.get_unverified_header(token)
    claims = _claims(token)
    runtime = Runtime(Settings(data_dir=Path(demo.data_dir), demo_mode=True), run_migrations=False)
    try:
        secret = runtime.signing_secret(claims["org"])
    finally:
        runtime.close()
    assert secret
    now = int(time.time())
    expired = jwt.encode({**claims, "iat": now - 600, "exp": now - 60}, secret, ALGORITHM,
                         headers={"kid": header["kid"]})
    forged = jwt.encode({**claims, "attrs": {"region": "South", "location": ["London"]}},
                        "a guessed secret that is long enough to sign with", ALGORITHM,
                        headers={"kid": header["kid"]})
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"}}}
    accept = {"Accept": "application/json, text/event-stream"}
    cases = {
        "missing_token": {},
        "token_expired": {"Authorization": f"Bearer {expired}"},
        "invalid_token": {"Authorization": f"Bearer {forged}"},
        "malformed_authorization": {"Authorization": f"Basic {token}"},
    }
    for code, headers in cases.items():
        r = httpx.post(f"{demo.url}/mcp", json=init, headers=accept | headers)
        assert r.status_code == 401, (code, r.text)
        assert r.json()["code"] == code and r.headers["www-authenticate"] == "Bearer"
        assert "Traceback" not in r.text and secret not in r.text
    # The SDK's client cannot even start a session with them (it reports the HTTP error
    # as an MCP error response; the body above is what a person reads).
    for bad in (expired, forged):
        with pytest.raises(BaseException) as caught:
            call(demo, bad, ("list_tables", {}))
        assert "Server returned an error response" in repr(caught.value), caught.value
    # A browser on an origin the organization did not authorize is refused before the SDK.
    r = httpx.post(f"{demo.url}/mcp", json=init, headers=accept | {
        "Authorization": f"Bearer {token}", "Origin": "https://evil.example"})
    assert r.status_code == 403 and "not authorized" in r.json()["detail"]


def test_every_tool_call_is_audited(demo: DemoServer) -> None:
    token = mint(demo, "dave", BOB)
    call(demo, token, ("list_tables", {}), ("describe_table", {"table": "nope"}))
    r = httpx.get(f"{demo.url}/api/v1/admin/audit",
                  headers={"Authorization": f"Bearer {demo_admin_key(demo)}"})
    assert r.status_code == 200, r.text
    mine = [e for e in r.json()["entries"] if e["actor"] == "embed:dave"]
    assert [(e["action"], e["target_id"], e["details"]["ok"]) for e in mine] == [
        ("mcp.describe_table", "nope", False), ("mcp.list_tables", None, True)]
    assert mine[0]["details"]["code"] == "unknown_table"
    assert mine[0]["details"]["token_id"] == _claims(token).get("jti")


def test_a_database_closed_to_end_users_is_absent_from_every_tool(demo: DemoServer) -> None:
    """A newly connected database is closed: MCP lists, describes, queries and asks as if it
    did not exist, in the same words as for an id that does not; opened, it is listed."""
    admin = {"Authorization": f"Bearer {demo_admin_key(demo)}"}
    connection = {"kind": "sqlite", "path": demo.info["demo_database"]}
    made = httpx.post(f"{demo.url}/api/v1/admin/sources", headers=admin,
                      json={"name": "Closed shop", "connection": connection})
    assert made.status_code == 201 and made.json()["end_users"] == "closed", made.text
    closed, missing = made.json()["id"], "0" * 32
    try:
        token = mint(demo, "alice", ALICE, permissions={"sql": True})
        _, tables, *answers = call(
            demo, token,
            ("list_tables", {}),
            ("describe_table", {"table": "sales", "source": closed}),
            ("describe_table", {"table": "sales", "source": missing}),
            ("run_query", {"query": REVENUE_BY_REGION, "source": closed}),
            ("run_query", {"query": REVENUE_BY_REGION, "source": missing}),
            ("run_query", {"sql": "SELECT COUNT(*) FROM sales", "source": closed}),
            ("run_query", {"sql": "SELECT COUNT(*) FROM sales", "source": missing}),
            ("ask", {"question": "revenue by region"}),
        )
        assert [s["id"] for s in data(tables)["sources"]] == [demo.info["source_id"]]
        for hidden, absent in zip(answers[0:6:2], answers[1:6:2], strict=True):
            text = error(hidden)
            assert text.replace(closed, "<id>") == error(absent).replace(missing, "<id>")
            assert "Closed shop" not in text
        asked = data(answers[6])
        assert closed not in json.dumps(asked) and "Closed shop" not in json.dumps(asked)

        opened = httpx.patch(f"{demo.url}/api/v1/admin/sources/{closed}", headers=admin,
                             json={"end_users": "open"})
        assert opened.status_code == 200, opened.text
        _, tables = call(demo, token, ("list_tables", {}))
        assert {s["id"] for s in data(tables)["sources"]} == {demo.info["source_id"], closed}
    finally:
        gone = httpx.delete(f"{demo.url}/api/v1/admin/sources/{closed}", headers=admin)
        assert gone.status_code == 204, gone.text


def test_without_the_mcp_extra_the_endpoint_says_what_to_install(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mcp_endpoint, "HAVE_MCP", False)
    r = client.post("/mcp", json={})
    assert r.status_code == 501
    body = r.json()
    assert body["code"] == "mcp_not_installed"
    assert body["detail"] == (
        "The MCP endpoint needs the mcp package on this server: "
        "pip install 'plotboard[mcp]', then restart.")
