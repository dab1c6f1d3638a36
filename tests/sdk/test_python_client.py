"""plotboard-client (clients/python), sync and async, against a running `plotboard demo`: what it
mints works, and every refusal raises the exception that carries plotboard's answer."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, TypeVar

import httpx
import pytest

import plotboard.client
import plotboard_client
from plotboard_client import (
    AsyncPlotboardClient,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    PlotboardClient,
    PlotboardConnectionError,
    PlotboardError,
    PlotboardTimeoutError,
    ValidationError,
)
from tests.live_server import DemoServer, demo_admin_key

T = TypeVar("T")


def _run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` in a thread of its own: in the whole suite the browser tests' Playwright (sync
    API) keeps an event loop running in the main thread, where asyncio.run() refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()

NORTH = {"region": "North", "location": ["Paris", "London", "Berlin"]}
NOT_A_KEY = "pb_notakey00_" + "0" * 40
REQUEST_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def client(demo_server: DemoServer) -> Iterator[PlotboardClient]:
    # Both scopes: these tests use the admin methods too (the demo's own key only mints tokens).
    with PlotboardClient(demo_server.url, demo_admin_key(demo_server)) as plotboard:
        yield plotboard


def dashboards(demo_server: DemoServer, token: str) -> httpx.Response:
    """What the token's browser gets from the embed API."""
    return httpx.get(
        f"{demo_server.url}/api/v1/embed/dashboards",
        headers={"Authorization": f"Bearer {token}"},
    )


def near(moment: datetime, expected: datetime) -> bool:
    return abs((moment - expected).total_seconds()) < 30


# --- minting and introspection ---------------------------------------------------------------


def test_a_minted_token_carries_the_user_and_works(
    client: PlotboardClient, demo_server: DemoServer
) -> None:
    minted = client.mint_token(
        "alice",
        attributes=NORTH,
        ai_context_clues={"tone": "concise"},
        permissions={"dashboards": "view", "sql": True},
        expires_in=timedelta(minutes=15),
    )
    assert minted.token.count(".") == 2
    assert minted.expires_at.tzinfo is not None
    assert near(minted.expires_at, datetime.now(UTC) + timedelta(minutes=15))
    info = client.introspect_token(minted.token)
    assert info["valid"] is True
    assert info["user_id"] == "alice" and info["attributes"] == NORTH
    assert info["ai_context_clues"] == {"tone": "concise"}
    assert info["permissions"] == {"dashboards": "view", "ai": True, "sql": True}
    assert datetime.fromisoformat(info["expires_at"]) == minted.expires_at
    assert dashboards(demo_server, minted.token).status_code == 200


def test_left_out_options_get_the_servers_defaults(client: PlotboardClient) -> None:
    minted = client.mint_token("bob", attributes=None, expires_in=None)
    assert near(minted.expires_at, datetime.now(UTC) + timedelta(hours=1))
    info = client.introspect_token(minted.token)
    assert info["attributes"] == {} and info["ai_context_clues"] is None
    assert info["permissions"] == {"dashboards": "edit", "ai": True, "sql": False}


def test_an_invalid_token_is_reported_not_raised(client: PlotboardClient) -> None:
    info = client.introspect_token("not-a-token")
    assert info == {"valid": False, "code": "invalid_token", "reason": info["reason"]}


def test_a_typo_in_an_option_fails_before_any_request(client: PlotboardClient) -> None:
    with pytest.raises(TypeError, match="atributes"):
        client.mint_token("alice", atributes=NORTH)  # type: ignore[call-arg]


# --- errors ----------------------------------------------------------------------------------


def test_a_wrong_key_raises_authentication_error(demo_server: DemoServer) -> None:
    with (
        PlotboardClient(demo_server.url, NOT_A_KEY) as plotboard,
        pytest.raises(AuthenticationError) as caught,
    ):
        plotboard.mint_token("alice")
    err = caught.value
    assert err.status == 401 and err.code == "invalid_api_key"
    assert err.detail == err.message == "The API key is not valid."
    assert err.request_id is not None and REQUEST_ID.fullmatch(err.request_id)
    assert err.body == {"detail": err.detail, "code": err.code, "request_id": err.request_id}
    assert str(err) == (
        f"401 invalid_api_key: The API key is not valid. (request id {err.request_id})"
    )
    assert isinstance(err, PlotboardError) and err.errors == []


def test_a_wrong_attribute_raises_validation_error_with_its_field(
    client: PlotboardClient,
) -> None:
    with pytest.raises(ValidationError) as caught:
        client.mint_token("alice", attributes={"regoin": "North", "location": "Paris"})
    err = caught.value
    assert err.status == 422 and err.code == "invalid_attribute"
    fields = {e["field"]: e["message"] for e in err.errors}
    assert set(fields) == {"attributes.regoin", "attributes.location"}
    assert "unknown attribute 'regoin'" in fields["attributes.regoin"]
    assert fields["attributes.location"] == "must be a list of strings, got a string"
    assert err.request_id is not None and REQUEST_ID.fullmatch(err.request_id)


def test_a_field_out_of_range_raises_validation_error(client: PlotboardClient) -> None:
    with pytest.raises(ValidationError) as caught:
        client.mint_token("alice", expires_in=10)
    assert caught.value.code == "invalid_request"
    assert [e["field"] for e in caught.value.errors] == ["expires_in"]


def test_a_tokens_only_key_cannot_use_the_admin_api(
    client: PlotboardClient, demo_server: DemoServer
) -> None:
    key = client.create_api_key("sdk test: tokens only")
    try:
        with (
            PlotboardClient(demo_server.url, key.secret) as limited,
            pytest.raises(PermissionDeniedError) as caught,
        ):
            limited.list_api_keys()
        assert caught.value.status == 403 and caught.value.code == "missing_scope"
    finally:
        client.revoke_api_key(key.id)


def test_revoking_an_unknown_key_raises_not_found(client: PlotboardClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.revoke_api_key("no-such-key")
    assert caught.value.status == 404 and caught.value.code == "not_found"


def test_a_server_that_is_not_there_raises_connection_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused
        with (
            PlotboardClient(f"http://127.0.0.1:{port}", NOT_A_KEY) as plotboard,
            pytest.raises(PlotboardConnectionError) as caught,
        ):
            plotboard.mint_token("alice")
    assert caught.value.status == 0 and caught.value.code == "unreachable"
    assert f"could not reach plotboard at http://127.0.0.1:{port}" in str(caught.value)


def test_a_server_that_does_not_answer_raises_timeout_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()  # accepts connections, never answers
        port = sock.getsockname()[1]
        with (
            PlotboardClient(f"http://127.0.0.1:{port}", NOT_A_KEY, timeout=0.3) as plotboard,
            pytest.raises(PlotboardTimeoutError) as caught,
        ):
            plotboard.mint_token("alice")
    assert caught.value.status == 0 and caught.value.code == "timeout"
    assert "did not answer in time" in str(caught.value)


class _NotPlotboard(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>a web site</html>")

    def log_message(self, *_: object) -> None:
        pass


def test_another_server_at_the_address_is_reported_as_such() -> None:
    server = HTTPServer(("127.0.0.1", 0), _NotPlotboard)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with (
            PlotboardClient(url, NOT_A_KEY) as plotboard,
            pytest.raises(PlotboardError) as caught,
        ):
            plotboard.mint_token("alice")
    finally:
        server.shutdown()
        server.server_close()
    assert caught.value.status == 200 and caught.value.code == "unexpected_response"
    assert "is the client's base_url plotboard's address?" in caught.value.detail


def test_a_bad_address_or_empty_key_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="base_url"):
        PlotboardClient("analytics.example.com", NOT_A_KEY)
    with pytest.raises(ValueError, match="api_key"):
        PlotboardClient("https://analytics.example.com", "")


# --- key rotation and the attribute model (admin scope) ----------------------------------------


def test_rotating_a_key_ends_the_old_keys_tokens(
    client: PlotboardClient, demo_server: DemoServer
) -> None:
    new = client.create_api_key("sdk test: rotation", ["tokens"])
    assert new.secret.startswith("pb_") and new.scopes == ["tokens"] and new.revoked_at is None
    with PlotboardClient(demo_server.url, new.secret) as rotated:
        minted = rotated.mint_token("carol", attributes={"region": "West"})
        assert rotated.introspect_token(minted.token)["valid"] is True
        listed = {k.id: k for k in client.list_api_keys()}
        assert listed[new.id].tokens_minted == 1 and listed[new.id].name == new.name
        revoked = client.revoke_api_key(new.id)
        assert revoked.id == new.id and isinstance(revoked.revoked_at, datetime)
        info = client.introspect_token(minted.token)
        assert info["valid"] is False and info["code"] == "token_revoked"
        assert dashboards(demo_server, minted.token).status_code == 401
        with pytest.raises(AuthenticationError) as caught:
            rotated.mint_token("carol")
        assert caught.value.code == "revoked_api_key"


def test_the_token_attributes_are_listed(client: PlotboardClient) -> None:
    attributes = {a.name: a for a in client.list_token_attributes()}
    assert attributes["region"].type == "string"
    assert attributes["location"].type == "string_list"


# --- async -----------------------------------------------------------------------------------


def test_the_async_client_mints_for_several_users_at_once(demo_server: DemoServer) -> None:
    users = ["ann", "ben", "cid", "dee", "eve"]

    async def run() -> list[tuple[str, plotboard_client.TokenInfo]]:
        async with AsyncPlotboardClient(demo_server.url, demo_server.info["api_key"]) as pb:
            minted = await asyncio.gather(
                *(pb.mint_token(u, attributes={"region": u.upper()}) for u in users)
            )
            infos = await asyncio.gather(*(pb.introspect_token(m.token) for m in minted))
            return [(m.token, i) for m, i in zip(minted, infos, strict=True)]

    results = _run_async(run())
    for user, (token, info) in zip(users, results, strict=True):
        assert info["valid"] is True
        assert info["user_id"] == user and info["attributes"] == {"region": user.upper()}
        assert dashboards(demo_server, token).status_code == 200


def test_the_async_client_raises_the_same_errors(demo_server: DemoServer) -> None:
    async def run() -> None:
        async with AsyncPlotboardClient(demo_server.url, demo_admin_key(demo_server)) as pb:
            with pytest.raises(ValidationError) as caught:
                await pb.mint_token("alice", attributes={"region": 7})
            assert caught.value.code == "invalid_attribute"
            assert caught.value.errors == [
                {"field": "attributes.region", "message": "must be a string, got a number"}
            ]
            key = await pb.create_api_key("sdk test: async")
            assert (await pb.revoke_api_key(key.id)).revoked_at is not None
            assert "region" in {a.name for a in await pb.list_token_attributes()}
        async with AsyncPlotboardClient(demo_server.url, NOT_A_KEY) as bad:
            with pytest.raises(AuthenticationError) as denied:
                await bad.introspect_token("x")
            assert denied.value.code == "invalid_api_key"

    _run_async(run())


# --- plotboard.client, the former home -------------------------------------------------------


def test_plotboard_client_is_the_same_package() -> None:
    assert plotboard.client.PlotboardClient is PlotboardClient
    assert plotboard.client.PlotboardError is PlotboardError
    assert PlotboardClient.create_embed_token is PlotboardClient.mint_token
    with pytest.raises(AttributeError):
        _ = plotboard.client.httpx  # nothing of the package's insides
