"""/api/webhooks/subscriptions: the secret shown once, updates with If-Match, event-type
validation, permissions and workspace isolation."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.access.support import new_person
from tests.conftest import WorkspaceFixture, note_seen_by_a_locked_read
from tests.webhooks.support import SUBSCRIPTIONS, make_changes
from timeledger.config import Settings
from timeledger.kit.db import Database
from timeledger.kit.secretbox import SecretBox
from timeledger.models import AuditEvent, Job, WebhookSubscription
from timeledger.webhooks.repository import SubscriptionRepository

URL = "http://127.0.0.1:9/hook"


def test_create_shows_the_secret_once_and_starts_at_the_head_revision(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    revisions = make_changes(db, workspace.id, 2)
    response = client.post(
        SUBSCRIPTIONS,
        json={"url": URL, "description": "Payroll", "event_types": ["entry.*", "entry.*"]},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    secret = body["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert body["event_types"] == ["entry.*"]
    assert body["delivered_revision"] == revisions[-1]
    assert body["state"] == "active"
    assert body["created_by_user_id"] == workspace.owner_id
    location = response.headers["Location"]
    assert location == f"{SUBSCRIPTIONS}/{body['id']}"
    assert response.headers["ETag"] == f'"webhook_subscription-{body["id"]}-1"'

    fetched = client.get(location, headers=workspace.headers)
    assert fetched.status_code == 200
    assert "secret" not in fetched.json()
    assert fetched.json() == {key: value for key, value in body.items() if key != "secret"}
    listed = client.get(SUBSCRIPTIONS, headers=workspace.headers).json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert secret not in str(listed)

    with db.transaction() as session:
        stored = session.scalars(select(WebhookSubscription)).one()
        assert secret not in stored.secret_encrypted
        assert SecretBox(settings.resolved_secret_key()).open(stored.secret_encrypted) == secret
        audit = session.scalars(select(AuditEvent.action)).all()
    assert "webhook.created" in audit


def test_update_follows_if_match_and_reactivation_clears_the_failure_state(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    created = client.post(SUBSCRIPTIONS, json={"url": URL}, headers=workspace.headers)
    url = f"{SUBSCRIPTIONS}/{created.json()['id']}"
    etag = created.headers["ETag"]

    paused = client.patch(
        url, json={"active": False}, headers={**workspace.headers, "If-Match": etag}
    )
    assert paused.status_code == 200, paused.text
    assert paused.json()["state"] == "paused"
    assert paused.headers["ETag"] != etag
    stale = client.patch(
        url, json={"description": "x"}, headers={**workspace.headers, "If-Match": etag}
    )
    assert stale.status_code == 412

    with db.transaction() as session:
        stored = session.get(WebhookSubscription, created.json()["id"])
        assert stored is not None
        stored.disabled_reason = "the receiver answered 410 Gone"
        stored.failed_attempts = 7
    assert client.get(url, headers=workspace.headers).json()["state"] == "disabled"

    resumed = client.patch(
        url,
        json={"active": True, "event_types": ["presence.clock_in"], "description": "Clock"},
        headers={**workspace.headers, "If-Match": paused.headers["ETag"]},
    )
    assert resumed.status_code == 200, resumed.text
    body = resumed.json()
    assert body["state"] == "active"
    assert body["disabled_reason"] is None
    assert body["failed_attempts"] == 0
    assert body["event_types"] == ["presence.clock_in"]
    assert body["description"] == "Clock"
    assert body["delivered_revision"] == created.json()["delivered_revision"]


def test_unknown_event_types_and_bad_bodies_are_422(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for body in (
        {"url": URL, "event_types": ["entry.exploded.twice"]},
        {"url": URL, "event_types": ["nothing.*"]},
        {"url": URL, "event_types": ["entry.*"] * 51},
        {"url": URL, "secret": "whsec_mine"},
        {"url": "x" * 2001},
        {},
    ):
        response = client.post(SUBSCRIPTIONS, json=body, headers=workspace.headers)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get(SUBSCRIPTIONS, headers=workspace.headers).json()["items"] == []


def test_another_workspaces_subscription_does_not_exist_and_delete_removes_it(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    created = client.post(SUBSCRIPTIONS, json={"url": URL}, headers=workspace.headers)
    url = f"{SUBSCRIPTIONS}/{created.json()['id']}"
    other = other_workspace.headers
    assert client.get(SUBSCRIPTIONS, headers=other).json()["items"] == []
    assert client.get(url, headers=other).status_code == 404
    assert client.patch(url, json={"active": False}, headers=other).status_code == 404
    assert client.delete(url, headers=other).status_code == 404
    assert client.get(f"{url}/deliveries", headers=other).status_code == 404
    assert client.post(f"{url}/test", headers=other).status_code == 404
    assert client.post(f"{url}/deliveries/1/redeliver", headers=other).status_code == 404
    assert client.get(url, headers=workspace.headers).json()["active"] is True
    with db.transaction() as session:
        assert session.scalars(select(Job)).all() == []

    own = workspace.headers
    assert client.post(f"{url}/deliveries/999/redeliver", headers=own).status_code == 404
    assert client.get(f"{url}/deliveries?limit=201", headers=own).status_code == 422
    assert client.delete(url, headers=own).status_code == 204
    assert client.get(url, headers=own).status_code == 404
    assert client.delete(url, headers=own).status_code == 404


def test_permissions_read_for_developers_manage_for_admins_nothing_for_employees(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    created = client.post(SUBSCRIPTIONS, json={"url": URL}, headers=workspace.headers)
    url = f"{SUBSCRIPTIONS}/{created.json()['id']}"
    employee = new_person(db, workspace.id, "employee").headers
    developer = new_person(db, workspace.id, "developer").headers
    admin = new_person(db, workspace.id, "admin").headers

    assert client.get(SUBSCRIPTIONS, headers=employee).status_code == 403
    assert client.get(url, headers=employee).status_code == 403
    assert client.get(f"{url}/deliveries", headers=employee).status_code == 403
    for headers in (employee, developer):
        assert client.post(SUBSCRIPTIONS, json={"url": URL}, headers=headers).status_code == 403
        assert client.patch(url, json={"active": False}, headers=headers).status_code == 403
        assert client.post(f"{url}/test", headers=headers).status_code == 403
        assert client.delete(url, headers=headers).status_code == 403
    assert client.get(url, headers=developer).status_code == 200
    assert client.get(f"{url}/deliveries", headers=developer).status_code == 200
    assert client.post(SUBSCRIPTIONS, json={"url": URL}, headers=admin).status_code == 201
    assert client.post(f"{url}/test", headers=admin).status_code == 202


@pytest.mark.postgresql
def test_a_locked_read_sees_what_committed_since_the_subscription_was_read(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    made = client.post(SUBSCRIPTIONS, json={"url": URL}, headers=workspace.headers).json()

    def read(session: Session, for_update: bool) -> WebhookSubscription | None:
        return SubscriptionRepository(session).get(made["id"], for_update=for_update)

    seen = note_seen_by_a_locked_read(db, workspace.id, WebhookSubscription, made["id"], read)
    assert seen == (True, "changed meanwhile")
