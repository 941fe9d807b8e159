"""After a run of every auth flow, no issued secret appears in any column of any table or
in any log line: only hashes and visible prefixes are kept."""

import logging

import pytest
import structlog
from fastapi.testclient import TestClient

from tests.access.support import PASSWORD, bearer, database_text, leaks, login
from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database


def _run_auth_flows(client: TestClient, workspace: WorkspaceFixture) -> tuple[list[str], str]:
    """Signs in, fails to sign in, issues keys and a reset, redeems it, changes a password;
    returns every secret that went over the wire, and the new person's email."""
    secrets = [workspace.api_key, workspace.owner_password]
    wrong = "not-the-password-" + PASSWORD
    assert (
        client.post(
            "/api/auth/login", json={"email": workspace.owner_email, "password": wrong}
        ).status_code
        == 401
    )
    secrets.append(wrong)
    owner_session = login(client, workspace.owner_email, workspace.owner_password)["token"]
    secrets.append(owner_session)

    personal = client.post("/api/me/api-keys", json={"name": "mite"}, headers=bearer(owner_session))
    assert personal.status_code == 201, personal.text
    secrets.append(personal.json()["key"])
    robot = client.post(
        "/api/service-users", json={"name": "payroll-export"}, headers=workspace.headers
    ).json()
    service_key = client.post(
        f"/api/service-users/{robot['id']}/api-keys", json={}, headers=workspace.headers
    )
    assert service_key.status_code == 201, service_key.text
    secrets.append(service_key.json()["key"])

    first_password = "first-" + PASSWORD
    person = client.post(
        "/api/users",
        json={"email": "ada@example.com", "name": "Ada", "password": first_password},
        headers=workspace.headers,
    )
    assert person.status_code == 201, person.text
    secrets.append(first_password)
    reset = client.post(
        f"/api/users/{person.json()['id']}/password-reset", headers=bearer(owner_session)
    )
    assert reset.status_code == 201, reset.text
    secrets.append(reset.json()["token"])
    reset_password = "reset-" + PASSWORD
    redeemed = client.post(
        "/api/auth/password-reset",
        json={"token": reset.json()["token"], "new_password": reset_password},
    )
    assert redeemed.status_code == 204, redeemed.text
    secrets.append(reset_password)
    secrets.append(login(client, "ada@example.com", reset_password)["token"])

    changed_password = "changed-" + PASSWORD
    changed = client.post(
        "/api/me/password",
        json={"current_password": workspace.owner_password, "new_password": changed_password},
        headers=bearer(owner_session),
    )
    assert changed.status_code == 204, changed.text
    secrets.append(changed_password)
    weak = client.post(
        "/api/me/password",
        json={"current_password": changed_password, "new_password": "qwertyuiop"},
        headers=bearer(owner_session),
    )
    assert weak.status_code == 422
    audit = client.get("/api/admin/audit-log", headers=bearer(owner_session))
    assert audit.status_code == 200
    return secrets, "ada@example.com"


def test_no_secret_reaches_the_database_or_the_logs(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with structlog.testing.capture_logs() as structured:
        secrets, email = _run_auth_flows(client, workspace)
    captured = capsys.readouterr()
    logs = "\n".join([captured.out, captured.err, caplog.text, *map(repr, structured)])
    stored = database_text(db)

    # The scan sees what is meant to be kept: emails, visible prefixes, logged requests.
    assert email in stored
    assert workspace.api_key[:16] in stored
    assert "/api/auth/login" in logs
    assert leaks(stored, secrets) == []
    assert leaks(logs, secrets) == []
    assert "qwertyuiop" not in stored + logs


def test_no_secret_is_kept_for_idempotent_replays(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    headers = {**workspace.headers, "Idempotency-Key": "k-1"}
    created = client.post("/api/me/api-keys", json={}, headers=headers)
    assert created.status_code == 201, created.text
    secret = created.json()["key"]
    assert leaks(database_text(db), [secret]) == []
    replayed = client.post("/api/me/api-keys", json={}, headers=headers)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json()["key"] == secret

    login = {"email": workspace.owner_email, "password": workspace.owner_password}
    signed_in = client.post("/api/auth/login", json=login, headers={"Idempotency-Key": "k-2"})
    assert signed_in.status_code == 200, signed_in.text
    assert leaks(database_text(db), [signed_in.json()["token"]]) == []
    again = client.post("/api/auth/login", json=login, headers={"Idempotency-Key": "k-2"})
    assert "Idempotent-Replayed" not in again.headers
    assert again.json()["token"] != signed_in.json()["token"]
