"""Password reset: an admin issues a single-use, expiring token; redeeming it sets the
password and ends the person's sessions."""

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.access.support import (
    PASSWORD,
    Principal,
    assert_problem,
    bearer,
    expire,
    login,
    new_person,
)
from tests.conftest import WorkspaceFixture
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import PasswordResetToken

NEW_PASSWORD = "new-" + PASSWORD


def _person(db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture) -> Principal:
    return new_person(db, workspace.id, "employee", password=PASSWORD, hashing=hashing)


def _issue(client: TestClient, workspace: WorkspaceFixture, user_id: int) -> dict[str, str]:
    response = client.post(f"/api/users/{user_id}/password-reset", headers=workspace.headers)
    assert response.status_code == 201, response.text
    body: dict[str, str] = response.json()
    return body


def _redeem(client: TestClient, token: str, password: str = NEW_PASSWORD) -> int:
    response = client.post(
        "/api/auth/password-reset", json={"token": token, "new_password": password}
    )
    return response.status_code


@pytest.mark.frozen_clock
def test_a_reset_token_sets_a_new_password_once_and_ends_the_old_sessions(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = _person(db, hashing, workspace)
    old_session = login(client, person.email or "", PASSWORD)["token"]
    issued = _issue(client, workspace, person.user_id)
    token = issued["token"]
    assert token.startswith("tl_pr_")
    assert datetime.fromisoformat(issued["expires_at"]) == utcnow() + timedelta(hours=24)

    assert _redeem(client, token) == 204

    assert client.get("/api/me", headers=bearer(old_session)).status_code == 401
    refused = client.post("/api/auth/login", json={"email": person.email, "password": PASSWORD})
    assert_problem(refused, 401)
    assert login(client, person.email or "", NEW_PASSWORD)["user_id"] == person.user_id
    second = client.post(
        "/api/auth/password-reset", json={"token": token, "new_password": "other-" + PASSWORD}
    )
    assert_problem(second, 401)
    assert login(client, person.email or "", NEW_PASSWORD)["user_id"] == person.user_id


def test_redeeming_one_token_spends_the_others_of_the_person(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = _person(db, hashing, workspace)
    first = _issue(client, workspace, person.user_id)["token"]
    second = _issue(client, workspace, person.user_id)["token"]

    assert _redeem(client, second) == 204

    assert _redeem(client, first, "other-" + PASSWORD) == 401


def test_an_expired_reset_token_is_refused(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = _person(db, hashing, workspace)
    token = _issue(client, workspace, person.user_id)["token"]
    with db.transaction() as session:
        row_id = session.scalars(select(PasswordResetToken.id)).one()
    expire(db, PasswordResetToken, row_id)

    assert _redeem(client, token) == 401
    assert login(client, person.email or "", PASSWORD)["user_id"] == person.user_id


def test_a_weak_new_password_is_refused_and_leaves_the_token_usable(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = _person(db, hashing, workspace)
    token = _issue(client, workspace, person.user_id)["token"]

    for weak in ("short", "1234567890"):
        response = client.post(
            "/api/auth/password-reset", json={"token": token, "new_password": weak}
        )
        body = assert_problem(response, 422)
        assert body["errors"][0]["location"] == "body.new_password"

    assert _redeem(client, token) == 204


def test_tokens_that_are_not_reset_tokens_are_refused(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = _person(db, hashing, workspace)
    token = _issue(client, workspace, person.user_id)["token"]
    session_token = login(client, person.email or "", PASSWORD)["token"]
    for wrong in (
        "tl_pr_" + "A" * 40,
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        session_token,
        person.key,
        "nonsense",
    ):
        body = assert_problem(
            client.post(
                "/api/auth/password-reset", json={"token": wrong, "new_password": NEW_PASSWORD}
            ),
            401,
        )
        assert body["detail"] == "The reset token is unknown, used or expired."
    assert _redeem(client, token) == 204


def test_a_suspended_person_cannot_redeem_a_reset(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = _person(db, hashing, workspace)
    token = _issue(client, workspace, person.user_id)["token"]
    suspended = client.post(f"/api/users/{person.user_id}/suspend", headers=workspace.headers)
    assert suspended.status_code == 200

    assert _redeem(client, token) == 401


def test_an_admin_cannot_reset_an_owners_password(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    admin = new_person(db, workspace.id, "admin")
    refused = client.post(f"/api/users/{workspace.owner_id}/password-reset", headers=admin.headers)
    assert_problem(refused, 403)
    allowed = client.post(f"/api/users/{admin.user_id}/password-reset", headers=workspace.headers)
    assert allowed.status_code == 201, allowed.text
    missing = client.post("/api/users/999999/password-reset", headers=workspace.headers)
    assert_problem(missing, 404)
