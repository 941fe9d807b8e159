"""An entry as the native API shows it, built from any row with the entry's columns (an
ORM object or a Core row), so single reads and fast lists render identically."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time, timedelta
from operator import attrgetter, itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from timeledger.entries.fields import READ_COLUMNS, STORED_COLUMNS, STORED_FIELDS
from timeledger.entries.schemas import EntryRead
from timeledger.kit.clock import utcnow

_EMPTY_ENTRY = dict.fromkeys(EntryRead.model_fields)
_stored_values = attrgetter(*STORED_COLUMNS)


def tracking_of(row: Any, now: datetime) -> dict[str, Any] | None:
    return _tracking(row.timer_started_at, row.minutes, now)


def _tracking(since: datetime | None, minutes: int, now: datetime) -> dict[str, Any] | None:
    if since is None:
        return None
    running = max(0, int((now - since).total_seconds() // 60))
    return {"since": since, "minutes": minutes + running}


def _rendered(
    stored: Iterable[Any], tracking: dict[str, Any] | None, user_id: int | None, currency: str
) -> dict[str, Any]:
    entry = _EMPTY_ENTRY.copy()
    entry.update(zip(STORED_FIELDS, stored, strict=True))
    entry["user_id"] = user_id
    entry["currency"] = currency
    entry["tracking"] = tracking
    return entry


def render_entry(
    row: Any, *, user_id: int | None, currency: str, now: datetime | None = None
) -> dict[str, Any]:
    """The `EntryRead` fields of `row` as plain values (JSON-ready with orjson), in the
    schema's order."""
    tracking = tracking_of(row, now or utcnow())
    return _rendered(_stored_values(row), tracking, user_id, currency)


_stored_items = itemgetter(*STORED_COLUMNS)


def render_entry_values(
    values: Mapping[str, Any], *, user_id: int | None, currency: str, now: datetime
) -> dict[str, Any]:
    """`render_entry` of an entry's column values by name (a new entry's, as inserted)."""
    tracking = _tracking(values.get("timer_started_at"), values["minutes"], now)
    return _rendered(_stored_items(values), tracking, user_id, currency)


_STORED = len(STORED_COLUMNS)
_TIMER = READ_COLUMNS.index("timer_started_at")
_MINUTES = READ_COLUMNS.index("minutes")


def render_entry_row(
    row: Sequence[Any], *, user_id: int | None, currency: str, now: datetime
) -> dict[str, Any]:
    """`render_entry` of a Core row that selects `READ_COLUMNS` first, in their order,
    read by position: SQLAlchemy's `Row` answers an attribute about 25 times slower than
    an index, a third of a 50-entry list's time."""
    tracking = _tracking(row[_TIMER], row[_MINUTES], now)
    return _rendered(row[:_STORED], tracking, user_id, currency)


def span_of(entry: dict[str, Any], timezone: str) -> tuple[datetime, datetime]:
    """When a rendered entry began and ended, for clients that only know spans: its own
    start and end; with a start but no end (a timer's), the start plus its minutes and
    breaks; for an entry of a date and minutes alone, its minutes from midnight of its
    date in `timezone`."""
    started: datetime | None = entry["started_at"]
    if started is not None:
        ended: datetime | None = entry["ended_at"]
        lasted = timedelta(minutes=entry["minutes"] + entry["break_minutes"])
        return started, ended or started + lasted
    start = datetime.combine(entry["date"], time(), tzinfo=ZoneInfo(timezone))
    return start, start + timedelta(minutes=entry["minutes"])
