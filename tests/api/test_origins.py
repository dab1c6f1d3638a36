"""Authorized origins: CORS headers only for them, a clear 403 for everyone else."""

from __future__ import annotations

import pytest

from tests.api.conftest import Org

APP = "https://app.customer-one.example"


def _authorize(org: Org, origin: str) -> None:
    r = org.admin("POST", "/origins", json={"origin": origin})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://App.Example.com", "https://app.example.com"),
        ("https://app.example.com/", "https://app.example.com"),
        ("https://app.example.com:443", "https://app.example.com"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_origins_are_normalized(org: Org, given: str, stored: str) -> None:
    r = org.admin("POST", "/origins", json={"origin": given})
    assert r.status_code == 201 and r.json()["origin"] == stored


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("app.example.com", "http:// or https://"),
        ("ftp://app.example.com", "http:// or https://"),
        ("https://app.example.com/dashboard", "origin only"),
        ("https://*.example.com", "wildcards"),
        ("https://", "no host"),
        ("https://app.example.com:99999", "not a valid origin"),
        ("   ", "empty"),
    ],
)
def test_bad_origins_are_refused_with_the_reason(org: Org, given: str, words: str) -> None:
    r = org.admin("POST", "/origins", json={"origin": given})
    assert r.status_code == 422, r.text
    assert words in r.json()["detail"] and r.json()["errors"][0]["field"] == "origin"
    assert org.admin("GET", "/origins").json()["origins"] == []


def test_duplicate_origin_is_a_conflict(org: Org) -> None:
    _authorize(org, APP)
    r = org.admin("POST", "/origins", json={"origin": APP + "/"})
    assert r.status_code == 409


def test_preflight_from_an_authorized_origin(org: Org) -> None:
    _authorize(org, APP)
    r = org.client.options(
        "/api/v1/embed/dashboards",
        headers={
            "Origin": APP,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == APP
    assert "Authorization" in r.headers["access-control-allow-headers"]
    assert "PUT" in r.headers["access-control-allow-methods"]


def test_requests_from_an_authorized_origin_get_cors_headers(org: Org) -> None:
    _authorize(org, APP)
    r = org.embed(org.token(), "GET", "/dashboards", headers={"Origin": APP})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == APP
    assert "Origin" in r.headers["vary"]


def test_unknown_origin_is_refused_with_no_cors_headers(org: Org) -> None:
    evil = "https://evil.example"
    pre = org.client.options(
        "/api/v1/embed/dashboards",
        headers={"Origin": evil, "Access-Control-Request-Method": "GET"},
    )
    assert pre.status_code == 403 and "access-control-allow-origin" not in pre.headers
    r = org.embed(org.token(), "GET", "/dashboards", headers={"Origin": evil})
    assert r.status_code == 403 and "access-control-allow-origin" not in r.headers
    assert "not authorized" in r.json()["detail"] and "Authorized origins" in r.json()["detail"]


def test_origin_of_another_organization_is_refused(org: Org, other_org: Org) -> None:
    theirs = "https://app.other-customer.example"
    _authorize(other_org, theirs)
    r = org.embed(org.token(), "GET", "/dashboards", headers={"Origin": theirs})
    assert r.status_code == 403 and r.json()["code"] == "origin_not_authorized"
    ok = other_org.embed(other_org.token(), "GET", "/dashboards", headers={"Origin": theirs})
    assert ok.status_code == 200


def test_removing_an_origin_takes_effect(org: Org) -> None:
    _authorize(org, APP)
    origin_id = org.admin("GET", "/origins").json()["origins"][0]["id"]
    assert org.admin("DELETE", f"/origins/{origin_id}").status_code == 204
    r = org.embed(org.token(), "GET", "/dashboards", headers={"Origin": APP})
    assert r.status_code == 403


def test_server_side_calls_and_same_origin_pages_need_no_authorization(org: Org) -> None:
    token = org.token()
    assert org.embed(token, "GET", "/dashboards").status_code == 200
    own = org.embed(token, "GET", "/dashboards", headers={"Origin": "http://plotboard.test"})
    assert own.status_code == 200 and "access-control-allow-origin" not in own.headers


def test_admin_api_sends_no_cors_headers(org: Org) -> None:
    _authorize(org, APP)
    r = org.admin("GET", "/origins", headers={"Origin": APP})
    assert "access-control-allow-origin" not in r.headers
