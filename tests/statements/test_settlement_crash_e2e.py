"""A real `timeledger worker` process killed (SIGKILL) while it settles approved statements:
the next worker, once the dead one's lease has run out, finishes every statement, and no
movement is posted twice."""

import signal
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.jobs.support import worker_process
from tests.organization.support import create_employee
from tests.presence.support import record
from tests.statements.support import STATEMENTS, Office, run_jobs, start_generation, step
from timeledger.config import Settings
from timeledger.jobs.registry import CLAIM_LEASE
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import Statement, TimebankMovement

pytestmark = pytest.mark.slow

EMPLOYEES = 60


def settled_count(db: Database) -> int:
    with db.session(write=False) as session:
        return int(
            session.scalar(
                select(func.count()).select_from(Statement).where(Statement.status == "settled")
            )
            or 0
        )


def wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


@pytest.mark.e2e
def test_a_killed_worker_settles_nothing_twice(
    client: TestClient, db: Database, settings: Settings, weekly: Office, tmp_path: Path
) -> None:
    headers = weekly.headers
    terms = weekly.oslo.terms_id
    for number in range(EMPLOYEES):
        employee = create_employee(
            client,
            headers,
            f"K{number}",
            employment_terms_id=terms,
            timezone="Europe/Oslo",
            weekly_pattern_minutes=[450, 450, 450, 450, 450, 0, 0],
        )
        record(
            client,
            headers,
            employee["id"],
            "2026-03-02T07:00:00+01:00",
            "2026-03-02T18:30:00+01:00",
        )
    start_generation(client, headers, period_start="2026-03-02")
    run_jobs(db, settings)
    listed = client.get(STATEMENTS, params={"scope": "all", "limit": 200}, headers=headers)
    statement_ids = [
        item["id"] for item in listed.json()["items"] if item["employee_id"] != weekly.employee_id
    ]
    assert len(statement_ids) == EMPLOYEES
    for statement_id in statement_ids:
        step(client, headers, statement_id, "submit", payout_minutes=30)
        step(client, headers, statement_id, "approve")

    log = tmp_path / "worker.log"
    with worker_process(settings, log) as first:
        wait_for(lambda: settled_count(db) >= 3, timeout=60)
        first.send_signal(signal.SIGKILL)
        first.wait()
    settled_before = settled_count(db)
    assert settled_before < EMPLOYEES, "every statement was settled before the kill"

    after_the_lease = (utcnow() + CLAIM_LEASE + timedelta(minutes=1)).isoformat()
    with worker_process(settings, log, TIMELEDGER_CLOCK_START=after_the_lease):
        wait_for(lambda: settled_count(db) == EMPLOYEES, timeout=120)

    with db.session(write=False) as session:
        keys = session.execute(
            select(
                TimebankMovement.statement_id,
                TimebankMovement.settlement_step,
                func.count(),
                func.sum(TimebankMovement.amount),
            )
            .where(TimebankMovement.statement_id.is_not(None))
            .group_by(TimebankMovement.statement_id, TimebankMovement.settlement_step)
        ).all()
    assert {row[0] for row in keys} == set(statement_ids), log.read_text()[-2000:]
    assert all(count == 1 for _, _, count, _ in keys)
    # Monday 07:00-18:30: 150 minutes over the daily 540, 30 paid and 120 banked.
    by_step = {(statement_id, step_name): amount for statement_id, step_name, _, amount in keys}
    assert {amount for (_, name), amount in by_step.items() if name == "1.overtime_choice"} == {120}
