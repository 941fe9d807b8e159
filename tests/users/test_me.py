"""/api/me belongs to signed-in people: their profile and password."""

from fastapi.testclient import TestClient

from tests.access.support import (
    PASSWORD,
    assert_problem,
    bearer,
    login,
    new_person,
    new_service_user,
)
from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database


def test_me_answers_people_and_refuses_service_users(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    robot = new_service_user(db, workspace.id, "owner")
    session_token = login(client, workspace.owner_email, workspace.owner_password)["token"]

    refused = client.get("/api/me", headers=robot.headers)

    body = assert_problem(refused, 403)
    assert "signed-in person" in body["detail"]
    assert "service-user" in body["detail"]
    for headers in (workspace.headers, bearer(session_token)):
        response = client.get("/api/me", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["id"] == workspace.owner_id
        assert response.json()["email"] == workspace.owner_email
        assert response.headers["etag"]


def test_a_person_updates_their_own_profile_with_if_match(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    etag = client.get("/api/me", headers=person.headers).headers["etag"]

    changed = client.patch(
        "/api/me",
        json={"name": "New Name", "timezone": "America/Chicago", "language": "fr"},
        headers={**person.headers, "If-Match": etag},
    )

    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["timezone"], changed.json()["language"]) == (
        "New Name",
        "America/Chicago",
        "fr",
    )
    stale = client.patch(
        "/api/me", json={"name": "x"}, headers={**person.headers, "If-Match": etag}
    )
    assert_problem(stale, 412)
    for forbidden_field in ({"role": "admin"}, {"email": "x@example.com"}, {"status": "active"}):
        assert_problem(client.patch("/api/me", json=forbidden_field, headers=person.headers), 422)
    assert_problem(
        client.patch("/api/me", json={"timezone": "Nowhere/Land"}, headers=person.headers), 422
    )
    assert client.get("/api/me", headers=person.headers).json()["role"] == "employee"


def test_changing_the_password_checks_the_current_one_and_the_rules(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    wrong = client.post(
        "/api/me/password",
        json={"current_password": "wrong-" + PASSWORD, "new_password": PASSWORD},
        headers=headers,
    )
    assert "current password" in assert_problem(wrong, 403)["detail"]
    for weak in ("too-short", "1234567890"):
        response = client.post(
            "/api/me/password",
            json={"current_password": workspace.owner_password, "new_password": weak},
            headers=headers,
        )
        assert assert_problem(response, 422)["errors"][0]["location"] == "body.new_password"

    changed = client.post(
        "/api/me/password",
        json={"current_password": workspace.owner_password, "new_password": PASSWORD},
        headers=headers,
    )

    assert changed.status_code == 204, changed.text
    assert login(client, workspace.owner_email, PASSWORD)["user_id"] == workspace.owner_id
    old = client.post(
        "/api/auth/login",
        json={"email": workspace.owner_email, "password": workspace.owner_password},
    )
    assert_problem(old, 401)


def test_a_language_is_a_tag_from_the_known_list(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    for unknown in ("xx-klingon", "xx", "en-", "EN", "de_CH", "tlh"):
        answer = client.patch("/api/me", json={"language": unknown}, headers=person.headers)
        assert_problem(answer, 422)
        assert answer.json()["errors"][0]["location"] == "body.language", unknown
    for known in ("de-CH", "pt-BR", "nb"):
        answer = client.patch("/api/me", json={"language": known}, headers=person.headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["language"] == known
