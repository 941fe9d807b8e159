"""Roles: the built-in ones are fixed; custom ones are created, changed and deleted, and no
one grants more than their own role holds."""

from typing import Any

from fastapi.testclient import TestClient

from tests.access.support import assert_problem, new_person, new_service_user
from tests.conftest import WorkspaceFixture
from timeledger.access.permissions import BUILTIN_ROLES, CATALOG
from timeledger.kit.db import Database

AUDITOR = {
    "name": "auditor",
    "description": "Reads the audit log.",
    "permissions": ["audit-log:read:*", "users:read:*"],
}


def _create_role(client: TestClient, workspace: WorkspaceFixture, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/roles", json={**AUDITOR, **fields}, headers=workspace.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_the_built_in_roles_are_listed_with_their_permissions(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    response = client.get("/api/roles", headers=workspace.headers)

    assert response.status_code == 200, response.text
    roles = {role["name"]: role for role in response.json()["items"]}
    assert set(roles) == set(BUILTIN_ROLES)
    for name, permissions in BUILTIN_ROLES.items():
        assert roles[name]["builtin"] is True
        assert sorted(roles[name]["permissions"]) == sorted(permissions)
        assert roles[name]["description"]
    catalog = client.get("/api/roles/permissions", headers=workspace.headers)
    assert catalog.json() == list(CATALOG)


def test_built_in_roles_cannot_be_changed_or_deleted(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    roles = client.get("/api/roles", headers=workspace.headers).json()["items"]
    for role in roles:
        url = f"/api/roles/{role['id']}"
        changed = client.patch(url, json={"permissions": []}, headers=workspace.headers)
        assert "built-in" in assert_problem(changed, 409)["detail"]
        assert_problem(client.delete(url, headers=workspace.headers), 409)
        assert client.get(url, headers=workspace.headers).json() == role


def test_a_custom_role_is_created_changed_and_deleted(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    response = client.post("/api/roles", json=AUDITOR, headers=workspace.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    url = response.headers["location"]
    assert url == f"/api/roles/{created['id']}"
    assert created["builtin"] is False
    assert created["permissions"] == sorted(AUDITOR["permissions"])
    etag = client.get(url, headers=workspace.headers).headers["etag"]
    assert etag == response.headers["etag"]

    changed = client.patch(
        url,
        json={"permissions": ["audit-log:read:*"], "description": "Only the log."},
        headers={**workspace.headers, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["permissions"] == ["audit-log:read:*"]
    assert changed.json()["description"] == "Only the log."
    stale = client.patch(
        url, json={"description": "x"}, headers={**workspace.headers, "If-Match": etag}
    )
    assert_problem(stale, 412)

    assert client.delete(url, headers=workspace.headers).status_code == 204
    assert_problem(client.get(url, headers=workspace.headers), 404)
    assert_problem(client.delete(url, headers=workspace.headers), 404)


def test_role_definitions_are_validated(client: TestClient, workspace: WorkspaceFixture) -> None:
    headers = workspace.headers
    unknown = client.post(
        "/api/roles",
        json={**AUDITOR, "permissions": ["users:read:*", "timesheet:fly:own"]},
        headers=headers,
    )
    body = assert_problem(unknown, 422)
    assert "timesheet:fly:own" in body["detail"]
    assert body["errors"] == [
        {"location": "body.permissions", "message": "unknown: timesheet:fly:own"}
    ]
    for bad_name in ("", "Has Spaces", "-dash", "x" * 65):
        assert_problem(
            client.post("/api/roles", json={**AUDITOR, "name": bad_name}, headers=headers), 422
        )
    for taken in ("admin", "auditor"):
        if taken == "auditor":
            _create_role(client, workspace)
        assert_problem(
            client.post("/api/roles", json={**AUDITOR, "name": taken}, headers=headers), 409
        )
    role_id = client.get("/api/roles?limit=200", headers=headers).json()["items"][-1]["id"]
    changed = client.patch(f"/api/roles/{role_id}", json={"permissions": ["nope"]}, headers=headers)
    assert_problem(changed, 422)


def test_a_custom_role_gives_exactly_its_permissions(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    role = _create_role(client, workspace)
    person = new_person(db, workspace.id, "employee")
    assigned = client.patch(
        f"/api/users/{person.user_id}", json={"role": "auditor"}, headers=workspace.headers
    )
    assert assigned.json()["role"] == "auditor"

    assert client.get("/api/admin/audit-log", headers=person.headers).status_code == 200
    assert len(client.get("/api/users", headers=person.headers).json()["items"]) == 2
    assert_problem(client.get("/api/roles", headers=person.headers), 403)
    # The role changes, and so does what its holders may do, at once.
    client.patch(f"/api/roles/{role['id']}", json={"permissions": []}, headers=workspace.headers)
    assert_problem(client.get("/api/admin/audit-log", headers=person.headers), 403)


def test_a_role_in_use_cannot_be_deleted(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    role = _create_role(client, workspace)
    person = new_person(db, workspace.id, "employee")
    client.patch(
        f"/api/users/{person.user_id}", json={"role": "auditor"}, headers=workspace.headers
    )
    url = f"/api/roles/{role['id']}"

    assert (
        "held by 1" in assert_problem(client.delete(url, headers=workspace.headers), 409)["detail"]
    )
    suspended = client.post(f"/api/users/{person.user_id}/suspend", headers=workspace.headers)
    assert suspended.status_code == 200
    assert_problem(client.delete(url, headers=workspace.headers), 409)

    # Once its only holder is deleted, the role can go.
    assert (
        client.delete(f"/api/users/{person.user_id}", headers=workspace.headers).status_code == 204
    )
    assert client.delete(url, headers=workspace.headers).status_code == 204
    assert "auditor" not in {
        r["name"] for r in client.get("/api/roles", headers=workspace.headers).json()["items"]
    }


def test_no_one_grants_permissions_their_own_role_lacks(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    # A delegated role: may manage users, roles, service users and keys, but not read the
    # audit log or change the workspace.
    delegated = [p for p in CATALOG if not p.startswith(("audit-log", "workspace"))]
    _create_role(client, workspace, name="delegate", permissions=delegated)
    _create_role(client, workspace, name="auditor")
    delegate = new_person(db, workspace.id, "employee")
    client.patch(
        f"/api/users/{delegate.user_id}", json={"role": "delegate"}, headers=workspace.headers
    )
    headers = delegate.headers
    admin = new_person(db, workspace.id, "admin")
    admin_robot = new_service_user(db, workspace.id, "admin")
    role_id = {
        r["name"]: r["id"] for r in client.get("/api/roles", headers=headers).json()["items"]
    }

    for response in (
        client.post(
            "/api/users",
            json={"email": "a@example.com", "name": "A", "role": "admin"},
            headers=headers,
        ),
        client.post(
            "/api/users",
            json={"email": "b@example.com", "name": "B", "role": "auditor"},
            headers=headers,
        ),
        client.patch(f"/api/users/{delegate.user_id}", json={"role": "admin"}, headers=headers),
        client.post(
            "/api/service-users", json={"name": "escalator", "role": "admin"}, headers=headers
        ),
        client.post(f"/api/service-users/{admin_robot.user_id}/api-keys", json={}, headers=headers),
        client.post(f"/api/users/{admin.user_id}/password-reset", headers=headers),
        client.post(f"/api/users/{admin.user_id}/suspend", headers=headers),
        client.post("/api/roles", json={**AUDITOR, "name": "sneaky"}, headers=headers),
        client.patch(
            f"/api/roles/{role_id['delegate']}",
            json={"permissions": list(CATALOG)},
            headers=headers,
        ),
    ):
        assert "lacks" in assert_problem(response, 403)["detail"], response.request.url
    assert_problem(client.get("/api/admin/audit-log", headers=headers), 403)
    # Within its own permissions the delegate works normally.
    employee = client.post(
        "/api/users",
        json={"email": "c@example.com", "name": "C", "role": "employee"},
        headers=headers,
    )
    assert employee.status_code == 201, employee.text
    robot = client.post(
        "/api/service-users", json={"name": "helper", "role": "employee"}, headers=headers
    )
    assert robot.status_code == 201, robot.text
    narrower = client.post(
        "/api/roles", json={"name": "reader", "permissions": ["users:read:own"]}, headers=headers
    )
    assert narrower.status_code == 201, narrower.text


def test_an_admin_cannot_mint_keys_for_an_owner_service_user(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    admin = new_person(db, workspace.id, "admin")
    owner_robot = new_service_user(db, workspace.id, "owner")
    keys = f"/api/service-users/{owner_robot.user_id}/api-keys"

    assert (
        "owner" in assert_problem(client.post(keys, json={}, headers=admin.headers), 403)["detail"]
    )
    revoke = client.delete(f"{keys}/{owner_robot.key_id}", headers=admin.headers)
    assert_problem(revoke, 403)
    assert client.get("/api/roles", headers=owner_robot.headers).status_code == 200
    assert client.post(keys, json={}, headers=workspace.headers).status_code == 201
