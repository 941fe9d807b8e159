"""Instants, local dates and named date ranges."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from timeledger.kit.clock import utcnow
from timeledger.kit.errors import BadRequest, Unprocessable

ISO_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_ISO_DATE = re.compile(ISO_DATE_PATTERN)


def _iso_date_only(value: object) -> object:
    """Pydantic alone also takes numbers (seconds since 1970) and timestamps at midnight."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError("must be a date as YYYY-MM-DD")


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date_only),
    WithJsonSchema({"type": "string", "format": "date", "pattern": ISO_DATE_PATTERN}),
]
"""A calendar date, written YYYY-MM-DD: the date type of every schema and parameter."""


def parse_instant(value: str, *, parameter: str) -> datetime:
    """An ISO 8601 timestamp that must carry a UTC offset; returned in UTC."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(
            f"{parameter} is not an ISO 8601 timestamp: {value!r}.",
            errors=[{"location": parameter, "message": "not an ISO 8601 timestamp"}],
        ) from None
    if parsed.tzinfo is None:
        raise BadRequest(
            f"{parameter} must carry a UTC offset (for example 2026-01-31T08:00:00+01:00).",
            errors=[{"location": parameter, "message": "timestamp without UTC offset"}],
        )
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise BadRequest(
            f"{parameter} lies outside the years 1 to 9999 in UTC.",
            errors=[{"location": parameter, "message": "timestamp out of range"}],
        ) from None


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Unprocessable(
            f"Unknown time zone {name!r}.",
            errors=[{"location": "timezone", "message": "unknown IANA time zone"}],
        ) from None


TIMEZONE_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$"
"""The form of every IANA zone name (the OpenAPI document declares it rather than an enum
of some 600 names, in which GMT+0, GMT-0 and GMT0 collide as identifiers)."""


@cache
def known_timezones() -> frozenset[str]:
    # available_timezones() walks the time zone database on every call (tens of ms).
    return frozenset(available_timezones())


def is_known_timezone(name: str) -> bool:
    return name in known_timezones()


def local_date(instant: datetime, timezone: str) -> date:
    return instant.astimezone(ZoneInfo(timezone)).date()


class DateKeyword(StrEnum):
    TODAY = "today"
    YESTERDAY = "yesterday"
    THIS_WEEK = "this_week"
    LAST_WEEK = "last_week"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_YEAR = "this_year"
    LAST_YEAR = "last_year"


@dataclass(frozen=True)
class DateRange:
    """Inclusive range of local dates."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def keyword_range(keyword: DateKeyword, *, today: date, week_start: int) -> DateRange:
    """The local dates a keyword names; `week_start` is ISO weekday 1 (Monday) .. 7 (Sunday)."""
    match keyword:
        case DateKeyword.TODAY:
            return DateRange(today, today)
        case DateKeyword.YESTERDAY:
            yesterday = today - timedelta(days=1)
            return DateRange(yesterday, yesterday)
        case DateKeyword.THIS_WEEK:
            first = today - timedelta(days=(today.isoweekday() - week_start) % 7)
            return DateRange(first, first + timedelta(days=6))
        case DateKeyword.LAST_WEEK:
            this_week = keyword_range(DateKeyword.THIS_WEEK, today=today, week_start=week_start)
            return DateRange(
                this_week.start - timedelta(days=7), this_week.start - timedelta(days=1)
            )
        case DateKeyword.THIS_MONTH:
            first = today.replace(day=1)
            return DateRange(first, _next_month(first) - timedelta(days=1))
        case DateKeyword.LAST_MONTH:
            first_of_this = today.replace(day=1)
            last_of_previous = first_of_this - timedelta(days=1)
            return DateRange(last_of_previous.replace(day=1), last_of_previous)
        case DateKeyword.THIS_YEAR:
            return DateRange(date(today.year, 1, 1), date(today.year, 12, 31))
        case DateKeyword.LAST_YEAR:
            return DateRange(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))


def keyword_range_in_zone(
    keyword: DateKeyword, *, timezone: str, week_start: int, now: datetime | None = None
) -> DateRange:
    today = local_date(now or utcnow(), timezone)
    return keyword_range(keyword, today=today, week_start=week_start)


def instants_of(days: DateRange, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants from the first local midnight of `days` to the one after its end
    (exclusive), so a range of local dates selects by instant without missing DST hours."""
    local = ZoneInfo(timezone)
    start = datetime.combine(days.start, time.min, tzinfo=local)
    end = datetime.combine(days.end + timedelta(days=1), time.min, tzinfo=local)
    return start.astimezone(UTC), end.astimezone(UTC)


def _next_month(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def _known_timezone(value: str | None) -> str | None:
    if value is not None and not is_known_timezone(value):
        raise ValueError(f"unknown IANA time zone {value!r}")
    return value


TimeZoneName = Annotated[
    str,
    Field(max_length=64),
    AfterValidator(_known_timezone),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": 64,
            "pattern": TIMEZONE_NAME_PATTERN,
            "description": "An IANA time zone name, such as Europe/Berlin.",
        }
    ),
]
