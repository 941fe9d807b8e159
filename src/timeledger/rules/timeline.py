"""Time as the rule engine counts it: whole minutes since the epoch (UTC), spans of them,
and the local calendar of one zone.

Minutes are counted as elapsed time between UTC instants, so a night across a daylight
saving change is 7 or 9 hours long; local times are turned into instants per local date.
The span arithmetic is written here (a few lines of sorted-list walking) because the
interval libraries on PyPI work on floats or on their own objects, and the engine needs
integer minutes that keep the record each minute came from."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

OriginKind = Literal["presence", "entry"]


@dataclass(frozen=True, slots=True)
class Origin:
    """The record minutes come from: a presence interval or a time entry. Untimed entries
    (minutes without a start) are laid out from minute 0 of their own axis, so they can be
    counted and claimed but never fall in a time window."""

    kind: OriginKind
    id: int
    shift_day: date
    reason_id: int | None = None
    activity_id: int | None = None
    timed: bool = True


@dataclass(frozen=True, slots=True)
class Span:
    """Minutes [start, end) of one origin."""

    start: int
    end: int
    origin: Origin

    @property
    def minutes(self) -> int:
        return self.end - self.start


Range = tuple[int, int]


def minute_of(instant: datetime) -> int:
    """The minute an instant falls in (truncated), since the epoch in UTC."""
    return int(instant.timestamp()) // 60


def instant_of(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


def total(spans: Iterable[Span]) -> int:
    return sum(span.end - span.start for span in spans)


def clip(spans: Iterable[Span], ranges: Sequence[Range]) -> list[Span]:
    """The parts of timed `spans` inside `ranges` (sorted, not overlapping)."""
    kept: list[Span] = []
    for span in spans:
        if not span.origin.timed:
            continue
        for low, high in ranges:
            if high <= span.start:
                continue
            if low >= span.end:
                break
            start, end = max(low, span.start), min(high, span.end)
            if start < end:
                kept.append(Span(start, end, span.origin))
    return kept


def remove(spans: Iterable[Span], taken: Iterable[Span]) -> list[Span]:
    """`spans` without the minutes of `taken` of the same origin."""
    by_origin: dict[Origin, list[Range]] = {}
    for part in taken:
        by_origin.setdefault(part.origin, []).append((part.start, part.end))
    if not by_origin:
        return list(spans)
    kept: list[Span] = []
    for span in spans:
        holes = sorted(by_origin.get(span.origin, ()))
        cursor = span.start
        for low, high in holes:
            if high <= cursor or low >= span.end:
                continue
            if low > cursor:
                kept.append(Span(cursor, low, span.origin))
            cursor = max(cursor, high)
        if cursor < span.end:
            kept.append(Span(cursor, span.end, span.origin))
    return kept


def union(spans: Iterable[Span]) -> list[Span]:
    """The minutes of `spans`, each minute of an origin once."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda span: (span.origin.kind, span.origin.id, span.start)):
        last = merged[-1] if merged else None
        if last is not None and last.origin == span.origin and span.start <= last.end:
            merged[-1] = Span(last.start, max(last.end, span.end), last.origin)
        else:
            merged.append(span)
    return merged


def in_order(spans: Iterable[Span]) -> list[Span]:
    return sorted(spans, key=lambda span: (span.start, span.end, span.origin.kind, span.origin.id))


def last_minutes(spans: Sequence[Span], count: int) -> list[Span]:
    """The last `count` minutes of time-ordered `spans`."""
    taken: list[Span] = []
    for span in reversed(spans):
        if count <= 0:
            break
        length = min(count, span.minutes)
        taken.append(Span(span.end - length, span.end, span.origin))
        count -= length
    taken.reverse()
    return taken


def minutes_from(spans: Sequence[Span], moment: int, count: int) -> list[Span]:
    """`count` minutes of time-ordered `spans`, the first ones at or after `moment`."""
    taken: list[Span] = []
    for span in spans:
        if count <= 0:
            break
        if span.end <= moment:
            continue
        start = max(span.start, moment)
        length = min(count, span.end - start)
        taken.append(Span(start, start + length, span.origin))
        count -= length
    return taken


def moment_reaching(spans: Sequence[Span], minutes: int) -> int | None:
    """The minute at which time-ordered `spans` have added up to `minutes`; None if they
    never do."""
    running = 0
    for span in spans:
        if running + span.minutes >= minutes:
            return span.start + (minutes - running)
        running += span.minutes
    return None


@dataclass(frozen=True)
class LocalCalendar:
    """Local dates and times of one zone, turned into minutes since the epoch."""

    zone_name: str

    def minute_at(self, day: date, clock: time) -> int:
        return _minute_at(self.zone_name, day, clock)

    def date_of(self, minute: int) -> date:
        return instant_of(minute).astimezone(ZoneInfo(self.zone_name)).date()

    def day_ranges(self, first: date, last: date) -> list[tuple[date, Range]]:
        """Each local date from `first` to `last` with its minutes."""
        days: list[tuple[date, Range]] = []
        day = first
        while day <= last:
            following = day + timedelta(days=1)
            days.append((day, (self.midnight(day), self.midnight(following))))
            day = following
        return days

    def midnight(self, day: date) -> int:
        return _minute_at(self.zone_name, day, time(0, 0))


@lru_cache(maxsize=65536)
def _minute_at(zone_name: str, day: date, clock: time) -> int:
    return minute_of(datetime.combine(day, clock, tzinfo=ZoneInfo(zone_name)))


def on_local_dates(
    spans: Iterable[Span], calendar: LocalCalendar, keep: Callable[[date], bool]
) -> list[Span]:
    """The minutes of `spans` on local dates `keep` accepts; an untimed span by its day."""
    kept: list[Span] = []
    for span in spans:
        if not span.origin.timed:
            if keep(span.origin.shift_day):
                kept.append(span)
            continue
        first, last = calendar.date_of(span.start), calendar.date_of(span.end - 1)
        for day, (low, high) in calendar.day_ranges(first, last):
            start, end = max(low, span.start), min(high, span.end)
            if start < end and keep(day):
                kept.append(Span(start, end, span.origin))
    return kept
