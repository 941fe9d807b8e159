"""The two layers of time: presence (when and why) and entries (what and where), plus the
per-day and per-month totals of entries that grouped listings read instead of scanning
entries."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, JsonDocument, TenantMixin


class PresenceInterval(IdMixin, TenantMixin, Base):
    """A check-in/check-out record; open while `ended_at` is null.

    The partial unique index is what guarantees at most one open interval per employee,
    whatever the number of server processes.
    """

    __tablename__ = "presence_intervals"
    __table_args__ = (
        Index(
            "uq_presence_intervals_one_open",
            "employee_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        Index("ix_presence_intervals_employee_started", "employee_id", "started_at"),
        # The overlap check seeks the closed intervals ending after a start.
        Index("ix_presence_intervals_employee_ended", "employee_id", "ended_at"),
    )

    employee_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employees.id", ondelete="CASCADE")
    )
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    day: Mapped[date] = mapped_column(Date, comment="Local date of the start.")
    timezone: Mapped[str] = mapped_column(String(64), comment="Zone the times were recorded in.")
    reason_id: Mapped[int | None] = mapped_column(Identifier, ForeignKey("reasons.id"))
    activity_id: Mapped[int | None] = mapped_column(Identifier, ForeignKey("activities.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(8), comment="clock | manual | kiosk | import")
    created_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    row_version: Mapped[int] = mapped_column(default=1)


class PresenceBreak(IdMixin, TenantMixin, Base):
    """A break inside a presence interval; open while `ended_at` is null."""

    __tablename__ = "presence_breaks"
    __table_args__ = (
        Index(
            "uq_presence_breaks_one_open",
            "interval_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    interval_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("presence_intervals.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


UNDER_APPROVAL = "under_approval"


class TimeEntry(IdMixin, TenantMixin, Base):
    """A registration of minutes on a local date against an activity (and project, task).

    `customer_id` is the project's customer on the entry's date when the entry was last
    written, kept here so filters and totals by customer need no version lookup.
    A running timer is `timer_started_at`; the partial unique index keeps one per employee.
    """

    __tablename__ = "time_entries"
    __table_args__ = (
        Index("ix_time_entries_employee_day", "workspace_id", "employee_id", "day", "id"),
        Index("ix_time_entries_day", "workspace_id", "day", "id"),
        Index("ix_time_entries_project_day", "workspace_id", "project_id", "day"),
        # The few entries awaiting approval, for the approvals inbox's project weeks.
        Index(
            "ix_time_entries_under_approval",
            "workspace_id",
            "employee_id",
            "project_id",
            "day",
            sqlite_where=text(f"approval_status = '{UNDER_APPROVAL}'"),
            postgresql_where=text(f"approval_status = '{UNDER_APPROVAL}'"),
        ),
        # With the workspace first, as every scoped query asks: on the employee alone,
        # SQLite preferred the (workspace, employee, day) index and read all of the
        # employee's entries to find the running one (1.2 ms against 0.006 on 4 years).
        Index(
            "uq_time_entries_one_timer",
            "workspace_id",
            "employee_id",
            unique=True,
            sqlite_where=text("timer_started_at IS NOT NULL"),
            postgresql_where=text("timer_started_at IS NOT NULL"),
        ),
    )

    employee_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employees.id", ondelete="CASCADE")
    )
    day: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    timezone: Mapped[str | None] = mapped_column(String(64))
    breaks: Mapped[list[dict[str, Any]]] = mapped_column(
        JsonDocument, default=list, comment="[{started_at, ended_at}] as ISO instants."
    )
    break_minutes: Mapped[int] = mapped_column(default=0)
    activity_id: Mapped[int] = mapped_column(Identifier, ForeignKey("activities.id"))
    project_id: Mapped[int | None] = mapped_column(Identifier, ForeignKey("projects.id"))
    task_id: Mapped[int | None] = mapped_column(Identifier, ForeignKey("tasks.id"))
    customer_id: Mapped[int | None] = mapped_column(Identifier, ForeignKey("customers.id"))
    dimension_values: Mapped[dict[str, str]] = mapped_column(
        JsonDocument, default=dict, comment="Dimension id (as text) → chosen value."
    )
    note: Mapped[str] = mapped_column(Text, default="")
    billable: Mapped[bool]
    hourly_rate_minor: Mapped[int | None]
    revenue_minor: Mapped[int | None]
    rate_source: Mapped[str | None] = mapped_column(String(24))
    billing_state: Mapped[str] = mapped_column(String(8), default="unbilled")
    approval_status: Mapped[str] = mapped_column(String(16), default="not_approved_yet")
    creation_type: Mapped[str | None] = mapped_column(String(8))
    locked: Mapped[bool] = mapped_column(default=False)
    timer_started_at: Mapped[datetime | None]
    presence_interval_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("presence_intervals.id", ondelete="SET NULL")
    )
    timeoff_request_id: Mapped[int | None] = mapped_column(
        Identifier,
        ForeignKey("timeoff_requests.id", ondelete="CASCADE"),
        index=True,
        comment="The approved time-off request that booked this entry.",
    )
    created_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    row_version: Mapped[int] = mapped_column(default=1)


def awaiting_approval() -> ColumnElement[bool]:
    """The entries under approval, with the status written into the SQL as the predicate of
    `ix_time_entries_under_approval` is. Bound as a value, it would make SQLite prepare the
    statement again at every run (to check the index's WHERE against the value), and keep
    PostgreSQL's generic plans from using the index."""
    return TimeEntry.approval_status == literal_column(f"'{UNDER_APPROVAL}'")


class EntryDayTotal(TenantMixin, Base):
    """Sums of the entries of one employee, day, activity, project and billable flag.

    Written in the same transaction as every entry change, so it always equals a
    recomputation from the entries. `week_start` follows the workspace's week start and
    `month_start` is the first of the month, so week and month groups read an index.
    A missing project or customer is stored as 0 (a unique key cannot hold nulls).
    """

    __tablename__ = "entry_day_totals"
    __table_args__ = (
        UniqueConstraint(
            "workspace_id",
            "employee_id",
            "day",
            "activity_id",
            "project_key",
            "customer_key",
            "billable",
            name="uq_entry_day_totals_key",
        ),
        Index("ix_entry_day_totals_employee_week", "workspace_id", "employee_id", "week_start"),
        Index("ix_entry_day_totals_week", "workspace_id", "week_start", "employee_id"),
        Index("ix_entry_day_totals_project", "workspace_id", "project_key", "day"),
    )

    id: Mapped[int] = mapped_column(Identifier, primary_key=True, autoincrement=True)
    employee_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employees.id", ondelete="CASCADE")
    )
    day: Mapped[date] = mapped_column(Date)
    week_start: Mapped[date] = mapped_column(Date)
    month_start: Mapped[date] = mapped_column(Date)
    activity_id: Mapped[int] = mapped_column(Identifier)
    project_key: Mapped[int] = mapped_column(Identifier)
    customer_key: Mapped[int] = mapped_column(Identifier)
    billable: Mapped[bool]
    minutes: Mapped[int]
    revenue_minor: Mapped[int]
    entries: Mapped[int]


class EntryMonthTotal(TenantMixin, Base):
    """The day totals of one employee, month, activity, project and billable flag summed.

    Rewritten from `entry_day_totals` for every (employee, month) an entry write touches,
    in the same transaction, so it equals a recomputation. Grouped reads whose keys and
    dates are whole months (`group_by=user,month` over years) read this instead of the day
    totals: a twentieth of the rows. `first_day` and `last_day` are the month's first and
    last days with entries.
    """

    __tablename__ = "entry_month_totals"
    __table_args__ = (
        UniqueConstraint(
            "workspace_id",
            "employee_id",
            "month_start",
            "activity_id",
            "project_key",
            "customer_key",
            "billable",
            name="uq_entry_month_totals_key",
        ),
        # Holds the sums too, so the totals of any months are read from the index alone.
        Index(
            "ix_entry_month_totals_month",
            "workspace_id",
            "month_start",
            "employee_id",
            "minutes",
            "revenue_minor",
            "entries",
        ),
    )

    id: Mapped[int] = mapped_column(Identifier, primary_key=True, autoincrement=True)
    employee_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("employees.id", ondelete="CASCADE")
    )
    month_start: Mapped[date] = mapped_column(Date)
    activity_id: Mapped[int] = mapped_column(Identifier)
    project_key: Mapped[int] = mapped_column(Identifier)
    customer_key: Mapped[int] = mapped_column(Identifier)
    billable: Mapped[bool]
    minutes: Mapped[int]
    revenue_minor: Mapped[int]
    entries: Mapped[int]
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
