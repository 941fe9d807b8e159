"""A real `timeledger worker` process killed (SIGKILL) in the middle of deliveries loses
no event: the next worker resumes from the subscription's cursor once the dead one's
lease has expired."""

import signal
from contextlib import AbstractContextManager
from pathlib import Path
from subprocess import Popen

import pytest
from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.jobs.support import worker_process
from tests.webhooks.support import make_changes, receiving, subscribe
from timeledger.config import Settings
from timeledger.kit.db import Database

pytestmark = pytest.mark.slow


def webhook_worker(settings: Settings, log: Path) -> AbstractContextManager[Popen[bytes]]:
    return worker_process(
        settings,
        log,
        TIMELEDGER_WEBHOOK_ALLOW_PRIVATE_DESTINATIONS="true",
        TIMELEDGER_WEBHOOK_RETRY_DELAYS_SECONDS="[0.2, 0.2, 0.2, 0.2, 0.2]",
        TIMELEDGER_WEBHOOK_TIMEOUT_SECONDS="0.5",
    )


@pytest.mark.e2e
def test_killed_worker_loses_no_event(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    tmp_path: Path,
) -> None:
    log = tmp_path / "worker.log"
    with receiving(delay_seconds=0.05) as receiver:
        subscribe(client, workspace, receiver)
        revisions = make_changes(db, workspace.id, 30)

        with webhook_worker(settings, log) as first:
            receiver.wait_for(lambda: len(receiver.snapshot()) >= 8, timeout=60)
            first.send_signal(signal.SIGKILL)
            first.wait()
        received_before_kill = len(receiver.snapshot())
        assert received_before_kill < len(revisions), "the batch finished before the kill"
        revisions += make_changes(db, workspace.id, 5)

        with webhook_worker(settings, log):
            receiver.wait_for(
                lambda: set(receiver.acknowledged_revisions()) == set(revisions), timeout=60
            )
        received = receiver.snapshot()

    assert all(item.verified for item in received), log.read_text()
    arrival = receiver.arrival_order()
    assert len(arrival) == len(received)
    assert arrival == sorted(arrival), "an event overtook an earlier one"
    assert sorted(set(arrival)) == revisions
    bodies: dict[str, tuple[int | None, object]] = {}
    for item in received:
        seen = bodies.setdefault(item.message_id, (item.revision, item.payload))
        assert seen == (item.revision, item.payload), "a resent event changed"
    assert len(bodies) == len(revisions)
