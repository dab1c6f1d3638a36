"""Every saved version of a dashboard (dashboard_versions), for history and restore

Existing dashboards get their current state as their first kept version.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_versions",
        sa.Column("dashboard_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("tiles", sa.JSON(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dashboard_id"], ["dashboards.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dashboard_id", "version"),
    )
    op.execute(
        "INSERT INTO dashboard_versions "
        "(dashboard_id, version, title, tiles, filters, summary, restored_from, saved_at) "
        "SELECT id, version, title, tiles, filters, 'saved before history was kept', NULL, "
        "updated_at FROM dashboards"
    )


def downgrade() -> None:
    op.drop_table("dashboard_versions")
