"""The demo database: shape, consistency, determinism and atomic writing."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from plotboard.demo import data
from plotboard.demo.data import (
    DEPARTMENTS,
    OFFICES,
    PRODUCTS,
    SALES_REGIONS,
    DemoStats,
    generate_demo_database,
)

EXPECTED_OFFICES = {
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
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TABLES = {"offices": "office_id", "employees": "employee_id", "sales": "sale_id"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoStats, float]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    started = time.perf_counter()
    stats = generate_demo_database(path)
    return path, stats, time.perf_counter() - started


@pytest.fixture()
def db(demo: tuple[Path, DemoStats, float]) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"file:{demo[0]}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def scalar(conn: sqlite3.Connection, sql: str) -> object:
    return conn.execute(sql).fetchone()[0]


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for table, pk in TABLES.items():
            sha.update(table.encode())
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY {pk}"):
                sha.update(repr(row).encode())
    finally:
        conn.close()
    return sha.hexdigest()


# --------------------------------------------------------------------------------------------
# Shape


def test_row_counts(demo: tuple[Path, DemoStats, float], db: sqlite3.Connection) -> None:
    _, stats, _ = demo
    assert stats == DemoStats(offices=10, employees=2000, sales=50_000)
    for table, expected in (("offices", 10), ("employees", 2000), ("sales", 50_000)):
        assert scalar(db, f"SELECT count(*) FROM {table}") == expected


def test_generation_is_fast(demo: tuple[Path, DemoStats, float]) -> None:
    # Budget is < 3 s on a slow 2-core machine; it takes about 0.25 s on a typical one.
    assert demo[2] < 3.0


def test_the_ten_offices(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT city, country, region FROM offices ORDER BY office_id").fetchall()
    assert set(rows) == EXPECTED_OFFICES
    assert len(rows) == 10
    assert rows == list(OFFICES)  # office_id follows the order of the OFFICES constant
    for (opened_on,) in db.execute("SELECT opened_on FROM offices"):
        assert ISO_DATE.match(opened_on)
        assert dt.date.fromisoformat(opened_on) <= dt.date(2021, 12, 31)


def test_constants() -> None:
    assert set(OFFICES) == EXPECTED_OFFICES
    assert set(DEPARTMENTS) == {
        "Engineering",
        "Sales",
        "Marketing",
        "Finance",
        "HR",
        "Support",
        "Operations",
    }
    assert SALES_REGIONS == ("North", "South", "East", "West")
    names = [name for name, _, _ in PRODUCTS]
    assert len(names) == len(set(names))
    assert 12 <= len(PRODUCTS) <= 20
    assert 3 <= len({category for _, category, _ in PRODUCTS}) <= 5


def test_declared_types_foreign_keys_and_indexes(
    demo: tuple[Path, DemoStats, float], db: sqlite3.Connection
) -> None:
    types = {
        table: {row[1]: row[2] for row in db.execute(f"PRAGMA table_info({table})")}
        for table in TABLES
    }
    assert types["offices"]["opened_on"] == "DATE"
    assert types["employees"]["hire_date"] == "DATE"
    assert types["employees"]["is_remote"] == "BOOLEAN"
    assert types["employees"]["salary"] == "REAL"
    assert types["employees"]["performance_rating"] == "INTEGER"
    assert types["sales"]["sale_date"] == "DATE"
    assert types["sales"]["amount"] == "REAL"
    assert types["sales"]["quantity"] == "INTEGER"
    assert list(types["employees"]) == [
        "employee_id",
        "full_name",
        "email",
        "department",
        "job_title",
        "location",
        "country",
        "office_id",
        "manager_id",
        "hire_date",
        "salary",
        "is_remote",
        "performance_rating",
    ]

    fks = {
        (table, row[3], row[2], row[4])
        for table in TABLES
        for row in db.execute(f"PRAGMA foreign_key_list({table})")
    }
    assert fks == {
        ("employees", "office_id", "offices", "office_id"),
        ("employees", "manager_id", "employees", "employee_id"),
        ("sales", "employee_id", "employees", "employee_id"),
    }

    indexed = {
        (table, row[2])
        for table in TABLES
        for index in db.execute(f"PRAGMA index_list({table})")
        for row in db.execute(f"PRAGMA index_info({index[1]})")
    }
    for expected in [
        ("employees", "office_id"),
        ("employees", "manager_id"),
        ("employees", "location"),
        ("sales", "employee_id"),
        ("sales", "sale_date"),
        ("sales", "sales_region"),
    ]:
        assert expected in indexed

    # Generic introspection (what the catalog uses) sees the keys and the types.
    engine = sa.create_engine(f"sqlite:///{demo[0]}")
    try:
        inspector = sa.inspect(engine)
        sales_fks = inspector.get_foreign_keys("sales")
        assert [(fk["constrained_columns"], fk["referred_table"]) for fk in sales_fks] == [
            (["employee_id"], "employees")
        ]
        columns = {c["name"]: c["type"] for c in inspector.get_columns("employees")}
        assert isinstance(columns["hire_date"], sa.Date)
        assert isinstance(columns["is_remote"], sa.Boolean)
        assert isinstance(columns["salary"], sa.Float)
    finally:
        engine.dispose()


# --------------------------------------------------------------------------------------------
# Employees


def test_foreign_keys_hold(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_employee_location_matches_office(db: sqlite3.Connection) -> None:
    mismatched = scalar(
        db,
        """SELECT count(*) FROM employees e JOIN offices o USING (office_id)
           WHERE e.location <> o.city OR e.country <> o.country""",
    )
    assert mismatched == 0
    assert scalar(db, "SELECT count(*) FROM employees WHERE office_id IS NULL") == 0
    per_office = dict(db.execute("SELECT location, count(*) FROM employees GROUP BY location"))
    assert set(per_office) == {city for city, _, _ in EXPECTED_OFFICES}
    assert min(per_office.values()) >= 50


def test_employee_values(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "SELECT hire_date, typeof(hire_date), is_remote, typeof(is_remote), performance_rating,"
        " salary, typeof(salary), department, job_title FROM employees"
    ).fetchall()
    ratings = {r: 0 for r in range(1, 6)}
    remote = 0
    for hire, hire_type, is_remote, remote_type, rating, salary, salary_type, dept, title in rows:
        assert hire_type == "text" and ISO_DATE.match(hire)
        assert dt.date(2015, 1, 1) <= dt.date.fromisoformat(hire) <= dt.date(2025, 12, 31)
        assert remote_type == "integer" and is_remote in (0, 1)
        assert rating in ratings
        assert salary_type == "real" and 10_000 < salary < 1_000_000
        assert dept in DEPARTMENTS
        assert title
        ratings[rating] += 1
        remote += is_remote
    assert ratings[3] + ratings[4] > 0.6 * len(rows)  # skewed toward 3-4
    assert all(count > 0 for count in ratings.values())
    assert 0.10 < remote / len(rows) < 0.20
    per_department = dict(db.execute("SELECT department, count(*) FROM employees GROUP BY 1"))
    assert set(per_department) == set(DEPARTMENTS)
    assert per_department["Engineering"] > per_department["HR"] * 2
    titles = dict(
        db.execute("SELECT department, count(DISTINCT job_title) FROM employees GROUP BY 1")
    )
    assert all(count >= 4 for count in titles.values())


def test_hires_follow_office_openings(db: sqlite3.Connection) -> None:
    assert (
        scalar(
            db,
            "SELECT count(*) FROM employees e JOIN offices o USING (office_id)"
            " WHERE e.hire_date < o.opened_on",
        )
        == 0
    )


def test_management_tree(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "SELECT employee_id, department, office_id, manager_id, hire_date FROM employees"
    ).fetchall()
    by_id = {row[0]: row for row in rows}
    heads = [row for row in rows if row[3] is None]
    assert sorted(row[1] for row in heads) == sorted(DEPARTMENTS)  # one head per department
    same_office = 0
    for employee_id, department, office_id, manager_id, hire_date in rows:
        if manager_id is None:
            continue
        manager = by_id[manager_id]
        assert manager_id != employee_id
        assert manager[1] == department
        assert manager[4] <= hire_date  # managers were there first
        same_office += manager[2] == office_id
        # the chain ends at a head, without cycles
        seen = {employee_id}
        boss: int | None = manager_id
        while boss is not None:
            assert boss not in seen
            seen.add(boss)
            boss = by_id[boss][3]
    assert same_office > 0.9 * (len(rows) - len(heads))
    managers = scalar(db, "SELECT count(DISTINCT manager_id) FROM employees")
    assert isinstance(managers, int) and 100 < managers < 500


def test_names_and_emails(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT full_name, email FROM employees").fetchall()
    emails = [email for _, email in rows]
    assert len(set(emails)) == len(emails)
    pattern = re.compile(r"^[a-z]+\.[a-z]+[0-9]*@example\.com$")
    assert all(pattern.match(email) for email in emails)
    names = {name for name, _ in rows}
    assert len(names) > 1500  # varied
    assert any(not name.isascii() for name in names)  # accents kept in names, not in emails


def test_email_transliteration() -> None:
    assert data._email_part("Sofía") == "sofia"
    assert data._email_part("Weiß") == "weiss"
    assert data._email_part("Yılmaz") == "yilmaz"  # noqa: RUF001
    assert data._email_part("O'Connor") == "oconnor"
    assert data._email_part("Marc-André") == "marcandre"
    assert data._email_part("Hui Min") == "huimin"
    assert data._email_part("Nguyễn") == "nguyen"


def test_salaries_differ_by_location_and_level(db: sqlite3.Connection) -> None:
    avg = dict(db.execute("SELECT location, avg(salary) FROM employees GROUP BY location"))
    assert avg["New York"] > 1.5 * avg["São Paulo"]
    assert avg["London"] > 2 * avg["Mumbai"]
    assert max(avg.values()) / min(avg.values()) > 2.5
    by_title = dict(
        db.execute(
            "SELECT job_title, avg(salary) FROM employees WHERE department = 'Engineering'"
            " GROUP BY job_title"
        )
    )
    assert by_title["Junior Software Engineer"] < by_title["Senior Software Engineer"]
    assert by_title["Senior Software Engineer"] < by_title["VP of Engineering"]
    by_dept = dict(db.execute("SELECT department, avg(salary) FROM employees GROUP BY 1"))
    assert by_dept["Engineering"] > by_dept["Support"]


# --------------------------------------------------------------------------------------------
# Sales


def test_sales_values(db: sqlite3.Connection) -> None:
    catalog = {name: (category, price) for name, category, price in PRODUCTS}
    rows = db.execute(
        "SELECT sale_date, typeof(sale_date), sales_region, product, category, quantity,"
        " unit_price, amount FROM sales ORDER BY sale_id"
    ).fetchall()
    previous = ""
    for sale_date, date_type, region, product, category, quantity, unit_price, amount in rows:
        assert date_type == "text" and ISO_DATE.match(sale_date)
        assert dt.date(2023, 1, 1) <= dt.date.fromisoformat(sale_date) <= dt.date(2025, 12, 31)
        assert sale_date >= previous  # ids follow dates
        previous = sale_date
        assert region in SALES_REGIONS
        assert catalog[product][0] == category
        list_price = catalog[product][1]
        assert 0.75 * list_price <= unit_price <= list_price
        assert isinstance(quantity, int) and quantity >= 1
        assert amount == round(quantity * unit_price, 2)
    years = {row[0][:4] for row in rows}
    assert years == {"2023", "2024", "2025"}


def test_sales_only_by_sales_people_already_hired(db: sqlite3.Connection) -> None:
    assert (
        scalar(
            db,
            "SELECT count(*) FROM sales s JOIN employees e USING (employee_id)"
            " WHERE e.department <> 'Sales' OR e.hire_date > s.sale_date",
        )
        == 0
    )
    sellers = scalar(db, "SELECT count(DISTINCT employee_id) FROM sales")
    assert isinstance(sellers, int) and sellers > 100


def test_sales_have_shape(db: sqlite3.Connection) -> None:
    per_region = dict(db.execute("SELECT sales_region, count(*) FROM sales GROUP BY 1"))
    assert set(per_region) == set(SALES_REGIONS)
    assert max(per_region.values()) > 1.5 * min(per_region.values())  # unequal regions

    per_year = dict(db.execute("SELECT substr(sale_date, 1, 4), sum(amount) FROM sales GROUP BY 1"))
    assert per_year["2023"] < per_year["2024"] < per_year["2025"]  # growth

    per_quarter = dict(
        db.execute(
            "SELECT (cast(substr(sale_date, 6, 2) AS INTEGER) + 2) / 3, count(*)"
            " FROM sales GROUP BY 1"
        )
    )
    others = (per_quarter[1] + per_quarter[2] + per_quarter[3]) / 3
    assert per_quarter[4] > 1.2 * others  # a strong fourth quarter

    categories = scalar(db, "SELECT count(DISTINCT category) FROM sales")
    products = scalar(db, "SELECT count(DISTINCT product) FROM sales")
    assert categories == len({category for _, category, _ in PRODUCTS})
    assert products == len(PRODUCTS)


# --------------------------------------------------------------------------------------------
# Determinism and writing


def test_deterministic(demo: tuple[Path, DemoStats, float], tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    generate_demo_database(again)
    assert digest(again) == digest(demo[0])
    other = tmp_path / "other.db"
    generate_demo_database(other, seed=7)
    assert digest(other) != digest(demo[0])


def test_replaces_an_existing_file_completely(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    target.write_bytes(b"not a database" * 100_000)
    stats = generate_demo_database(target)
    assert stats.sales == 50_000
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 50_000
    finally:
        conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]  # no temp files left

    # Generating again over a real demo database also works (no "table already exists").
    before = digest(target)
    generate_demo_database(target)
    assert digest(target) == before


def test_creates_missing_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "demo.db"
    assert generate_demo_database(target).employees == 2000
    assert target.is_file()


def test_failure_leaves_previous_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "demo.db"
    target.write_bytes(b"previous contents")

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        generate_demo_database(target)
    monkeypatch.undo()
    assert target.read_bytes() == b"previous contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]

    def half_write(path: Path, tables: object) -> None:
        path.write_bytes(b"half a database")
        raise RuntimeError("boom")

    # A failure while writing rows: the half-built temporary file is removed as well.
    monkeypatch.setattr(data, "_write_database", half_write)
    with pytest.raises(RuntimeError, match="boom"):
        generate_demo_database(target)
    assert target.read_bytes() == b"previous contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]


def test_file_mode_is_readable(demo: tuple[Path, DemoStats, float]) -> None:
    if os.name == "posix":
        assert demo[0].stat().st_mode & 0o044  # group/others may read the demo data
