"""Device tokens and PINs never reach the database, the logs or an answer other than the
one showing a new token."""

import json
import logging

import pytest
import structlog
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.access.support import database_text, leaks
from tests.conftest import WorkspaceFixture
from tests.kiosks.support import BADGE, PIN, WRONG_PIN, identify, open_shop, punch
from timeledger.kit.db import Database
from timeledger.kit.idempotency import IdempotencyRecord, request_hash


def test_no_token_or_pin_reaches_the_database_the_logs_or_an_answer(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with structlog.testing.capture_logs() as structured:
        shop = open_shop(client, workspace)
        answers = [
            identify(client, shop.token),
            identify(client, shop.token, pin=WRONG_PIN),
            punch(client, shop.token, "clock_in"),
            punch(client, shop.token, "clock_out", pin=WRONG_PIN),
            *(identify(client, shop.token, pin=WRONG_PIN) for _ in range(4)),
            client.get(f"/api/kiosks/{shop.kiosk_id}", headers=workspace.headers),
            client.get("/api/kiosks", headers=workspace.headers),
            client.get(f"/api/employees/{shop.employee_id}/kiosk-badge", headers=workspace.headers),
            client.get("/api/admin/audit-log", headers=workspace.headers),
            client.get(
                f"/api/employees/{shop.employee_id}/timesheet/presence", headers=workspace.headers
            ),
        ]
        rotated = client.post(f"/api/kiosks/{shop.kiosk_id}/token", headers=workspace.headers)
    secrets = [shop.token, rotated.json()["token"]]
    captured = capsys.readouterr()
    logs = "\n".join([captured.out, captured.err, caplog.text, *map(repr, structured)])
    stored = database_text(db)
    answered = "\n".join(answer.text for answer in answers)

    # The scan sees what is meant to be kept.
    assert shop.token[:16] in stored
    assert BADGE in stored
    assert "/api/kiosk/punch" in logs
    assert [answer.status_code for answer in answers][:4] == [200, 404, 200, 404]
    for haystack in (stored, logs, answered):
        assert leaks(haystack, secrets) == []
        assert PIN not in haystack
        assert WRONG_PIN not in haystack


def test_a_replayable_punch_keeps_no_digest_a_pin_could_be_guessed_from(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    shop = open_shop(client, workspace)
    sent = json.dumps({"badge": BADGE, "pin": PIN, "action": "clock_in"}).encode()
    headers = {**shop.device, "Idempotency-Key": "punch-1", "content-type": "application/json"}
    first = client.post("/api/kiosk/punch", content=sent, headers=headers)
    assert first.status_code == 200, first.text
    again = client.post("/api/kiosk/punch", content=sent, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()

    without_the_token = request_hash("", "POST", "/api/kiosk/punch", b"", sent)
    with db.session(write=False) as session:
        (record,) = session.scalars(select(IdempotencyRecord))
    assert record.request_hash == request_hash(
        f"Bearer {shop.token}", "POST", "/api/kiosk/punch", b"", sent
    )
    assert record.request_hash != without_the_token
