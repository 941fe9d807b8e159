"""SQL of jobs and schedules.

Jobs are not tenant rows (the system's own upkeep has no workspace), so every query of a
workspace's jobs names the workspace itself. Schedules are tenant rows, scoped by the
session in a request; the worker's claim reads every workspace's.
"""

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import CursorResult, Select, or_, select, update
from sqlalchemy.orm import Session

from timeledger.models import Job, JobSchedule

RowT = TypeVar("RowT")


def skipping_locked_rows(session: Session, statement: Select[RowT]) -> Select[RowT]:
    """On PostgreSQL, lock the rows selected and skip those another transaction holds."""
    if session.get_bind().dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True)
    return statement


class JobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim_due(self, now: datetime, limit: int) -> list[Job]:
        """Due jobs not held by another worker: pending ones, and running ones whose lease
        ran out (their worker died). On PostgreSQL, rows another worker is claiming are
        skipped instead of waited for; on SQLite the claiming transaction holds the write
        lock. Cancelled and finished jobs are never claimed."""
        statement = (
            select(Job)
            .where(
                Job.status.in_(("pending", "running")),
                Job.run_at <= now,
                or_(Job.locked_until.is_(None), Job.locked_until <= now),
            )
            .order_by(Job.run_at, Job.id)
            .limit(limit)
        )
        return list(self.session.scalars(skipping_locked_rows(self.session, statement)))

    def renew_lease(self, job_id: int, attempt: int, locked_until: datetime) -> bool:
        """Extend the lease of the job's `attempt`; False when another attempt holds it."""
        renewed: CursorResult[Any] = self.session.execute(  # type: ignore[assignment]
            update(Job)
            .where(Job.id == job_id, Job.attempts == attempt, Job.status == "running")
            .values(locked_until=locked_until)
        )
        return renewed.rowcount == 1

    def of_workspace(
        self, workspace_id: int, *, status: str | None, kind: str | None
    ) -> Select[Job]:
        statement = select(Job).where(Job.workspace_id == workspace_id)
        if status is not None:
            statement = statement.where(Job.status == status)
        if kind is not None:
            statement = statement.where(Job.kind == kind)
        return statement

    def get(self, workspace_id: int, job_id: int, *, for_update: bool = False) -> Job | None:
        """A job of the workspace; `for_update` waits for a worker claiming it right now."""
        statement = select(Job).where(Job.id == job_id, Job.workspace_id == workspace_id)
        if for_update:
            statement = statement.with_for_update()
        return self.session.scalars(statement).one_or_none()


class ScheduleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def listed(self) -> Select[JobSchedule]:
        return select(JobSchedule)

    def get(self, schedule_id: int) -> JobSchedule | None:
        return self.session.get(JobSchedule, schedule_id)

    def claim_due(self, now: datetime, limit: int) -> list[JobSchedule]:
        """Active schedules whose next run is due, of every workspace; on PostgreSQL a
        schedule another worker is firing is skipped, on SQLite the write lock serializes
        the workers, so each run is fired by exactly one of them."""
        statement = (
            select(JobSchedule)
            .where(JobSchedule.active.is_(True), JobSchedule.next_run_at <= now)
            .order_by(JobSchedule.next_run_at, JobSchedule.id)
            .limit(limit)
        )
        return list(self.session.scalars(skipping_locked_rows(self.session, statement)))

    def add(self, schedule: JobSchedule) -> JobSchedule:
        self.session.add(schedule)
        self.session.flush()
        return schedule

    def delete(self, schedule: JobSchedule) -> None:
        self.session.delete(schedule)
        self.session.flush()
