"""The records an evaluation reads: the employee's versions and employment periods,
presence intervals and their breaks, time entries and the types of their activities.
The per-employee reads are prepared statements (`kit/prepared`): built and compiled once,
they cost a tenth of an ORM query, which matters when a month is read for each of a
thousand employees. They name the workspace themselves, as the ORM's scoping would.
The reads of a whole team (`team_repository`) run the same selects for a list of
employees."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, select
from sqlalchemy.orm import Session

from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.kit.versioning import VersionHistory
from timeledger.models import (
    ActivityVersion,
    EmployeeVersion,
    Employment,
    PresenceBreak,
    PresenceInterval,
    TimeEntry,
)
from timeledger.presence.team_repository import intervals_with_breaks

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
    select(Employment.starts_on, Employment.ends_on, Employment.percentage_hundredths)
    .where(
        Employment.workspace_id == WORKSPACE,
        Employment.employee_id == bindparam("employee_id"),
    )
    .order_by(Employment.starts_on)
)
ACTIVITY_VERSIONS = VersionHistory(ActivityVersion, ActivityVersion.activity_id)


def intervals_starting_select(*employees: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """The intervals of the employees `employees` selects starting in [`starts_from`,
    `starts_before`) (parameters), a row per break (`break_started_at` null for an
    interval without breaks), in time order."""
    return intervals_with_breaks(
        *employees,
        PresenceInterval.started_at >= bindparam("starts_from"),
        PresenceInterval.started_at < bindparam("starts_before"),
    ).order_by(PresenceInterval.started_at, PresenceInterval.id, PresenceBreak.started_at)


def entries_of_days_select(*employees: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """The entries of the employees `employees` selects of [`first`, `last`] (parameters)
    with the type of their activity on their day, running timers left out, in order of
    day."""
    return (
        select(
            TimeEntry.id,
            TimeEntry.employee_id,
            TimeEntry.day,
            TimeEntry.minutes,
            TimeEntry.activity_id,
            ActivityVersion.type.label("activity_type"),
            TimeEntry.started_at,
            TimeEntry.ended_at,
        )
        .outerjoin(
            ActivityVersion,
            ACTIVITY_VERSIONS.joined_in_force(TimeEntry.activity_id, TimeEntry.__table__.c.day),
        )
        .where(
            *employees,
            TimeEntry.day >= bindparam("first"),
            TimeEntry.day <= bindparam("last"),
            TimeEntry.timer_started_at.is_(None),
        )
        .order_by(TimeEntry.day, TimeEntry.id)
    )


INTERVALS_WITH_BREAKS = PreparedQuery(
    intervals_starting_select(
        PresenceInterval.workspace_id == WORKSPACE,
        PresenceInterval.employee_id == bindparam("employee_id"),
    )
)
ENTRIES = PreparedQuery(
    entries_of_days_select(
        TimeEntry.workspace_id == WORKSPACE, TimeEntry.employee_id == bindparam("employee_id")
    )
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
) -> list[Any]:
    """The employee's intervals starting in [starts_from, starts_before), a row per break
    (`break_started_at` null for an interval without breaks), in time order."""
    return rows_in_session(
        session,
        INTERVALS_WITH_BREAKS,
        workspace_id=workspace_id,
        employee_id=employee_id,
        starts_from=starts_from,
        starts_before=starts_before,
    )


def entries_of_days(
    session: Session, workspace_id: int, employee_id: int, first: date, last: date
) -> list[Any]:
    """The employee's entries of [first, last] with the type of their activity on their
    day, running timers left out."""
    return rows_in_session(
        session, ENTRIES, workspace_id=workspace_id, employee_id=employee_id, first=first, last=last
    )
