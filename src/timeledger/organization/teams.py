"""The `team` scope: who a manager manages.

A manager manages the units they are a manager of and every unit below them; their team is
the users linked to the employees whose version in force today lies in one of those units.
"""

from sqlalchemy.orm import Session

from timeledger.kit.tenancy import session_workspace_id
from timeledger.organization.repository import EmployeeRepository
from timeledger.organization.today import workspace_today


def managed_user_ids(session: Session, manager_user_id: int) -> set[int]:
    workspace_id = session_workspace_id(session)
    if workspace_id is None:
        return set()
    employees = EmployeeRepository(session)
    today = workspace_today(session, workspace_id)
    return employees.user_ids_of(employees.team_employee_ids(manager_user_id, today))
