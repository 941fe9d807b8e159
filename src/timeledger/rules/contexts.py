"""What each registry's plugins are given and answer. A plugin module defines its config
model and one behaviour function of its registry's shape:

- filters: `(spans, FilterContext, config) -> spans` (a subset of the minutes given);
- calculators: `(spans, config) -> Figure | None`;
- counters: `(days: Sequence[CounterDay], config, share) -> list[CounterTake]`, `share`
  the part of the weekly threshold that applies (a `Fraction`, 1 for a whole week);
- work-time steps: `(WorkDay, config) -> spans` (the minutes to deduct);
- constraints: `(days: Sequence[DayOutcome], config) -> list[Finding]`.
"""

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
