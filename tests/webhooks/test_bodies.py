"""Body formats: a subscription with a trigger gets the body its registered format makes,
signed as any other; what the format has nothing to send for is passed over. Subscribing a
URL to a trigger makes one subscription however often it is asked."""

import time
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.conftest import WorkspaceFixture
from tests.webhooks.support import (
    SUBSCRIPTIONS,
    Receiver,
    deliver_until,
    deliveries,
    make_changes,
    receiving,
    subscribe,
    subscription,
)
from timeledger.access.caller import Caller, caller_acting_as
from timeledger.config import Settings
from timeledger.jobs.worker import Worker
from timeledger.kit.db import Database
from timeledger.kit.errors import Unprocessable
from timeledger.models import Change, User, WebhookSubscription
from timeledger.webhooks import bodies, service
from timeledger.webhooks.dispatcher import deliver_due, disable

TRIGGER = "even"


@dataclass(frozen=True)
class EvenNames:
    """Sends `[{"name": ...}]` for the changes of objects with an even id, nothing else."""

    event_types: list[str]

    def body(self, session: Session, change: Change) -> list[Any] | None:
        if change.entity_id % 2:
            return None
        return [{"name": change.data["name"]}]


@pytest.fixture(autouse=True)
def even_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(bodies._FORMATS, TRIGGER, EvenNames(["activity.updated"]))


def subscribe_with_trigger(
    client: TestClient, db: Database, workspace: WorkspaceFixture, receiver: Receiver, trigger: str
) -> dict[str, Any]:
    created = subscribe(client, workspace, receiver)
    assert created["tyme_trigger"] is None
    with db.transaction() as session:
        session.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id == created["id"])
            .values(tyme_trigger=trigger)
        )
    return created


def test_the_format_makes_the_body_and_what_it_does_not_send_is_passed_over(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    with receiving() as receiver:
        created = subscribe_with_trigger(client, db, workspace, receiver, TRIGGER)
        revisions = make_changes(db, workspace.id, 4)
        deliver_until(db, settings, lambda: len(receiver.snapshot()) == 2)
        assert deliver_due(db, settings) == 0
        received = receiver.snapshot()

    assert [item.payload for item in received] == [
        [{"name": "Activity 0"}],
        [{"name": "Activity 2"}],
    ]
    assert all(item.verified for item in received)
    assert [item.message_id for item in received] == [
        f"evt_{workspace.id}_{revisions[0]}",
        f"evt_{workspace.id}_{revisions[2]}",
    ]
    assert received[0].headers["content-type"] == "application/json"
    state = subscription(client, workspace, created["id"])
    assert state["tyme_trigger"] == TRIGGER
    assert state["delivered_revision"] == revisions[-1]
    logged = deliveries(client, workspace, created["id"])
    assert [(item["revision"], item["event_type"]) for item in logged] == [
        (revisions[2], "activity.updated"),
        (revisions[0], "activity.updated"),
    ]


def test_a_redelivery_sends_the_formatted_body_again(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    with receiving() as receiver:
        created = subscribe_with_trigger(client, db, workspace, receiver, TRIGGER)
        make_changes(db, workspace.id, 1)
        assert deliver_due(db, settings) == 1
        original = deliveries(client, workspace, created["id"])[0]
        again = client.post(
            f"{SUBSCRIPTIONS}/{created['id']}/deliveries/{original['id']}/redeliver",
            headers=workspace.headers,
        )
        assert again.status_code == 202, again.text
        worker = Worker(db, settings)
        deadline = time.monotonic() + 20
        while len(receiver.snapshot()) < 2:
            assert time.monotonic() < deadline, receiver.snapshot()
            worker.run_once()
        received = receiver.snapshot()

    assert received[1].message_id == received[0].message_id
    assert received[1].payload == received[0].payload == [{"name": "Activity 0"}]
    assert received[1].verified


def test_a_trigger_without_a_format_disables_the_subscription(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    with receiving() as receiver:
        created = subscribe_with_trigger(client, db, workspace, receiver, "unheard-of")
        make_changes(db, workspace.id, 1)
        assert deliver_due(db, settings) == 0
        assert receiver.snapshot() == []
    state = subscription(client, workspace, created["id"])
    assert state["state"] == "disabled"
    assert state["disabled_reason"] == "its trigger 'unheard-of' is not known"


def owner(session: Session, workspace: WorkspaceFixture) -> Caller:
    user = session.get(User, workspace.owner_id)
    assert user is not None
    return caller_acting_as(user, "test")


def test_a_url_subscribed_to_a_trigger_twice_has_one_subscription_resumed_at_the_head(
    db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    url = "http://127.0.0.1:9/hook"
    with db.transaction(workspace_id=workspace.id) as session:
        caller = owner(session, workspace)
        first = service.subscribe_tyme_trigger(session, caller, settings, url, TRIGGER)
        assert service.subscribe_tyme_trigger(session, caller, settings, url, TRIGGER) is first
        assert (first.event_types, first.tyme_trigger, first.active) == (
            ["activity.updated"],
            TRIGGER,
            True,
        )
        disable(session, first, "the receiver answered 410 Gone")
        first_id = first.id
    revisions = make_changes(db, workspace.id, 2)

    with db.transaction(workspace_id=workspace.id) as session:
        caller = owner(session, workspace)
        resumed = service.subscribe_tyme_trigger(session, caller, settings, url, TRIGGER)
        assert resumed.id == first_id
        assert (resumed.active, resumed.disabled_reason) == (True, None)
        assert resumed.delivered_revision == revisions[-1]
        other = service.subscribe_tyme_trigger(session, caller, settings, f"{url}/2", TRIGGER)
        service.unsubscribe_tyme_trigger(session, caller, url, TRIGGER)
        service.unsubscribe_tyme_trigger(session, caller, url, TRIGGER)
        assert session.scalars(select(WebhookSubscription.id)).all() == [other.id]


def test_an_unknown_trigger_is_refused(
    db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    url = "http://127.0.0.1:9/hook"
    with db.transaction(workspace_id=workspace.id) as session:
        caller = owner(session, workspace)
        with pytest.raises(Unprocessable) as refused:
            service.subscribe_tyme_trigger(session, caller, settings, url, "odd")
        assert refused.value.errors[0]["location"] == "trigger_type"
        assert "'odd' is not one of" in refused.value.detail
        with pytest.raises(Unprocessable):
            service.unsubscribe_tyme_trigger(session, caller, url, "odd")
