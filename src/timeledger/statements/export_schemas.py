"""Shapes of payroll exports in the native API (tag Timesheet)."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from timeledger.jobs.schemas import JobProgress
from timeledger.kit.timeutil import IsoDate
from timeledger.settings.kind_schemas import ConfigDate, ReferenceId

MAX_EXPORT_EMPLOYEES = 1000


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class ExportStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class PayrollExportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period_start: ConfigDate = Field(
        description="The first day of the statements' period (a week's or a month's)."
    )
    format: ExportFormat
    employee_ids: list[ReferenceId] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_EXPORT_EMPLOYEES,
        description=f"Only these employees' statements (1 to {MAX_EXPORT_EMPLOYEES} ids); "
        "default: every employee's.",
    )


class PayrollExportRead(BaseModel):
    id: int
    period_start: IsoDate
    format: ExportFormat
    employee_ids: list[int] | None = Field(
        description="The employees asked for, sorted; null for every employee."
    )
    status: ExportStatus = Field(
        description="`pending` until the job has written the file; `failed` when the job "
        "failed or was cancelled."
    )
    job_id: int | None = Field(description="The job writing the file.")
    progress: JobProgress = Field(description="The job's progress, in statements.")
    error: str | None = Field(description="Why the job failed, when it did.")
    statements: int = Field(description="How many statements the file holds.")
    lines: int = Field(description="How many payroll lines the file holds.")
    sha256: str | None = Field(description="The file's SHA-256, hex; null until it is written.")
    created_at: datetime
    finished_at: datetime | None
