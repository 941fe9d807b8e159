"""The background worker against a real database."""

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from timeledger.config import Settings
from timeledger.jobs import worker as worker_module
from timeledger.jobs.registry import JobContext, enqueue, job_handler
from timeledger.jobs.worker import MAX_ATTEMPTS, Worker, backoff
from timeledger.kit.clock import FixedClock, utcnow
from timeledger.kit.db import Database
from timeledger.models import IdempotencyRecord, Job

ran: Counter[str] = Counter()
lock = threading.Lock()


@job_handler("test.count")
def count(_context: JobContext, payload: dict[str, Any]) -> None:
    with lock:
        ran[payload["name"]] += 1


@job_handler("test.explode")
def explode(_context: JobContext, _payload: dict[str, Any]) -> None:
    raise RuntimeError("exploded on purpose")


@pytest.fixture(autouse=True)
def reset_counter() -> None:
    ran.clear()


def _job(db: Database, job_id: int) -> Job:
    with db.transaction() as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def test_due_job_runs_once_and_is_done(db: Database, settings: Settings) -> None:
    with db.transaction() as session:
        job_id = enqueue(session, "test.count", {"name": "a"}).id
        later_id = enqueue(
            session, "test.count", {"name": "later"}, run_at=utcnow() + timedelta(hours=1)
        ).id
    worker = Worker(db, settings)
    assert worker.run_once() == 1
    assert worker.run_once() == 0
    assert ran == Counter({"a": 1})
    assert _job(db, job_id).status == "done"
    assert _job(db, later_id).status == "pending"


def test_failing_job_is_retried_with_backoff_then_given_up(
    db: Database, settings: Settings
) -> None:
    with db.transaction() as session:
        job_id = enqueue(session, "test.explode", {}).id
    worker = Worker(db, settings)
    worker.run_once()
    job = _job(db, job_id)
    assert job.status == "pending"
    assert job.attempts == 1
    assert job.last_error is not None and "exploded on purpose" in job.last_error
    assert job.run_at > utcnow()
    with db.transaction() as session:
        stored = session.get(Job, job_id)
        assert stored is not None
        stored.attempts = MAX_ATTEMPTS - 1
        stored.run_at = utcnow()
    worker.run_once()
    assert _job(db, job_id).status == "failed"


def test_the_worker_runs_and_retries_by_its_own_clock(db: Database, settings: Settings) -> None:
    clock = FixedClock(datetime(2026, 10, 25, 0, 59, 30, tzinfo=UTC))
    with db.transaction() as session:
        job_id = enqueue(session, "test.explode", {}, run_at=clock.now() + timedelta(minutes=1)).id
    worker = Worker(db, settings, clock)
    assert worker.run_once() == 0
    clock.advance(timedelta(minutes=1))
    worker.run_once()
    job = _job(db, job_id)
    assert (job.attempts, job.started_at) == (1, clock.now())
    assert job.run_at == clock.now() + backoff(1)


def test_unknown_job_kind_is_an_error_not_a_crash(db: Database, settings: Settings) -> None:
    with db.transaction() as session:
        job_id = enqueue(session, "test.nobody-handles-this", {}).id
    Worker(db, settings).run_once()
    job = _job(db, job_id)
    assert job.last_error is not None and "no handler" in job.last_error


def test_upkeep_purges_expired_idempotency_records(db: Database, settings: Settings) -> None:
    now = utcnow()
    with db.transaction() as session:
        for key, expires in (
            ("old", now - timedelta(seconds=1)),
            ("new", now + timedelta(hours=1)),
        ):
            session.add(
                IdempotencyRecord(
                    credential_hash="c" * 64,
                    key=key,
                    request_hash="r",
                    created_at=now,
                    expires_at=expires,
                )
            )
    Worker(db, settings).run_once()
    with db.transaction() as session:
        assert list(session.scalars(select(IdempotencyRecord.key))) == ["new"]


def test_concurrent_workers_never_run_a_job_twice(db: Database, settings: Settings) -> None:
    """PostgreSQL claims with SKIP LOCKED, SQLite in an immediate (write-locked) transaction."""
    with db.transaction() as session:
        for n in range(40):
            enqueue(session, "test.count", {"name": f"job-{n}"})
    workers = [Worker(db, settings) for _ in range(4)]

    def drain(worker: Worker) -> None:
        while worker.run_once():
            pass

    threads = [threading.Thread(target=drain, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(ran) == 40
    assert set(ran.values()) == {1}


def test_backoff_grows_and_is_capped() -> None:
    delays = [worker_module.backoff(attempt) for attempt in range(1, 15)]
    assert delays == sorted(delays)
    assert delays[0] == timedelta(seconds=10)
    assert delays[-1] == timedelta(hours=1)
