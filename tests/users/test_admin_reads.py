"""The reads of the administrator's API keys page: service users by name, the keys of a
user that are not revoked, and the roles to choose from."""

from fastapi.testclient import TestClient

from tests.access.support import new_service_user, person_caller
from tests.conftest import WorkspaceFixture
from timeledger.access.caller import Caller
from timeledger.kit.db import Database
from timeledger.users.service import live_keys_of, role_names, visible_service_users


def _caller(workspace: WorkspaceFixture, permissions: set[str]) -> Caller:
    return person_caller(workspace.id, workspace.owner_id, permissions)


def test_service_users_and_their_live_keys_are_listed(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    zulu = new_service_user(db, workspace.id, "developer", name="zulu")
    alpha = new_service_user(db, workspace.id, "developer", name="alpha")
    gone = new_service_user(db, workspace.id, "developer", name="gone")
    assert client.delete(f"/api/service-users/{gone.user_id}", headers=workspace.headers).is_success
    keys_url = f"/api/service-users/{zulu.user_id}/api-keys"
    second = client.post(keys_url, json={"name": "second"}, headers=workspace.headers).json()
    third = client.post(keys_url, json={"name": "third"}, headers=workspace.headers).json()
    revoked = client.delete(f"{keys_url}/{second['id']}", headers=workspace.headers)
    assert revoked.status_code == 204

    with db.transaction(workspace_id=workspace.id) as session:
        listed = visible_service_users(session, _caller(workspace, {"service-users:read:*"}))
        hidden = visible_service_users(session, _caller(workspace, set()))
        keys = live_keys_of(session, listed[1])
        names = [user.name for user in listed]
        key_ids = [key.id for key in keys]

    assert names == ["alpha", "zulu"]
    assert listed[0].id == alpha.user_id
    assert hidden == []
    assert key_ids == [zulu.key_id, third["id"]]


def test_the_roles_are_named_in_order(db: Database, workspace: WorkspaceFixture) -> None:
    with db.transaction(workspace_id=workspace.id) as session:
        names = role_names(session)

    assert names == ["admin", "developer", "employee", "manager", "owner"]
