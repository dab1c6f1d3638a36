"""Starter dashboards and sharing within a team

- starter_dashboards: dashboards the admin publishes for every end user of the organization.
- dashboards.copied_from: the starter a user's dashboard is their copy of (one per user and
  starter, so two first saves at once cannot make two copies).
- dashboards.shared_attribute / shared_team / shared_at: shared read-only with the users whose
  token carries that attribute with that value.
- organizations.team_attribute: the token attribute that names a user's team (NULL: no sharing).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_attribute", sa.String(length=64), nullable=True))
    with op.batch_alter_table("dashboards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("copied_from", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("shared_attribute", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("shared_team", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_dashboards_team", ["org_id", "shared_attribute", "shared_team"], unique=False
        )
        batch_op.create_unique_constraint(
            "uq_dashboards_copy", ["org_id", "user_id", "copied_from"]
        )
    op.create_table(
        "starter_dashboards",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("tiles", sa.JSON(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_by", sa.String(length=320), nullable=False),
        sa.Column("source_dashboard_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("starter_dashboards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_starter_dashboards_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("starter_dashboards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_starter_dashboards_org_id"))
    op.drop_table("starter_dashboards")
    with op.batch_alter_table("dashboards", schema=None) as batch_op:
        batch_op.drop_constraint("uq_dashboards_copy", type_="unique")
        batch_op.drop_index("ix_dashboards_team")
        batch_op.drop_column("shared_at")
        batch_op.drop_column("shared_team")
        batch_op.drop_column("shared_attribute")
        batch_op.drop_column("copied_from")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("team_attribute")
