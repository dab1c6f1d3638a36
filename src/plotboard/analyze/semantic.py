"""Semantic types from a column's name, type, keys and values.

    detect_semantic_type(table, column, profile) -> Detection("currency", 0.85, "...")

The rules, first match wins:

1. keys: primary and foreign keys are `identifier`;
2. booleans: boolean columns, 0/1 integers, and true/false or yes/no text;
3. numbers: latitude/longitude (name and range), postal codes (name), id-like names,
   percentages (rate/pct/percent names with values in 0-1 or 0-100), money (salary, price,
   amount, revenue, cost, ...), years, unique integers (`identifier`), else `measure`;
4. dates and datetimes (also ISO text in SQLite);
5. text: emails, URLs, UUIDs, ISO dates, then places — countries and cities recognised with
   the offline gazetteer (`plotboard.geo`), regions by name or US state names, postal codes and
   addresses by name — then `category` (low cardinality) or `text`.

Every type returned is one of `catalog.store.SEMANTIC_TYPES`. `confidence` (0..1) and
`reason` (one sentence for the admin) come with each detection.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from plotboard.analyze.profile import ColumnProfile
from plotboard.catalog.model import NUMERIC_TYPES, Column, Table

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.I)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_TRUE_FALSE = frozenset({"true", "false", "yes", "no", "y", "n", "t", "f"})

ID_WORDS = frozenset({"id", "uuid", "guid", "key", "pk", "fk", "sku", "ref"})
MONEY_WORDS = frozenset(
    {
        "salary", "salaries", "price", "prices", "amount", "amounts", "revenue", "revenues",
        "cost", "costs", "income", "pay", "wage", "wages", "fee", "fees", "budget", "spend",
        "spending", "profit", "profits", "balance", "tax", "taxes", "payment", "payments",
        "earnings", "sales", "turnover", "usd", "eur", "gbp", "jpy", "dollars", "euros",
        "compensation", "bonus", "expense", "expenses", "gmv", "arr", "mrr", "ltv",
    }
)  # fmt: skip
PERCENT_WORDS = frozenset(
    {"percent", "percentage", "pct", "rate", "ratio", "share", "proportion", "fraction"}
)
LATITUDE_WORDS = frozenset({"lat", "latitude"})
LONGITUDE_WORDS = frozenset({"lon", "lng", "long", "longitude"})
POSTAL_WORDS = frozenset({"zip", "zipcode", "postcode", "postal", "postalcode", "plz"})
COUNTRY_WORDS = frozenset({"country", "countries", "nation", "nationality"})
CITY_WORDS = frozenset({"city", "cities", "town", "municipality", "locality"})
REGION_WORDS = frozenset(
    {"region", "regions", "state", "province", "territory", "county", "district", "zone",
     "area", "continent", "prefecture"}
)  # fmt: skip
BOOLEAN_PREFIXES = frozenset({"is", "has", "can", "was", "should", "allow", "enabled"})
YEAR_WORDS = frozenset({"year", "yr", "fiscal_year"})

CATEGORY_MAX_DISTINCT = 50
PLACES_MIN_SHARE = 0.5  # of the sampled distinct values the gazetteer must know for a region
CATEGORY_MAX_SHARE = 0.02  # or up to 200 values when they repeat a lot


@dataclass(frozen=True)
class Detection:
    semantic_type: str
    confidence: float
    reason: str


def name_words(name: str) -> list[str]:
    """`hireDate` and `hire_date` are both ["hire", "date"]."""
    spaced = _CAMEL.sub("_", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def _share(values: Sequence[str], test: Callable[[str], object]) -> float:
    """The share of `values` for which `test` is truthy."""
    if not values:
        return 0.0
    return sum(1 for v in values if test(v)) / len(values)


def _texts(profile: ColumnProfile | None) -> list[str]:
    if profile is None:
        return []
    out = [str(v).strip() for v in profile.values() if isinstance(v, str) and str(v).strip()]
    for extreme in (profile.min, profile.max):
        if isinstance(extreme, str) and extreme.strip() and extreme.strip() not in out:
            out.append(extreme.strip())
    return out


def _numbers(profile: ColumnProfile | None) -> tuple[float, float] | None:
    if profile is None:
        return None
    low, high = profile.min, profile.max
    if isinstance(low, (int, float)) and isinstance(high, (int, float)):
        return float(low), float(high)
    return None


@cache
def _us_states() -> frozenset[str]:
    from plotboard.geo import fold, us_states

    return frozenset(key for code, name in us_states() for key in (fold(name), fold(code)))


def place_shares(values: Sequence[str]) -> tuple[float, float, float]:
    """Shares of `values` that the gazetteer knows as countries, cities and US states."""
    if not values:
        return 0.0, 0.0, 0.0
    from plotboard.geo import fold, gazetteer

    g = gazetteer()
    countries = _share(values, lambda v: g.country_code(v) is not None)
    cities = _share(values, lambda v: g.lookup(v, kind="city") is not None)
    states = _share(values, lambda v: fold(v) in _us_states())
    return countries, cities, states


def _within(span: tuple[float, float] | None, low: float, high: float) -> bool:
    """True when the column's range is unknown or inside [low, high]."""
    return span is None or (span[0] >= low and span[1] <= high)


def _boolean(column: Column, profile: ColumnProfile | None, words: list[str]) -> Detection | None:
    if column.type == "boolean":
        return Detection("boolean", 0.99, "a boolean column")
    if profile is None or profile.distinct is None or not 1 <= profile.distinct <= 2:
        return None
    hint = bool(words) and (words[0] in BOOLEAN_PREFIXES or words[-1] in ("flag", "yn"))
    values = [v for v in profile.values() if v is not None]
    if column.type == "integer" and values and set(values) <= {0, 1}:
        return Detection("boolean", 0.95 if hint else 0.7, "only the values 0 and 1")
    texts = {str(v).strip().lower() for v in values}
    if column.type == "string" and texts and texts <= _TRUE_FALSE:
        return Detection("boolean", 0.9, "only yes/no or true/false values")
    return None


def _key(table: Table, column: Column) -> Detection | None:
    if column.name in table.primary_key:
        return Detection("identifier", 0.99, "the table's primary key")
    for fk in table.foreign_keys:
        if column.name in fk.columns:
            return Detection("identifier", 0.97, f"a foreign key to {fk.ref_table}")
    return None


def _number(column: Column, profile: ColumnProfile | None, words: list[str]) -> Detection:
    span = _numbers(profile)
    last = words[-1] if words else ""
    if set(words) & LATITUDE_WORDS and _within(span, -90, 90):
        return Detection("latitude", 0.9, "named like a latitude, values within ±90")
    if set(words) & LONGITUDE_WORDS and _within(span, -180, 180):
        return Detection("longitude", 0.9, "named like a longitude, values within ±180")
    if set(words) & POSTAL_WORDS or words[-2:] == ["postal", "code"]:
        return Detection("postal_code", 0.85, "named like a postal code")
    if last in ID_WORDS or (len(words) > 1 and words[-2:] == ["id", "number"]):
        return Detection("identifier", 0.85, f"named like an identifier ('{last}')")
    if set(words) & PERCENT_WORDS and _within(span, 0, 100):
        scale = "0 to 1" if span is not None and span[1] <= 1 else "0 to 100"
        return Detection("percentage", 0.85, f"named like a rate, values within {scale}")
    if set(words) & MONEY_WORDS:
        money = sorted(set(words) & MONEY_WORDS)[0]
        return Detection("currency", 0.85, f"a number named like money ('{money}')")
    is_year = last in YEAR_WORDS or "_".join(words) in YEAR_WORDS
    if is_year and column.type == "integer" and _within(span, 1800, 2200):
        return Detection("category", 0.7, "a year: grouped by, not summed")
    if (
        column.type == "integer"
        and profile is not None
        and profile.unique
        and profile.non_null >= 20
        and profile.nulls == 0
    ):
        return Detection("identifier", 0.6, "whole numbers, each row a different one")
    return Detection("measure", 0.8, "a number to add up or average")


def _text(column: Column, profile: ColumnProfile | None, words: list[str]) -> Detection:
    values = _texts(profile)
    wordset = set(words)
    last = words[-1] if words else ""
    if "email" in wordset or "mail" in wordset or (values and _share(values, _EMAIL.match) >= 0.9):
        return Detection("email", 0.95, "email addresses")
    if wordset & {"url", "website", "homepage", "link"} or (
        values and _share(values, _URL.match) >= 0.9
    ):
        return Detection("url", 0.9, "web addresses")
    if values and _share(values, _ISO_DATE.match) == 1.0:
        return Detection("date", 0.9, "ISO dates (YYYY-MM-DD) stored as text")
    if values and _share(values, _ISO_DATETIME.match) == 1.0:
        return Detection("datetime", 0.9, "ISO timestamps stored as text")
    if values and _share(values, _UUID.match) >= 0.9:
        return Detection("identifier", 0.9, "UUIDs")
    if last in ID_WORDS:
        return Detection("identifier", 0.8, f"named like an identifier ('{last}')")
    if wordset & POSTAL_WORDS or words[-2:] == ["postal", "code"]:
        return Detection("postal_code", 0.85, "named like a postal code")
    place = _place(values, wordset)
    if place is not None:
        return place
    if wordset & {"address", "street"}:
        return Detection("location", 0.7, "named like an address")
    if profile is not None and profile.distinct is not None and not profile.unique:
        few = profile.distinct <= CATEGORY_MAX_DISTINCT
        share = profile.distinct / max(profile.non_null, 1)
        repeated = profile.distinct <= 200 and share <= CATEGORY_MAX_SHARE
        if few or repeated:
            return Detection("category", 0.8, f"{profile.distinct} distinct values that repeat")
    return Detection("text", 0.6, "free text")


def _place(values: list[str], words: set[str]) -> Detection | None:
    countries, cities, states = place_shares(values[:25])
    named_country = bool(words & COUNTRY_WORDS)
    named_city = bool(words & CITY_WORDS)
    named_region = bool(words & REGION_WORDS)
    codes_only = bool(values) and all(len(v) <= 3 for v in values)
    if named_country and (not values or countries >= 0.5):
        return Detection("country", 0.95, "named like a country, values are countries")
    if countries >= 0.8 and len(values) >= 2 and not codes_only:
        return Detection("country", 0.85, "the gazetteer knows these values as countries")
    if named_city and (not values or cities >= 0.5):
        return Detection("city", 0.95, "named like a city, values are cities")
    if cities >= 0.8 and len(values) >= 3:
        return Detection("city", 0.85, "the gazetteer knows these values as cities")
    if states >= 0.8 and len(values) >= 2:
        return Detection("region", 0.85, "US states")
    # A map places only what the gazetteer knows: a region named like one whose values it
    # does not know ("North", "EMEA", "Bavaria") is a category, or the AI draws an empty map.
    if named_region and (not values or max(countries, cities, states) >= PLACES_MIN_SHARE):
        return Detection("region", 0.8, "named like a region, values are places")
    if words & {"location", "place"} and values and cities >= 0.5:
        return Detection("city", 0.8, "a location whose values are mostly cities")
    return None


def detect_semantic_type(
    table: Table, column: Column, profile: ColumnProfile | None
) -> Detection | None:
    """The semantic type of `column`, or None when nothing fits (binary, JSON, ...)."""
    words = name_words(column.name)
    found = _key(table, column) or _boolean(column, profile, words)
    if found is not None:
        return found
    if column.type in NUMERIC_TYPES:
        return _number(column, profile, words)
    if column.type == "date":
        return Detection("date", 0.95, "a date column")
    if column.type == "datetime":
        return Detection("datetime", 0.95, "a date-and-time column")
    if column.type == "string":
        return _text(column, profile, words)
    return None
