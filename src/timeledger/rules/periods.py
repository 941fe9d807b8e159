"""Statement periods: the week (from the workspace's week start) or the calendar month
that holds a day."""

import calendar
from datetime import date, timedelta
from typing import Literal

PeriodKind = Literal["week", "month"]


def period_of(day: date, kind: PeriodKind, week_start: int) -> tuple[date, date]:
    """The first and last day of the period holding `day`; `week_start` is an ISO weekday
    (1 Monday ... 7 Sunday)."""
    if kind == "week":
        first = day - timedelta(days=(day.isoweekday() - week_start) % 7)
        return first, first + timedelta(days=6)
    last_day = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last_day)
