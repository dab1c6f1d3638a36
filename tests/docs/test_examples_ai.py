"""The examples of docs/ai.md, run against `plotboard demo`."""

from __future__ import annotations

import ast
from pathlib import Path

import httpx

from tests.docs.examples import covers, example, json_block, mint, run_bash, run_python

DANA = {"location": ["Paris", "London"]}


@covers("ai-ask", "ai-follow-up")
def test_ask_and_follow_up(
    reader_env: dict[str, str], admin_api: httpx.Client, workdir: Path
) -> None:
    run = run_bash(example("ai-ask"), reader_env, workdir)
    assert run.answer.status == 200, run.stdout
    body = run.answer.json()
    documented = json_block("ai.md", '"conversation_id"')
    assert set(body) == set(documented)
    assert body["tile"] == documented["tile"]
    assert body["engine"] == "builtin" and body["fallback_reason"] is None
    # The reader carries on as the same user (dana) with the conversation's id.
    env = {
        **reader_env,
        "TOKEN": mint(admin_api, "dana", attributes=DANA),
        "CONVERSATION_ID": body["conversation_id"],
    }
    follow = run_bash(example("ai-follow-up"), env, workdir).answer
    assert follow.status == 200, follow.text
    tile = follow.json()["tile"]
    assert tile["query"]["filters"] == [{"column": "location", "op": "eq", "value": "Paris"}]
    assert tile["query"]["measures"] == body["tile"]["query"]["measures"]
    assert tile["chart"] == {"type": "map"}


@covers("ai-settings-read")
def test_settings_read(reader_env: dict[str, str], workdir: Path) -> None:
    answer = run_bash(example("ai-settings-read"), reader_env, workdir).answer
    assert answer.status == 200
    assert answer.json() == json_block("ai.md", '"has_api_key": false')


@covers("mcp-client")
def test_mcp_client(reader_env: dict[str, str], workdir: Path) -> None:
    lines = run_python(example("mcp-client"), reader_env, workdir).splitlines()
    assert len(lines) == 3, lines
    name, _, tables = lines[0].partition(" [")
    assert name and set(ast.literal_eval("[" + tables)) == {"offices", "employees", "sales"}
    rows = ast.literal_eval(lines[1])
    assert [r[0] for r in rows] == ["North"] and rows[0][1] > 0  # the reader's token: North
    assert lines[2]


@covers("mcp-refused")
def test_mcp_refused(reader_env: dict[str, str], workdir: Path) -> None:
    [answer] = run_bash(example("mcp-refused"), reader_env, workdir).answers
    assert answer.status == 401
    assert answer.json() == json_block("ai.md", '"invalid_token"')
