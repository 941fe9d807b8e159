"""workspace revisions

The change log's revision counter moves from the workspace's row to a row of its own
(models/changelog.py, `WorkspaceRevision`): every write updated the row that almost
every request reads.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace_revisions",
        sa.Column(
            "workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_workspace_revisions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_workspace_revisions")),
    )
    op.execute(
        "INSERT INTO workspace_revisions (workspace_id, revision) "
        "SELECT id, revision FROM workspaces WHERE revision > 0"
    )
    # Not a batch operation: on SQLite that copies the table and drops the old one, and
    # dropping the workspaces would delete every row that cascades from them.
    op.execute("ALTER TABLE workspaces DROP COLUMN revision")


def downgrade() -> None:
    op.execute("ALTER TABLE workspaces ADD COLUMN revision BIGINT DEFAULT 0 NOT NULL")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "COMMENT ON COLUMN workspaces.revision IS 'Last revision written to the change log.'"
        )
    op.execute(
        "UPDATE workspaces SET revision = (SELECT revision FROM workspace_revisions "
        "WHERE workspace_revisions.workspace_id = workspaces.id) "
        "WHERE id IN (SELECT workspace_id FROM workspace_revisions)"
    )
    op.drop_table("workspace_revisions")
