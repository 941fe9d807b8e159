"""Schedules: a startable job kind run whenever a cron expression fires in the workspace's
time zone, and the worker's cycle task that fires them.

`next_run_at` (UTC) is the next time a schedule fires. Firing enqueues one job and moves
`next_run_at` to the first time the expression fires after now, in the same transaction
that claimed the schedule, so no run is fired twice, whatever the number of workers. A
worker that was down across several runs fires a missed schedule once when it is back,
not once per run missed.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.config import Settings
from timeledger.jobs.cron import checked_cron, first_run_after
from timeledger.jobs.registry import cycle_task, enqueue, startable_kind
from timeledger.jobs.repository import ScheduleRepository
from timeledger.jobs.schemas import ScheduleCreate, ScheduleRead, ScheduleUpdate
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import NotFound
from timeledger.kit.etag import etag_for
from timeledger.kit.views import view_of
from timeledger.models import JobSchedule, Workspace

FIRED_PER_CYCLE = 50
IfMatch = Callable[[str], None]


def _timezone_of(session: Session, workspace_id: int) -> str:
    workspace = session.get(Workspace, workspace_id)
    return workspace.timezone if workspace is not None else "UTC"


def schedule_etag(schedule: JobSchedule) -> str:
    return etag_for("schedule", schedule.id, schedule.row_version)


def schedule_view(session: Session, schedule: JobSchedule) -> ScheduleRead:
    """The schedule as shown, with the time zone its `cron` is read in."""
    timezone = _timezone_of(session, schedule.workspace_id)
    return view_of(ScheduleRead, schedule, timezone=timezone)


def _next_run(schedule: JobSchedule, timezone: str, now: datetime) -> datetime | None:
    return first_run_after(schedule.cron, timezone, now) if schedule.active else None


def get_schedule(session: Session, schedule_id: int) -> JobSchedule:
    schedule = ScheduleRepository(session).get(schedule_id)
    if schedule is None:
        raise NotFound(f"Schedule {schedule_id} does not exist.")
    return schedule


def create_schedule(session: Session, caller: Caller, data: ScheduleCreate) -> JobSchedule:
    kind = startable_kind(data.kind, location="body.kind")
    parameters = kind.checked_parameters(data.parameters, location="body.parameters")
    return _added(
        session,
        caller.workspace_id,
        caller.user_id,
        data.model_copy(update={"parameters": parameters}),
    )


def install_schedule(session: Session, workspace_id: int, data: ScheduleCreate) -> JobSchedule:
    """A schedule a new workspace starts with, created by the system (its jobs act as
    nobody in particular)."""
    startable_kind(data.kind, location="kind")
    return _added(session, workspace_id, None, data)


def _added(
    session: Session, workspace_id: int, user_id: int | None, data: ScheduleCreate
) -> JobSchedule:
    timezone = _timezone_of(session, workspace_id)
    now = utcnow()
    schedule = JobSchedule(
        workspace_id=workspace_id,
        name=data.name,
        kind=data.kind,
        cron=checked_cron(data.cron, timezone, now, location="body.cron"),
        payload=data.parameters,
        active=data.active,
        created_by_user_id=user_id,
        row_version=1,
        created_at=now,
        updated_at=now,
    )
    schedule.next_run_at = _next_run(schedule, timezone, now)
    return ScheduleRepository(session).add(schedule)


def update_schedule(
    session: Session, caller: Caller, schedule_id: int, data: ScheduleUpdate, if_match: IfMatch
) -> JobSchedule:
    """Changes apply from now: the next run is worked out again from the (new) expression."""
    schedule = get_schedule(session, schedule_id)
    if_match(schedule_etag(schedule))
    timezone = _timezone_of(session, caller.workspace_id)
    now = utcnow()
    changes: dict[str, Any] = {
        name: value
        for name, value in data.model_dump(exclude_unset=True).items()
        if value is not None
    }
    if "name" in changes:
        schedule.name = changes["name"]
    if "cron" in changes:
        schedule.cron = checked_cron(changes["cron"], timezone, now, location="body.cron")
    if "parameters" in changes:
        kind = startable_kind(schedule.kind, location="kind")
        schedule.payload = kind.checked_parameters(
            changes["parameters"], location="body.parameters"
        )
    if "active" in changes:
        schedule.active = changes["active"]
    schedule.next_run_at = _next_run(schedule, timezone, now)
    schedule.row_version += 1
    schedule.updated_at = now
    session.flush()
    return schedule


def delete_schedule(session: Session, schedule_id: int) -> None:
    """The jobs it started stay, without their schedule."""
    ScheduleRepository(session).delete(get_schedule(session, schedule_id))


@cycle_task
def fire_due_schedules(db: Database, _settings: Settings) -> int:
    """Enqueue one job for every schedule due now and move each to its next run."""
    now = utcnow()
    with db.transaction() as session:
        due = ScheduleRepository(session).claim_due(now, FIRED_PER_CYCLE)
        for schedule in due:
            enqueue(
                session,
                schedule.kind,
                dict(schedule.payload),
                workspace_id=schedule.workspace_id,
                created_by_user_id=schedule.created_by_user_id,
                schedule_id=schedule.id,
            )
            schedule.last_run_at = now
            schedule.next_run_at = _next_run(
                schedule, _timezone_of(session, schedule.workspace_id), now
            )
        return len(due)
