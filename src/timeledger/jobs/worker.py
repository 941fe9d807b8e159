"""The background worker: runs due jobs, the tasks of every cycle and periodic upkeep until
told to stop.

It runs in-process beside the API by default (`timeledger serve`) or alone
(`timeledger worker`); several can run at once on PostgreSQL, where each claims jobs
with SKIP LOCKED, and on SQLite, where claiming is an immediate (write-locked) transaction.
A job whose worker died is claimed again once its lease has expired.
"""

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog

from timeledger.config import Settings
from timeledger.jobs.failures import error_summary
from timeledger.jobs.registry import (
    CLAIM_LEASE,
    CYCLE_TASKS,
    HANDLERS,
    UPKEEP_TASKS,
    JobCancelled,
    JobContext,
)
from timeledger.jobs.repository import JobRepository
from timeledger.kit.clock import Clock, clock_in_use, current_clock, utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import Problem
from timeledger.kit.idempotency import purge_expired_idempotency_records
from timeledger.models import Job

log = structlog.get_logger(__name__)

__all__ = ["CLAIM_LEASE", "MAX_ATTEMPTS", "Worker", "backoff"]

MAX_ATTEMPTS = 10
UPKEEP_EVERY = timedelta(minutes=10)
BATCH = 10


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts * 5, 3600))


@dataclass(frozen=True)
class ClaimedJob:
    job_id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    """The attempt this worker runs: it finishes the job only if no other took it over."""
    workspace_id: int | None
    created_by_user_id: int | None


@dataclass
class Outcome:
    result: dict[str, Any] | None = None
    error: str | None = None
    final: bool = False
    """A problem (a rule the job broke) is not retried: running it again would break it
    again."""
    cancelled: bool = False


class Worker:
    def __init__(self, db: Database, settings: Settings, clock: Clock | None = None) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock or current_clock()
        self.stopping = threading.Event()
        self._last_upkeep: datetime | None = None

    def run_once(self) -> int:
        """Run the jobs due now and one round of every cycle task by the worker's clock;
        returns how much ran."""
        with clock_in_use(self.clock):
            return self._run_due()

    def _run_due(self) -> int:
        now = utcnow()
        with self.db.transaction() as session:
            jobs = JobRepository(session).claim_due(now, BATCH)
            for job in jobs:
                job.status = "running"
                job.locked_until = now + CLAIM_LEASE
                job.attempts += 1
                job.started_at = job.started_at or now
            claimed = [
                ClaimedJob(
                    job_id=job.id,
                    kind=job.kind,
                    payload=dict(job.payload),
                    attempts=job.attempts,
                    workspace_id=job.workspace_id,
                    created_by_user_id=job.created_by_user_id,
                )
                for job in jobs
            ]
        for claimed_job in claimed:
            self._run(claimed_job)
        done = len(claimed)
        for task in CYCLE_TASKS:
            try:
                done += task(self.db, self.settings)
            except Exception:
                log.exception("worker_task_failed", task=task.__name__)
        self._upkeep(now)
        return done

    def _still_ours(self, claimed: ClaimedJob) -> bool:
        """Renew the lease of a job claimed earlier in the batch, unless it ran out while
        the jobs before it ran and another worker took the job over."""
        with self.db.transaction() as session:
            return JobRepository(session).renew_lease(
                claimed.job_id, claimed.attempts, utcnow() + CLAIM_LEASE
            )

    def _run(self, claimed: ClaimedJob) -> None:
        if not self._still_ours(claimed):
            return
        handler = HANDLERS.get(claimed.kind)
        context = JobContext(
            self.db,
            self.settings,
            claimed.job_id,
            claimed.workspace_id,
            claimed.created_by_user_id,
        )
        outcome = Outcome()
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {claimed.kind!r}")
            context.check_cancelled()
            outcome.result = handler(context, claimed.payload)
        except JobCancelled:
            outcome.cancelled = True
        except Problem as problem:
            outcome.error, outcome.final = error_summary(problem), True
            log.info("job_refused", job_id=claimed.job_id, kind=claimed.kind, detail=problem.detail)
        except Exception as unexpected:
            outcome.error = error_summary(unexpected)
            log.warning(
                "job_failed",
                job_id=claimed.job_id,
                kind=claimed.kind,
                attempts=claimed.attempts,
                exc_info=True,
            )
        self._finish(claimed, outcome)

    def _finish(self, claimed: ClaimedJob, outcome: Outcome) -> None:
        with self.db.transaction() as session:
            job = session.get(Job, claimed.job_id)
            if job is None or job.status != "running" or job.attempts != claimed.attempts:
                # Deleted, or its lease ran out and another worker holds it now.
                return
            now = utcnow()
            job.locked_until = None
            if outcome.cancelled or (outcome.error and job.cancel_requested_at is not None):
                job.status, job.finished_at = "cancelled", now
            elif outcome.error is None:
                job.status, job.finished_at, job.result = "done", now, outcome.result
            elif outcome.final or claimed.attempts >= MAX_ATTEMPTS:
                job.status, job.finished_at, job.last_error = "failed", now, outcome.error
            else:
                job.status, job.last_error = "pending", outcome.error
                job.run_at = now + backoff(claimed.attempts)

    def _upkeep(self, now: datetime) -> None:
        if self._last_upkeep is not None and now - self._last_upkeep < UPKEEP_EVERY:
            return
        self._last_upkeep = now
        purge_expired_idempotency_records(self.db)
        for task in UPKEEP_TASKS:
            task(self.db, now)
        self.db.refresh_planner_statistics()

    def run_forever(self) -> None:
        log.info("worker_started")
        while not self.stopping.is_set():
            try:
                ran = self.run_once()
            except Exception:
                log.exception("worker_cycle_failed")
                ran = 0
            if not ran:
                self.stopping.wait(self.settings.worker_poll_seconds)
        log.info("worker_stopped")

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="timeledger-worker", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stopping.set()
