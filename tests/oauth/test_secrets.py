"""After the whole OAuth flow, no client secret, code or token appears in any column of
any table or in any log line (Authlib logs the tokens it issues at DEBUG)."""

import logging

import pytest
import structlog
from fastapi.testclient import TestClient

from tests.access.support import database_text, leaks
from tests.compat.tyme.support import (
    MEMBERS,
    authorized_code,
    bearer,
    exchange,
    refresh,
    register_client,
    tokens_of,
)
from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database


def test_no_oauth_secret_reaches_the_database_or_the_logs(
    tyme: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with structlog.testing.capture_logs() as structured:
        client = register_client(tyme, workspace)
        code = authorized_code(tyme, client, workspace.owner_email, workspace.owner_password)
        first = tokens_of(exchange(tyme, client, code))
        second = tokens_of(refresh(tyme, client, first["refresh_token"]))
        assert tyme.get(MEMBERS, headers=bearer(second["access_token"])).status_code == 200
    captured = capsys.readouterr()
    logs = "\n".join([captured.out, captured.err, caplog.text, *map(repr, structured)])
    stored = database_text(db)

    assert client.client_secret is not None
    secrets = [
        client.client_secret,
        code,
        workspace.owner_password,
        *first.values(),
        *second.values(),
    ]
    secrets = [secret for secret in secrets if isinstance(secret, str) and len(secret) >= 20]
    assert len(secrets) == 7
    assert code[:16] in stored
    assert "/compat/tyme/v1/access_token" in logs
    assert leaks(stored, secrets) == []
    assert leaks(logs, secrets) == []
