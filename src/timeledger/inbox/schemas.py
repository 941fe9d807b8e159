"""The approvals inbox and bulk decisions of the native API."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from timeledger.approvals.routing import Kind, Via
from timeledger.kit.timeutil import IsoDate

MAX_DECISIONS = 100
MAX_NOTE = 2000


class InboxSummary(BaseModel):
    """What the item amounts to; fields that do not apply to its kind are null."""

    amount: int | None = Field(
        description="Time off: what the request takes, in `unit` (hundredths of a day or minutes)."
    )
    unit: Literal["days", "hours"] | None
    minutes: int | None = Field(
        description="Statement: minutes worked; project week: minutes of its entries."
    )
    norm_minutes: int | None = Field(description="Statement: the norm of its period.")
    overtime_minutes: int | None = Field(description="Statement: its overtime.")
    entries: int | None = Field(description="Project week: how many entries await.")


class InboxItem(BaseModel):
    kind: Kind
    id: str = Field(
        description="The item's id within its kind: a statement's or time-off request's "
        "id; for a project week `{employee_id}-{project_id}-{first day of the week}`."
    )
    employee_id: int
    employee_name: str
    project_id: int | None = Field(description="Project week: its project.")
    period_start: IsoDate
    period_end: IsoDate
    summary: InboxSummary
    requested_at: datetime = Field(
        description="When it started to wait: submitted, requested, or the last entry submitted."
    )
    via: Via = Field(
        description="manager: you manage the employee's unit (or the nearest one above "
        "with an approver, or you approve everyone); project_manager: you manage the "
        "project; delegation: someone delegated their approvals to you."
    )
    on_behalf_of_user_id: int | None = Field(
        description="With via=delegation: the delegator you would decide for."
    )
    href: str = Field(description="The item in the native API.")


class InboxPage(BaseModel):
    items: list[InboxItem]
    next_cursor: str | None = None


class InboxCount(BaseModel):
    count: int
    by_kind: dict[Kind, int]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    id: str = Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z-]+$")
    decision: Literal["approve", "reject"]
    note: str = Field(default="", max_length=MAX_NOTE)


class DecisionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decisions: list[DecisionIn] = Field(min_length=1, max_length=MAX_DECISIONS)


class DecisionOutcome(BaseModel):
    kind: Kind
    id: str
    decision: Literal["approve", "reject"]
    status: int = Field(description="200 when taken; else the status of `problem`.")
    item_status: str | None = Field(
        description="Where the item stands after the decision (approved, draft, rejected); "
        "null when it was refused."
    )
    problem: dict[str, Any] | None = Field(
        description="Why this decision was refused: a problem document (RFC 9457)."
    )


class DecisionsOut(BaseModel):
    results: list[DecisionOutcome]
    taken: int = Field(description="How many decisions were taken.")
    refused: int
