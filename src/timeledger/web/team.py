"""The manager's team pages: "my team today" (who is in, on a break, out, off, forgot to
clock out or not in yet) and the team week (worked and registered minutes against the
norm, day by day), for the employees whose timesheet the signed-in person reads at team
scope (everyone's for an administrator)."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from fastapi import Query, Request, Response

from timeledger.access.caller import Caller
from timeledger.entries.day_totals import week_start_of
from timeledger.evaluation.team_week import team_week
from timeledger.kit.uow import UnitOfWork
from timeledger.organization.today import workspace_basics
from timeledger.presence.team_today import DayState, MemberToday, TeamToday, team_today
from timeledger.web.formatting import Formats
from timeledger.web.routing import Signed, web_router
from timeledger.web.strings import Strings
from timeledger.web.viewer import page, viewer_of

team_router = web_router()

TeamCaller = Annotated[Caller, Signed("timesheet:read:team")]
UnitChoice = Annotated[str | None, Query(alias="unit")]
"""The org unit filter's choice: its id, or empty for the whole team."""


def _unit_id(choice: str | None) -> int | None:
    return int(choice) if choice and choice.isdigit() else None


@dataclass(frozen=True)
class TodayRow:
    """A person's row of "my team today" with its cells written out, so the template
    only places text (a team of hundreds renders in a few milliseconds)."""

    employee_id: int
    name: str
    unit: str
    state: str
    state_label: str
    since: str
    timeoff: str | None
    worked: str
    entries: str


def _since(person: MemberToday, strings: Strings, formats: Formats) -> str:
    since = person.standing.since
    if since is None:
        return ""
    shown = (
        formats.moment(since) if person.standing.state is DayState.FORGOT else formats.time(since)
    )
    return strings.team_since.format(since=shown)


def _unit_name(team: TeamToday, unit_id: int | None) -> str:
    return team.units.get(unit_id, "") if unit_id is not None else ""


def today_rows(team: TeamToday, strings: Strings, formats: Formats) -> list[TodayRow]:
    return [
        TodayRow(
            employee_id=person.member.employee_id,
            name=person.member.name,
            unit=_unit_name(team, person.member.org_unit_id),
            state=person.standing.state.value,
            state_label=strings.team_states[person.standing.state.value],
            since=_since(person, strings, formats),
            timeoff=person.timeoff,
            worked=formats.minutes(person.standing.worked_minutes),
            entries=formats.minutes(person.entry_minutes),
        )
        for person in team.people
    ]


@team_router.get("/team")
def my_team_today(
    request: Request, session: UnitOfWork, caller: TeamCaller, unit: UnitChoice = None
) -> Response:
    viewer = viewer_of(session, caller)
    unit_id = _unit_id(unit)
    team = team_today(session, caller, org_unit_id=unit_id)
    return page(
        request,
        viewer,
        "team_today.html",
        team=team,
        rows=today_rows(team, viewer.strings, viewer.formats),
        states=list(DayState),
        units=team.units,
        unit_id=unit_id,
        of="",
    )


@team_router.get("/team/week")
def my_team_week(
    request: Request,
    session: UnitOfWork,
    caller: TeamCaller,
    of: Annotated[date | None, Query()] = None,
    unit: UnitChoice = None,
) -> Response:
    viewer = viewer_of(session, caller)
    unit_id = _unit_id(unit)
    basics = workspace_basics(session, caller.workspace_id)
    first = week_start_of(of or viewer.today, basics.week_start if basics else 1)
    last = first + timedelta(days=6)
    week = team_week(session, caller, first, last, org_unit_id=unit_id)
    return page(
        request,
        viewer,
        "team_week.html",
        week=week,
        units=week.units,
        of=first.isoformat(),
        days=[first + timedelta(days=offset) for offset in range(7)],
        previous=first - timedelta(days=7),
        next=first + timedelta(days=7),
        unit_id=unit_id,
        unit_query=f"&unit={unit_id}" if unit_id is not None else "",
    )
