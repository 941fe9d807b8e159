"""Whose timesheet a caller reaches: `timesheet:<action>:own` their own employee record,
`:team` also the employees of the org units they manage (recursively), `:*` everyone.

404 before 403: an employee outside the read scope does not exist for the caller; one
inside it but outside the write scope answers 403.
"""

from datetime import date
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from timeledger.configuration.store import workspace_today
from timeledger.identity.access import Caller, authenticate
from timeledger.kit.errors import Forbidden, NotFound, Unprocessable
from timeledger.kit.routing import ResourceId
from timeledger.kit.uow import UnitOfWork
from timeledger.models import Employee
from timeledger.organization.repository import EmployeeRepository

AREA = "timesheet"
SCOPES_KEY = "timesheet_scopes"


def employee_ids_in_scope(
    session: Session, caller: Caller, action: str, today: date
) -> set[int] | None:
    """The employees whose timesheet `action` reaches for the caller; None means all.
    Remembered for the rest of the session's transaction (a request asks several times)."""
    scope = caller.scope_for(AREA, action)
    remembered: dict[tuple[int, object, date], set[int] | None] = session.info.setdefault(
        SCOPES_KEY, {}
    )
    key = (caller.user_id, scope, today)
    if key not in remembered:
        remembered[key] = EmployeeRepository(session).ids_in_scope(caller, scope, today)
    found = remembered[key]
    return None if found is None else set(found)


def reachable_employee(
    session: Session, caller: Caller, employee_id: int, action: str, today: date
) -> Employee:
    """The live employee if the caller may `action` their timesheet: 404 when the caller
    cannot even read it, 403 when they can read but not `action`."""
    employee = session.get(Employee, employee_id)
    readable = employee_ids_in_scope(session, caller, "read", today)
    if (
        employee is None
        or employee.deleted_at is not None
        or (readable is not None and employee.id not in readable)
    ):
        raise NotFound(f"No employee with id {employee_id}.")
    if action != "read":
        allowed = employee_ids_in_scope(session, caller, action, today)
        if allowed is not None and employee.id not in allowed:
            raise Forbidden(
                f"You may read the timesheet of employee {employee_id} but not {action} it."
            )
    return employee


def employee_id_of_user(
    session: Session, caller: Caller, user_id: int, action: str = "read"
) -> int:
    """The employee record holding the time of user `user_id` (the faces name people by
    user): 404 when the caller cannot read that timesheet, 403 when they can read but not
    `action` it, 422 when the caller names themselves and has no employee record."""
    employee = EmployeeRepository(session).by_user(user_id)
    if employee is None or employee.deleted_at is not None:
        if user_id == caller.user_id:
            raise Unprocessable.at(
                "user_id",
                "You have no employee record, so you cannot record time; an administrator "
                "can link you to one.",
                "no employee record",
            )
        raise NotFound(f"No user {user_id} recording time.")
    today = workspace_today(session, caller.workspace_id)
    try:
        reachable_employee(session, caller, employee.id, action, today)
    except NotFound:
        raise NotFound(f"No user {user_id} recording time.") from None
    return employee.id


def own_employee_id(session: Session, caller: Caller) -> int | None:
    """The caller's own employee record, if they have one (`user_id=current`)."""
    employee = EmployeeRepository(session).by_user(caller.user_id)
    return employee.id if employee is not None and employee.deleted_at is None else None


# The path's employee resolved in a dependency declared after the operation's permission:
# an employee the caller cannot reach answers 404 (or 403) before the body is validated.
def _reached_id(session: Session, caller: Caller, employee_id: int, action: str) -> int:
    today = workspace_today(session, caller.workspace_id)
    return reachable_employee(session, caller, employee_id, action, today).id


def readable_employee_id(
    employee_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Depends(authenticate)],
) -> int:
    return _reached_id(session, caller, employee_id, "read")


def writable_employee_id(
    employee_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Depends(authenticate)],
) -> int:
    return _reached_id(session, caller, employee_id, "write")


ReadableEmployeeId = Annotated[int, Depends(readable_employee_id)]
WritableEmployeeId = Annotated[int, Depends(writable_employee_id)]
