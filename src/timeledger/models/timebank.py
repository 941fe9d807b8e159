"""Timebank movements: every change of an employee's balance on a timebank account."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, TenantMixin


class TimebankMovement(IdMixin, TenantMixin, Base):
    """One change of an employee's balance on a timebank account, with its cause.

    A balance is the sum of an account's movements for an employee up to a date. `amount`
    is an integer in the account's unit: minutes for an `hours` account, hundredths of a
    day for a `days` account (150 = 1.5 days); negative amounts take from the balance.
    """

    __tablename__ = "timebank_movements"
    __table_args__ = (
        Index(
            "ix_timebank_movements_employee_account_day",
            "workspace_id",
            "employee_id",
            "account_id",
            "day",
        ),
    )

    employee_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employees.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("timebank_accounts.id"), index=True
    )
    day: Mapped[date] = mapped_column(Date, comment="The date the movement counts from.")
    amount: Mapped[int] = mapped_column(
        comment="Minutes for an hours account, hundredths of a day for a days account."
    )
    cause: Mapped[str] = mapped_column(
        String(32), comment="adjustment | entitlement | usage | settlement | carry_over"
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
