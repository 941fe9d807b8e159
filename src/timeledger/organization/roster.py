"""The people of a manager's team pages: the live employees whose timesheet a caller
reads (`reach`), each as their version in force on a day describes them (name, org unit,
time zone), read in one query whatever the team's size."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import CompoundSelect, Select, select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.kit.membership import among
from timeledger.models import Employee, EmployeeVersion
from timeledger.organization.reach import Access, Area, employees_reached_statement
from timeledger.organization.repository import OrgUnitRepository


@dataclass(frozen=True)
class Member:
    employee_id: int
    first_name: str
    last_name: str
    org_unit_id: int | None
    timezone: str | None
    """The zone of the version in force; None means the workspace's."""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Roster:
    members: list[Member]
    """Sorted by name."""
    units: dict[int, str]
    """The units the team's members are placed in (before any filter), by id: their
    names in force."""


def members_on(
    session: Session,
    employee_ids: Collection[int] | Select[int] | CompoundSelect[int] | None,
    day: date,
) -> list[Member]:
    """The live employees of `employee_ids` (a collection or a statement selecting them;
    None: every one) with a version in force on `day`, sorted by name. Their versions up
    to `day` are read in order and the last of each kept: for a whole team that is cheaper
    than asking the database for the one in force of each (a correlated "no later
    version" test per row)."""
    statement = (
        select(
            Employee.id,
            EmployeeVersion.first_name,
            EmployeeVersion.last_name,
            EmployeeVersion.org_unit_id,
            EmployeeVersion.timezone,
        )
        .join(EmployeeVersion, EmployeeVersion.employee_id == Employee.id)
        .where(Employee.deleted_at.is_(None), EmployeeVersion.effective_from <= day)
        .order_by(Employee.id, EmployeeVersion.effective_from, EmployeeVersion.id)
    )
    if isinstance(employee_ids, Select | CompoundSelect):
        statement = statement.where(Employee.id.in_(employee_ids))
    elif employee_ids is not None:
        if not employee_ids:
            return []
        statement = statement.where(among(Employee.id, employee_ids))
    in_force = {row[0]: Member(*row) for row in session.execute(statement)}
    return sorted(
        in_force.values(), key=lambda member: (member.name.casefold(), member.employee_id)
    )


def team_roster(
    session: Session, caller: Caller, day: date, *, org_unit_id: int | None = None
) -> Roster:
    """The employees whose timesheet the caller reads, as placed on `day`; with
    `org_unit_id`, only those placed in that unit."""
    reached = employees_reached_statement(caller, Area.TIMESHEET, Access.READ, day)
    members = members_on(session, reached, day)
    unit_ids = sorted({m.org_unit_id for m in members if m.org_unit_id is not None})
    versions = OrgUnitRepository(session).versions_on(unit_ids, day)
    units = {unit_id: versions[unit_id].name for unit_id in unit_ids if unit_id in versions}
    if org_unit_id is not None:
        members = [member for member in members if member.org_unit_id == org_unit_id]
    return Roster(members, units)
