"""Object-level scope: own, team (managed units, recursively) and all."""

from fastapi.testclient import TestClient

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from tests.organization.support import create_unit, employee_of_user
from timeledger.kit.db import Database


def _place(client: TestClient, workspace: WorkspaceFixture, user_id: int, unit_id: int) -> int:
    employee = employee_of_user(client, workspace.headers, user_id)
    response = client.patch(
        f"/api/employees/{employee['id']}",
        json={"org_unit_id": unit_id},
        headers=workspace.headers,
    )
    assert response.status_code == 200, response.text
    employee_id: int = employee["id"]
    return employee_id


def test_a_manager_sees_their_units_recursively_and_nothing_else(
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
    in_sub_unit = new_person(db, workspace.id, "employee")
    in_b = new_person(db, workspace.id, "employee")
    sub_employee = _place(client, workspace, in_sub_unit.user_id, below_a["id"])
    b_employee = _place(client, workspace, in_b.user_id, unit_b["id"])

    assert client.get(f"/api/employees/{sub_employee}", headers=manager.headers).status_code == 200
    assert_problem(client.get(f"/api/employees/{b_employee}", headers=manager.headers), 404)
    listed = client.get("/api/employees", headers=manager.headers).json()["items"]
    assert sub_employee in [item["id"] for item in listed]
    assert b_employee not in [item["id"] for item in listed]
    changed = client.patch(
        f"/api/employees/{sub_employee}", json={"hourly_rate_minor": 1}, headers=manager.headers
    )
    assert changed.status_code == 200, changed.text
    assert_problem(
        client.patch(f"/api/employees/{b_employee}", json={}, headers=manager.headers), 404
    )
    # The users area resolves the same team.
    assert client.get(f"/api/users/{in_sub_unit.user_id}", headers=manager.headers).status_code == (
        200
    )
    assert_problem(client.get(f"/api/users/{in_b.user_id}", headers=manager.headers), 404)


def test_an_employee_sees_only_their_own_record(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    other = new_person(db, workspace.id, "employee")
    own = employee_of_user(client, workspace.headers, person.user_id)
    theirs = employee_of_user(client, workspace.headers, other.user_id)
    assert client.get(f"/api/employees/{own['id']}", headers=person.headers).status_code == 200
    assert_problem(client.get(f"/api/employees/{theirs['id']}", headers=person.headers), 404)
    listed = client.get("/api/employees", headers=person.headers).json()["items"]
    assert [item["id"] for item in listed] == [own["id"]]


def test_visible_but_not_changeable_is_403(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    role = client.post(
        "/api/roles",
        json={"name": "lead", "permissions": ["employees:read:*", "employees:update:team"]},
        headers=workspace.headers,
    )
    assert role.status_code == 201, role.text
    lead = new_person(db, workspace.id, "lead")
    other = new_person(db, workspace.id, "employee")
    theirs = employee_of_user(client, workspace.headers, other.user_id)
    url = f"/api/employees/{theirs['id']}"
    assert client.get(url, headers=lead.headers).status_code == 200
    assert_problem(client.patch(url, json={"first_name": "X"}, headers=lead.headers), 403)
    assert_problem(
        client.post(f"{url}/employments", json={"starts_on": "2024-01-01"}, headers=lead.headers),
        403,
    )
