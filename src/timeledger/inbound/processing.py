"""The worker's job applying an accepted inbound event through the domain services, as the
endpoint's service user (so permissions, rules and the change log apply as to any write).

A refusal by the rules (an unknown employee, a clock-in while clocked in: a Problem) is
final: the event is marked failed with the problem's detail and the job fails without
retries. Any other error leaves the event accepted and the job retries it later.
"""

from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller, caller_acting_as
from timeledger.inbound.repository import InboundRepository
from timeledger.inbound.schemas import (
    ClockedIn,
    ClockedOut,
    EmployeeReference,
    EmployeeUpdated,
    InboundEventStatus,
    InboundMessage,
)
from timeledger.inbound.service import PROCESS_INBOUND_EVENT
from timeledger.jobs.registry import JobContext, job_handler
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, NotFound, Problem
from timeledger.kit.routing import unconditional
from timeledger.models import InboundEvent
from timeledger.organization import service as organization
from timeledger.organization.repository import EmployeeRepository
from timeledger.organization.schemas import EmployeeUpdate
from timeledger.presence import service as presence
from timeledger.presence.schemas import ClockIn, ClockOut, ClockSource

MAX_ERROR_LENGTH = 1000
STORED_MESSAGES: TypeAdapter[InboundMessage] = TypeAdapter(InboundMessage)


def _employee_id(session: Session, reference: EmployeeReference) -> int:
    if reference.employee_id is not None:
        return reference.employee_id
    assert reference.employee_number is not None
    employee = EmployeeRepository(session).by_number(reference.employee_number)
    if employee is None or employee.deleted_at is not None:
        raise NotFound(f"No employee has the employee number {reference.employee_number!r}.")
    return employee.id


def _apply(session: Session, caller: Caller, message: InboundMessage) -> None:
    if isinstance(message, EmployeeUpdated):
        changes = message.data.model_dump(
            exclude_unset=True, exclude={"employee_number", "employee_id"}
        )
        organization.update_employee(
            session,
            caller,
            _employee_id(session, message.data),
            EmployeeUpdate(**changes),
            unconditional,
        )
    elif isinstance(message, ClockedIn):
        presence.clock_in(
            session,
            caller,
            _employee_id(session, message.data),
            ClockIn(at=message.data.at, note=message.data.note or "", source=ClockSource.CLOCK),
        )
    elif isinstance(message, ClockedOut):
        presence.clock_out(
            session,
            caller,
            _employee_id(session, message.data),
            ClockOut(at=message.data.at, note=message.data.note),
        )


def _acting_caller(session: Session, event: InboundEvent) -> Caller:
    endpoint = InboundRepository(session).endpoint(event.endpoint_id)
    user = (
        InboundRepository(session).active_service_user(endpoint.service_user_id)
        if endpoint is not None
        else None
    )
    if endpoint is None or user is None:
        raise Conflict(
            "The endpoint's service user is suspended or deleted; the event was not applied."
        )
    return caller_acting_as(user, f"inbound:{endpoint.id}")


def _mark_failed(context: JobContext, event_id: int, problem: Problem) -> None:
    with context.db.transaction(workspace_id=context.workspace_id) as session:
        event = InboundRepository(session).event(event_id)
        if event is not None:
            event.status = InboundEventStatus.FAILED.value
            event.error = problem.detail[:MAX_ERROR_LENGTH]
            event.processed_at = utcnow()


@job_handler(PROCESS_INBOUND_EVENT)
def process_inbound_event(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Apply one accepted inbound event; an event processed already is left as it is."""
    event_id = int(payload["inbound_event_id"])
    try:
        with context.db.transaction(workspace_id=context.workspace_id) as session:
            event = InboundRepository(session).event(event_id)
            if event is None or event.status != InboundEventStatus.ACCEPTED:
                return {"status": event.status if event is not None else "deleted"}
            message = STORED_MESSAGES.validate_python(
                {"type": event.event_type, "data": event.payload}
            )
            _apply(session, _acting_caller(session, event), message)
            event.status = InboundEventStatus.PROCESSED.value
            event.processed_at = utcnow()
    except Problem as problem:
        _mark_failed(context, event_id, problem)
        raise
    return {"status": InboundEventStatus.PROCESSED.value}
