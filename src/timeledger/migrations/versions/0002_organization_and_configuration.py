"""organization and configuration

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import timeledger.kit.model

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activities",
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
            name=op.f("fk_activities_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_activities_workspace_id_key")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_activities_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "customers",
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
            name=op.f("fk_customers_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_customers_workspace_id_key")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customers_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "dimensions",
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
            name=op.f("fk_dimensions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dimensions")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_dimensions_workspace_id_key")),
    )
    with op.batch_alter_table("dimensions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dimensions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "employment_terms",
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
            name=op.f("fk_employment_terms_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employment_terms")),
        sa.UniqueConstraint(
            "workspace_id", "key", name=op.f("uq_employment_terms_workspace_id_key")
        ),
    )
    with op.batch_alter_table("employment_terms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employment_terms_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "holiday_calendars",
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
            name=op.f("fk_holiday_calendars_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday_calendars")),
        sa.UniqueConstraint(
            "workspace_id", "key", name=op.f("uq_holiday_calendars_workspace_id_key")
        ),
    )
    with op.batch_alter_table("holiday_calendars", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_holiday_calendars_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "org_units",
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
            name=op.f("fk_org_units_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_units")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_org_units_workspace_id_key")),
    )
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_units_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "projects",
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
            name=op.f("fk_projects_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_projects_workspace_id_key")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_projects_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "reasons",
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
            name=op.f("fk_reasons_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reasons")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_reasons_workspace_id_key")),
    )
    with op.batch_alter_table("reasons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reasons_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "timebank_accounts",
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
            name=op.f("fk_timebank_accounts_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timebank_accounts")),
        sa.UniqueConstraint(
            "workspace_id", "key", name=op.f("uq_timebank_accounts_workspace_id_key")
        ),
    )
    with op.batch_alter_table("timebank_accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timebank_accounts_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "activity_versions",
        sa.Column(
            "activity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "type",
            sa.String(length=16),
            nullable=False,
            comment="work | timeoff | non-work | allowance",
        ),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("requires_project", sa.Boolean(), nullable=False),
        sa.Column(
            "required_dimension_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("hourly_rate_minor", sa.Integer(), nullable=True),
        sa.Column("color", sa.String(length=7), nullable=True),
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
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_versions_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["activities.id"], name=op.f("fk_activity_versions_parent_id_activities")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_activity_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_versions")),
    )
    with op.batch_alter_table("activity_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_activity_versions_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_activity_versions_effective_from"), ["effective_from"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_activity_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "customer_versions",
        sa.Column(
            "customer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("hourly_rate_minor", sa.Integer(), nullable=True),
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
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_versions_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_customer_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_versions")),
    )
    with op.batch_alter_table("customer_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_versions_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_customer_versions_effective_from"), ["effective_from"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_customer_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "dimension_versions",
        sa.Column(
            "dimension_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "allowed_values",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
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
            ["dimension_id"],
            ["dimensions.id"],
            name=op.f("fk_dimension_versions_dimension_id_dimensions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_dimension_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dimension_versions")),
    )
    with op.batch_alter_table("dimension_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dimension_versions_dimension_id"), ["dimension_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dimension_versions_effective_from"), ["effective_from"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dimension_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "employment_terms_versions",
        sa.Column(
            "employment_terms_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "norm_minutes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
            comment="Norm minutes per ISO weekday, Monday first.",
        ),
        sa.Column(
            "holiday_calendar_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "flex_account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "reason_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "timeoff_policy_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "allowance_policy_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("worktime_policy_id", sa.Integer(), nullable=True),
        sa.Column("settlement_policy_id", sa.Integer(), nullable=True),
        sa.Column(
            "timesheet_approval",
            sa.String(length=16),
            nullable=False,
            comment="none | manager | project_manager",
        ),
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
            ["employment_terms_id"],
            ["employment_terms.id"],
            name=op.f("fk_employment_terms_versions_employment_terms_id_employment_terms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["flex_account_id"],
            ["timebank_accounts.id"],
            name=op.f("fk_employment_terms_versions_flex_account_id_timebank_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["holiday_calendar_id"],
            ["holiday_calendars.id"],
            name=op.f("fk_employment_terms_versions_holiday_calendar_id_holiday_calendars"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_employment_terms_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employment_terms_versions")),
    )
    with op.batch_alter_table("employment_terms_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employment_terms_versions_effective_from"),
            ["effective_from"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_employment_terms_versions_employment_terms_id"),
            ["employment_terms_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_employment_terms_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "holiday_calendar_versions",
        sa.Column(
            "holiday_calendar_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True, comment="ISO 3166-1 alpha-2."),
        sa.Column("subdivision", sa.String(length=10), nullable=True),
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
            ["holiday_calendar_id"],
            ["holiday_calendars.id"],
            name=op.f("fk_holiday_calendar_versions_holiday_calendar_id_holiday_calendars"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_holiday_calendar_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday_calendar_versions")),
    )
    with op.batch_alter_table("holiday_calendar_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_holiday_calendar_versions_effective_from"),
            ["effective_from"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_holiday_calendar_versions_holiday_calendar_id"),
            ["holiday_calendar_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_holiday_calendar_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "holiday_custom_days",
        sa.Column(
            "holiday_calendar_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
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
            ["holiday_calendar_id"],
            ["holiday_calendars.id"],
            name=op.f("fk_holiday_custom_days_holiday_calendar_id_holiday_calendars"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_holiday_custom_days_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday_custom_days")),
        sa.UniqueConstraint(
            "holiday_calendar_id",
            "day",
            name=op.f("uq_holiday_custom_days_holiday_calendar_id_day"),
        ),
    )
    with op.batch_alter_table("holiday_custom_days", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_holiday_custom_days_holiday_calendar_id"),
            ["holiday_calendar_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_holiday_custom_days_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "org_unit_versions",
        sa.Column(
            "org_unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
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
            ["org_unit_id"],
            ["org_units.id"],
            name=op.f("fk_org_unit_versions_org_unit_id_org_units"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["org_units.id"], name=op.f("fk_org_unit_versions_parent_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_org_unit_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_unit_versions")),
    )
    with op.batch_alter_table("org_unit_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_unit_versions_effective_from"), ["effective_from"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_org_unit_versions_org_unit_id"), ["org_unit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_org_unit_versions_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_org_unit_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "project_activity_rates",
        sa.Column(
            "project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "activity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("hourly_rate_minor", sa.Integer(), nullable=False),
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
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_project_activity_rates_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_activity_rates_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_project_activity_rates_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_activity_rates")),
        sa.UniqueConstraint(
            "project_id",
            "activity_id",
            name=op.f("uq_project_activity_rates_project_id_activity_id"),
        ),
    )
    with op.batch_alter_table("project_activity_rates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_activity_rates_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_project_activity_rates_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_project_activity_rates_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "project_versions",
        sa.Column(
            "project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "customer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requires_manager_approval", sa.Boolean(), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("hourly_rate_minor", sa.Integer(), nullable=True),
        sa.Column("budget_kind", sa.String(length=8), nullable=False, comment="none|hours|money"),
        sa.Column(
            "budget_amount", sa.Integer(), nullable=True, comment="Minutes or minor currency units."
        ),
        sa.Column(
            "rounding_method",
            sa.String(length=8),
            nullable=False,
            comment="none | down | nearest | up",
        ),
        sa.Column("rounding_minutes", sa.Integer(), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=True),
        sa.Column("planned_end", sa.Date(), nullable=True),
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
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_project_versions_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_versions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_project_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_versions")),
    )
    with op.batch_alter_table("project_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_versions_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_project_versions_effective_from"), ["effective_from"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_project_versions_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_project_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "reason_versions",
        sa.Column(
            "reason_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
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
            ["reason_id"],
            ["reasons.id"],
            name=op.f("fk_reason_versions_reason_id_reasons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_reason_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reason_versions")),
    )
    with op.batch_alter_table("reason_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reason_versions_effective_from"), ["effective_from"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reason_versions_reason_id"), ["reason_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reason_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "tasks",
        sa.Column(
            "project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "parent_task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
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
            ["parent_task_id"], ["tasks.id"], name=op.f("fk_tasks_parent_task_id_tasks")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_tasks_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_tasks_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_tasks_workspace_id_key")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "timebank_account_versions",
        sa.Column(
            "timebank_account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False, comment="days | hours"),
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
            ["timebank_account_id"],
            ["timebank_accounts.id"],
            name=op.f("fk_timebank_account_versions_timebank_account_id_timebank_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_timebank_account_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timebank_account_versions")),
    )
    with op.batch_alter_table("timebank_account_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timebank_account_versions_effective_from"),
            ["effective_from"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_timebank_account_versions_timebank_account_id"),
            ["timebank_account_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_timebank_account_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "employees",
        sa.Column("employee_number", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
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
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_employees_user_id_users")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_employees_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employees")),
        sa.UniqueConstraint(
            "workspace_id",
            "employee_number",
            name=op.f("uq_employees_workspace_id_employee_number"),
        ),
        sa.UniqueConstraint("workspace_id", "key", name=op.f("uq_employees_workspace_id_key")),
        sa.UniqueConstraint(
            "workspace_id", "user_id", name=op.f("uq_employees_workspace_id_user_id")
        ),
    )
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employees_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "org_unit_managers",
        sa.Column(
            "org_unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
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
            ["org_unit_id"],
            ["org_units.id"],
            name=op.f("fk_org_unit_managers_org_unit_id_org_units"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_org_unit_managers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_org_unit_managers_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_unit_managers")),
        sa.UniqueConstraint(
            "org_unit_id", "user_id", name=op.f("uq_org_unit_managers_org_unit_id_user_id")
        ),
    )
    with op.batch_alter_table("org_unit_managers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_unit_managers_org_unit_id"), ["org_unit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_org_unit_managers_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_org_unit_managers_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "project_members",
        sa.Column(
            "project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("is_manager", sa.Boolean(), nullable=False),
        sa.Column("hourly_rate_minor", sa.Integer(), nullable=True),
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
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_members_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_project_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_project_members_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_members")),
        sa.UniqueConstraint(
            "project_id", "user_id", name=op.f("uq_project_members_project_id_user_id")
        ),
    )
    with op.batch_alter_table("project_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_members_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_project_members_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_project_members_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "task_versions",
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("hourly_rate_minor", sa.Integer(), nullable=True),
        sa.Column("budget_minutes", sa.Integer(), nullable=True),
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
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_versions_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_task_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_versions")),
    )
    with op.batch_alter_table("task_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_versions_effective_from"), ["effective_from"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_task_versions_task_id"), ["task_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_task_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "employee_versions",
        sa.Column(
            "employee_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column(
            "org_unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "employment_terms_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column(
            "weekly_pattern_minutes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
            comment="Planned minutes per ISO weekday, Monday first.",
        ),
        sa.Column("hourly_rate_minor", sa.Integer(), nullable=True),
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
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_employee_versions_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["employment_terms_id"],
            ["employment_terms.id"],
            name=op.f("fk_employee_versions_employment_terms_id_employment_terms"),
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"],
            ["org_units.id"],
            name=op.f("fk_employee_versions_org_unit_id_org_units"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_employee_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employee_versions")),
    )
    with op.batch_alter_table("employee_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employee_versions_effective_from"), ["effective_from"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_employee_versions_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_employee_versions_employment_terms_id"),
            ["employment_terms_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_employee_versions_org_unit_id"), ["org_unit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_employee_versions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "employments",
        sa.Column(
            "employee_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("percentage_hundredths", sa.Integer(), nullable=False, comment="10000 = 100 %."),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
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
            name=op.f("fk_employments_employee_id_employees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_employments_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employments")),
    )
    with op.batch_alter_table("employments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employments_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_employments_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("employments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employments_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_employments_employee_id"))

    op.drop_table("employments")
    with op.batch_alter_table("employee_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employee_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_employee_versions_org_unit_id"))
        batch_op.drop_index(batch_op.f("ix_employee_versions_employment_terms_id"))
        batch_op.drop_index(batch_op.f("ix_employee_versions_employee_id"))
        batch_op.drop_index(batch_op.f("ix_employee_versions_effective_from"))

    op.drop_table("employee_versions")
    with op.batch_alter_table("task_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_task_versions_task_id"))
        batch_op.drop_index(batch_op.f("ix_task_versions_effective_from"))

    op.drop_table("task_versions")
    with op.batch_alter_table("project_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_members_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_project_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_project_members_project_id"))

    op.drop_table("project_members")
    with op.batch_alter_table("org_unit_managers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_unit_managers_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_org_unit_managers_user_id"))
        batch_op.drop_index(batch_op.f("ix_org_unit_managers_org_unit_id"))

    op.drop_table("org_unit_managers")
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employees_workspace_id"))

    op.drop_table("employees")
    with op.batch_alter_table("timebank_account_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timebank_account_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_timebank_account_versions_timebank_account_id"))
        batch_op.drop_index(batch_op.f("ix_timebank_account_versions_effective_from"))

    op.drop_table("timebank_account_versions")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_project_id"))

    op.drop_table("tasks")
    with op.batch_alter_table("reason_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reason_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_reason_versions_reason_id"))
        batch_op.drop_index(batch_op.f("ix_reason_versions_effective_from"))

    op.drop_table("reason_versions")
    with op.batch_alter_table("project_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_project_versions_project_id"))
        batch_op.drop_index(batch_op.f("ix_project_versions_effective_from"))
        batch_op.drop_index(batch_op.f("ix_project_versions_customer_id"))

    op.drop_table("project_versions")
    with op.batch_alter_table("project_activity_rates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_activity_rates_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_project_activity_rates_project_id"))
        batch_op.drop_index(batch_op.f("ix_project_activity_rates_activity_id"))

    op.drop_table("project_activity_rates")
    with op.batch_alter_table("org_unit_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_unit_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_org_unit_versions_parent_id"))
        batch_op.drop_index(batch_op.f("ix_org_unit_versions_org_unit_id"))
        batch_op.drop_index(batch_op.f("ix_org_unit_versions_effective_from"))

    op.drop_table("org_unit_versions")
    with op.batch_alter_table("holiday_custom_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holiday_custom_days_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_holiday_custom_days_holiday_calendar_id"))

    op.drop_table("holiday_custom_days")
    with op.batch_alter_table("holiday_calendar_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holiday_calendar_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_holiday_calendar_versions_holiday_calendar_id"))
        batch_op.drop_index(batch_op.f("ix_holiday_calendar_versions_effective_from"))

    op.drop_table("holiday_calendar_versions")
    with op.batch_alter_table("employment_terms_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employment_terms_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_employment_terms_versions_employment_terms_id"))
        batch_op.drop_index(batch_op.f("ix_employment_terms_versions_effective_from"))

    op.drop_table("employment_terms_versions")
    with op.batch_alter_table("dimension_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dimension_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_dimension_versions_effective_from"))
        batch_op.drop_index(batch_op.f("ix_dimension_versions_dimension_id"))

    op.drop_table("dimension_versions")
    with op.batch_alter_table("customer_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_customer_versions_effective_from"))
        batch_op.drop_index(batch_op.f("ix_customer_versions_customer_id"))

    op.drop_table("customer_versions")
    with op.batch_alter_table("activity_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_versions_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_activity_versions_effective_from"))
        batch_op.drop_index(batch_op.f("ix_activity_versions_activity_id"))

    op.drop_table("activity_versions")
    with op.batch_alter_table("timebank_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timebank_accounts_workspace_id"))

    op.drop_table("timebank_accounts")
    with op.batch_alter_table("reasons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reasons_workspace_id"))

    op.drop_table("reasons")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_workspace_id"))

    op.drop_table("projects")
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_units_workspace_id"))

    op.drop_table("org_units")
    with op.batch_alter_table("holiday_calendars", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holiday_calendars_workspace_id"))

    op.drop_table("holiday_calendars")
    with op.batch_alter_table("employment_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employment_terms_workspace_id"))

    op.drop_table("employment_terms")
    with op.batch_alter_table("dimensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dimensions_workspace_id"))

    op.drop_table("dimensions")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_workspace_id"))

    op.drop_table("customers")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_workspace_id"))

    op.drop_table("activities")
