"""Whose presence a caller reaches: their own, their team's, everyone's."""

from fastapi.testclient import TestClient

from tests.access.support import assert_problem, new_person, new_service_user
from tests.conftest import WorkspaceFixture
from tests.organization.support import create_unit, employee_of_user
from tests.presence.support import call, new_employee, timesheet
from timeledger.kit.db import Database


def _place(client: TestClient, workspace: WorkspaceFixture, user_id: int, unit_id: int) -> int:
    employee = employee_of_user(client, workspace.headers, user_id)
    response = client.patch(
        f"/api/employees/{employee['id']}", json={"org_unit_id": unit_id}, headers=workspace.headers
    )
    assert response.status_code == 200, response.text
    employee_id: int = employee["id"]
    return employee_id


def test_an_employee_clocks_only_themselves(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    other = new_person(db, workspace.id, "employee")
    own = employee_of_user(client, workspace.headers, person.user_id)["id"]
    theirs = employee_of_user(client, workspace.headers, other.user_id)["id"]
    assert call(client, person.headers, own, "clock-in").status_code == 201
    assert client.get(timesheet(own, "presence"), headers=person.headers).status_code == 200
    for operation in ("clock-in", "clock-out", "break-start", "break-end", "presence"):
        assert_problem(call(client, person.headers, theirs, operation), 404)
    assert_problem(client.get(timesheet(theirs, "presence"), headers=person.headers), 404)
    made = call(client, other.headers, theirs, "clock-in").json()
    assert_problem(
        client.get(timesheet(theirs, f"presence/{made['id']}"), headers=person.headers), 404
    )


def test_a_manager_clocks_their_team_recursively(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    unit_a = create_unit(client, workspace.headers, "A")
    below_a = create_unit(client, workspace.headers, "A1", parent_id=unit_a["id"])
    unit_b = create_unit(client, workspace.headers, "B")
    manager = new_person(db, workspace.id, "manager")
    put = client.put(
        f"/api/org-units/{unit_a['id']}/managers",
        json={"user_ids": [manager.user_id]},
        headers=workspace.headers,
    )
    assert put.status_code == 200, put.text
    in_a = _place(client, workspace, new_person(db, workspace.id, "employee").user_id, unit_a["id"])
    below = _place(
        client, workspace, new_person(db, workspace.id, "employee").user_id, below_a["id"]
    )
    in_b = _place(client, workspace, new_person(db, workspace.id, "employee").user_id, unit_b["id"])
    for employee in (in_a, below):
        assert call(client, manager.headers, employee, "clock-in").status_code == 201
        assert call(client, manager.headers, employee, "clock-out").status_code == 200
    assert_problem(call(client, manager.headers, in_b, "clock-in"), 404)
    assert_problem(client.get(timesheet(in_b, "presence"), headers=manager.headers), 404)


def test_a_kiosk_clocks_anyone(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    role = client.post(
        "/api/roles",
        json={"name": "kiosk", "permissions": ["timesheet:read:*", "timesheet:write:*"]},
        headers=workspace.headers,
    )
    assert role.status_code == 201, role.text
    kiosk = new_service_user(db, workspace.id, "kiosk")
    for number in ("K1", "K2"):
        employee = new_employee(client, workspace.headers, number)
        opened = call(client, kiosk.headers, employee, "clock-in", source="kiosk")
        assert opened.status_code == 201, opened.text
        assert opened.json()["source"] == "kiosk"


def test_readable_but_not_writable_is_403(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    role = client.post(
        "/api/roles",
        json={"name": "viewer", "permissions": ["timesheet:read:*", "timesheet:write:own"]},
        headers=workspace.headers,
    )
    assert role.status_code == 201, role.text
    viewer = new_person(db, workspace.id, "viewer")
    employee = new_employee(client, workspace.headers)
    assert client.get(timesheet(employee, "presence"), headers=viewer.headers).status_code == 200
    assert_problem(call(client, viewer.headers, employee, "clock-in"), 403)
    developer = new_person(db, workspace.id, "developer")
    assert client.get(timesheet(employee, "presence"), headers=developer.headers).status_code == 200
    assert_problem(call(client, developer.headers, employee, "clock-in"), 403)
