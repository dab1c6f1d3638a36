"""Embed-token attacks: each one must end in 401, never in data."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest

from plotboard.auth.embed_tokens import ALGORITHM, AUDIENCE, ISSUER
from tests.api.conftest import Org, random_secret


def _claims(org: Org, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "mallory",
        "org": org.id,
        "iat": now,
        "exp": now + 600,
        "attrs": {"tier": 1},
        "perm": {"dashboards": "edit", "ai": True, "sql": True},
    }
    claims.update(overrides)
    return claims


def _org_secret(org: Org) -> str:
    secret = org.runtime.signing_secret(org.id)
    assert secret
    return secret


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _list(org: Org, token: str) -> Any:
    return org.embed(token, "GET", "/dashboards")


def test_a_genuine_token_works(org: Org) -> None:
    assert _list(org, org.token()).status_code == 200


ATTACKS: dict[str, Callable[[Org, Org], str]] = {
    "forged with a guessed secret": lambda o, _: jwt.encode(
        _claims(o), random_secret(), ALGORITHM, headers={"kid": o.tokens_key_id}
    ),
    "alg none": lambda o, _: (
        _b64({"alg": "none", "typ": "JWT", "kid": o.tokens_key_id}) + "." + _b64(_claims(o)) + "."
    ),
    "alg None with empty signature of a real token": lambda o, _: (
        _b64({"alg": "None", "kid": o.tokens_key_id}) + "." + o.token().split(".")[1] + "."
    ),
    "HS512 with the real secret": lambda o, _: jwt.encode(
        _claims(o), _org_secret(o), "HS512", headers={"kid": o.tokens_key_id}
    ),
    "expired": lambda o, _: jwt.encode(
        _claims(o, iat=int(time.time()) - 7200, exp=int(time.time()) - 60),
        _org_secret(o),
        ALGORITHM,
        headers={"kid": o.tokens_key_id},
    ),
    "wrong audience": lambda o, _: jwt.encode(
        _claims(o, aud="someone-else"), _org_secret(o), ALGORITHM, headers={"kid": o.tokens_key_id}
    ),
    "wrong issuer": lambda o, _: jwt.encode(
        _claims(o, iss="evil"), _org_secret(o), ALGORITHM, headers={"kid": o.tokens_key_id}
    ),
    "no expiry": lambda o, _: jwt.encode(
        {k: v for k, v in _claims(o).items() if k != "exp"},
        _org_secret(o),
        ALGORITHM,
        headers={"kid": o.tokens_key_id},
    ),
    "no key id": lambda o, _: jwt.encode(_claims(o), _org_secret(o), ALGORITHM),
    "unknown key id": lambda o, _: jwt.encode(
        _claims(o), _org_secret(o), ALGORITHM, headers={"kid": "pb_doesnotexist"}
    ),
    "signed with another org's secret and this org's key id": lambda o, other: jwt.encode(
        _claims(o), _org_secret(other), ALGORITHM, headers={"kid": o.tokens_key_id}
    ),
    "another org's key id with this org's secret": lambda o, other: jwt.encode(
        _claims(o), _org_secret(o), ALGORITHM, headers={"kid": other.tokens_key_id}
    ),
    "another org's key and secret claiming this org": lambda o, other: jwt.encode(
        _claims(o), _org_secret(other), ALGORITHM, headers={"kid": other.tokens_key_id}
    ),
    "tampered user id": lambda o, _: _tamper(o.token("alice"), sub="bob"),
    "tampered attributes": lambda o, _: _tamper(o.token("alice"), attrs={"tier": 99}),
    "tampered permissions": lambda o, _: _tamper(
        o.token("alice"), perm={"dashboards": "edit", "ai": True, "sql": True}
    ),
    "signature stripped": lambda o, _: o.token().rsplit(".", 1)[0] + ".",
    "garbage": lambda o, _: "not.a.token",
    "empty segments": lambda o, _: "..",
    "an API key instead of a token": lambda o, _: o.tokens_key,
}


def _tamper(token: str, **changes: Any) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{_b64(claims)}.{signature}"


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_attack_is_refused_with_401(org: Org, other_org: Org, attack: str) -> None:
    token = ATTACKS[attack](org, other_org)
    r = _list(org, token)
    assert r.status_code == 401, (attack, r.text)
    body = r.json()
    assert body["code"] in {"invalid_token", "token_expired", "token_revoked"}
    assert "Traceback" not in r.text and _org_secret(org) not in r.text
    assert r.headers["www-authenticate"] == "Bearer"


def test_expired_token_says_so(org: Org) -> None:
    token = ATTACKS["expired"](org, org)
    r = _list(org, token)
    assert r.json()["code"] == "token_expired"
    assert "mint a fresh one" in r.json()["detail"]


def test_revoking_a_key_ends_its_tokens_at_once(org: Org) -> None:
    token = org.token()
    assert _list(org, token).status_code == 200  # now remembered by the verifier's caches
    assert org.admin("POST", f"/api-keys/{org.tokens_key_id}/revoke").status_code == 200
    r = _list(org, token)
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"


def test_revocation_reaches_a_server_that_did_not_handle_it(org: Org, store_url: str) -> None:
    """A second server (own caches, own store engine) stops accepting the token once it has
    checked the store's generation (every store_change_check_seconds)."""
    from fastapi.testclient import TestClient

    from plotboard.app import create_app
    from plotboard.config import Settings
    from plotboard.runtime import Runtime

    settings = org.runtime.settings.model_copy(update={"store_change_check_seconds": 0.2})
    second = Runtime(Settings(**settings.model_dump()), run_migrations=False)
    try:
        with TestClient(create_app(runtime=second), base_url="http://plotboard.test") as c2:
            token = org.token()
            auth = {"Authorization": f"Bearer {token}"}
            assert c2.get("/api/v1/embed/dashboards", headers=auth).status_code == 200
            org.admin("POST", f"/api-keys/{org.tokens_key_id}/revoke")
            time.sleep(0.3)
            assert c2.get("/api/v1/embed/dashboards", headers=auth).status_code == 401
    finally:
        second.close()


def test_an_api_key_sent_as_token_gets_a_hint(org: Org) -> None:
    r = _list(org, org.tokens_key)
    assert r.status_code == 401 and "This is an API key, not an embed token" in r.json()["detail"]


def test_malformed_authorization_header(org: Org) -> None:
    r = org.client.get("/api/v1/embed/dashboards", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401 and "Bearer" in r.json()["detail"]
    r = org.client.get("/api/v1/embed/dashboards")
    assert r.status_code == 401 and r.json()["code"] == "missing_token"
