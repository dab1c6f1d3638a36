"""Usage limits on queries, AI questions and token minting: set by the admin, answered with
429 and Retry-After, and shared by every app server (through the metadata store, on SQLite and
PostgreSQL, or through Redis)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy
from fastapi.testclient import TestClient

from plotboard.app import create_app
from plotboard.config import Settings
from plotboard.errors import PlotboardError
from plotboard.runtime import Runtime
from plotboard.store.changes import Generation
from plotboard.usage import UsageLimiter, UsageLimits
from plotboard.usage.store_counters import StoreLeases
from tests.api.conftest import Org
from tests.services import redis_url_or_fail

QUERY = {"source": "no-such-source", "query": {"table": "t", "measures": [{"agg": "count"}]}}


def query(org: Org, token: str, client: TestClient | None = None) -> int:
    c = client or org.client
    r = c.post("/api/v1/embed/query", json=QUERY, headers={"Authorization": f"Bearer {token}"})
    return r.status_code


def set_limits(org: Org, **changes: int) -> None:
    r = org.admin("PATCH", "/limits", json=changes)
    assert r.status_code == 200, r.text


@pytest.fixture
def second_server(org: Org) -> Iterator[TestClient]:
    """Another app server: its own process state, the same metadata store."""
    settings = org.runtime.settings.model_copy(update={"store_change_check_seconds": 0.2})
    other = Runtime(settings, run_migrations=False)
    try:
        yield TestClient(create_app(runtime=other), base_url="http://plotboard.test")
    finally:
        other.close()


def test_the_admin_reads_and_changes_the_limits(org: Org) -> None:
    r = org.admin("GET", "/limits")
    assert r.status_code == 200
    assert r.json()["limits"] == UsageLimits().model_dump() == r.json()["defaults"]
    r = org.admin("PATCH", "/limits", json={"ai_per_user_per_minute": 5, "mint_per_org_at_once": 0})
    assert r.status_code == 200
    assert r.json()["limits"]["ai_per_user_per_minute"] == 5
    assert r.json()["limits"]["mint_per_org_at_once"] == 0
    # Only the limits sent change.
    r = org.admin("PATCH", "/limits", json={"query_per_user_at_once": 3})
    assert r.json()["limits"]["ai_per_user_per_minute"] == 5
    assert org.admin("GET", "/limits").json()["limits"]["query_per_user_at_once"] == 3
    entries = org.admin("GET", "/audit").json()
    assert "limits.changed" in str(entries)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"queries_per_minute": 5}, "queries_per_minute"),
        ({"ai_per_user_per_minute": -1}, "ai_per_user_per_minute"),
        ({"ai_per_user_per_minute": "many"}, "ai_per_user_per_minute"),
    ],
)
def test_a_bad_limit_is_refused_naming_it(org: Org, body: dict[str, object], field: str) -> None:
    r = org.admin("PATCH", "/limits", json=body)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == field
    assert field in r.json()["detail"]
    assert org.admin("GET", "/limits").json()["limits"] == UsageLimits().model_dump()


def test_queries_past_the_users_rate_get_429_with_retry_after(org: Org) -> None:
    set_limits(org, query_per_user_per_minute=3)
    alice, bob = org.token("alice"), org.token("bob")
    assert [query(org, alice) for _ in range(3)] == [404] * 3  # counted, then answered
    r = org.client.post(
        "/api/v1/embed/query", json=QUERY, headers={"Authorization": f"Bearer {alice}"}
    )
    assert r.status_code == 429
    assert r.json()["code"] == "rate_limited"
    assert "Too many queries for this user: the limit is 3 a minute" in r.json()["detail"]
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert query(org, bob) == 404  # another user has their own allowance


def test_the_organizations_rate_covers_all_its_users(org: Org, other_org: Org) -> None:
    set_limits(org, query_per_org_per_minute=4)
    statuses = [query(org, org.token(f"user{i}")) for i in range(6)]
    assert statuses == [404] * 4 + [429] * 2
    assert query(other_org, other_org.token("alice")) == 404  # another organization is apart


def test_two_servers_share_the_count(org: Org, second_server: TestClient) -> None:
    set_limits(org, query_per_user_per_minute=4)
    token = org.token("alice")
    statuses = [query(org, token, c) for c in (org.client, second_server) * 3]
    assert statuses == [404] * 4 + [429] * 2


def test_a_change_reaches_the_other_server(org: Org, second_server: TestClient) -> None:
    token = org.token("alice")
    assert query(org, token, second_server) == 404
    set_limits(org, query_per_user_per_minute=1)
    # The other server sees the store changed within its store_change_check_seconds (0.2).
    deadline = time.monotonic() + 5
    while query(org, token, second_server) != 429:
        assert time.monotonic() < deadline, "the new limit never reached the other server"
        time.sleep(0.2)


def test_minting_is_limited_per_api_key(org: Org) -> None:
    set_limits(org, mint_per_key_per_minute=2)
    org.token("a")
    org.token("b")
    body = org.mint("c", expect=429, attributes={"tier": 1})
    assert "tokens minted with this API key" in body["detail"]


def test_ai_questions_are_limited_per_user(org: Org) -> None:
    set_limits(org, ai_per_user_per_minute=1)
    token = org.token("alice")
    ask = {"question": "how many?"}
    first = org.embed(token, "POST", "/ai/ask", json=ask)
    assert first.status_code != 429
    second = org.embed(token, "POST", "/ai/ask", json=ask)
    assert second.status_code == 429
    assert "AI questions" in second.json()["detail"]


def test_a_running_query_holds_a_slot_until_it_ends(org: Org, second_server: TestClient) -> None:
    set_limits(org, query_per_user_at_once=1)
    token = org.token("alice")
    # A query of alice's running on another server.
    running = org.runtime.limits.enter("query", org.id, "alice")
    try:
        r = second_server.post(
            "/api/v1/embed/query", json=QUERY, headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 429
        assert r.json()["code"] == "too_many_at_once"
        assert r.headers["Retry-After"] == "1"
        assert query(org, org.token("bob")) == 404
    finally:
        org.runtime.limits.leave(running)
    # Finished requests give their slot back, answered or refused.
    assert [query(org, token, second_server) for _ in range(4)] == [404] * 4


def test_zero_switches_a_limit_off(org: Org) -> None:
    set_limits(org, query_per_user_per_minute=0, query_per_org_per_minute=0)
    token = org.token("alice")
    assert {query(org, token) for _ in range(5)} == {404}


def test_with_no_limit_set_a_request_is_let_through_in_memory(org: Org) -> None:
    """No rate and no concurrency limit for queries: nothing to count or hold, so the ticket
    comes from memory (no thread, no store transaction); any limit set, even on one scope
    only, and the request is counted again once the change is seen."""
    engine = org.runtime.store.engine
    limiter = UsageLimiter(engine, None, Generation(engine, 3600))
    off = {f"query_per_{s}_{k}": 0 for s in ("user", "org") for k in ("per_minute", "at_once")}
    set_limits(org, **off)
    assert limiter.enter_in_memory("query", org.id) is None  # not read yet: go to the store
    limiter.leave(limiter.enter("query", org.id, "alice"))
    begun: list[object] = []
    # Only this thread's transactions: the runtime's background work (pruning, the
    # generation check) shares the engine and may begin one at any moment.
    this_thread = threading.get_ident()

    def on_begin(conn: object) -> None:
        if threading.get_ident() == this_thread:
            begun.append(conn)

    sqlalchemy.event.listen(engine, "begin", on_begin)
    try:
        ticket = limiter.enter_in_memory("query", org.id)
        assert ticket is not None and ticket.leases == []
        assert begun == []
    finally:
        sqlalchemy.event.remove(engine, "begin", on_begin)
    assert limiter.enter_in_memory("ai", org.id) is None  # AI questions keep their limits
    set_limits(org, query_per_org_at_once=5)  # a store change: read again before deciding
    assert limiter.enter_in_memory("query", org.id) is None
    limiter.leave(limiter.enter("query", org.id, "alice"))
    assert limiter.enter_in_memory("query", org.id) is None
    set_limits(org, query_per_org_at_once=0, query_per_user_per_minute=2)
    token = org.token("alice")
    assert [query(org, token) for _ in range(3)] == [404, 404, 429]


# --- the counters themselves, on every backend ---------------------------------------------


@pytest.fixture(params=["store", "redis"])
def limiters(
    request: pytest.FixtureRequest, org: Org
) -> Iterator[tuple[UsageLimiter, UsageLimiter]]:
    """Two servers' limiters: on the test store (SQLite or PostgreSQL) or on Redis."""
    url = redis_url_or_fail() if request.param == "redis" else None
    engine = org.runtime.store.engine
    pair = (
        UsageLimiter(engine, url, Generation(engine, 0)),
        UsageLimiter(engine, url, Generation(engine, 0)),
    )
    yield pair
    for limiter in pair:  # no renewing of slots never given back after the test
        limiter.close()


def test_servers_racing_for_slots_never_overshoot(
    org: Org, limiters: tuple[UsageLimiter, UsageLimiter]
) -> None:
    set_limits(org, ai_per_user_at_once=3, ai_per_user_per_minute=0, ai_per_org_per_minute=0)
    user = uuid.uuid4().hex
    won: list[object] = []
    refused: list[str] = []
    start = threading.Barrier(12)

    def contend(limiter: UsageLimiter) -> None:
        start.wait()
        try:
            won.append(limiter.enter("ai", org.id, user))
        except PlotboardError as err:
            refused.append(err.code)

    threads = [threading.Thread(target=contend, args=(limiters[i % 2],)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 3
    assert refused == ["too_many_at_once"] * 9


def test_racing_servers_count_every_hit(
    org: Org, limiters: tuple[UsageLimiter, UsageLimiter]
) -> None:
    set_limits(org, mint_per_key_per_minute=5, mint_per_key_at_once=0, mint_per_org_at_once=0)
    key = uuid.uuid4().hex
    results: list[str] = []
    start = threading.Barrier(10)

    def mint(limiter: UsageLimiter) -> None:
        start.wait()
        try:
            limiter.enter("mint", org.id, key)
            results.append("ok")
        except PlotboardError as err:
            results.append(err.code)

    threads = [threading.Thread(target=mint, args=(limiters[i % 2],)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok"] * 5 + ["rate_limited"] * 5


def test_a_slot_whose_server_died_expires(org: Org) -> None:
    leases = StoreLeases(org.runtime.store.engine)
    key = f"test:{uuid.uuid4().hex}"
    assert leases.acquire(key, 1, ttl_s=0.3) is not None  # never released: the server died
    assert leases.acquire(key, 1, ttl_s=0.3) is None
    time.sleep(0.4)
    assert leases.acquire(key, 1, ttl_s=0.3) is not None


@pytest.mark.parametrize("backend", ["store", "redis"])
def test_a_running_requests_slot_is_renewed_and_a_killed_servers_comes_back(
    org: Org, backend: str
) -> None:
    set_limits(org, ai_per_user_at_once=1, ai_per_user_per_minute=0, ai_per_org_per_minute=0)
    url = redis_url_or_fail() if backend == "redis" else None
    engine = org.runtime.store.engine
    # Short leases, so that the test waits for a few of them.
    one, two = (
        UsageLimiter(engine, url, Generation(engine, 0), lease_ttl_s=0.6, renew_every_s=0.15)
        for _ in range(2)
    )
    user = uuid.uuid4().hex
    try:
        one.enter("ai", org.id, user)  # a long AI question on server one
        time.sleep(1.2)  # two leases long: renewed, so still held
        with pytest.raises(PlotboardError) as refused:
            two.enter("ai", org.id, user)
        assert refused.value.code == "too_many_at_once"
        one.close()  # server one is killed: its slot is neither given back nor renewed
        time.sleep(0.8)
        two.leave(two.enter("ai", org.id, user))
    finally:
        one.close()
        two.close()


def test_redis_limits_are_shared_by_servers(org: Org) -> None:
    url = redis_url_or_fail()
    settings = Settings(**{**org.runtime.settings.model_dump(), "redis_url": url})
    one, two = Runtime(settings, run_migrations=False), Runtime(settings, run_migrations=False)
    try:
        set_limits(org, query_per_user_per_minute=2)
        clients = [
            TestClient(create_app(runtime=rt), base_url="http://plotboard.test")
            for rt in (one, two)
        ]
        token = org.token(uuid.uuid4().hex)
        assert [query(org, token, c) for c in clients * 2] == [404, 404, 429, 429]
    finally:
        one.close()
        two.close()


def test_without_redis_a_request_takes_one_store_write_and_one_to_leave(org: Org) -> None:
    """A query counts against two windows and takes two slots: one transaction, not six (on
    SQLite every write transaction waits for the one write lock)."""
    set_limits(org, query_per_user_at_once=4, query_per_org_at_once=50)
    engine = org.runtime.store.engine
    limiter = UsageLimiter(engine, None, Generation(engine, 3600))
    # The first request also reads the settings and prunes ended windows (once a minute).
    limiter.leave(limiter.enter("query", org.id, uuid.uuid4().hex))
    begun: list[object] = []
    # Only this thread's transactions: the runtime's background work (pruning, the
    # generation check) shares the engine and may begin one at any moment.
    this_thread = threading.get_ident()

    def on_begin(conn: object) -> None:
        if threading.get_ident() == this_thread:
            begun.append(conn)

    sqlalchemy.event.listen(engine, "begin", on_begin)
    try:
        ticket = limiter.enter("query", org.id, uuid.uuid4().hex)
        assert len(begun) == 1
        assert len(ticket.leases) == 2
        limiter.leave(ticket)
        assert len(begun) == 2
    finally:
        sqlalchemy.event.remove(engine, "begin", on_begin)


def test_a_full_org_slot_gives_back_the_users_slot(org: Org) -> None:
    set_limits(
        org,
        ai_per_user_at_once=1,
        ai_per_org_at_once=1,
        ai_per_user_per_minute=0,
        ai_per_org_per_minute=0,
    )
    limiter = UsageLimiter(org.runtime.store.engine, None, Generation(org.runtime.store.engine, 0))
    alice, bob = uuid.uuid4().hex, uuid.uuid4().hex
    held = limiter.enter("ai", org.id, alice)
    with pytest.raises(PlotboardError) as refused:
        limiter.enter("ai", org.id, bob)  # bob's own slot is free, the organization's is not
    assert refused.value.code == "too_many_at_once"
    assert "organization" in str(refused.value)
    limiter.leave(held)
    # Had bob's user slot stayed taken by the refused request, this would be refused.
    limiter.leave(limiter.enter("ai", org.id, bob))


def test_the_store_counts_the_windows_limits_counts_in_redis(org: Org) -> None:
    """Without Redis the store counts under the keys and window length the `limits` library
    gives the same rate (which it does not import to do so)."""
    from limits import RateLimitItemPerMinute

    from plotboard.usage.limiter import WINDOW_S, _window_key

    for action, scope, ident, per_minute in [
        ("query", "user", f"{org.id}:u-1", 30),
        ("mint", "org", org.id, 1),
        ("ai", "user", "org:ümlaut/with slash", 600),
    ]:
        item = RateLimitItemPerMinute(per_minute, namespace=f"plotboard-{action}-{scope}")
        assert _window_key(action, scope, ident, per_minute) == item.key_for(ident)
        assert item.get_expiry() == WINDOW_S
