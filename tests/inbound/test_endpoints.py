"""Administering inbound endpoints: the secret is shown once and stored sealed, the service
user is checked, and each workspace sees only its own endpoints."""

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from tests.inbound.support import ENDPOINTS, endpoint_in, send, service_user
from timeledger.kit.db import Database
from timeledger.models import AuditEvent, InboundEndpoint

MESSAGE = {
    "type": "presence.clock_in",
    "data": {"employee_number": "nobody", "at": "2026-01-05T08:00:00Z"},
}


def test_the_secret_is_shown_at_creation_only_and_stored_sealed(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    user_id = service_user(client, workspace)
    response = client.post(
        ENDPOINTS, json={"name": "Clock", "service_user_id": user_id}, headers=workspace.headers
    )
    assert response.status_code == 201, response.text
    created = response.json()
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert response.headers["location"] == f"{ENDPOINTS}/{created['id']}"
    assert created["url"] == f"/api/webhooks/inbound/{created['id']}"
    assert response.headers["cache-control"] == "no-store"

    url = f"{ENDPOINTS}/{created['id']}"
    shown = [
        client.get(url, headers=workspace.headers).json(),
        client.get(ENDPOINTS, headers=workspace.headers).json()["items"][0],
        client.patch(url, json={"name": "Clock 2"}, headers=workspace.headers).json(),
    ]
    for body in shown:
        assert "secret" not in body
        assert secret not in str(body)
    with db.transaction() as session:
        sealed = session.scalars(select(InboundEndpoint.secret_encrypted)).one()
        audited = list(session.scalars(select(AuditEvent.action)))
    assert secret not in sealed and secret.removeprefix("whsec_") not in sealed
    assert "inbound_endpoint.created" in audited


def test_a_rotated_secret_replaces_the_old_one(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    endpoint = endpoint_in(client, workspace)
    rotated = client.post(f"{ENDPOINTS}/{endpoint.id}/rotate-secret", headers=workspace.headers)
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret != endpoint.secret
    assert_problem(send(client, endpoint, MESSAGE, "evt_old"), 401)
    assert send(client, endpoint, MESSAGE, "evt_new", secret=new_secret).status_code == 202


def test_the_service_user_must_be_an_active_service_user_of_the_workspace(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    theirs = service_user(client, other_workspace)
    person = new_person(db, workspace.id, "admin")
    for user_id in (theirs, person.user_id, workspace.owner_id, 999_999):
        response = client.post(
            ENDPOINTS, json={"name": "x", "service_user_id": user_id}, headers=workspace.headers
        )
        problem = assert_problem(response, 422)
        assert problem["errors"][0]["location"] == "body.service_user_id"
    endpoint = endpoint_in(client, workspace)
    changed = client.patch(
        f"{ENDPOINTS}/{endpoint.id}", json={"service_user_id": theirs}, headers=workspace.headers
    )
    assert_problem(changed, 422)


def test_endpoints_are_changed_with_if_match_and_deleted(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    endpoint = endpoint_in(client, workspace)
    url = f"{ENDPOINTS}/{endpoint.id}"
    etag = client.get(url, headers=workspace.headers).headers["etag"]
    paused = client.patch(
        url, json={"active": False}, headers={**workspace.headers, "If-Match": etag}
    )
    assert paused.status_code == 200, paused.text
    assert paused.json()["active"] is False
    stale = client.patch(
        url, json={"active": True}, headers={**workspace.headers, "If-Match": etag}
    )
    assert_problem(stale, 412)
    assert client.delete(url, headers=workspace.headers).status_code == 204
    assert_problem(client.get(url, headers=workspace.headers), 404)
    assert_problem(send(client, endpoint, MESSAGE, "evt_gone"), 401)


def test_another_workspace_cannot_see_or_change_the_endpoint(
    client: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    endpoint = endpoint_in(client, other_workspace)
    assert send(client, endpoint, MESSAGE, "evt_1").status_code == 202
    url = f"{ENDPOINTS}/{endpoint.id}"
    headers = workspace.headers
    assert_problem(client.get(url, headers=headers), 404)
    assert_problem(client.get(f"{url}/events", headers=headers), 404)
    assert_problem(client.patch(url, json={"active": False}, headers=headers), 404)
    assert_problem(client.post(f"{url}/rotate-secret", headers=headers), 404)
    assert_problem(client.delete(url, headers=headers), 404)
    assert client.get(ENDPOINTS, headers=headers).json()["items"] == []
    assert len(client.get(f"{url}/events", headers=other_workspace.headers).json()["items"]) == 1


def test_employees_may_not_see_endpoints_and_developers_only_read_them(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    endpoint = endpoint_in(client, workspace)
    employee = new_person(db, workspace.id, "employee")
    developer = new_person(db, workspace.id, "developer")
    assert_problem(client.get(ENDPOINTS, headers=employee.headers), 403)
    assert (
        client.get(f"{ENDPOINTS}/{endpoint.id}/events", headers=developer.headers).status_code
        == 200
    )
    created = client.post(
        ENDPOINTS,
        json={"name": "x", "service_user_id": endpoint.service_user_id},
        headers=developer.headers,
    )
    assert_problem(created, 403)
