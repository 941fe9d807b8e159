"""Customers: effective-dated, readable with projects:read:*, not deleted while a project
refers to them."""

from fastapi.testclient import TestClient

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from tests.projects.support import customer, items, project
from timeledger.kit.db import Database

BASE = "/api/customers"


def test_create_read_and_versions(client: TestClient, workspace: WorkspaceFixture) -> None:
    response = client.post(
        BASE,
        json={
            "name": "Northwind",
            "note": "Key account",
            "hourly_rate_minor": 12000,
            "effective_from": "2026-01-01",
            "key": "northwind",
        },
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["Location"] == f"{BASE}/{created['id']}"
    url = f"{BASE}/{created['id']}"
    changed = client.patch(
        url,
        json={"hourly_rate_minor": None, "effective_from": "2026-03-01"},
        headers=workspace.headers,
    )
    assert changed.status_code == 200, changed.text
    assert_problem(client.get(f"{url}?as_of=2025-12-31", headers=workspace.headers), 404)
    on = {day: client.get(f"{url}?as_of={day}", headers=workspace.headers).json() for day in
          ("2026-02-28", "2026-03-01")}  # fmt: skip
    assert on["2026-02-28"]["hourly_rate_minor"] == 12000
    assert on["2026-03-01"]["hourly_rate_minor"] is None
    assert on["2026-03-01"]["note"] == "Key account"
    versions = client.get(f"{url}/versions", headers=workspace.headers).json()["items"]
    assert [v["hourly_rate_minor"] for v in versions] == [12000, None]
    listed = items(client, workspace, f"{BASE}?q=north&as_of=2026-02-01")
    assert [row["id"] for row in listed] == [created["id"]]


def test_invalid_values_are_422(client: TestClient, workspace: WorkspaceFixture) -> None:
    for body in ({"note": "no name"}, {"name": ""}, {"name": "A", "hourly_rate_minor": -1}):
        assert_problem(client.post(BASE, json=body, headers=workspace.headers), 422)


def test_delete_refused_while_a_project_refers(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    made = customer(client, workspace)
    referring = project(client, workspace, name="Shop", customer_id=made["id"])
    url = f"{BASE}/{made['id']}"
    body = assert_problem(client.delete(url, headers=workspace.headers), 409)
    assert f"project {referring['id']} (Shop)" in body["detail"]
    assert body["referrers"] == [f"project {referring['id']} (Shop)"]
    detached = client.patch(
        f"/api/projects/{referring['id']}", json={"customer_id": None}, headers=workspace.headers
    )
    assert detached.status_code == 200, detached.text
    assert client.delete(url, headers=workspace.headers).status_code == 204
    assert_problem(client.get(url, headers=workspace.headers), 404)


def test_employees_do_not_read_customers(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    made = customer(client, workspace)
    employee = new_person(db, workspace.id, "employee")
    for url in (BASE, f"{BASE}/{made['id']}"):
        body = assert_problem(client.get(url, headers=employee.headers), 403)
        assert body["required_permission"] == "projects:read:*"
    manager = new_person(db, workspace.id, "manager")
    assert client.get(BASE, headers=manager.headers).status_code == 200
    assert_problem(client.post(BASE, json={"name": "X"}, headers=manager.headers), 403)
