"""Statements: an employee's period closed for payroll, its locks and its payroll exports."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, JsonDocument, TenantMixin


class Statement(IdMixin, TenantMixin, Base):
    """One employee's period (a week or a month of their settlement policy): the evaluation
    it was generated from, where it stands in its life cycle, and what settling it paid.

    `evaluation` holds the rule engine's days, lines, issues and totals as JSON; the
    totals are copied into columns so lists filter and sort on them. `payroll_lines` are
    written when the statement is settled.
    """

    __tablename__ = "statements"
    __table_args__ = (
        UniqueConstraint("workspace_id", "employee_id", "period_start"),
        Index("ix_statements_period", "workspace_id", "period_start", "employee_id"),
        Index("ix_statements_status", "workspace_id", "status", "period_start"),
        Index(
            "ix_statements_status_submitted_at",
            "workspace_id",
            "status",
            "submitted_at",
            "id",
            "employee_id",
        ),
    )

    employee_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employees.id", ondelete="CASCADE")
    )
    period: Mapped[str] = mapped_column(String(8), comment="week | month")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    settlement_policy_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("settlement_policies.id")
    )
    status: Mapped[str] = mapped_column(
        String(16),
        default="draft",
        comment="draft | submitted | approved | settled | exported",
    )
    revision: Mapped[int] = mapped_column(default=1)
    stale: Mapped[bool] = mapped_column(default=False)
    input_digest: Mapped[str] = mapped_column(String(64))
    evaluation: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    norm_minutes: Mapped[int]
    worked_minutes: Mapped[int]
    overtime_minutes: Mapped[int]
    flex_delta_minutes: Mapped[int | None]
    error_issues: Mapped[int] = mapped_column(comment="How many issues of severity error.")
    payout_minutes: Mapped[int | None]
    payroll_lines: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    note: Mapped[str] = mapped_column(Text, default="", comment="The last rejection's note.")
    generated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    submitted_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    decided_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    settled_at: Mapped[datetime | None]
    exported_at: Mapped[datetime | None]
    reopened_at: Mapped[datetime | None]
    reopened_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    row_version: Mapped[int] = mapped_column(default=1)


class PeriodLock(IdMixin, TenantMixin, Base):
    """Days of an employee's presence and entries that no one changes without `force`:
    the period of a settled statement."""

    __tablename__ = "period_locks"
    __table_args__ = (Index("ix_period_locks_employee", "workspace_id", "employee_id", "last_day"),)

    employee_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employees.id", ondelete="CASCADE")
    )
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    statement_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("statements.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime]


class PayrollExport(IdMixin, TenantMixin, Base):
    """A payroll file of the settled statements of a period, written by a job."""

    __tablename__ = "payroll_exports"

    period_start: Mapped[date] = mapped_column(Date)
    format: Mapped[str] = mapped_column(String(8), comment="csv | xlsx")
    employee_ids: Mapped[list[int] | None] = mapped_column(JsonDocument)
    status: Mapped[str] = mapped_column(
        String(16), default="pending", comment="pending | done | failed"
    )
    job_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("jobs.id", ondelete="SET NULL")
    )
    statements: Mapped[int] = mapped_column(default=0)
    lines: Mapped[int] = mapped_column(default=0)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
