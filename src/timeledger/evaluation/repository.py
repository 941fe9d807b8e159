"""The records an evaluation reads: presence intervals and their breaks, time entries and
the types of their activities. Statements are built once, with parameters."""

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from timeledger.models import ActivityVersion, PresenceBreak, PresenceInterval, TimeEntry

INTERVALS = (
    select(
        PresenceInterval.id,
        PresenceInterval.started_at,
        PresenceInterval.ended_at,
        PresenceInterval.reason_id,
        PresenceInterval.activity_id,
    )
    .where(
        PresenceInterval.employee_id == bindparam("employee_id"),
        PresenceInterval.started_at >= bindparam("starts_from"),
        PresenceInterval.started_at < bindparam("starts_before"),
    )
    .order_by(PresenceInterval.started_at, PresenceInterval.id)
)
BREAKS = (
    select(PresenceBreak.interval_id, PresenceBreak.started_at, PresenceBreak.ended_at)
    .join(PresenceInterval, PresenceInterval.id == PresenceBreak.interval_id)
    .where(
        PresenceInterval.employee_id == bindparam("employee_id"),
        PresenceInterval.started_at >= bindparam("starts_from"),
        PresenceInterval.started_at < bindparam("starts_before"),
    )
    .order_by(PresenceBreak.interval_id, PresenceBreak.started_at)
)
ENTRIES = (
    select(
        TimeEntry.id,
        TimeEntry.day,
        TimeEntry.minutes,
        TimeEntry.activity_id,
        TimeEntry.started_at,
        TimeEntry.ended_at,
    )
    .where(
        TimeEntry.employee_id == bindparam("employee_id"),
        TimeEntry.day >= bindparam("first"),
        TimeEntry.day <= bindparam("last"),
        TimeEntry.timer_started_at.is_(None),
    )
    .order_by(TimeEntry.day, TimeEntry.id)
)
ACTIVITY_TYPES = (
    select(ActivityVersion.activity_id, ActivityVersion.effective_from, ActivityVersion.type)
    .where(ActivityVersion.activity_id.in_(bindparam("activity_ids", expanding=True)))
    .order_by(ActivityVersion.activity_id, ActivityVersion.effective_from, ActivityVersion.id)
)


def intervals_starting(
    session: Session, employee_id: int, starts_from: datetime, starts_before: datetime
) -> tuple[list[Row[Any]], list[Row[Any]]]:
    """The employee's intervals starting in [starts_from, starts_before) and their breaks."""
    parameters = {
        "employee_id": employee_id,
        "starts_from": starts_from,
        "starts_before": starts_before,
    }
    intervals: list[Row[Any]] = list(session.execute(INTERVALS, parameters))
    breaks: list[Row[Any]] = list(session.execute(BREAKS, parameters)) if intervals else []
    return intervals, breaks


def entries_of_days(session: Session, employee_id: int, first: date, last: date) -> list[Row[Any]]:
    """The employee's entries of [first, last], running timers left out."""
    parameters = {"employee_id": employee_id, "first": first, "last": last}
    return list(session.execute(ENTRIES, parameters))


def activity_type_histories(
    session: Session, activity_ids: Collection[int]
) -> dict[int, list[tuple[date, str]]]:
    """Each activity's type from each date on."""
    histories: dict[int, list[tuple[date, str]]] = {}
    if not activity_ids:
        return histories
    rows = session.execute(ACTIVITY_TYPES, {"activity_ids": sorted(activity_ids)})
    for activity_id, effective_from, activity_type in rows:
        histories.setdefault(activity_id, []).append((effective_from, activity_type))
    return histories
