"""The team week: each employee's days evaluated from the records read for the whole team
at once equal the evaluation of that employee alone, and the entry minutes are the day
totals of the entries."""

from datetime import date

from fastapi.testclient import TestClient

from tests.access.support import person_caller
from tests.evaluation.support import Oslo
from tests.organization.support import create_employee
from tests.presence.support import record
from timeledger.access.caller import Caller
from timeledger.evaluation.service import evaluate_employee
from timeledger.evaluation.team_week import team_week
from timeledger.kit.db import Database

MONDAY = date(2026, 3, 2)
SUNDAY = date(2026, 3, 8)


def _owner(oslo: Oslo) -> Caller:
    return person_caller(
        oslo.workspace.id, oslo.workspace.owner_id, {"timesheet:read:*"}, role_name="owner"
    )


def test_each_employees_week_equals_their_own_evaluation(
    client: TestClient, db: Database, oslo: Oslo
) -> None:
    part_timer = create_employee(
        client,
        oslo.headers,
        "O2",
        first_name="Per",
        weekly_pattern_minutes=[240, 240, 240, 0, 0, 0, 0],
        timezone="Europe/Oslo",
    )["id"]
    record(client, oslo.headers, oslo.employee_id, "2026-03-02T07:00:00+01:00",
           "2026-03-02T18:00:00+01:00",
           breaks=[{"started_at": "2026-03-02T11:30:00+01:00",
                    "ended_at": "2026-03-02T12:00:00+01:00"}])  # fmt: skip
    record(client, oslo.headers, oslo.employee_id, "2026-03-06T22:00:00+01:00",
           "2026-03-07T04:00:00+01:00")  # fmt: skip
    record(client, oslo.headers, part_timer, "2026-03-03T08:00:00+01:00",
           "2026-03-03T12:15:00+01:00")  # fmt: skip
    work = client.get("/api/settings/activities?limit=200", headers=oslo.headers).json()["items"]
    (work_id,) = [activity["id"] for activity in work if activity["key"] == "work"]
    for minutes in (30, 45):
        added = client.post(
            f"/api/employees/{part_timer}/timesheet/entries",
            json={"date": "2026-03-04", "minutes": minutes, "activity_id": work_id},
            headers=oslo.headers,
        )
        assert added.status_code == 201, added.text

    with db.transaction(workspace_id=oslo.workspace.id) as session:
        week = team_week(session, _owner(oslo), MONDAY, SUNDAY)
        alone = {
            employee_id: evaluate_employee(session, oslo.workspace.id, employee_id, MONDAY, SUNDAY)
            for employee_id in (oslo.employee_id, part_timer)
        }

    people = {person.member.employee_id: person for person in week.people}
    assert set(alone) <= set(people)
    for employee_id, evaluation in alone.items():
        cells = people[employee_id].days
        assert [(c.day, c.norm_minutes, c.worked_minutes) for c in cells] == [
            (d.day, d.norm_minutes, d.worked_minutes) for d in evaluation.days
        ]
        assert people[employee_id].norm_minutes == evaluation.totals.norm_minutes
        assert people[employee_id].worked_minutes == evaluation.totals.worked_minutes
    own = people[oslo.employee_id]
    assert own.days[0].worked_minutes == 630
    assert own.norm_minutes == 5 * 450
    per = people[part_timer]
    assert [cell.entry_minutes for cell in per.days] == [0, 0, 75, 0, 0, 0, 0]
    assert per.entry_minutes == 75
    assert per.days[1].worked_minutes == 255
    assert per.norm_minutes == 720


def test_a_team_of_nobody_has_an_empty_week(client: TestClient, db: Database, oslo: Oslo) -> None:
    with db.transaction(workspace_id=oslo.workspace.id) as session:
        week = team_week(session, _owner(oslo), MONDAY, SUNDAY, org_unit_id=999_999)
    assert week.people == []
