"""statements, their period locks and payroll exports; settlement keys on timebank movements

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import timeledger.kit.model

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statements",
        sa.Column(
            "employee_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("period", sa.String(length=8), nullable=False, comment="week | month"),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column(
            "settlement_policy_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "status",
            sa.String(length=16),
            nullable=False,
            comment="draft | submitted | approved | settled | exported",
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("input_digest", sa.String(length=64), nullable=False),
        sa.Column(
            "evaluation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("norm_minutes", sa.Integer(), nullable=False),
        sa.Column("worked_minutes", sa.Integer(), nullable=False),
        sa.Column("overtime_minutes", sa.Integer(), nullable=False),
        sa.Column("flex_delta_minutes", sa.Integer(), nullable=True),
        sa.Column(
            "error_issues",
            sa.Integer(),
            nullable=False,
            comment="How many issues of severity error.",
        ),
        sa.Column("payout_minutes", sa.Integer(), nullable=True),
        sa.Column(
            "payroll_lines",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False, comment="The last rejection's note."),
        sa.Column("generated_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column("submitted_at", timeledger.kit.model.EpochInstant(), nullable=True),
        sa.Column(
            "submitted_by_user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("decided_at", timeledger.kit.model.EpochInstant(), nullable=True),
        sa.Column(
            "decided_by_user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("settled_at", timeledger.kit.model.EpochInstant(), nullable=True),
        sa.Column("exported_at", timeledger.kit.model.EpochInstant(), nullable=True),
        sa.Column("reopened_at", timeledger.kit.model.EpochInstant(), nullable=True),
        sa.Column(
            "reopened_by_user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("created_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column("updated_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
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
            ["decided_by_user_id"],
            ["users.id"],
            name=op.f("fk_statements_decided_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_statements_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reopened_by_user_id"],
            ["users.id"],
            name=op.f("fk_statements_reopened_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["settlement_policy_id"],
            ["settlement_policies.id"],
            name=op.f("fk_statements_settlement_policy_id_settlement_policies"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_user_id"],
            ["users.id"],
            name=op.f("fk_statements_submitted_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_statements_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
        sa.UniqueConstraint(
            "workspace_id",
            "employee_id",
            "period_start",
            name=op.f("uq_statements_workspace_id_employee_id_period_start"),
        ),
    )
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_statements_period", ["workspace_id", "period_start", "employee_id"], unique=False
        )
        batch_op.create_index(
            "ix_statements_status", ["workspace_id", "status", "period_start"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_statements_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "payroll_exports",
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False, comment="csv | xlsx"),
        sa.Column(
            "employee_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "status", sa.String(length=16), nullable=False, comment="pending | done | failed"
        ),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column(
            "created_by_user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("created_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column("finished_at", timeledger.kit.model.EpochInstant(), nullable=True),
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
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_payroll_exports_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_payroll_exports_job_id_jobs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_payroll_exports_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_exports")),
    )
    with op.batch_alter_table("payroll_exports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payroll_exports_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "period_locks",
        sa.Column(
            "employee_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column(
            "statement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
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
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_period_locks_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_period_locks_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_period_locks_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_locks")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_period_locks_statement_id")),
    )
    with op.batch_alter_table("period_locks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_period_locks_employee", ["workspace_id", "employee_id", "last_day"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_period_locks_workspace_id"), ["workspace_id"], unique=False
        )

    with op.batch_alter_table("timebank_movements", schema=None) as batch_op:
        batch_op.alter_column(
            "cause",
            existing_type=sa.String(length=32),
            existing_nullable=False,
            comment="adjustment | entitlement | usage | settlement | expiry | reversal | carry_over",
            existing_comment="adjustment | entitlement | usage | settlement | carry_over",
        )
        batch_op.add_column(
            sa.Column(
                "statement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.add_column(sa.Column("statement_revision", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "settlement_step",
                sa.String(length=40),
                nullable=True,
                comment="The step that posted it: `0.bank_norm_delta`, `reversal`.",
            )
        )
        batch_op.create_index(
            "uq_timebank_movements_settlement",
            ["statement_id", "statement_revision", "settlement_step", "account_id"],
            unique=True,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_timebank_movements_statement_id_statements"),
            "statements",
            ["statement_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("timebank_movements", schema=None) as batch_op:
        batch_op.alter_column(
            "cause",
            existing_type=sa.String(length=32),
            existing_nullable=False,
            comment="adjustment | entitlement | usage | settlement | carry_over",
            existing_comment="adjustment | entitlement | usage | settlement | expiry | reversal | carry_over",
        )
        batch_op.drop_constraint(
            batch_op.f("fk_timebank_movements_statement_id_statements"), type_="foreignkey"
        )
        batch_op.drop_index("uq_timebank_movements_settlement")
        batch_op.drop_column("settlement_step")
        batch_op.drop_column("statement_revision")
        batch_op.drop_column("statement_id")

    with op.batch_alter_table("period_locks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_period_locks_workspace_id"))
        batch_op.drop_index("ix_period_locks_employee")

    op.drop_table("period_locks")
    with op.batch_alter_table("payroll_exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payroll_exports_workspace_id"))

    op.drop_table("payroll_exports")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statements_workspace_id"))
        batch_op.drop_index("ix_statements_status")
        batch_op.drop_index("ix_statements_period")

    op.drop_table("statements")
