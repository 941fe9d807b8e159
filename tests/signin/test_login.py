"""Interactive sign-in: session tokens, several workspaces, sessions, logout."""

from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from tests.access.support import (
    PASSWORD,
    assert_problem,
    bearer,
    login,
    new_person,
    new_service_user,
)
from tests.conftest import OWNER_PASSWORD, WorkspaceFixture
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database

URLSAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_sign_in_returns_an_opaque_session_token(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    response = client.post(
        "/api/auth/login",
        json={"email": workspace.owner_email, "password": workspace.owner_password},
    )

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    token = body["token"]
    assert token.startswith("tl_st_")
    assert set(token[6:]) <= URLSAFE
    assert len(token[16:]) * 6 >= 128, "at least 128 random bits beyond the visible prefix"
    assert body["user_id"] == workspace.owner_id
    assert body["workspace_id"] == workspace.id
    me = client.get("/api/me", headers=bearer(token))
    assert me.status_code == 200, me.text
    assert me.json()["email"] == workspace.owner_email
    another = login(client, workspace.owner_email, workspace.owner_password)["token"]
    assert another != token


def test_the_session_lives_as_long_as_configured(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    before = utcnow()
    body = login(client, workspace.owner_email, workspace.owner_password)
    sessions = client.get("/api/auth/sessions", headers=bearer(body["token"])).json()["items"]
    expires_at = sessions[0]["expires_at"]
    assert expires_at == body["expires_at"]
    lifetime = datetime.fromisoformat(expires_at) - before
    assert timedelta(hours=11, minutes=59) < lifetime <= timedelta(hours=12, minutes=1)


def test_the_email_is_matched_without_regard_to_case_or_spaces(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    body = login(client, f"  {workspace.owner_email.upper()} ", workspace.owner_password)
    assert body["user_id"] == workspace.owner_id


def test_an_email_in_two_workspaces_needs_the_workspace(
    client: TestClient,
    db: Database,
    hashing: PasswordHashing,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    twin = new_person(
        db,
        other_workspace.id,
        "employee",
        email=workspace.owner_email,
        password=OWNER_PASSWORD,
        hashing=hashing,
    )
    ambiguous = client.post(
        "/api/auth/login", json={"email": workspace.owner_email, "password": OWNER_PASSWORD}
    )

    body = assert_problem(ambiguous, 409)
    assert body["workspaces"] == ["Acme", "Globex"]
    assert "workspace" in body["detail"]
    chosen = login(client, workspace.owner_email, OWNER_PASSWORD, workspace="Globex")
    assert (chosen["user_id"], chosen["workspace_id"]) == (twin.user_id, other_workspace.id)
    chosen = login(client, workspace.owner_email, OWNER_PASSWORD, workspace="Acme")
    assert (chosen["user_id"], chosen["workspace_id"]) == (workspace.owner_id, workspace.id)
    unknown = client.post(
        "/api/auth/login",
        json={"email": workspace.owner_email, "password": OWNER_PASSWORD, "workspace": "Nope"},
    )
    assert_problem(unknown, 401)


def test_people_without_password_and_service_users_cannot_sign_in(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    new_service_user(db, workspace.id, "admin", name="robot")
    for email in (person.email, "robot"):
        response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert_problem(response, 401)


def test_the_sessions_list_marks_the_current_one(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    first = login(client, workspace.owner_email, workspace.owner_password)
    second = login(client, workspace.owner_email, workspace.owner_password)

    listed = client.get("/api/auth/sessions", headers=bearer(second["token"]))

    assert listed.status_code == 200, listed.text
    current = {row["id"]: row["current"] for row in listed.json()["items"]}
    assert current == {first["session_id"]: False, second["session_id"]: True}
    row = listed.json()["items"][0]
    assert row["prefix"] == first["token"][:16]
    assert row["client_address"] == "testclient"
    assert "token" not in row
    assert first["token"] not in listed.text
    by_key = client.get("/api/auth/sessions", headers=workspace.headers).json()["items"]
    assert [row["current"] for row in by_key] == [False, False]


def test_sessions_are_listed_per_person(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee", password=PASSWORD, hashing=hashing)
    mine = login(client, person.email or "", PASSWORD)
    owners = login(client, workspace.owner_email, workspace.owner_password)

    listed = client.get("/api/auth/sessions", headers=bearer(mine["token"])).json()["items"]

    assert [row["id"] for row in listed] == [mine["session_id"]]
    foreign = client.delete(
        f"/api/auth/sessions/{owners['session_id']}", headers=bearer(mine["token"])
    )
    assert_problem(foreign, 404)
    assert client.get("/api/me", headers=bearer(owners["token"])).status_code == 200


def test_logout_with_an_api_key_is_a_bad_request(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    response = client.post("/api/auth/logout", headers=workspace.headers)

    body = assert_problem(response, 400)
    assert "API key" in body["detail"]
    assert client.get("/api/me", headers=workspace.headers).status_code == 200


def test_logout_ends_only_the_current_session(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    leaving = login(client, workspace.owner_email, workspace.owner_password)
    staying = login(client, workspace.owner_email, workspace.owner_password)

    assert client.post("/api/auth/logout", headers=bearer(leaving["token"])).status_code == 204

    listed = client.get("/api/auth/sessions", headers=bearer(staying["token"])).json()["items"]
    assert [row["id"] for row in listed] == [staying["session_id"]]


def test_sign_in_refuses_malformed_bodies(client: TestClient, workspace: WorkspaceFixture) -> None:
    for body in (
        {"email": workspace.owner_email},
        {"email": workspace.owner_email, "password": ""},
        {"email": workspace.owner_email, "password": "x" * 10, "remember": True},
        {"email": "a\x00@example.com", "password": "x" * 10},
        {"email": workspace.owner_email, "password": "x" * 10, "workspace": "\x00"},
    ):
        response = client.post("/api/auth/login", json=body)
        assert_problem(response, 422)
