"""The time-off requests and balances of the native API."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from timeledger.kit.timeutil import IsoDate
from timeledger.models import TimeoffRequest
from timeledger.settings.kind_schemas import ConfigDate, ReferenceId

RequestStatus = Literal["requested", "approved", "rejected", "cancelled"]
Portion = Literal["full", "first_half", "second_half"]
ZeroReason = Literal["weekend", "holiday", "not_planned", "outside_employment"]
MAX_NOTE = 2000
MAX_REQUEST_DAYS = 366


class TimeoffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeoff_policy_id: ReferenceId = Field(
        description="A time-off policy of the employee's terms on every day of the request."
    )
    start_day: ConfigDate
    end_day: ConfigDate = Field(
        description=f"The last day of leave, inclusive; at most {MAX_REQUEST_DAYS} days "
        "after start_day."
    )
    portion: Portion = Field(
        default="full",
        description="first_half or second_half: half of a single day, where the policy "
        "allows half days.",
    )
    note: str = Field(default="", max_length=MAX_NOTE)


class DecisionNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=MAX_NOTE)


class TimeoffDayRead(BaseModel):
    day: IsoDate
    amount: int = Field(description="What the day takes, in the request's unit.")
    credited_minutes: int = Field(
        description="The minutes of the day's time-off entry once approved: what it credits "
        "against the norm."
    )
    why: ZeroReason | None = Field(
        description="Why the day takes nothing: weekend, holiday, not_planned (the "
        "weekly pattern plans no minutes) or outside_employment; null when it takes "
        "something."
    )


class TimeoffRead(BaseModel):
    id: int
    employee_id: int
    timeoff_policy_id: int
    account_id: int | None = Field(description="The account it takes from; null: none.")
    unit: Literal["days", "hours"] = Field(
        description="days: amounts in hundredths of a day (100 = 1 day); hours: in minutes."
    )
    start_day: IsoDate
    end_day: IsoDate
    portion: Portion
    note: str
    status: RequestStatus
    amount: int = Field(description="What the request takes in all, in `unit`.")
    days: list[TimeoffDayRead]
    decision_note: str
    requested_by_user_id: int | None
    decided_by_user_id: int | None = Field(
        description="Who approved or rejected it; null when the policy needs no approval."
    )
    decided_at: datetime | None
    cancelled_by_user_id: int | None
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime


def timeoff_view(request: TimeoffRequest) -> TimeoffRead:
    return TimeoffRead(
        id=request.id,
        employee_id=request.employee_id,
        timeoff_policy_id=request.timeoff_policy_id,
        account_id=request.account_id,
        unit=request.unit,
        start_day=request.start_day,
        end_day=request.end_day,
        portion=request.portion,
        note=request.note,
        status=request.status,
        amount=request.amount,
        days=[
            TimeoffDayRead(
                day=day["day"],
                amount=day["amount"],
                credited_minutes=day["credited_minutes"],
                why=day["zero_reason"],
            )
            for day in request.days
        ],
        decision_note=request.decision_note,
        requested_by_user_id=request.requested_by_user_id,
        decided_by_user_id=request.decided_by_user_id,
        decided_at=request.decided_at,
        cancelled_by_user_id=request.cancelled_by_user_id,
        cancelled_at=request.cancelled_at,
        created_at=request.created_at,
        updated_at=request.updated_at,
    )


class TimeoffExpiringRead(BaseModel):
    amount: int = Field(description="Negative: what will expire, as things stand.")
    on: IsoDate = Field(description="The day it is gone (the day after the deadline).")


class TimeoffBalanceRead(BaseModel):
    timeoff_policy_id: int
    name: str
    account_id: int
    unit: Literal["days", "hours"]
    balance: int = Field(description="The account's movements up to as_of.")
    pending: int = Field(description="Requested, not decided yet.")
    planned: int = Field(description="Approved, on days after as_of.")
    available: int = Field(description="balance - pending - planned.")
    expiring: list[TimeoffExpiringRead]
