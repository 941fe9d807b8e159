"""My team today: where each employee the caller reads stands today, in their own zone.

A fixed number of queries whatever the team's size (the team, its units, open intervals,
the closed presence of today summed per employee, approved time off, entry minutes); the
state of each employee is then decided from plain values by `day_state`."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.entries.team_totals import entry_minutes_by_day
from timeledger.kit.clock import utcnow
from timeledger.kit.timeutil import local_date
from timeledger.organization.roster import Member, team_roster
from timeledger.organization.today import workspace_basics, workspace_today
from timeledger.presence.team_repository import (
    approved_timeoff_over,
    closed_presence_by_day,
    open_intervals,
)


class DayState(StrEnum):
    IN = "in"
    ON_BREAK = "on_break"
    OUT = "out"
    OFF = "off"
    FORGOT = "forgot"
    """Clocked in since an earlier day and not out yet: forgot to clock out."""
    NOT_IN = "not_in"


@dataclass(frozen=True)
class Stretch:
    """A presence interval with its breaks, as plain values."""

    employee_id: int
    day: date
    started_at: datetime
    ended_at: datetime | None
    breaks: tuple[tuple[datetime, datetime | None], ...] = ()

    def minutes(self, now: datetime) -> int:
        """Present minutes, breaks left out; an open interval or break lasts until `now`."""
        until = self.ended_at or now
        paused = sum(
            (
                max(timedelta(0), min(ended or now, until) - started)
                for started, ended in self.breaks
            ),
            timedelta(0),
        )
        worked = max(timedelta(0), until - self.started_at) - paused
        return max(0, int(worked.total_seconds() // 60))

    def open_break_since(self) -> datetime | None:
        return next((started for started, ended in self.breaks if ended is None), None)


@dataclass(frozen=True)
class ClosedPresence:
    """An employee's closed intervals begun on a day: how many, and their present minutes
    (each counted as `Stretch.minutes` counts it)."""

    intervals: int = 0
    minutes: int = 0


@dataclass(frozen=True)
class Standing:
    state: DayState
    since: datetime | None
    """When the interval (or break) of `IN`, `ON_BREAK` and `FORGOT` began."""
    worked_minutes: int
    """Present minutes of the intervals begun today, the open one up to now."""


def day_state(
    today: date,
    open_interval: Stretch | None,
    closed_today: ClosedPresence,
    off_today: bool,
    now: datetime,
) -> Standing:
    """Where an employee stands: clocked in (on a break, or since an earlier day), else
    out after presence today, else off on approved time off, else not in yet. The minutes
    are those of the closed intervals begun today and of the open one begun today, up to
    `now`."""
    worked = closed_today.minutes
    if open_interval is not None and open_interval.day == today:
        worked += open_interval.minutes(now)
    if open_interval is not None:
        if open_interval.day < today:
            return Standing(DayState.FORGOT, open_interval.started_at, worked)
        pause = open_interval.open_break_since()
        if pause is not None:
            return Standing(DayState.ON_BREAK, pause, worked)
        return Standing(DayState.IN, open_interval.started_at, worked)
    if closed_today.intervals:
        return Standing(DayState.OUT, None, worked)
    if off_today:
        return Standing(DayState.OFF, None, 0)
    return Standing(DayState.NOT_IN, None, 0)


@dataclass(frozen=True)
class MemberToday:
    member: Member
    today: date
    standing: Standing
    entry_minutes: int
    """Minutes of the entries registered on today."""
    timeoff: str | None
    """The policy name of approved time off covering today."""


@dataclass(frozen=True)
class TeamToday:
    people: list[MemberToday]
    """Sorted by name."""
    units: dict[int, str]
    """The units of the whole team, for choosing one."""
    counts: dict[DayState, int]


def stretches_of(rows: Iterable[Any]) -> list[Stretch]:
    """Intervals from rows of one interval per break (`break_started_at` null for none)."""
    heads: dict[int, Any] = {}
    breaks: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for row in rows:
        heads.setdefault(row.id, row)
        if row.break_started_at is not None:
            breaks.setdefault(row.id, []).append((row.break_started_at, row.break_ended_at))
    return [
        Stretch(row.employee_id, row.day, row.started_at, row.ended_at, tuple(breaks.get(key, ())))
        for key, row in heads.items()
    ]


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(zone))


def team_today(session: Session, caller: Caller, *, org_unit_id: int | None = None) -> TeamToday:
    """Each employee whose timesheet the caller reads (of `org_unit_id`, when given) as
    they stand today in their zone."""
    basics = workspace_basics(session, caller.workspace_id)
    workspace_zone = basics.timezone if basics is not None else "UTC"
    roster = team_roster(
        session, caller, workspace_today(session, caller.workspace_id), org_unit_id=org_unit_id
    )
    now = utcnow()
    zones = {member.employee_id: member.timezone or workspace_zone for member in roster.members}
    todays = {employee_id: local_date(now, zone) for employee_id, zone in zones.items()}
    counts = dict.fromkeys(DayState, 0)
    if not todays:
        return TeamToday([], roster.units, counts)
    since = min(_midnight(todays[employee_id], zone) for employee_id, zone in zones.items())
    opened = {s.employee_id: s for s in stretches_of(open_intervals(session, todays.keys()))}
    first, last = min(todays.values()), max(todays.values())
    closed = {
        (row.employee_id, row.day): ClosedPresence(row.intervals, int(row.minutes))
        for row in closed_presence_by_day(session, todays.keys(), since, first, last)
    }
    timeoff: dict[int, str] = {}
    for row in approved_timeoff_over(session, todays.keys(), first, last):
        if row.start_day <= todays[row.employee_id] <= row.end_day:
            timeoff.setdefault(row.employee_id, row.name or "")
    entry_minutes = entry_minutes_by_day(session, todays.keys(), first, last)
    people = []
    for member in roster.members:
        employee_id = member.employee_id
        today = todays[employee_id]
        standing = day_state(
            today,
            opened.get(employee_id),
            closed.get((employee_id, today), ClosedPresence()),
            employee_id in timeoff,
            now,
        )
        counts[standing.state] += 1
        people.append(
            MemberToday(
                member,
                today,
                standing,
                entry_minutes.get((employee_id, today), 0),
                timeoff.get(employee_id),
            )
        )
    return TeamToday(people, roster.units, counts)
