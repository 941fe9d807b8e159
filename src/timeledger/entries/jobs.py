"""The job that stops forgotten timers, run by hand or nightly from a schedule."""

from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from timeledger.entries import service
from timeledger.entries.repository import EntryRepository
from timeledger.jobs.acting import caller_of_job
from timeledger.jobs.registry import JobContext, job_handler
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, Locked, NotFound

STOP_TIMERS = "timesheet.stop-timers"
MINUTES_PER_WEEK = 7 * 24 * 60


class StopTimersParameters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_running_minutes: int = Field(
        default=0,
        ge=0,
        le=MINUTES_PER_WEEK,
        description="Stop only timers that have run at least this long (0: every timer).",
    )


@job_handler(STOP_TIMERS, parameters=StopTimersParameters, startable=True)
def stop_timers(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Stop every running timer of the workspace (that ran long enough), one employee at a
    time, as the user the job acts as; a timer stopped or restarted meanwhile is left."""
    parameters = StopTimersParameters.model_validate(payload)
    cutoff = utcnow() - timedelta(minutes=parameters.min_running_minutes)
    with context.db.transaction(workspace_id=context.workspace_id) as session:
        caller = caller_of_job(session, context)
        employee_ids = EntryRepository(session).employees_with_timers_started_before(cutoff)
    context.report_progress(0, len(employee_ids))
    stopped = 0
    for done, employee_id in enumerate(employee_ids, start=1):
        context.check_cancelled()
        try:
            with context.db.transaction(workspace_id=context.workspace_id) as session:
                running = service.running_timer(session, caller, employee_id)
                started = running.timer_started_at if running is not None else None
                if started is not None and started < cutoff:
                    service.stop_timer(session, caller, employee_id)
                    stopped += 1
        except (NotFound, Conflict, Locked):
            # The employee was deleted or the timer stopped since the list was read, or
            # the timer runs on a day of a settled (locked) statement.
            pass
        context.report_progress(done)
    return {"stopped": stopped}
