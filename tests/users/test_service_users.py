"""Service users and their API keys."""

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.access.support import assert_problem, bearer, new_person
from tests.conftest import WorkspaceFixture
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database

URLSAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _robot(
    client: TestClient, workspace: WorkspaceFixture, name: str = "exporter", role: str = "developer"
) -> dict[str, Any]:
    response = client.post(
        "/api/service-users", json={"name": name, "role": role}, headers=workspace.headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_service_users_are_created_listed_read_updated_and_deleted(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    response = client.post("/api/service-users", json={"name": "exporter"}, headers=headers)
    assert response.status_code == 201, response.text
    robot = response.json()
    url = response.headers["location"]
    assert url == f"/api/service-users/{robot['id']}"
    assert (robot["name"], robot["role"], robot["status"]) == ("exporter", "developer", "active")
    fetched = client.get(url, headers=headers)
    assert fetched.json() == robot
    assert fetched.headers["etag"] == response.headers["etag"]
    _robot(client, workspace, "importer", "employee")
    listed = client.get("/api/service-users?sort=name", headers=headers).json()["items"]
    assert [row["name"] for row in listed] == ["exporter", "importer"]
    # People are not service users, and the other way round.
    assert_problem(client.get(f"/api/service-users/{workspace.owner_id}", headers=headers), 404)
    assert_problem(client.get(f"/api/users/{robot['id']}", headers=headers), 404)

    changed = client.patch(
        url,
        json={"name": "exporter-2", "role": "admin"},
        headers={**headers, "If-Match": fetched.headers["etag"]},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["role"]) == ("exporter-2", "admin")
    stale = client.patch(
        url, json={"name": "x"}, headers={**headers, "If-Match": fetched.headers["etag"]}
    )
    assert_problem(stale, 412)

    assert client.delete(url, headers=headers).status_code == 204
    assert_problem(client.get(url, headers=headers), 404)
    assert_problem(client.delete(url, headers=headers), 404)
    remaining = client.get("/api/service-users", headers=headers).json()["items"]
    assert [row["name"] for row in remaining] == ["importer"]
    # The name is free again.
    assert _robot(client, workspace, "exporter-2")["id"] != robot["id"]


def test_service_user_names_and_roles_are_checked(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    _robot(client, workspace)
    other = _robot(client, workspace, "other")
    duplicate = client.post("/api/service-users", json={"name": "exporter"}, headers=headers)
    assert_problem(duplicate, 409)
    renamed = client.patch(
        f"/api/service-users/{other['id']}", json={"name": "exporter"}, headers=headers
    )
    assert_problem(renamed, 409)
    unknown = client.post(
        "/api/service-users", json={"name": "x", "role": "wizard"}, headers=headers
    )
    assert_problem(unknown, 422)
    assert_problem(client.post("/api/service-users", json={"name": ""}, headers=headers), 422)
    admin = new_person(db, workspace.id, "admin")
    as_owner = client.post(
        "/api/service-users", json={"name": "root", "role": "owner"}, headers=admin.headers
    )
    assert "owner" in assert_problem(as_owner, 403)["detail"]
    assert _robot(client, workspace, "root", "owner")["role"] == "owner"


def test_an_api_key_shows_its_secret_only_when_created(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    robot = _robot(client, workspace)
    keys_url = f"/api/service-users/{robot['id']}/api-keys"

    response = client.post(keys_url, json={"name": "nightly export"}, headers=workspace.headers)

    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"{keys_url}/{created['id']}"
    key = created["key"]
    assert key.startswith("tl_ak_")
    assert set(key[6:]) <= URLSAFE
    assert len(key[16:]) * 6 >= 128
    assert created["prefix"] == key[:16]
    assert (created["name"], created["expires_at"], created["last_used_at"]) == (
        "nightly export",
        None,
        None,
    )
    listed = client.get(keys_url, headers=workspace.headers)
    assert listed.status_code == 200
    assert key not in listed.text
    assert key[16:] not in listed.text
    (row,) = listed.json()["items"]
    assert "key" not in row
    assert row == {name: value for name, value in created.items() if name != "key"}
    fetched = client.get(f"/api/service-users/{robot['id']}", headers=bearer(key))
    assert fetched.json()["name"] == "exporter"


def test_last_used_at_is_set_when_a_key_is_used(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    robot = _robot(client, workspace)
    keys_url = f"/api/service-users/{robot['id']}/api-keys"
    created = client.post(keys_url, json={}, headers=workspace.headers).json()
    before = utcnow()

    assert client.get("/api/roles", headers=bearer(created["key"])).status_code == 200

    (row,) = client.get(keys_url, headers=workspace.headers).json()["items"]
    assert row["last_used_at"] is not None
    used_at = datetime.fromisoformat(row["last_used_at"])
    assert before - timedelta(seconds=1) <= used_at <= utcnow()


def test_a_revoked_key_leaves_the_list_and_cannot_be_revoked_twice(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    robot = _robot(client, workspace)
    keys_url = f"/api/service-users/{robot['id']}/api-keys"
    first = client.post(keys_url, json={"name": "a"}, headers=workspace.headers).json()
    second = client.post(keys_url, json={"name": "b"}, headers=workspace.headers).json()

    assert client.delete(f"{keys_url}/{first['id']}", headers=workspace.headers).status_code == 204

    listed = client.get(keys_url, headers=workspace.headers).json()["items"]
    assert [row["id"] for row in listed] == [second["id"]]
    assert_problem(client.delete(f"{keys_url}/{first['id']}", headers=workspace.headers), 404)
    assert client.get("/api/roles", headers=bearer(first["key"])).status_code == 401
    # A key is revoked through its own service user only.
    other = _robot(client, workspace, "other")
    misplaced = client.delete(
        f"/api/service-users/{other['id']}/api-keys/{second['id']}", headers=workspace.headers
    )
    assert_problem(misplaced, 404)
    owner_key = client.get("/api/me/api-keys", headers=workspace.headers).json()["items"][0]
    assert_problem(client.delete(f"{keys_url}/{owner_key['id']}", headers=workspace.headers), 404)
    assert client.get("/api/roles", headers=bearer(second["key"])).status_code == 200


def test_a_key_may_expire(client: TestClient, workspace: WorkspaceFixture) -> None:
    robot = _robot(client, workspace)
    keys_url = f"/api/service-users/{robot['id']}/api-keys"
    expires_at = (utcnow() + timedelta(days=30)).replace(microsecond=0)

    created = client.post(
        keys_url, json={"expires_at": expires_at.isoformat()}, headers=workspace.headers
    )

    assert created.status_code == 201, created.text
    assert datetime.fromisoformat(created.json()["expires_at"]) == expires_at
    assert client.get("/api/roles", headers=bearer(created.json()["key"])).status_code == 200
    past = client.post(
        keys_url,
        json={"expires_at": (utcnow() - timedelta(minutes=1)).isoformat()},
        headers=workspace.headers,
    )
    body = assert_problem(past, 422)
    assert body["errors"][0]["location"] == "body.expires_at"
    naive = client.post(
        keys_url, json={"expires_at": "2099-01-01T00:00:00"}, headers=workspace.headers
    )
    assert "offset" in assert_problem(naive, 400)["detail"]
    listed = client.get(keys_url, headers=workspace.headers).json()["items"]
    assert len(listed) == 1


def test_personal_keys_live_under_me(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    created = client.post("/api/me/api-keys", json={"name": "mite"}, headers=person.headers)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"/api/me/api-keys/{created.json()['id']}"

    listed = client.get("/api/me/api-keys", headers=person.headers).json()["items"]

    assert {row["id"] for row in listed} == {person.key_id, created.json()["id"]}
    assert created.json()["key"] not in str(listed)
    owner_key_id = client.get("/api/me/api-keys", headers=workspace.headers).json()["items"][0]
    foreign = client.delete(f"/api/me/api-keys/{owner_key_id['id']}", headers=person.headers)
    assert_problem(foreign, 404)
    assert client.get("/api/me", headers=workspace.headers).status_code == 200
    revoked = client.delete(f"/api/me/api-keys/{created.json()['id']}", headers=person.headers)
    assert revoked.status_code == 204
    listed = client.get("/api/me/api-keys", headers=person.headers).json()["items"]
    assert [row["id"] for row in listed] == [person.key_id]
