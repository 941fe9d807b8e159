"""the rule engine's policies: work-time, allowance and settlement policies (effective-dated
configuration with plugin references stored as JSON), and the employment terms' references
to them as foreign keys

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import timeledger.kit.model

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IDENTIFIER = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
POLICY_REFERENCES = ("worktime_policy_id", "settlement_policy_id")


def upgrade() -> None:
    op.create_table(
        "allowance_policies",
        sa.Column("key", sa.String(length=64), nullable=True),
        sa.Column("created_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column("updated_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column("deleted_at", timeledger.kit.model.EpochInstant(), nullable=True),
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
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_allowance_policies_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allowance_policies")),
        sa.UniqueConstraint(
            "workspace_id", "key", name=op.f("uq_allowance_policies_workspace_id_key")
        ),
    )
    with op.batch_alter_table("allowance_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allowance_policies_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "settlement_policies",
        sa.Column("key", sa.String(length=64), nullable=True),
        sa.Column("created_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column("updated_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column("deleted_at", timeledger.kit.model.EpochInstant(), nullable=True),
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
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_settlement_policies_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_policies")),
        sa.UniqueConstraint(
            "workspace_id", "key", name=op.f("uq_settlement_policies_workspace_id_key")
        ),
    )
    with op.batch_alter_table("settlement_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_settlement_policies_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "worktime_policies",
        sa.Column("key", sa.String(length=64), nullable=True),
        sa.Column("created_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column("updated_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column("deleted_at", timeledger.kit.model.EpochInstant(), nullable=True),
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
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_worktime_policies_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worktime_policies")),
        sa.UniqueConstraint(
            "workspace_id", "key", name=op.f("uq_worktime_policies_workspace_id_key")
        ),
    )
    with op.batch_alter_table("worktime_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_worktime_policies_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "allowance_policy_versions",
        sa.Column(
            "allowance_policy_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "target_activity_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "trigger_reason_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("classify_as_overtime", sa.Boolean(), nullable=False),
        sa.Column("consumes_flex", sa.Boolean(), nullable=False),
        sa.Column(
            "counter",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
            comment="A plugin reference of registry counters, or null.",
        ),
        sa.Column(
            "rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
            comment="[{filters: [plugin references], calculator: reference}], or null.",
        ),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("recorded_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column(
            "workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["allowance_policy_id"],
            ["allowance_policies.id"],
            name=op.f("fk_allowance_policy_versions_allowance_policy_id_allowance_policies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_activity_id"],
            ["activities.id"],
            name=op.f("fk_allowance_policy_versions_target_activity_id_activities"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_allowance_policy_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allowance_policy_versions")),
    )
    with op.batch_alter_table("allowance_policy_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allowance_policy_versions_allowance_policy_id"),
            ["allowance_policy_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_allowance_policy_versions_effective_from"),
            ["effective_from"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_allowance_policy_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "settlement_policy_versions",
        sa.Column(
            "settlement_policy_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False, comment="week | month"),
        sa.Column(
            "steps",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
            comment="Plugin references of registry settlement-steps.",
        ),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("recorded_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column(
            "workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["settlement_policy_id"],
            ["settlement_policies.id"],
            name=op.f("fk_settlement_policy_versions_settlement_policy_id_settlement_policies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_settlement_policy_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_policy_versions")),
    )
    with op.batch_alter_table("settlement_policy_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_settlement_policy_versions_effective_from"),
            ["effective_from"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_settlement_policy_versions_settlement_policy_id"),
            ["settlement_policy_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_settlement_policy_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "worktime_policy_versions",
        sa.Column(
            "worktime_policy_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "flex_account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "steps",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
            comment="Plugin references of registry worktime-steps.",
        ),
        sa.Column(
            "constraints",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
            comment="Plugin references of registry constraints, each with its severity.",
        ),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("recorded_at", timeledger.kit.model.EpochInstant(), nullable=False),
        sa.Column(
            "workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["flex_account_id"],
            ["timebank_accounts.id"],
            name=op.f("fk_worktime_policy_versions_flex_account_id_timebank_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_worktime_policy_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worktime_policy_id"],
            ["worktime_policies.id"],
            name=op.f("fk_worktime_policy_versions_worktime_policy_id_worktime_policies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worktime_policy_versions")),
    )
    with op.batch_alter_table("worktime_policy_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_worktime_policy_versions_effective_from"),
            ["effective_from"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_worktime_policy_versions_workspace_id"), ["workspace_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_worktime_policy_versions_worktime_policy_id"),
            ["worktime_policy_id"],
            unique=False,
        )

    # Until now these were plain integers that validation kept null.
    with op.batch_alter_table("employment_terms_versions", schema=None) as batch_op:
        for column in POLICY_REFERENCES:
            batch_op.alter_column(
                column, existing_type=sa.Integer(), type_=IDENTIFIER, existing_nullable=True
            )
        batch_op.create_foreign_key(
            batch_op.f("fk_employment_terms_versions_settlement_policy_id_settlement_policies"),
            "settlement_policies",
            ["settlement_policy_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_employment_terms_versions_worktime_policy_id_worktime_policies"),
            "worktime_policies",
            ["worktime_policy_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("employment_terms_versions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_employment_terms_versions_worktime_policy_id_worktime_policies"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(
            batch_op.f("fk_employment_terms_versions_settlement_policy_id_settlement_policies"),
            type_="foreignkey",
        )
        for column in POLICY_REFERENCES:
            batch_op.alter_column(
                column, existing_type=IDENTIFIER, type_=sa.Integer(), existing_nullable=True
            )

    with op.batch_alter_table("worktime_policy_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worktime_policy_versions_worktime_policy_id"))
        batch_op.drop_index(batch_op.f("ix_worktime_policy_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_worktime_policy_versions_effective_from"))

    op.drop_table("worktime_policy_versions")
    with op.batch_alter_table("settlement_policy_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settlement_policy_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_settlement_policy_versions_settlement_policy_id"))
        batch_op.drop_index(batch_op.f("ix_settlement_policy_versions_effective_from"))

    op.drop_table("settlement_policy_versions")
    with op.batch_alter_table("allowance_policy_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allowance_policy_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_allowance_policy_versions_effective_from"))
        batch_op.drop_index(batch_op.f("ix_allowance_policy_versions_allowance_policy_id"))

    op.drop_table("allowance_policy_versions")
    with op.batch_alter_table("worktime_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worktime_policies_workspace_id"))

    op.drop_table("worktime_policies")
    with op.batch_alter_table("settlement_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settlement_policies_workspace_id"))

    op.drop_table("settlement_policies")
    with op.batch_alter_table("allowance_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allowance_policies_workspace_id"))

    op.drop_table("allowance_policies")
