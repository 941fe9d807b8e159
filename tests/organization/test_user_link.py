"""Creating a person who records time links the matching employee or creates one."""

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.organization.support import create_employee, employee_of_user


def _create_user(
    client: TestClient, workspace: WorkspaceFixture, email: str, name: str = "Grace Hopper"
) -> int:
    response = client.post(
        "/api/users",
        json={"email": email, "name": name, "role": "employee"},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    user_id: int = response.json()["id"]
    return user_id


def _employees(client: TestClient, workspace: WorkspaceFixture) -> list[dict[str, Any]]:
    response = client.get("/api/employees?limit=200", headers=workspace.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_the_one_unlinked_employee_with_the_email_is_linked(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    existing = create_employee(client, workspace.headers, "HR-1", email="Grace@Example.com")
    before = len(_employees(client, workspace))
    user_id = _create_user(client, workspace, "grace@example.COM")
    linked = employee_of_user(client, workspace.headers, user_id)
    assert linked["id"] == existing["id"]
    assert linked["employee_number"] == "HR-1"
    assert len(_employees(client, workspace)) == before


def test_an_email_only_in_a_past_version_does_not_link(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    existing = create_employee(client, workspace.headers, "HR-2", email="old@example.com")
    changed = client.post(
        f"/api/employees/{existing['id']}/versions",
        json={"effective_from": "2025-01-01", "email": "new@example.com"},
        headers=workspace.headers,
    )
    assert changed.status_code == 201, changed.text
    user_id = _create_user(client, workspace, "old@example.com")
    assert employee_of_user(client, workspace.headers, user_id)["id"] != existing["id"]


def test_linked_or_deleted_employees_are_not_taken(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    developer = client.post(
        "/api/users",
        json={"email": "dev@example.com", "name": "Dev", "role": "developer"},
        headers=workspace.headers,
    )
    assert developer.status_code == 201, developer.text
    linked = create_employee(
        client, workspace.headers, "HR-3", email="alan@example.com", user_id=developer.json()["id"]
    )
    gone = create_employee(client, workspace.headers, "HR-4", email="alan@example.com")
    deleted = client.delete(f"/api/employees/{gone['id']}", headers=workspace.headers)
    assert deleted.status_code == 204, deleted.text
    user_id = _create_user(client, workspace, "alan@example.com", "Alan Turing")
    employee = employee_of_user(client, workspace.headers, user_id)
    assert employee["id"] not in (linked["id"], gone["id"])
    assert employee["employee_number"] == f"U{user_id}"


def test_several_matching_employees_link_none_and_a_new_one_is_created(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    one = create_employee(client, workspace.headers, "HR-5", email="twin@example.com")
    two = create_employee(client, workspace.headers, "HR-6", email="TWIN@example.com")
    user_id = _create_user(client, workspace, "twin@example.com")
    employee = employee_of_user(client, workspace.headers, user_id)
    assert employee["id"] not in (one["id"], two["id"])
    assert employee["employee_number"] == f"U{user_id}"
    unlinked = {row["id"]: row["user_id"] for row in _employees(client, workspace)}
    assert unlinked[one["id"]] is None and unlinked[two["id"]] is None


def test_a_one_word_name_is_a_first_name_with_an_empty_last_name(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    user_id = _create_user(client, workspace, "cher@example.com", "Cher")
    employee = employee_of_user(client, workspace.headers, user_id)
    assert (employee["first_name"], employee["last_name"]) == ("Cher", "")
    # The API accepts the same for an employee created or changed directly.
    made = create_employee(client, workspace.headers, "HR-7", first_name="Madonna", last_name="")
    assert made["last_name"] == ""
    blank_first = client.post(
        "/api/employees",
        json={"employee_number": "HR-8", "first_name": "", "last_name": "X"},
        headers=workspace.headers,
    )
    assert blank_first.status_code == 422
