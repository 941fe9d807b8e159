"""The background worker: runs due jobs, the tasks of every cycle and periodic upkeep until
told to stop.

It runs in-process beside the API by default (`timeledger serve`) or alone
(`timeledger worker`); several can run at once on PostgreSQL, where each claims jobs
with SKIP LOCKED, and on SQLite, where claiming is an immediate (write-locked) transaction.
A job whose worker died is claimed again once its lease has expired.
"""

import threading
import traceback
from datetime import datetime, timedelta
from typing import Any

import structlog

import timeledger.jobs.kinds  # noqa: F401  (registers every job kind and cycle task)
from timeledger.auth.service import purge_old_sign_in_attempts
from timeledger.config import Settings
from timeledger.jobs.registry import CYCLE_TASKS, HANDLERS, JobCancelled, JobContext
from timeledger.jobs.repository import JobRepository
from timeledger.kit.db import Database
from timeledger.kit.idempotency import purge_expired_idempotency_records
from timeledger.kit.timeutil import utcnow
from timeledger.models import Job

log = structlog.get_logger(__name__)

CLAIM_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 10
UPKEEP_EVERY = timedelta(minutes=10)
BATCH = 10


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts * 5, 3600))


class Worker:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.stopping = threading.Event()
        self._last_upkeep: datetime | None = None

    def run_once(self) -> int:
        """Run the jobs due now and one round of every cycle task; returns how much ran."""
        now = utcnow()
        with self.db.transaction() as session:
            jobs = JobRepository(session).claim_due(now, BATCH)
            for job in jobs:
                job.status = "running"
                job.locked_until = now + CLAIM_LEASE
                job.attempts += 1
                job.started_at = job.started_at or now
            claimed = [
                (job.id, job.kind, dict(job.payload), job.attempts, job.workspace_id)
                for job in jobs
            ]
        for job_id, kind, payload, attempts, workspace_id in claimed:
            self._run(job_id, kind, payload, attempts, workspace_id)
        done = len(claimed)
        for task in CYCLE_TASKS:
            try:
                done += task(self.db, self.settings)
            except Exception:
                log.exception("worker_task_failed", task=task.__name__)
        self._upkeep(now)
        return done

    def _run(
        self,
        job_id: int,
        kind: str,
        payload: dict[str, Any],
        attempts: int,
        workspace_id: int | None,
    ) -> None:
        handler = HANDLERS.get(kind)
        context = JobContext(self.db, self.settings, job_id, workspace_id)
        error: str | None = None
        result: dict[str, Any] | None = None
        cancelled = False
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {kind!r}")
            context.check_cancelled()
            result = handler(context, payload)
        except JobCancelled:
            cancelled = True
        except Exception:
            error = traceback.format_exc(limit=5)[-2000:]
            log.warning("job_failed", job_id=job_id, kind=kind, attempts=attempts)
        with self.db.transaction() as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            now = utcnow()
            job.locked_until = None
            if cancelled:
                job.status, job.finished_at = "cancelled", now
            elif error is None:
                job.status, job.finished_at, job.result = "done", now, result
            elif attempts >= MAX_ATTEMPTS:
                job.status, job.finished_at, job.last_error = "failed", now, error
            else:
                job.status, job.run_at, job.last_error = "pending", now + backoff(attempts), error

    def _upkeep(self, now: datetime) -> None:
        if self._last_upkeep is not None and now - self._last_upkeep < UPKEEP_EVERY:
            return
        self._last_upkeep = now
        purge_expired_idempotency_records(self.db)
        purge_old_sign_in_attempts(self.db, now)
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
