"""After revocation, logout, suspension, deletion or expiry, a credential is refused by every
operation (401), for API keys of service users, personal keys and sessions alike."""

from fastapi.testclient import TestClient

from tests.access.support import (
    PASSWORD,
    assert_rejected_everywhere,
    bearer,
    expire,
    login,
    new_person,
    new_service_user,
)
from tests.conftest import WorkspaceFixture
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database
from timeledger.models import ApiKey, AuthSession


def _works(client: TestClient, token: str) -> None:
    response = client.get("/api/auth/sessions", headers=bearer(token))
    assert response.status_code == 200, response.text


def test_a_revoked_service_user_key_is_refused_everywhere(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    created = client.post(
        "/api/service-users", json={"name": "exporter", "role": "admin"}, headers=workspace.headers
    )
    assert created.status_code == 201, created.text
    keys_url = f"/api/service-users/{created.json()['id']}/api-keys"
    first = client.post(keys_url, json={"name": "one"}, headers=workspace.headers).json()
    second = client.post(keys_url, json={"name": "two"}, headers=workspace.headers).json()
    _works(client, first["key"])

    revoked = client.delete(f"{keys_url}/{first['id']}", headers=workspace.headers)

    assert revoked.status_code == 204, revoked.text
    assert_rejected_everywhere(client, first["key"])
    _works(client, second["key"])


def test_a_revoked_personal_key_is_refused_everywhere(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    other = client.post("/api/me/api-keys", json={"name": "mite"}, headers=person.headers)
    assert other.status_code == 201, other.text

    revoked = client.delete(
        f"/api/me/api-keys/{person.key_id}", headers=bearer(other.json()["key"])
    )

    assert revoked.status_code == 204, revoked.text
    assert_rejected_everywhere(client, person.key)
    _works(client, other.json()["key"])


def test_after_logout_the_session_is_refused_everywhere(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    first = login(client, workspace.owner_email, workspace.owner_password)["token"]
    second = login(client, workspace.owner_email, workspace.owner_password)["token"]
    _works(client, first)

    response = client.post("/api/auth/logout", headers=bearer(first))

    assert response.status_code == 204, response.text
    assert_rejected_everywhere(client, first)
    _works(client, second)
    assert client.post("/api/auth/logout", headers=bearer(first)).status_code == 401


def test_a_session_revoked_by_id_is_refused_everywhere(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    keeper = login(client, workspace.owner_email, workspace.owner_password)
    victim = login(client, workspace.owner_email, workspace.owner_password)

    response = client.delete(
        f"/api/auth/sessions/{victim['session_id']}", headers=bearer(keeper["token"])
    )

    assert response.status_code == 204, response.text
    assert_rejected_everywhere(client, victim["token"])
    _works(client, keeper["token"])
    listed = client.get("/api/auth/sessions", headers=bearer(keeper["token"])).json()["items"]
    assert [row["id"] for row in listed] == [keeper["session_id"]]


def test_suspending_a_person_ends_all_their_sessions_and_keys(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "manager", password=PASSWORD, hashing=hashing)
    session_token = login(client, person.email or "", PASSWORD)["token"]
    _works(client, session_token)
    _works(client, person.key)

    response = client.post(f"/api/users/{person.user_id}/suspend", headers=workspace.headers)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "suspended"
    assert_rejected_everywhere(client, session_token)
    assert_rejected_everywhere(client, person.key)
    failed = client.post("/api/auth/login", json={"email": person.email, "password": PASSWORD})
    assert failed.status_code == 401

    reactivated = client.post(f"/api/users/{person.user_id}/reactivate", headers=workspace.headers)

    assert reactivated.status_code == 200, reactivated.text
    assert client.get("/api/me", headers=bearer(session_token)).status_code == 401
    assert client.get("/api/me", headers=person.headers).status_code == 401
    _works(client, login(client, person.email or "", PASSWORD)["token"])


def test_deleting_a_person_ends_all_their_sessions_and_keys(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee", password=PASSWORD, hashing=hashing)
    session_token = login(client, person.email or "", PASSWORD)["token"]

    response = client.delete(f"/api/users/{person.user_id}", headers=workspace.headers)

    assert response.status_code == 204, response.text
    assert_rejected_everywhere(client, session_token)
    assert_rejected_everywhere(client, person.key)
    assert client.get(f"/api/users/{person.user_id}", headers=workspace.headers).status_code == 404


def test_deleting_a_service_user_ends_all_its_keys(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    robot = new_service_user(db, workspace.id, "developer")
    second = client.post(
        f"/api/service-users/{robot.user_id}/api-keys", json={}, headers=workspace.headers
    ).json()["key"]
    _works(client, second)

    response = client.delete(f"/api/service-users/{robot.user_id}", headers=workspace.headers)

    assert response.status_code == 204, response.text
    assert_rejected_everywhere(client, robot.key)
    assert_rejected_everywhere(client, second)
    gone = client.get(f"/api/service-users/{robot.user_id}", headers=workspace.headers)
    assert gone.status_code == 404


def test_an_expired_key_is_refused_everywhere(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    robot = new_service_user(db, workspace.id, "admin")
    person = new_person(db, workspace.id, "admin")
    _works(client, robot.key)

    expire(db, ApiKey, robot.key_id)
    expire(db, ApiKey, person.key_id)

    assert_rejected_everywhere(client, robot.key)
    assert_rejected_everywhere(client, person.key)


def test_an_expired_session_is_refused_everywhere(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    started = login(client, workspace.owner_email, workspace.owner_password)
    _works(client, started["token"])

    expire(db, AuthSession, started["session_id"])

    assert_rejected_everywhere(client, started["token"])


def test_changing_the_password_ends_the_other_sessions_only(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    current = login(client, workspace.owner_email, workspace.owner_password)["token"]
    other = login(client, workspace.owner_email, workspace.owner_password)["token"]

    response = client.post(
        "/api/me/password",
        json={"current_password": workspace.owner_password, "new_password": "new " + PASSWORD},
        headers=bearer(current),
    )

    assert response.status_code == 204, response.text
    assert_rejected_everywhere(client, other)
    _works(client, current)
    _works(client, workspace.api_key)
