"""service names unique by an expression index

`uq_users_service_name` was a partial index (WHERE kind = 'service'). SQLite prepared every
statement binding `users.kind` again at each run to check that WHERE against the value;
an index on the expression `CASE WHEN kind = 'service' THEN name END` keeps the same
uniqueness (persons count as NULL) without it (models/identity.py).

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SERVICE_NAME_EXPRESSION = "(CASE WHEN kind = 'service' THEN name END)"


def upgrade() -> None:
    op.drop_index("uq_users_service_name", table_name="users")
    op.create_index(
        "uq_users_service_name",
        "users",
        ["workspace_id", sa.text(SERVICE_NAME_EXPRESSION)],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_users_service_name", table_name="users")
    op.create_index(
        "uq_users_service_name",
        "users",
        ["workspace_id", "name"],
        unique=True,
        sqlite_where=sa.text("kind = 'service'"),
        postgresql_where=sa.text("kind = 'service'"),
    )
