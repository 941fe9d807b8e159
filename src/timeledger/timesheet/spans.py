"""The rules of time spans, their breaks and a day's recorded time, for presence, entries
and the faces: plain values in, the problem that names what is wrong
out. No database and no clock: "now", "today" and what is stored already are arguments.

A break is blamed at the index the client sent it at (`body.breaks.<n>`), and which break
is blamed depends on the breaks' values only, never on the order they were sent in.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from timeledger.kit.errors import Conflict, Unprocessable

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
"""Instants lie in [EARLIEST, LATEST): far enough from the calendar's ends that every
time zone can show them and a day can be added."""
MAX_SPAN = timedelta(hours=24)
MINUTES_PER_DAY = 24 * 60
FUTURE_TOLERANCE = timedelta(minutes=5)
"""How far ahead of now a recorded time may lie (clocks that run a little fast)."""
PLANNING_HORIZON_DAYS = 366
"""How many days after today an entry of a date and minutes may be planned."""

Span = tuple[datetime, datetime | None]
"""A start and an end; no end while the span (an open interval or break) lasts."""


class StoredSpan(Protocol):
    """What the overlap rule reads of another stored span: an ORM object or a row."""

    @property
    def id(self) -> int: ...
    @property
    def started_at(self) -> datetime | None: ...
    @property
    def ended_at(self) -> datetime | None: ...


def _iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant is not None else None


def _field(location: str) -> str:
    return location.removeprefix("body.")


def utc_within_range(value: datetime) -> datetime:
    """`value` in UTC; ValueError (what schema validators raise) outside the range."""
    try:
        instant = value.astimezone(UTC)
    except OverflowError:
        raise ValueError("timestamp out of range") from None
    if not EARLIEST <= instant < LATEST:
        raise ValueError(
            f"timestamp must lie between the years {EARLIEST.year} and {LATEST.year - 1}"
        )
    return instant


def require_within_range(value: datetime, *, location: str) -> datetime:
    """`value` in UTC, refused with 422 at `location` outside the range."""
    try:
        return utc_within_range(value)
    except ValueError as error:
        raise Unprocessable.at(
            location, f"{_field(location)} ({value.isoformat()}): {error}.", str(error)
        ) from None


def require_both_or_neither(started_at: datetime | None, ended_at: datetime | None) -> None:
    if (started_at is None) != (ended_at is None):
        raise Unprocessable.at(
            "body.ended_at" if ended_at is None else "body.started_at",
            "started_at and ended_at go together: give both or neither.",
            "both or neither",
        )


def require_end_after_start(started_at: datetime, ended_at: datetime, *, location: str) -> None:
    if ended_at <= started_at:
        raise Unprocessable.at(
            location,
            f"{_field(location)} ({_iso(ended_at)}) must lie after the start ({_iso(started_at)}).",
            "must lie after the start",
        )


def require_not_too_long(started_at: datetime, ended_at: datetime, *, location: str) -> None:
    if ended_at - started_at > MAX_SPAN:
        raise Unprocessable.at(
            location,
            f"A span from {_iso(started_at)} to {_iso(ended_at)} is longer than 24 hours; "
            "record it as several.",
            "longer than 24 hours",
        )


def require_not_in_future(instant: datetime, now: datetime, *, location: str) -> None:
    if instant > now + FUTURE_TOLERANCE:
        raise Unprocessable.at(
            location,
            f"{_field(location)} ({_iso(instant)}) lies more than 5 minutes in the future "
            f"(now is {_iso(now)}).",
            "more than 5 minutes in the future",
        )


def break_location(index: int) -> str:
    return f"body.breaks.{index}"


def require_span_for_breaks(
    breaks: Sequence[Span], started_at: datetime | None, ended_at: datetime | None
) -> None:
    if breaks and (started_at is None or ended_at is None):
        raise Unprocessable.at(
            "body.breaks", "Breaks need the span's started_at and ended_at.", "needs a span"
        )


def require_breaks_inside(
    started_at: datetime,
    ended_at: datetime | None,
    breaks: Sequence[Span],
    *,
    location_of: Callable[[int], str] = break_location,
) -> None:
    """Each break ends after it starts, lies inside its span (an open span or break has no
    end yet), and no two breaks share time. The breaks are checked in the order of their
    times, so the break blamed is the same whatever order they came in."""

    def by_time(item: tuple[int, Span]) -> tuple[datetime, datetime, int]:
        index, (start, end) = item
        return start, end or LATEST, index

    previous: Span | None = None
    for index, (break_start, break_end) in sorted(enumerate(breaks), key=by_time):
        where = location_of(index)
        if break_end is not None:
            end_location = f"{where}.ended_at" if where.startswith("body.breaks") else where
            require_end_after_start(break_start, break_end, location=end_location)
        if break_start < started_at or (
            ended_at is not None and (break_end is None or break_end > ended_at)
        ):
            raise Unprocessable.at(
                where,
                f"The break from {_iso(break_start)} to {_iso(break_end) or 'now'} does not "
                f"lie inside its span ({_iso(started_at)} to {_iso(ended_at) or 'now'}).",
                "break outside its span",
            )
        if previous is not None and (previous[1] is None or break_start < previous[1]):
            raise Unprocessable.at(
                where,
                f"The break starting {_iso(break_start)} overlaps the break from "
                f"{_iso(previous[0])} to {_iso(previous[1]) or 'now'}.",
                "breaks overlap",
            )
        previous = (break_start, break_end)


def break_minutes(breaks: Sequence[tuple[datetime, datetime]]) -> int:
    return sum((end - start for start, end in breaks), timedelta()) // timedelta(minutes=1)


def overlap(first: Span, second: Span) -> bool:
    """Whether two spans share time; touching does not, an open span lasts for ever."""
    (first_start, first_end), (second_start, second_end) = first, second
    return (second_end is None or first_start < second_end) and (
        first_end is None or second_start < first_end
    )


def require_apart(other: StoredSpan | None, *, kind: str) -> None:
    """409 naming `other`, a stored `kind` ("interval", "entry") of the same employee
    found to share time with the span being written."""
    if other is None:
        return
    until = "still open" if other.ended_at is None else f"until {_iso(other.ended_at)}"
    raise Conflict(
        f"The {kind} overlaps {kind} {other.id} of the same employee "
        f"(from {_iso(other.started_at)}, {until}).",
        extra={
            f"{kind}_id": other.id,
            "started_at": _iso(other.started_at),
            "ended_at": _iso(other.ended_at),
        },
    )


def require_minutes_within_a_day(minutes: int) -> None:
    if not 0 <= minutes <= MINUTES_PER_DAY:
        raise Unprocessable.at(
            "body.minutes",
            f"An entry has between 0 and {MINUTES_PER_DAY} minutes; this one would have {minutes}.",
            "out of range",
        )


def require_day_total_within_a_day(day: date, minutes: int, recorded_already: int) -> None:
    """An employee's entries of one local date add up to at most 24 hours:
    `recorded_already` is the other entries' minutes on `day`."""
    if recorded_already + minutes > MINUTES_PER_DAY:
        raise Unprocessable.at(
            "body.minutes",
            f"{day} has {recorded_already} minutes recorded already; {minutes} more would "
            f"exceed the {MINUTES_PER_DAY} minutes of a day.",
            "more than 24 hours on the day",
        )


def require_within_planning_horizon(day: date, today: date) -> None:
    """An entry is dated at most `PLANNING_HORIZON_DAYS` after today."""
    last = today + timedelta(days=PLANNING_HORIZON_DAYS)
    if day > last:
        raise Unprocessable.at(
            "body.date",
            f"{day} lies more than {PLANNING_HORIZON_DAYS} days ahead (today is {today}); "
            f"entries may be planned until {last}.",
            "too far in the future",
        )
