"""What each registry's plugins are given and answer. A plugin module defines its config
model and one behaviour function of its registry's shape:

- filters: `(spans, FilterContext, config) -> spans` (a subset of the minutes given);
- calculators: `(spans, config) -> Figure | None`;
- counters: `(days: Sequence[CounterDay], config, share) -> list[CounterTake]`, `share`
  the part of the weekly threshold that applies (a `Fraction`, 1 for a whole week);
- work-time steps: `(WorkDay, config) -> spans` (the minutes to deduct);
- constraints: `(days: Sequence[DayOutcome], config) -> list[Finding]`;
- settlement steps: `(SettlementState, config) -> StepResult`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from timeledger.rules.plugins.base import PluginConfig
from timeledger.rules.timeline import LocalCalendar, Span


@dataclass(frozen=True)
class FilterContext:
    shift_day: date
    calendar: LocalCalendar
    holidays: frozenset[date]


@dataclass(frozen=True)
class Figure:
    """A calculator's answer for one shift day."""

    minutes: int
    rate_percent: int | None = None
    units: int | None = None
    amount_minor: int | None = None


@dataclass(frozen=True)
class CounterDay:
    shift_day: date
    norm_minutes: int
    spans: tuple[Span, ...]
    """The day's worked minutes the policy sees, in time order."""
    claimed: tuple[Span, ...] = ()
    """Minutes an earlier policy classified as overtime: not this policy's to take."""
    config: PluginConfig | None = None
    """The config of the policy version in force on the day, for its daily threshold
    (None: the week's)."""


@dataclass(frozen=True)
class CounterTake:
    shift_day: date
    basis: Literal["day", "week"]
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class WorkDay:
    shift_day: date
    spans: tuple[Span, ...]
    """Worked minutes left by the steps before, in time order."""
    break_minutes: tuple[int, ...]
    """The length of each gap between those minutes: a recorded break, the time between
    two intervals (clocked out for lunch), a deduction of an earlier step."""


@dataclass(frozen=True)
class DayOutcome:
    """One shift day as constraints see it."""

    shift_day: date
    week_start: date
    presence: tuple[Span, ...]
    """Minutes present minus recorded breaks, before any deduction, in time order."""
    worked_minutes: int
    overtime_minutes: int
    open_interval_ids: tuple[int, ...]
    work_entry_minutes: int
    has_work_entries: bool


@dataclass(frozen=True)
class Finding:
    shift_day: date
    code: str
    message: str


def clock_text(minutes: int) -> str:
    """Minutes as hours and minutes, `7:30`."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"


@dataclass(frozen=True)
class OvertimeMinutes:
    """Overtime of one line of a statement, in the statement's order."""

    day: date
    minutes: int
    rate_percent: int
    in_flex: bool = False
    """The minutes stayed in the flex delta (their policy does not consume flex): only
    their supplement is left to pay."""


@dataclass(frozen=True)
class PayLine:
    """A line for payroll: minutes (and units, an amount) under a code, at a rate."""

    code: str
    minutes: int
    rate_percent: int | None = None
    units: int | None = None
    amount_minor: int | None = None


MovementCause = Literal["settlement", "expiry"]


@dataclass(frozen=True)
class Posting:
    """A change of a timebank balance a settlement step makes."""

    account_id: int
    amount: int
    cause: MovementCause = "settlement"


@dataclass(frozen=True)
class SettlementState:
    """What a settlement step sees: the statement's figures and the balances as the steps
    before it left them."""

    period_start: date
    period_end: date
    flex_delta_minutes: int
    overtime: tuple[OvertimeMinutes, ...]
    payout_minutes: int
    balances: Mapping[int, int]
    """Balances on the period's last day, by account, after the steps before."""
    flex_account_id: int | None
    """Where flex went: the account of the last `bank_norm_delta` before, else the
    work-time policy's flex account."""


@dataclass(frozen=True)
class StepResult:
    postings: tuple[Posting, ...] = ()
    pay_lines: tuple[PayLine, ...] = ()
    settles_overtime: bool = False
    """The step decided what happens to the overtime (else it is all paid)."""
    banks_flex_on: int | None = None
    locks_period: bool = False
