"""The mint contract of DESIGN.md: POST /api/v1/embed/tokens with an API key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.conftest import Org


def test_mint_returns_token_and_iso_expiry_one_hour_ahead(org: Org) -> None:
    body = org.mint("alice", attributes={"region": "North", "tier": 1})
    assert set(body) == {"token", "expires_at"}
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert abs(expires - datetime.now(UTC) - timedelta(hours=1)) < timedelta(seconds=10)


def test_introspection_shows_documented_defaults(org: Org) -> None:
    token = org.token("alice", ai_context_clues={"tone": "formal", "company": "Acme"})
    r = org.client.post(
        "/api/v1/embed/tokens/introspect",
        json={"token": token},
        headers={"Authorization": f"Bearer {org.tokens_key}"},
    )
    assert r.status_code == 200
    claims = r.json()
    assert claims["valid"] is True
    assert claims["user_id"] == "alice"
    assert claims["attributes"] == {"region": "North", "tier": 2}
    assert claims["permissions"] == {"dashboards": "edit", "ai": True, "sql": False}
    assert claims["ai_context_clues"] == {"tone": "formal", "company": "Acme"}
    assert claims["key_id"] == org.tokens_key_id


@pytest.mark.parametrize(
    ("attributes", "field", "words"),
    [
        ({"tier": 1, "regin": "North"}, "attributes.regin", "unknown attribute 'regin'"),
        ({"tier": "1"}, "attributes.tier", "must be a number, got a string"),
        ({"tier": True}, "attributes.tier", "must be a number, got a boolean"),
        ({"tier": 1, "region": ["North"]}, "attributes.region", "must be a string, got a list"),
        ({"tier": 1, "location": "Paris"}, "attributes.location", "must be a list of strings"),
        ({"tier": 1, "location": ["Paris", 3]}, "attributes.location", "item 1 must be a string"),
        ({"tier": 1, "team_ids": [1, "2"]}, "attributes.team_ids", "item 1 must be a number"),
        ({"tier": 1, "is_manager": "yes"}, "attributes.is_manager", "must be true or false"),
        ({"region": "North"}, "attributes.tier", "is required"),
        ({"tier": None}, "attributes.tier", "is required"),
    ],
)
def test_bad_attributes_get_422_naming_the_attribute(
    org: Org, attributes: dict[str, object], field: str, words: str
) -> None:
    body = org.mint("alice", expect=422, attributes=attributes)
    assert body["code"] == "invalid_attribute"
    assert body["detail"].startswith(field)
    assert any(e["field"] == field and words in e["message"] for e in body["errors"]), body


def test_every_bad_attribute_is_listed(org: Org) -> None:
    body = org.mint("alice", expect=422, attributes={"regin": "x", "location": 3})
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"attributes.regin", "attributes.location", "attributes.tier"}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"expires_in": 59}, "expires_in"),
        ({"expires_in": 86401}, "expires_in"),
        ({"expires_in": "soon"}, "expires_in"),
        ({"permissions": {"dashboards": "admin"}}, "permissions.dashboards"),
        ({"permissions": {"sudo": True}}, "permissions.sudo"),
        ({"ai_context_clues": 42}, "ai_context_clues"),
        ({"ai_context_clues": {"tone": 3}}, "ai_context_clues.tone"),
        ({"ai_context_clues": {"a": 5}}, "ai_context_clues.a"),
        ({"ai_context_clues": "x" * 4001}, "ai_context_clues"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_request_fields_get_422_naming_the_field(
    org: Org, extra: dict[str, object], field: str
) -> None:
    body = org.mint("alice", expect=422, attributes={"tier": 1}, **extra)
    assert body["errors"][0]["field"] == field, body
    assert body["detail"].startswith(field)
    assert "Traceback" not in str(body)


@pytest.mark.parametrize("user_id", ["", " alice", "al\nice", "x" * 201])
def test_bad_user_id_is_refused(org: Org, user_id: str) -> None:
    body = org.mint(user_id, expect=422, attributes={"tier": 1})
    assert body["errors"][0]["field"] == "user_id"


def test_permissions_and_expiry_are_carried(org: Org) -> None:
    token = org.mint(
        "bob",
        attributes={"tier": 1},
        permissions={"dashboards": "view", "sql": True},
        expires_in=24 * 3600,
    )
    assert datetime.fromisoformat(token["expires_at"].replace("Z", "+00:00")) > datetime.now(
        UTC
    ) + timedelta(hours=23)


def test_missing_wrong_and_revoked_keys_get_401(org: Org) -> None:
    url = "/api/v1/embed/tokens"
    body = {"user_id": "alice", "attributes": {"tier": 1}}
    r = org.client.post(url, json=body)
    assert r.status_code == 401 and "API key is required" in r.json()["detail"]
    r = org.client.post(url, json=body, headers={"Authorization": "Bearer pb_nope_nope"})
    assert r.status_code == 401
    forged = org.tokens_key[:-4] + "AAAA"
    r = org.client.post(url, json=body, headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401 and r.json()["code"] == "invalid_api_key"
    assert org.admin("POST", f"/api-keys/{org.tokens_key_id}/revoke").status_code == 200
    r = org.client.post(url, json=body, headers={"Authorization": f"Bearer {org.tokens_key}"})
    assert r.status_code == 401 and r.json()["code"] == "revoked_api_key"


def test_admin_only_key_cannot_mint(org: Org) -> None:
    r = org.client.post(
        "/api/v1/embed/tokens",
        json={"user_id": "a", "attributes": {"tier": 1}},
        headers={"Authorization": f"Bearer {org.admin_key}"},
    )
    assert r.status_code == 403 and "'tokens' scope" in r.json()["detail"]


def test_api_key_is_refused_when_sent_from_a_browser(org: Org) -> None:
    r = org.client.post(
        "/api/v1/embed/tokens",
        json={"user_id": "a", "attributes": {"tier": 1}},
        headers={"Authorization": f"Bearer {org.tokens_key}", "Origin": "https://app.example"},
    )
    assert r.status_code == 403 and r.json()["code"] == "api_key_in_browser"


def test_minting_counts_tokens_and_records_last_use(org: Org) -> None:
    org.token()
    org.token()
    keys = {k["id"]: k for k in org.admin("GET", "/api-keys").json()["api_keys"]}
    assert keys[org.tokens_key_id]["tokens_minted"] == 2
    assert keys[org.tokens_key_id]["last_used_at"] is not None


def test_introspect_reports_invalid_and_foreign_tokens(org: Org, other_org: Org) -> None:
    headers = {"Authorization": f"Bearer {org.tokens_key}"}
    url = "/api/v1/embed/tokens/introspect"
    r = org.client.post(url, json={"token": "not-a-token"}, headers=headers)
    assert r.status_code == 200 and r.json()["valid"] is False
    foreign = other_org.token()
    r = org.client.post(url, json={"token": foreign}, headers=headers)
    assert r.json() == {
        "valid": False,
        "code": "invalid_token",
        "reason": "The embed token is not valid.",
    }
