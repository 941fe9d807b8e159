"""Time off, computed: what a request takes day by day, what an accrual grants for a
period, what expires after a year end. Plain values in, figures out: the service loads the
employee's configuration and movements and stores what this answers.

Amounts are integers in the account's unit: hundredths of a day for a `days` account
(100 = one day), minutes for an `hours` account. The values the plugins are given and
answer are defined in `timeledger.rules.timeoff_contexts` and re-exported here."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from timeledger.rules.evaluation import DaySettings
from timeledger.rules.facts import Configuration, Employment, PluginUse
from timeledger.rules.plugins.accruals import Accruing
from timeledger.rules.plugins.registry import ACCRUALS, EXPIRATIONS, USAGE_RULES, plugin_of
from timeledger.rules.timeoff_contexts import (
    FULL_TIME_HUNDREDTHS,
    AccrualPeriod,
    DayPlan,
    Expiry,
    ExpiryWindow,
    Movement,
    MovementKind,
    Portion,
    base_key,
)

__all__ = [
    "Accrual",
    "AccrualPeriod",
    "DayPlan",
    "DayUsage",
    "Expiry",
    "ExpiryWindow",
    "Movement",
    "MovementKind",
    "Portion",
    "ZeroReason",
    "accrual_periods",
    "accrued",
    "base_key",
    "day_plans",
    "expiries",
    "follows_employment",
    "usage_of",
]

ZeroReason = Literal["weekend", "holiday", "not_planned", "outside_employment"]
WEEKEND = frozenset({6, 7})
"""ISO weekdays."""


@dataclass(frozen=True)
class DayUsage:
    day: date
    amount: int
    """What the day takes from the account, as a positive number in its unit."""
    credited_minutes: int
    """The minutes the day's time-off entry holds: the planned minutes, or the portion's
    half of them (first half rounds up, second half down, so the halves make the day); 0
    on a day that takes nothing."""
    zero_reason: ZeroReason | None
    """Why the day takes nothing; None when it counts (and takes the usage rule's amount)."""


@dataclass(frozen=True)
class Accrual:
    day: date
    """The day the movement counts from: the period's first day the policy covers."""
    amount: int


def day_plans(configuration: Configuration, first: date, last: date) -> tuple[DayPlan, ...]:
    """The plan of every day from `first` to `last`, in order, as the evaluation resolves
    what is in force on each day."""
    settings = DaySettings(configuration)
    return tuple(_plan_of(settings, day) for day in _days(first, last))


def _plan_of(settings: DaySettings, day: date) -> DayPlan:
    employee = settings.employee_on(day)
    terms = settings.terms_on(day)
    employed = employee is not None and settings.employed_on(day)
    return DayPlan(
        day=day,
        planned_minutes=(
            employee.weekly_pattern_minutes[day.isoweekday() - 1] if employee is not None else 0
        ),
        holiday=day in settings.holidays_on(day),
        employed=employed,
        percentage_hundredths=(
            _percentage_on(settings.configuration.employments, day) if employed else 0
        ),
        timeoff_policy_ids=frozenset(terms.timeoff_policy_ids if terms is not None else ()),
    )


def _percentage_on(periods: Sequence[Employment], day: date) -> int:
    """The percentage of the period holding `day`; full time for an employee without any
    period recorded."""
    return next(
        (
            period.percentage_hundredths
            for period in periods
            if period.starts_on <= day and (period.ends_on is None or day <= period.ends_on)
        ),
        FULL_TIME_HUNDREDTHS,
    )


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def usage_of(use: PluginUse, plans: Sequence[DayPlan], portion: Portion) -> tuple[DayUsage, ...]:
    """What each planned day of a request takes under the usage rule `use` (registry
    `usage-rules`). A day takes nothing when it is not employed (`outside_employment`),
    is a holiday (`holiday`), or plans no minutes (`weekend` on ISO Saturday and Sunday,
    `not_planned` otherwise), in that order of reasons. `portion` other than `full` takes
    half of the day (the service allows it on single-day requests only)."""
    amount_of: Callable[[DayPlan, Portion], int] = _behaviour(USAGE_RULES, use)
    usages = []
    for plan in plans:
        reason = _zero_reason(plan)
        if reason is None:
            usage = DayUsage(plan.day, amount_of(plan, portion), plan.minutes_of(portion), None)
        else:
            usage = DayUsage(plan.day, 0, 0, reason)
        usages.append(usage)
    return tuple(usages)


def _zero_reason(plan: DayPlan) -> ZeroReason | None:
    if not plan.employed:
        return "outside_employment"
    if plan.holiday:
        return "holiday"
    if plan.planned_minutes == 0:
        return "weekend" if plan.day.isoweekday() in WEEKEND else "not_planned"
    return None


def accrual_periods(use: PluginUse, since: date, through: date) -> tuple[AccrualPeriod, ...]:
    """The periods of the accrual `use` (registry `accruals`) that have begun by `through`
    and end on or after `since`, in order."""
    accruing = _accruing(use)
    periods = []
    period = accruing.period_holding(use.config, since)
    while period.first <= through:
        periods.append(period)
        period = accruing.period_holding(use.config, period.last + timedelta(days=1))
    return tuple(periods)


def accrued(
    use: PluginUse,
    period: AccrualPeriod,
    plans: Sequence[DayPlan],
    policy_id: int,
    balance: int,
) -> Accrual | None:
    """What the accrual grants for `period`, given the plans of (at least) all of its days:
    None when the policy (`policy_id` in the day's `timeoff_policy_ids`, on an employed
    day) covers none of them, or when the accrual grants nothing for it (`periodic`: a
    period covered on fewer than half of its days, a balance at `max_balance`); an annual
    grant that prorates to 0 is answered, so that a posted grant is revised to nothing.
    `balance` is the account's balance when posting (for `max_balance`)."""
    covered = [
        plan
        for plan in plans
        if period.first <= plan.day <= period.last
        and plan.employed
        and policy_id in plan.timeoff_policy_ids
    ]
    if not covered:
        return None
    amount = _accruing(use).grant(use.config, period, covered, balance)
    if amount is None:
        return None
    return Accrual(min(plan.day for plan in covered), amount)


def follows_employment(use: PluginUse) -> bool:
    """Whether a period's grant is revised when the employment changes after it was
    posted (`annual_grant`: its proration depends on the whole year), rather than posted
    once (`periodic`: it depends on the balance when posted)."""
    return _accruing(use).follows_employment


def _accruing(use: PluginUse) -> Accruing:
    accruing: Accruing = _behaviour(ACCRUALS, use)
    return accruing


def expiries(
    use: PluginUse, movements: Sequence[Movement], window: ExpiryWindow
) -> tuple[Expiry, ...]:
    """What the expiration `use` (registry `expirations`) should have taken at each
    deadline the window reaches, deadline after deadline from the first movement's year,
    each seeing the expiries before it. `expiry` movements count by their key's deadline
    (`cap:2025:2` is the second posting of `cap:2025`), so a deadline whose inputs changed
    (leave approved or cancelled after it, a grant revised) is answered with its new
    figure, and the service posts the difference: an expiry never keeps days that were
    used."""
    expire: Callable[[Sequence[Movement], ExpiryWindow, object], Sequence[Expiry]] = _behaviour(
        EXPIRATIONS, use
    )
    return tuple(expire(movements, window, use.config))


def _behaviour(registry: str, use: PluginUse) -> Any:
    plugin = plugin_of(registry, use.plugin_id)
    assert plugin is not None, (registry, use.plugin_id)
    return plugin.behaviour
