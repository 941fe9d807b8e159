"""Shapes of time entries in the native API."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from timeledger.kit.timeutil import IsoDate
from timeledger.settings.kind_schemas import ConfigDate, ReferenceId, Text
from timeledger.timesheet.spans import MINUTES_PER_DAY

MAX_NOTE_LENGTH = 10_000
MAX_DIMENSION_VALUES = 50
MAX_BATCH_ITEMS = 100


class BillingState(StrEnum):
    UNBILLED = "unbilled"
    BILLED = "billed"
    PAID = "paid"


class ApprovalStatus(StrEnum):
    """McTime's approval statuses of a time registration."""

    NOT_APPROVED_YET = "not_approved_yet"
    UNDER_APPROVAL = "under_approval"
    APPROVED = "approved"
    DISAPPROVED = "disapproved"
    EXPORTED = "exported"


class CreationType(StrEnum):
    """How a registration came to be, as McTime reports it (`null` when unknown)."""

    TIMES = "times"
    CLOCK = "clock"
    WTM = "wtm"


Minutes = Annotated[int, Field(ge=0, le=MINUTES_PER_DAY)]
Note = Annotated[Text, Field(max_length=MAX_NOTE_LENGTH)]
DimensionValue = Annotated[Text, Field(min_length=1, max_length=200)]


def _dimension_keys(values: dict[str, str] | None) -> dict[str, str] | None:
    if values is None:
        return None
    if len(values) > MAX_DIMENSION_VALUES:
        raise ValueError(f"at most {MAX_DIMENSION_VALUES} dimension values")
    for key in values:
        if not key.isdigit() or not 1 <= int(key) <= 2**63 - 1:
            raise ValueError(f"keys are dimension ids; {key[:20]!r} is not one")
    return values


DimensionValues = Annotated[dict[str, DimensionValue], AfterValidator(_dimension_keys)]


class EntryBreakSpan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    started_at: AwareDatetime
    ended_at: AwareDatetime


class EntryFields(BaseModel):
    """What a caller may set on an entry; every field optional (updates send a subset)."""

    model_config = ConfigDict(extra="forbid")

    date: ConfigDate | None = Field(
        default=None,
        description="Local date. Required unless `started_at` is given (then derived from "
        "it in the employee's time zone).",
    )
    minutes: Minutes | None = Field(
        default=None,
        description="Duration. Derived from `started_at`/`ended_at` minus breaks when those "
        "are given; rounded per the project's rounding rule.",
    )
    started_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None
    breaks: list[EntryBreakSpan] | None = Field(default=None, max_length=20)
    activity_id: ReferenceId | None = None
    project_id: ReferenceId | None = None
    task_id: ReferenceId | None = None
    dimension_values: DimensionValues | None = None
    note: Note | None = None
    billable: bool | None = Field(
        default=None, description="Default: the task's, else the project's, else the activity's."
    )
    billing_state: BillingState | None = None
    approval_status: ApprovalStatus | None = None
    creation_type: CreationType | None = None
    locked: bool | None = Field(
        default=None, description="Locking and unlocking need `timesheet:force:*`."
    )


class EntryCreate(EntryFields):
    activity_id: ReferenceId = Field(description="What the time was spent on.")


class EntryBatchItem(EntryCreate):
    employee_id: ReferenceId = Field(description="Whose timesheet the entry goes to.")


class EntryBatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[EntryBatchItem] = Field(
        min_length=1,
        max_length=MAX_BATCH_ITEMS,
        description=f"1 to {MAX_BATCH_ITEMS} entries, created in this order, all or none.",
    )


class EntryUpdate(EntryFields):
    """Fields sent replace the stored ones; `null` clears `project_id`, `task_id`,
    `started_at`/`ended_at` and `creation_type`."""


class Tracking(BaseModel):
    since: datetime
    minutes: int = Field(description="Minutes on the entry plus the running timer's.")


class EntryRead(BaseModel):
    id: int
    employee_id: int
    user_id: int | None
    date: IsoDate
    minutes: int
    started_at: datetime | None
    ended_at: datetime | None
    timezone: str | None
    breaks: list[EntryBreakSpan]
    break_minutes: int
    activity_id: int
    project_id: int | None
    task_id: int | None
    customer_id: int | None
    dimension_values: dict[str, str]
    note: str
    billable: bool
    hourly_rate_minor: int | None
    revenue_minor: int | None
    currency: str
    rate_source: str | None
    billing_state: BillingState
    approval_status: ApprovalStatus
    creation_type: CreationType | None
    locked: bool
    tracking: Tracking | None
    presence_interval_id: int | None
    timeoff_request_id: int | None = Field(
        description="The approved time-off request that booked this entry: change it by "
        "cancelling the request."
    )
    created_at: datetime
    updated_at: datetime


class EntryBatch(BaseModel):
    items: list[EntryRead] = Field(description="The created entries, in the request's order.")


class TimerState(BaseModel):
    """The running timer of an employee after the call, and the one the call stopped."""

    tracking_entry: EntryRead | None
    stopped_entry: EntryRead | None = Field(
        default=None, description="The entry whose timer this call stopped, if any."
    )
