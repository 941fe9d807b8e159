"""What the background worker can run: job kinds by name, and tasks of every cycle.

Domains register here (`@job_handler("webhooks.redeliver")`, `@cycle_task`) and
`timeledger.job_kinds` imports them all, so this module knows no domain. A kind people
may start by hand or on a schedule says so and names the Pydantic model its parameters
must pass: `@job_handler("timesheet.stop-timers", parameters=StopTimers, startable=True)`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from timeledger.config import Settings
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import Unprocessable, validation_errors
from timeledger.models import Job

CLAIM_LEASE = timedelta(minutes=5)
"""How long a claimed job belongs to its worker; reporting progress renews it, and a job
whose worker died is claimed again once it has run out."""


class JobCancelled(Exception):
    """Raised by a handler (through `JobContext.check_cancelled`) to stop a cancelled job."""


@dataclass(frozen=True)
class JobContext:
    """What a running job gets besides its payload."""

    db: Database
    settings: Settings
    job_id: int
    workspace_id: int | None
    created_by_user_id: int | None = None
    """Who started the job (or created the schedule that did); a job acts as them."""

    def report_progress(self, done: int, total: int | None = None) -> None:
        """Record how far the job got, in a transaction of its own (visible at once), and
        renew the job's lease."""
        values: dict[str, Any] = {"progress_done": done, "locked_until": utcnow() + CLAIM_LEASE}
        if total is not None:
            values["progress_total"] = total
        with self.db.transaction() as session:
            session.execute(
                update(Job).where(Job.id == self.job_id, Job.status == "running").values(**values)
            )

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
UpkeepTask = Callable[[Database, datetime], None]
"""Runs at the worker's upkeep (every few minutes): purges and other housekeeping."""


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: JobHandler
    parameters: type[BaseModel] | None
    startable: bool
    """Whether people may start it (POST /api/admin/batch-jobs) or schedule it."""

    def checked_parameters(self, parameters: dict[str, Any], *, location: str) -> dict[str, Any]:
        """The parameters as the kind's model reads them (defaults filled in), or a 422."""
        if self.parameters is None:
            return parameters
        try:
            model = self.parameters.model_validate(parameters)
        except ValidationError as error:
            located = [
                {**problem, "loc": (*location.split("."), *problem["loc"])}
                for problem in error.errors()
            ]
            raise Unprocessable(
                f"The parameters do not suit the job kind {self.name!r}.",
                errors=validation_errors(located),
            ) from None
        return model.model_dump(mode="json")


KINDS: dict[str, JobKind] = {}
HANDLERS: dict[str, JobHandler] = {}
CYCLE_TASKS: list[CycleTask] = []
UPKEEP_TASKS: list[UpkeepTask] = []


def job_handler(
    kind: str, *, parameters: type[BaseModel] | None = None, startable: bool = False
) -> Callable[[JobHandler], JobHandler]:
    if startable and parameters is None:
        raise TypeError(f"job kind {kind!r} is startable, so it must name its parameter model")

    def register(handler: JobHandler) -> JobHandler:
        KINDS[kind] = JobKind(kind, handler, parameters, startable)
        HANDLERS[kind] = handler
        return handler

    return register


def startable_kind(name: str, *, location: str) -> JobKind:
    """The kind named, if people may start it; else a 422 naming those they may."""
    kind = KINDS.get(name)
    if kind is None or not kind.startable:
        known = ", ".join(sorted(known.name for known in KINDS.values() if known.startable))
        raise Unprocessable.at(
            location,
            f"{name!r} is not a job kind that can be started or scheduled; known kinds: {known}.",
            "unknown job kind",
        )
    return kind


def cycle_task(task: CycleTask) -> CycleTask:
    CYCLE_TASKS.append(task)
    return task


def upkeep_task(task: UpkeepTask) -> UpkeepTask:
    UPKEEP_TASKS.append(task)
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
