"""`annual_grant`: an amount for each grant year (from the `on` day to the day before the
next one), prorated by the employment over the year: by the months covered at least half,
or by the days, each at its employment percentage."""

from bisect import bisect_right
from calendar import monthrange
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from fractions import Fraction
from math import floor
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from timeledger.rules.plugins.accruals import Accruing
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.timeoff_contexts import FULL_TIME_HUNDREDTHS, AccrualPeriod, DayPlan

MONTHS = 12
NON_LEAP_YEAR = 2025


def day_in(year: int, month_day: str) -> date:
    """The date of a `MonthDay` in `year`."""
    month, day = month_day.split("-")
    return date(year, int(month), int(day))


def _a_day_of_every_year(month_day: str) -> str:
    try:
        day_in(NON_LEAP_YEAR, month_day)
    except ValueError:
        raise ValueError(f"{month_day} is not a day of every year (MM-DD; not 02-29)") from None
    return month_day


MonthDay = Annotated[
    str,
    Field(pattern=r"^\d{2}-\d{2}$", description="MM-DD, a day of every year.", examples=["01-01"]),
    AfterValidator(_a_day_of_every_year),
]


class AnnualGrantConfig(PluginConfig):
    amount: int = Field(
        ge=1,
        le=10_000_000,
        description="The grant of a whole year at full time, in the account's unit: "
        "hundredths of a day, or minutes.",
    )
    on: MonthDay = Field(description="The first day of the grant year, MM-DD.")
    proration: Literal["none", "monthly", "daily"] = Field(
        default="monthly",
        description="none: the whole amount for a year the policy covers any day of; "
        "monthly: a twelfth for each month of the grant year covered on at least half of its "
        "days, at the month's average employment percentage; daily: a share for each day "
        "covered, at its employment percentage. Rounded to the unit, half up.",
    )


def period_holding(config: AnnualGrantConfig, day: date) -> AccrualPeriod:
    first = day_in(day.year, config.on)
    if first > day:
        first = day_in(day.year - 1, config.on)
    return AccrualPeriod(
        str(first.year), first, day_in(first.year + 1, config.on) - timedelta(days=1)
    )


def grant(
    config: AnnualGrantConfig, period: AccrualPeriod, covered: Sequence[DayPlan], _balance: int
) -> int:
    if config.proration == "none":
        return config.amount
    if config.proration == "daily":
        share = Fraction(_percentage_total(covered), FULL_TIME_HUNDREDTHS * period.days)
    else:
        share = sum(_counted_months(period.first, covered), Fraction(0)) / MONTHS
    return floor(config.amount * share + Fraction(1, 2))


def _percentage_total(plans: Sequence[DayPlan]) -> int:
    return sum(plan.percentage_hundredths for plan in plans)


def _counted_months(start: date, covered: Sequence[DayPlan]) -> Iterator[Fraction]:
    """The average employment percentage of each month covered on at least half of its
    days; month k of the grant year runs from k months after its start. One pass over the
    covered days: a year of them is read for each employee every night."""
    bounds = [_months_after(start, k) for k in range(MONTHS + 1)]
    totals = [0] * MONTHS
    counts = [0] * MONTHS
    for plan in covered:
        month = bisect_right(bounds, plan.day) - 1
        if 0 <= month < MONTHS:
            totals[month] += plan.percentage_hundredths
            counts[month] += 1
    for month in range(MONTHS):
        length = (bounds[month + 1] - bounds[month]).days
        if counts[month] and 2 * counts[month] >= length:
            yield Fraction(totals[month], counts[month] * FULL_TIME_HUNDREDTHS)


def _months_after(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day."""
    years, month_index = divmod(day.month - 1 + months, MONTHS)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


PLUGIN = Plugin(
    plugin_id="annual_grant",
    title="Annual grant",
    description="An amount for each grant year starting on a given day, prorated by the "
    "months or days the policy covers and the employment percentage; revised when the "
    "employment changes.",
    config_model=AnnualGrantConfig,
    behaviour=Accruing(period_holding, grant, follows_employment=True),
)
