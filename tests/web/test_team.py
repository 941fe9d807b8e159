"""The manager's team pages: "my team today" and the team week, who sees them, what they
show, and that they read a fixed number of queries whatever the team's size."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.approvals.support import set_managers
from tests.conftest import WorkspaceFixture
from tests.organization.support import create_employee, create_unit
from tests.presence.support import call, create_setting, record
from tests.web.support import Employee, employee_in, sign_in
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.clock import Clock, FixedClock, clock_in_use
from timeledger.kit.db import Database

NOW = datetime(2026, 3, 4, 11, 0, tzinfo=UTC)
"""A Wednesday, noon in Copenhagen (the workspace's zone)."""
TODAY = "2026-03-04"
EVERY_DAY = [480] * 7


@pytest.fixture
def clock() -> Iterator[Clock]:
    """The clock stands at `NOW`, so the states and minutes are known."""
    fixed = FixedClock(NOW)
    with clock_in_use(fixed):
        yield fixed


@dataclass(frozen=True)
class Team:
    workspace: WorkspaceFixture
    manager: Employee
    team_unit_id: int
    other_unit_id: int
    terms_id: int
    sick_policy_id: int
    work_activity_id: int
    people: dict[str, int]
    """Employee ids by first name."""

    @property
    def headers(self) -> dict[str, str]:
        return self.workspace.headers


def add_member(client: TestClient, team: Team, name: str, unit_id: int | None = None) -> int:
    employee = create_employee(
        client,
        team.headers,
        f"T-{name}",
        first_name=name,
        last_name="Member",
        org_unit_id=unit_id or team.team_unit_id,
        employment_terms_id=team.terms_id,
        weekly_pattern_minutes=EVERY_DAY,
    )
    team.people[name] = employee["id"]
    return int(employee["id"])


def clocking(client: TestClient, team: Team, name: str, operation: str, at: str) -> None:
    answer = call(client, team.headers, team.people[name], operation, at=at)
    assert answer.status_code in (200, 201), answer.text


def add_entry(client: TestClient, team: Team, name: str, minutes: int) -> None:
    answer = client.post(
        f"/api/employees/{team.people[name]}/timesheet/entries",
        json={"date": TODAY, "minutes": minutes, "activity_id": team.work_activity_id},
        headers=team.headers,
    )
    assert answer.status_code == 201, answer.text


def take_sick_leave(client: TestClient, team: Team, name: str) -> None:
    answer = client.post(
        f"/api/employees/{team.people[name]}/timeoffs",
        json={"timeoff_policy_id": team.sick_policy_id, "start_day": TODAY, "end_day": TODAY},
        headers=team.headers,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "approved"


def team_of(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> Team:
    """A team unit managed by a manager, another unit beside it, terms planning every day
    and naming a sick leave that needs no approval."""
    headers = workspace.headers
    activities = client.get("/api/settings/activities?limit=200", headers=headers).json()["items"]
    keys = {activity["key"]: activity["id"] for activity in activities}
    sick = create_setting(
        client,
        headers,
        "timeoff-policies",
        name="Sick leave",
        activity_id=keys["sick"],
        approval="none",
        usage={"plugin_id": "workdays"},
        effective_from="2024-01-01",
    )
    terms = create_setting(
        client,
        headers,
        "employment-terms",
        name="Every day",
        norm_minutes=EVERY_DAY,
        timeoff_policy_ids=[sick],
        effective_from="2024-01-01",
    )
    team_unit = create_unit(client, headers, "Team")
    other_unit = create_unit(client, headers, "Other")
    manager = employee_in(client, db, hashing, workspace, role="manager")
    set_managers(client, headers, team_unit["id"], [manager.user_id])
    return Team(
        workspace, manager, team_unit["id"], other_unit["id"], terms, sick, keys["work"], {}
    )


def a_day_of_the_team(client: TestClient, team: Team) -> None:
    """Anna in since 09:00, Bert on a break since 11:30, Carl in since yesterday, Dora off
    sick, Emil out after 3:30, Finn not in (with 1:30 in entries), Gina in another unit."""
    for name in ("Anna", "Bert", "Carl", "Dora", "Emil", "Finn"):
        add_member(client, team, name)
    add_member(client, team, "Gina", team.other_unit_id)
    clocking(client, team, "Anna", "clock-in", "2026-03-04T09:00:00+01:00")
    clocking(client, team, "Bert", "clock-in", "2026-03-04T08:00:00+01:00")
    clocking(client, team, "Bert", "break-start", "2026-03-04T11:30:00+01:00")
    clocking(client, team, "Carl", "clock-in", "2026-03-03T15:00:00+01:00")
    take_sick_leave(client, team, "Dora")
    record(
        client,
        team.headers,
        team.people["Emil"],
        "2026-03-04T07:00:00+01:00",
        "2026-03-04T11:00:00+01:00",
        breaks=[
            {"started_at": "2026-03-04T09:00:00+01:00", "ended_at": "2026-03-04T09:30:00+01:00"}
        ],
    )
    add_entry(client, team, "Finn", 90)
    clocking(client, team, "Gina", "clock-in", "2026-03-04T08:00:00+01:00")


@pytest.fixture
def team(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> Team:
    made = team_of(client, db, hashing, workspace)
    a_day_of_the_team(client, made)
    return made


ROW = re.compile(r'<tr id="employee-(\d+)"( class="state-(\w+)")?>(.*?)</tr>', re.S)


def rows_of(html: str) -> dict[int, tuple[str, str]]:
    """Each employee row of a team page: (its state, its text without tags)."""
    return {
        int(match.group(1)): (match.group(3) or "", re.sub(r"<[^>]+>|\s+", " ", match.group(4)))
        for match in ROW.finditer(html)
    }


def test_a_manager_sees_where_each_of_their_team_stands_today(
    client: TestClient, team: Team
) -> None:
    sign_in(client, team.manager.email)

    page = client.get("/team")

    assert page.status_code == 200, page.text
    rows = rows_of(page.text)
    people = team.people
    assert set(rows) == {
        *(people[name] for name in people if name != "Gina"),
        team.manager.employee_id,
    }
    states = {name: rows[people[name]][0] for name in people if name != "Gina"}
    assert states == {
        "Anna": "in",
        "Bert": "on_break",
        "Carl": "forgot",
        "Dora": "off",
        "Emil": "out",
        "Finn": "not_in",
    }
    assert "since 9:00 AM" in rows[people["Anna"]][1]
    assert "since 11:30 AM" in rows[people["Bert"]][1]
    assert "since Tue, Mar 3 3:00 PM" in rows[people["Carl"]][1]
    assert "Sick leave" in rows[people["Dora"]][1]
    assert " 3:30 " in rows[people["Emil"]][1]
    assert " 1:30 " in rows[people["Finn"]][1]
    assert " 3:00 " in rows[people["Anna"]][1]
    assert " 8:00 " in rows[people["Dora"]][1]  # the sick day's booked entry
    counts = dict(re.findall(r'<div class="state-(\w+)"><dt>[^<]*</dt><dd>(\d+)</dd>', page.text))
    assert counts == {
        "in": "1",
        "on_break": "1",
        "out": "1",
        "off": "1",
        "forgot": "1",
        "not_in": "2",
    }
    names = re.findall(r'<th scope="row">([^<]+)</th>', page.text)
    assert names == sorted(names, key=str.casefold)


def test_an_administrator_sees_everyone_of_the_workspace_and_filters_by_unit(
    client: TestClient, team: Team, other_workspace: WorkspaceFixture
) -> None:
    create_employee(client, other_workspace.headers, "X1", first_name="Zed", last_name="Elsewhere")
    sign_in(client, team.workspace.owner_email, team.workspace.owner_password)

    everyone = rows_of(client.get("/team").text)
    other = rows_of(client.get(f"/team?unit={team.other_unit_id}").text)
    whole = rows_of(client.get("/team?unit=").text)

    assert set(team.people.values()) <= set(everyone)
    assert everyone[team.people["Gina"]][0] == "in"
    assert set(other) == {team.people["Gina"]}
    assert set(whole) == set(everyone)
    assert "Zed" not in client.get("/team").text
    assert "Zed" not in client.get("/team/week").text


def test_an_employee_may_not_see_team_pages_and_a_stranger_is_sent_to_sign_in(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    signed_out = client.get("/team/week", follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/sign-in?next=/team/week"

    person = employee_in(client, db, hashing, workspace)
    sign_in(client, person.email)
    assert client.get("/team").status_code == 403
    assert client.get("/team/week").status_code == 403
    assert 'href="/team"' not in client.get("/").text


def cells_of(html: str, employee_id: int) -> list[tuple[str, str, str]]:
    """(worked, entries, norm) of each day and of the total of an employee's week row."""
    _, row = rows_of(html)[employee_id]
    figures = re.findall(r"\d+:\d\d", row)
    return [
        (figures[index], figures[index + 1], figures[index + 2])
        for index in range(0, len(figures), 3)
    ]


def test_the_team_week_shows_worked_entries_and_norm_per_day_and_their_sums(
    client: TestClient, team: Team
) -> None:
    sign_in(client, team.manager.email)

    page = client.get(f"/team/week?of={TODAY}")

    assert page.status_code == 200, page.text
    assert "?of=2026-02-23" in page.text and "?of=2026-03-09" in page.text
    emil = cells_of(page.text, team.people["Emil"])
    assert len(emil) == 8
    assert emil[2] == ("3:30", "0:00", "8:00")  # Wednesday
    assert emil[0] == ("0:00", "0:00", "8:00")
    assert emil[7] == ("3:30", "0:00", "56:00")
    finn = cells_of(page.text, team.people["Finn"])
    assert finn[2][1] == "1:30" and finn[7][1] == "1:30"
    dora = cells_of(page.text, team.people["Dora"])
    assert dora[2] == ("0:00", "8:00", "8:00")
    for name in ("Anna", "Bert", "Dora", "Emil", "Finn"):
        days = cells_of(page.text, team.people[name])
        for column in range(3):
            total = sum(_minutes(day[column]) for day in days[:7])
            assert _minutes(days[7][column]) == total, (name, column)
    assert team.people["Gina"] not in rows_of(page.text)


def _minutes(shown: str) -> int:
    hours, minutes = shown.split(":")
    return int(hours) * 60 + int(minutes)


def statements_of(db: Database, run: Any) -> list[str]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", count)
    return seen


def test_the_team_pages_read_as_many_queries_for_a_big_team_as_for_a_small_one(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    team = team_of(client, db, hashing, workspace)
    add_member(client, team, "Anna")
    add_member(client, team, "Bert")
    clocking(client, team, "Anna", "clock-in", "2026-03-04T09:00:00+01:00")
    add_entry(client, team, "Bert", 60)
    sign_in(client, team.manager.email)

    def queries() -> tuple[int, int]:
        for path in ("/team", f"/team/week?of={TODAY}"):
            assert client.get(path).status_code == 200  # warm: the session is checked once
        today = statements_of(db, lambda: client.get("/team"))
        week = statements_of(db, lambda: client.get(f"/team/week?of={TODAY}"))
        return len(today), len(week)

    small = queries()
    for name in ("Carl", "Dora", "Emil", "Finn", "Hugo", "Ines"):
        add_member(client, team, name)
    clocking(client, team, "Carl", "clock-in", "2026-03-03T15:00:00+01:00")
    clocking(client, team, "Emil", "clock-in", "2026-03-04T08:00:00+01:00")
    clocking(client, team, "Emil", "break-start", "2026-03-04T10:00:00+01:00")
    take_sick_leave(client, team, "Dora")
    add_entry(client, team, "Finn", 30)
    add_entry(client, team, "Hugo", 45)
    big = queries()

    assert len(rows_of(client.get("/team").text)) == 9
    assert big == small
