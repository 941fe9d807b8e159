"""Shapes of batch jobs and schedules in the native API (tag Admin)."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from timeledger.kit.text import WITHOUT_NUL


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = frozenset({JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED})

KindName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=WITHOUT_NUL,
        description="A job kind people may start, such as `timesheet.stop-timers`.",
        examples=["timesheet.stop-timers"],
    ),
]
Parameters = Annotated[
    dict[str, Any],
    Field(description="The kind's parameters; each kind documents its own (docs/jobs.md)."),
]
ScheduleName = Annotated[str, Field(min_length=1, max_length=200, pattern=WITHOUT_NUL)]
Cron = Annotated[
    str,
    Field(
        min_length=1,
        max_length=120,
        pattern=WITHOUT_NUL,
        description="Five fields (minute hour day-of-month month day-of-week), read in "
        "the workspace's time zone.",
        examples=["0 23 * * *"],
    ),
]


class JobStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: KindName
    parameters: Parameters = Field(default_factory=dict)


class JobProgress(BaseModel):
    done: int
    total: int | None = Field(description="Null while the job has not counted its work yet.")
    percent: int | None = Field(description="0 to 100; null while the total is unknown.")


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    parameters: dict[str, Any] = Field(validation_alias=AliasChoices("parameters", "payload"))
    status: JobStatus
    progress: JobProgress
    result: dict[str, Any] | None = Field(description="What a finished job reported.")
    error: str | None = Field(
        validation_alias=AliasChoices("error", "last_error"),
        description="The last failure's summary: the error's type and message, one line.",
    )
    attempts: int
    run_at: datetime = Field(description="When the job is (or was last) due.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    cancel_requested_at: datetime | None
    schedule_id: int | None
    created_by_user_id: int | None


class ScheduleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ScheduleName
    kind: KindName
    cron: Cron
    parameters: Parameters = Field(default_factory=dict)
    active: bool = True


class ScheduleUpdate(BaseModel):
    """Fields left out keep their values; the kind of a schedule does not change."""

    model_config = ConfigDict(extra="forbid")

    name: ScheduleName | None = None
    cron: Cron | None = None
    parameters: Parameters | None = None
    active: bool | None = None


class ScheduleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    cron: str
    timezone: str = Field(description="The workspace's time zone, in which `cron` is read.")
    parameters: dict[str, Any] = Field(validation_alias=AliasChoices("parameters", "payload"))
    active: bool
    next_run_at: datetime | None = Field(description="In UTC; null while inactive.")
    last_run_at: datetime | None
    created_by_user_id: int | None
    created_at: datetime
    updated_at: datetime
