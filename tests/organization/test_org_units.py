"""Org units: effective-dated tree, parents, cycles, managers, soft delete."""

from fastapi.testclient import TestClient

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture, statements_sent
from tests.organization.support import create_employee, create_unit
from timeledger.kit.db import Database


def test_create_answers_201_with_location_and_etag(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    response = client.post(
        "/api/org-units",
        json={"name": "Sales", "type": "branch", "key": "sales", "effective_from": "2024-01-01"},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/api/org-units/{body['id']}"
    assert response.headers["etag"]
    assert body["name"] == "Sales"
    assert body["type"] == "branch"
    assert body["effective_from"] == "2024-01-01"
    assert body["manager_ids"] == []
    got = client.get(f"/api/org-units/{body['id']}", headers=workspace.headers)
    assert got.status_code == 200
    assert got.headers["etag"] == response.headers["etag"]


def test_reads_as_of_before_between_and_after_versions(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    unit = create_unit(client, workspace.headers, "Ops")
    url = f"/api/org-units/{unit['id']}"
    patched = client.patch(
        url, json={"name": "Operations", "effective_from": "2024-06-01"}, headers=workspace.headers
    )
    assert patched.status_code == 200, patched.text
    assert_problem(client.get(f"{url}?as_of=2023-12-31", headers=workspace.headers), 404)
    assert client.get(f"{url}?as_of=2024-03-01", headers=workspace.headers).json()["name"] == "Ops"
    after = client.get(f"{url}?as_of=2024-07-01", headers=workspace.headers).json()
    assert after["name"] == "Operations"
    assert after["effective_from"] == "2024-06-01"
    # A retroactive version between the two changes only its own stretch.
    retro = client.patch(
        url, json={"type": "team", "effective_from": "2024-03-01"}, headers=workspace.headers
    )
    assert retro.status_code == 200, retro.text
    between = client.get(f"{url}?as_of=2024-04-01", headers=workspace.headers).json()
    assert (between["name"], between["type"]) == ("Ops", "team")
    assert client.get(f"{url}?as_of=2024-07-01", headers=workspace.headers).json()["type"] == (
        "department"
    )
    history = client.get(f"{url}/versions", headers=workspace.headers).json()
    assert [row["effective_from"] for row in history] == ["2024-01-01", "2024-03-01", "2024-06-01"]
    listed = client.get("/api/org-units?as_of=2023-06-01", headers=workspace.headers).json()
    assert unit["id"] not in [item["id"] for item in listed["items"]]


def test_a_version_before_creation_is_refused(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    unit = create_unit(client, workspace.headers, "Ops")
    response = client.patch(
        f"/api/org-units/{unit['id']}",
        json={"name": "Earlier", "effective_from": "2023-01-01"},
        headers=workspace.headers,
    )
    assert "before" in assert_problem(response, 422)["detail"]


def test_parent_must_exist_and_be_effective(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    parent = create_unit(client, workspace.headers, "Parent", effective_from="2024-06-01")
    response = client.post(
        "/api/org-units",
        json={"name": "Child", "parent_id": parent["id"], "effective_from": "2024-01-01"},
        headers=workspace.headers,
    )
    assert f"parent_id {parent['id']}" in assert_problem(response, 422)["detail"]
    missing = client.post(
        "/api/org-units", json={"name": "Child", "parent_id": 999999}, headers=workspace.headers
    )
    assert "999999" in assert_problem(missing, 422)["detail"]
    child = create_unit(
        client, workspace.headers, "Child", parent_id=parent["id"], effective_from="2024-07-01"
    )
    assert child["parent_id"] == parent["id"]
    listed = client.get(
        f"/api/org-units?parent_id={parent['id']}&as_of=2024-08-01", headers=workspace.headers
    ).json()
    assert [item["id"] for item in listed["items"]] == [child["id"]]


def test_moving_a_unit_below_itself_or_its_descendant_is_a_conflict(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    top = create_unit(client, workspace.headers, "Top")
    middle = create_unit(client, workspace.headers, "Middle", parent_id=top["id"])
    bottom = create_unit(client, workspace.headers, "Bottom", parent_id=middle["id"])
    for parent in (top, bottom):
        response = client.patch(
            f"/api/org-units/{top['id']}",
            json={"parent_id": parent["id"], "effective_from": "2024-02-01"},
            headers=workspace.headers,
        )
        assert_problem(response, 409)
    history = client.get(f"/api/org-units/{top['id']}/versions", headers=workspace.headers)
    assert len(history.json()) == 1


def test_if_match_guards_updates(client: TestClient, workspace: WorkspaceFixture) -> None:
    response = client.post("/api/org-units", json={"name": "Ops"}, headers=workspace.headers)
    url, etag = response.headers["location"], response.headers["etag"]
    ok = client.patch(url, json={"name": "Ops 2"}, headers={**workspace.headers, "If-Match": etag})
    assert ok.status_code == 200, ok.text
    assert ok.headers["etag"] != etag
    stale = client.patch(url, json={"name": "X"}, headers={**workspace.headers, "If-Match": etag})
    assert_problem(stale, 412)


def test_managers_are_set_and_validated(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    unit = create_unit(client, workspace.headers, "Ops")
    manager = new_person(db, workspace.id, "manager")
    url = f"/api/org-units/{unit['id']}/managers"
    response = client.put(url, json={"user_ids": [manager.user_id]}, headers=workspace.headers)
    assert response.status_code == 200, response.text
    assert response.json()["manager_ids"] == [manager.user_id]
    bad = client.put(url, json={"user_ids": [999999]}, headers=workspace.headers)
    assert_problem(bad, 422)
    cleared = client.put(url, json={"user_ids": []}, headers=workspace.headers)
    assert cleared.json()["manager_ids"] == []


def test_delete_is_soft_and_refused_while_referenced(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    parent = create_unit(client, workspace.headers, "Parent")
    child = create_unit(client, workspace.headers, "Child", parent_id=parent["id"])
    employee = create_employee(client, workspace.headers, "E1", org_unit_id=child["id"])
    refused = assert_problem(
        client.delete(f"/api/org-units/{parent['id']}", headers=workspace.headers), 409
    )
    assert f"org units {child['id']}" in refused["detail"]
    refused = assert_problem(
        client.delete(f"/api/org-units/{child['id']}", headers=workspace.headers), 409
    )
    assert f"employees {employee['id']}" in refused["detail"]
    assert (
        client.delete(f"/api/employees/{employee['id']}", headers=workspace.headers).status_code
        == 204
    )
    assert (
        client.delete(f"/api/org-units/{child['id']}", headers=workspace.headers).status_code == 204
    )
    assert_problem(client.get(f"/api/org-units/{child['id']}", headers=workspace.headers), 404)
    assert (
        client.delete(f"/api/org-units/{parent['id']}", headers=workspace.headers).status_code
        == 204
    )


def test_units_of_another_workspace_do_not_exist(
    client: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    unit = create_unit(client, workspace.headers, "Ops")
    url = f"/api/org-units/{unit['id']}"
    assert_problem(client.get(url, headers=other_workspace.headers), 404)
    assert_problem(client.patch(url, json={"name": "X"}, headers=other_workspace.headers), 404)
    assert_problem(client.delete(url, headers=other_workspace.headers), 404)
    response = client.post(
        "/api/org-units",
        json={"name": "X", "parent_id": unit["id"]},
        headers=other_workspace.headers,
    )
    assert_problem(response, 422)


def test_reading_a_unit_reads_its_row_once(
    client: TestClient, workspace: WorkspaceFixture, db: Database
) -> None:
    unit = create_unit(client, workspace.headers, "Support")
    with statements_sent(db) as statements:
        got = client.get(f"/api/org-units/{unit['id']}", headers=workspace.headers)
    assert got.status_code == 200, got.text
    assert got.json()["name"] == "Support" and got.headers["etag"]
    assert len([text for text in statements if "FROM org_units " in text]) == 1, statements
