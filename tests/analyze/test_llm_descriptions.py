"""Descriptions written by an LLM: a real local server speaking chat completions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from plotboard.sources.dialects import SourceConnection
from tests.ai.chat_server import ChatServer, Reply
from tests.analyze.conftest import Admin
from tests.analyze.test_jobs_api import wait_for


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    server = ChatServer()
    yield server
    server.stop()


@pytest.fixture
def with_llm(admin: Admin, chat: ChatServer) -> None:
    """The organization's AI settings point at the local chat server (values allowed)."""
    settings = {
        "engine": "openai",
        "base_url": chat.base_url,
        "model": "describer",
        "api_key": "sk-test",
        "include_values": True,
    }
    admin.call("PUT", "/ai-settings", 200, json=settings)


OFFICES = {
    "table": {"display_name": "Office sites", "description": "The company's ten offices."},
    "columns": {
        "country": {"display_name": "Office country", "description": "Where the office is."},
        "region": {"display_name": "Sales area\u0007", "description": "AMER, EMEA or APAC."},
        "not_a_column": {"display_name": "x", "description": "ignored"},
    },
}


def test_llm_descriptions_with_values_only_where_allowed(
    admin: Admin, demo_db: Path, chat: ChatServer, with_llm: None
) -> None:
    source = admin.add_source(SourceConnection(kind="sqlite", path=str(demo_db)))
    admin.call("POST", "/token-attributes", 201, json={"name": "region", "type": "string"})
    rule = [{"column": "location", "op": "eq", "attribute": "region"}]
    admin.call("PUT", f"/sources/{source}/rules/employees", 200, json={"conditions": rule})
    admin.call(
        "PATCH", f"/sources/{source}/tables/offices/columns/city", 200, json={"hidden": True}
    )
    chat.script(
        Reply(content="```json\n" + json.dumps({"columns": {}}) + "\n```"),  # employees
        Reply(content=json.dumps(OFFICES)),  # offices
        Reply(status=500),  # sales: the service fails
    )
    started = admin.call("POST", f"/sources/{source}/analyze", 202, json={"use_llm": "auto"})
    assert started.json()["options"]["use_llm"] is True
    job, _ = wait_for(admin, started.json()["id"])
    assert job["status"] == "done" and job["counts"]["llm_tables"] == 2
    assert job["notes"] == [
        "The AI service returned an error (HTTP 500). Descriptions of sales come from the "
        "templates."
    ]
    proposals = {(p["table"], p["column"]): p for p in job["proposals"]}
    assert proposals[("offices", None)]["fields"]["display_name"] == "Office sites"
    country = proposals[("offices", "country")]
    assert country["source"] == "llm" and country["fields"]["description"] == "Where the office is."
    assert country["fields"]["semantic_type"] == "country"  # the rules still decide types
    assert proposals[("offices", "region")]["fields"]["display_name"] == "Sales area"
    assert proposals[("offices", "city")]["source"] == "rules"
    assert proposals[("sales", "amount")]["source"] == "rules"
    assert ("offices", "not_a_column") not in proposals

    sent = [r.body for r in chat.received]
    assert [r.path for r in chat.received] == ["/v1/chat/completions"] * 3
    assert chat.received[0].headers["authorization"] == "Bearer sk-test"
    assert sent[0]["model"] == "describer"
    employees, offices, _sales = (json.dumps(b) for b in sent)
    assert "Japan" in offices  # a visible column of a table without rules
    assert "Tokyo" not in offices  # offices.city is hidden: never its values
    assert "Tokyo" not in employees and "Engineering" not in employees  # a table with rules
    assert "Do not quote data values" in employees and "location" in employees


def test_auto_uses_templates_when_no_llm_is_configured(admin: Admin, demo_db: Path) -> None:
    source = admin.add_source(SourceConnection(kind="sqlite", path=str(demo_db)))
    body = {"tables": ["offices"], "use_llm": "auto"}
    job, _ = wait_for(
        admin, admin.call("POST", f"/sources/{source}/analyze", 202, json=body).json()["id"]
    )
    assert job["options"]["use_llm"] is False and "llm_tables" not in job["counts"]
    assert {p["source"] for p in job["proposals"]} == {"rules"}
