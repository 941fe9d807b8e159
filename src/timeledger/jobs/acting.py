"""Whom a job acts as: the person or service user who started it, or who created the
schedule that did, with their permissions of now, so its writes are checked and logged
like any other."""

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller, caller_acting_as
from timeledger.jobs.registry import JobContext
from timeledger.kit.errors import Conflict
from timeledger.models import User


def caller_of_job(session: Session, context: JobContext) -> Caller:
    user = session.get(User, context.created_by_user_id) if context.created_by_user_id else None
    if user is None or user.status != "active" or user.workspace_id != context.workspace_id:
        raise Conflict(
            f"Job {context.job_id} has no active user to act as: whoever started it (or "
            "created its schedule) was suspended or deleted."
        )
    return caller_acting_as(user, f"job:{context.job_id}")
