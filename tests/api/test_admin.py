"""The admin API: sign-in, CSRF, scopes, keys, attributes, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from plotboard.app import create_app
from plotboard.auth.sessions import COOKIE_NAME
from plotboard.runtime import Runtime
from tests.api.conftest import ADMIN_PASSWORD, Org
from tests.api.test_query_api import SALARY_BY_LOCATION, _connect, demo_db  # noqa: F401


@pytest.fixture
def browser(runtime: Runtime) -> Any:
    """A separate client with its own cookie jar, like an admin's browser."""
    with TestClient(create_app(runtime=runtime), base_url="http://plotboard.test") as c:
        yield c


def _sign_in(browser: TestClient, org: Org) -> str:
    r = browser.post(
        "/api/v1/admin/session", json={"email": org.admin_email, "password": ADMIN_PASSWORD}
    )
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    csrf: str = r.json()["csrf_token"]
    return csrf


def test_sign_in_wrong_password_and_unknown_email_look_the_same(
    browser: TestClient, org: Org
) -> None:
    wrong = browser.post(
        "/api/v1/admin/session", json={"email": org.admin_email, "password": "nope-nope-nope"}
    )
    unknown = browser.post(
        "/api/v1/admin/session", json={"email": "who@example.com", "password": "nope-nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    # The same body but for the request's own id.
    assert wrong.json().pop("request_id") != unknown.json().pop("request_id")
    assert {**wrong.json(), "request_id": ""} == {**unknown.json(), "request_id": ""}


def test_session_allows_reads_and_csrf_guards_writes(browser: TestClient, org: Org) -> None:
    csrf = _sign_in(browser, org)
    assert browser.get("/api/v1/admin/api-keys").status_code == 200
    no_csrf = browser.post("/api/v1/admin/origins", json={"origin": "https://a.example"})
    assert no_csrf.status_code == 403 and no_csrf.json()["code"] == "csrf_failed"
    bad_csrf = browser.post(
        "/api/v1/admin/origins",
        json={"origin": "https://a.example"},
        headers={"X-CSRF-Token": "forged"},
    )
    assert bad_csrf.status_code == 403
    ok = browser.post(
        "/api/v1/admin/origins",
        json={"origin": "https://a.example"},
        headers={"X-CSRF-Token": csrf},
    )
    assert ok.status_code == 201
    assert browser.get("/api/v1/admin/session").json()["email"] == org.admin_email


def test_sign_out_ends_the_session(browser: TestClient, org: Org) -> None:
    csrf = _sign_in(browser, org)
    cookie = browser.cookies.get(COOKIE_NAME)
    assert (
        browser.delete("/api/v1/admin/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    )
    browser.cookies.set(COOKIE_NAME, cookie or "")  # replaying the old cookie must not work
    r = browser.get("/api/v1/admin/api-keys")
    assert r.status_code == 401 and r.json()["code"] == "not_signed_in"


def test_strangers_and_token_keys_are_refused(org: Org) -> None:
    assert org.client.get("/api/v1/admin/api-keys").status_code == 401
    r = org.client.get(
        "/api/v1/admin/api-keys", headers={"Authorization": f"Bearer {org.tokens_key}"}
    )
    assert r.status_code == 403 and "'admin' scope" in r.json()["detail"]
    r = org.client.get("/api/v1/admin/api-keys", headers={"Authorization": f"Bearer {org.token()}"})
    assert r.status_code == 401


def test_api_keys_secret_is_shown_once(org: Org) -> None:
    r = org.admin("POST", "/api-keys", json={"name": "CI", "scopes": ["tokens"]})
    assert r.status_code == 201
    created = r.json()
    assert created["secret"].startswith(created["id"] + "_")
    listed = org.admin("GET", "/api-keys").json()["api_keys"]
    assert created["secret"] not in str(listed) and all("secret" not in k for k in listed)
    assert created["id"] in {k["id"] for k in listed}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "scopes": ["root"]}, "scopes"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "", "scopes": ["tokens"]}, "name"),
    ],
)
def test_bad_key_requests(org: Org, body: dict[str, Any], field: str) -> None:
    r = org.admin("POST", "/api-keys", json=body)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == field


def test_keys_of_another_org_cannot_be_revoked(org: Org, other_org: Org) -> None:
    r = org.admin("POST", f"/api-keys/{other_org.tokens_key_id}/revoke")
    assert r.status_code == 404
    assert other_org.token()  # still works


def test_attribute_model_crud_changes_validation(org: Org) -> None:
    r = org.admin(
        "POST",
        "/token-attributes",
        json={"name": "department", "type": "string", "required": True, "description": "Dept"},
    )
    assert r.status_code == 201
    body = org.mint("alice", expect=422, attributes={"tier": 1})
    assert body["errors"][0]["field"] == "attributes.department"
    r = org.admin("PATCH", "/token-attributes/department", json={"required": False})
    assert r.status_code == 200 and r.json()["required"] is False
    org.mint("alice", attributes={"tier": 1})
    assert org.admin("DELETE", "/token-attributes/department").status_code == 204
    body = org.mint("alice", expect=422, attributes={"tier": 1, "department": "Sales"})
    assert "unknown attribute" in body["detail"]
    names = [a["name"] for a in org.admin("GET", "/token-attributes").json()["token_attributes"]]
    assert "department" not in names and "region" in names


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Region", "type": "string"}, "name"),
        ({"name": "1st", "type": "string"}, "name"),
        ({"name": "x", "type": "date"}, "type"),
        ({"name": "x", "type": "string", "required": "maybe"}, "required"),
    ],
)
def test_bad_attributes_are_refused(org: Org, body: dict[str, Any], field: str) -> None:
    r = org.admin("POST", "/token-attributes", json=body)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == field


def test_duplicate_attribute_is_a_conflict(org: Org) -> None:
    r = org.admin("POST", "/token-attributes", json={"name": "region", "type": "string"})
    assert r.status_code == 409


def test_audit_log_records_who_changed_what(org: Org) -> None:
    org.admin("POST", "/origins", json={"origin": "https://audit.example"})
    org.admin("POST", "/api-keys", json={"name": "audited"})
    entries = org.admin("GET", "/audit").json()["entries"]
    actions = [e["action"] for e in entries]
    assert actions[:2] == ["api_key.created", "origin.added"]
    assert all(e["actor"].startswith("api-key:pb_") for e in entries[:2])


def test_errors_never_leak_internals(org: Org) -> None:
    r = org.client.post(
        "/api/v1/admin/session", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and "not valid JSON" in r.json()["detail"]
    # Bytes that are not UTF-8 (found by schemathesis): named too, not "error parsing the body".
    r = org.client.post(
        "/api/v1/admin/session", content=b"\x13\xffN", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "the request body is not valid JSON (it is not UTF-8 text)"
    assert r.json()["errors"] == [{"field": "body", "message": r.json()["detail"]}]
    r = org.client.get("/api/v1/nowhere")
    assert r.status_code == 404 and r.json()["detail"] == "There is nothing at /api/v1/nowhere."


def test_password_guessing_is_slowed_down(browser: TestClient, org: Org) -> None:
    wrong = {"email": org.admin_email, "password": "not-the-password"}
    for _ in range(5):
        assert browser.post("/api/v1/admin/session", json=wrong).status_code == 401
    r = browser.post("/api/v1/admin/session", json=wrong)
    assert r.status_code == 429 and "Try again in 5 minutes" in r.json()["detail"]
    # Even the right password waits: the limit is on the email, not on the guess.
    right = {"email": org.admin_email, "password": ADMIN_PASSWORD}
    assert browser.post("/api/v1/admin/session", json=right).status_code == 429
    other = browser.post("/api/v1/admin/session", json={**wrong, "email": "x@example.com"})
    assert other.status_code == 401


def test_an_app_that_stops_leaves_a_runtime_it_was_given_serving(
    org: Org, runtime: Runtime, demo_db: Path  # noqa: F811
) -> None:
    """A runtime handed to an app belongs to the caller: the app's shutdown must not stop its
    queries (here: the session's other client must still get answers)."""
    source = _connect(org, demo_db)
    with TestClient(create_app(runtime=runtime), base_url="http://plotboard.test") as other:
        assert other.get("/healthz").status_code == 200
    token = org.token()
    body = {"source": source, "query": SALARY_BY_LOCATION}
    answer = org.embed(token, "POST", "/query", json=body)
    assert answer.status_code == 200, answer.text
