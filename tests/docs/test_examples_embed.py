"""The examples of docs/tokens.md, embedding.md and security.md, run against `plotboard demo`.

Each test names the examples it covers with `@covers(...)`; tests/docs/test_reference.py fails
when an example has no test, so the pages cannot drift from the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from plotboard.dashboards.model import DashboardOut
from tests.docs.examples import (
    all_blocks,
    around,
    covers,
    ensure_origin,
    example,
    json_block,
    mint,
    run_bash,
    run_python,
    unique_user,
)

# --- tokens.md -----------------------------------------------------------------------------


@covers("mint-token")
def test_mint_token(reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client) -> None:
    run = run_bash(example("mint-token"), reader_env, workdir)
    assert run.answer.status == 201, run.stdout
    body = run.answer.json()
    assert set(body) == {"token", "expires_at"} and body["expires_at"].endswith("Z")
    around(body["expires_at"], 3600)
    claims = admin_api.post("/api/v1/embed/tokens/introspect", json={"token": body["token"]}).json()
    assert claims["valid"] is True and claims["user_id"] == "alice"
    assert claims["attributes"] == {"region": "North", "location": ["Paris", "London", "Berlin"]}
    assert claims["ai_context_clues"]["company"] == "Acme Ops, a logistics company"
    assert claims["permissions"] == {"dashboards": "edit", "ai": True, "sql": False}


@covers("mint-error-attribute")
def test_mint_error_attribute_answers_as_documented(
    reader_env: dict[str, str], workdir: Path
) -> None:
    run = run_bash(example("mint-error-attribute"), reader_env, workdir)
    assert run.answer.status == 422
    assert run.answer.json() == json_block("tokens.md", "attributes.regoin")


@covers("mint-error-key")
def test_mint_error_key(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("mint-error-key"), reader_env, workdir)
    assert run.answer.status == 401
    assert run.answer.json() == {"detail": "The API key is not valid.", "code": "invalid_api_key"}


@covers("python-client")
def test_python_client(reader_env: dict[str, str], workdir: Path) -> None:
    out = run_python(example("python-client"), reader_env, workdir)
    lines = out.splitlines()
    assert lines[0].startswith("expires at ")
    around(lines[0].removeprefix("expires at "), 900)
    assert lines[1] == "valid: True user: alice"


@covers("python-client-errors")
def test_python_client_errors_print_as_documented(
    reader_env: dict[str, str], workdir: Path
) -> None:
    out = run_python(example("python-client-errors"), reader_env, workdir)
    documented = next(
        b for b in all_blocks() if b.path.name == "tokens.md" and b.code.startswith("422 ")
    )
    assert out == documented.code


@covers("host-backend")
def test_host_backend_endpoint(
    reader_env: dict[str, str], admin_api: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PLOTBOARD_URL", "PLOTBOARD_API_KEY"):
        monkeypatch.setenv(name, reader_env[name])
    namespace: dict[str, Any] = {"__name__": "host_backend"}
    exec(compile(example("host-backend").code, "host-backend", "exec"), namespace)
    try:
        with TestClient(namespace["app"]) as host:
            answer = host.post("/plotboard-token")
    finally:
        namespace["plotboard"].close()
    assert answer.status_code == 200, answer.text
    around(answer.json()["expires_at"], 900)
    claims = admin_api.post(
        "/api/v1/embed/tokens/introspect", json={"token": answer.json()["token"]}
    ).json()
    assert claims["user_id"] == "alice"
    assert claims["attributes"] == {"region": "North", "location": ["Paris", "London", "Berlin"]}


@covers("introspect-token")
def test_introspect_token(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("introspect-token"), reader_env, workdir)
    assert run.answer.status == 200
    claims = run.answer.json()
    assert claims["valid"] is True and claims["user_id"] == "alice"
    assert set(claims) == {
        "valid",
        "user_id",
        "attributes",
        "ai_context_clues",
        "permissions",
        "key_id",
        "issued_at",
        "expires_at",
        "token_id",
    }
    broken = run_bash(example("introspect-token"), {**reader_env, "TOKEN": "nonsense"}, workdir)
    assert broken.answer.status == 200
    assert broken.answer.json()["valid"] is False
    assert broken.answer.json()["code"] == "invalid_token"


# --- embedding.md --------------------------------------------------------------------------


@covers("cors-preflight")
def test_cors_preflight(reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client) -> None:
    ensure_origin(admin_api, "https://app.example.com")
    run = run_bash(example("cors-preflight"), reader_env, workdir)
    assert run.answer.status == 204, run.stdout
    headers = run.answer.text.lower()
    assert "access-control-allow-origin: https://app.example.com" in headers
    assert "access-control-allow-headers: authorization, content-type" in headers
    assert "access-control-allow-methods: get, post, put, delete, options" in headers
    assert "access-control-max-age: 600" in headers


@covers("cors-refused")
def test_cors_refused(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("cors-refused"), reader_env, workdir)
    assert run.answer.status == 403
    assert run.answer.json() == {
        "detail": "The origin https://elsewhere.example.net is not authorized to embed "
        "plotboard. An admin can add it under Authorized origins.",
        "code": "origin_not_authorized",
    }


@pytest.fixture
def own_token(reader_env: dict[str, str], admin_api: httpx.Client) -> Iterator[dict[str, str]]:
    """The reader's environment with a token of a fresh user: an empty workspace."""
    yield {**reader_env, "TOKEN": mint(admin_api, unique_user("reader"))}


@covers("keep-dashboard-id")
def _create(env: dict[str, str], workdir: Path) -> str:
    """A new dashboard's id, kept the way the docs tell a reader to keep it."""
    run = run_bash(example("keep-dashboard-id"), env, workdir)
    dashboard_id = run.stdout.strip()
    answer = httpx.get(
        f"{env['PLOTBOARD_URL']}/api/v1/embed/dashboards/{dashboard_id}",
        headers={"Authorization": f"Bearer {env['TOKEN']}"},
    )
    assert answer.status_code == 200 and answer.json()["title"] == "Sales", run.stdout
    return dashboard_id


@covers("create-dashboard")
def test_create_dashboard(own_token: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("create-dashboard"), own_token, workdir)
    assert run.answer.status == 201, run.stdout
    made = run.answer.json()
    assert made["version"] == 1 and made["title"] == "Sales"
    (tile,) = made["tiles"]
    assert tile["id"] and tile["layout"] == {"x": 0, "y": 0, "w": 6, "h": 4}
    documented = json_block("embedding.md", '"44da49297ccc"')
    DashboardOut.model_validate(documented)  # the documented shape is the real one
    assert set(documented) == set(made)
    assert set(documented["tiles"][0]) == set(tile)
    assert documented["tiles"][0]["query"] == tile["query"]


@covers("list-dashboards")
def test_list_dashboards(own_token: dict[str, str], workdir: Path) -> None:
    dashboard_id = _create(own_token, workdir)
    run = run_bash(example("list-dashboards"), own_token, workdir)
    assert run.answer.status == 200
    # The user's own, then the starters (the demo publishes one).
    (summary,) = [d for d in run.answer.json()["dashboards"] if not d["starter"]]
    assert summary["id"] == dashboard_id
    assert set(summary) == {
        "id",
        "title",
        "tile_count",
        "version",
        "created_at",
        "updated_at",
        "owner",
        "starter",
        "copied_from",
        "shared",
    }
    assert (summary["owner"], summary["starter"], summary["shared"]) == ("me", False, False)


@covers("get-dashboard")
def test_get_dashboard(own_token: dict[str, str], workdir: Path, admin_api: httpx.Client) -> None:
    env = {**own_token, "DASHBOARD_ID": _create(own_token, workdir)}
    run = run_bash(example("get-dashboard"), env, workdir)
    assert run.answer.status == 200 and run.answer.json()["id"] == env["DASHBOARD_ID"]
    stranger = run_bash(
        example("get-dashboard"), {**env, "TOKEN": mint(admin_api, "mallory")}, workdir
    )
    assert stranger.answer.status == 404 and stranger.answer.json()["code"] == "not_found"


@covers("delete-dashboard")
def test_delete_dashboard(own_token: dict[str, str], workdir: Path) -> None:
    env = {**own_token, "DASHBOARD_ID": _create(own_token, workdir)}
    run = run_bash(example("delete-dashboard"), env, workdir)
    assert run.answer.status == 204
    again = run_bash(example("get-dashboard"), env, workdir)
    assert again.answer.status == 404


@covers("update-dashboard")
def test_update_dashboard_then_conflict(own_token: dict[str, str], workdir: Path) -> None:
    env = {**own_token, "DASHBOARD_ID": _create(own_token, workdir)}
    run = run_bash(example("update-dashboard"), env, workdir)
    saved, conflict = run.answers
    assert saved.status == 200, saved.text
    assert saved.json()["version"] == 2 and saved.json()["title"] == "Sales 2025"
    assert conflict.status == 409
    body = conflict.json()
    assert body["code"] == "version_conflict"
    assert body["current"]["version"] == 2 and body["current"]["title"] == "Sales 2025"
    documented = json_block("embedding.md", '"version_conflict"')
    assert body["detail"] == documented["detail"]
    assert set(documented["current"]) - {"..."} <= set(body["current"])


@covers("dashboard-history")
def test_dashboard_history_and_restore(own_token: dict[str, str], workdir: Path) -> None:
    env = {**own_token, "DASHBOARD_ID": _create(own_token, workdir)}
    run = run_bash(example("dashboard-history"), env, workdir)
    saved, restored, history = run.answers
    assert saved.status == 200 and saved.json()["version"] == 2, saved.text
    assert restored.status == 200, restored.text
    assert restored.json()["version"] == 3 and restored.json()["tiles"] == []
    assert history.status == 200
    documented = json_block("embedding.md", '"restored_from"')
    got = [{k: v for k, v in h.items() if k != "updated_at"} for h in history.json()]
    assert got == documented


# --- security.md ---------------------------------------------------------------------------


@covers("forged-token")
def test_forged_tokens_are_refused(reader_env: dict[str, str], workdir: Path) -> None:
    out = run_python(example("forged-token"), reader_env, workdir)
    assert out == "401 invalid_token\n401 invalid_token\n"


@covers("share-dashboard", "duplicate-dashboard")
def test_share_and_duplicate_dashboard(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    north = {"region": "North"}
    try:
        r = admin_api.put("/api/v1/admin/organization", json={"team_attribute": "region"})
        assert r.status_code == 200, r.text
        owner = {**reader_env, "TOKEN": mint(admin_api, unique_user("owner"), attributes=north)}
        env = {**owner, "DASHBOARD_ID": _create(owner, workdir)}
        run = run_bash(example("share-dashboard"), env, workdir)
        assert run.answer.status == 200, run.stdout
        assert run.answer.json()["shared"] is True and run.answer.json()["version"] == 1
        mate = mint(admin_api, unique_user("mate"), attributes=north)
        run = run_bash(example("duplicate-dashboard"), {**env, "TOKEN": mate}, workdir)
        assert run.answer.status == 201, run.stdout
        copy = run.answer.json()
        assert (copy["owner"], copy["title"], copy["shared"]) == ("me", "Sales (copy)", False)
        listed = httpx.get(
            f"{env['PLOTBOARD_URL']}/api/v1/embed/dashboards",
            headers={"Authorization": f"Bearer {mate}"},
        ).json()
        owners = {d["id"]: d["owner"] for d in listed["dashboards"] if not d["starter"]}
        assert owners == {env["DASHBOARD_ID"]: "team", copy["id"]: "me"}
        assert listed["can_share"] is True
        south = mint(admin_api, unique_user("south"), attributes={"region": "South"})
        other_team = httpx.get(
            f"{env['PLOTBOARD_URL']}/api/v1/embed/dashboards/{env['DASHBOARD_ID']}",
            headers={"Authorization": f"Bearer {south}"},
        )
        assert other_team.status_code == 404
    finally:
        # The demo server is shared by the other examples: sharing off again.
        admin_api.put("/api/v1/admin/organization", json={"team_attribute": None})
