"""Whether end users may see a data source at all

- data_sources.end_users: "closed" (not in end users' catalog, the AI, MCP or any query, as
  if it did not exist) or "open" (under its access rules). A source connected from now on
  starts closed and the admin opens it; the sources a store already has were open to end users
  before this column, so they are set "open" and nothing changes for a current install. Later
  rows the application does not set get "closed".

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows take the server default they are added with: "open", as they behaved.
    with op.batch_alter_table("data_sources", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("end_users", sa.String(length=16), nullable=False, server_default="open")
        )
    # From now on a row that does not say is closed.
    with op.batch_alter_table("data_sources", schema=None) as batch_op:
        batch_op.alter_column(
            "end_users",
            existing_type=sa.String(length=16),
            existing_nullable=False,
            server_default="closed",
        )


def downgrade() -> None:
    with op.batch_alter_table("data_sources", schema=None) as batch_op:
        batch_op.drop_column("end_users")
