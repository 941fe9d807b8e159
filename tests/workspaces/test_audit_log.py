"""The audit log: sign-ins, denials, keys and sessions, with actor, time, address and
outcome; filters and pages; admins only; never a secret."""

from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.access.support import PASSWORD, assert_problem, bearer, login, new_person
from tests.conftest import WorkspaceFixture
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database


def _events(
    client: TestClient, workspace: WorkspaceFixture, query: str = ""
) -> list[dict[str, Any]]:
    response = client.get(f"/api/admin/audit-log?limit=200&{query}", headers=workspace.headers)
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["items"]
    return events


def _run_security_events(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> dict[str, Any]:
    failed = client.post(
        "/api/auth/login", json={"email": workspace.owner_email, "password": "wrong-" + PASSWORD}
    )
    assert failed.status_code == 401
    session = login(client, workspace.owner_email, workspace.owner_password)
    employee = new_person(db, workspace.id, "employee")
    assert client.get("/api/admin/audit-log", headers=employee.headers).status_code == 403
    key = client.post("/api/me/api-keys", json={}, headers=bearer(session["token"])).json()
    revoked = client.delete(f"/api/me/api-keys/{key['id']}", headers=bearer(session["token"]))
    assert revoked.status_code == 204
    assert client.post("/api/auth/logout", headers=bearer(session["token"])).status_code == 204
    return {"session": session, "employee": employee, "key": key}


def test_security_events_are_recorded_with_actor_time_address_and_outcome(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    started = utcnow()
    done = _run_security_events(client, db, workspace)
    session, employee, key = done["session"], done["employee"], done["key"]

    events = _events(client, workspace)

    found = {(event["action"], event["outcome"]): event for event in events}
    assert set(found) >= {
        ("sign_in", "failure"),
        ("sign_in", "success"),
        ("permission.denied", "denied"),
        ("api_key.created", "success"),
        ("api_key.revoked", "success"),
        ("session.revoked", "success"),
    }
    for event in events:
        assert event["client_address"] == "testclient"
        at = datetime.fromisoformat(event["at"])
        assert at.utcoffset() == timedelta(0)
        assert started - timedelta(seconds=1) <= at <= utcnow()
    assert found["sign_in", "failure"]["actor_user_id"] == workspace.owner_id
    sign_in = found["sign_in", "success"]
    assert (sign_in["actor_user_id"], sign_in["target_type"], sign_in["target_id"]) == (
        workspace.owner_id,
        "session",
        session["session_id"],
    )
    denied = found["permission.denied", "denied"]
    assert denied["actor_user_id"] == employee.user_id
    assert denied["credential"] == employee.key[:16]
    assert denied["detail"]["permission"] == "audit-log:read:*"
    assert denied["detail"]["path"] == "/api/admin/audit-log"
    created = found["api_key.created", "success"]
    assert (created["target_id"], created["detail"]["prefix"]) == (key["id"], key["prefix"])
    assert created["credential"] == session["token"][:16]
    assert found["api_key.revoked", "success"]["target_id"] == key["id"]
    ended = found["session.revoked", "success"]
    assert (ended["target_id"], ended["actor_user_id"]) == (
        session["session_id"],
        workspace.owner_id,
    )
    # Newest first by default.
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)


def test_the_audit_log_holds_no_secret(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    done = _run_security_events(client, db, workspace)
    response = client.get("/api/admin/audit-log?limit=200", headers=workspace.headers)

    text = response.text
    for secret in (
        done["session"]["token"],
        done["key"]["key"],
        done["employee"].key,
        workspace.api_key,
        workspace.owner_password,
        "wrong-" + PASSWORD,
    ):
        assert secret not in text
        assert secret[16:] not in text


def test_the_audit_log_filters_by_action_outcome_actor_and_time(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    before = utcnow()
    done = _run_security_events(client, db, workspace)
    after = utcnow() + timedelta(seconds=1)

    failures = _events(client, workspace, "action=sign_in&outcome=failure")
    assert [(e["action"], e["outcome"]) for e in failures] == [("sign_in", "failure")]
    denials = _events(client, workspace, "outcome=denied")
    assert {e["action"] for e in denials} == {"permission.denied"}
    by_employee = _events(client, workspace, f"actor_user_id={done['employee'].user_id}")
    assert {e["action"] for e in by_employee} == {"permission.denied"}
    everything = _events(client, workspace)
    # Offsets other than UTC are understood; `since` is inclusive, `until` exclusive.
    plus_two = timezone(timedelta(hours=2))
    since = quote((before - timedelta(seconds=1)).astimezone(plus_two).isoformat())
    until = quote(after.isoformat())
    assert _events(client, workspace, f"since={since}&until={until}") == everything
    future = quote((after + timedelta(hours=1)).isoformat())
    assert _events(client, workspace, f"since={future}") == []
    past = quote((before - timedelta(days=1)).isoformat())
    assert _events(client, workspace, f"until={past}") == []
    oldest_at = everything[-1]["at"]
    assert _events(client, workspace, f"until={quote(oldest_at)}") == []
    assert _events(client, workspace, f"since={quote(oldest_at)}")[-1] == everything[-1]


def test_the_audit_log_refuses_bad_filters(client: TestClient, workspace: WorkspaceFixture) -> None:
    headers = workspace.headers
    naive = client.get("/api/admin/audit-log?until=2030-01-01T00:00:00", headers=headers)
    assert "offset" in assert_problem(naive, 400)["detail"]
    assert_problem(client.get("/api/admin/audit-log?since=yesterday", headers=headers), 400)
    assert_problem(client.get("/api/admin/audit-log?outcome=maybe", headers=headers), 422)
    assert_problem(client.get("/api/admin/audit-log?limit=0", headers=headers), 422)
    assert_problem(client.get("/api/admin/audit-log?cursor=garbage", headers=headers), 400)


def test_the_audit_log_pages_through_every_event_once(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    _run_security_events(client, db, workspace)
    everything = _events(client, workspace)
    assert len(everything) >= 6
    seen: list[int] = []
    cursor = None
    while True:
        url = "/api/admin/audit-log?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=workspace.headers).json()
        assert len(body["items"]) <= 2
        seen += [event["id"] for event in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    # The page requests were themselves not audited, so the log did not move meanwhile.
    assert seen == [event["id"] for event in everything]
    ascending = _events(client, workspace, "sort=id&direction=asc")
    assert [e["id"] for e in ascending] == sorted(seen)


def test_only_roles_holding_audit_log_read_see_the_log(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    for role, status in (("employee", 403), ("manager", 403), ("developer", 403), ("admin", 200)):
        person = new_person(db, workspace.id, role)
        response = client.get("/api/admin/audit-log", headers=person.headers)
        assert response.status_code == status, role
    denials = _events(client, workspace, "action=permission.denied")
    assert len(denials) == 3


def test_the_audit_log_takes_a_named_range_in_the_workspace_zone(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    login(client, workspace.owner_email, workspace.owner_password)
    this_week = _events(client, workspace, "range=this_week&action=sign_in")
    assert [event["outcome"] for event in this_week] == ["success"]
    assert _events(client, workspace, "range=last_year&action=sign_in") == []
    since_tomorrow = quote((utcnow() + timedelta(days=1)).isoformat())
    assert _events(client, workspace, f"range=today&since={since_tomorrow}") == []
    unknown = client.get("/api/admin/audit-log?range=fortnight", headers=workspace.headers)
    assert_problem(unknown, 422)
