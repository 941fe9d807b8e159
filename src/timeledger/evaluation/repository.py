"""The records an evaluation reads: the employee's versions and employment periods,
presence intervals and their breaks, time entries and the types of their activities.
The per-employee reads are prepared statements (`kit/prepared`): built and compiled once,
they cost a tenth of an ORM query, which matters when a month is read for each of a
thousand employees. They name the workspace themselves, as the ORM's scoping would."""

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import BindParameter, bindparam, select
from sqlalchemy.orm import Session

from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.models import (
    ActivityVersion,
    EmployeeVersion,
    Employment,
    PresenceBreak,
    PresenceInterval,
    TimeEntry,
)

WORKSPACE: BindParameter[int] = bindparam("workspace_id")
EMPLOYEE_HISTORY = PreparedQuery(
    select(
        EmployeeVersion.effective_from,
        EmployeeVersion.timezone,
        EmployeeVersion.weekly_pattern_minutes,
        EmployeeVersion.employment_terms_id,
    )
    .where(
        EmployeeVersion.workspace_id == WORKSPACE,
        EmployeeVersion.employee_id == bindparam("employee_id"),
    )
    .order_by(EmployeeVersion.effective_from, EmployeeVersion.id)
)
EMPLOYMENT_PERIODS = PreparedQuery(
    select(Employment.starts_on, Employment.ends_on)
    .where(
        Employment.workspace_id == WORKSPACE,
        Employment.employee_id == bindparam("employee_id"),
    )
    .order_by(Employment.starts_on)
)
_STARTING = (
    PresenceInterval.workspace_id == WORKSPACE,
    PresenceInterval.employee_id == bindparam("employee_id"),
    PresenceInterval.started_at >= bindparam("starts_from"),
    PresenceInterval.started_at < bindparam("starts_before"),
)
INTERVALS = PreparedQuery(
    select(
        PresenceInterval.id,
        PresenceInterval.started_at,
        PresenceInterval.ended_at,
        PresenceInterval.reason_id,
        PresenceInterval.activity_id,
    )
    .where(*_STARTING)
    .order_by(PresenceInterval.started_at, PresenceInterval.id)
)
BREAKS = PreparedQuery(
    select(PresenceBreak.interval_id, PresenceBreak.started_at, PresenceBreak.ended_at)
    .join(PresenceInterval, PresenceInterval.id == PresenceBreak.interval_id)
    .where(PresenceBreak.workspace_id == WORKSPACE, *_STARTING)
    .order_by(PresenceBreak.interval_id, PresenceBreak.started_at)
)
ENTRIES = PreparedQuery(
    select(
        TimeEntry.id,
        TimeEntry.day,
        TimeEntry.minutes,
        TimeEntry.activity_id,
        TimeEntry.started_at,
        TimeEntry.ended_at,
    )
    .where(
        TimeEntry.workspace_id == WORKSPACE,
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


def employee_history(session: Session, workspace_id: int, employee_id: int) -> list[Any]:
    """The employee's versions (zone, weekly pattern, terms), oldest first."""
    return rows_in_session(
        session, EMPLOYEE_HISTORY, workspace_id=workspace_id, employee_id=employee_id
    )


def employment_periods(session: Session, workspace_id: int, employee_id: int) -> list[Any]:
    return rows_in_session(
        session, EMPLOYMENT_PERIODS, workspace_id=workspace_id, employee_id=employee_id
    )


def intervals_starting(
    session: Session,
    workspace_id: int,
    employee_id: int,
    starts_from: datetime,
    starts_before: datetime,
) -> tuple[list[Any], list[Any]]:
    """The employee's intervals starting in [starts_from, starts_before) and their breaks."""
    parameters = {
        "workspace_id": workspace_id,
        "employee_id": employee_id,
        "starts_from": starts_from,
        "starts_before": starts_before,
    }
    intervals = rows_in_session(session, INTERVALS, **parameters)
    breaks = rows_in_session(session, BREAKS, **parameters) if intervals else []
    return intervals, breaks


def entries_of_days(
    session: Session, workspace_id: int, employee_id: int, first: date, last: date
) -> list[Any]:
    """The employee's entries of [first, last], running timers left out."""
    return rows_in_session(
        session, ENTRIES, workspace_id=workspace_id, employee_id=employee_id, first=first, last=last
    )


def activity_type_histories(
    session: Session, activity_ids: Collection[int]
) -> dict[int, list[tuple[date, str]]]:
    """Each activity's type from each date on."""
    histories: dict[int, list[tuple[date, str]]] = {}
    if not activity_ids:
        return histories
    rows = session.execute(ACTIVITY_TYPES, {"activity_ids": sorted(activity_ids)})
    for row in rows:
        histories.setdefault(row.activity_id, []).append((row.effective_from, row.type))
    return histories
