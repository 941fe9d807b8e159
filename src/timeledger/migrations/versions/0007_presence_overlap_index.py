"""presence intervals indexed by employee and end, for the overlap check

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_presence_intervals_employee_ended",
        "presence_intervals",
        ["employee_id", "ended_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_presence_intervals_employee_ended", table_name="presence_intervals")
