"""Store changes: one counter that every change to what servers cache moves on

- store_changes: a single row (id 1) whose `generation` grows, in the same transaction, with
  every write to a table whose rows app servers keep in memory (API keys, origins, sources,
  catalog, access rules, AI and organization settings). A server re-reads its caches when the
  number it last saw has moved (plotboard.store.changes), instead of every second.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    changes = op.create_table(
        "store_changes",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(changes, [{"id": 1, "generation": 1}])


def downgrade() -> None:
    op.drop_table("store_changes")
