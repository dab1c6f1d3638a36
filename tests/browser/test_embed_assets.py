"""Serving the editor's script and chunks, and the gazetteer behind its maps, over real HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from plotboard.api.routes import embed_assets
from plotboard.api.routes.embed_assets import BUNDLE_DIR, AssetStore
from tests.browser.server import HostSite, Plotboard


def world_chunk() -> str:
    names = sorted(p.name for p in (BUNDLE_DIR / "chunks").glob("world-*.js"))
    assert names, "the build makes a lazily loaded world chunk"
    return names[0]


def test_the_entry_script_is_javascript_with_an_etag_and_a_short_cache(
    plotboard: Plotboard,
) -> None:
    url = f"{plotboard.url}/embed/plotboard.js"
    plain = httpx.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert plain.headers["content-type"] == "text/javascript; charset=utf-8"
    assert plain.headers["cache-control"] == "public, max-age=300, must-revalidate"
    assert plain.headers["x-content-type-options"] == "nosniff"
    assert plain.content == (BUNDLE_DIR / "plotboard.js").read_bytes()
    zipped = httpx.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == plain.content  # httpx decodes it
    assert int(zipped.headers["content-length"]) < len(plain.content) / 2
    again = httpx.get(url, headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = httpx.head(url, headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(plain.content)


def test_hashed_chunks_are_cached_for_good(plotboard: Plotboard) -> None:
    name = world_chunk()
    answer = httpx.get(f"{plotboard.url}/embed/chunks/{name}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/javascript; charset=utf-8"
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert answer.content == (BUNDLE_DIR / "chunks" / name).read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/embed/chunks/..%2Fplotboard.js",
        "/embed/chunks/%2e%2e%2f%2e%2e%2fapp.py",
        "/embed/chunks/..",
        "/embed/chunks/.hidden.js",
        "/embed/chunks/missing-0000.js",
        "/embed/../app.py",
        "/embed/chunks/a%5C..%5C..%5Capp.py",
    ],
)
def test_paths_outside_the_bundle_are_not_found(plotboard: Plotboard, path: str) -> None:
    answer = httpx.get(f"{plotboard.url}{path}")
    assert answer.status_code == 404, answer.text
    assert "import" not in answer.text and "def " not in answer.text


def test_a_missing_bundle_says_how_to_build_it(
    plotboard: Plotboard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embed_assets, "assets", AssetStore(tmp_path))
    for path in ("/embed/plotboard.js", f"/embed/chunks/{world_chunk()}"):
        answer = httpx.get(f"{plotboard.url}{path}")
        assert answer.status_code == 503
        body = answer.json()
        assert body["code"] == "bundle_not_built"
        assert "make demo" in body["detail"] and "npm run build" in body["detail"]


def test_the_script_loads_on_any_page_but_the_api_answers_only_authorized_origins(
    plotboard: Plotboard, host: HostSite
) -> None:
    # The script is public code without data: a page not authorized yet loads it, and it then
    # tells the developer to authorize the origin (see test_defects.py) instead of failing blank.
    url = f"{plotboard.url}/embed/plotboard.js"
    for origin in (host.url, "https://evil.example"):
        answer = httpx.get(url, headers={"Origin": origin})
        assert answer.status_code == 200
        assert answer.headers["access-control-allow-origin"] == "*"
    api = f"{plotboard.url}/api/v1/embed/dashboards"
    token = {"Authorization": f"Bearer {plotboard.token('alice')}"}
    allowed = httpx.get(api, headers={"Origin": host.url, **token})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == host.url
    refused = httpx.get(api, headers={"Origin": "https://evil.example", **token})
    assert refused.status_code == 403
    assert refused.json()["code"] == "origin_not_authorized"
    assert "access-control-allow-origin" not in refused.headers


def test_the_gazetteer_places_cities_and_countries(plotboard: Plotboard) -> None:
    token = plotboard.token("alice")
    answer = plotboard.embed(
        token, "GET", "/geo", params={"names": "Paris,Tokyo,Nowhere-at-all", "kind": "city"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "private, max-age=86400"
    places = answer.json()["places"]
    assert places["Nowhere-at-all"] is None
    paris, tokyo = places["Paris"], places["Tokyo"]
    assert paris["country_code"] == "FR" and paris["country_numeric"] == "250"
    assert abs(paris["lat"] - 48.85) < 0.1 and abs(paris["lon"] - 2.35) < 0.1
    assert tokyo["country"] == "Japan" and tokyo["kind"] == "city"

    cities = plotboard.embed(
        token,
        "GET",
        "/geo",
        params=[("names", n) for n in ("New York", "São Paulo", "Paris, United States")]
        + [("kind", "city")],
    ).json()["places"]
    assert cities["New York"]["country_code"] == "US"
    assert cities["São Paulo"]["country_code"] == "BR"
    assert cities["Paris, United States"]["country_code"] == "US"

    countries = plotboard.embed(
        token, "GET", "/geo", params=[("names", "Germany"), ("names", "UK"), ("kind", "country")]
    ).json()["places"]
    assert countries["Germany"]["kind"] == "country"
    assert countries["Germany"]["country_numeric"] == "276"
    assert countries["UK"]["country_code"] == "GB"


def test_the_gazetteer_needs_a_token_and_bounds_its_input(plotboard: Plotboard) -> None:
    url = f"{plotboard.url}/api/v1/embed/geo"
    assert httpx.get(url, params={"names": "Paris"}).status_code == 401
    token = plotboard.token("alice")
    repeated = plotboard.embed(token, "GET", "/geo", params={"names": ",".join(["x"] * 501)})
    assert repeated.status_code == 200  # the same name 501 times is one name
    many = ",".join(f"place{i}" for i in range(501))
    assert plotboard.embed(token, "GET", "/geo", params={"names": many}).status_code == 422
    assert plotboard.embed(token, "GET", "/geo").status_code == 422
