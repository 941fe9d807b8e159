"""Tyme's webhooks on both engines: subscribing and unsubscribing through the face, and
Tyme's objects delivered in JSON arrays to a receiver on 127.0.0.1 (the worker's cycle
runs in the test's thread)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.access.support import new_person
from tests.compat.tyme.support import (
    BASE,
    SECURE_BASE_URL,
    authorized_code,
    bearer,
    exchange,
    owner_token,
    register_client,
    tokens_of,
)
from tests.conftest import WorkspaceFixture
from tests.projects.support import customer, project, task
from tests.timesheet.support import create, person_in
from tests.webhooks.support import (
    SUBSCRIPTIONS,
    Receiver,
    Reply,
    always_ok,
    deliver_until,
    receiving,
    stored_secret,
)
from timeledger.access.credentials import PasswordHashing
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.kit.db import Database
from timeledger.webhooks.dispatcher import deliver_due

SUBSCRIBE = f"{BASE}/webhooks/subscribe"
UNSUBSCRIBE = f"{BASE}/webhooks/unsubscribe"
PASSWORD = "a long and fine password"
DAY = "2026-03-10"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Receivers on 127.0.0.1 allowed, retries after milliseconds (as tests/webhooks)."""
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "var",
        secret_key="test-key",
        webhook_allow_private_destinations=True,
        webhook_retry_delays_seconds=[0.05] * 5,
        webhook_timeout_seconds=2,
    )


@pytest.fixture
def admin(tyme: TestClient, workspace: WorkspaceFixture) -> dict[str, str]:
    return owner_token(tyme, workspace)


def post(
    tyme: TestClient, path: str, headers: dict[str, str], url: str, trigger: str
) -> dict[str, Any]:
    response = tyme.post(path, json={"hook_url": url, "trigger_type": trigger}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def subscriptions(tyme: TestClient, workspace: WorkspaceFixture) -> list[dict[str, Any]]:
    response = tyme.get(f"{SUBSCRIPTIONS}?limit=200", headers=workspace.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def the_subscription(
    tyme: TestClient, workspace: WorkspaceFixture, url: str, trigger: str
) -> dict[str, Any]:
    (found,) = [
        item
        for item in subscriptions(tyme, workspace)
        if (item["url"], item["tyme_trigger"]) == (url, trigger)
    ]
    return found


def hook(
    tyme: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    headers: dict[str, str],
    receiver: Receiver,
    trigger: str,
) -> int:
    """Subscribe the receiver to the trigger; it verifies with the stored secret (Tyme's
    receivers are shown none, the signature headers are sent all the same)."""
    post(tyme, SUBSCRIBE, headers, receiver.url(), trigger)
    subscription_id = int(the_subscription(tyme, workspace, receiver.url(), trigger)["id"])
    receiver.secret = stored_secret(db, settings, subscription_id)
    return subscription_id


def objects_received(receiver: Receiver) -> list[dict[str, Any]]:
    """The objects of every request, each request a JSON array of Tyme objects."""
    received = receiver.snapshot()
    assert all(item.verified for item in received)
    assert all(isinstance(item.payload, list) for item in received)
    return [shown for item in received for shown in item.payload]


def test_subscribing_twice_keeps_one_subscription_per_url_and_trigger(
    tyme: TestClient, workspace: WorkspaceFixture, admin: dict[str, str]
) -> None:
    url = "http://127.0.0.1:9/tyme"
    assert post(tyme, SUBSCRIBE, admin, url, "project") == {"status": "success"}
    assert post(tyme, SUBSCRIBE, admin, url, "project") == {"status": "success"}
    form = tyme.post(SUBSCRIBE, data={"hook_url": url, "trigger_type": "task"}, headers=admin)
    assert form.status_code == 200, form.text
    for trigger in ("category", "subtask", "time", "stopped_time"):
        post(tyme, SUBSCRIBE, admin, url, trigger)

    listed = subscriptions(tyme, workspace)
    assert {item["tyme_trigger"]: item["event_types"] for item in listed} == {
        "category": ["customer.created"],
        "project": ["project.created"],
        "task": ["task.created"],
        "subtask": ["task.created"],
        "time": ["entry.created"],
        "stopped_time": ["entry.timer_stopped"],
    }
    assert len(listed) == 6
    project_hook = the_subscription(tyme, workspace, url, "project")
    assert project_hook["state"] == "active"
    assert project_hook["created_by_user_id"] == workspace.owner_id
    assert project_hook["description"] == "Tyme: project"

    assert post(tyme, UNSUBSCRIBE, admin, url, "project") == {"status": "success"}
    assert post(tyme, UNSUBSCRIBE, admin, url, "project") == {"status": "success"}
    assert post(tyme, UNSUBSCRIBE, admin, "http://127.0.0.1:9/other", "task") == {
        "status": "success"
    }
    remaining = {item["tyme_trigger"] for item in subscriptions(tyme, workspace)}
    assert remaining == {"category", "task", "subtask", "time", "stopped_time"}


@pytest.mark.parametrize("path", [SUBSCRIBE, UNSUBSCRIBE])
def test_missing_or_unknown_values_are_400(
    tyme: TestClient, workspace: WorkspaceFixture, admin: dict[str, str], path: str
) -> None:
    url = "http://127.0.0.1:9/tyme"
    bodies: list[tuple[dict[str, Any], str]] = [
        ({}, "hook_url: missing"),
        ({"trigger_type": "project"}, "hook_url: missing"),
        ({"hook_url": url}, "trigger_type: missing"),
        ({"hook_url": "", "trigger_type": "project"}, "hook_url: missing"),
        ({"hook_url": url, "trigger_type": "invoice"}, "'invoice' is not one of"),
        ({"hook_url": url, "trigger_type": "Project"}, "'Project' is not one of"),
        ({"hook_url": url, "trigger_type": ["project"]}, "must be a string"),
    ]
    for body, description in bodies:
        response = tyme.post(path, json=body, headers=admin)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["error"] == "missing values"
        assert description in response.json()["error_description"], body
    garbled = tyme.post(
        path, content=b"{not json", headers={**admin, "content-type": "application/json"}
    )
    assert garbled.status_code == 400
    assert garbled.json()["error"] == "missing values"
    assert subscriptions(tyme, workspace) == []


def token_of(tyme: TestClient, workspace: WorkspaceFixture, email: str) -> dict[str, str]:
    client = register_client(tyme, workspace)
    code = authorized_code(tyme, client, email, PASSWORD)
    return dict(bearer(tokens_of(exchange(tyme, client, code))["access_token"]))


def test_only_admins_holding_the_webhook_permission_may_subscribe(
    tyme: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    role = tyme.post(
        "/api/roles",
        json={
            "name": "admin-without-webhooks",
            "permissions": ["workspace:update:*", "me:read:own"],
        },
        headers=workspace.headers,
    )
    assert role.status_code == 201, role.text
    body = {"hook_url": "http://127.0.0.1:9/tyme", "trigger_type": "project"}
    for role_name in ("employee", "admin-without-webhooks"):
        person = new_person(db, workspace.id, role_name, password=PASSWORD, hashing=hashing)
        headers = token_of(tyme, workspace, person.email or "")
        for path in (SUBSCRIBE, UNSUBSCRIBE):
            response = tyme.post(path, json=body, headers=headers)
            assert response.status_code == 403, (role_name, response.text)
            assert response.json()["error"] == "not_allowed"
    assert tyme.post(SUBSCRIBE, json=body).status_code == 401
    assert subscriptions(tyme, workspace) == []


@pytest.fixture
def strict(settings: Settings, db: Database, hashing: PasswordHashing) -> Iterator[TestClient]:
    """The face with the default rule: private destinations refused."""
    refusing = settings.model_copy(update={"webhook_allow_private_destinations": False})
    app = create_app(refusing, db, password_hashing=hashing)
    with TestClient(app, base_url=SECURE_BASE_URL, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/hook", "loopback address"),
        ("http://10.0.0.1/hook", "private address"),
        ("http://169.254.169.254/latest/meta-data/", "link-local address"),
        ("ftp://example.com/hook", "only http and https URLs are allowed"),
    ],
)
def test_a_url_the_guard_refuses_is_400_with_the_reason(
    strict: TestClient, workspace: WorkspaceFixture, url: str, reason: str
) -> None:
    headers = owner_token(strict, workspace)
    response = strict.post(
        SUBSCRIBE, json={"hook_url": url, "trigger_type": "time"}, headers=headers
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "missing values"
    assert reason in response.json()["error_description"]
    assert subscriptions(strict, workspace) == []


def test_a_created_project_arrives_as_a_tyme_array_without_backlog(
    tyme: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    admin: dict[str, str],
) -> None:
    project(tyme, workspace, name="Before")
    with receiving() as receiver:
        subscription_id = hook(tyme, db, settings, workspace, admin, receiver, "project")
        client = customer(tyme, workspace, name="Initech")
        created = project(tyme, workspace, name="Website", customer_id=client["id"])
        deliver_until(db, settings, lambda: len(receiver.snapshot()) == 1)
        assert deliver_due(db, settings) == 0
        (request,) = receiver.snapshot()

    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"].startswith(f"evt_{workspace.id}_")
    assert request.headers["webhook-signature"].startswith("v1,")
    (shown,) = objects_received(receiver)
    assert shown["type"] == "Project"
    assert shown["id"] == f"tl-project-{created['id']}"
    assert shown["name"] == "Website"
    assert shown["team_id"] == str(workspace.id)
    assert shown["category_id"] == f"tl-customer-{client['id']}"
    state = tyme.get(f"{SUBSCRIPTIONS}/{subscription_id}", headers=workspace.headers).json()
    assert state["failed_attempts"] == 0


def test_tasks_and_subtasks_go_to_their_own_triggers(
    tyme: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    admin: dict[str, str],
) -> None:
    with receiving() as tasks, receiving() as subtasks:
        hook(tyme, db, settings, workspace, admin, tasks, "task")
        hook(tyme, db, settings, workspace, admin, subtasks, "subtask")
        website = project(tyme, workspace, name="Website")
        design = task(tyme, workspace, website["id"], name="Design")
        sketches = task(
            tyme, workspace, website["id"], name="Sketches", parent_task_id=design["id"]
        )
        deliver_until(
            db, settings, lambda: len(tasks.snapshot()) == 1 and len(subtasks.snapshot()) == 1
        )
        assert deliver_due(db, settings) == 0

    (shown_task,) = objects_received(tasks)
    (shown_subtask,) = objects_received(subtasks)
    assert (shown_task["type"], shown_task["id"], shown_task["name"]) == (
        "TimedTask",
        f"tl-task-{design['id']}",
        "Design",
    )
    assert (shown_subtask["type"], shown_subtask["id"], shown_subtask["name"]) == (
        "TimedSubTask",
        f"tl-task-{sketches['id']}",
        "Sketches",
    )


def test_time_records_and_stopped_timers(
    tyme: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    admin: dict[str, str],
) -> None:
    activities = {
        item["key"]: item["id"]
        for item in tyme.get(
            "/api/settings/activities?limit=200", headers=workspace.headers
        ).json()["items"]
    }
    person = person_in(tyme, db, workspace)
    with receiving() as times, receiving() as stops:
        hook(tyme, db, settings, workspace, admin, times, "time")
        hook(tyme, db, settings, workspace, admin, stops, "stopped_time")
        booked = create(
            tyme, person, {"date": DAY, "minutes": 90, "activity_id": activities["work"]}
        )
        create(tyme, person, {"date": DAY, "minutes": 480, "activity_id": activities["vacation"]})
        started = tyme.post(
            person.timer, json={"activity_id": activities["work"]}, headers=person.headers
        )
        assert started.status_code == 201, started.text
        timed = started.json()["tracking_entry"]
        deliver_until(db, settings, lambda: len(times.snapshot()) == 2)
        assert stops.snapshot() == []
        stopped = tyme.delete(person.timer, headers=person.headers)
        assert stopped.status_code == 200, stopped.text
        deliver_until(db, settings, lambda: len(stops.snapshot()) == 1)
        assert deliver_due(db, settings) == 0

    assert [(shown["type"], shown["id"]) for shown in objects_received(times)] == [
        ("TimedTaskRecord", f"tl-entry-{booked['id']}"),
        ("TimedTaskRecord", f"tl-entry-{timed['id']}"),
    ]
    (shown_stop,) = objects_received(stops)
    assert (shown_stop["type"], shown_stop["id"]) == ("TimedTaskRecord", f"tl-entry-{timed['id']}")
    assert shown_stop["user_id"] == str(person.principal.user_id)


def gone(_receiver: Receiver, _message_id: str) -> Reply:
    return 410, {}


def test_410_ends_the_subscription_until_subscribed_again(
    tyme: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    admin: dict[str, str],
) -> None:
    with receiving(gone) as receiver:
        subscription_id = hook(tyme, db, settings, workspace, admin, receiver, "project")
        project(tyme, workspace, name="Refused")
        assert deliver_due(db, settings) == 1
        project(tyme, workspace, name="Never sent")
        assert deliver_due(db, settings) == 0
        state = tyme.get(f"{SUBSCRIPTIONS}/{subscription_id}", headers=workspace.headers).json()
        assert state["state"] == "disabled"
        assert state["disabled_reason"] == "the receiver answered 410 Gone"

        receiver.policy = always_ok
        assert hook(tyme, db, settings, workspace, admin, receiver, "project") == subscription_id
        later = project(tyme, workspace, name="Later")
        deliver_until(db, settings, lambda: len(receiver.snapshot()) == 2)
        assert deliver_due(db, settings) == 0

    assert [shown["name"] for shown in objects_received(receiver)] == ["Refused", "Later"]
    assert objects_received(receiver)[1]["id"] == f"tl-project-{later['id']}"


def test_an_unsubscribed_hook_receives_nothing(
    tyme: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    admin: dict[str, str],
) -> None:
    with receiving() as receiver:
        hook(tyme, db, settings, workspace, admin, receiver, "category")
        post(tyme, UNSUBSCRIBE, admin, receiver.url(), "category")
        customer(tyme, workspace, name="Initech")
        assert deliver_due(db, settings) == 0
        assert receiver.snapshot() == []


def test_an_object_deleted_before_delivery_is_not_sent(
    tyme: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    admin: dict[str, str],
) -> None:
    with receiving() as receiver:
        subscription_id = hook(tyme, db, settings, workspace, admin, receiver, "project")
        doomed = project(tyme, workspace, name="Doomed")
        deleted = tyme.delete(f"/api/projects/{doomed['id']}", headers=workspace.headers)
        assert deleted.status_code == 204, deleted.text
        kept = project(tyme, workspace, name="Kept")
        deliver_until(db, settings, lambda: len(receiver.snapshot()) == 1)
        assert deliver_due(db, settings) == 0

    assert [shown["id"] for shown in objects_received(receiver)] == [f"tl-project-{kept['id']}"]
    state = tyme.get(f"{SUBSCRIPTIONS}/{subscription_id}", headers=workspace.headers).json()
    assert state["failed_attempts"] == 0
