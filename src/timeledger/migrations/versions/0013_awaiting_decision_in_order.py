"""the statements and time-off requests awaiting a decision, in the order they came

The approvals inbox reads each kind oldest first and only as far as a page needs; these
indexes hand it the rows in that order, with the employee to filter by, so the database
touches only the rows the page shows (on SQLite a statement's row carries its
evaluation document, read in full for any column after it).

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_statements_status_submitted_at",
        "statements",
        ["workspace_id", "status", "submitted_at", "id", "employee_id"],
    )
    op.create_index(
        "ix_timeoff_requests_status_created_at",
        "timeoff_requests",
        ["workspace_id", "status", "created_at", "id", "employee_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_timeoff_requests_status_created_at", table_name="timeoff_requests")
    op.drop_index("ix_statements_status_submitted_at", table_name="statements")
