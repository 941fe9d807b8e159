"""What the background worker can run: job kinds by name, and tasks of every cycle.

Domains register here (`@job_handler("webhooks.redeliver")`, `@cycle_task`) and
`timeledger.jobs.kinds` imports them all, so this module knows no domain.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from timeledger.config import Settings
from timeledger.kit.db import Database
from timeledger.kit.timeutil import utcnow
from timeledger.models import Job


class JobCancelled(Exception):
    """Raised by a handler (through `JobContext.check_cancelled`) to stop a cancelled job."""


@dataclass(frozen=True)
class JobContext:
    """What a running job gets besides its payload."""

    db: Database
    settings: Settings
    job_id: int
    workspace_id: int | None

    def report_progress(self, done: int, total: int | None = None) -> None:
        """Record how far the job got, in a transaction of its own (visible at once)."""
        values: dict[str, Any] = {"progress_done": done}
        if total is not None:
            values["progress_total"] = total
        with self.db.transaction() as session:
            session.execute(update(Job).where(Job.id == self.job_id).values(**values))

    def check_cancelled(self) -> None:
        """Raise JobCancelled when someone asked to cancel this job; call between steps."""
        with self.db.session(write=False) as session:
            requested = session.scalar(select(Job.cancel_requested_at).where(Job.id == self.job_id))
        if requested is not None:
            raise JobCancelled


JobHandler = Callable[[JobContext, dict[str, Any]], dict[str, Any] | None]
"""Runs one job; what it returns is stored as the job's result."""
CycleTask = Callable[[Database, Settings], int]
"""Runs on every cycle of the worker; returns how much it did (0 lets the worker rest)."""

HANDLERS: dict[str, JobHandler] = {}
CYCLE_TASKS: list[CycleTask] = []


def job_handler(kind: str) -> Callable[[JobHandler], JobHandler]:
    def register(handler: JobHandler) -> JobHandler:
        HANDLERS[kind] = handler
        return handler

    return register


def cycle_task(task: CycleTask) -> CycleTask:
    CYCLE_TASKS.append(task)
    return task


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    workspace_id: int | None = None,
    run_at: datetime | None = None,
    created_by_user_id: int | None = None,
    schedule_id: int | None = None,
) -> Job:
    """Store a job in the caller's transaction: it runs once that commits."""
    now = utcnow()
    job = Job(
        kind=kind,
        payload=payload,
        workspace_id=workspace_id,
        run_at=run_at or now,
        created_at=now,
        created_by_user_id=created_by_user_id,
        schedule_id=schedule_id,
    )
    session.add(job)
    session.flush()
    return job
