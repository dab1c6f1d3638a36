"""A table description the admin confirmed safe for every end user (catalog_tables)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("catalog_tables", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description_reviewed", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("catalog_tables", schema=None) as batch_op:
        batch_op.drop_column("description_reviewed")
