"""Password guessing is slowed down by counters in the metadata store: race-free (an attempt is
counted before its password is checked), shared by every app server, and kept per email and
client address so that an attacker's address cannot lock the real admin out of theirs."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from plotboard.app import create_app
from plotboard.auth.sessions import SignInThrottle
from plotboard.errors import PlotboardError
from plotboard.runtime import Runtime
from plotboard.store.models import SignInAttempt, utcnow
from tests.api.conftest import ADMIN_PASSWORD, Org

if TYPE_CHECKING:
    # What starlette's TestClient returns: an httpx2 response once httpx2 is installed (the
    # mcp extra, in dev, brings it), which starlette then prefers to httpx.
    from httpx2 import Response as TestResponse

SESSION = "/api/v1/admin/session"


def client_at(runtime: Runtime, address: str) -> TestClient:
    """A browser at `address`; not entered, so the app's lifespan leaves the runtime open."""
    app = create_app(runtime=runtime)
    return TestClient(app, base_url="http://plotboard.test", client=(address, 40000))


def attempt(client: TestClient, email: str, password: str = "not-the-password") -> TestResponse:
    response: TestResponse = client.post(SESSION, json={"email": email, "password": password})
    return response


def test_parallel_guesses_are_checked_at_most_five_times(org: Org) -> None:
    client = client_at(org.runtime, "203.0.113.7")
    start = threading.Barrier(12)
    statuses: list[int] = []

    def guess() -> None:
        start.wait()
        statuses.append(attempt(client, org.admin_email).status_code)

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = Counter(statuses)
    assert set(counts) <= {401, 429}, counts
    assert counts[401] <= 5 and counts[429] >= 7, counts


def test_servers_sharing_a_store_share_the_count(org: Org) -> None:
    # A second app server: its own process state, the same metadata store.
    other = Runtime(org.runtime.settings, run_migrations=False)
    try:
        one = client_at(org.runtime, "203.0.113.8")
        two = client_at(other, "203.0.113.8")
        for client in (one, two, one, two, one):
            assert attempt(client, org.admin_email).status_code == 401
        assert attempt(two, org.admin_email).status_code == 429
        # The lock holds for the right password too: the guess is not what is limited.
        assert attempt(one, org.admin_email, ADMIN_PASSWORD).status_code == 429
    finally:
        other.close()


def test_an_attackers_lock_does_not_lock_the_admin_out_elsewhere(org: Org) -> None:
    attacker = client_at(org.runtime, "203.0.113.9")
    statuses = [attempt(attacker, org.admin_email).status_code for _ in range(8)]
    assert statuses == [401] * 5 + [429] * 3
    admin = client_at(org.runtime, "198.51.100.4")
    assert attempt(admin, org.admin_email, ADMIN_PASSWORD).status_code == 200
    # The attacker's address stays locked.
    assert attempt(attacker, org.admin_email, ADMIN_PASSWORD).status_code == 429


def test_guesses_spread_over_many_addresses_are_capped_per_email(org: Org) -> None:
    limit = org.runtime.sign_ins.per_email
    per_address = org.runtime.sign_ins.per_address
    failures = 0
    address = 0
    while failures < limit:
        address += 1
        client = client_at(org.runtime, f"192.0.2.{address}")
        for _ in range(per_address):
            assert attempt(client, org.admin_email).status_code == 401
            failures += 1
    fresh = client_at(org.runtime, "192.0.2.250")
    assert attempt(fresh, org.admin_email).status_code == 429
    assert attempt(fresh, "someone-else@example.com").status_code == 401


def test_a_success_does_not_use_up_the_allowance(org: Org) -> None:
    client = client_at(org.runtime, "203.0.113.10")
    for _ in range(org.runtime.sign_ins.per_email + 5):
        assert attempt(client, org.admin_email, ADMIN_PASSWORD).status_code == 200
    for _ in range(4):
        assert attempt(client, org.admin_email).status_code == 401
    assert attempt(client, org.admin_email, ADMIN_PASSWORD).status_code == 200


def test_429_says_when_to_try_again(org: Org) -> None:
    client = client_at(org.runtime, "203.0.113.11")
    for _ in range(5):
        attempt(client, org.admin_email)
    r = attempt(client, org.admin_email)
    assert r.status_code == 429
    body = r.json()
    assert body["code"] == "too_many_attempts"
    assert body["detail"] == "Too many failed sign-ins for this email. Try again in 5 minutes."
    assert 240 < int(r.headers["Retry-After"]) <= 300


def test_an_ipv6_attacker_cannot_rotate_within_their_network(org: Org) -> None:
    # Anyone with an IPv6 network has billions of addresses: one /64 counts as one address.
    def status(address: str) -> int:
        return attempt(client_at(org.runtime, address), org.admin_email).status_code

    assert [status(f"2001:db8::{n + 1}") for n in range(5)] == [401] * 5
    assert status("2001:db8::99") == 429
    assert status("2001:db8:1::1") == 401


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clocked(runtime: Runtime) -> Iterator[tuple[SignInThrottle, Clock]]:
    clock = Clock()
    yield SignInThrottle(runtime.store.engine, clock=clock), clock


def _rows(runtime: Runtime) -> int:
    with runtime.store.session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(SignInAttempt)) or 0)


def test_the_counters_do_not_grow_without_bound(
    runtime: Runtime, clocked: tuple[SignInThrottle, Clock]
) -> None:
    throttle, clock = clocked
    for n in range(40):
        throttle.reserve(f"sprayed-{n}@example.com", f"198.51.100.{n}")
    assert _rows(runtime) >= 80
    clock.now += timedelta(seconds=throttle.window_s + 120)
    throttle.reserve("late@example.com", "198.51.100.200")
    # Only the late attempt's two counters are left: everything past its window was pruned.
    assert _rows(runtime) == 2


def test_a_window_ends(runtime: Runtime, clocked: tuple[SignInThrottle, Clock]) -> None:
    throttle, clock = clocked
    for _ in range(5):
        throttle.reserve("ends@example.com", "198.51.100.7")
    with pytest.raises(PlotboardError) as refused:
        throttle.reserve("ends@example.com", "198.51.100.7")
    assert refused.value.status == 429
    clock.now += timedelta(seconds=throttle.window_s + 1)
    throttle.reserve("ends@example.com", "198.51.100.7")
