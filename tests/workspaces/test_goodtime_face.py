"""The workspace's GoodTime face setting: off by default, enabled only with an API
password, which is kept as a hash and never shown or logged."""

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database
from timeledger.models import AuditEvent, Change, Workspace

SETTING = "/api/admin/faces/goodtime"
API_PASSWORD = "saffron-lantern-quartz-77"


def test_the_face_is_off_until_enabled_with_a_password(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    read = client.get(SETTING, headers=headers)
    assert read.status_code == 200, read.text
    assert read.json() == {"enabled": False, "api_password_set": False, "lockable_entries": False}

    refused = client.put(SETTING, json={"enabled": True}, headers=headers)
    body = assert_problem(refused, 422)
    assert body["errors"][0]["location"] == "body.api_password"
    assert client.get(SETTING, headers=headers).json()["enabled"] is False

    enabled = client.put(
        SETTING,
        json={"enabled": True, "api_password": API_PASSWORD, "lockable_entries": True},
        headers=headers,
    )
    assert enabled.status_code == 200, enabled.text
    assert enabled.json() == {"enabled": True, "api_password_set": True, "lockable_entries": True}
    assert enabled.headers["etag"] != read.headers["etag"]
    assert client.get(SETTING, headers=headers).json() == enabled.json()

    # Keeping the password: enable/disable without sending it again.
    disabled = client.put(SETTING, json={"enabled": False}, headers=headers)
    assert disabled.json() == {
        "enabled": False,
        "api_password_set": True,
        "lockable_entries": False,
    }
    again = client.put(SETTING, json={"enabled": True}, headers=headers)
    assert again.json() == {"enabled": True, "api_password_set": True, "lockable_entries": False}

    with db.session(write=False) as session:
        row = session.get(Workspace, workspace.id)
        assert row is not None
        stored = row.settings["faces"]["goodtime"]
        assert stored["enabled"] is True
        assert stored["api_password_hash"].startswith("$argon2id$")
        assert API_PASSWORD not in str(row.settings)
        changes = session.scalars(
            select(Change)
            .where(Change.workspace_id == workspace.id, Change.entity == "workspace")
            .order_by(Change.revision)
        ).all()
        audits = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "workspace.goodtime_face.updated")
            .order_by(AuditEvent.id)
        ).all()
    face_changes = [c.data for c in changes if "faces" in c.data]
    assert face_changes[0] == {
        "faces": {"goodtime": {"enabled": True, "api_password_set": True, "lockable_entries": True}}
    }
    assert len(face_changes) == 3
    assert [a.detail["api_password_changed"] for a in audits] == [True, False, False]
    for text in [str(c.data) for c in changes] + [str(a.detail) for a in audits]:
        assert "argon2" not in text
        assert API_PASSWORD not in text


def test_the_hash_is_never_returned_by_the_workspace(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    client.put(
        SETTING, json={"enabled": True, "api_password": API_PASSWORD}, headers=workspace.headers
    )
    response = client.get("/api/admin/workspace", headers=workspace.headers)
    assert response.status_code == 200
    assert response.json()["settings"]["faces"]["goodtime"] == {
        "enabled": True,
        "api_password_set": True,
        "lockable_entries": False,
    }
    assert "argon2" not in response.text
    assert "hash" not in response.text
    changed = client.patch(
        "/api/admin/workspace", json={"currency": "DKK"}, headers=workspace.headers
    )
    assert changed.status_code == 200
    assert "argon2" not in changed.text
    assert client.get(SETTING, headers=workspace.headers).json()["enabled"] is True


def test_the_password_is_checked_and_the_body_validated(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    for bad in (
        {"enabled": True, "api_password": "short"},
        {"enabled": True, "api_password": "x" * 257},
        {"enabled": True, "api_password": "with-a-nul-\x00-inside"},
        {"enabled": True, "api_password": "password123"},
        {"enabled": "maybe"},
        {"lockable_entries": True},
        {"enabled": True, "api_password": API_PASSWORD, "api_password_hash": "x"},
    ):
        assert_problem(client.put(SETTING, json=bad, headers=headers), 422)
    assert client.get(SETTING, headers=headers).json()["api_password_set"] is False
    stale = client.put(
        SETTING,
        json={"enabled": False},
        headers={**headers, "If-Match": '"not-the-etag"'},
    )
    assert_problem(stale, 412)


def test_only_administrators_change_the_setting(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee = new_person(db, workspace.id, "employee")
    assert_problem(client.get(SETTING, headers=employee.headers), 403)
    refused = client.put(
        SETTING, json={"enabled": True, "api_password": API_PASSWORD}, headers=employee.headers
    )
    body = assert_problem(refused, 403)
    assert body["required_permission"] == "workspace:update:*"
    developer = new_person(db, workspace.id, "developer")
    assert client.get(SETTING, headers=developer.headers).status_code == 200
    assert_problem(client.put(SETTING, json={"enabled": False}, headers=developer.headers), 403)
    admin = new_person(db, workspace.id, "admin")
    done = client.put(
        SETTING, json={"enabled": True, "api_password": API_PASSWORD}, headers=admin.headers
    )
    assert done.status_code == 200, done.text
    assert client.get(SETTING).status_code == 401
