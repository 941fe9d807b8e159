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
        # A settlement posts each (statement, revision, step, account) once, however often
        # it runs; movements posted by hand have no statement, and nulls never collide.
        Index(
            "uq_timebank_movements_settlement",
            "statement_id",
            "statement_revision",
            "settlement_step",
            "account_id",
            unique=True,
        ),
        # An accrual or expiry of a policy's period is posted once per key, however many
        # workers run the job; a request's day is used, or given back, once.
        Index(
            "uq_timebank_movements_timeoff_key",
            "employee_id",
            "timeoff_policy_id",
            "timeoff_key",
            unique=True,
        ),
        Index(
            "uq_timebank_movements_request_day",
            "timeoff_request_id",
            "day",
            "cause",
            unique=True,
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
        String(32),
        comment="adjustment | entitlement | usage | settlement | expiry | reversal | carry_over "
        "| accrual",
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    statement_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("statements.id", ondelete="SET NULL")
    )
    statement_revision: Mapped[int | None]
    settlement_step: Mapped[str | None] = mapped_column(
        String(40), comment="The step that posted it: `0.bank_norm_delta`, `reversal`."
    )
    timeoff_policy_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("timeoff_policies.id", ondelete="SET NULL")
    )
    timeoff_key: Mapped[str | None] = mapped_column(
        String(40),
        comment="The accrual's or expiry's period and posting: `accrual:2026:1`, `cap:2025:1`.",
    )
    timeoff_request_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("timeoff_requests.id", ondelete="CASCADE")
    )
