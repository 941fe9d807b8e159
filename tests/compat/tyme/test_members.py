"""Tyme's team members, read with an OAuth access token, on both engines."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.access.support import new_person
from tests.compat.tyme.support import MEMBERS, owner_token
from tests.conftest import WorkspaceFixture
from timeledger.compat.tyme.members import working_times
from timeledger.kit.db import Database
from timeledger.models import Employee, EmployeeVersion

TYME_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
FIELDS = {
    "id",
    "team_id",
    "name",
    "email",
    "role",
    "working_times",
    "historic_working_times",
    "last_sync",
    "created",
    "assigned",
}


def test_working_times_are_seconds_sunday_first() -> None:
    assert working_times([60, 120, 180, 240, 300, 360, 420]) == (
        "25200,3600,7200,10800,14400,18000,21600"
    )
    assert working_times([480, 480, 480, 480, 480, 0, 0]) == "0,28800,28800,28800,28800,28800,0"
    assert working_times(None) == "0,0,0,0,0,0,0"


def test_members_list_the_team_with_their_planned_weeks(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee = new_person(db, workspace.id, "employee", name="Hans Example")
    with db.transaction() as session:
        linked = select(Employee.id).where(Employee.user_id == employee.user_id)
        employee_id = session.scalar(linked)
        session.execute(
            update(EmployeeVersion)
            .where(EmployeeVersion.employee_id == employee_id)
            .values(weekly_pattern_minutes=[60, 120, 180, 240, 300, 360, 420])
        )
    headers = owner_token(tyme, workspace)
    response = tyme.get(MEMBERS, headers=headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    by_id = {member["id"]: member for member in data}
    assert set(by_id) == {str(workspace.owner_id), str(employee.user_id)}
    hans = by_id[str(employee.user_id)]
    assert set(hans) == FIELDS
    assert hans["team_id"] == str(workspace.id)
    assert hans["name"] == "Hans Example"
    assert hans["email"] == employee.email
    assert hans["role"] == 1
    assert hans["working_times"] == "25200,3600,7200,10800,14400,18000,21600"
    assert TYME_TIME.match(hans["created"])
    assert (hans["historic_working_times"], hans["last_sync"], hans["assigned"]) == (None, None, [])
    assert by_id[str(workspace.owner_id)]["role"] == 0

    one = tyme.get(f"{MEMBERS}/{employee.user_id}", headers=headers)
    assert one.status_code == 200
    assert one.json() == {"data": [hans]}
    me = tyme.get(f"{MEMBERS}/me", headers=headers).json()["data"]
    assert [member["id"] for member in me] == [str(workspace.owner_id)]


def test_a_member_of_another_workspace_or_no_member_is_404(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    headers = owner_token(tyme, workspace)
    for missing in (str(other_workspace.owner_id), "999999", "abc", "0", "9" * 30):
        response = tyme.get(f"{MEMBERS}/{missing}", headers=headers)
        assert response.status_code == 404, missing
        assert response.json()["error"] == "not_found"


def test_members_without_a_token_is_401_in_tymes_shape(tyme: TestClient) -> None:
    response = tyme.get(MEMBERS)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert response.headers["www-authenticate"].startswith("Bearer")
