"""The daily jobs of time off: accrual and expiry of every live employee's balances, in
batches each of its own transaction; a batch that met another worker's posting is run
again and then finds what that worker posted."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timeledger.jobs.registry import JobContext, job_handler
from timeledger.jobs.schedules import install_schedule
from timeledger.jobs.schemas import ScheduleCreate
from timeledger.organization.repository import EmployeeRepository
from timeledger.organization.today import workspace_today
from timeledger.settings.kind_schemas import ConfigDate
from timeledger.timeoff.accrual import accrue, expire

ACCRUE = "timeoff.accrue"
EXPIRE = "timeoff.expire"
BATCH = 200
MAX_EMPLOYEES = 10_000
DEFAULT_SCHEDULES = (
    ScheduleCreate(name="Time-off accrual", kind=ACCRUE, cron="10 0 * * *"),
    ScheduleCreate(name="Time-off expiry", kind=EXPIRE, cron="20 0 * * *"),
)
"""The schedules every workspace starts with (cron in the workspace's zone): nightly, so
the day's grants and expiries are there when people start work. Migration 0011 gave them
to the workspaces that existed before."""

Posting = Callable[[Session, int, int | None, Sequence[int], date], int]


class TimeoffRun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: ConfigDate | None = Field(
        default=None,
        description="Post what is due by this day (default: today in the workspace). Each "
        "(employee, policy, period) is posted once, however often the job runs.",
    )
    employee_ids: list[int] | None = Field(
        default=None, max_length=MAX_EMPLOYEES, description="Only these employees."
    )


def install_default_schedules(session: Session, workspace_id: int) -> None:
    for schedule in DEFAULT_SCHEDULES:
        install_schedule(session, workspace_id, schedule)


@job_handler(ACCRUE, parameters=TimeoffRun, startable=True)
def accrue_balances(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    return _run(context, payload, accrue)


@job_handler(EXPIRE, parameters=TimeoffRun, startable=True)
def expire_balances(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    return _run(context, payload, expire)


def _run(context: JobContext, payload: dict[str, Any], posting: Posting) -> dict[str, Any]:
    parameters = TimeoffRun.model_validate(payload)
    workspace_id = context.workspace_id
    assert workspace_id is not None
    with context.db.transaction(workspace_id=workspace_id) as session:
        day = parameters.day or workspace_today(session, workspace_id)
        employee_ids = EmployeeRepository(session).live_ids(parameters.employee_ids)
    context.report_progress(0, len(employee_ids))
    posted = 0
    for start in range(0, len(employee_ids), BATCH):
        context.check_cancelled()
        batch = employee_ids[start : start + BATCH]
        posted += _batch(context, workspace_id, posting, batch, day)
        context.report_progress(start + len(batch))
    return {"day": day.isoformat(), "employees": len(employee_ids), "movements": posted}


def _batch(
    context: JobContext, workspace_id: int, posting: Posting, batch: list[int], day: date
) -> int:
    try:
        return _posted(context, workspace_id, posting, batch, day)
    except IntegrityError:
        # Another worker posted one of these keys first; now it is found.
        return _posted(context, workspace_id, posting, batch, day)


def _posted(
    context: JobContext, workspace_id: int, posting: Posting, batch: list[int], day: date
) -> int:
    with context.db.transaction(workspace_id=workspace_id) as session:
        return posting(session, workspace_id, context.created_by_user_id, batch, day)
