"""Hostile JSON values into the embed API: each gets a 4xx with plotboard's error shape, never a
500 (#9.7).

Python's `json` reads `"\\udfff"` (a lone UTF-16 surrogate), `1e400` (infinity), `NaN` and
integers of any size; none of them can be stored, bound to a query or written back as JSON, so
the API must refuse them where they come in. The specific cases come first, then a property
test that throws generated hostile values into every field of the embed endpoints' bodies.
"""

from __future__ import annotations

import json
import select
import socket
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plotboard.app import create_app
from plotboard.auth.embed_tokens import ALGORITHM, AUDIENCE, ISSUER
from plotboard.demo.data import generate_demo_database
from plotboard.usage import UsageLimits
from tests.api.conftest import Org
from tests.api.test_fast_path import _serve

COUNT_EMPLOYEES: dict[str, Any] = {"table": "employees", "measures": [{"agg": "count"}]}


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "demo.sqlite"
    generate_demo_database(path)
    return path


@pytest.fixture
def source(org: Org, demo_db: Path) -> str:
    r = org.admin(
        "POST",
        "/sources",
        json={"name": "Demo", "connection": {"kind": "sqlite", "path": str(demo_db)}},
    )
    assert r.status_code == 201, r.text
    source_id: str = r.json()["id"]
    return source_id


def _raw(org: Org, method: str, path: str, text: str, bearer: str) -> Any:
    """Send `text` as the JSON body byte for byte (an escape like `\\udfff` stays an escape)."""
    return org.client.request(
        method,
        path,
        content=text.encode(),
        headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"},
    )


def _assert_clear_4xx(response: Any, status: int | None = None) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    if status is not None:
        assert response.status_code == status, response.text[:500]
    body: dict[str, Any] = json.loads(response.content.decode("utf-8"))
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    assert "Traceback" not in response.text and "File \"" not in response.text
    return body


def test_a_huge_dashboard_version_is_a_422(org: Org) -> None:
    token = org.token()
    created = org.embed(token, "POST", "/dashboards", json={}).json()
    r = _raw(
        org,
        "PUT",
        f"/api/v1/embed/dashboards/{created['id']}",
        '{"title": "x", "version": 10000000000000000000000}',
        token,
    )
    body = _assert_clear_4xx(r, 422)
    assert body["errors"][0]["field"] == "version"
    got = org.embed(token, "GET", f"/dashboards/{created['id']}").json()
    assert got["version"] == 1 and got["title"] == created["title"]


def test_a_lone_surrogate_in_a_filter_value_is_a_422(org: Org, source: str) -> None:
    spec = (
        '{"query": {"table": "employees", "measures": [{"agg": "count"}],'
        ' "filters": [{"column": "location", "op": "eq", "value": "\\udfff"}]}}'
    )
    body = _assert_clear_4xx(_raw(org, "POST", "/api/v1/embed/query", spec, org.token()), 422)
    assert body["errors"][0]["field"] == "filters[0].value"
    assert "text" in body["detail"]


@pytest.mark.parametrize(
    "value",
    ["100000000000000000000000", "-100000000000000000000000", "1e400", "NaN", "-Infinity"],
)
def test_numbers_no_database_can_take_are_refused_in_filters(
    org: Org, source: str, value: str
) -> None:
    spec = (
        '{"query": {"table": "employees", "measures": [{"agg": "count"}],'
        f' "filters": [{{"column": "salary", "op": "gt", "value": {value}}}]}}}}'
    )
    body = _assert_clear_4xx(_raw(org, "POST", "/api/v1/embed/query", spec, org.token()), 422)
    assert body["errors"][0]["field"] == "filters[0].value"


@pytest.mark.parametrize(
    "body",
    [
        '{"user_id": "u", "attributes": {"tier": 1, "region": "\\udfff"}}',
        '{"user_id": "u", "attributes": {"tier": 1, "location": ["Paris", "\\ud800"]}}',
        '{"user_id": "u", "attributes": {"tier": 100000000000000000000000}}',
        '{"user_id": "u", "attributes": {"tier": 1, "team_ids": [1, 1e400]}}',
        '{"user_id": "u", "attributes": {"tier": 1, "re\\udfffgion": "North"}}',
        '{"user_id": "u\\udfff", "attributes": {"tier": 1}}',
        '{"user_id": "u", "attributes": {"tier": 1}, "ai_context_clues": "\\udfff"}',
        '{"user_id": "u", "attributes": {"tier": 1}, "ai_context_clues": {"a\\udfff": "b"}}',
        '{"user_id": "u", "attributes": {"tier": 1}, "expires_in": 100000000000000000000000}',
    ],
)
def test_minting_refuses_what_a_query_could_not_use(org: Org, body: str) -> None:
    r = _raw(org, "POST", "/api/v1/embed/tokens", body, org.tokens_key)
    problem = _assert_clear_4xx(r, 422)
    assert problem["errors"], problem


def test_a_lone_surrogate_in_an_attribute_name_is_not_echoed_raw(org: Org) -> None:
    r = _raw(
        org,
        "POST",
        "/api/v1/embed/tokens",
        '{"user_id": "u", "attributes": {"tier": 1, "re\\udfffgion": "North"}}',
        org.tokens_key,
    )
    body = _assert_clear_4xx(r, 422)
    # Shown escaped or replaced, never raw: a raw one would make the answer itself fail.
    field = body["errors"][0]["field"]
    assert field.startswith("attributes.re") and field.endswith("gion"), field
    assert "not valid text" in body["detail"]


def _signed(org: Org, **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "mallory",
        "org": org.id,
        "iat": now,
        "exp": now + 600,
        "attrs": {"tier": 1},
        "perm": {"dashboards": "edit", "ai": True, "sql": False},
        **claims,
    }
    secret = org.runtime.signing_secret(org.id)
    assert secret
    return jwt.encode(payload, secret, ALGORITHM, headers={"kid": org.tokens_key_id})


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": 10**20},
        {"exp": 10**13},
        {"iat": -(10**20)},
        {"exp": 1e308},
        {"sub": "\udfff"},
        {"attrs": {"tier": 1, "region": "\udfff"}},
        {"attrs": {"tier": 10**30}},
        {"attrs": {"region": ["a", {"deep": "\ud800"}]}},
        {"ctx": "\udfff"},
    ],
    ids=repr,
)
def test_a_signed_token_with_unusable_claims_is_a_plain_401(
    org: Org, claims: dict[str, Any]
) -> None:
    token = _signed(org, **claims)
    for method, path in (("GET", "/dashboards"), ("POST", "/query")):
        r = org.embed(token, method, path, json={"query": COUNT_EMPLOYEES})
        body = _assert_clear_4xx(r, 401)
        assert body["code"] in ("invalid_token", "token_expired")
    introspected = org.client.post(
        "/api/v1/embed/tokens/introspect",
        json={"token": token},
        headers={"Authorization": f"Bearer {org.tokens_key}"},
    )
    assert introspected.status_code == 200 and introspected.json()["valid"] is False


def test_a_lone_surrogate_anywhere_in_a_dashboard_is_a_422(org: Org) -> None:
    token = org.token()
    for body in (
        '{"tiles": [{"chart": {"type": "bar", "name": "\\udfff"}}]}',
        '{"tiles": [{"chart": {"type": "bar", "\\udfff": 1}}]}',
        '{"tiles": [{"query": {"table": "\\udfff"}}]}',
        '{"filters": [{"column": "region", "value": ["\\ud800"]}]}',
        '{"tiles": [{"title": "\\udfff"}]}',
        '{"tiles": [{"chart": {"type": "bar", "max": 1e400}}]}',
        '{"tiles": [{"chart": {"type": "bar", "max": NaN}}]}',
        '{"tiles": [{"chart": {"type": "bar", "max": 100000000000000000000000}}]}',
    ):
        _assert_clear_4xx(_raw(org, "POST", "/api/v1/embed/dashboards", body, token), 422)
    assert org.embed(token, "GET", "/dashboards").json()["dashboards"] == []


def test_a_lone_surrogate_in_the_tile_an_ai_follow_up_refines_is_a_422(
    org: Org, source: str
) -> None:
    token = org.token()
    asked = org.embed(token, "POST", "/ai/ask", json={"question": "headcount"})
    assert asked.status_code == 200, asked.text
    spec = {**COUNT_EMPLOYEES, "filters": [{"column": "location", "op": "in", "value": ["@"]}]}
    tile = {"title": "t", "chart": {"type": "bar"}, "query": spec}
    conversation = asked.json()["conversation_id"]
    text = json.dumps({"question": "by department", "conversation_id": conversation, "tile": tile})
    body = text.replace('"@"', '"\\udfff"')
    problem = _assert_clear_4xx(_raw(org, "POST", "/api/v1/embed/ai/ask", body, token), 422)
    assert problem["errors"][0]["field"].startswith("tile.")


# --- property: generated hostile values into every field --------------------------------------

HUGE = 10**22
HOSTILE_SCALARS: list[Any] = [
    HUGE,
    -HUGE,
    2**63,
    -(2**63) - 1,
    1e308,
    float("nan"),
    float("inf"),
    float("-inf"),
    "\udfff",
    "\ud800",
    "a\udc00b",
    "x" * 100_000,
    "",
    "\x00",
    True,
    None,
    -1,
]
_surrogates = st.characters(categories=["Cs"])
_hostile_scalars = st.one_of(
    st.sampled_from(HOSTILE_SCALARS),
    st.integers(min_value=2**63) | st.integers(max_value=-(2**63) - 1),
    st.text(_surrogates | st.characters(codec="utf-8"), min_size=1, max_size=8).filter(
        lambda t: any(0xD800 <= ord(c) <= 0xDFFF for c in t)
    ),
)
_hostile_keys = st.sampled_from(["type", "\udfff", "a\ud800", "x" * 300])


def _nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for i in range(depth):
        value = {"k": value} if i % 2 else [value]
    return value


_hostile = st.one_of(
    _hostile_scalars,
    st.lists(_hostile_scalars, min_size=1, max_size=3),
    st.dictionaries(_hostile_keys, _hostile_scalars | st.just(1), min_size=1, max_size=2),
    st.builds(_nested, st.sampled_from([20, 200, 900]), _hostile_scalars),
)


def _dump(value: Any) -> str:
    # allow_nan writes NaN / Infinity, which Python's json (and so the server) reads back.
    return json.dumps(value, allow_nan=True)


def _set(body: Any, path: tuple[str | int, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(body, list):
        copy_list = list(body)
        copy_list[int(head)] = _set(copy_list[int(head)], rest, value)
        return copy_list
    copy = dict(body)
    copy[head] = _set(copy.get(head, {}), rest, value)
    return copy


def _paths(body: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every leaf of `body` a value can replace, and two keys to add to each object: one
    unknown, one that is not valid text."""
    if isinstance(body, dict):
        out: list[tuple[str | int, ...]] = [(*prefix, "unknown"), (*prefix, "\udfff")]
        for key, value in body.items():
            out.extend(_paths(value, (*prefix, key)))
        return out
    if isinstance(body, list):
        return [p for i, value in enumerate(body) for p in _paths(value, (*prefix, i))]
    return [prefix]


TILE: dict[str, Any] = {
    "id": "t1",
    "title": "Headcount",
    "query": {
        "table": "employees",
        "measures": [{"agg": "count"}],
        "dimensions": [{"column": "location", "grain": None}],
        "filters": [
            {"column": "salary", "op": "gt", "value": 1},
            {"column": "location", "op": "in", "value": ["Paris", "Tokyo"]},
        ],
        "order_by": [{"by": "count", "desc": True}],
        "limit": 10,
    },
    "chart": {"type": "bar", "options": {"stack": True, "colors": ["#123456"]}},
    "layout": {"x": 0, "y": 0, "w": 6, "h": 4},
}
DASHBOARD: dict[str, Any] = {
    "title": "Hostile",
    "tiles": [TILE],
    "filters": [{"column": "location", "value": ["Paris"]}],
}
QUERY: dict[str, Any] = {"source": None, "query": TILE["query"], "refresh": False}
ASK: dict[str, Any] = {
    "question": "by department",
    "conversation_id": None,
    "source": None,
    "tile": {"title": "Headcount", "query": TILE["query"], "chart": {"type": "bar"}},
}
MINT: dict[str, Any] = {
    "user_id": "alice",
    "attributes": {
        "region": "North",
        "location": ["Paris"],
        "tier": 1,
        "is_manager": False,
        "team_ids": [1, 2],
    },
    "ai_context_clues": {"team": "sales"},
    "permissions": {"dashboards": "edit", "ai": True, "sql": False},
    "expires_in": 600,
}


class _Endpoints:
    """One organization with a source, a dashboard and a conversation, made once per test."""

    def __init__(self, org: Org, source: str) -> None:
        self.org = org
        self.token = org.token("alice", permissions={"sql": True})
        self.source = source
        # A rule that reads an attribute, so a minted value that a query cannot bind shows.
        ruled = org.admin(
            "PUT",
            f"/sources/{source}/rules/employees",
            json={"conditions": [{"column": "location", "op": "in", "attribute": "location"}]},
        )
        assert ruled.status_code == 200, ruled.text
        made = org.embed(self.token, "POST", "/dashboards", json=DASHBOARD)
        assert made.status_code == 201, made.text
        self.dashboard = made.json()["id"]
        asked = org.embed(self.token, "POST", "/ai/ask", json={"question": "headcount"})
        assert asked.status_code == 200, asked.text
        self.conversation = asked.json()["conversation_id"]

    def send(self, method: str, path: str, body: Any, bearer: str | None = None) -> Any:
        return _raw(self.org, method, path, _dump(body), bearer or self.token)


_FAST = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400:
        _assert_clear_4xx(response)


def _case(base: dict[str, Any]) -> st.SearchStrategy[tuple[tuple[str | int, ...], Any]]:
    return st.tuples(st.sampled_from(_paths(base)), _hostile)


@pytest.fixture
def endpoints(org: Org, source: str) -> _Endpoints:
    # These tests fuzz the inputs, not the usage limits: every example must reach the route.
    off = dict.fromkeys(UsageLimits.model_fields, 0)
    assert org.admin("PATCH", "/limits", json=off).status_code == 200
    return _Endpoints(org, source)


@_FAST
@given(case=_case(DASHBOARD))
def test_property_dashboard_create_never_fails_on_input(
    endpoints: _Endpoints, case: tuple[tuple[str | int, ...], Any]
) -> None:
    path, value = case
    _check(endpoints.send("POST", "/api/v1/embed/dashboards", _set(DASHBOARD, path, value)))


@_FAST
@given(case=_case({**DASHBOARD, "version": 1, "id": "x", "created_at": "2026-01-01T00:00:00Z"}))
def test_property_dashboard_update_never_fails_on_input(
    endpoints: _Endpoints, case: tuple[tuple[str | int, ...], Any]
) -> None:
    path, value = case
    base = {**DASHBOARD, "version": 1}
    url = f"/api/v1/embed/dashboards/{endpoints.dashboard}"
    _check(endpoints.send("PUT", url, _set(base, path, value)))


@_FAST
@given(case=_case(QUERY))
def test_property_query_never_fails_on_input(
    endpoints: _Endpoints, case: tuple[tuple[str | int, ...], Any]
) -> None:
    path, value = case
    body = _set({**QUERY, "source": endpoints.source}, path, value)
    _check(endpoints.send("POST", "/api/v1/embed/query", body))


@_FAST
@given(case=_case(ASK))
def test_property_ai_ask_never_fails_on_input(
    endpoints: _Endpoints, case: tuple[tuple[str | int, ...], Any]
) -> None:
    path, value = case
    base = {**ASK, "conversation_id": endpoints.conversation, "source": endpoints.source}
    _check(endpoints.send("POST", "/api/v1/embed/ai/ask", _set(base, path, value)))


@_FAST
@given(case=_case(MINT))
def test_property_token_mint_never_fails_on_input(
    endpoints: _Endpoints, case: tuple[tuple[str | int, ...], Any]
) -> None:
    path, value = case
    response = endpoints.send(
        "POST", "/api/v1/embed/tokens", _set(MINT, path, value), endpoints.org.tokens_key
    )
    _check(response)
    if response.status_code == 201:
        # What minting accepts, every query of that user must be able to use.
        token = response.json()["token"]
        _check(endpoints.send("POST", "/api/v1/embed/query", {"query": COUNT_EMPLOYEES}, token))
        _check(endpoints.send("GET", "/api/v1/embed/dashboards", None, token))


# --- NUL characters: valid JSON and URLs, but PostgreSQL text can't hold them ------------------

_NUL_BODIES = [
    ("POST", "/api/v1/embed/dashboards", '{"title": "a\\u0000b"}', "title"),
    ("POST", "/api/v1/embed/dashboards", '{"tiles": [{"chart": {"type": "bar", "k\\u0000": 1}}]}',
     "tiles[0].chart.k\\u0000"),
    ("POST", "/api/v1/embed/query",
     '{"query": {"table": "employees", "measures": [{"agg": "count"}], "filters": '
     '[{"column": "location", "op": "eq", "value": "\\u0000"}]}}', "query.filters[0].value"),
    ("POST", "/api/v1/embed/ai/ask", '{"question": "headcount\\u0000"}', "question"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), _NUL_BODIES,
                         ids=[b[3] for b in _NUL_BODIES])
def test_a_nul_character_in_a_body_is_a_422_naming_the_field(
    org: Org, source: str, method: str, path: str, body: str, field: str
) -> None:
    token = org.token()
    problem = _assert_clear_4xx(_raw(org, method, path, body, token), 422)
    assert problem["errors"][0]["field"] == field, problem
    assert "NUL" in problem["detail"]
    assert org.embed(token, "GET", "/dashboards").json()["dashboards"] == []
    # Escaped, it is text like any other: a backslash, then "u0000".
    if path.endswith("/dashboards"):
        made = _raw(org, method, path, body.replace("\\u0000", "\\\\u0000"), token)
        assert made.status_code == 201, made.text


def test_a_nul_character_in_an_admin_body_is_a_422(org: Org, source: str) -> None:
    for method, path, body in (
        ("PATCH", f"/sources/{source}", '{"name": "a\\u0000"}'),
        ("PATCH", f"/sources/{source}/tables/employees", '{"description": "\\u0000"}'),
        ("PUT", "/ai-settings", '{"engine": "builtin", "context_clues": "\\u0000"}'),
        ("POST", "/token-attributes", '{"name": "x\\u0000", "type": "string"}'),
        ("POST", "/api-keys", '{"name": "\\u0000", "scopes": ["tokens"]}'),
    ):
        r = org.client.request(
            method, f"/api/v1/admin{path}", content=body.encode(),
            headers={"Authorization": f"Bearer {org.admin_key}",
                     "Content-Type": "application/json"})
        _assert_clear_4xx(r, 422)
    assert org.admin("GET", f"/sources/{source}").json()["name"] == "Demo"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/embed/dashboards/a%00b", "/api/v1/embed/dashboards/a%00b/versions",
     "/api/v1/embed/ai/conversations/a%00b", "/api/v1/admin/sources/a%00b",
     "/api/v1/admin/starters/a%00b", "/api/v1/admin/analyze/a%00b"],
)
def test_a_nul_character_in_a_path_or_query_is_a_4xx(org: Org, path: str) -> None:
    bearer = org.admin_key if "/admin/" in path else org.token()
    for method in ("GET", "DELETE"):
        r = org.client.request(method, path, headers={"Authorization": f"Bearer {bearer}"})
        assert r.status_code in (404, 405, 422), (r.status_code, r.text[:300])
        if r.status_code != 405:
            _assert_clear_4xx(r)
    r = org.client.get("/api/v1/admin/audit?action=a%00b",
                       headers={"Authorization": f"Bearer {org.admin_key}"})
    _assert_clear_4xx(r, 422)


def test_text_that_only_looks_like_a_nul_is_kept(org: Org, source: str) -> None:
    token = org.token()
    for title in ("100%00 growth", "a\\u0000b"):  # a percent sign; an escaped backslash
        made = org.embed(token, "POST", "/dashboards", json={"title": title})
        assert made.status_code == 201, made.text
        assert org.embed(token, "GET", f"/dashboards/{made.json()['id']}").json()["title"] == title


def _too_large(response: Any) -> None:
    body = _assert_clear_4xx(response, 413)
    assert body["code"] == "request_too_large"
    assert "2,000,000 bytes" in body["detail"]


def test_a_body_over_the_size_limit_is_a_413_before_it_is_read(org: Org, source: str) -> None:
    token = org.token()
    # Declared with Content-Length: refused whatever the route (a query, a save, the AI).
    huge = '{"question": "' + "a" * 2_100_000 + '"}'
    for path in ("/api/v1/query", "/api/v1/embed/dashboards", "/api/v1/embed/ai/ask"):
        _too_large(_raw(org, "POST", path, huge, token))

    # Nothing was written, and the server goes on answering.
    listed = org.embed(token, "GET", "/dashboards").json()
    assert listed["dashboards"] == [] or all(d["title"] != "a" for d in listed["dashboards"])
    ok = org.embed(token, "POST", "/dashboards", json={"title": "After"})
    assert ok.status_code == 201, ok.text


def test_a_chunked_body_is_refused_once_it_passes_the_limit(runtime: Any, org: Org) -> None:
    # Sent without a length (chunked) to a real server: refused as soon as it passes the
    # limit, not read to its end (it would be 200 MB here).
    token = org.token()
    url, server, thread = _serve(create_app(runtime=runtime))
    host, port = url.removeprefix("http://").split(":")
    sent = 0
    answer = b""
    try:
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(
                b"POST /api/v1/embed/dashboards HTTP/1.1\r\nHost: x\r\n"
                b"Authorization: Bearer " + token.encode() + b"\r\n"
                b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b"a" * 1_000_000
            try:
                while sent < 200_000_000 and not select.select([sock], [], [], 0)[0]:
                    sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered and closed while we were still sending
            while b"\r\n\r\n" not in answer:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"request_too_large" in answer or b"content-length" in answer.lower()
    assert sent < 20_000_000, sent


def test_a_dashboard_up_to_its_own_limit_is_not_refused_as_a_request(
    runtime: Any, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A host that allows bigger dashboards gets bigger requests with them: a 2 MB dashboard
    # (over the 2,000,000-byte request default) saves when dashboards may be 3 MB.
    monkeypatch.setattr(runtime.settings, "max_dashboard_bytes", 3_000_000)
    token = org.token()
    tiles = [{"kind": "text", "text": "x" * 20_000} for _ in range(100)]
    body = json.dumps({"title": "Big", "tiles": tiles})
    assert len(body) > 2_000_000
    r = _raw(org, "POST", "/api/v1/embed/dashboards", body, token)
    assert r.status_code == 201, r.text[:300]
    monkeypatch.setattr(runtime.settings, "max_dashboard_bytes", 1_000_000)
    _too_large(_raw(org, "POST", "/api/v1/embed/dashboards", body, token))
