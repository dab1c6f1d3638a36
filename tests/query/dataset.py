"""A small, deterministic copy of the demo data (DESIGN.md "Demo data") and its catalog.

Ten offices, 200 employees (manager_id points at another employee), 600 sales over
2023-2025, plus a hidden `payroll` table and a hidden `employees.email` column. A few NULLs,
an apostrophe and non-ASCII text are in there on purpose.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from plotboard.catalog.model import Catalog, Column, ForeignKey, Table

OFFICES = [
    ("Tokyo", "Japan", "APAC"),
    ("Paris", "France", "EMEA"),
    ("New York", "United States", "AMER"),
    ("London", "United Kingdom", "EMEA"),
    ("Berlin", "Germany", "EMEA"),
    ("São Paulo", "Brazil", "AMER"),
    ("Sydney", "Australia", "APAC"),
    ("Toronto", "Canada", "AMER"),
    ("Singapore", "Singapore", "APAC"),
    ("Mumbai", "India", "APAC"),
]
CITIES = [city for city, _, _ in OFFICES]
DEPARTMENTS = ["Engineering", "Sales", "Marketing", "Finance", "HR", "Support", "Operations"]
REGIONS = ["North", "South", "East", "West"]
PRODUCTS = [
    ("Laptop", "Hardware", Decimal("1200.00")),
    ("Monitor", "Hardware", Decimal("300.50")),
    ("O'Brien Chair", "Furniture", Decimal("249.99")),
    ("Desk", "Furniture", Decimal("410.00")),
    ("Support plan", "Services", Decimal("99.00")),
    ("Café license", "Software", Decimal("59.90")),
]

N_EMPLOYEES = 200
N_SALES = 600

metadata = sa.MetaData()
offices = sa.Table(
    "offices",
    metadata,
    sa.Column("office_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("city", sa.String(100)),
    sa.Column("country", sa.String(100)),
    sa.Column("region", sa.String(10)),
    sa.Column("opened_on", sa.Date),
)
employees = sa.Table(
    "employees",
    metadata,
    sa.Column("employee_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("full_name", sa.String(100)),
    sa.Column("email", sa.String(100)),
    sa.Column("department", sa.String(50)),
    sa.Column("job_title", sa.String(100)),
    sa.Column("location", sa.String(100)),
    sa.Column("country", sa.String(100)),
    sa.Column("office_id", sa.Integer),
    sa.Column("manager_id", sa.Integer),
    sa.Column("hire_date", sa.Date),
    sa.Column("salary", sa.Integer),
    sa.Column("is_remote", sa.Boolean),
    sa.Column("performance_rating", sa.Integer),
)
sales = sa.Table(
    "sales",
    metadata,
    sa.Column("sale_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sale_date", sa.Date),
    sa.Column("sales_region", sa.String(10)),
    sa.Column("product", sa.String(100)),
    sa.Column("category", sa.String(50)),
    sa.Column("quantity", sa.Integer),
    sa.Column("unit_price", sa.Numeric(10, 2)),
    sa.Column("amount", sa.Numeric(12, 2)),
    sa.Column("employee_id", sa.Integer),
)
payroll = sa.Table(
    "payroll",
    metadata,
    sa.Column("employee_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("bank_account", sa.String(50)),
)
TABLES = [offices, employees, sales, payroll]
PRIMARY_KEYS = {
    "offices": "office_id",
    "employees": "employee_id",
    "sales": "sale_id",
    "payroll": "employee_id",
}


def generate() -> dict[str, list[dict[str, Any]]]:
    """The rows of every table, always the same."""
    rng = random.Random(20240601)
    office_rows = [
        {
            "office_id": i + 1,
            "city": city,
            "country": country,
            "region": region,
            "opened_on": dt.date(2010 + i, 1 + i, 1 + 2 * i),
        }
        for i, (city, country, region) in enumerate(OFFICES)
    ]
    employee_rows = []
    for i in range(1, N_EMPLOYEES + 1):
        office = rng.choice(office_rows)
        employee_rows.append(
            {
                "employee_id": i,
                "full_name": f"Person {i:03d}",
                "email": f"person{i}@example.com",
                "department": None if i % 37 == 0 else rng.choice(DEPARTMENTS),
                "job_title": rng.choice(["Analyst", "Manager", "Engineer", "Associate"]),
                "location": office["city"],
                "country": office["country"],
                "office_id": office["office_id"],
                "manager_id": None if i <= 5 else rng.randint(1, i - 1),
                "hire_date": dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 4000)),
                "salary": rng.randrange(40_000, 160_000, 500),
                "is_remote": rng.random() < 0.3,
                "performance_rating": None if i % 23 == 0 else rng.randint(1, 5),
            }
        )
    sale_rows = []
    for i in range(1, N_SALES + 1):
        product, category, price = rng.choice(PRODUCTS)
        quantity = rng.randint(1, 12)
        sale_rows.append(
            {
                "sale_id": i,
                "sale_date": dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1095)),
                "sales_region": rng.choice(REGIONS),
                "product": product,
                "category": category,
                "quantity": quantity,
                "unit_price": price,
                "amount": price * quantity,
                "employee_id": None if i % 41 == 0 else rng.randint(1, N_EMPLOYEES),
            }
        )
    payroll_rows = [
        {"employee_id": e["employee_id"], "bank_account": f"DE{e['employee_id']:020d}"}
        for e in employee_rows
    ]
    return {
        "offices": office_rows,
        "employees": employee_rows,
        "sales": sale_rows,
        "payroll": payroll_rows,
    }


DATA = generate()


def create_tables(conn: sa.Connection, schema: str | None = None, *, fill: bool = True) -> None:
    """(Re)create the tables in `schema` (the connection's default when None) and load them."""
    md = sa.MetaData(schema=schema)
    copies = [t.to_metadata(md) for t in TABLES]
    md.drop_all(conn)
    md.create_all(conn)
    if fill:
        for table in copies:
            conn.execute(table.insert(), DATA[table.name])


def build_catalog(dialect: str, schema: str | None = None) -> Catalog:
    """The catalog an admin would end up with: `payroll` and `employees.email` hidden."""

    def col(name: str, kind: Any, **kw: Any) -> Column:
        return Column(name=name, type=kind, **kw)

    return Catalog(
        dialect=dialect,
        tables=(
            Table(
                name="offices",
                schema=schema,
                primary_key=("office_id",),
                columns=(
                    col("office_id", "integer", nullable=False),
                    col("city", "string"),
                    col("country", "string"),
                    col("region", "string"),
                    col("opened_on", "date"),
                ),
            ),
            Table(
                name="employees",
                schema=schema,
                primary_key=("employee_id",),
                foreign_keys=(
                    ForeignKey(("office_id",), "offices", ("office_id",), schema),
                    ForeignKey(("manager_id",), "employees", ("employee_id",), schema),
                ),
                columns=(
                    col("employee_id", "integer", nullable=False),
                    col("full_name", "string"),
                    col("email", "string", hidden=True),
                    col("department", "string"),
                    col("job_title", "string"),
                    col("location", "string"),
                    col("country", "string"),
                    col("office_id", "integer"),
                    col("manager_id", "integer"),
                    col("hire_date", "date"),
                    col("salary", "integer"),
                    col("is_remote", "boolean"),
                    col("performance_rating", "integer"),
                ),
            ),
            Table(
                name="sales",
                schema=schema,
                primary_key=("sale_id",),
                foreign_keys=(ForeignKey(("employee_id",), "employees", ("employee_id",), schema),),
                columns=(
                    col("sale_id", "integer", nullable=False),
                    col("sale_date", "date"),
                    col("sales_region", "string"),
                    col("product", "string"),
                    col("category", "string"),
                    col("quantity", "integer"),
                    col("unit_price", "number"),
                    col("amount", "number"),
                    col("employee_id", "integer"),
                ),
            ),
            Table(
                name="payroll",
                schema=schema,
                hidden=True,
                primary_key=("employee_id",),
                columns=(col("employee_id", "integer"), col("bank_account", "string")),
            ),
        ),
    )
