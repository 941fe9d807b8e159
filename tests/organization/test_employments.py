"""Employment periods of an employee: create, update, delete; overlaps are refused."""

from fastapi.testclient import TestClient

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from tests.organization.support import create_employee


def test_periods_are_created_listed_updated_and_deleted(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    employee = create_employee(client, workspace.headers, "E-1")
    url = f"/api/employees/{employee['id']}/employments"
    first = client.post(
        url,
        json={"starts_on": "2024-01-01", "ends_on": "2024-06-30", "percentage": 80.5},
        headers=workspace.headers,
    )
    assert first.status_code == 201, first.text
    assert first.headers["location"] == f"{url}/{first.json()['id']}"
    assert first.json()["percentage"] == 80.5
    second = client.post(url, json={"starts_on": "2024-07-01"}, headers=workspace.headers)
    assert second.status_code == 201, second.text
    assert second.json()["percentage"] == 100
    listed = client.get(url, headers=workspace.headers).json()["items"]
    assert [row["starts_on"] for row in listed] == ["2024-01-01", "2024-07-01"]
    updated = client.patch(
        f"{url}/{first.json()['id']}", json={"percentage": "50"}, headers=workspace.headers
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["percentage"] == 50
    deleted = client.delete(f"{url}/{first.json()['id']}", headers=workspace.headers)
    assert deleted.status_code == 204
    assert len(client.get(url, headers=workspace.headers).json()["items"]) == 1


def test_overlapping_periods_are_a_conflict_naming_the_other(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    employee = create_employee(client, workspace.headers, "E-1")
    url = f"/api/employees/{employee['id']}/employments"
    open_ended = client.post(url, json={"starts_on": "2024-03-01"}, headers=workspace.headers)
    other_id = open_ended.json()["id"]
    for period in (
        {"starts_on": "2025-01-01"},
        {"starts_on": "2024-01-01", "ends_on": "2024-03-01"},
        {"starts_on": "2023-01-01"},
    ):
        response = client.post(url, json=period, headers=workspace.headers)
        assert f"employment {other_id}" in assert_problem(response, 409)["detail"]
    earlier = client.post(
        url, json={"starts_on": "2024-01-01", "ends_on": "2024-02-29"}, headers=workspace.headers
    )
    assert earlier.status_code == 201, earlier.text
    moved = client.patch(
        f"{url}/{earlier.json()['id']}", json={"ends_on": "2024-03-15"}, headers=workspace.headers
    )
    assert_problem(moved, 409)


def test_invalid_periods_are_422(client: TestClient, workspace: WorkspaceFixture) -> None:
    employee = create_employee(client, workspace.headers, "E-1")
    url = f"/api/employees/{employee['id']}/employments"
    for body in (
        {"starts_on": "2024-03-01", "ends_on": "2024-02-01"},
        {"starts_on": "2024-03-01", "percentage": 0},
        {"starts_on": "2024-03-01", "percentage": 100.01},
        {"starts_on": "2024-03-01", "percentage": 50.125},
    ):
        assert_problem(client.post(url, json=body, headers=workspace.headers), 422)
    assert_problem(client.patch(f"{url}/999999", json={}, headers=workspace.headers), 404)
