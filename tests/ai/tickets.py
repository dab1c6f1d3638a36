"""A second database for the AI tests: a support desk's `tickets`, next to the demo's tables.

`tickets` shares words with the demo on purpose (a `location` column holding some of the same
cities), so that picking the right database is not just a matter of unique words.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from plotboard.catalog.model import Catalog, Column, Table

TICKETS = Table(
    "tickets",
    (
        Column("ticket_id", "integer", nullable=False),
        Column("opened_on", "date"),
        Column("priority", "string"),
        Column("status", "string"),
        Column("location", "string"),
    ),
    primary_key=("ticket_id",),
)
PRIORITIES = ["High", "Low", "Medium"]
STATUSES = ["Closed", "Open", "Pending"]
LOCATIONS = ["Berlin", "Paris", "Toronto"]


def tickets_catalog(dialect: str = "postgres") -> Catalog:
    return Catalog(dialect=dialect, tables=(TICKETS,))


def tickets_values() -> dict[tuple[str, str], list[str]]:
    return {
        ("tickets", "priority"): list(PRIORITIES),
        ("tickets", "status"): list(STATUSES),
        ("tickets", "location"): list(LOCATIONS),
    }


def ticket_rows() -> list[dict[str, object]]:
    """60 tickets over the first half of 2025, every priority, status and location."""
    start = dt.date(2025, 1, 1)
    return [
        {
            "ticket_id": i + 1,
            "opened_on": start + dt.timedelta(days=3 * i),
            "priority": PRIORITIES[i % 3],
            "status": STATUSES[(i // 3) % 3],
            "location": LOCATIONS[(i // 9) % 3],
        }
        for i in range(60)
    ]


def fill_tickets(url: str) -> None:
    """Create and fill `tickets` in the (empty) database at `url`."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "CREATE TABLE tickets (ticket_id INTEGER PRIMARY KEY, opened_on DATE, "
                    "priority VARCHAR(20), status VARCHAR(20), location VARCHAR(40))"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO tickets VALUES "
                    "(:ticket_id, :opened_on, :priority, :status, :location)"
                ),
                ticket_rows(),
            )
    finally:
        engine.dispose()
