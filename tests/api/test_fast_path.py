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

import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
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
from tests.open_sources import open_if_created

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
    settings_path: str = ""  # a server whose fast paths follow the runtime's settings
    other_tokens_key: str = ""
    capped: str = ""  # org B's source: a short time limit and a small row cap

    def admin(self, method: str, path: str, key: str | None = None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {key or self.admin_key}"}
        response = httpx.request(method, f"{self.full}/api/v1/admin{path}", headers=headers, **kw)
        open_if_created(
            method,
            path,
            kw.get("json"),
            response,
            lambda p, body: httpx.patch(f"{self.full}/api/v1/admin{p}", headers=headers, json=body),
        )
        return response

    def token(
        self,
        attributes: dict[str, Any] = ALICE,
        key: str | None = None,
        *,
        sql: bool = False,
        user_id: str = "alice",
    ) -> str:
        r = httpx.post(
            f"{self.full}/api/v1/embed/tokens",
            json={
                "user_id": user_id,
                "attributes": attributes,
                "permissions": {"sql": sql},
            },
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
    servers = [_serve(create_app(runtime=runtime, fast_path=on)) for on in (True, False, None)]
    (org_a, tokens_a, admin_a), (_, tokens_b, admin_b) = keys
    site = Site(runtime, servers[0][0], servers[1][0], org_a, "", tokens_a, admin_a, admin_b)
    site.settings_path, site.other_tokens_key = servers[2][0], tokens_b
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
    capped = {"timeout_seconds": 0.5, "row_cap": 3}
    r = site.admin(
        "POST",
        "/sources",
        key=admin_b,
        json={
            "name": "Capped",
            "connection": {"kind": "sqlite", "path": str(demo)},
            "settings": capped,
        },
    )
    assert r.status_code == 201, r.text
    site.capped = r.json()["id"]
    rule = site.admin("PUT", f"/sources/{site.capped}/rules/employees", key=admin_b, json=RULE)
    assert rule.status_code == 200, rule.text
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


def test_query_answers_are_never_kept_by_a_shared_cache(site: Site) -> None:
    """Rows are per user: every answer says `private, no-store`, the fast path's (cached and
    uncached) as the route's."""
    token = known(site, site.token())
    cached, fast = compare(site, token)
    assert fast and cached.headers["X-Plotboard-Cache"] == "hit"
    body = _spec(table="employees", measures=[{"agg": "count"}])
    ran_fast, ran_full, ran = run_both(site, token, body, empty_cache=True)
    assert ran and ran_full.headers["X-Plotboard-Cache"] == "miss"
    for answer in (cached, ran_fast, ran_full):
        assert answer.headers["Cache-Control"] == "private, no-store"


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


def test_without_the_query_fast_path_a_refresh_goes_to_the_route_checked_once(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With PLOTBOARD_QUERY_FAST_PATH=false a refresh is never a cache hit, so the cached-tile
    fast path leaves it to the route at once: the route checks the token and the body (once),
    runs the query and answers as without it."""
    from plotboard.api import fast_path

    checked = []
    real = fast_path.embed_user_in_memory

    def counting(*args: Any) -> Any:
        checked.append(1)
        return real(*args)

    monkeypatch.setattr(fast_path, "embed_user_in_memory", counting)
    monkeypatch.setattr(site.runtime.settings, "query_fast_path", False)
    token = site.token()
    assert compare(site, token)[1] and checked  # a cached hit is checked and answered
    checked.clear()
    sent = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    hits, ran = fast_answers(), fast_runs()
    cached = httpx.post(site.settings_path + QUERY, content=BODY, headers=sent)
    assert cached.status_code == 200 and cached.headers["X-Plotboard-Cache"] == "hit"
    assert fast_answers() == hits + 1 and checked  # this server's cached fast path is on
    checked.clear()
    answer = httpx.post(site.settings_path + QUERY, content=REFRESH, headers=sent)
    assert answer.status_code == 200 and answer.headers["X-Plotboard-Cache"] == "miss"
    assert {r[0] for r in answer.json()["rows"]} == {"Paris", "London"}
    assert fast_answers() == hits + 1 and fast_runs() == ran and not checked
    bad = httpx.post(
        site.settings_path + QUERY, content=REFRESH, headers={**sent, "Authorization": "x"}
    )
    assert bad.status_code == 401  # the route's own check refuses it
    # The same server, the setting back on: the refresh is run by the fast path.
    monkeypatch.setattr(site.runtime.settings, "query_fast_path", True)
    answer = httpx.post(site.settings_path + QUERY, content=REFRESH, headers=sent)
    assert answer.status_code == 200 and fast_runs() == ran + 1


# Uncached tiles (and refreshes): run by the fast path itself, as the route runs them.
#
# Each case asks the fast-path server, then the full route, the same request with the same
# request id, the result cache emptied before each when the case is about a miss; the answers
# must be the same but for the time the query took (`elapsed_ms`, and the Content-Length that
# follows from it) and a 500's incident number (random). The fast path's "ran" counter says
# whether it took the request. A fast path that skipped the usage limit, the access rules,
# the caps or the error handling would answer differently from the route, or let the next
# request through.

REFRESH = httpx.Request("POST", "http://x", json={**SPEC, "refresh": True}).content
_VARYING = re.compile(rb'"elapsed_ms":[0-9.eE+-]+|incident [0-9a-f]{10}')


def fast_runs() -> float:
    return REGISTRY.get_sample_value("plotboard_query_fast_path_ran_total") or 0.0


def _same(body: bytes) -> bytes:
    return _VARYING.sub(b"<varies>", body)


def run_both(
    site: Site,
    token: str | None,
    body: bytes = REFRESH,
    *,
    empty_cache: bool = False,
    **headers: str,
) -> tuple[httpx.Response, httpx.Response, bool]:
    """The fast-path server's and the full route's answers (checked the same, but for what
    varies), and whether the fast path ran the query itself."""
    sent = {"Content-Type": "application/json", **headers}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    sent["X-Request-ID"] = uuid.uuid4().hex
    cache = site.runtime.queries.cache
    if empty_cache:
        cache.clear()
    before = fast_runs()
    fast = httpx.post(site.fast + QUERY, content=body, headers=sent, timeout=60)
    ran = fast_runs() - before
    if empty_cache:
        cache.clear()
    full = httpx.post(site.full + QUERY, content=body, headers=sent, timeout=60)
    assert fast_runs() - before == ran, "the full server took the fast path"
    assert fast.status_code == full.status_code, (fast.text, full.text)
    assert _same(fast.content) == _same(full.content), (fast.text, full.text)

    def headers_of(r: httpx.Response) -> list[tuple[bytes, bytes]]:
        return [h for h in r.headers.raw if h[0].lower() not in (b"date", b"content-length")]

    assert headers_of(fast) == headers_of(full)
    for r in (fast, full):
        assert int(r.headers["content-length"]) == len(r.content)
    return fast, full, ran == 1


def _spec(**query: Any) -> bytes:
    return httpx.Request("POST", "http://x", json={"query": query}).content


def known(site: Site, token: str) -> str:
    """`token`, verified once (as by an earlier request), so the fast path knows it."""
    site.runtime.tokens.verify(token)
    return token


def test_an_uncached_tile_is_run_by_the_fast_path_and_its_answer_cached(site: Site) -> None:
    token = known(site, site.token())
    body = _spec(
        table="employees",
        measures=[{"agg": "count"}],
        dimensions=[{"column": "location"}],
    )
    fast, full, ran = run_both(site, token, body, empty_cache=True)
    assert ran and full.status_code == 200, full.text
    assert full.headers["X-Plotboard-Cache"] == "miss"
    assert {r[0] for r in fast.json()["rows"]} == {"Paris", "London"}
    # The fast path filled the cache: the next request is a hit, from the cached fast path.
    sent = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    site.runtime.queries.cache.clear()
    hits, runs = fast_answers(), fast_runs()
    first = httpx.post(site.fast + QUERY, content=body, headers=sent)
    assert first.headers["X-Plotboard-Cache"] == "miss" and fast_runs() == runs + 1
    second = httpx.post(site.fast + QUERY, content=body, headers=sent)
    assert second.headers["X-Plotboard-Cache"] == "hit" and fast_answers() == hits + 1
    assert second.json()["rows"] == first.json()["rows"]
    assert fast_runs() == runs + 1
    route = httpx.post(site.full + QUERY, content=body, headers=sent)
    assert route.headers["X-Plotboard-Cache"] == "hit" and route.content == second.content


def test_a_refresh_is_run_by_the_fast_path_as_by_the_route(site: Site) -> None:
    token = site.token()
    compare(site, token)  # cached: a refresh runs all the same
    _, full, ran = run_both(site, token)
    assert ran and full.status_code == 200 and full.headers["X-Plotboard-Cache"] == "miss"
    assert {r[0] for r in full.json()["rows"]} == {"Paris", "London"}


def test_uncached_each_user_gets_their_own_rows(site: Site) -> None:
    alice = site.token()
    bob = known(site, site.token({"location": ["Berlin"], "region": "Berlin"}))
    compare(site, alice)  # Alice's answer is cached; Bob's must not be it
    for body in (BODY, REFRESH):
        fast, _, ran = run_both(site, bob, body, empty_cache=body == BODY)
        assert ran and {r[0] for r in fast.json()["rows"]} == {"Berlin"}
        assert "Paris" not in fast.text and "London" not in fast.text
    fast, _, ran = run_both(site, alice)
    assert ran and {r[0] for r in fast.json()["rows"]} == {"Paris", "London"}
    # A changed rule applies to the next query the fast path runs.
    rule = {"conditions": [{"column": "location", "op": "eq", "attribute": "region"}]}
    path = f"/sources/{site.source}/rules/employees"
    assert site.admin("PUT", path, json=rule).status_code == 200
    try:
        known(site, alice)  # a change to the store: the token is checked against it again
        fast, _, ran = run_both(site, alice)
        assert ran and {r[0] for r in fast.json()["rows"]} == {"Paris"}
    finally:
        assert site.admin("PUT", path, json=RULE).status_code == 200


def _samples(site: Site) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    wanted = {
        "plotboard_queries_total",
        "plotboard_query_cache_total",
        "plotboard_query_duration_seconds_count",
        "plotboard_http_requests_total",
        "plotboard_http_request_duration_seconds_count",
    }
    out = {}
    for family in REGISTRY.collect():
        for sample in family.samples:
            if sample.name in wanted:
                out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def _settled(
    site: Site, done: Callable[[dict[Any, float]], bool] = lambda _: True
) -> dict[Any, float]:
    """The samples once no request is being answered and they stop changing (the HTTP
    metrics are counted after an answer is sent, a busy machine may take a while) and `done`
    holds."""
    deadline = time.monotonic() + 20
    last = _samples(site)
    while True:
        time.sleep(0.02)
        now = _samples(site)
        idle = not REGISTRY.get_sample_value("plotboard_http_requests_in_progress")
        if now == last and idle and done(now):
            return now
        assert time.monotonic() < deadline, "the metrics did not settle"
        last = now


def _delta(after: dict[Any, float], before: dict[Any, float]) -> dict[Any, float]:
    return {k: v - before.get(k, 0.0) for k, v in after.items() if v != before.get(k, 0.0)}


UNKNOWN_COLUMN = httpx.Request(
    "POST",
    "http://x",
    json={
        "query": {"table": "employees", "measures": [{"agg": "sum", "column": "nope"}]},
        "refresh": True,
    },
).content


@pytest.mark.parametrize(
    ("body", "status"),
    [(BODY, 200), (REFRESH, 200), (UNKNOWN_COLUMN, 422)],
    ids=["miss", "refresh", "refused"],
)
def test_uncached_metrics_are_counted_as_by_the_route(site: Site, body: bytes, status: int) -> None:
    token = site.token()
    compare(site, token)
    sent = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    counted = []
    answered = (
        "plotboard_http_request_duration_seconds_count",
        (("method", "POST"), ("route", QUERY)),
    )
    for url in (site.fast, site.full):
        site.runtime.queries.cache.clear()
        before, runs = _settled(site), fast_runs()
        r = httpx.post(url + QUERY, content=body, headers=sent)
        assert r.status_code == status, r.text
        assert fast_runs() == runs + (url == site.fast)
        seen = before.get(answered, 0)
        after = _settled(site, lambda now, seen=seen: now.get(answered, 0) > seen)
        counted.append(_delta(after, before))
    assert counted[0] == counted[1]
    names = {name for name, _ in counted[0]}
    assert {"plotboard_queries_total", "plotboard_http_requests_total"} <= names, counted[0]
    assert "plotboard_http_request_duration_seconds_count" in names
    if status == 200:
        assert "plotboard_query_duration_seconds_count" in names
        assert ("plotboard_query_cache_total" in names) == (body == BODY)
    route = dict(next(labels for name, labels in counted[0] if name.startswith("plotboard_http")))
    assert route["route"] == QUERY and route["status"] == str(status)


def test_uncached_from_an_authorized_origin_and_refusals_take_the_route(site: Site) -> None:
    token = site.token()
    compare(site, token)
    _, full, ran = run_both(site, token, Origin=APP_A)
    assert ran and full.status_code == 200
    assert full.headers["Access-Control-Allow-Origin"] == APP_A
    _, full, ran = run_both(site, token, Origin=APP_B)
    assert full.status_code == 403 and full.json()["code"] == "origin_not_authorized"
    assert not ran
    for bad in ("x", token[:-3] + "abc"):
        _, full, ran = run_both(site, None, Authorization=f"Bearer {bad}")
        assert full.status_code == 401 and not ran
    never_seen = site.token()  # not verified yet: the route verifies it (it may read the store)
    _, full, ran = run_both(site, never_seen)
    assert full.status_code == 200 and not ran
    _, full, ran = run_both(site, never_seen)
    assert ran and full.status_code == 200  # verified once, remembered


def test_uncached_usage_limits_are_counted_and_refused_alike(site: Site) -> None:
    r = site.admin("PATCH", "/limits", json={"query_per_user_per_minute": 1})
    assert r.status_code == 200
    sent = {"Content-Type": "application/json"}
    try:
        # The fast path counts its run: the route then refuses the user's second query.
        token = known(site, site.token({"location": ["Paris"]}, user_id="counted"))
        sent["Authorization"] = f"Bearer {token}"
        runs = fast_runs()
        first = httpx.post(site.fast + QUERY, content=REFRESH, headers=sent)
        assert first.status_code == 200 and fast_runs() == runs + 1, first.text
        second = httpx.post(site.full + QUERY, content=REFRESH, headers=sent)
        assert second.status_code == 429 and second.json()["code"] == "rate_limited"
        # And refuses as the route does (the same "Try again in N seconds" unless a second
        # went by in between: compared up to three times).
        for _ in range(3):
            try:
                _, full, ran = run_both(site, token)
                break
            except AssertionError:
                continue
        else:
            pytest.fail("the fast path's 429 differed from the route's three times")
        assert full.status_code == 429 and ran
    finally:
        site.admin("PATCH", "/limits", json={"query_per_user_per_minute": 0})


def test_uncached_slots_are_given_back_after_errors(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One query at a time for this user: each answer, error or not, gives its slot back
    (else the next is refused as 'too many at once')."""
    from plotboard.api.routes import embed_query

    r = site.admin("PATCH", "/limits", json={"query_per_user_at_once": 1})
    assert r.status_code == 200
    try:
        token = site.token({"location": ["Paris"]}, user_id="one-at-a-time")
        compare(site, token)
        for _ in range(3):
            _, full, ran = run_both(site, token)
            assert full.status_code == 200 and ran
        unknown = _spec(table="no_such_table", measures=[{"agg": "count"}])
        for _ in range(3):
            _, full, ran = run_both(site, token, unknown[:-1] + b',"refresh":true}')
            assert full.status_code == 422 and ran, full.text

        def broken(*args: Any, **kw: Any) -> Any:
            raise RuntimeError("a bug, with internals: /secret/path")

        monkeypatch.setattr(embed_query, "run_query", broken)
        for _ in range(2):
            fast, full, ran = run_both(site, token)
            assert full.status_code == 500 and ran
            assert full.json()["code"] == "internal_error" and "secret" not in fast.text
            assert fast.headers["X-Request-ID"] == full.headers["X-Request-ID"]
        monkeypatch.undo()
        _, full, ran = run_both(site, token)
        assert full.status_code == 200 and ran
    finally:
        site.admin("PATCH", "/limits", json={"query_per_user_at_once": 0})


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"table": "no_such_table", "measures": [{"agg": "count"}]}, 422, None),
        ({"table": "employees", "measures": [{"agg": "sum", "column": "nope"}]}, 422, None),
        ({"table": "employees", "measures": [{"agg": "avg"}]}, 422, None),
        ({"table": "employees", "dimensions": [{"column": "location"}], "limit": -1}, 422, None),
    ],
    ids=["unknown-table", "unknown-column", "avg-of-nothing", "negative-limit"],
)
def test_uncached_spec_errors_are_the_routes(
    site: Site, query: dict[str, Any], status: int, code: str | None
) -> None:
    token = site.token()
    compare(site, token)
    refresh = httpx.Request("POST", "http://x", json={"query": query, "refresh": True}).content
    _, full, ran = run_both(site, token, refresh)
    assert full.status_code == status and ran, full.text
    assert set(full.json()) >= {"detail", "code", "request_id"}
    # Not refreshed: never a hit (the memoized check refuses it, or has nothing), so the
    # route or the fast path answers it, the same way.
    _, again, _ = run_both(site, token, _spec(**query))
    assert again.status_code == status
    assert again.json()["code"] == full.json()["code"]


def test_uncached_sql_and_source_refusals_are_the_routes(site: Site) -> None:
    no_sql = site.token()
    compare(site, no_sql)
    sql = httpx.Request(
        "POST", "http://x", json={"sql": "SELECT location FROM employees", "refresh": True}
    ).content
    _, full, ran = run_both(site, no_sql, sql)
    assert full.status_code == 403 and full.json()["code"] == "sql_not_permitted" and ran
    may = site.token(sql=True)
    compare(site, may)
    _, full, ran = run_both(site, may, sql)
    assert full.status_code == 200 and ran
    assert {r[0] for r in full.json()["rows"]} <= {"Paris", "London"}  # the rule applies
    hidden = httpx.Request(
        "POST", "http://x", json={"sql": "SELECT * FROM sqlite_master", "refresh": True}
    ).content
    _, full, ran = run_both(site, may, hidden)
    assert full.status_code in (400, 403, 422) and ran, full.text
    for source in ("nope", site.capped):  # unknown, and another organization's
        body = httpx.Request(
            "POST", "http://x", json={**SPEC, "source": source, "refresh": True}
        ).content
        _, full, ran = run_both(site, no_sql, body)
        assert full.status_code == 404 and ran, full.text
        assert site.capped not in full.text or source == site.capped


def _org_b(site: Site, **kw: Any) -> str:
    return site.token(key=site.other_tokens_key, **kw)


def test_uncached_row_cap_truncates_alike(site: Site) -> None:
    token = _org_b(site)
    body = httpx.Request(
        "POST",
        "http://x",
        json={
            "source": site.capped,
            "query": {"table": "employees", "dimensions": [{"column": "full_name"}]},
            "refresh": True,
        },
    ).content
    known(site, token)
    fast, full, ran = run_both(site, token, body)
    assert full.status_code == 200 and ran, full.text
    answer = fast.json()
    assert answer["truncated"] is True and answer["row_cap"] == 3 and len(answer["rows"]) == 3


def test_uncached_statement_timeout_is_the_routes(site: Site) -> None:
    token = _org_b(site, sql=True)
    slow = (
        "SELECT count(*) FROM employees a CROSS JOIN employees b CROSS JOIN employees c "
        "CROSS JOIN employees d"
    )
    body = httpx.Request(
        "POST", "http://x", json={"source": site.capped, "sql": slow, "refresh": True}
    ).content
    known(site, token)
    started = time.monotonic()
    _, full, ran = run_both(site, token, body)
    assert full.status_code == 504 and full.json()["code"] == "timeout" and ran, full.text
    assert time.monotonic() - started < 30  # stopped, not run to the end


def test_uncached_byte_cap_is_the_routes(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    token = site.token()
    compare(site, token)
    monkeypatch.setattr(site.runtime.settings, "max_answer_bytes", 120)
    _, full, ran = run_both(site, token)
    assert full.status_code == 400 and ran, full.text
    assert full.json()["code"] == "answer_too_large"


def test_a_source_error_is_answered_in_plain_words_alike(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plotboard.query import run
    from plotboard.sources.errors import SourceError

    def unreachable(*args: Any, **kw: Any) -> Any:
        raise SourceError(
            "could not connect to server at 10.0.0.7:5432 as user reporting", "unavailable"
        )

    token = site.token()
    compare(site, token)
    monkeypatch.setattr(run, "execute_for", unreachable)
    fast, full, ran = run_both(site, token)
    assert ran and full.status_code == 503 and full.json()["code"] == "unavailable"
    assert "10.0.0.7" not in fast.text and "reporting" not in fast.text


def test_the_query_fast_path_needs_starlettes_exception_layer_next() -> None:
    """When the layer inside it is not Starlette's ExceptionMiddleware (whose handlers the
    route's errors go through), the fast path does not run queries: the route does."""
    from starlette.middleware.exceptions import ExceptionMiddleware

    from plotboard.api.fast_path import CachedTileFastPath

    async def inner(scope: Any, receive: Any, send: Any) -> None: ...

    def make(app: Any) -> CachedTileFastPath:
        return CachedTileFastPath(
            app, runtime=lambda: None, route=lambda: None, enabled=lambda: True,  # type: ignore[arg-type,return-value]
            run_queries=lambda: True,
        )  # fmt: skip

    scope = {"type": "http"}
    assert make(inner)._handlers(scope) is None
    assert make(ExceptionMiddleware(inner))._handlers(scope) is not None
    assert make(ExceptionMiddleware(inner))._handlers({**scope, "fastapi.telemetry": 1}) is None


# Checks the route has and the fast path does not know: the fast path stands in for the
# route's own checks (the token, the usage-limit slot) and no others, so a dependency added
# around the route (an include's or the app's dependencies, an override) must make it step
# aside, not be skipped.


def _deny() -> None:
    from plotboard.errors import forbidden

    raise forbidden("Refused by a check added around the route.", "added_check")


def _serve_both(site: Site, app_of: Callable[[bool], Any]) -> tuple[list[str], Callable[[], None]]:
    servers = [_serve(app_of(on)) for on in (True, False)]

    def stop() -> None:
        for _, server, thread in servers:
            server.should_exit = True
            thread.join(10)

    return [base for base, _, _ in servers], stop


def _ask_both(
    site: Site, bases: list[str], token: str
) -> tuple[httpx.Response, httpx.Response, float]:
    sent = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    sent["X-Request-ID"] = uuid.uuid4().hex
    before = fast_answers() + fast_runs()
    fast = httpx.post(bases[0] + QUERY, content=REFRESH, headers=sent, timeout=60)
    took = fast_answers() + fast_runs() - before
    full = httpx.post(bases[1] + QUERY, content=REFRESH, headers=sent, timeout=60)
    return fast, full, took


def test_a_dependency_added_around_the_route_is_not_skipped(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The query route included with a dependency of its router's (as an IP allow-list or an
    audit of the embed API would be): the fast path must not answer past it."""
    from fastapi import APIRouter, Depends

    from plotboard.api import answers
    from plotboard.api.routes import embed_query
    from plotboard.api.usage import QueryLimit

    guarded = APIRouter(prefix="/api/v1/embed", dependencies=[Depends(_deny)])
    guarded.add_api_route(
        "/query", embed_query.query, methods=["POST"], operation_id="embed_query",
        response_model=answers.QueryResult, dependencies=[QueryLimit],
    )  # fmt: skip
    monkeypatch.setattr(embed_query, "router", guarded)
    token = known(site, site.token())
    bases, stop = _serve_both(site, lambda on: create_app(runtime=site.runtime, fast_path=on))
    try:
        for _ in range(2):  # a refresh, then the same again (a cached path's candidate too)
            fast, full, took = _ask_both(site, bases, token)
            assert full.status_code == 403 and full.json()["code"] == "added_check", full.text
            assert fast.status_code == 403, fast.text
            assert _same(fast.content) == _same(full.content) and not took
    finally:
        stop()


def test_a_dependency_override_is_not_skipped(site: Site) -> None:
    """`app.dependency_overrides` replacing the token check (a deployment's own check): the
    fast path must not answer with the check it replaced."""
    from plotboard.api.deps import embed_user

    token = known(site, site.token())
    compare(site, token)  # cached, for the cached path too

    def app_of(on: bool) -> Any:
        app = create_app(runtime=site.runtime, fast_path=on)
        app.dependency_overrides[embed_user] = _deny
        return app

    bases, stop = _serve_both(site, app_of)
    try:
        for body in (BODY, REFRESH):
            sent = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            before = fast_answers() + fast_runs()
            fast = httpx.post(bases[0] + QUERY, content=body, headers=sent, timeout=60)
            full = httpx.post(bases[1] + QUERY, content=body, headers=sent, timeout=60)
            assert full.status_code == 403 and full.json()["code"] == "added_check", full.text
            assert fast.status_code == 403, fast.text
            assert fast_answers() + fast_runs() == before
    finally:
        stop()
