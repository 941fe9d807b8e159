"""A clock that registers time: stopping it closes the presence interval and books the
worked span, breaks subtracted, as a time entry of creation type `clock` (McTime's clock)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.entries import service as entries
from timeledger.entries.schemas import CreationType, EntryBreakSpan, EntryCreate
from timeledger.kit.errors import Unprocessable
from timeledger.models import TimeEntry
from timeledger.presence import service as presence
from timeledger.presence.repository import IntervalRecord
from timeledger.presence.schemas import ClockOut
from timeledger.settings.service import default_work_activity_id


@dataclass(frozen=True)
class StoppedClock:
    interval: IntervalRecord
    entry: TimeEntry


def stop_clock_into_entry(
    session: Session,
    caller: Caller,
    employee_id: int,
    *,
    at: datetime | None,
    note: str | None,
    activity_id: int | None,
) -> StoppedClock:
    """Clock out and book the interval on `activity_id`, else the interval's activity,
    else the workspace's default work activity."""
    interval = presence.clock_out(session, caller, employee_id, ClockOut(at=at, note=note))
    booked_on = activity_id or interval.activity_id or default_work_activity_id(session)
    if booked_on is None:
        raise Unprocessable.at(
            "timeType",
            "Name the time type to book the clocked time on: the workspace has no default "
            "work activity.",
            "required",
        )
    assert interval.ended_at is not None
    breaks = [
        EntryBreakSpan(started_at=pause.started_at, ended_at=pause.ended_at)
        for pause in presence.breaks_of(session, interval)
        if pause.ended_at is not None
    ]
    data = EntryCreate(
        started_at=interval.started_at,
        ended_at=interval.ended_at,
        breaks=breaks,
        activity_id=booked_on,
        note=interval.note,
        creation_type=CreationType.CLOCK,
    )
    entry = entries.create_entry(
        session, caller, employee_id, data, presence_interval_id=interval.id
    )
    return StoppedClock(interval, entry)
