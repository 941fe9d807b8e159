"""What the time-off registries' plugins are given and answer (`timeledger.rules.timeoff`
re-exports its types):

- usage rules: `(plan: DayPlan, portion: Portion) -> int`, what a day that counts takes;
- accruals: an `Accruing` (`timeledger.rules.plugins.accruals`);
- expirations: `(movements: Sequence[Movement], window: ExpiryWindow, config) ->
  list[Expiry]`.

Amounts are integers in the account's unit: hundredths of a day for a `days` account
(100 = one day), minutes for an `hours` account."""

from dataclasses import dataclass
from datetime import date
from typing import Literal

Portion = Literal["full", "first_half", "second_half"]
MovementKind = Literal["usage", "expiry", "other"]
FULL_TIME_HUNDREDTHS = 10000
"""The employment percentage of full time, in hundredths of a percent."""


@dataclass(frozen=True)
class DayPlan:
    """What one day asks of the employee, as the configuration in force on it says."""

    day: date
    planned_minutes: int
    """The weekly pattern's minutes on this weekday; 0 without an employee version."""
    holiday: bool
    """A day of the holiday calendar of the terms in force."""
    employed: bool
    """Within an employment period (an employee with none is employed throughout, as the
    evaluation takes them) and with an employee version in force."""
    percentage_hundredths: int
    """The employment percentage in force (10000 = 100 %); 0 when not employed."""
    timeoff_policy_ids: frozenset[int]
    """The time-off policies of the terms in force."""

    def minutes_of(self, portion: Portion) -> int:
        """The planned minutes `portion` of the day holds: the first half rounds up, the
        second half down, so the halves make the day."""
        if portion == "first_half":
            return -(-self.planned_minutes // 2)
        if portion == "second_half":
            return self.planned_minutes // 2
        return self.planned_minutes


@dataclass(frozen=True)
class AccrualPeriod:
    key: str
    """Names the period for the accrual's idempotency: `2026` for the grant year that
    starts on the `on` day of 2026, `2026-03` for a month, `2026-W10` for an ISO week."""
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Movement:
    """A movement of the policy's account, as the expiry reads it."""

    day: date
    amount: int
    kind: MovementKind
    """`usage`: taken by a request or given back by its cancellation; `expiry`: posted by
    an expiration (with its `key`); `other`: grants, accruals, adjustments."""
    key: str | None = None


@dataclass(frozen=True)
class Expiry:
    key: str
    """The deadline: `cap:2026` for the cut at the year end `on` of 2026, `carried:2026`
    for the carried amount of that year end left unused at `valid_until` of 2027."""
    day: date
    """The day after the deadline: the amount was still usable on the deadline itself."""
    amount: int
    """What should have expired at the deadline in all, as the movements now stand (0 or
    negative): the service posts the difference from what was posted under the key."""


@dataclass(frozen=True)
class ExpiryWindow:
    """Which deadlines' expiries are answered: those dated up to `through`, from `new_since`
    when nothing of them was posted yet, from `revised_since` when something was. Before
    the window, the expiries count as they were posted (a history older than the window,
    or imported, is not expired afresh)."""

    through: date
    new_since: date
    revised_since: date

    def reaches(self, day: date, *, posted: bool) -> bool:
        return (self.revised_since if posted else self.new_since) <= day <= self.through


def base_key(key: str) -> str:
    """The deadline a posting's key names: `cap:2025` of `cap:2025:2` (the second posting,
    a revision)."""
    kind, year, *_ = key.split(":")
    return f"{kind}:{year}"
