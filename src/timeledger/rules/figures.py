"""What an evaluation answers: lines (every figure, with the policy, plugin and records
that produced it), issues, and the days' figures."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from timeledger.rules.facts import Severity

LineKind = Literal["worked", "norm", "break_deduction", "allowance", "overtime", "flex"]


@dataclass(frozen=True)
class Source:
    presence_interval_id: int | None
    entry_id: int | None
    started_at: datetime | None
    ended_at: datetime | None
    minutes: int


@dataclass(frozen=True)
class Line:
    day: date
    kind: LineKind
    minutes: int
    policy_id: int | None = None
    policy_version_effective_from: date | None = None
    rule_index: int | None = None
    plugin_id: str | None = None
    rate_percent: int | None = None
    units: int | None = None
    amount_minor: int | None = None
    basis: Literal["day", "week"] | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Issue:
    day: date
    severity: Severity
    code: str
    message: str
    policy_id: int | None = None
    plugin_id: str | None = None


@dataclass(frozen=True)
class DayFigures:
    day: date
    norm_minutes: int
    worked_minutes: int
    credited_minutes: int
    flex_delta_minutes: int | None


@dataclass(frozen=True)
class Totals:
    norm_minutes: int
    worked_minutes: int
    overtime_minutes: int
    flex_delta_minutes: int | None


@dataclass(frozen=True)
class Evaluation:
    employee_id: int
    first: date
    last: date
    input_digest: str
    days: tuple[DayFigures, ...]
    lines: tuple[Line, ...]
    issues: tuple[Issue, ...]
    totals: Totals
