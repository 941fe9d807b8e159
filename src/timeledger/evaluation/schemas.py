"""The live preview's request and answer."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from timeledger.kit.timeutil import IsoDate
from timeledger.rules.figures import Evaluation
from timeledger.settings.kind_schemas import ConfigDate
from timeledger.settings.schemas import AllowancePolicyCreate, WorktimePolicyCreate

MAX_RANGE_DAYS = 62


class DraftPolicies(BaseModel):
    """Unsaved policies replacing the employee's for this preview (their `key` and
    `effective_from` are not used). A field left out keeps the saved policies; a
    `worktime_policy` of null previews without one."""

    model_config = ConfigDict(extra="forbid")

    worktime_policy: WorktimePolicyCreate | None = None
    allowance_policies: list[AllowancePolicyCreate] | None = Field(default=None, max_length=20)


class EvaluateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: ConfigDate = Field(alias="from", description="First local date.")
    to: ConfigDate = Field(description=f"Last local date; at most {MAX_RANGE_DAYS} days in all.")
    draft_policies: DraftPolicies | None = None

    @model_validator(mode="after")
    def _bounded_range(self) -> "EvaluateRequest":
        if self.to < self.from_:
            raise ValueError("`to` lies before `from`")
        if (self.to - self.from_).days + 1 > MAX_RANGE_DAYS:
            raise ValueError(f"a range spans at most {MAX_RANGE_DAYS} days")
        return self


class SourceRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    presence_interval_id: int | None
    entry_id: int | None
    from_: datetime | None = Field(alias="from")
    to: datetime | None
    minutes: int


class LineRead(BaseModel):
    day: IsoDate
    kind: Literal["worked", "norm", "break_deduction", "allowance", "overtime", "flex"]
    policy_id: int | None = Field(description="Null for a draft policy.")
    policy_version_effective_from: IsoDate | None
    rule_index: int | None = Field(
        description="The rule of an allowance policy, or the step of a work-time policy."
    )
    plugin_id: str | None
    rate_percent: int | None
    minutes: int
    units: int | None
    amount_minor: int | None
    basis: Literal["day", "week"] | None = Field(
        description="For a counter's overtime: found by the daily or the weekly threshold."
    )
    sources: list[SourceRead]


class IssueRead(BaseModel):
    day: IsoDate
    severity: Literal["warning", "error"]
    code: str
    message: str
    policy_id: int | None
    plugin_id: str | None


class DayRead(BaseModel):
    day: IsoDate
    norm_minutes: int
    worked_minutes: int
    credited_minutes: int
    flex_delta_minutes: int | None = Field(description="Null without a flex account.")


class TotalsRead(BaseModel):
    norm_minutes: int
    worked_minutes: int
    overtime_minutes: int
    flex_delta_minutes: int | None


class EvaluationRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    employee_id: int
    from_: IsoDate = Field(alias="from")
    to: IsoDate
    input_digest: str = Field(
        description="SHA-256 of the canonical inputs: the same inputs, the same digest."
    )
    days: list[DayRead]
    lines: list[LineRead]
    issues: list[IssueRead]
    totals: TotalsRead


def rendered(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation as `EvaluationRead` reads it (dates and instants as Python values)."""
    return {
        "employee_id": evaluation.employee_id,
        "from": evaluation.first,
        "to": evaluation.last,
        "input_digest": evaluation.input_digest,
        "days": [vars(day) for day in evaluation.days],
        "lines": [
            {
                **{name: getattr(line, name) for name in _LINE_FIELDS},
                "sources": [
                    {
                        "presence_interval_id": source.presence_interval_id,
                        "entry_id": source.entry_id,
                        "from": source.started_at,
                        "to": source.ended_at,
                        "minutes": source.minutes,
                    }
                    for source in line.sources
                ],
            }
            for line in evaluation.lines
        ],
        "issues": [vars(issue) for issue in evaluation.issues],
        "totals": vars(evaluation.totals),
    }


_LINE_FIELDS = (
    "day",
    "kind",
    "policy_id",
    "policy_version_effective_from",
    "rule_index",
    "plugin_id",
    "rate_percent",
    "minutes",
    "units",
    "amount_minor",
    "basis",
)
