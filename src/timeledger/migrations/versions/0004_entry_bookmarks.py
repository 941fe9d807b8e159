"""entry bookmarks

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import timeledger.kit.model

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entry_bookmarks",
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "query",
            sa.String(length=2000),
            nullable=False,
            comment="URL query string of the time-entry list, without a leading '?'.",
        ),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("created_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column("updated_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_entry_bookmarks_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_entry_bookmarks_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_bookmarks")),
        sa.UniqueConstraint(
            "workspace_id",
            "user_id",
            "name",
            name=op.f("uq_entry_bookmarks_workspace_id_user_id_name"),
        ),
    )
    with op.batch_alter_table("entry_bookmarks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entry_bookmarks_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_entry_bookmarks_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("entry_bookmarks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_bookmarks_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_entry_bookmarks_user_id"))

    op.drop_table("entry_bookmarks")
