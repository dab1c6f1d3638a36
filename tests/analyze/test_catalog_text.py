"""Display names and template descriptions."""

from __future__ import annotations

import pytest

from plotboard.analyze.catalog_text import (
    describe_column,
    describe_table,
    display_name,
    entity_of,
    format_number,
)
from plotboard.analyze.profile import ColumnProfile, TableProfile, ValueCount
from plotboard.analyze.semantic import Detection
from plotboard.catalog.model import Column, ForeignKey, Table

NAMES = [
    ("hire_date", "Hire date"),
    ("sales_region", "Sales region"),
    ("employee_id", "Employee ID"),
    ("homepageURL", "Homepage URL"),
    ("HR", "HR"),
    ("is_remote", "Is remote"),
    ("order_items", "Order items"),
]


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_display_names(name: str, expected: str) -> None:
    assert display_name(name) == expected


@pytest.mark.parametrize(
    ("table", "entity"),
    [("employees", "employee"), ("categories", "category"), ("order_items", "order item"),
     ("addresses", "address"), ("people", "person"), ("status", "status")],
)  # fmt: skip
def test_entities(table: str, entity: str) -> None:
    assert entity_of(table) == entity


def test_numbers() -> None:
    assert format_number(238400.0) == "238,400"
    assert format_number(81651.05, rounded=True) == "82,000"
    assert format_number(3.3005, rounded=True) == "3.3"
    assert format_number(0.125) == "0.125"


EMPLOYEES = Table(
    name="employees",
    columns=(
        Column("employee_id", "integer"),
        Column("salary", "number"),
        Column("location", "string"),
        Column("office_id", "integer"),
        Column("is_remote", "boolean"),
        Column("bonus", "number"),
    ),
    primary_key=("employee_id",),
    foreign_keys=(ForeignKey(("office_id",), "offices", ("office_id",)),),
)
SALARY = ColumnProfile("salary", "number", 2000, 0, 1096, min=30100.0, max=238400.0, avg=81990.0)
LOCATION = ColumnProfile(
    "location",
    "string",
    2000,
    0,
    10,
    top_values=[ValueCount("Tokyo", 400, 0.2), ValueCount("Paris", 300, 0.15)],
    samples=["New York", "Tokyo"],
)


def test_descriptions_quote_values_only_when_allowed() -> None:
    money = Detection("currency", 0.85, "")
    column = EMPLOYEES.columns[1]
    assert describe_column(EMPLOYEES, column, money, SALARY, quote_values=True) == (
        "Salary of the employee, an amount of money; ranges from 30,100 to 238,400, average 82,000."
    )
    assert describe_column(EMPLOYEES, column, money, SALARY, quote_values=False) == (
        "Salary of the employee, an amount of money."
    )
    city = Detection("city", 0.9, "")
    assert describe_column(EMPLOYEES, EMPLOYEES.columns[2], city, LOCATION, quote_values=True) == (
        "Location of the employee, a city; 10 distinct values such as Tokyo, Paris, New York."
    )


def test_keys_booleans_and_empty_values() -> None:
    ident = Detection("identifier", 0.99, "")
    assert describe_column(EMPLOYEES, EMPLOYEES.columns[0], ident, None, quote_values=True) == (
        "Unique identifier of each employee."
    )
    assert describe_column(EMPLOYEES, EMPLOYEES.columns[3], ident, None, quote_values=True) == (
        "Identifier of the office of the employee; links to offices.office_id."
    )
    remote = ColumnProfile(
        "is_remote",
        "boolean",
        100,
        0,
        2,
        top_values=[ValueCount(0, 84, 0.84), ValueCount(1, 16, 0.16)],
    )
    flag = Detection("boolean", 0.99, "")
    assert describe_column(EMPLOYEES, EMPLOYEES.columns[4], flag, remote, quote_values=True) == (
        "Whether the employee is remote; yes for 16% of rows."
    )
    bonus = ColumnProfile("bonus", "number", 75, 25, 10, min=1.0, max=9.0, avg=4.0)
    money = Detection("currency", 0.85, "")
    assert describe_column(EMPLOYEES, EMPLOYEES.columns[5], money, bonus, quote_values=False) == (
        "Bonus of the employee, an amount of money; empty in 25% of rows."
    )


def test_table_descriptions() -> None:
    profile = TableProfile("employees", 2000, [])
    assert describe_table(EMPLOYEES, profile, quote_values=True) == (
        "One row per employee (2,000 rows); linked to offices through office_id."
    )
    assert describe_table(EMPLOYEES, profile, quote_values=False) == (
        "One row per employee; linked to offices through office_id."
    )


def test_docstring_examples() -> None:
    import doctest

    from plotboard.analyze import catalog_text

    result = doctest.testmod(catalog_text)
    assert result.attempted > 0 and result.failed == 0
