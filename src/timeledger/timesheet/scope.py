"""The caller's own employee record (whose timesheet `user_id=current` names). Whose
timesheet a caller reaches is `organization.reach`'s to say."""

from sqlalchemy.orm import Session

from timeledger.identity.access import Caller
from timeledger.organization.repository import EmployeeRepository


def own_employee_id(session: Session, caller: Caller) -> int | None:
    """The caller's own employee record, if they have one (`user_id=current`)."""
    employee = EmployeeRepository(session).by_user(caller.user_id)
    return employee.id if employee is not None and employee.deleted_at is None else None
