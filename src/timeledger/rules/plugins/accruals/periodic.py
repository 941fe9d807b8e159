"""`periodic`: an amount for each calendar month or ISO week the policy covers on at least
half of its days, up to a maximum balance."""

from calendar import monthrange
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Literal

from pydantic import Field

from timeledger.rules.plugins.accruals import Accruing
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.timeoff_contexts import AccrualPeriod, DayPlan


class PeriodicConfig(PluginConfig):
    amount: int = Field(
        ge=1,
        le=10_000_000,
        description="The grant of each period, in the account's unit: hundredths of a day, "
        "or minutes. Not scaled by the employment percentage.",
    )
    every: Literal["month", "week"] = Field(
        description="month: calendar months; week: ISO weeks, Monday to Sunday."
    )
    max_balance: int | None = Field(
        default=None,
        ge=0,
        le=2**31 - 1,
        description="The grant never takes the balance above this; none when it is there.",
    )


def period_holding(config: PeriodicConfig, day: date) -> AccrualPeriod:
    if config.every == "week":
        first = day - timedelta(days=day.isoweekday() - 1)
        year, week, _weekday = first.isocalendar()
        return AccrualPeriod(f"{year}-W{week:02d}", first, first + timedelta(days=6))
    first = day.replace(day=1)
    last = first.replace(day=monthrange(first.year, first.month)[1])
    return AccrualPeriod(f"{first.year}-{first.month:02d}", first, last)


def grant(
    config: PeriodicConfig, period: AccrualPeriod, covered: Sequence[DayPlan], balance: int
) -> int | None:
    if 2 * len(covered) < period.days:
        return None
    granted = config.amount
    if config.max_balance is not None:
        granted = min(granted, max(0, config.max_balance - balance))
    return granted or None


PLUGIN = Plugin(
    plugin_id="periodic",
    title="Periodic accrual",
    description="An amount for each calendar month or ISO week the policy covers on at least "
    "half of its days, never taking the balance above a maximum; posted once.",
    config_model=PeriodicConfig,
    behaviour=Accruing(period_holding, grant, follows_employment=False),
)
