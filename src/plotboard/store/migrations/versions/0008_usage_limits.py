"""Usage limits: per-organization limit settings, shared rate counters and concurrency leases

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("limits", sa.JSON(), nullable=True))
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("rate_counters", schema=None) as batch_op:
        batch_op.create_index("ix_rate_counters_expires_at", ["expires_at"], unique=False)
    op.create_table(
        "concurrency_leases",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("concurrency_leases", schema=None) as batch_op:
        batch_op.create_index("ix_concurrency_leases_key", ["key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("concurrency_leases", schema=None) as batch_op:
        batch_op.drop_index("ix_concurrency_leases_key")
    op.drop_table("concurrency_leases")
    with op.batch_alter_table("rate_counters", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_counters_expires_at")
    op.drop_table("rate_counters")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("limits")
