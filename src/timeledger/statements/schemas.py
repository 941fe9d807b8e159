"""The statements' requests and answers."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from timeledger.evaluation.schemas import DayRead, IssueRead, LineRead, TotalsRead
from timeledger.kit.timeutil import IsoDate
from timeledger.models import Statement
from timeledger.settings.kind_schemas import ConfigDate

StatementStatus = Literal["draft", "submitted", "approved", "settled", "exported"]
MAX_PAYOUT = 2**31 - 1
MAX_NOTE = 2000


class PayrollLineRead(BaseModel):
    code: str = Field(
        description="The allowance's target activity key, or OT_BASE, OT_SUPPLEMENT, FLEX_DEFICIT."
    )
    minutes: int
    rate_percent: int | None
    units: int | None
    amount_minor: int | None


class StatementRead(BaseModel):
    id: int
    employee_id: int
    period: Literal["week", "month"]
    period_start: IsoDate
    period_end: IsoDate
    settlement_policy_id: int | None
    status: StatementStatus
    revision: int = Field(description="Grows whenever the figures are recomputed.")
    stale: bool = Field(
        description="The timesheet or the policies changed after it was submitted: withdraw "
        "and submit again."
    )
    input_digest: str
    totals: TotalsRead
    error_issues: int
    payout_minutes: int | None = Field(description="Overtime minutes chosen to be paid out.")
    payroll_lines: list[PayrollLineRead] = Field(description="Written when it is settled.")
    note: str = Field(description="The last rejection's note.")
    generated_at: datetime
    submitted_at: datetime | None
    submitted_by_user_id: int | None
    decided_at: datetime | None = Field(description="When it was approved or rejected.")
    decided_by_user_id: int | None = Field(
        description="Who approved or rejected it; null when the terms need no approval."
    )
    settled_at: datetime | None
    exported_at: datetime | None
    reopened_at: datetime | None
    reopened_by_user_id: int | None
    created_at: datetime
    updated_at: datetime


class StatementDetail(StatementRead):
    days: list[DayRead]
    lines: list[LineRead]
    issues: list[IssueRead]


class GenerateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period_start: ConfigDate = Field(
        description="The first day of the period, or any day of it: the period of the "
        "employee's settlement policy (week or month) that holds it."
    )


class SubmitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payout_minutes: int = Field(
        default=0,
        ge=0,
        le=MAX_PAYOUT,
        description="Of the overtime, the minutes to pay out; the rest is banked (at most "
        "the statement's overtime minutes).",
    )


class RejectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=MAX_NOTE, description="Why: the employee sees it.")


class ReopenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=MAX_NOTE, description="Why; kept in the audit log.")


def statement_view(statement: Statement) -> StatementRead:
    return StatementRead.model_validate(_fields(statement))


def statement_detail(statement: Statement) -> StatementDetail:
    figures = statement.evaluation
    return StatementDetail.model_validate(
        {
            **_fields(statement),
            "days": figures["days"],
            "lines": figures["lines"],
            "issues": figures["issues"],
        }
    )


def _fields(statement: Statement) -> dict[str, Any]:
    fields = {
        name: getattr(statement, name) for name in StatementRead.model_fields if name != "totals"
    }
    return fields | {"totals": statement.evaluation["totals"]}
