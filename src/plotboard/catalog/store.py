"""The catalog in the metadata store: introspected structure merged with the admin's edits.

What end users read of it (descriptions under the disclosure policy) is built above, by
`plotboard.analyze.disclosure.end_user_catalog`; this module reads and writes the rows as stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from plotboard.catalog.model import Catalog, Column, ForeignKey, Table
from plotboard.errors import not_found
from plotboard.store.models import CatalogTable, utcnow

EDITABLE = ("display_name", "description", "semantic_type", "hidden")

SEMANTIC_TYPES = (
    "identifier",
    "category",
    "measure",
    "date",
    "datetime",
    "boolean",
    "email",
    "url",
    "currency",
    "percentage",
    "country",
    "city",
    "region",
    "latitude",
    "longitude",
    "postal_code",
    "location",
    "text",
)


class TablePatch(BaseModel):
    """What an admin may change on a table.

    `description_reviewed`: true confirms that the description (as saved by this patch) is
    safe for every end user although the table has an access rule (see
    `plotboard.analyze.disclosure`); false withdraws that. A later change of the description
    needs a new confirmation.
    """

    model_config = ConfigDict(extra="forbid")
    display_name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    hidden: bool | None = None
    description_reviewed: bool | None = None


class ColumnPatch(TablePatch):
    semantic_type: str | None = Field(default=None, max_length=40)


def _qualified(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def refresh_catalog(session: Session, source_id: str, tables: Iterable[Table]) -> list[str]:
    """Store the introspected `tables`, keeping what the admin edited. Tables that are gone
    from the database are removed. Returns the qualified names of new tables."""
    existing = {
        (row.schema_name, row.name): row
        for row in session.scalars(
            sa.select(CatalogTable).where(CatalogTable.source_id == source_id)
        )
    }
    seen: set[tuple[str, str]] = set()
    added: list[str] = []
    now = utcnow()
    for table in tables:
        key = (table.schema or "", table.name)
        seen.add(key)
        row = existing.get(key)
        if row is None:
            row = CatalogTable(source_id=source_id, schema_name=key[0], name=table.name, edited=[])
            session.add(row)
            added.append(_qualified(table.schema, table.name))
        old_columns = {c["name"]: c for c in (row.columns or [])}
        columns = []
        for col in table.columns:
            merged: dict[str, Any] = {
                "name": col.name,
                "type": col.type,
                "native_type": col.native_type,
                "nullable": col.nullable,
                "display_name": None,
                "description": None,
                "semantic_type": None,
                "hidden": False,
                "edited": [],
            }
            before = old_columns.get(col.name)
            if before:
                for field in (*EDITABLE, "edited"):
                    merged[field] = before.get(field, merged[field])
                if before.get("description_reviewed") is not None:
                    merged["description_reviewed"] = before["description_reviewed"]
            columns.append(merged)
        row.columns = columns
        row.primary_key = list(table.primary_key)
        row.foreign_keys = [asdict(fk) for fk in table.foreign_keys]
        row.refreshed_at = now
    for key, row in existing.items():
        if key not in seen:
            session.delete(row)
    session.flush()
    return added


def _table_row(session: Session, source_id: str, qualified: str) -> CatalogTable:
    schema, _, name = qualified.rpartition(".")
    row = session.scalar(
        sa.select(CatalogTable).where(
            CatalogTable.source_id == source_id,
            CatalogTable.schema_name == schema,
            CatalogTable.name == name,
        )
    )
    if row is None:
        raise not_found(f"Table '{qualified}'")
    return row


def update_table(
    session: Session, source_id: str, qualified: str, patch: TablePatch
) -> CatalogTable:
    row = _table_row(session, source_id, qualified)
    changes = patch.model_dump(exclude_unset=True)
    reviewed = changes.pop("description_reviewed", None)
    for field, value in changes.items():
        setattr(row, field, bool(value) if field == "hidden" else value)
    row.edited = sorted(set(row.edited or []) | set(changes))
    if reviewed is not None:
        row.description_reviewed = row.description if reviewed else None
    session.flush()
    return row


def update_column(
    session: Session, source_id: str, qualified: str, column: str, patch: ColumnPatch
) -> dict[str, Any]:
    row = _table_row(session, source_id, qualified)
    changes = patch.model_dump(exclude_unset=True)
    columns = [dict(c) for c in row.columns]
    reviewed = changes.pop("description_reviewed", None)
    for col in columns:
        if col["name"] == column:
            for field, value in changes.items():
                col[field] = bool(value) if field == "hidden" else value
            col["edited"] = sorted(set(col.get("edited") or []) | set(changes))
            if reviewed is not None:
                col["description_reviewed"] = col.get("description") if reviewed else None
            row.columns = columns  # a new list, so SQLAlchemy sees the change
            session.flush()
            return col
    raise not_found(f"Column '{column}' of table '{qualified}'")


def table_rows(session: Session, source_id: str) -> list[CatalogTable]:
    stmt = (
        sa.select(CatalogTable)
        .where(CatalogTable.source_id == source_id)
        .order_by(CatalogTable.schema_name, CatalogTable.name)
    )
    return list(session.scalars(stmt))


def stored_catalog(session: Session, source_id: str, dialect: str) -> Catalog:
    """The catalog as stored: the structure and the admin's edits, descriptions unfiltered
    (what access rules are checked against; never served to end users as it is)."""
    return Catalog(dialect, tuple(to_table(r) for r in table_rows(session, source_id)))


def to_table(row: CatalogTable) -> Table:
    return Table(
        name=row.name,
        schema=row.schema_name or None,
        columns=tuple(
            Column(
                name=c["name"],
                type=c["type"],
                nullable=c.get("nullable", True),
                hidden=bool(c.get("hidden")),
                display_name=c.get("display_name"),
                description=c.get("description"),
                semantic_type=c.get("semantic_type"),
                native_type=c.get("native_type"),
            )
            for c in row.columns
        ),
        primary_key=tuple(row.primary_key or ()),
        foreign_keys=tuple(
            ForeignKey(
                columns=tuple(fk["columns"]),
                ref_table=fk["ref_table"],
                ref_columns=tuple(fk["ref_columns"]),
                ref_schema=fk.get("ref_schema"),
            )
            for fk in row.foreign_keys or ()
        ),
        hidden=row.hidden,
        display_name=row.display_name,
        description=row.description,
    )
