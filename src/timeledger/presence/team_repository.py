"""The SQL of "my team today": one query per kind of fact for the whole team, never one
per employee. Each reads the employees' rows through the index that leads with the
employee (the ids are always given, so no query scans a workspace's history)."""

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, case, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from timeledger.kit.membership import among
from timeledger.kit.model import MICROSECONDS
from timeledger.kit.versioning import VersionHistory
from timeledger.models import (
    PresenceBreak,
    PresenceInterval,
    TimeoffPolicyVersion,
    TimeoffRequest,
)

APPROVED = "approved"
LONGEST_REQUEST = timedelta(days=366)
"""The most days a time-off request covers (`timeoff.schemas.MAX_REQUEST_DAYS`): a request
reaching a day began at most this long before it, so the read stays within a year of each
employee's requests."""
TIMEOFF_POLICY_VERSIONS = VersionHistory(
    TimeoffPolicyVersion, TimeoffPolicyVersion.timeoff_policy_id
)


def intervals_with_breaks(*criteria: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """The intervals meeting `criteria`, a row per break (`break_started_at` null for an
    interval without breaks), in no order: the select of every read of intervals with
    their breaks, the evaluation's too."""
    return (
        select(
            PresenceInterval.id,
            PresenceInterval.employee_id,
            PresenceInterval.day,
            PresenceInterval.started_at,
            PresenceInterval.ended_at,
            PresenceInterval.reason_id,
            PresenceInterval.activity_id,
            PresenceBreak.started_at.label("break_started_at"),
            PresenceBreak.ended_at.label("break_ended_at"),
        )
        .outerjoin(PresenceBreak, PresenceBreak.interval_id == PresenceInterval.id)
        .where(*criteria)
    )


def _intervals_with_breaks_of(
    session: Session, employee_ids: Collection[int], *criteria: ColumnElement[bool]
) -> list[Any]:
    """The employees' intervals meeting `criteria`, a row per break, by employee then in
    time order."""
    if not employee_ids:
        return []
    return list(
        session.execute(
            intervals_with_breaks(
                among(PresenceInterval.employee_id, employee_ids), *criteria
            ).order_by(
                PresenceInterval.employee_id, PresenceInterval.started_at, PresenceBreak.started_at
            )
        )
    )


def open_intervals(session: Session, employee_ids: Collection[int]) -> list[Any]:
    """The employees' open intervals, a row per break."""
    return _intervals_with_breaks_of(session, employee_ids, PresenceInterval.ended_at.is_(None))


def _micros(instant: Any) -> ColumnElement[int]:
    return type_coerce(instant, BigInteger)


def _at_least_zero(value: ColumnElement[int]) -> ColumnElement[int]:
    return case((value < 0, 0), else_=value)


def _earlier(first: ColumnElement[int], second: ColumnElement[int]) -> ColumnElement[int]:
    return case((first < second, first), else_=second)


def closed_presence_by_day(
    session: Session, employee_ids: Collection[int], since: datetime, days: Collection[date]
) -> list[Any]:
    """Per employee and day of `days`: the closed intervals starting at `since` or later
    (`intervals`) and their present minutes (`minutes`), summed in the database. Each
    interval counts as `Stretch.minutes` counts it: its span less its breaks (each cut at
    the interval's end), floored to whole minutes, never below zero."""
    if not employee_ids or not days:
        return []
    interval_end = _micros(PresenceInterval.ended_at)
    break_end = func.coalesce(_micros(PresenceBreak.ended_at), interval_end)
    paused = func.sum(
        _at_least_zero(_earlier(break_end, interval_end) - _micros(PresenceBreak.started_at))
    )
    with_breaks = (
        select(
            PresenceInterval.employee_id,
            PresenceInterval.day,
            _at_least_zero(interval_end - _micros(PresenceInterval.started_at)).label("span"),
            cast(func.coalesce(paused, 0), BigInteger).label("paused"),
        )
        .outerjoin(PresenceBreak, PresenceBreak.interval_id == PresenceInterval.id)
        .where(
            among(PresenceInterval.employee_id, employee_ids),
            PresenceInterval.started_at >= since,
            PresenceInterval.ended_at.is_not(None),
            PresenceInterval.day.in_(sorted(days)),
        )
        .group_by(PresenceInterval.id)
        .subquery()
    )
    present = with_breaks.c.span - with_breaks.c.paused
    per_interval = select(
        with_breaks.c.employee_id,
        with_breaks.c.day,
        case((present < 0, 0), else_=present // (60 * MICROSECONDS)).label("minutes"),
    ).subquery()
    return list(
        session.execute(
            select(
                per_interval.c.employee_id,
                per_interval.c.day,
                func.count().label("intervals"),
                func.sum(per_interval.c.minutes).label("minutes"),
            ).group_by(per_interval.c.employee_id, per_interval.c.day)
        )
    )


def approved_timeoff_over(
    session: Session, employee_ids: Collection[int], first: date, last: date
) -> list[Any]:
    """The employees' approved time-off requests sharing a day with [first, last]: their
    employee, days, portion and the name of their policy on their first day."""
    if not employee_ids:
        return []
    return list(
        session.execute(
            select(
                TimeoffRequest.employee_id,
                TimeoffRequest.start_day,
                TimeoffRequest.end_day,
                TimeoffRequest.portion,
                TimeoffPolicyVersion.name,
            )
            .outerjoin(
                TimeoffPolicyVersion,
                TIMEOFF_POLICY_VERSIONS.joined_in_force(
                    TimeoffRequest.timeoff_policy_id, TimeoffRequest.__table__.c.start_day
                ),
            )
            .where(
                among(TimeoffRequest.employee_id, employee_ids),
                TimeoffRequest.status == APPROVED,
                TimeoffRequest.start_day <= last,
                TimeoffRequest.start_day >= first - LONGEST_REQUEST,
                TimeoffRequest.end_day >= first,
            )
            .order_by(TimeoffRequest.employee_id, TimeoffRequest.start_day)
        )
    )
