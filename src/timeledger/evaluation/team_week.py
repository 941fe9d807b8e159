"""The team week: for each employee whose timesheet the caller reads, each day's norm and
worked minutes as the rule engine evaluates them ("my week" shows the same figures) and
the minutes of the entries registered on it.

The records of the whole team are read at once (a fixed number of queries whatever its
size); each employee is then evaluated from them by the pure core."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.entries.team_totals import entry_minutes_by_day
from timeledger.evaluation.service import FactsLoader
from timeledger.evaluation.team_repository import entries_of_days_of, intervals_starting_of
from timeledger.organization.repository import EmployeeRepository, EmploymentRepository
from timeledger.organization.roster import Member, team_roster
from timeledger.organization.today import workspace_today
from timeledger.rules.evaluation import context_range, evaluate


class TeamFactsLoader(FactsLoader):
    """A `FactsLoader` for the employees of a team and the days [first, last]: their
    versions, employment periods, intervals and entries are read for all of them at once,
    the shared configuration once per loader as ever."""

    def __init__(
        self,
        session: Session,
        workspace_id: int,
        employee_ids: Sequence[int],
        first: date,
        last: date,
    ) -> None:
        super().__init__(session, workspace_id)
        self._versions = EmployeeRepository(session).histories(employee_ids)
        self._periods = EmploymentRepository(session).of_employees(employee_ids)
        ranges = [
            context_range(self.configuration_of(employee_id, first, last), first, last)
            for employee_id in employee_ids
        ]
        context_first = min((start for start, _ in ranges), default=first)
        context_last = max((end for _, end in ranges), default=last)
        self._intervals_of: dict[int, list[Any]] = {employee_id: [] for employee_id in employee_ids}
        for row in intervals_starting_of(
            session,
            employee_ids,
            _utc_midnight(context_first - timedelta(days=1)),
            _utc_midnight(context_last + timedelta(days=2)),
        ):
            self._intervals_of[row.employee_id].append(row)
        self._entries_of: dict[int, list[Any]] = {employee_id: [] for employee_id in employee_ids}
        for row in entries_of_days_of(session, employee_ids, context_first, context_last):
            self._entries_of[row.employee_id].append(row)

    def employee_version_rows(self, employee_id: int) -> Sequence[Any]:
        return self._versions.get(employee_id, [])

    def employment_rows(self, employee_id: int) -> Sequence[Any]:
        return self._periods.get(employee_id, [])

    def interval_rows(
        self, employee_id: int, starts_from: datetime, starts_before: datetime
    ) -> Sequence[Any]:
        return [
            row
            for row in self._intervals_of.get(employee_id, [])
            if starts_from <= row.started_at < starts_before
        ]

    def entry_rows(self, employee_id: int, first: date, last: date) -> Sequence[Any]:
        return [row for row in self._entries_of.get(employee_id, []) if first <= row.day <= last]


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


@dataclass(frozen=True)
class DayCell:
    day: date
    norm_minutes: int
    worked_minutes: int
    entry_minutes: int


@dataclass(frozen=True)
class MemberWeek:
    member: Member
    days: list[DayCell]

    @property
    def norm_minutes(self) -> int:
        return sum(cell.norm_minutes for cell in self.days)

    @property
    def worked_minutes(self) -> int:
        return sum(cell.worked_minutes for cell in self.days)

    @property
    def entry_minutes(self) -> int:
        return sum(cell.entry_minutes for cell in self.days)


@dataclass(frozen=True)
class TeamWeek:
    first: date
    last: date
    people: list[MemberWeek]
    """Sorted by name."""
    units: dict[int, str]
    """The units of the whole team, for choosing one."""


def team_week(
    session: Session, caller: Caller, first: date, last: date, *, org_unit_id: int | None = None
) -> TeamWeek:
    """Each day of [first, last] of each employee whose timesheet the caller reads (of
    `org_unit_id`, when given)."""
    roster = team_roster(
        session, caller, workspace_today(session, caller.workspace_id), org_unit_id=org_unit_id
    )
    employee_ids = [member.employee_id for member in roster.members]
    loader = TeamFactsLoader(session, caller.workspace_id, employee_ids, first, last)
    entry_minutes = entry_minutes_by_day(session, employee_ids, first, last)
    people = []
    for member in roster.members:
        evaluation = evaluate(loader.facts_of(member.employee_id, first, last))
        cells = [
            DayCell(
                figures.day,
                figures.norm_minutes,
                figures.worked_minutes,
                entry_minutes.get((member.employee_id, figures.day), 0),
            )
            for figures in evaluation.days
        ]
        people.append(MemberWeek(member, cells))
    return TeamWeek(first, last, people, roster.units)
