"""Approvals: delegations of a person's approvals, and the record of every decision."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, JsonDocument, TenantMixin


class ApprovalDelegation(IdMixin, TenantMixin, Base):
    """From `starts_on` to `ends_on`, the delegate also sees and decides the items routed to
    the delegator (of `kinds`; empty means every kind)."""

    __tablename__ = "approval_delegations"
    __table_args__ = (
        Index("ix_approval_delegations_delegate", "workspace_id", "delegate_user_id", "ends_on"),
        Index("ix_approval_delegations_delegator", "workspace_id", "delegator_user_id", "ends_on"),
    )

    delegator_user_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="CASCADE")
    )
    delegate_user_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="CASCADE")
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    kinds: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    created_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    row_version: Mapped[int] = mapped_column(default=1)


class ApprovalDecision(IdMixin, TenantMixin, Base):
    """One approval or rejection of an item, whichever operation took it: who decided, on
    whose behalf (a delegation), when, and the note."""

    __tablename__ = "approval_decisions"
    __table_args__ = (
        Index("ix_approval_decisions_at", "workspace_id", "decided_at"),
        Index("ix_approval_decisions_employee", "workspace_id", "employee_id", "decided_at"),
    )

    kind: Mapped[str] = mapped_column(String(16), comment="timeoff | statement | project_entries")
    item_id: Mapped[str] = mapped_column(String(64))
    employee_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employees.id", ondelete="CASCADE")
    )
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(String(8), comment="approve | reject")
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    on_behalf_of_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime]
