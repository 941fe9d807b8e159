"""the one running timer per employee indexed with its workspace, so that the workspace's
scoped lookup of an employee's timer uses it

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUNNING = sa.text("timer_started_at IS NOT NULL")


def _replace_timer_index(columns: list[str]) -> None:
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_time_entries_one_timer", sqlite_where=RUNNING, postgresql_where=RUNNING
        )
        batch_op.create_index(
            "uq_time_entries_one_timer",
            columns,
            unique=True,
            sqlite_where=RUNNING,
            postgresql_where=RUNNING,
        )


def upgrade() -> None:
    _replace_timer_index(["workspace_id", "employee_id"])


def downgrade() -> None:
    _replace_timer_index(["employee_id"])
