"""The examples of docs/index.md and docs/admin-setup.md, run against a real `plotboard demo`.

Each test names the examples it covers with `@covers(...)`; tests/docs/test_reference.py fails
when an example has no test, so the pages cannot drift from the server.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from tests.docs.examples import (
    around,
    covers,
    ensure_origin,
    example,
    find_origin,
    mint,
    remove_origin,
    run_bash,
    unique_user,
)
from tests.live_server import DemoServer, clean_env

# --- index.md ------------------------------------------------------------------------------


@covers("quickstart")
def test_quickstart(demo_server: DemoServer, tmp_path: Path) -> None:
    # The reader runs it next to the demo's data folder, with nothing exported yet.
    (tmp_path / "plotboard-data").symlink_to(demo_server.data_dir)
    run = run_bash(example("quickstart"), clean_env(), tmp_path)
    assert run.answer.status == 201, run.stdout
    body = run.answer.json()
    assert set(body) == {"token", "expires_at"}
    around(body["expires_at"], 3600)


# --- admin-setup.md ------------------------------------------------------------------------


@covers("first-admin")
def test_first_admin_and_keys_from_the_shell(tmp_path: Path) -> None:
    env = clean_env(PLOTBOARD_DATA_DIR=str(tmp_path / "data"))
    password = "a-long-enough-password"
    run = run_bash(example("first-admin"), env, tmp_path, stdin=f"{password}\n{password}\n")
    out = run.stdout
    assert "The metadata store is up to date." in out
    assert "Admin admin@example.com created in organization 'My company'" in out
    assert re.search(r"Created API key pb_\w{10} \(tokens\)", out)
    assert re.search(r"Created API key pb_\w{10} \(admin, tokens\)", out)
    assert len(re.findall(r"^pb_[a-z0-9]{10}_[A-Za-z0-9]{40}$", out, re.M)) == 2
    assert re.search(r"^pb_\w{10}  Production backend  \[tokens\]  active", out, re.M)
    assert re.search(r"^pb_\w{10}  Set-up scripts  \[admin, tokens\]  active", out, re.M)


def _sign_in(reader_env: dict[str, str], workdir: Path) -> dict[str, Any]:
    run = run_bash(example("admin-sign-in"), reader_env, workdir)
    assert run.answer.status == 200, run.stdout
    return dict(run.answer.json())


@covers("admin-sign-in")
def test_admin_sign_in(reader_env: dict[str, str], workdir: Path) -> None:
    session = _sign_in(reader_env, workdir)
    assert session["email"] == reader_env["ADMIN_EMAIL"]
    assert set(session) == {"email", "org_id", "csrf_token"}
    assert "plotboard_session" in (workdir / "cookies.txt").read_text()


@covers("admin-session-write")
def test_admin_write_with_session_and_csrf(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    remove_origin(admin_api, "http://localhost:3000")
    _sign_in(reader_env, workdir)
    try:
        run = run_bash(example("admin-session-write"), reader_env, workdir)
        assert run.answer.status == 201, run.stdout
        assert run.answer.json()["origin"] == "http://localhost:3000"
        entry = admin_api.get("/api/v1/admin/audit", params={"limit": 1}).json()["entries"][0]
        assert entry["action"] == "origin.added" and entry["actor"] == reader_env["ADMIN_EMAIL"]
    finally:
        remove_origin(admin_api, "http://localhost:3000")


@covers("admin-list-keys")
def test_admin_list_keys(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("admin-list-keys"), reader_env, workdir)
    assert run.answer.status == 200
    keys = run.answer.json()["api_keys"]
    demo_key = reader_env["PLOTBOARD_ADMIN_KEY"].rsplit("_", 1)[0]
    listed = next(k for k in keys if k["id"] == demo_key)
    assert set(listed) == {
        "id",
        "name",
        "scopes",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "tokens_minted",
    }
    assert "secret" not in run.stdout and reader_env["PLOTBOARD_ADMIN_KEY"] not in run.stdout


@covers("admin-create-key")
def test_admin_create_key(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    run = run_bash(example("admin-create-key"), reader_env, workdir)
    assert run.answer.status == 201, run.stdout
    key = run.answer.json()
    try:
        assert key["name"] == "Staging backend" and key["scopes"] == ["tokens"]
        assert key["secret"].startswith(key["id"] + "_")
        listed = admin_api.get("/api/v1/admin/api-keys").json()["api_keys"]
        assert "secret" not in next(k for k in listed if k["id"] == key["id"])
    finally:
        admin_api.post(f"/api/v1/admin/api-keys/{key['id']}/revoke")


@covers("admin-revoke-key")
def test_admin_revoke_key(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    created = admin_api.post("/api/v1/admin/api-keys", json={"name": "Throwaway"}).json()
    token = httpx.post(
        f"{reader_env['PLOTBOARD_URL']}/api/v1/embed/tokens",
        headers={"Authorization": f"Bearer {created['secret']}"},
        json={"user_id": "alice"},
    ).json()["token"]
    run = run_bash(example("admin-revoke-key"), {**reader_env, "KEY_ID": created["id"]}, workdir)
    assert run.answer.status == 200, run.stdout
    assert run.answer.json()["id"] == created["id"] and run.answer.json()["revoked_at"]
    refused = httpx.get(
        f"{reader_env['PLOTBOARD_URL']}/api/v1/embed/dashboards",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"


def _remove_attribute(admin_api: httpx.Client, name: str) -> None:
    assert admin_api.delete(f"/api/v1/admin/token-attributes/{name}").status_code in (204, 404)


def _ensure_department(admin_api: httpx.Client) -> None:
    _remove_attribute(admin_api, "department")
    created = admin_api.post(
        "/api/v1/admin/token-attributes", json={"name": "department", "type": "string"}
    )
    assert created.status_code == 201, created.text


@covers("admin-create-attribute")
def test_admin_create_attribute(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    _remove_attribute(admin_api, "department")
    try:
        run = run_bash(example("admin-create-attribute"), reader_env, workdir)
        assert run.answer.status == 201, run.stdout
        assert run.answer.json() == {
            "name": "department",
            "type": "string",
            "required": False,
            "description": "The department the user works in.",
        }
        # Tokens may carry it now.
        mint(admin_api, "alice", attributes={"department": "Sales"})
    finally:
        _remove_attribute(admin_api, "department")


@covers("admin-update-attribute")
def test_admin_update_attribute(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    _ensure_department(admin_api)
    try:
        run = run_bash(example("admin-update-attribute"), reader_env, workdir)
        assert run.answer.status == 200, run.stdout
        assert run.answer.json()["description"] == "The department, as in the HR system."
        assert run.answer.json()["required"] is False
    finally:
        _remove_attribute(admin_api, "department")


@covers("admin-list-attributes")
def test_admin_list_attributes(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("admin-list-attributes"), reader_env, workdir)
    assert run.answer.status == 200
    by_name = {a["name"]: a for a in run.answer.json()["token_attributes"]}
    assert by_name["region"]["type"] == "string"
    assert by_name["location"]["type"] == "string_list"


@covers("admin-delete-attribute")
def test_admin_delete_attribute(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    _ensure_department(admin_api)
    run = run_bash(example("admin-delete-attribute"), reader_env, workdir)
    assert run.answer.status == 204 and run.answer.text == ""
    names = {
        a["name"]
        for a in admin_api.get("/api/v1/admin/token-attributes").json()["token_attributes"]
    }
    assert "department" not in names


@covers("admin-add-origin")
def test_admin_add_origin(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    remove_origin(admin_api, "https://app.example.com")
    run = run_bash(example("admin-add-origin"), reader_env, workdir)
    assert run.answer.status == 201, run.stdout
    assert set(run.answer.json()) == {"id", "origin", "created_at"}
    assert run.answer.json()["origin"] == "https://app.example.com"


@covers("admin-list-origins")
def test_admin_list_origins(reader_env: dict[str, str], workdir: Path) -> None:
    run = run_bash(example("admin-list-origins"), reader_env, workdir)
    assert run.answer.status == 200
    assert reader_env["PLOTBOARD_URL"] in {o["origin"] for o in run.answer.json()["origins"]}


@covers("admin-delete-origin")
def test_admin_delete_origin(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    ensure_origin(admin_api, "https://old.example.com")
    origin_id = find_origin(admin_api, "https://old.example.com")
    assert origin_id
    run = run_bash(example("admin-delete-origin"), {**reader_env, "ORIGIN_ID": origin_id}, workdir)
    assert run.answer.status == 204
    assert find_origin(admin_api, "https://old.example.com") is None


@covers("admin-audit")
def test_admin_audit(reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client) -> None:
    _ensure_department(admin_api)
    _remove_attribute(admin_api, "department")
    run = run_bash(example("admin-audit"), reader_env, workdir)
    assert run.answer.status == 200
    entries = run.answer.json()["entries"]
    assert 2 <= len(entries) <= 5
    assert entries[0]["action"] == "token_attribute.deleted"
    assert entries[0]["actor"] == "api-key:" + reader_env["PLOTBOARD_ADMIN_KEY"].rsplit("_", 1)[0]
    assert set(entries[0]) == {
        "actor",
        "action",
        "target_type",
        "target_id",
        "details",
        "created_at",
    }


@covers("admin-change-limits")
def test_admin_change_limits(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    try:
        run = run_bash(example("admin-change-limits"), reader_env, workdir)
        assert run.answer.status == 200, run.stdout
        body = run.answer.json()
        assert body["limits"]["ai_per_user_per_minute"] == 10
        assert body["limits"]["query_per_user_at_once"] == 12
        assert body["limits"]["query_per_user_per_minute"] == 600  # not sent: unchanged
        assert body["defaults"]["ai_per_user_per_minute"] == 30
        read = admin_api.get("/api/v1/admin/limits").json()
        assert read["limits"] == body["limits"]
        refused = admin_api.patch("/api/v1/admin/limits", json={"ai_per_user_per_minute": -1})
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "ai_per_user_per_minute"
    finally:
        # The demo server is shared by the other examples: give it its defaults back.
        admin_api.patch(
            "/api/v1/admin/limits", json={"ai_per_user_per_minute": 30, "query_per_user_at_once": 8}
        )


@covers("admin-time-zone")
def test_admin_time_zone(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    try:
        run = run_bash(example("admin-time-zone"), reader_env, workdir)
        assert run.answer.status == 200, run.stdout
        body = run.answer.json()
        assert body["time_zone"] == "Europe/Paris" and {"id", "name", "created_at"} <= set(body)
        assert admin_api.get("/api/v1/admin/organization").json()["time_zone"] == "Europe/Paris"
        refused = admin_api.put("/api/v1/admin/organization", json={"time_zone": "Paris"})
        assert refused.status_code == 422 and refused.json()["code"] == "invalid_time_zone"
        assert "'Paris'" in refused.json()["detail"]
        entries = admin_api.get("/api/v1/admin/audit", params={"limit": 5}).json()["entries"]
        assert entries[0]["action"] == "organization.changed"
    finally:
        # The demo server is shared by the other examples: give it its default (UTC) back.
        admin_api.put("/api/v1/admin/organization", json={"time_zone": None})


@covers("admin-publish-starter")
def test_admin_publish_starter(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    run = run_bash(example("admin-publish-starter"), reader_env, workdir)
    assert run.answer.status == 201, run.stdout
    starter = run.answer.json()
    try:
        assert set(starter) == {
            "id", "title", "tiles", "filters", "version", "published_by",
            "source_dashboard_id", "created_at", "updated_at", "copies",
        }  # fmt: skip
        assert (starter["title"], starter["version"], starter["copies"]) == ("Sales overview", 1, 0)
        reader = mint(admin_api, unique_user("reader"), attributes={"region": "North"})
        listed = admin_api.get(
            "/api/v1/embed/dashboards", headers={"Authorization": f"Bearer {reader}"}
        ).json()["dashboards"]
        # Beside the demo's own starter ("Sales at a glance"), by title.
        assert [(d["id"], d["starter"]) for d in listed if d["title"] == "Sales overview"] == [
            (starter["id"], True)
        ]
        entries = admin_api.get("/api/v1/admin/audit", params={"limit": 5}).json()["entries"]
        assert entries[0]["action"] == "starter.published"
    finally:
        # The demo server is shared by the other examples: every user would list it.
        admin_api.delete(f"/api/v1/admin/starters/{starter['id']}")


@covers("admin-team-attribute")
def test_admin_team_attribute(
    reader_env: dict[str, str], workdir: Path, admin_api: httpx.Client
) -> None:
    try:
        run = run_bash(example("admin-team-attribute"), reader_env, workdir)
        assert run.answer.status == 200, run.stdout
        assert run.answer.json()["team_attribute"] == "region"
        refused = admin_api.put("/api/v1/admin/organization", json={"team_attribute": "location"})
        assert refused.status_code == 422
        assert refused.json()["code"] == "invalid_team_attribute"
    finally:
        admin_api.put("/api/v1/admin/organization", json={"team_attribute": None})
