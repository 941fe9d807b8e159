"""The SQL of "my team today": one query per kind of fact for the whole team, never one
per employee. Each reads the employees' rows through the index that leads with the
employee (the ids are always given, so no query scans a workspace's history), and each is
compiled once (`kit/prepared`): the team's ids are one parameter, whatever their number."""

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Select,
    bindparam,
    case,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from timeledger.kit.membership import one_of
from timeledger.kit.model import MICROSECONDS
from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.kit.tenancy import session_workspace_id
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
WORKSPACE: BindParameter[int] = bindparam("workspace_id")
EMPLOYEES = "employee_ids"
FIRST: BindParameter[date] = bindparam("first", type_=PresenceInterval.day.type)
LAST: BindParameter[date] = bindparam("last", type_=PresenceInterval.day.type)


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


OPEN_INTERVALS = PreparedQuery(
    intervals_with_breaks(
        PresenceInterval.workspace_id == WORKSPACE,
        one_of(PresenceInterval.employee_id, EMPLOYEES),
        PresenceInterval.ended_at.is_(None),
    ).order_by(PresenceInterval.employee_id, PresenceInterval.started_at, PresenceBreak.started_at)
)


def _team_rows(
    session: Session, query: PreparedQuery, employee_ids: Collection[int], **values: Any
) -> list[Any]:
    if not employee_ids:
        return []
    return rows_in_session(
        session,
        query,
        workspace_id=session_workspace_id(session),
        employee_ids=employee_ids,
        **values,
    )


def open_intervals(session: Session, employee_ids: Collection[int]) -> list[Any]:
    """The employees' open intervals, a row per break, by employee."""
    return _team_rows(session, OPEN_INTERVALS, employee_ids)


def _micros(instant: Any) -> ColumnElement[int]:
    return type_coerce(instant, BigInteger)


def _at_least_zero(value: ColumnElement[int]) -> ColumnElement[int]:
    return case((value < 0, 0), else_=value)


def _earlier(first: ColumnElement[int], second: ColumnElement[int]) -> ColumnElement[int]:
    return case((first < second, first), else_=second)


def _closed_presence_select() -> Select[*tuple[Any, ...]]:
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
            PresenceInterval.workspace_id == WORKSPACE,
            one_of(PresenceInterval.employee_id, EMPLOYEES),
            PresenceInterval.started_at
            >= bindparam("since", type_=PresenceInterval.started_at.type),
            PresenceInterval.ended_at.is_not(None),
            PresenceInterval.day >= FIRST,
            PresenceInterval.day <= LAST,
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
    return select(
        per_interval.c.employee_id,
        per_interval.c.day,
        func.count().label("intervals"),
        cast(func.sum(per_interval.c.minutes), BigInteger).label("minutes"),
    ).group_by(per_interval.c.employee_id, per_interval.c.day)


CLOSED_PRESENCE_BY_DAY = PreparedQuery(_closed_presence_select())


def closed_presence_by_day(
    session: Session, employee_ids: Collection[int], since: datetime, first: date, last: date
) -> list[Any]:
    """Per employee and day of [first, last]: the closed intervals starting at `since` or
    later (`intervals`) and their present minutes (`minutes`), summed in the database.
    Each interval counts as `Stretch.minutes` counts it: its span less its breaks (each
    cut at the interval's end), floored to whole minutes, never below zero."""
    return _team_rows(
        session, CLOSED_PRESENCE_BY_DAY, employee_ids, since=since, first=first, last=last
    )


APPROVED_TIMEOFF_OVER = PreparedQuery(
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
        TimeoffRequest.workspace_id == WORKSPACE,
        one_of(TimeoffRequest.employee_id, EMPLOYEES),
        TimeoffRequest.status == APPROVED,
        TimeoffRequest.start_day <= LAST,
        TimeoffRequest.start_day
        >= bindparam("earliest_start", type_=TimeoffRequest.start_day.type),
        TimeoffRequest.end_day >= FIRST,
    )
    .order_by(TimeoffRequest.employee_id, TimeoffRequest.start_day)
)


def approved_timeoff_over(
    session: Session, employee_ids: Collection[int], first: date, last: date
) -> list[Any]:
    """The employees' approved time-off requests sharing a day with [first, last]: their
    employee, days, portion and the name of their policy on their first day."""
    return _team_rows(
        session,
        APPROVED_TIMEOFF_OVER,
        employee_ids,
        first=first,
        last=last,
        earliest_start=first - LONGEST_REQUEST,
    )
