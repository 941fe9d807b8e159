"""A key of workspace A finds nothing of workspace B: every object is 404, every list
leaves B's rows out, and B's credentials and rows stay untouched."""

from contextlib import closing
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from tests.access.support import (
    Operation,
    bearer,
    login,
    new_person,
    new_service_user,
    openapi_document,
    operations,
)
from tests.compat.tyme.support import (
    MEMBERS,
    SECURE_BASE_URL,
    authorized_code,
    exchange,
    register_client,
    tokens_of,
)
from tests.conftest import WorkspaceFixture
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import Statement, TimeoffRequest, WebhookDelivery


def _b_objects(
    client: TestClient, db: Database, other_workspace: WorkspaceFixture
) -> dict[str, Any]:
    headers = other_workspace.headers
    person = new_person(db, other_workspace.id, "employee", email="shared@example.com")
    robot = new_service_user(db, other_workspace.id, "developer", name="b-robot")
    role = client.post(
        "/api/roles",
        json={"name": "b-auditor", "permissions": ["audit-log:read:*"]},
        headers=headers,
    )
    assert role.status_code == 201, role.text
    unit = client.post("/api/org-units", json={"name": "B unit"}, headers=headers)
    assert unit.status_code == 201, unit.text
    employees = client.get("/api/employees?limit=200", headers=headers).json()["items"]
    employee_id = next(row["id"] for row in employees if row["user_id"] == person.user_id)
    employment = client.post(
        f"/api/employees/{employee_id}/employments",
        json={"starts_on": "2024-01-01"},
        headers=headers,
    )
    assert employment.status_code == 201, employment.text
    interval = client.post(
        f"/api/employees/{employee_id}/timesheet/presence",
        json={"started_at": "2026-01-05T08:00:00Z", "ended_at": "2026-01-05T12:00:00Z"},
        headers=headers,
    )
    assert interval.status_code == 201, interval.text
    activities = client.get("/api/settings/activities?limit=1", headers=headers).json()["items"]
    entry = client.post(
        f"/api/employees/{employee_id}/timesheet/entries",
        json={"date": "2026-01-05", "minutes": 60, "activity_id": activities[0]["id"]},
        headers=headers,
    )
    assert entry.status_code == 201, entry.text
    session = login(client, other_workspace.owner_email, other_workspace.owner_password)
    # Suspended, so that reactivating it would succeed if A could reach it.
    suspended = client.post(f"/api/users/{person.user_id}/suspend", headers=headers)
    assert suspended.status_code == 200, suspended.text
    settings = _b_settings(client, headers)
    projects = _b_projects(client, headers)
    bookmark = client.post(
        "/api/me/bookmarks", json={"name": "B bookmark", "query": "at=today"}, headers=headers
    )
    assert bookmark.status_code == 201, bookmark.text
    account_id = settings["settings/timebank-accounts"]
    account = client.get(f"/api/settings/timebank-accounts/{account_id}", headers=headers)
    movement = client.post(
        f"/api/employees/{employee_id}/timebank/movements",
        json={
            "account_id": account_id,
            "day": account.json()["effective_from"],
            "amount": 60,
            "cause": "adjustment",
        },
        headers=headers,
    )
    assert movement.status_code == 201, movement.text
    kiosk = client.post(
        "/api/kiosks",
        json={"name": "B kiosk", "org_unit_ids": [unit.json()["id"]]},
        headers=headers,
    )
    assert kiosk.status_code == 201, kiosk.text
    return {
        **settings,
        **projects,
        **_b_jobs_and_inbound_endpoint(client, headers, robot.user_id),
        **_b_webhook_subscription(client, db, other_workspace),
        **_b_delegation(client, db, other_workspace),
        **_b_oauth_client(client, other_workspace),
        "statement_id": _b_statement(db, other_workspace.id, employee_id),
        "timeoff_id": _b_timeoff(
            db, other_workspace.id, employee_id, settings["settings/timeoff-policies"]
        ),
        "person": person,
        "robot": robot,
        "role_id": role.json()["id"],
        "session_id": session["session_id"],
        "session": session["token"],
        "unit_id": unit.json()["id"],
        "employee_id": employee_id,
        "employment_id": employment.json()["id"],
        "interval_id": interval.json()["id"],
        "entry_id": entry.json()["id"],
        "owner_key_id": client.get("/api/me/api-keys", headers=headers).json()["items"][0]["id"],
        "bookmark_id": bookmark.json()["id"],
        "movement_id": movement.json()["id"],
        "kiosk_id": kiosk.json()["id"],
    }


def _b_jobs_and_inbound_endpoint(
    client: TestClient, headers: dict[str, str], service_user_id: int
) -> dict[str, Any]:
    job = client.post(
        "/api/admin/batch-jobs", json={"kind": "timesheet.stop-timers"}, headers=headers
    )
    assert job.status_code == 201, job.text
    schedule = client.post(
        "/api/admin/schedules",
        json={"name": "B nightly", "kind": "timesheet.stop-timers", "cron": "0 23 * * *"},
        headers=headers,
    )
    assert schedule.status_code == 201, schedule.text
    endpoint = client.post(
        "/api/webhooks/inbound-endpoints",
        json={"name": "B clock", "service_user_id": service_user_id},
        headers=headers,
    )
    assert endpoint.status_code == 201, endpoint.text
    export = client.post(
        "/api/timesheet/statements/exports",
        json={"period_start": "2026-03-02", "format": "csv"},
        headers=headers,
    )
    assert export.status_code == 202, export.text
    run = client.post("/api/reports/hours/runs", json={"format": "csv"}, headers=headers)
    assert run.status_code == 202, run.text
    return {
        "job_id": job.json()["id"],
        "schedule_id": schedule.json()["id"],
        "endpoint_id": endpoint.json()["id"],
        "export_id": export.json()["id"],
        "run_id": run.json()["id"],
    }


B_UNTIL = "2099-12-31"


def _b_oauth_client(client: TestClient, other_workspace: WorkspaceFixture) -> dict[str, Any]:
    """An OAuth client of B (the Tyme face's) that B's owner authorized."""
    with closing(TestClient(client.app, base_url=SECURE_BASE_URL)) as secure:
        registered = register_client(secure, other_workspace)
        code = authorized_code(
            secure, registered, other_workspace.owner_email, other_workspace.owner_password
        )
        tokens = tokens_of(exchange(secure, registered, code))
    return {
        "client_pk": registered.id,
        "client_id": registered.client_id,
        "oauth_access_token": tokens["access_token"],
    }


def _b_delegation(
    client: TestClient, db: Database, other_workspace: WorkspaceFixture
) -> dict[str, Any]:
    """The owner of B delegates their approvals to a developer of B (who reads every
    employee, as a delegate of someone approving everyone must)."""
    deputy = new_person(db, other_workspace.id, "developer", name="B deputy")
    delegation = client.post(
        "/api/approvals/delegations",
        json={"delegate_user_id": deputy.user_id, "starts_on": "2026-01-01", "ends_on": B_UNTIL},
        headers=other_workspace.headers,
    )
    assert delegation.status_code == 201, delegation.text
    return {"delegation_id": delegation.json()["id"], "deputy": deputy}


def _b_statement(db: Database, workspace_id: int, employee_id: int) -> int:
    """A statement of B's employee, stored as the generation job stores one."""
    now = utcnow()
    with db.transaction(workspace_id=workspace_id) as session:
        statement = Statement(
            workspace_id=workspace_id,
            employee_id=employee_id,
            period="week",
            period_start=date(2026, 1, 5),
            period_end=date(2026, 1, 11),
            input_digest="0" * 64,
            evaluation={"days": [], "lines": [], "issues": [], "totals": {}},
            norm_minutes=0,
            worked_minutes=0,
            overtime_minutes=0,
            flex_delta_minutes=None,
            error_issues=0,
            generated_at=now,
            created_at=now,
            updated_at=now,
        )
        session.add(statement)
        session.flush()
        return statement.id


def _b_timeoff(db: Database, workspace_id: int, employee_id: int, policy_id: int) -> int:
    """A time-off request of B's employee, as a request of leave without an account is
    stored."""
    now = utcnow()
    with db.transaction(workspace_id=workspace_id) as session:
        request = TimeoffRequest(
            workspace_id=workspace_id,
            employee_id=employee_id,
            timeoff_policy_id=policy_id,
            unit="days",
            start_day=date(2026, 1, 6),
            end_day=date(2026, 1, 6),
            portion="full",
            status="requested",
            amount=100,
            days=[],
            requested_by_user_id=None,
            created_at=now,
            updated_at=now,
        )
        session.add(request)
        session.flush()
        return request.id


def _b_webhook_subscription(
    client: TestClient, db: Database, other_workspace: WorkspaceFixture
) -> dict[str, Any]:
    """A subscription of B (to a public address literal: nothing resolves or sends here)
    and one attempt in its deliveries."""
    subscription = client.post(
        "/api/webhooks/subscriptions",
        json={"url": "https://93.184.215.14/hooks"},
        headers=other_workspace.headers,
    )
    assert subscription.status_code == 201, subscription.text
    subscription_id = subscription.json()["id"]
    with db.transaction(workspace_id=other_workspace.id) as session:
        delivery = WebhookDelivery(
            workspace_id=other_workspace.id,
            subscription_id=subscription_id,
            message_id="evt_test",
            revision=None,
            event_type="webhook.test",
            trigger="test",
            attempt=1,
            succeeded=True,
            response_status=204,
            duration_ms=3,
            attempted_at=utcnow(),
        )
        session.add(delivery)
        session.flush()
        delivery_id = delivery.id
    return {"subscription_id": subscription_id, "delivery_id": delivery_id}


NOT_OF_A_WORKSPACE = "/api/descriptor/"
"""Paths whose parameters name no object of a workspace (the plugin catalogue is one for
every workspace)."""

SETTINGS_KINDS = {
    "activities": {"name": "B activity", "type": "work"},
    "reasons": {"name": "B reason"},
    "dimensions": {"name": "B dimension", "allowed_values": ["x"]},
    "timebank-accounts": {"name": "B account", "unit": "hours"},
    "holiday-calendars": {"name": "B calendar", "country": "US"},
    "worktime-policies": {"name": "B work-time policy"},
    "settlement-policies": {"name": "B settlement policy", "period": "month"},
    "employment-terms": {"name": "B terms", "norm_minutes": [480] * 5 + [0, 0]},
}


def _b_settings(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """One configuration entity of each kind, keyed by its path under /api/settings."""
    made: dict[str, Any] = {}
    for kind, body in SETTINGS_KINDS.items():
        response = client.post(f"/api/settings/{kind}", json=body, headers=headers)
        assert response.status_code == 201, response.text
        made[f"settings/{kind}"] = response.json()["id"]
    target = client.post(
        "/api/settings/activities",
        json={"name": "B allowance", "type": "allowance"},
        headers=headers,
    )
    assert target.status_code == 201, target.text
    policy = client.post(
        "/api/settings/allowance-policies",
        json={
            "name": "B allowance policy",
            "target_activity_id": target.json()["id"],
            "rules": [{"calculator": {"plugin_id": "rate", "config": {"percent": 50}}}],
        },
        headers=headers,
    )
    assert policy.status_code == 201, policy.text
    made["settings/allowance-policies"] = policy.json()["id"]
    leave = client.post(
        "/api/settings/activities", json={"name": "B leave", "type": "timeoff"}, headers=headers
    )
    assert leave.status_code == 201, leave.text
    timeoff_policy = client.post(
        "/api/settings/timeoff-policies",
        json={
            "name": "B leave policy",
            "activity_id": leave.json()["id"],
            "usage": {"plugin_id": "workdays"},
        },
        headers=headers,
    )
    assert timeoff_policy.status_code == 201, timeoff_policy.text
    made["settings/timeoff-policies"] = timeoff_policy.json()["id"]
    calendar = made["settings/holiday-calendars"]
    day = client.post(
        f"/api/settings/holiday-calendars/{calendar}/custom-days",
        json={"day": "2026-06-05", "name": "B day"},
        headers=headers,
    )
    assert day.status_code == 201, day.text
    return made


def _b_projects(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    customer = client.post("/api/customers", json={"name": "B customer"}, headers=headers)
    assert customer.status_code == 201, customer.text
    project = client.post(
        "/api/projects",
        json={"name": "B project", "customer_id": customer.json()["id"]},
        headers=headers,
    )
    assert project.status_code == 201, project.text
    project_id = project.json()["id"]
    task = client.post(
        f"/api/projects/{project_id}/tasks", json={"name": "B task"}, headers=headers
    )
    assert task.status_code == 201, task.text
    return {
        "customer_id": customer.json()["id"],
        "project_id": project_id,
        "task_id": task.json()["id"],
    }


def _b_ids(operation: Operation, b: dict[str, Any]) -> dict[str, Any]:
    under_service_users = operation.path.startswith("/api/service-users")
    values = {}
    for name in operation.path_parameters():
        if name == "user_id":
            values[name] = b["robot"].user_id if under_service_users else b["person"].user_id
        elif name == "key_id":
            values[name] = b["robot"].key_id if under_service_users else b["owner_key_id"]
        elif name == "role_id":
            values[name] = b["role_id"]
        elif name == "session_id":
            values[name] = b["session_id"]
        elif name in (
            "unit_id",
            "employee_id",
            "employment_id",
            "interval_id",
            "entry_id",
            "bookmark_id",
            "movement_id",
            "job_id",
            "schedule_id",
            "endpoint_id",
            "export_id",
            "statement_id",
            "timeoff_id",
            "subscription_id",
            "delivery_id",
            "delegation_id",
            "client_pk",
            "client_id",
            "kiosk_id",
            "run_id",
        ):
            values[name] = b[name]
        elif name in ("entity_id", "calendar_id") and operation.path.startswith("/api/settings/"):
            values[name] = b["settings/" + operation.path.split("/")[3]]
        elif name == "entity_id" and operation.path.startswith("/api/customers/"):
            values[name] = b["customer_id"]
        elif name in ("project_id", "task_id"):
            values[name] = b[name]
        elif name in ("entity", "entity_id") and operation.path.startswith("/api/admin/deleted/"):
            values[name] = "activity" if name == "entity" else b["settings/activities"]
        elif name == "day":
            values[name] = "2026-06-05"
        else:
            raise AssertionError(f"{operation.label}: say which object of B {name} names")
    return values


def test_every_object_of_another_workspace_is_not_found(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    b = _b_objects(client, db, other_workspace)
    a_session = login(client, workspace.owner_email, workspace.owner_password)["token"]
    leaks = []
    checked = 0
    for operation in operations(openapi_document(client)):
        if operation.public or not operation.path_parameters():
            continue
        if operation.path.startswith(NOT_OF_A_WORKSPACE):
            continue
        for token in (workspace.api_key, a_session):
            response = operation.call(client, bearer(token), _b_ids(operation, b), None)
            checked += 1
            if response.status_code != 404:
                leaks.append(f"{operation.label} -> {response.status_code} {response.text}")
    assert checked >= 2 * 15
    assert leaks == []
    # B is untouched: its robot, session and owner key still work, its person is still
    # suspended, its role still there.
    for token in (b["robot"].key, b["session"], other_workspace.api_key):
        assert client.get("/api/auth/sessions", headers=bearer(token)).status_code == 200
    person = client.get(f"/api/users/{b['person'].user_id}", headers=other_workspace.headers)
    assert person.json()["status"] == "suspended"
    role = client.get(f"/api/roles/{b['role_id']}", headers=other_workspace.headers)
    assert role.json()["permissions"] == ["audit-log:read:*"]
    oauth_client = client.get(
        f"/api/admin/oauth-clients/{b['client_pk']}", headers=other_workspace.headers
    )
    assert oauth_client.status_code == 200, oauth_client.text
    with closing(TestClient(client.app, base_url=SECURE_BASE_URL)) as secure:
        members = secure.get(MEMBERS, headers=bearer(b["oauth_access_token"]))
    assert members.status_code == 200, members.text
    delegation = client.get(
        f"/api/approvals/delegations/{b['delegation_id']}", headers=other_workspace.headers
    )
    assert delegation.status_code == 200, delegation.text
    assert (delegation.json()["ends_on"], delegation.json()["delegate_user_id"]) == (
        B_UNTIL,
        b["deputy"].user_id,
    )


def test_lists_never_show_rows_of_another_workspace(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    b = _b_objects(client, db, other_workspace)
    # Activity in B that lands in its audit log: a denial and a sign-in.
    denied = client.get("/api/admin/audit-log", headers=b["robot"].headers)
    assert denied.status_code == 403
    headers = workspace.headers

    def items(url: str) -> list[dict[str, Any]]:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()["items"]
        return result

    users = items("/api/users?limit=200")
    assert [user["email"] for user in users] == [workspace.owner_email]
    assert items("/api/users?q=shared") == []
    assert items("/api/users?role=employee") == []
    assert items("/api/service-users") == []
    assert "b-auditor" not in {role["name"] for role in items("/api/roles?limit=200")}
    assert len(items("/api/roles?limit=200")) == 5
    assert {key["prefix"] for key in items("/api/me/api-keys")} == {workspace.api_key[:16]}
    assert items("/api/auth/sessions") == []
    assert items("/api/admin/oauth-clients") == []
    assert items("/api/me/oauth-grants") == []
    a_events = items("/api/admin/audit-log?limit=200")
    b_events = client.get("/api/admin/audit-log?limit=200", headers=other_workspace.headers)
    b_event_ids = {event["id"] for event in b_events.json()["items"]}
    assert len(b_event_ids) >= 2
    assert {event["id"] for event in a_events}.isdisjoint(b_event_ids)
    b_user_ids = {b["person"].user_id, b["robot"].user_id, other_workspace.owner_id}
    assert all(event["actor_user_id"] not in b_user_ids for event in a_events)
    assert client.get("/api/admin/workspace", headers=headers).json()["name"] == workspace.name
    _approvals_stay_in_their_workspace(client, workspace, other_workspace, b)


def _approvals_stay_in_their_workspace(
    client: TestClient,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
    b: dict[str, Any],
) -> None:
    """A's owner approves everyone, yet B's awaiting request stays out of A's inbox, A's
    decisions naming B's items find nothing (404 each), and B's decision, delegation and
    approval events stay out of A's history, lists and feed."""
    a, b_headers = workspace.headers, other_workspace.headers

    def get(url: str, headers: dict[str, str]) -> Any:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    timeoff = ("timeoff", str(b["timeoff_id"]))
    b_inbox = get("/api/approvals/inbox", b_headers)["items"]
    assert [(item["kind"], item["id"]) for item in b_inbox] == [timeoff]
    assert get("/api/approvals/inbox", a)["items"] == []
    assert get(f"/api/approvals/inbox?employee_ids={b['employee_id']}", a)["items"] == []
    assert get("/api/approvals/inbox/count", a) == {
        "count": 0,
        "by_kind": {"timeoff": 0, "statement": 0, "project_entries": 0},
    }
    assert get("/api/approvals/inbox/count", b_headers)["count"] == 1

    week = f"{b['employee_id']}-{b['project_id']}-2026-01-05"
    items = [("timeoff", b["timeoff_id"]), ("statement", b["statement_id"])]
    items += [("project_entries", week)]
    for decision in ("approve", "reject"):
        body = [{"kind": kind, "id": str(id_), "decision": decision} for kind, id_ in items]
        answer = client.post("/api/approvals/decisions", json={"decisions": body}, headers=a)
        assert answer.status_code == 200, answer.text
        assert [r["status"] for r in answer.json()["results"]] == [404, 404, 404], answer.text
        assert answer.json()["taken"] == 0
    assert [item["id"] for item in get("/api/approvals/inbox", b_headers)["items"]] == [timeoff[1]]

    rejected = client.post(
        "/api/approvals/decisions",
        json={"decisions": [{"kind": "timeoff", "id": timeoff[1], "decision": "reject"}]},
        headers=b_headers,
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["taken"] == 1, rejected.text
    b_history = get("/api/approvals/decisions?scope=all", b_headers)["items"]
    assert [(row["kind"], row["item_id"]) for row in b_history] == [timeoff]
    assert get("/api/approvals/decisions?scope=all", a)["items"] == []
    assert (
        get(f"/api/approvals/decisions?scope=all&employee_ids={b['employee_id']}", a)["items"] == []
    )
    assert get("/api/approvals/decisions", a)["items"] == []
    b_delegations = get("/api/approvals/delegations?scope=all", b_headers)["items"]
    assert [row["id"] for row in b_delegations] == [b["delegation_id"]]
    assert get("/api/approvals/delegations?scope=all", a)["items"] == []
    b_events = get("/api/events?types=approval.*", b_headers)["items"]
    assert [event["type"] for event in b_events] == ["approval.decided"]
    assert get("/api/events?types=approval.*", a)["items"] == []
