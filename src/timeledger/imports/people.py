"""The people an import creates: where they go, whom earlier imports created, and their
creation through the organization services (docs/import-export.md, "People")."""

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.external_ids.repository import ExternalIdRepository
from timeledger.imports.planning import (
    PERSON_ID_PREFIX,
    ImportPlan,
    PersonKey,
    Workspace,
    person_external_id,
)
from timeledger.models import Employee, ExternalId
from timeledger.organization.schemas import EmployeeCreate, EmployeeVersionCreate, EmploymentCreate
from timeledger.organization.service import (
    add_employee_version,
    create_employee,
    create_employment,
    unit_history,
    units_on,
)
from timeledger.organization.today import workspace_today

EMPLOYEE = "employee"
EMPLOYEE_NUMBER_PREFIX = "IMP-"


def with_new_people(
    session: Session, workspace_id: int, workspace: Workspace, external_source: str,
    org_unit_id: int | None,
) -> Workspace:  # fmt: skip
    """`workspace` told whom earlier imports from the source created and where the people
    this one creates go: `org_unit_id` when it is a live unit today, else (not given) the
    workspace's root unit when it has exactly one; otherwise nowhere, and why."""
    units = units_on(session, workspace_today(session, workspace_id))
    unit: int | None = None
    problem = workspace.no_unit_problem
    if org_unit_id is not None:
        if any(each.id == org_unit_id for each in units):
            unit = org_unit_id
        else:
            problem = f"org unit {org_unit_id} (option org_unit_id) does not exist today."
    else:
        roots = [each.id for each in units if each.parent_id is None]
        if len(roots) == 1:
            unit = roots[0]
        else:
            having = "no org unit" if not roots else f"{len(roots)} root org units"
            problem = (
                f"the workspace has {having}; name the unit for new people with the "
                "option org_unit_id."
            )
    return replace(
        workspace,
        created_people=_created_people(session, external_source),
        new_people_unit=unit,
        no_unit_problem=problem,
    )


def _created_people(session: Session, external_source: str) -> dict[str, int]:
    """The live employees earlier imports from the source created, by external id."""
    rows = session.execute(
        select(ExternalId.external_id, ExternalId.native_id)
        .join(Employee, Employee.id == ExternalId.native_id)
        .where(
            ExternalId.source == external_source,
            ExternalId.entity == EMPLOYEE,
            ExternalId.external_id.startswith(PERSON_ID_PREFIX, autoescape=True),
            Employee.deleted_at.is_(None),
        )
    )
    return {row.external_id: row.native_id for row in rows}


def _free_employee_numbers(session: Session) -> Iterator[str]:
    """`IMP-0001`, `IMP-0002`, ... skipping the numbers employees have (deleted ones too)."""
    taken = set(
        session.scalars(
            select(Employee.employee_number).where(
                Employee.employee_number.startswith(EMPLOYEE_NUMBER_PREFIX, autoescape=True)
            )
        )
    )
    number = 0
    while True:
        number += 1
        candidate = f"{EMPLOYEE_NUMBER_PREFIX}{number:04d}"
        if candidate not in taken:
            yield candidate


def _unit_start(session: Session, unit_id: int) -> date:
    return min(version.effective_from for version in unit_history(session, unit_id))


def create_people(
    session: Session, caller: Caller, external_source: str, plan: ImportPlan
) -> dict[PersonKey, int]:
    """Creates the plan's new people as `caller` (the organization services' rules), each
    with an open employment from their first day, and records each under its person key
    (so a later run finds them); their ids by key. A person whose first day is before
    their unit exists is placed in it from the unit's first day."""
    numbers = _free_employee_numbers(session)
    external_ids = ExternalIdRepository(session, external_source)
    created: dict[PersonKey, int] = {}
    for key, new in plan.new_people.items():
        placed_from = max(new.first_day, _unit_start(session, new.org_unit_id))
        employee, _ = create_employee(
            session,
            caller,
            EmployeeCreate(
                employee_number=next(numbers),
                first_name=new.first_name,
                last_name=new.last_name,
                email=new.email,
                org_unit_id=new.org_unit_id if placed_from == new.first_day else None,
                effective_from=new.first_day,
            ),
        )
        if placed_from != new.first_day:
            add_employee_version(
                session,
                caller,
                employee.id,
                EmployeeVersionCreate(org_unit_id=new.org_unit_id, effective_from=placed_from),
            )
        create_employment(session, caller, employee.id, EmploymentCreate(starts_on=new.first_day))
        external_ids.add(person_external_id(key), EMPLOYEE, employee.id)
        created[key] = employee.id
    return created
