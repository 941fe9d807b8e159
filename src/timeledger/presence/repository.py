"""All SQL of presence: intervals, their breaks, and the employee row lock writers take."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Date, Select, bindparam, delete, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from timeledger.kit.prepared import PreparedQuery, new, new_values, rows_in_session
from timeledger.kit.tenancy import session_workspace_id
from timeledger.models import Employee, EmployeeVersion, PresenceBreak, PresenceInterval, Workspace
from timeledger.organization.repository import EMPLOYEE_VERSIONS
from timeledger.organization.today import workspace_basics
from timeledger.timesheet.spans import LATEST

INTERVALS = PresenceInterval.__table__
BREAKS = PresenceBreak.__table__
EMPLOYEES = Employee.__table__
NO_INTERVAL = 0
"""`other_than` when no interval is left out: ids start at 1."""

# On PostgreSQL a row lock held to the end of the transaction; SQLite's compiler leaves
# the clause out (its writers are serialized by BEGIN IMMEDIATE).
LOCK_EMPLOYEE = PreparedQuery(
    select(EMPLOYEES.c.id)
    .where(
        EMPLOYEES.c.workspace_id == bindparam("workspace_id"),
        EMPLOYEES.c.id == bindparam("employee_id"),
    )
    .with_for_update()
)
EMPLOYEE_ZONE_ON = PreparedQuery(
    select(EmployeeVersion.timezone).where(
        EmployeeVersion.workspace_id == bindparam("workspace_id"),
        EmployeeVersion.employee_id == bindparam("employee_id"),
        EMPLOYEE_VERSIONS.in_force_on(bindparam("day", type_=Date())),
    )
)
_OF_EMPLOYEE = (
    INTERVALS.c.workspace_id == bindparam("workspace_id"),
    INTERVALS.c.employee_id == bindparam("employee_id"),
)
# The two index seeks of `PresenceRepository.overlapping`, with `until` far in the future
# for an open span and `other_than` no id for no exclusion.
_OVERLAPPING = (
    *_OF_EMPLOYEE,
    INTERVALS.c.started_at < bindparam("until", type_=INTERVALS.c.started_at.type),
    INTERVALS.c.id != bindparam("other_than"),
)
_OPEN_OVERLAPPING = (
    select(*INTERVALS.c).where(*_OVERLAPPING, INTERVALS.c.ended_at.is_(None)).limit(1).subquery()
)
_FIRST_CLOSED_OVERLAPPING = (
    select(*INTERVALS.c)
    .where(
        *_OVERLAPPING, INTERVALS.c.ended_at > bindparam("since", type_=INTERVALS.c.ended_at.type)
    )
    .order_by(INTERVALS.c.ended_at, INTERVALS.c.id)
    .limit(1)
    .subquery()
)
OVERLAPPING = PreparedQuery(
    select(
        *union_all(select(*_OPEN_OVERLAPPING.c), select(*_FIRST_CLOSED_OVERLAPPING.c)).subquery().c
    )
)
"""Both seeks in one statement (one round trip), each still its own index seek."""


OPEN_INTERVAL = PreparedQuery(
    select(*INTERVALS.c).where(*_OF_EMPLOYEE, INTERVALS.c.ended_at.is_(None))
)
# An interval opened while another is open violates the partial unique index on open
# intervals; the insert then adds nothing, where a failed statement would end a
# PostgreSQL transaction.
ADD_OPEN_INTERVAL = {
    name: PreparedQuery(
        dialect.insert(PresenceInterval)
        .values(new_values(column for column in INTERVALS.c if column.key != "id"))
        .on_conflict_do_nothing()
        .returning(*INTERVALS.c)
    )
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
BREAKS_OF = PreparedQuery(
    select(*BREAKS.c)
    .where(
        BREAKS.c.workspace_id == bindparam("workspace_id"),
        BREAKS.c.interval_id == bindparam("interval_id"),
    )
    .order_by(BREAKS.c.started_at, BREAKS.c.id)
)
END_OPEN_BREAK = PreparedQuery(
    update(PresenceBreak)
    .where(
        PresenceBreak.workspace_id == bindparam("workspace_id"),
        PresenceBreak.interval_id == bindparam("interval_id"),
        PresenceBreak.ended_at.is_(None),
    )
    .values(new_values([BREAKS.c.ended_at]))
)
CLOSE_INTERVAL = PreparedQuery(
    update(PresenceInterval)
    .where(
        PresenceInterval.workspace_id == bindparam("workspace_id"),
        PresenceInterval.id == bindparam("interval_id"),
    )
    .values(
        {
            **new_values([INTERVALS.c.ended_at, INTERVALS.c.note, INTERVALS.c.updated_at]),
            "row_version": PresenceInterval.row_version + 1,
        }
    )
    .returning(*INTERVALS.c)
)


BREAKS_OF_INTERVALS = (
    select(*BREAKS.c)
    .where(
        BREAKS.c.workspace_id == bindparam("workspace_id"),
        BREAKS.c.interval_id.in_(bindparam("ids", expanding=True)),
    )
    .order_by(BREAKS.c.started_at, BREAKS.c.id)
)
"""Built once: every presence view reads its breaks, as rows (loading them as objects was
a quarter of a page of 50 intervals)."""


class IntervalFacts(Protocol):
    """What the rules read of a stored interval: an ORM object or a prepared row."""

    @property
    def id(self) -> int: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def ended_at(self) -> datetime | None: ...


class BreakFacts(Protocol):
    """A stored break as views read it: an ORM object or a row of `BREAKS`."""

    @property
    def started_at(self) -> datetime: ...
    @property
    def ended_at(self) -> datetime | None: ...


class IntervalRecord(IntervalFacts, Protocol):
    """A stored interval as views and callers read it: an ORM object or a row of
    `INTERVALS`."""

    @property
    def row_version(self) -> int: ...
    @property
    def activity_id(self) -> int | None: ...
    @property
    def note(self) -> str: ...


class PresenceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _workspace_id(self) -> int:
        workspace_id = session_workspace_id(self.session)
        assert workspace_id is not None, "presence is read in a workspace's session"
        return workspace_id

    def _rows(self, query: PreparedQuery, **values: object) -> list[Any]:
        return rows_in_session(self.session, query, workspace_id=self._workspace_id, **values)

    def lock_employee(self, employee_id: int) -> None:
        """Serialize the presence writes of one employee (see `LOCK_EMPLOYEE`)."""
        self._rows(LOCK_EMPLOYEE, employee_id=employee_id)

    def get(self, employee_id: int, interval_id: int) -> PresenceInterval | None:
        return self.session.scalars(
            select(PresenceInterval).where(
                PresenceInterval.id == interval_id, PresenceInterval.employee_id == employee_id
            )
        ).one_or_none()

    def open_interval_row(self, employee_id: int) -> Any:
        """The employee's open interval as a row of `INTERVALS`, if there is one."""
        found = self._rows(OPEN_INTERVAL, employee_id=employee_id)
        return found[0] if found else None

    def add_open_interval(self, **values: Any) -> Any:
        """The interval added as a row of `INTERVALS`; None when the employee has an open
        interval already (another writer's, committed after the checks)."""
        dialect = self.session.get_bind().dialect.name
        added = self._rows(
            ADD_OPEN_INTERVAL[dialect], **new(workspace_id=self._workspace_id, **values)
        )
        return added[0] if added else None

    def break_rows(self, interval_id: int) -> list[Any]:
        """The interval's breaks as rows of `BREAKS`, in order."""
        return self._rows(BREAKS_OF, interval_id=interval_id)

    def close(self, interval_id: int, at: datetime, note: str, now: datetime) -> Any:
        """Ends the interval and its open break at `at`; the interval as a row of
        `INTERVALS` afterwards. Loaded objects of either are expired."""
        self._rows(END_OPEN_BREAK, interval_id=interval_id, **new(ended_at=at))
        (closed,) = self._rows(
            CLOSE_INTERVAL, interval_id=interval_id, **new(ended_at=at, note=note, updated_at=now)
        )
        self._expire_loaded(interval_id)
        return closed

    def _expire_loaded(self, interval_id: int) -> None:
        loaded = self.session.identity_map.get(identity_key(PresenceInterval, interval_id))
        if loaded is not None:
            self.session.expire(loaded)
        for held in list(self.session.identity_map.values()):
            if isinstance(held, PresenceBreak) and held.interval_id == interval_id:
                self.session.expire(held)

    def open_interval(self, employee_id: int) -> PresenceInterval | None:
        """The employee's open interval, loaded (to be changed)."""
        return self.session.scalars(
            select(PresenceInterval).where(
                PresenceInterval.employee_id == employee_id, PresenceInterval.ended_at.is_(None)
            )
        ).one_or_none()

    def open_intervals(self, employee_ids: Iterable[int] | None) -> list[PresenceInterval]:
        """The open intervals of these employees (None: of everyone), by employee."""
        statement = select(PresenceInterval).where(PresenceInterval.ended_at.is_(None))
        if employee_ids is not None:
            statement = statement.where(PresenceInterval.employee_id.in_(sorted(employee_ids)))
        return list(self.session.scalars(statement.order_by(PresenceInterval.employee_id)))

    def open_break_ids(self, interval_ids: Iterable[int]) -> set[int]:
        """Those of the intervals with a break open."""
        wanted = sorted(set(interval_ids))
        if not wanted:
            return set()
        return set(
            self.session.scalars(
                select(PresenceBreak.interval_id).where(
                    PresenceBreak.interval_id.in_(wanted), PresenceBreak.ended_at.is_(None)
                )
            )
        )

    def overlapping(
        self,
        employee_id: int,
        started_at: datetime,
        ended_at: datetime | None,
        *,
        exclude_id: int | None = None,
    ) -> IntervalFacts | None:
        """The earliest interval of the employee sharing time with [started_at, ended_at);
        an open interval (and `ended_at` None) reaches into the future without end.

        Asked as two index seeks in one statement, the open interval and the first closed
        one ending after `started_at`: one condition ORing both scans all of the
        employee's intervals.
        Closed intervals of an employee never overlap, so the first to end is the first
        to start."""
        span = {
            "employee_id": employee_id,
            "until": LATEST if ended_at is None else ended_at,
            "other_than": NO_INTERVAL if exclude_id is None else exclude_id,
        }
        found = self._rows(OVERLAPPING, since=started_at, **span)
        return min(found, key=lambda interval: (interval.started_at, interval.id), default=None)

    def listing(
        self, employee_id: int, first_day: date | None, last_day: date | None
    ) -> Select[PresenceInterval]:
        statement = select(PresenceInterval).where(PresenceInterval.employee_id == employee_id)
        if first_day is not None:
            statement = statement.where(PresenceInterval.day >= first_day)
        if last_day is not None:
            statement = statement.where(PresenceInterval.day <= last_day)
        return statement

    def breaks_of(self, interval_ids: Iterable[int]) -> dict[int, list[Any]]:
        """The breaks of each interval, in order, as rows of `BREAKS` (changes of this
        unit of work flushed first)."""
        found: dict[int, list[Any]] = {interval_id: [] for interval_id in interval_ids}
        if not found:
            return found
        if self.session.new or self.session.dirty or self.session.deleted:
            self.session.flush()
        parameters = {"workspace_id": self._workspace_id, "ids": list(found)}
        for row in self.session.connection().execute(BREAKS_OF_INTERVALS, parameters):
            found[row.interval_id].append(row)
        return found

    def open_break(self, interval_id: int) -> PresenceBreak | None:
        return self.session.scalars(
            select(PresenceBreak).where(
                PresenceBreak.interval_id == interval_id, PresenceBreak.ended_at.is_(None)
            )
        ).one_or_none()

    def add(self, row: PresenceInterval | PresenceBreak) -> None:
        """Insert inside a savepoint: a unique-index violation (IntegrityError) rolls back
        only the savepoint and leaves the transaction usable."""
        with self.session.begin_nested():
            self.session.add(row)
            self.session.flush()

    def add_breaks(
        self, interval: PresenceInterval, spans: Sequence[tuple[datetime, datetime]]
    ) -> None:
        for started_at, ended_at in spans:
            self.session.add(
                PresenceBreak(
                    workspace_id=interval.workspace_id,
                    interval_id=interval.id,
                    started_at=started_at,
                    ended_at=ended_at,
                )
            )
        self.session.flush()

    def delete_breaks(self, interval_id: int) -> None:
        self.session.execute(delete(PresenceBreak).where(PresenceBreak.interval_id == interval_id))

    def delete(self, interval: PresenceInterval) -> None:
        self.delete_breaks(interval.id)
        self.session.delete(interval)
        self.session.flush()

    def flush(self) -> None:
        self.session.flush()

    def timezone_of(self, employee_id: int, workspace_id: int, day: date) -> str:
        """The employee's zone in their version in force on `day`, else the workspace's."""
        found = rows_in_session(
            self.session,
            EMPLOYEE_ZONE_ON,
            workspace_id=workspace_id,
            employee_id=employee_id,
            day=day,
        )
        if found and found[0].timezone:
            return str(found[0].timezone)
        return self.workspace_timezone(workspace_id)

    def workspace_timezone(self, workspace_id: int) -> str:
        basics = workspace_basics(self.session, workspace_id)
        assert basics is not None
        return basics.timezone

    def workspace(self, workspace_id: int) -> Workspace:
        workspace = self.session.get(Workspace, workspace_id)
        assert workspace is not None
        return workspace
