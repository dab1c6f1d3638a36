"""An in-process app over a real metadata store — SQLite and PostgreSQL — for the API tests.

Each test gets its own organization, so tests share the store without seeing each other.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from plotboard.app import create_app
from plotboard.auth.api_keys import create_api_key
from plotboard.auth.attribute_store import AttributeIn, create_attribute
from plotboard.config import Settings
from plotboard.orgs import create_admin, create_organization
from plotboard.runtime import Runtime
from tests.open_sources import open_if_created

TEST_SECRET = "test-secret-" + "k" * 40
ADMIN_PASSWORD = "correct horse battery"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('store') / 'plotboard.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(scope="session")
def runtime(store_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    settings = Settings(
        database_url=store_url,
        secret_key=TEST_SECRET,
        data_dir=Path(tmp_path_factory.mktemp("data")),
        # Long on purpose: a change through this server must not wait for it.
        store_change_check_seconds=30,
    )
    rt = Runtime(settings)
    yield rt
    rt.close()


@pytest.fixture(scope="session")
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime), base_url="http://plotboard.test") as c:
        yield c


@dataclass
class Org:
    """A fresh organization with an admin, two keys and a small attribute model."""

    id: str
    admin_email: str
    tokens_key: str
    admin_key: str
    client: TestClient
    runtime: Runtime
    tokens_key_id: str = field(init=False)

    def __post_init__(self) -> None:
        self.tokens_key_id = self.tokens_key.rsplit("_", 1)[0]

    def mint(self, user_id: str = "alice", expect: int = 201, **body: Any) -> Any:
        response = self.client.post(
            "/api/v1/embed/tokens",
            json={"user_id": user_id, **body},
            headers={"Authorization": f"Bearer {self.tokens_key}"},
        )
        assert response.status_code == expect, response.text
        return response.json()

    def token(self, user_id: str = "alice", **body: Any) -> str:
        body.setdefault("attributes", {"region": "North", "tier": 2})
        token: str = self.mint(user_id, **body)["token"]
        return token

    def embed(self, token: str, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return self.client.request(method, f"/api/v1/embed{path}", headers=headers, **kwargs)

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.admin_key}", **kwargs.pop("headers", {})}
        response = self.client.request(method, f"/api/v1/admin{path}", headers=headers, **kwargs)
        open_if_created(
            method,
            path,
            kwargs.get("json"),
            response,
            lambda p, body: self.client.request(
                "PATCH", f"/api/v1/admin{p}", headers=headers, json=body
            ),
        )
        return response


def make_org(runtime: Runtime, client: TestClient) -> Org:
    with runtime.store.session() as session:
        org = create_organization(session, runtime.secret_key, f"Org {uuid.uuid4().hex[:6]}")
        email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
        create_admin(session, org.id, email, ADMIN_PASSWORD)
        _, tokens_key = create_api_key(session, org.id, "backend", ["tokens"], email)
        _, admin_key = create_api_key(session, org.id, "ops", ["admin"], email)
        for spec in (
            AttributeIn(name="region", type="string"),
            AttributeIn(name="location", type="string_list"),
            AttributeIn(name="tier", type="number", required=True),
            AttributeIn(name="is_manager", type="boolean"),
            AttributeIn(name="team_ids", type="number_list"),
        ):
            create_attribute(session, org.id, spec)
    return Org(org.id, email, tokens_key, admin_key, client, runtime)


@pytest.fixture
def org(runtime: Runtime, client: TestClient) -> Org:
    return make_org(runtime, client)


@pytest.fixture
def other_org(runtime: Runtime, client: TestClient) -> Org:
    return make_org(runtime, client)


def random_secret() -> str:
    return secrets.token_urlsafe(48)
