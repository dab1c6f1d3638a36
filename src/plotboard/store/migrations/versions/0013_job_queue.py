"""Analyze jobs on a queue run by `plotboard worker` (or a web server's worker thread)

- analyze_jobs.attempts: how many times a worker took the job (a job released at shutdown
  gives its attempt back);
- analyze_jobs.max_attempts: after that many failed attempts the job ends failed;
- analyze_jobs.run_after: a queued job waits until then (the back-off between attempts);
- analyze_jobs.lease_expires_at: a running job belongs to its worker until then; the worker
  renews it while it works, and any worker takes a job whose lease ran out.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("analyze_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("max_attempts", sa.Integer(), nullable=False, server_default="3")
        )
        batch_op.add_column(sa.Column("run_after", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_analyze_jobs_status", ["status"])
    # Jobs a server was running when it was upgraded: queued again, for a worker to resume.
    op.execute("UPDATE analyze_jobs SET status = 'queued', runner = NULL WHERE status = 'running'")


def downgrade() -> None:
    with op.batch_alter_table("analyze_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_analyze_jobs_status")
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("run_after")
        batch_op.drop_column("max_attempts")
        batch_op.drop_column("attempts")
