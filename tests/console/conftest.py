"""The admin console over a real metadata store: in-process (TestClient) for the forms, and a
real server with Debian's Chromium for the walk-through.

Each test gets its own organization and admin, so tests share one store without seeing each
other. The demo database (DESIGN.md's offices, employees, sales) is generated once.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from plotboard.app import create_app
from plotboard.auth.passwords import hash_password
from plotboard.config import Settings
from plotboard.demo.data import generate_demo_database
from plotboard.orgs import create_organization
from plotboard.runtime import Runtime
from plotboard.store.models import AdminUser

if TYPE_CHECKING:
    # What starlette's TestClient returns: an httpx2 response once httpx2 is installed (the
    # mcp extra, in dev, brings it), which starlette then prefers to httpx.
    from httpx2 import Response as TestResponse

SECRET = "console-test-secret-" + "s" * 40
PASSWORD = "correct horse battery"
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    generate_demo_database(path)
    return path


@pytest.fixture(scope="session")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    data = tmp_path_factory.mktemp("console-store")
    rt = Runtime(Settings(data_dir=data, secret_key=SECRET))
    yield rt
    rt.close()


@pytest.fixture(scope="session")
def app(runtime: Runtime) -> FastAPI:
    return create_app(runtime=runtime)


def client_of(app: FastAPI) -> TestClient:
    # Not entered as a context manager: the app's lifespan would close the shared runtime.
    return TestClient(app, base_url="http://plotboard.test")


@functools.cache
def _password_hash() -> str:
    # Hashed once: argon2 is slow on purpose, and every test makes an admin.
    return hash_password(PASSWORD)


def new_admin(runtime: Runtime) -> tuple[str, str]:
    """A fresh organization with one admin; (org id, email)."""
    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    with runtime.store.session() as session:
        org = create_organization(session, runtime.secret_key, f"Org {email[6:12]}")
        session.add(AdminUser(org_id=org.id, email=email, password_hash=_password_hash()))
    return org.id, email


@dataclass
class Console:
    """A signed-in admin's browser, without the browser: cookies and the CSRF token."""

    client: TestClient
    org_id: str
    email: str
    csrf: str = ""

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        response: TestResponse = self.client.get(path, **kwargs)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        """A form post with the session's CSRF token (unless `data` names another)."""
        body = {"csrf_token": self.csrf, **(data or {})}
        response: TestResponse = self.client.post(path, data=body, **kwargs)
        return response

    def sign_in(self, password: str = PASSWORD) -> TestResponse:
        page = self.client.get("/admin")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, page.text
        answer: TestResponse = self.client.post(
            "/admin/sign-in",
            data={"email": self.email, "password": password, "csrf_token": token.group(1)},
        )
        found = _CSRF.search(answer.text)
        self.csrf = found.group(1) if found else ""
        return answer


@pytest.fixture
def console(runtime: Runtime, app: FastAPI) -> Console:
    """A signed-in admin of a fresh organization, with a client of their own (own cookies)."""
    org_id, email = new_admin(runtime)
    c = Console(client_of(app), org_id, email)
    answer = c.sign_in()
    assert answer.status_code == 200 and c.csrf, answer.text
    return c


@pytest.fixture
def stranger(app: FastAPI) -> TestClient:
    return client_of(app)
