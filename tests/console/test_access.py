"""Who may use the console: sign-in, sign-out, expiry, strangers, CSRF, headers."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from plotboard.auth.api_keys import list_api_keys
from plotboard.runtime import Runtime
from plotboard.store.models import AdminSession, AdminUser, utcnow
from tests.console.conftest import Console, client_of, new_admin
from tests.console.pages import text

PAGES = [
    "/admin/keys",
    "/admin/attributes",
    "/admin/databases",
    "/admin/tables",
    "/admin/rules",
    "/admin/origins",
    "/admin/ai",
    "/admin/sandbox",
    "/admin/embed",
    "/admin/jobs",
    "/admin/audit",
]
FORMS = [
    "/admin/keys",
    "/admin/keys/pb_x/revoke",
    "/admin/attributes",
    "/admin/attributes/region",
    "/admin/attributes/region/delete",
    "/admin/databases",
    "/admin/databases/abc",
    "/admin/databases/abc/delete",
    "/admin/databases/abc/refresh",
    "/admin/tables/abc/sales",
    "/admin/tables/abc/sales/columns/amount",
    "/admin/rules/abc/sales",
    "/admin/rules/abc/sales/delete",
    "/admin/origins",
    "/admin/origins/abc/delete",
    "/admin/ai",
    "/admin/sandbox",
    "/admin/sandbox/introspect",
    "/admin/sign-out",
]
NAV = [
    "Overview",
    "API keys",
    "Token attributes",
    "Databases",
    "Tables and columns",
    "Access rules",
    "Authorized origins",
    "AI settings",
    "Token sandbox",
    "Embed snippet",
    "Jobs",
    "Audit log",
]


def test_the_sign_in_page_is_at_admin(stranger: TestClient) -> None:
    page = stranger.get("/admin")
    assert page.status_code == 200
    assert "Sign in" in text(page.text)
    assert 'type="email"' in page.text and 'type="password"' in page.text
    assert 'name="csrf_token"' in page.text


@pytest.mark.parametrize("path", PAGES)
def test_strangers_are_sent_to_sign_in_and_back(stranger: TestClient, path: str) -> None:
    answer = stranger.get(path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/admin?next={path}"


@pytest.mark.parametrize("path", FORMS)
def test_strangers_cannot_post_anything(stranger: TestClient, path: str) -> None:
    answer = stranger.post(path, data={"csrf_token": "x", "name": "x"}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/admin?next=")


def test_signing_in_goes_back_where_the_admin_was_going(
    console: Console, stranger: TestClient
) -> None:
    page = stranger.get("/admin?next=/admin/origins")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = stranger.post(
        "/admin/sign-in",
        data={
            "email": console.email.upper(),
            "password": "correct horse battery",
            "csrf_token": token,
            "next": "/admin/origins",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin/origins"
    assert "httponly" in answer.headers["set-cookie"].lower()
    assert "Authorized origins" in text(stranger.get("/admin/origins").text)


@pytest.mark.parametrize("target", ["https://evil.example/admin", "//evil.example", "/api/v1"])
def test_sign_in_never_redirects_off_the_console(
    console: Console, stranger: TestClient, target: str
) -> None:
    page = stranger.get("/admin")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = stranger.post(
        "/admin/sign-in",
        data={
            "email": console.email,
            "password": "correct horse battery",
            "csrf_token": token,
            "next": target,
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/admin"


def test_a_wrong_password_says_so_and_keeps_the_email(
    console: Console, stranger: TestClient
) -> None:
    page = stranger.get("/admin")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = stranger.post(
        "/admin/sign-in",
        data={"email": console.email, "password": "wrong password!", "csrf_token": token},
    )
    assert answer.status_code == 401
    assert "The email or password is wrong." in text(answer.text)
    assert f'value="{console.email}"' in answer.text
    assert "wrong password!" not in answer.text


def test_sign_in_without_the_forms_token_is_refused(console: Console, stranger: TestClient) -> None:
    answer = stranger.post(
        "/admin/sign-in", data={"email": console.email, "password": "correct horse battery"}
    )
    assert answer.status_code == 403
    assert "expired" in text(answer.text)
    assert stranger.get("/admin/keys", follow_redirects=False).status_code == 303


def test_an_empty_sign_in_form_names_the_fields(stranger: TestClient) -> None:
    page = stranger.get("/admin")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = stranger.post(
        "/admin/sign-in", data={"email": "", "password": "", "csrf_token": token}
    )
    assert answer.status_code == 422
    assert "is required" in text(answer.text)


def test_every_page_names_every_step_in_its_navigation(console: Console) -> None:
    for path in ["/admin", *PAGES]:
        page = console.get(path)
        assert page.status_code == 200, path
        nav = text(page.text.split('<ul class="nav">')[1].split("</ul>")[0])
        for label in NAV:
            assert label in nav, (path, label)
        assert 'aria-current="page"' in page.text


def test_pages_are_not_framed_cached_or_scripted_from_elsewhere(console: Console) -> None:
    page = console.get("/admin/keys")
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


def test_a_post_without_the_sessions_token_is_refused_and_changes_nothing(
    console: Console, runtime: Runtime
) -> None:
    for token in ("", "forged-token"):
        answer = console.post(
            "/admin/keys", {"csrf_token": token, "name": "Sneaky", "scopes": "tokens"}
        )
        assert answer.status_code == 403
        assert "This form has expired" in text(answer.text)
    with runtime.store.session() as session:
        assert list_api_keys(session, console.org_id) == []


def test_another_admins_token_does_not_pass(
    console: Console, runtime: Runtime, app: FastAPI
) -> None:
    org_id, email = new_admin(runtime)
    other = Console(client_of(app), org_id, email)
    other.sign_in()
    answer = console.post("/admin/keys", {"csrf_token": other.csrf, "name": "Sneaky"})
    assert answer.status_code == 403


def test_an_expired_session_is_sent_to_sign_in_with_a_word_why(
    console: Console, runtime: Runtime
) -> None:
    with runtime.store.session() as session:
        admin_id = session.scalar(sa.select(AdminUser.id).where(AdminUser.email == console.email))
        session.execute(
            sa.update(AdminSession)
            .where(AdminSession.admin_id == admin_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    answer = console.get("/admin/keys", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin?next=/admin/keys"
    page = console.get("/admin/keys")
    assert "Your session has expired. Sign in again." in text(page.text)
    assert "Sign in" in text(page.text)


def test_signing_out_ends_the_session(console: Console) -> None:
    answer = console.post("/admin/sign-out", follow_redirects=False)
    assert answer.status_code == 303
    page = console.get("/admin")
    assert "You are signed out." in text(page.text)
    assert console.get("/admin/keys", follow_redirects=False).status_code == 303


def test_a_missing_thing_is_a_404_page_not_a_stack_trace(console: Console) -> None:
    for path in ("/admin/databases/nope", "/admin/rules/nope/sales", "/admin/rules?source=nope"):
        page = console.get(path)
        assert page.status_code == 404, path
        assert "was not found" in text(page.text)
        assert "Traceback" not in page.text
    answer = console.post("/admin/keys/pb_nothing/revoke")
    assert answer.status_code == 404


def test_the_console_css_and_script_are_served(stranger: TestClient) -> None:
    assert stranger.get("/admin/static/console.css").headers["content-type"].startswith("text/css")
    assert "javascript" in stranger.get("/admin/static/console.js").headers["content-type"]
    assert stranger.get("/admin/static/secret.py").status_code == 404


def test_an_address_no_console_page_answers_is_a_page_too(
    console: Console, stranger: TestClient
) -> None:
    # A mistyped or old link under /admin answered raw JSON ({"detail": "There is nothing at
    # /admin/sources.", ...}): a dead end in a browser, with no way back to the console.
    for client in (console, stranger):
        page = client.get("/admin/sources")
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")
        assert "There is no console page at /admin/sources" in text(page.text)
        assert 'href="/admin"' in page.text
    assert stranger.get("/admin/", follow_redirects=False).headers["location"] == "/admin"
    # What pages do answer is unchanged: a missing thing on a real page, and a form's POST.
    assert "was not found" in text(console.get("/admin/databases/nope").text)
    assert console.post("/admin/keys/pb_nothing/revoke").status_code == 404
