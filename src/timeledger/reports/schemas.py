"""Shapes of the reports' JSON answers (they document them; rows are rendered from Core
rows straight to JSON)."""

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from timeledger.jobs.schemas import JobProgress
from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.timeutil import IsoDate

MONTH_PATTERN = r"^\d{4}-\d{2}$"


class HoursRow(BaseModel):
    """One group; only the keys named by `group_by` (and their names) are present."""

    employee_id: int | None = None
    employee_name: str | None = None
    org_unit_id: int | None = Field(
        default=None, description="The employee's unit on the entries' dates; null: none."
    )
    org_unit_name: str | None = None
    customer_id: int | None = None
    customer_name: str | None = None
    project_id: int | None = None
    project_name: str | None = None
    task_id: int | None = None
    task_name: str | None = None
    activity_id: int | None = None
    activity_name: str | None = None
    day: IsoDate | None = None
    week: IsoDate | None = Field(default=None, description="First day of the week.")
    month: str | None = Field(default=None, pattern=MONTH_PATTERN)
    year: int | None = None
    minutes: int
    revenue_minor: int
    entries: int
    currency: str
    first_date: IsoDate = Field(description="Date of the group's earliest entry.")
    last_date: IsoDate = Field(
        description="Date of the group's latest entry: the names are those in force then."
    )


class HoursTotals(BaseModel):
    minutes: int
    revenue_minor: int
    entries: int
    currency: str


class HoursReport(BaseModel):
    items: list[HoursRow]
    next_cursor: str | None = None
    totals: HoursTotals = Field(description="Sums over every group, not only this page.")


class ActivityMinutes(BaseModel):
    work_minutes: int
    timeoff_minutes: int
    non_work_minutes: int
    allowance_minutes: int
    total_minutes: int = Field(description="Of all activity types: the sum of the four.")


class ActivityRow(ActivityMinutes):
    """One employee and period; only the period asked for is present."""

    employee_id: int
    employee_name: str | None
    week: IsoDate | None = Field(default=None, description="First day of the week.")
    month: str | None = Field(default=None, pattern=MONTH_PATTERN)
    year: int | None = None
    first_date: IsoDate = Field(description="Date of the row's earliest entry.")
    last_date: IsoDate = Field(description="Date of its latest entry: the name is as then.")


class ActivityReport(BaseModel):
    items: list[ActivityRow]
    next_cursor: str | None = None
    totals: ActivityMinutes = Field(description="Sums over every row, not only this page.")


class PresenceFigures(BaseModel):
    worked_minutes: int = Field(description="Of closed intervals, less their closed breaks.")
    break_minutes: int = Field(description="Of closed breaks in closed intervals.")
    open_intervals: int
    missing_clock_outs: int = Field(description="Open intervals begun before today.")


class PresenceRow(PresenceFigures):
    employee_id: int
    employee_name: str | None = Field(description="As on the day.")
    day: IsoDate = Field(description="Local date the intervals start on.")
    first_in: AwareDatetime = Field(description="Earliest start (UTC).")
    last_out: AwareDatetime | None = Field(description="Latest end of a closed interval (UTC).")


class PresenceReport(BaseModel):
    items: list[PresenceRow]
    next_cursor: str | None = None
    totals: PresenceFigures = Field(description="Sums over every row, not only this page.")


class MovementSums(BaseModel):
    """In the account's unit: minutes, or hundredths of a day."""

    adjustment: int
    entitlement: int
    usage: int
    settlement: int
    expiry: int
    reversal: int
    carry_over: int
    accrual: int
    net: int = Field(description="All causes together.")


class AccountMovementsRow(MovementSums):
    """One employee, account and period; only the period asked for is present."""

    employee_id: int
    employee_name: str | None
    account_id: int
    account_name: str | None
    unit: str | None = Field(description="days or hours.")
    week: IsoDate | None = Field(default=None, description="First day of the week.")
    month: str | None = Field(default=None, pattern=MONTH_PATTERN)
    year: int | None = None
    opening_balance: int = Field(description="Before the row's movements.")
    closing_balance: int = Field(description="The opening balance plus `net`.")


class AccountMovementsReport(BaseModel):
    items: list[AccountMovementsRow]
    next_cursor: str | None = None
    totals: MovementSums = Field(
        description="Sums over every row (balances are not summed: units may differ)."
    )


class RunFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class RunStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


MAX_RUN_QUERY_LENGTH = 8000


class ReportRunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: RunFormat
    query: str = Field(
        default="",
        max_length=MAX_RUN_QUERY_LENGTH,
        pattern=WITHOUT_NUL,
        description="The query string of the report's GET, without `?` (for example "
        "`group_by=employee,day&from=2025-01-01`); `format`, `limit` and `cursor` in it are "
        "ignored.",
    )


class ReportRunRead(BaseModel):
    id: int
    kind: str
    format: RunFormat
    query: str
    status: RunStatus = Field(
        description="`pending` until the job has written the file; `failed` when the job "
        "failed or was cancelled."
    )
    job_id: int | None = Field(description="The job writing the file.")
    progress: JobProgress = Field(description="The job's progress, in rows written.")
    error: str | None = Field(description="Why the job failed, when it did.")
    rows: int = Field(description="How many rows the file holds (once done).")
    sha256: str | None = Field(description="The file's SHA-256, hex; null until it is written.")
    created_at: datetime
    finished_at: datetime | None
