"""Employees: effective-dated records, explicit versions, references, users become employees."""

from fastapi.testclient import TestClient

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from tests.organization.support import create_employee, create_unit, employee_of_user
from timeledger.kit.db import Database


def test_create_answers_201_with_location_and_etag(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    unit = create_unit(client, workspace.headers, "Ops")
    response = client.post(
        "/api/employees",
        json={
            "employee_number": "E-1",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "org_unit_id": unit["id"],
            "timezone": "Europe/London",
            "weekly_pattern_minutes": [420, 420, 420, 420, 300, 0, 0],
            "hourly_rate_minor": 5000,
            "effective_from": "2024-01-01",
        },
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/api/employees/{body['id']}"
    assert response.headers["etag"]
    assert body["org_unit_id"] == unit["id"]
    assert body["weekly_pattern_minutes"] == [420, 420, 420, 420, 300, 0, 0]
    assert body["user_id"] is None
    got = client.get(f"/api/employees/{body['id']}", headers=workspace.headers)
    assert got.status_code == 200
    assert got.json() == body


def test_duplicate_employee_number_is_a_conflict(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    create_employee(client, workspace.headers, "E-1")
    response = client.post(
        "/api/employees",
        json={"employee_number": "E-1", "first_name": "A", "last_name": "B"},
        headers=workspace.headers,
    )
    assert "E-1" in assert_problem(response, 409)["detail"]


def test_invalid_values_and_references_are_422(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    base = {"employee_number": "E-9", "first_name": "A", "last_name": "B"}
    for extra in (
        {"weekly_pattern_minutes": [480] * 6},
        {"weekly_pattern_minutes": [480, 480, 480, 480, 480, 0, 1441]},
        {"timezone": "Mars/Olympus"},
    ):
        response = client.post("/api/employees", json={**base, **extra}, headers=workspace.headers)
        assert_problem(response, 422)
    for field in ("org_unit_id", "employment_terms_id", "user_id"):
        response = client.post(
            "/api/employees", json={**base, field: 999999}, headers=workspace.headers
        )
        assert field in assert_problem(response, 422)["detail"]
    later = create_unit(client, workspace.headers, "Later", effective_from="2025-01-01")
    response = client.post(
        "/api/employees",
        json={**base, "org_unit_id": later["id"], "effective_from": "2024-06-01"},
        headers=workspace.headers,
    )
    assert f"org_unit_id {later['id']}" in assert_problem(response, 422)["detail"]


def test_versions_as_of_retroactive_and_before_creation(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    employee = create_employee(client, workspace.headers, "E-1")
    url = f"/api/employees/{employee['id']}"
    later = client.patch(
        url, json={"last_name": "King", "effective_from": "2024-06-01"}, headers=workspace.headers
    )
    assert later.status_code == 200, later.text
    assert later.json()["last_name"] == "King"
    retro = client.post(
        f"{url}/versions",
        json={"effective_from": "2024-03-01", "hourly_rate_minor": 7000},
        headers=workspace.headers,
    )
    assert retro.status_code == 201, retro.text
    assert retro.json()["effective_from"] == "2024-03-01"
    assert_problem(client.get(f"{url}?as_of=2023-12-31", headers=workspace.headers), 404)
    first = client.get(f"{url}?as_of=2024-02-01", headers=workspace.headers).json()
    assert (first["last_name"], first["hourly_rate_minor"]) == ("Lovelace E-1", None)
    between = client.get(f"{url}?as_of=2024-04-01", headers=workspace.headers).json()
    assert (between["last_name"], between["hourly_rate_minor"]) == ("Lovelace E-1", 7000)
    after = client.get(f"{url}?as_of=2024-07-01", headers=workspace.headers).json()
    assert (after["last_name"], after["hourly_rate_minor"]) == ("King", None)
    history = client.get(f"{url}/versions", headers=workspace.headers).json()
    assert [row["effective_from"] for row in history] == ["2024-01-01", "2024-03-01", "2024-06-01"]
    before = client.post(
        f"{url}/versions",
        json={"effective_from": "2023-06-01", "first_name": "X"},
        headers=workspace.headers,
    )
    assert "before" in assert_problem(before, 422)["detail"]
    listed = client.get("/api/employees?as_of=2023-06-01", headers=workspace.headers).json()
    assert employee["id"] not in [item["id"] for item in listed["items"]]


def test_list_filters(client: TestClient, workspace: WorkspaceFixture) -> None:
    unit = create_unit(client, workspace.headers, "Ops")
    inside = create_employee(client, workspace.headers, "E-1", org_unit_id=unit["id"])
    outside = create_employee(client, workspace.headers, "E-2", first_name="Grace")
    by_unit = client.get(f"/api/employees?org_unit_id={unit['id']}", headers=workspace.headers)
    assert [item["id"] for item in by_unit.json()["items"]] == [inside["id"]]
    by_text = client.get("/api/employees?q=grace", headers=workspace.headers)
    assert [item["id"] for item in by_text.json()["items"]] == [outside["id"]]
    by_ids = client.get(f"/api/employees?ids={outside['id']}", headers=workspace.headers)
    assert [item["id"] for item in by_ids.json()["items"]] == [outside["id"]]


def test_a_user_links_to_one_employee_only(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    developer = new_person(db, workspace.id, "developer")
    first = create_employee(client, workspace.headers, "E-1", user_id=developer.user_id)
    assert first["user_id"] == developer.user_id
    response = client.post(
        "/api/employees",
        json={"employee_number": "E-2", "first_name": "A", "last_name": "B",
              "user_id": developer.user_id},
        headers=workspace.headers,
    )  # fmt: skip
    assert f"employee {first['id']}" in assert_problem(response, 409)["detail"]


def test_creating_a_person_who_records_time_creates_their_employee(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    response = client.post(
        "/api/users",
        json={"email": "grace@example.com", "name": "Grace Brewster Hopper", "role": "employee"},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    user_id = response.json()["id"]
    employee = employee_of_user(client, workspace.headers, user_id)
    assert employee["employee_number"] == f"U{user_id}"
    assert (employee["first_name"], employee["last_name"]) == ("Grace", "Brewster Hopper")
    assert employee["email"] == "grace@example.com"
    # The workspace's owner is an employee too; a developer is not.
    employee_of_user(client, workspace.headers, workspace.owner_id)
    developer = new_person(db, workspace.id, "developer")
    listed = client.get("/api/employees?limit=200", headers=workspace.headers).json()["items"]
    assert developer.user_id not in [item["user_id"] for item in listed]


def test_delete_is_soft_and_releases_the_user(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    employee = employee_of_user(client, workspace.headers, person.user_id)
    url = f"/api/employees/{employee['id']}"
    assert client.delete(url, headers=workspace.headers).status_code == 204
    assert_problem(client.get(url, headers=workspace.headers), 404)
    again = create_employee(client, workspace.headers, "E-9", user_id=person.user_id)
    assert again["user_id"] == person.user_id


def test_employees_of_another_workspace_do_not_exist(
    client: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    employee = create_employee(client, workspace.headers, "E-1")
    url = f"/api/employees/{employee['id']}"
    assert_problem(client.get(url, headers=other_workspace.headers), 404)
    assert_problem(client.get(f"{url}/versions", headers=other_workspace.headers), 404)
    assert_problem(
        client.patch(url, json={"first_name": "X"}, headers=other_workspace.headers), 404
    )
    assert_problem(client.delete(url, headers=other_workspace.headers), 404)
    assert_problem(client.get(f"{url}/employments", headers=other_workspace.headers), 404)
    # The same employee number is free in another workspace.
    create_employee(client, other_workspace.headers, "E-1")
