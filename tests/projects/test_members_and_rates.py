"""Members and per-activity rates of a project: replaced as a whole, checked, logged."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.access.support import assert_problem, new_person, new_service_user
from tests.conftest import WorkspaceFixture, statements_sent
from tests.projects.support import project
from timeledger.kit.db import Database
from timeledger.models import Change

BASE = "/api/projects"


def _activity(client: TestClient, workspace: WorkspaceFixture, name: str = "Dev") -> int:
    response = client.post(
        "/api/settings/activities", json={"name": name, "type": "work"}, headers=workspace.headers
    )
    assert response.status_code == 201, response.text
    activity_id: int = response.json()["id"]
    return activity_id


def _changes(db: Database, workspace: WorkspaceFixture, op: str) -> list[dict[str, Any]]:
    with db.transaction(workspace_id=workspace.id) as session:
        return [
            change.data
            for change in session.scalars(
                select(Change).where(Change.op == op).order_by(Change.revision)
            )
        ]


def test_put_replaces_the_members(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    made = project(client, workspace)
    url = f"{BASE}/{made['id']}/members"
    first = new_person(db, workspace.id, "employee")
    second = new_person(db, workspace.id, "employee")
    assert client.get(url, headers=workspace.headers).json() == {"items": []}
    body = {
        "items": [
            {"user_id": second.user_id, "is_manager": True, "hourly_rate_minor": 8000},
            {"user_id": first.user_id},
        ]
    }
    response = client.put(url, json=body, headers=workspace.headers)
    assert response.status_code == 200, response.text
    expected: list[dict[str, Any]] = [
        {"user_id": first.user_id, "is_manager": False, "hourly_rate_minor": None},
        {"user_id": second.user_id, "is_manager": True, "hourly_rate_minor": 8000},
    ]
    expected.sort(key=lambda row: int(row["user_id"]))
    assert response.json()["items"] == expected
    got = client.get(url, headers=workspace.headers)
    assert got.json()["items"] == expected
    assert got.headers["ETag"] == response.headers["ETag"]
    replaced = client.put(
        url,
        json={"items": [{"user_id": second.user_id}]},
        headers={**workspace.headers, "If-Match": response.headers["ETag"]},
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["items"] == [
        {"user_id": second.user_id, "is_manager": False, "hourly_rate_minor": None}
    ]
    stale = client.put(
        url, json={"items": []}, headers={**workspace.headers, "If-Match": response.headers["ETag"]}
    )
    assert_problem(stale, 412)
    logged = _changes(db, workspace, "members-set")
    assert [len(data["members"]) for data in logged] == [2, 1]
    assert logged[0]["id"] == made["id"]


def test_members_must_be_people_of_the_workspace(
    client: TestClient, db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    made = project(client, workspace)
    url = f"{BASE}/{made['id']}/members"
    person = new_person(db, workspace.id, "employee")
    robot = new_service_user(db, workspace.id, "developer")
    stranger = new_person(db, other_workspace.id, "employee")
    for user_id in (robot.user_id, stranger.user_id, 999_999):
        body = {"items": [{"user_id": person.user_id}, {"user_id": user_id}]}
        problem = assert_problem(client.put(url, json=body, headers=workspace.headers), 422)
        assert problem["errors"][0]["location"] == "body.items.1.user_id"
        assert f"user {user_id}" in problem["detail"]
    twice = {"items": [{"user_id": person.user_id}, {"user_id": person.user_id}]}
    assert_problem(client.put(url, json=twice, headers=workspace.headers), 422)
    negative = {"items": [{"user_id": person.user_id, "hourly_rate_minor": -5}]}
    assert_problem(client.put(url, json=negative, headers=workspace.headers), 422)
    assert_problem(client.put(url, json={}, headers=workspace.headers), 422)
    missing = client.put(f"{BASE}/999999/members", json={}, headers=workspace.headers)
    assert_problem(missing, 404)
    assert client.get(url, headers=workspace.headers).json() == {"items": []}


def test_put_replaces_the_activity_rates(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    made = project(client, workspace)
    url = f"{BASE}/{made['id']}/activity-rates"
    dev, design = _activity(client, workspace, "Dev"), _activity(client, workspace, "Design")
    body = {
        "items": [
            {"activity_id": design, "hourly_rate_minor": 7000},
            {"activity_id": dev, "hourly_rate_minor": 9000},
        ]
    }
    response = client.put(url, json=body, headers=workspace.headers)
    assert response.status_code == 200, response.text
    assert response.json()["items"] == sorted(body["items"], key=lambda row: row["activity_id"])
    changed = client.put(
        url,
        json={"items": [{"activity_id": dev, "hourly_rate_minor": 9900}]},
        headers=workspace.headers,
    )
    assert changed.json()["items"] == [{"activity_id": dev, "hourly_rate_minor": 9900}]
    assert client.get(url, headers=workspace.headers).json() == changed.json()
    assert len(_changes(db, workspace, "activity-rates-set")) == 2


def test_activity_rates_are_checked(client: TestClient, workspace: WorkspaceFixture) -> None:
    made = project(client, workspace)
    url = f"{BASE}/{made['id']}/activity-rates"
    dev = _activity(client, workspace)
    unknown = {
        "items": [
            {"activity_id": dev, "hourly_rate_minor": 1},
            {"activity_id": 999_999, "hourly_rate_minor": 1},
        ]
    }
    problem = assert_problem(client.put(url, json=unknown, headers=workspace.headers), 422)
    assert problem["errors"][0]["location"] == "body.items.1.activity_id"
    assert "activity 999999" in problem["detail"]
    for body in (
        {"items": [{"activity_id": dev}]},
        {"items": [{"activity_id": dev, "hourly_rate_minor": -1}]},
        {"items": [{"activity_id": dev, "hourly_rate_minor": 1}] * 2},
    ):
        assert_problem(client.put(url, json=body, headers=workspace.headers), 422)
    assert client.get(url, headers=workspace.headers).json() == {"items": []}


def test_reading_the_members_reads_the_project_once(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    """The path's check and the endpoint both want the project: pinned to its session,
    it is read once."""
    made = project(client, workspace)
    with statements_sent(db) as statements:
        got = client.get(f"{BASE}/{made['id']}/members", headers=workspace.headers)
    assert got.status_code == 200, got.text
    assert got.headers["etag"]
    assert len([text for text in statements if "FROM projects " in text]) == 1, statements
