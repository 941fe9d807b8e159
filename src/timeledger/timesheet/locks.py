"""Period locks: the days of a settled statement, on which an employee's presence and
time entries change only with `force`.

A lock is a row of `period_locks` (one per statement). Every write of presence and
entries asks `check_days_unlocked` about the local days it touches: one index seek on
(workspace, employee, last day), which finds nothing on the ordinary path (today is
rarely settled). Locking also sets `locked` on the period's entries, so that the faces
that show an entry's lock (mite, GoodTime) show it; unlocking clears it again.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Date, and_, bindparam, exists, select, update
from sqlalchemy.orm import Session, aliased

from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Forbidden, Locked
from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.kit.tenancy import session_workspace_id
from timeledger.models import PeriodLock, TimeEntry

FORCE_PERMISSION = "timesheet:force:*"

LOCKS = PeriodLock.__table__
LOCKS_SHARING_DAYS = PreparedQuery(
    select(LOCKS.c.first_day, LOCKS.c.last_day, LOCKS.c.statement_id)
    .where(
        LOCKS.c.workspace_id == bindparam("workspace_id"),
        LOCKS.c.employee_id == bindparam("employee_id"),
        LOCKS.c.last_day >= bindparam("from_day", type_=Date()),
        LOCKS.c.first_day <= bindparam("to_day", type_=Date()),
    )
    .order_by(LOCKS.c.last_day)
)
"""The locks of an employee that share a day with [from_day, to_day]: a range seek on
`ix_period_locks_employee` from `from_day` on."""
LOCKS_OF_EMPLOYEES_SHARING_DAYS = (
    select(LOCKS.c.employee_id, LOCKS.c.first_day, LOCKS.c.last_day, LOCKS.c.statement_id)
    .where(
        LOCKS.c.workspace_id == bindparam("workspace_id"),
        LOCKS.c.employee_id.in_(bindparam("employee_ids", expanding=True)),
        LOCKS.c.last_day >= bindparam("from_day", type_=Date()),
        LOCKS.c.first_day <= bindparam("to_day", type_=Date()),
    )
    .order_by(LOCKS.c.employee_id, LOCKS.c.last_day)
)
"""The same of several employees at once (a batch's)."""


@dataclass(frozen=True)
class LockedPeriod:
    employee_id: int
    first_day: date
    last_day: date
    statement_id: int

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def locked_periods(
    session: Session, employee_id: int, from_day: date, to_day: date
) -> list[LockedPeriod]:
    """The employee's locked periods that share a day with [from_day, to_day]."""
    workspace_id = session_workspace_id(session)
    assert workspace_id is not None, "locks are read in a workspace's session"
    rows = rows_in_session(
        session,
        LOCKS_SHARING_DAYS,
        workspace_id=workspace_id,
        employee_id=employee_id,
        from_day=from_day,
        to_day=to_day,
    )
    return [LockedPeriod(employee_id, *row) for row in rows]


def locked_periods_of(
    session: Session, employee_ids: Collection[int], from_day: date, to_day: date
) -> dict[int, list[LockedPeriod]]:
    """`locked_periods` of each of the employees (an empty list for one without), in one
    query."""
    found: dict[int, list[LockedPeriod]] = {employee_id: [] for employee_id in employee_ids}
    if not found:
        return found
    rows = session.execute(
        LOCKS_OF_EMPLOYEES_SHARING_DAYS,
        {
            "workspace_id": session_workspace_id(session),
            "employee_ids": sorted(found),
            "from_day": from_day,
            "to_day": to_day,
        },
    )
    for employee_id, first_day, last_day, statement_id in rows:
        found[employee_id].append(LockedPeriod(employee_id, first_day, last_day, statement_id))
    return found


def lock_covering(periods: Sequence[LockedPeriod], day: date) -> LockedPeriod | None:
    return next((period for period in periods if period.covers(day)), None)


def period_locked(period: LockedPeriod) -> Locked:
    """The 423 of a write to a day of `period` without force."""
    return Locked(
        f"The timesheet of employee {period.employee_id} is locked from {period.first_day} "
        f"to {period.last_day} (statement {period.statement_id} is settled); an "
        "administrator can change it with force=true.",
        extra={
            "employee_id": period.employee_id,
            "locked_from": period.first_day.isoformat(),
            "locked_to": period.last_day.isoformat(),
            "statement_id": period.statement_id,
        },
    )


def require_force_permitted(*, force: bool, may_force: bool) -> None:
    if force and not may_force:
        raise Forbidden(f"force=true needs {FORCE_PERMISSION}.")


def check_days_unlocked(
    session: Session, employee_id: int, days: Iterable[date], *, force: bool, may_force: bool
) -> LockedPeriod | None:
    """Refuse a write to the employee's `days` when one of them lies in a locked period:
    423 naming the period, or 403 when forced without `timesheet:force:*`. A write forced
    past a lock answers the lock (None when no day is locked). One query."""
    wanted = set(days)
    if not wanted:
        return None
    periods = locked_periods(session, employee_id, min(wanted), max(wanted))
    locked = next((period for period in periods if any(period.covers(day) for day in wanted)), None)
    if locked is None:
        return None
    if not force:
        raise period_locked(locked)
    if not may_force:
        raise Forbidden(
            f"Changing the locked timesheet of employee {employee_id} ({locked.first_day} to "
            f"{locked.last_day}, statement {locked.statement_id}) with force needs "
            f"{FORCE_PERMISSION}."
        )
    return locked


def _lock_of(session: Session, workspace_id: int, statement_id: int) -> PeriodLock | None:
    return session.scalars(
        select(PeriodLock).where(
            PeriodLock.workspace_id == workspace_id, PeriodLock.statement_id == statement_id
        )
    ).one_or_none()


def lock_period(
    session: Session,
    workspace_id: int,
    employee_id: int,
    first_day: date,
    last_day: date,
    statement_id: int,
) -> None:
    """Lock the employee's days from `first_day` to `last_day` for the statement, and mark
    the time entries of those days `locked`. Locking again for the same statement (a rerun
    of its settlement) leaves one lock, with these days."""
    now = utcnow()
    lock = _lock_of(session, workspace_id, statement_id)
    if lock is None:
        session.add(
            PeriodLock(
                workspace_id=workspace_id,
                employee_id=employee_id,
                first_day=first_day,
                last_day=last_day,
                statement_id=statement_id,
                created_at=now,
            )
        )
    else:
        lock.employee_id, lock.first_day, lock.last_day = employee_id, first_day, last_day
    session.flush()
    _mark_entries(session, workspace_id, employee_id, first_day, last_day, locked=True)


def unlock_period(session: Session, workspace_id: int, statement_id: int) -> None:
    """Lift the statement's lock: its days' entries are no longer `locked`, but those on a
    day another lock of the employee still covers. Without a lock nothing happens."""
    lock = _lock_of(session, workspace_id, statement_id)
    if lock is None:
        return
    employee_id, first_day, last_day = lock.employee_id, lock.first_day, lock.last_day
    session.delete(lock)
    session.flush()
    other = aliased(PeriodLock)
    still_locked = exists().where(
        other.workspace_id == workspace_id,
        other.employee_id == employee_id,
        and_(other.first_day <= TimeEntry.day, other.last_day >= TimeEntry.day),
    )
    _mark_entries(
        session, workspace_id, employee_id, first_day, last_day, locked=False, unless=still_locked
    )


def _mark_entries(
    session: Session,
    workspace_id: int,
    employee_id: int,
    first_day: date,
    last_day: date,
    *,
    locked: bool,
    unless: ColumnElement[bool] | None = None,
) -> None:
    """Set `locked` on the employee's entries of the days that do not have it yet. The
    settlement and the reopening that call this hold no entries in the session, so it is
    not synchronized."""
    statement = update(TimeEntry).where(
        TimeEntry.workspace_id == workspace_id,
        TimeEntry.employee_id == employee_id,
        TimeEntry.day.between(first_day, last_day),
        TimeEntry.locked.is_(not locked),
    )
    if unless is not None:
        statement = statement.where(~unless)
    session.execute(
        statement.values(
            locked=locked, updated_at=utcnow(), row_version=TimeEntry.row_version + 1
        ).execution_options(synchronize_session=False)
    )
