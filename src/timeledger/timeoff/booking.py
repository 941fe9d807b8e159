"""What an approved request writes, and what cancelling it takes back: a `usage` movement
and a time-off entry for each day that takes something (the entry credits the day's norm
in the rule engine), their reversal and removal."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.entries.service import book_timeoff_entries, remove_timeoff_entries
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict
from timeledger.models import TimebankMovement, TimeoffPolicyVersion, TimeoffRequest
from timeledger.rules.timeoff import DayUsage
from timeledger.timebank.service import record_movements
from timeledger.timeoff.repository import TimeoffRepository
from timeledger.timesheet.locks import locked_periods


def check_days_open(session: Session, employee_id: int, first: date, last: date) -> None:
    """409 when a day of the range lies in a settled (or exported) statement or in a locked
    period: time off there would change figures payroll has taken."""
    repository = TimeoffRepository(session)
    closed = repository.closed_statement_over(employee_id, first, last)
    if closed is not None:
        raise Conflict(
            f"Statement {closed.id} ({closed.period_start} to {closed.period_end}) is "
            f"{closed.status}: time off on its days cannot change; reopen it first.",
            extra={"statement_id": closed.id},
        )
    locked = locked_periods(session, employee_id, first, last)
    if locked:
        period = locked[0]
        raise Conflict(
            f"The timesheet is locked from {period.first_day} to {period.last_day} "
            f"(statement {period.statement_id}): time off on those days cannot change.",
            extra={"statement_id": period.statement_id},
        )


def book(
    session: Session,
    caller: Caller,
    request: TimeoffRequest,
    policy: TimeoffPolicyVersion,
    days: Sequence[DayUsage],
) -> None:
    taken = [day for day in days if day.amount]
    if request.account_id is not None:
        _post(session, caller, request, [(day.day, -day.amount) for day in taken], "usage")
    book_timeoff_entries(
        session,
        caller,
        request.employee_id,
        activity_id=policy.activity_id,
        timeoff_request_id=request.id,
        minutes_by_day=[(day.day, day.credited_minutes) for day in taken],
        note=request.note or policy.name,
    )


def unbook(session: Session, caller: Caller, request: TimeoffRequest) -> None:
    if request.account_id is not None:
        given_back = [
            (date.fromisoformat(day["day"]), day["amount"]) for day in request.days if day["amount"]
        ]
        _post(session, caller, request, given_back, "reversal")
    remove_timeoff_entries(session, caller, request.employee_id, request.id)


def _post(
    session: Session,
    caller: Caller,
    request: TimeoffRequest,
    amounts: Sequence[tuple[date, int]],
    cause: str,
) -> None:
    assert request.account_id is not None
    now = utcnow()
    record_movements(
        session,
        caller.workspace_id,
        caller.user_id,
        [
            TimebankMovement(
                workspace_id=caller.workspace_id,
                employee_id=request.employee_id,
                account_id=request.account_id,
                day=day,
                amount=amount,
                cause=cause,
                note=f"Time-off request {request.id}",
                created_by_user_id=caller.user_id,
                created_at=now,
                timeoff_policy_id=request.timeoff_policy_id,
                timeoff_request_id=request.id,
            )
            for day, amount in amounts
        ],
    )
