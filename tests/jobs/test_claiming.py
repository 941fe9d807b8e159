"""Claiming jobs: a crashed worker's job is taken over once its lease ran out, never
before; cancelled jobs are never claimed."""

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from timeledger.config import Settings
from timeledger.jobs.registry import JobContext, enqueue, job_handler
from timeledger.jobs.worker import Worker
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import Job

runs: Counter[int] = Counter()


@pytest.fixture(autouse=True)
def forget_runs() -> None:
    runs.clear()


@job_handler("test.record-run")
def record_run(context: JobContext, _payload: dict[str, Any]) -> dict[str, Any]:
    runs[context.job_id] += 1
    return {"ran": True}


def _job_left_running(db: Database, *, lease_left: timedelta, **values: Any) -> int:
    """A job as a worker leaves it when it dies mid-run: running, with a lease."""
    with db.transaction() as session:
        job = enqueue(session, "test.record-run", {})
        session.execute(
            update(Job)
            .where(Job.id == job.id)
            .values(
                status="running",
                attempts=1,
                started_at=utcnow() - timedelta(minutes=10),
                locked_until=utcnow() + lease_left,
                **values,
            )
        )
        return job.id


def _job(db: Database, job_id: int) -> Job:
    with db.transaction() as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def test_a_crashed_workers_job_is_run_by_another_once_its_lease_expired(
    db: Database, settings: Settings
) -> None:
    job_id = _job_left_running(db, lease_left=-timedelta(seconds=1))

    assert Worker(db, settings).run_once() >= 1

    job = _job(db, job_id)
    assert runs[job_id] == 1
    assert (job.status, job.attempts, job.result) == ("done", 2, {"ran": True})
    assert job.locked_until is None


def test_a_job_whose_lease_runs_is_left_to_its_worker(db: Database, settings: Settings) -> None:
    job_id = _job_left_running(db, lease_left=timedelta(minutes=4))

    Worker(db, settings).run_once()

    assert runs[job_id] == 0
    assert _job(db, job_id).status == "running"


def test_a_crashed_job_someone_cancelled_ends_cancelled_without_running(
    db: Database, settings: Settings
) -> None:
    job_id = _job_left_running(db, lease_left=-timedelta(seconds=1), cancel_requested_at=utcnow())

    Worker(db, settings).run_once()

    assert runs[job_id] == 0
    assert _job(db, job_id).status == "cancelled"


def test_a_cancelled_job_is_never_claimed(db: Database, settings: Settings) -> None:
    with db.transaction() as session:
        job = enqueue(session, "test.record-run", {})
        job.status = "cancelled"
        job_id = job.id

    assert Worker(db, settings).run_once() == 0

    assert runs[job_id] == 0
    assert _job(db, job_id).attempts == 0


@job_handler("test.outlive-the-next-lease")
def outlive_the_next_lease(context: JobContext, payload: dict[str, Any]) -> None:
    """Runs so long that the next job's lease runs out and another worker claims it."""
    with context.db.transaction() as session:
        session.execute(
            update(Job)
            .where(Job.id == payload["next_job_id"])
            .values(attempts=Job.attempts + 1, locked_until=utcnow() + timedelta(minutes=5))
        )


def test_a_job_taken_over_while_its_batch_ran_is_left_to_the_new_worker(
    db: Database, settings: Settings
) -> None:
    with db.transaction() as session:
        slow = enqueue(
            session, "test.outlive-the-next-lease", {}, run_at=utcnow() - timedelta(seconds=2)
        )
        taken_over = enqueue(session, "test.record-run", {}, run_at=utcnow() - timedelta(seconds=1))
        slow.payload = {"next_job_id": taken_over.id}

    Worker(db, settings).run_once()

    assert runs[taken_over.id] == 0
    job = _job(db, taken_over.id)
    assert (job.status, job.attempts) == ("running", 2)
    assert _job(db, slow.id).status == "done"
