"""The cached-tile fast path (`plotboard.api.fast_path`) answers exactly as the full route.

Two real HTTP servers (uvicorn, on sockets) serve one runtime — one store, one result cache,
one token verifier — one with the fast path on, one with it off. Each case first asks the
server without it (so an answer that can be cached is cached for both), then asks both the
same request with the same request id, and compares status, headers (but `date`) and body
byte for byte. The fast path's counter says whether it answered: it must for the valid cached
hits, and must not for every case the route refuses or must count.

A fast path that skipped a check would answer the refused cases with the cached 200 (the
answer is in the cache for that spec each time), or another user's cached answer.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from plotboard.api.metrics import REGISTRY
from plotboard.app import create_app
from plotboard.auth.api_keys import create_api_key
from plotboard.auth.attribute_store import AttributeIn, create_attribute
from plotboard.auth.embed_tokens import Permissions, mint_token
from plotboard.config import Settings
from plotboard.demo.data import generate_demo_database
from plotboard.orgs import create_organization
from plotboard.runtime import Runtime

SECRET = "fast-path-secret-" + "f" * 40
QUERY = "/api/v1/embed/query"
SPEC = {
    "query": {
        "table": "employees",
        "measures": [{"agg": "avg", "column": "salary"}],
        "dimensions": [{"column": "location"}],
    }
}
BODY = httpx.Request("POST", "http://x", json=SPEC).content
ALICE = {"location": ["Paris", "London"], "region": "Paris"}
APP_A = "https://a.example.com"
APP_B = "https://b.example.com"
RULE = {"conditions": [{"column": "location", "op": "in", "attribute": "location"}]}


def _serve(app: Any) -> tuple[str, uvicorn.Server, threading.Thread]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


@dataclass
class Site:
    runtime: Runtime
    fast: str
    full: str
    org_id: str
    source: str
    tokens_key: str
    admin_key: str
    other_admin_key: str

    def admin(self, method: str, path: str, key: str | None = None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {key or self.admin_key}"}
        return httpx.request(method, f"{self.full}/api/v1/admin{path}", headers=headers, **kw)

    def token(self, attributes: dict[str, Any] = ALICE, key: str | None = None) -> str:
        r = httpx.post(
            f"{self.full}/api/v1/embed/tokens",
            json={"user_id": "alice", "attributes": attributes},
            headers={"Authorization": f"Bearer {key or self.tokens_key}"},
        )
        assert r.status_code == 201, r.text
        token: str = r.json()["token"]
        return token


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data = tmp_path_factory.mktemp("fast")
    demo = data / "demo.sqlite"
    generate_demo_database(demo)
    runtime = Runtime(
        Settings(
            database_url=f"sqlite:///{data / 'store.db'}",
            secret_key=SECRET,
            data_dir=Path(data),
            access_log=False,
            # Long: the generation in memory stays current between a case's requests however
            # busy the machine (changes through this runtime are seen at once regardless).
            store_change_check_seconds=30,
        )
    )
    keys = []
    with runtime.store.session() as session:
        for name in ("A", "B"):
            org = create_organization(session, runtime.secret_key, f"Fast {name}")
            _, tokens_key = create_api_key(session, org.id, "backend", ["tokens"], None)
            _, admin_key = create_api_key(session, org.id, "ops", ["admin"], None)
            for attr in (
                AttributeIn(name="location", type="string_list"),
                AttributeIn(name="region", type="string"),
            ):
                create_attribute(session, org.id, attr)
            keys.append((org.id, tokens_key, admin_key))
    servers = [_serve(create_app(runtime=runtime, fast_path=on)) for on in (True, False)]
    (org_a, tokens_a, admin_a), (_, _, admin_b) = keys
    site = Site(runtime, servers[0][0], servers[1][0], org_a, "", tokens_a, admin_a, admin_b)
    r = site.admin(
        "POST",
        "/sources",
        json={"name": "Demo", "connection": {"kind": "sqlite", "path": str(demo)}},
    )
    assert r.status_code == 201, r.text
    site.source = r.json()["id"]
    assert (
        site.admin("PUT", f"/sources/{site.source}/rules/employees", json=RULE).status_code == 200
    )
    assert site.admin("POST", "/origins", json={"origin": APP_A}).status_code == 201
    assert site.admin("POST", "/origins", json={"origin": APP_B}, key=admin_b).status_code == 201
    try:
        yield site
    finally:
        for _, server, thread in servers:
            server.should_exit = True
            thread.join(10)
        runtime.close()


def fast_answers() -> float:
    return REGISTRY.get_sample_value("plotboard_query_fast_path_total") or 0.0


def compare(
    site: Site, token: str | None, body: bytes = BODY, *, settle: bool = True, **headers: str
) -> tuple[httpx.Response, bool]:
    """The full route's answer, checked identical to the fast-path server's (asked first), and
    whether the fast path answered. `settle`: one request to the full server before, so that
    an answer that can be cached is (for a refusal, whatever the state, nothing comes first:
    a request to the full server could change what the fast path then sees)."""
    sent = {"Content-Type": "application/json", **headers}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    if settle:
        httpx.post(site.full + QUERY, content=body, headers=sent)
    sent["X-Request-ID"] = uuid.uuid4().hex
    before = fast_answers()
    fast = httpx.post(site.fast + QUERY, content=body, headers=sent)
    answered = fast_answers() - before
    full = httpx.post(site.full + QUERY, content=body, headers=sent)
    assert fast_answers() - before == answered, "the full server took the fast path"
    assert fast.status_code == full.status_code, (fast.text, full.text)
    assert fast.content == full.content
    raw = [h for h in fast.headers.raw if h[0].lower() != b"date"]
    assert raw == [h for h in full.headers.raw if h[0].lower() != b"date"]
    return full, answered == 1


def test_a_cached_tile_is_answered_by_the_fast_path_as_by_the_route(site: Site) -> None:
    full, fast = compare(site, site.token())
    assert full.status_code == 200 and full.headers["X-Plotboard-Cache"] == "hit"
    assert {r[0] for r in full.json()["rows"]} == {"Paris", "London"}
    assert fast


def test_when_the_store_generation_is_due_it_is_read_again_and_the_tile_answered(
    site: Site,
) -> None:
    token = site.token()
    compare(site, token)
    changes = site.runtime.changes
    reads, check_s = changes.reads, changes.check_s
    changes.check_s = 0.5
    try:
        time.sleep(0.6)
        assert changes.peek() is None  # due: the next request reads it again
        full, fast = compare(site, token, settle=False)
        assert full.status_code == 200 and fast and changes.reads > reads
    finally:
        changes.check_s = check_s


def test_from_an_authorized_origin_with_its_cors_headers(site: Site) -> None:
    full, fast = compare(site, site.token(), Origin=APP_A)
    assert full.status_code == 200 and full.headers["Access-Control-Allow-Origin"] == APP_A
    assert fast


def test_an_origin_authorized_by_another_organization_is_refused(site: Site) -> None:
    token = site.token()
    assert compare(site, token)[1]  # the answer is cached for this token
    full, fast = compare(site, token, settle=False, Origin=APP_B)
    assert full.status_code == 403 and full.json()["code"] == "origin_not_authorized"
    assert not fast


def test_an_expired_token_is_refused_though_it_was_verified_before(site: Site) -> None:
    secret = site.runtime.signing_secret(site.org_id)
    assert secret is not None
    key_id = site.tokens_key.rsplit("_", 1)[0]
    token, expires = mint_token(
        secret,
        key_id=key_id,
        org_id=site.org_id,
        user_id="alice",
        attributes=ALICE,
        ai_context_clues=None,
        permissions=Permissions(),
        expires_in=60,
        now=datetime.now(UTC) - timedelta(seconds=57),
    )
    assert compare(site, token)[1]  # verified, remembered, its answer cached
    time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.2)
    full, fast = compare(site, token, settle=False)
    assert full.status_code == 401 and full.json()["code"] == "token_expired"
    assert not fast


def test_a_token_with_a_bad_signature_is_refused(site: Site) -> None:
    token = site.token()
    assert compare(site, token)[1]
    head, claims, signature = token.split(".")
    forged = f"{head}.{claims}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    full, fast = compare(site, forged, settle=False)
    assert full.status_code == 401 and full.json()["code"] == "invalid_token"
    assert not fast


def test_a_token_of_a_revoked_key_is_refused(site: Site) -> None:
    r = site.admin("POST", "/api-keys", json={"name": "soon revoked", "scopes": ["tokens"]})
    assert r.status_code == 201, r.text
    token = site.token(key=r.json()["secret"])
    assert compare(site, token)[1]
    assert site.admin("POST", f"/api-keys/{r.json()['id']}/revoke").status_code == 200
    full, fast = compare(site, token, settle=False)
    assert full.status_code == 401 and full.json()["code"] == "token_revoked"
    assert not fast


def test_another_user_gets_their_own_answer_not_the_cached_one(site: Site) -> None:
    alice, _ = compare(site, site.token())
    bob, fast = compare(site, site.token({"location": ["Berlin"], "region": "Berlin"}))
    assert bob.status_code == 200 and fast
    assert {r[0] for r in bob.json()["rows"]} == {"Berlin"}
    assert bob.json()["rows"] != alice.json()["rows"]


def test_a_changed_access_rule_is_applied_at_once(site: Site) -> None:
    token = site.token()
    before, _ = compare(site, token)
    rule = {"conditions": [{"column": "location", "op": "eq", "attribute": "region"}]}
    path = f"/sources/{site.source}/rules/employees"
    assert site.admin("PUT", path, json=rule).status_code == 200
    try:
        after, fast = compare(site, token)
        assert fast and {r[0] for r in after.json()["rows"]} == {"Paris"}
        assert after.json()["rows"] != before.json()["rows"]
    finally:
        assert site.admin("PUT", path, json=RULE).status_code == 200


def test_usage_limits_count_the_fast_paths_answers_and_refuse_alike(site: Site) -> None:
    r = site.admin("PATCH", "/limits", json={"query_per_user_per_minute": 1})
    assert r.status_code == 200
    try:
        token = site.token({"location": ["Paris"], "region": "Limited"})
        # The settling query is this user's one of the minute (its answer cached); the fast
        # path counts the next and refuses it as the route does. Compared up to three times:
        # "Try again in N seconds" says the same N unless a second went by in between.
        for _ in range(3):
            try:
                full, fast = compare(site, token)
                break
            except AssertionError:
                continue
        else:
            pytest.fail("the fast path's answers differed from the route's three times")
        assert full.status_code == 429 and full.json()["code"] == "rate_limited", full.text
        assert fast
    finally:
        site.admin("PATCH", "/limits", json={"query_per_user_per_minute": 0})


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b'{"query": {"table": "employees"', {}, 422),  # malformed JSON
        (b'["not", "an", "object"]', {}, 422),
        (b'{"query": {}, "sql": "SELECT 1"}', {}, 422),
        (b'{"query": {"table": "employees"}, "unknown": 1}', {}, 422),
        (b'{"sql": "SELECT ' + b"1 + " * 8000 + b'1"}', {}, 422),  # SQL over its size limit
        (BODY[:-1] + b" " * 20_000 + b"}", {}, 200),  # a valid spec, body over the fast limit
        (BODY[:-2] + b',"source":"a\\u0000b"}}', {}, 422),  # a NUL character
        (BODY, {"Content-Type": "text/plain"}, None),
        (BODY, {"Authorization": "Basic abc"}, 401),
        (BODY, {"Authorization": "Bearer"}, 401),
        (BODY, {"Authorization": ""}, 401),
    ],
    ids=[
        "malformed",
        "array",
        "both",
        "extra-field",
        "oversized-sql",
        "oversized-body",
        "nul",
        "text-plain",
        "basic-auth",
        "bearer-without-token",
        "no-token",
    ],
)
def test_unusual_requests_take_the_route(
    site: Site, body: bytes, headers: dict[str, str], status: int | None
) -> None:
    token = site.token()
    assert compare(site, token)[1]  # the spec's answer is in the cache
    user = None if "Authorization" in headers else token
    full, fast = compare(site, user, body, settle=False, **headers)
    if status is not None:
        assert full.status_code == status, full.text
    else:
        assert full.status_code >= 400, full.text
    assert not fast


def test_a_refresh_goes_to_the_route_without_being_checked_twice(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh is never a cache hit, so the fast path leaves it to the route at once: the
    route checks the token and the body (once), runs the query and answers as without it."""
    from plotboard.api import fast_path

    checked = []
    real = fast_path.embed_user_in_memory

    def counting(*args: Any) -> Any:
        checked.append(1)
        return real(*args)

    monkeypatch.setattr(fast_path, "embed_user_in_memory", counting)
    token = site.token()
    assert compare(site, token)[1] and checked  # a cached hit is checked and answered
    checked.clear()
    refresh = httpx.Request("POST", "http://x", json={**SPEC, "refresh": True}).content
    before = fast_answers()
    sent = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    answer = httpx.post(site.fast + QUERY, content=refresh, headers=sent)
    assert answer.status_code == 200 and answer.headers["X-Plotboard-Cache"] == "miss"
    assert {r[0] for r in answer.json()["rows"]} == {"Paris", "London"}
    assert fast_answers() == before and not checked
    bad = httpx.post(site.fast + QUERY, content=refresh, headers={**sent, "Authorization": "x"})
    assert bad.status_code == 401  # the route's own check refuses it
