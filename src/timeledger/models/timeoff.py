"""Time-off requests: an employee's leave of a policy over a range of days, and what each
day of it takes."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import (
    Base,
    Identifier,
    IdMixin,
    JsonDocument,
    PinnedInSession,
    TenantMixin,
)


class TimeoffRequest(IdMixin, TenantMixin, PinnedInSession, Base):
    """A request for leave of one policy from `start_day` to `end_day`.

    `days` holds what each day takes as the usage rule counted it when the request was
    made: `[{day, amount, credited_minutes, zero_reason}]`. Approval posts a `usage`
    movement per day that takes something and books a time-off entry on it; cancelling an
    approved request reverses both.
    """

    __tablename__ = "timeoff_requests"
    __table_args__ = (
        Index("ix_timeoff_requests_employee_days", "workspace_id", "employee_id", "start_day"),
        Index("ix_timeoff_requests_days", "workspace_id", "start_day", "id"),
        Index("ix_timeoff_requests_status", "workspace_id", "status", "start_day"),
        Index(
            "ix_timeoff_requests_status_created_at",
            "workspace_id",
            "status",
            "created_at",
            "id",
            "employee_id",
        ),
    )

    employee_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employees.id", ondelete="CASCADE")
    )
    timeoff_policy_id: Mapped[int] = mapped_column(Identifier, ForeignKey("timeoff_policies.id"))
    account_id: Mapped[int | None] = mapped_column(
        Identifier,
        ForeignKey("timebank_accounts.id"),
        comment="The policy's account when the request was made; null for leave without one.",
    )
    unit: Mapped[str] = mapped_column(String(8), comment="days | hours: the unit of `amount`.")
    start_day: Mapped[date] = mapped_column(Date)
    end_day: Mapped[date] = mapped_column(Date)
    portion: Mapped[str] = mapped_column(String(12), comment="full | first_half | second_half")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(
        String(12), comment="requested | approved | rejected | cancelled"
    )
    amount: Mapped[int] = mapped_column(comment="What the request takes, in `unit`.")
    days: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    requested_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    cancelled_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    row_version: Mapped[int] = mapped_column(default=1)
