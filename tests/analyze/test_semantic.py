"""Semantic types: the demo data on three databases, then small cases kept as data."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from plotboard.analyze.profile import ColumnProfile, TableProfile, ValueCount
from plotboard.analyze.semantic import detect_semantic_type
from plotboard.catalog.model import Column, ColumnType, ForeignKey, Table
from plotboard.catalog.store import SEMANTIC_TYPES
from plotboard.sources import SourcePool
from tests.analyze.conftest import DemoSource, profile_on

DEMO_EXPECTED: dict[str, dict[str, str]] = {
    "offices": {
        "office_id": "identifier",
        "city": "city",
        "country": "country",
        "region": "category",  # APAC, AMER, EMEA: no map places them
        "opened_on": "date",
    },
    "employees": {
        "employee_id": "identifier",
        "full_name": "text",
        "email": "email",
        "department": "category",
        "job_title": "category",
        "location": "city",
        "country": "country",
        "office_id": "identifier",
        "manager_id": "identifier",
        "hire_date": "date",
        "salary": "currency",
        "is_remote": "boolean",
        "performance_rating": "measure",
    },
    "sales": {
        "sale_id": "identifier",
        "sale_date": "date",
        "sales_region": "category",  # North, South, East, West: not places
        "product": "category",
        "category": "category",
        "quantity": "measure",
        "unit_price": "currency",
        "amount": "currency",
        "employee_id": "identifier",
    },
}


@pytest.fixture(scope="module")
def demo_profiles(
    pool: SourcePool, demo_source: DemoSource
) -> dict[str, tuple[Table, TableProfile]]:
    pool.register(demo_source.name, demo_source.connection)
    tables = {t.name: t for t in pool.introspect(demo_source.name)}
    return {name: (tables[name], profile_on(pool, demo_source, name)) for name in DEMO_EXPECTED}


@pytest.mark.parametrize("table", DEMO_EXPECTED)
def test_semantic_types_of_the_demo_data(
    demo_profiles: dict[str, tuple[Table, TableProfile]], table: str
) -> None:
    found, profile = demo_profiles[table]
    detected = {
        c.name: detect_semantic_type(found, c, profile.column(c.name)) for c in found.columns
    }
    got = {name: d.semantic_type if d else None for name, d in detected.items()}
    assert got == DEMO_EXPECTED[table]
    for detection in detected.values():
        assert detection is not None
        assert detection.semantic_type in SEMANTIC_TYPES
        assert 0 < detection.confidence <= 1 and detection.reason


# -- small cases: (column name, generic type, values, expected semantic type) -----------------

UUIDS = [str(uuid.UUID(int=i * 7919 + 1)) for i in range(5)]
CASES: list[tuple[str, ColumnType, list[Any], str]] = [
    ("lat", "number", [48.85, 35.68, -33.86], "latitude"),
    ("longitude", "number", [2.35, 139.69, 151.2], "longitude"),
    ("lng", "number", [200.0, 10.0, 500.0], "measure"),  # out of range: not a longitude
    ("zip_code", "string", ["75001", "10115", "2000"], "postal_code"),
    ("postcode", "integer", [75001, 10115, 2000], "postal_code"),
    ("contact", "string", ["ann@example.com", "bo@example.org", "cy@test.io"], "email"),
    ("homepage", "string", ["https://a.example", "https://b.example"], "url"),
    ("link", "string", ["http://x.example/a", "www.y.example"], "url"),
    ("token", "string", UUIDS, "identifier"),
    ("customer_id", "integer", [3, 3, 7, 9], "identifier"),
    ("order_number", "integer", list(range(1, 40)), "identifier"),  # unique whole numbers
    ("created", "string", ["2024-01-05", "2023-12-31", "2025-02-28"], "date"),  # SQLite text
    ("updated", "string", ["2024-01-05 10:00:00", "2024-01-06T11:30:00Z"], "datetime"),
    ("active", "string", ["yes", "no"], "boolean"),
    ("is_active", "integer", [0, 1], "boolean"),
    ("flag", "integer", [0, 1], "boolean"),
    ("conversion_rate", "number", [0.1, 0.25, 0.9], "percentage"),
    ("discount_pct", "number", [5.0, 20.0, 50.0], "percentage"),
    ("growth_rate", "number", [150.0, 300.0, 20.0], "measure"),  # above 100: not a percentage
    ("price", "number", [9.99, 20.0, 35.5], "currency"),
    ("revenue_usd", "number", [1000.0, 2500.0], "currency"),
    ("totalCost", "number", [10.0, 20.0], "currency"),
    ("headcount", "integer", [10, 20, 20, 30], "measure"),
    ("rating", "integer", [1, 2, 3, 4, 5, 5], "measure"),
    ("fiscal_year", "integer", [2020, 2021, 2024, 2024], "category"),
    ("state", "string", ["California", "Texas", "New York"], "region"),
    ("st", "string", ["CA", "TX", "NY", "WA"], "region"),  # US state codes
    ("continent", "string", ["Europe", "Asia", "Africa", "Asia"], "category"),
    # Named like a region: a region only when the gazetteer places most of the values.
    ("sales_region", "string", ["North", "South", "East", "West", "North"], "category"),
    ("delivery_zone", "string", ["A", "B", "C", "A"], "category"),
    ("region", "string", ["Bavaria", "Tokyo", "Saxony", "Bavaria"], "category"),
    ("region", "string", ["France", "Germany", "Japan", "EMEA"], "region"),
    ("sales_area", "string", ["Paris", "Lyon", "Nowhere Such", "Paris"], "region"),
    ("nation", "string", ["FR", "DE", "JP"], "country"),
    ("country_code", "string", ["US", "FR", "BR"], "country"),
    ("lang", "string", ["fr", "de", "es", "fr"], "category"),  # codes, but not countries
    ("destination", "string", ["Paris", "Tokyo", "Berlin", "Madrid", "Paris"], "city"),
    ("home_country", "string", ["Japan", "Brazil", "Kenya", "Japan"], "country"),
    ("city_name", "string", ["Lyon", "Nantes", "Lille"], "city"),
    ("status", "string", ["open", "closed", "pending", "open"], "category"),
    ("address", "string", ["1 Main St", "5 Rue de Rivoli", "9 Elm Rd"], "location"),
    ("comment", "string", [f"note number {i}" for i in range(300)], "text"),
]


def _profile(name: str, kind: ColumnType, values: list[Any]) -> ColumnProfile:
    counts: dict[Any, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    numbers = [v for v in values if isinstance(v, (int, float))]
    texts = [v for v in values if isinstance(v, str)]
    unique = len(counts) == len(values)
    return ColumnProfile(
        name=name,
        type=kind,
        non_null=len(values),
        distinct=len(counts),
        unique=unique,
        min=min(numbers or texts),
        max=max(numbers or texts),
        top_values=[]
        if unique
        else [ValueCount(v, n, n / len(values)) for v, n in counts.items()][:10],
        samples=values[:5],
    )


@pytest.mark.parametrize(("name", "kind", "values", "expected"), CASES, ids=[c[0] for c in CASES])
def test_semantic_type_cases(name: str, kind: ColumnType, values: list[Any], expected: str) -> None:
    table = Table(name="things", columns=(Column(name, kind),))
    detection = detect_semantic_type(table, table.columns[0], _profile(name, kind, values))
    assert detection is not None and detection.semantic_type == expected, detection


def test_keys_win_over_names_and_values() -> None:
    table = Table(
        name="orders",
        columns=(Column("code", "string"), Column("salary_band", "integer")),
        primary_key=("code",),
        foreign_keys=(ForeignKey(("salary_band",), "bands", ("band_id",)),),
    )
    for column in table.columns:
        detection = detect_semantic_type(table, column, None)
        assert detection is not None and detection.semantic_type == "identifier"
    assert detect_semantic_type(table, Column("blob", "other"), None) is None
