"""timebank movements

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import timeledger.kit.model

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "timebank_movements",
        sa.Column(
            "employee_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("day", sa.Date(), nullable=False, comment="The date the movement counts from."),
        sa.Column(
            "amount",
            sa.Integer(),
            nullable=False,
            comment="Minutes for an hours account, hundredths of a day for a days account.",
        ),
        sa.Column(
            "cause",
            sa.String(length=32),
            nullable=False,
            comment="adjustment | entitlement | usage | settlement | carry_over",
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "created_by_user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("created_at", timeledger.kit.model.EpochInstant(), nullable=False),
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
            ["account_id"],
            ["timebank_accounts.id"],
            name=op.f("fk_timebank_movements_account_id_timebank_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_timebank_movements_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_timebank_movements_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_timebank_movements_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timebank_movements")),
    )
    with op.batch_alter_table("timebank_movements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timebank_movements_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            "ix_timebank_movements_employee_account_day",
            ["workspace_id", "employee_id", "account_id", "day"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_timebank_movements_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_timebank_movements_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("timebank_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timebank_movements_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_timebank_movements_employee_id"))
        batch_op.drop_index("ix_timebank_movements_employee_account_day")
        batch_op.drop_index(batch_op.f("ix_timebank_movements_account_id"))

    op.drop_table("timebank_movements")
