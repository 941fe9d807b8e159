"""Delivery to a real receiver on 127.0.0.1 that verifies every request with the
`standardwebhooks` package; the worker's cycle task runs in the test's thread."""

import time
from datetime import timedelta

import pytest
import structlog
from fastapi.testclient import TestClient
from sqlalchemy import insert, update

from tests.access.support import new_person
from tests.conftest import WorkspaceFixture
from tests.webhooks.support import (
    BODY_MARKER,
    SUBSCRIPTIONS,
    Receiver,
    Reply,
    deliver_until,
    deliveries,
    first_attempt_fails,
    make_changes,
    receiving,
    subscribe,
    subscription,
)
from timeledger.changelog.service import record_change, recorded_revisions
from timeledger.config import Settings
from timeledger.events.service import SCAN_WINDOW
from timeledger.jobs.worker import Worker
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import Change, User, WebhookSubscription, WorkspaceRevision
from timeledger.webhooks import dispatcher
from timeledger.webhooks.dispatcher import STEPS_PER_SUBSCRIPTION, deliver_due


def test_every_event_arrives_verified_in_order_despite_failures(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    with receiving(first_attempt_fails) as receiver:
        created = subscribe(client, workspace, receiver)
        revisions = make_changes(db, workspace.id, 12)
        deliver_until(
            db, settings, lambda: receiver.acknowledged_revisions() == revisions, timeout=30
        )
        received = receiver.snapshot()

    assert all(item.verified for item in received)
    arrival = receiver.arrival_order()
    assert len(arrival) == len(received)
    assert arrival == sorted(arrival), "a later event overtook an earlier one"
    assert len(received) == 2 * len(revisions)
    for item in received:
        assert item.message_id == f"evt_{workspace.id}_{item.revision}"
        assert item.headers["webhook-signature"].startswith("v1,")
        assert item.headers["content-type"] == "application/json"
        assert item.headers["user-agent"].startswith("Timeledger-Webhooks/")
        assert item.payload["type"] == "activity.updated"
        assert item.payload["timestamp"] == item.payload["data"]["occurred_at"]
        assert item.payload["data"]["object_id"] >= 1000

    state = subscription(client, workspace, created["id"])
    assert state["delivered_revision"] == revisions[-1]
    assert state["state"] == "active"
    assert state["failed_attempts"] == 0
    attempts = deliveries(client, workspace, created["id"])
    assert len(attempts) == 2 * len(revisions)
    assert [item["id"] for item in attempts] == sorted(
        (item["id"] for item in attempts), reverse=True
    )
    newest_failure = next(item for item in attempts if not item["succeeded"])
    assert newest_failure["response_status"] == 500
    assert newest_failure["error"] == "HTTP 500"
    assert newest_failure["trigger"] == "automatic"
    assert newest_failure["attempt"] == 1
    newest = attempts[0]
    assert newest["succeeded"] is True
    assert newest["attempt"] == 2
    assert newest["revision"] == revisions[-1]
    assert newest["duration_ms"] >= 0
    assert newest["error"] is None


def test_a_new_subscription_receives_only_later_changes_of_its_types(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    before = make_changes(db, workspace.id, 2)
    with receiving() as receiver:
        created = subscribe(client, workspace, receiver, event_types=["entry.*"])
        make_changes(db, workspace.id, 3, entity="activity")
        entries = make_changes(db, workspace.id, 2, entity="entry")
        deliver_until(db, settings, lambda: len(receiver.acknowledged_revisions()) == 2)
        assert deliver_due(db, settings) == 0
        received = receiver.snapshot()
    assert created["delivered_revision"] == before[-1]
    assert [item.revision for item in received] == entries
    assert {item.payload["type"] for item in received} == {"entry.updated"}
    assert subscription(client, workspace, created["id"])["delivered_revision"] == entries[-1]


def test_events_are_spread_over_cycles_and_the_log_keeps_the_newest_attempts(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dispatcher, "LOGGED_ATTEMPTS_PER_SUBSCRIPTION", 3)
    with receiving() as receiver:
        created = subscribe(client, workspace, receiver)
        revisions = make_changes(db, workspace.id, STEPS_PER_SUBSCRIPTION + 5)
        assert deliver_due(db, settings) == STEPS_PER_SUBSCRIPTION
        assert deliver_due(db, settings) == 5
        assert receiver.acknowledged_revisions() == revisions
    kept = deliveries(client, workspace, created["id"])
    assert [item["revision"] for item in kept] == revisions[:-4:-1]


def test_redirects_and_refused_connections_are_failures_with_a_short_error(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    def redirect_inside(_receiver: Receiver, _message_id: str) -> Reply:
        return 302, {"location": "http://127.0.0.1:1/internal"}

    with receiving() as closed:
        closed_url = closed.url("/closed")
    with receiving(redirect_inside) as receiver:
        redirected = subscribe(client, workspace, receiver)
        refused = client.post(SUBSCRIPTIONS, json={"url": closed_url}, headers=workspace.headers)
        assert refused.status_code == 201, refused.text
        make_changes(db, workspace.id, 1)
        assert deliver_due(db, settings) == 2
        assert len(receiver.snapshot()) == 1

    attempt = deliveries(client, workspace, redirected["id"])[0]
    assert attempt["succeeded"] is False
    assert attempt["response_status"] == 302
    assert attempt["error"] == "redirect not followed (302)"
    state = subscription(client, workspace, redirected["id"])
    assert state["state"] == "failing"
    assert state["failed_attempts"] == 1
    assert state["next_attempt_at"] is not None
    assert state["delivered_revision"] == redirected["delivered_revision"]
    attempt = deliveries(client, workspace, refused.json()["id"])[0]
    assert attempt["error"] == "connection refused"
    assert attempt["response_status"] is None


def test_410_gone_disables_the_subscription_at_once(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    def gone(_receiver: Receiver, _message_id: str) -> Reply:
        return 410, {}

    with receiving(gone) as receiver:
        created = subscribe(client, workspace, receiver)
        make_changes(db, workspace.id, 3)
        assert deliver_due(db, settings) == 1
        assert deliver_due(db, settings) == 0
        assert len(receiver.snapshot()) == 1
    state = subscription(client, workspace, created["id"])
    assert state["active"] is False
    assert state["state"] == "disabled"
    assert "410" in state["disabled_reason"]
    assert state["disabled_at"] is not None


def test_continuous_failure_disables_the_subscription_and_reactivation_resumes(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    healthy = False

    def failing_until_fixed(_receiver: Receiver, _message_id: str) -> Reply:
        return (200, {}) if healthy else (503, {})

    with receiving(failing_until_fixed) as receiver:
        created = subscribe(client, workspace, receiver)
        revisions = make_changes(db, workspace.id, 2)
        retries = len(settings.webhook_retry_delays_seconds)
        deliver_until(db, settings, lambda: len(receiver.snapshot()) == retries + 1)
        assert deliver_due(db, settings) == 0
        time.sleep(0.2)
        assert deliver_due(db, settings) == 0

        state = subscription(client, workspace, created["id"])
        assert state["state"] == "disabled"
        assert state["active"] is False
        assert "every delivery failed since" in state["disabled_reason"]
        assert state["failed_attempts"] == retries + 1
        assert state["delivered_revision"] == created["delivered_revision"]
        assert {item.revision for item in receiver.snapshot()} == {revisions[0]}

        healthy = True
        resumed = client.patch(
            f"{SUBSCRIPTIONS}/{created['id']}", json={"active": True}, headers=workspace.headers
        )
        assert resumed.status_code == 200, resumed.text
        assert resumed.json()["state"] == "active"
        assert resumed.json()["disabled_reason"] is None
        assert resumed.json()["failed_attempts"] == 0
        deliver_until(db, settings, lambda: receiver.acknowledged_revisions() == revisions)


def test_failing_past_the_time_limit_disables_even_with_retries_left(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    def unavailable(_receiver: Receiver, _message_id: str) -> Reply:
        return 503, {}

    with receiving(unavailable) as receiver:
        created = subscribe(client, workspace, receiver)
        make_changes(db, workspace.id, 1)
        assert deliver_due(db, settings) == 1
        with db.transaction() as session:
            session.execute(
                update(WebhookSubscription)
                .where(WebhookSubscription.id == created["id"])
                .values(failing_since=utcnow() - timedelta(hours=72), next_attempt_at=None)
            )
        assert deliver_due(db, settings) == 1
    state = subscription(client, workspace, created["id"])
    assert state["state"] == "disabled"
    assert state["failed_attempts"] == 2


def test_a_suspended_creator_disables_the_subscription(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    admin = new_person(db, workspace.id, "admin")
    with receiving() as receiver:
        response = client.post(SUBSCRIPTIONS, json={"url": receiver.url()}, headers=admin.headers)
        assert response.status_code == 201, response.text
        with db.transaction() as session:
            session.execute(update(User).where(User.id == admin.user_id).values(status="suspended"))
        make_changes(db, workspace.id, 1)
        assert deliver_due(db, settings) == 0
        assert receiver.snapshot() == []
    state = subscription(client, workspace, response.json()["id"])
    assert state["state"] == "disabled"
    assert "creator" in state["disabled_reason"]


def test_redelivery_and_test_event_are_logged_with_their_trigger(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    with receiving() as receiver:
        created = subscribe(client, workspace, receiver)
        revisions = make_changes(db, workspace.id, 1)
        assert deliver_due(db, settings) == 1
        original = deliveries(client, workspace, created["id"])[0]

        url = f"{SUBSCRIPTIONS}/{created['id']}"
        again = client.post(
            f"{url}/deliveries/{original['id']}/redeliver", headers=workspace.headers
        )
        assert again.status_code == 202, again.text
        assert again.json()["message_id"] == original["message_id"]
        test = client.post(f"{url}/test", headers=workspace.headers)
        assert test.status_code == 202, test.text
        worker = Worker(db, settings)
        deadline = time.monotonic() + 20
        while len(receiver.snapshot()) < 3:
            assert time.monotonic() < deadline, receiver.snapshot()
            worker.run_once()
        received = receiver.snapshot()

    assert all(item.verified for item in received)
    assert received[1].message_id == received[0].message_id
    assert received[1].revision == revisions[0]
    assert received[2].message_id == test.json()["message_id"]
    assert received[2].payload["type"] == "webhook.test"
    logged = {item["trigger"]: item for item in deliveries(client, workspace, created["id"])}
    assert logged["redelivery"]["message_id"] == original["message_id"]
    assert logged["redelivery"]["attempt"] == 2
    assert logged["redelivery"]["succeeded"] is True
    assert logged["test"]["revision"] is None
    assert logged["test"]["event_type"] == "webhook.test"
    assert subscription(client, workspace, created["id"])["delivered_revision"] == revisions[0]


def test_response_bodies_and_the_secret_never_reach_the_api_or_logs(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    with structlog.testing.capture_logs() as logs, receiving(first_attempt_fails) as receiver:
        created = subscribe(client, workspace, receiver)
        secret = created["secret"]
        assert secret.startswith("whsec_")
        make_changes(db, workspace.id, 2)
        deliver_until(db, settings, lambda: len(receiver.acknowledged_revisions()) == 2)
        url = f"{SUBSCRIPTIONS}/{created['id']}"
        answers = [
            client.get(SUBSCRIPTIONS, headers=workspace.headers),
            client.get(url, headers=workspace.headers),
            client.get(f"{url}/deliveries", headers=workspace.headers),
            client.patch(url, json={"description": "payroll"}, headers=workspace.headers),
            client.get("/api/admin/audit-log", headers=workspace.headers),
        ]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert BODY_MARKER not in answer.text
        assert secret not in answer.text
        assert secret.removeprefix("whsec_") not in answer.text
    assert len(answers[2].json()["items"]) == 4
    assert secret.removeprefix("whsec_") not in repr(logs)
    assert BODY_MARKER not in repr(logs)


def test_long_stretches_of_other_events_are_skipped(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    with receiving() as receiver:
        created = subscribe(client, workspace, receiver, event_types=["entry.created"])
        start = created["delivered_revision"]
        stretch = SCAN_WINDOW + 50
        with db.transaction(workspace_id=workspace.id) as session:
            # One bulk insert of the changes record_change would append one by one.
            session.execute(
                insert(Change),
                [
                    {
                        "workspace_id": workspace.id,
                        "revision": start + offset,
                        "entity": "activity",
                        "entity_id": offset,
                        "op": "created",
                        "actor_user_id": None,
                        "at": utcnow(),
                        "data": {"id": offset},
                    }
                    for offset in range(1, stretch + 1)
                ],
            )
            session.execute(
                update(WorkspaceRevision)
                .where(WorkspaceRevision.workspace_id == workspace.id)
                .values(revision=start + stretch)
            )
            record_change(
                session,
                workspace_id=workspace.id,
                actor_user_id=None,
                entity="entry",
                entity_id=1,
                op="created",
                data={"id": 1, "employee_id": 1},
            )
            (wanted,) = recorded_revisions(session)
        assert deliver_due(db, settings) == 1
        assert receiver.acknowledged_revisions() == [wanted]
    assert subscription(client, workspace, created["id"])["delivered_revision"] == wanted
