"""Queries on org units, employees and employments; tenant scoping comes from the session."""

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import CTE, CompoundSelect, Select, bindparam, false, func, or_, select, union
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from timeledger.access.caller import PERSON, Caller
from timeledger.access.permissions import Scope
from timeledger.kit.kept import KeptAnswers
from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.kit.rows import rows_by
from timeledger.kit.versioning import VersionHistory
from timeledger.models import (
    Employee,
    EmployeeVersion,
    Employment,
    EmploymentTerms,
    EmploymentTermsVersion,
    OrgUnit,
    OrgUnitManager,
    OrgUnitVersion,
    User,
)

UNIT_VERSIONS = VersionHistory(OrgUnitVersion, OrgUnitVersion.org_unit_id)
EMPLOYEE_VERSIONS = VersionHistory(EmployeeVersion, EmployeeVersion.employee_id)
TERMS_VERSIONS = VersionHistory(EmploymentTermsVersion, EmploymentTermsVersion.employment_terms_id)
# A tree deeper than this is refused; it also bounds every walk up the tree.
MAX_TREE_DEPTH = 64


def subtree_of(roots: Collection[int] | Select[int], day: date) -> CTE:
    """The units `roots` names and every unit below them on `day`, as a recursive query
    (UNION drops units met again, so even a cycle ends)."""
    first = (
        select(OrgUnit.id.label("id")).where(OrgUnit.id.in_(roots), OrgUnit.deleted_at.is_(None))
    ).cte("subtree", recursive=True)
    below = (
        select(OrgUnitVersion.org_unit_id)
        .join(OrgUnit, OrgUnit.id == OrgUnitVersion.org_unit_id)
        .join(first, OrgUnitVersion.parent_id == first.c.id)
        .where(OrgUnit.deleted_at.is_(None), UNIT_VERSIONS.in_force_on(day))
    )
    return first.union(below)


def teams_statement(manager_user_ids: Collection[int], day: date) -> Select[int]:
    """The live employees placed on `day` in a unit one of the managers manages or in any
    unit below it: one statement, to run or to filter another by."""
    managed = select(OrgUnitManager.org_unit_id).where(
        OrgUnitManager.user_id.in_(sorted(set(manager_user_ids)))
    )
    tree = subtree_of(managed, day)
    return (
        select(EmployeeVersion.employee_id)
        .join(Employee, Employee.id == EmployeeVersion.employee_id)
        .where(
            Employee.deleted_at.is_(None),
            EmployeeVersion.org_unit_id.in_(select(tree.c.id)),
            EMPLOYEE_VERSIONS.in_force_on(day),
        )
    )


def ids_in_scope_statement(
    caller: Caller, scope: Scope | None, day: date
) -> Select[int] | CompoundSelect[int] | None:
    """The ids of the live employees a scope reaches on `day` (the caller's own, and for
    `team` those of their teams), as one statement to run or to filter another by; None
    means all of them."""
    if scope is Scope.ALL:
        return None
    if scope is None:
        return select(Employee.id).where(false())
    own = select(Employee.id).where(
        Employee.user_id == caller.user_id, Employee.deleted_at.is_(None)
    )
    if scope is Scope.TEAM:
        return union(own, teams_statement([caller.user_id], day))
    return own


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_LIVE_EMPLOYEES = select(Employee).where(Employee.deleted_at.is_(None))
_EMPLOYEE_OF_USER = select(Employee).where(Employee.user_id == bindparam("user_id"))
_LIVE_EMPLOYEE_BY_ID = _LIVE_EMPLOYEES.where(Employee.id == bindparam("employee_id"))
_EMPLOYEES_BY_ID = select(Employee).where(
    Employee.id.in_(bindparam("employee_ids", expanding=True))
)
_PERIODS_OF_EMPLOYEES = (
    select(Employment)
    .where(Employment.employee_id.in_(bindparam("employee_ids", expanding=True)))
    .order_by(Employment.employee_id, Employment.starts_on)
)
"""Built once, as the statements of visible users (`users.repository`)."""


class OrgUnitRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, unit_id: int) -> OrgUnit | None:
        unit = self.session.get(OrgUnit, unit_id)
        return unit if unit is not None and unit.deleted_at is None else None

    def get_deleted(self, unit_id: int) -> OrgUnit | None:
        unit = self.session.get(OrgUnit, unit_id)
        return unit if unit is not None and unit.deleted_at is not None else None

    def matching(
        self,
        day: date,
        *,
        parent_id: int | None = None,
        unit_type: str | None = None,
        text: str | None = None,
        unit_types: Sequence[str] = (),
        unit_ids: Iterable[int] | None = None,
        active: bool | None = None,
    ) -> Select[OrgUnit]:
        """Live units in force on `day`, filtered by the values of that day's version."""
        statement = (
            select(OrgUnit)
            .join(OrgUnitVersion, OrgUnitVersion.org_unit_id == OrgUnit.id)
            .where(OrgUnit.deleted_at.is_(None), UNIT_VERSIONS.in_force_on(day))
        )
        if parent_id is not None:
            statement = statement.where(OrgUnitVersion.parent_id == parent_id)
        if unit_type is not None:
            statement = statement.where(OrgUnitVersion.type == unit_type)
        if text:
            statement = statement.where(
                func.lower(OrgUnitVersion.name).like(_like(text), escape="\\")
            )
        if unit_types:
            statement = statement.where(OrgUnitVersion.type.in_(sorted(set(unit_types))))
        if unit_ids is not None:
            statement = statement.where(OrgUnit.id.in_(sorted(set(unit_ids))))
        if active is not None:
            still_valid = OrgUnitVersion.valid_to.is_(None) | (OrgUnitVersion.valid_to >= day)
            statement = statement.where(still_valid if active else ~still_valid)
        return statement

    def named(self, names: Iterable[str], day: date) -> dict[str, list[int]]:
        """Live units whose name in force on `day` is one of `names` exactly."""
        wanted = sorted(set(names))
        found: dict[str, list[int]] = {name: [] for name in wanted}
        if not wanted:
            return found
        rows = self.session.execute(
            select(OrgUnitVersion.name, OrgUnit.id)
            .join(OrgUnit, OrgUnitVersion.org_unit_id == OrgUnit.id)
            .where(
                OrgUnit.deleted_at.is_(None),
                UNIT_VERSIONS.in_force_on(day),
                OrgUnitVersion.name.in_(wanted),
            )
            .order_by(OrgUnit.id)
        )
        for name, unit_id in rows:
            found[name].append(unit_id)
        return found

    def versions_on(self, unit_ids: Sequence[int], day: date) -> dict[int, OrgUnitVersion]:
        return UNIT_VERSIONS.in_force_for(self.session, unit_ids, day)

    def manager_ids(self, unit_ids: Sequence[int]) -> dict[int, list[int]]:
        result: dict[int, list[int]] = {unit_id: [] for unit_id in unit_ids}
        if not unit_ids:
            return result
        rows = self.session.execute(
            select(OrgUnitManager.org_unit_id, OrgUnitManager.user_id)
            .where(OrgUnitManager.org_unit_id.in_(unit_ids))
            .order_by(OrgUnitManager.user_id)
        )
        for unit_id, user_id in rows:
            result[unit_id].append(user_id)
        return result

    def managers_of(self, unit_id: int) -> list[OrgUnitManager]:
        return list(
            self.session.scalars(
                select(OrgUnitManager).where(OrgUnitManager.org_unit_id == unit_id)
            )
        )

    def live_in_force(self, unit_id: int, day: date) -> OrgUnitVersion | None:
        """The version of a live unit in force on `day`, None if it is not effective then."""
        if self.get(unit_id) is None:
            return None
        version = UNIT_VERSIONS.as_of(self.session, unit_id, day)
        if version is None or (version.valid_to is not None and version.valid_to < day):
            return None
        return version

    def children_on(self, unit_ids: Iterable[int], day: date) -> set[int]:
        frontier = list(unit_ids)
        if not frontier:
            return set()
        return set(
            self.session.scalars(
                select(OrgUnitVersion.org_unit_id)
                .join(OrgUnit, OrgUnit.id == OrgUnitVersion.org_unit_id)
                .where(
                    OrgUnit.deleted_at.is_(None),
                    OrgUnitVersion.parent_id.in_(frontier),
                    UNIT_VERSIONS.in_force_on(day),
                )
            )
        )

    def subtree(self, unit_ids: Iterable[int], day: date) -> set[int]:
        """The units and every unit below them on `day`, in one query."""
        roots = sorted(set(unit_ids))
        if not roots:
            return set()
        return set(self.session.scalars(select(subtree_of(roots, day).c.id)))

    def version_dates_from(self, day: date) -> list[date]:
        """The distinct dates from `day` on at which some unit's version takes effect."""
        return sorted(
            self.session.scalars(
                select(OrgUnitVersion.effective_from)
                .where(OrgUnitVersion.effective_from > day)
                .distinct()
            )
        )

    def referencing(self, unit_id: int, day: date) -> tuple[list[int], list[int]]:
        """Live units and employees whose version in force on `day`, or a later one, names
        `unit_id` as parent or org unit."""
        current_or_later_unit = or_(
            UNIT_VERSIONS.in_force_on(day), OrgUnitVersion.effective_from > day
        )
        children = self.session.scalars(
            select(OrgUnitVersion.org_unit_id)
            .join(OrgUnit, OrgUnit.id == OrgUnitVersion.org_unit_id)
            .where(
                OrgUnit.deleted_at.is_(None),
                OrgUnitVersion.parent_id == unit_id,
                current_or_later_unit,
            )
            .distinct()
        )
        current_or_later_employee = or_(
            EMPLOYEE_VERSIONS.in_force_on(day), EmployeeVersion.effective_from > day
        )
        employees = self.session.scalars(
            select(EmployeeVersion.employee_id)
            .join(Employee, Employee.id == EmployeeVersion.employee_id)
            .where(
                Employee.deleted_at.is_(None),
                EmployeeVersion.org_unit_id == unit_id,
                current_or_later_employee,
            )
            .distinct()
        )
        return sorted(children), sorted(employees)

    def units_managed_by(self, *user_ids: int) -> set[int]:
        if not user_ids:
            return set()
        return set(
            self.session.scalars(
                select(OrgUnitManager.org_unit_id)
                .join(OrgUnit, OrgUnit.id == OrgUnitManager.org_unit_id)
                .where(
                    OrgUnitManager.user_id.in_(sorted(set(user_ids))),
                    OrgUnit.deleted_at.is_(None),
                )
            )
        )

    def live_people(self, user_ids: Sequence[int]) -> set[int]:
        if not user_ids:
            return set()
        return set(
            self.session.scalars(
                select(User.id).where(
                    User.id.in_(user_ids),
                    User.kind == PERSON,
                    User.status.in_(("active", "suspended")),
                )
            )
        )

    def add(self, row: OrgUnit | OrgUnitManager) -> None:
        self.session.add(row)
        self.session.flush()

    def delete_manager(self, row: OrgUnitManager) -> None:
        self.session.delete(row)
        self.session.flush()


EMPLOYEES = Employee.__table__
LIVE_EMPLOYEE_USER = PreparedQuery(
    select(EMPLOYEES.c.user_id).where(
        EMPLOYEES.c.workspace_id == bindparam("workspace_id"),
        EMPLOYEES.c.id == bindparam("employee_id"),
        EMPLOYEES.c.deleted_at.is_(None),
    )
)


class LiveEmployee(NamedTuple):
    user_id: int | None


LIVE_EMPLOYEES = KeptAnswers([Employee.__tablename__], readers_only=True)
"""Whether an employee is live, and their user, kept between the requests that only read:
every read of an employee's timesheet, balances or presence asks it first (a round trip
on PostgreSQL). A request that writes asks the database: it decides whether the write may
happen."""


class EmployeeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def live_ids(self, only: Iterable[int] | None = None) -> list[int]:
        """The live employees (of `only`, when given), by id: whom a nightly job goes
        through."""
        statement = select(Employee.id).where(Employee.deleted_at.is_(None)).order_by(Employee.id)
        if only is not None:
            statement = statement.where(Employee.id.in_(sorted(set(only))))
        return list(self.session.scalars(statement))

    def live(self, workspace_id: int, employee_id: int) -> LiveEmployee | None:
        """The live employee's user, without loading the employee: what every check of
        reach asks first. An employee the session holds answers for itself; a reader is
        answered from `LIVE_EMPLOYEES` when it can."""
        loaded = self.session.identity_map.get(identity_key(Employee, employee_id))
        if loaded is not None and loaded.workspace_id == workspace_id:
            return LiveEmployee(loaded.user_id) if loaded.deleted_at is None else None

        def read() -> LiveEmployee | None:
            found = rows_in_session(
                self.session,
                LIVE_EMPLOYEE_USER,
                workspace_id=workspace_id,
                employee_id=employee_id,
            )
            return LiveEmployee(found[0].user_id) if found else None

        return LIVE_EMPLOYEES.answer(self.session, (workspace_id, employee_id), read)

    def team_employee_ids(self, manager_user_id: int, day: date) -> set[int]:
        """Live employees whose version in force on `day` lies in a unit the manager
        manages or any unit below it."""
        return self.teams_employee_ids([manager_user_id], day)

    def teams_employee_ids(self, manager_user_ids: Collection[int], day: date) -> set[int]:
        """`team_employee_ids` of several managers at once: their teams together."""
        if not manager_user_ids:
            return set()
        return set(self.session.scalars(teams_statement(manager_user_ids, day)))

    def user_ids_of(self, employee_ids: Iterable[int]) -> set[int]:
        ids = list(employee_ids)
        if not ids:
            return set()
        return {
            user_id
            for user_id in self.session.scalars(
                select(Employee.user_id).where(Employee.id.in_(ids))
            )
            if user_id is not None
        }

    def ids_in_scope(self, caller: Caller, scope: Scope | None, today: date) -> set[int] | None:
        """The employees a scope reaches; None means all of them."""
        statement = ids_in_scope_statement(caller, scope, today)
        return None if statement is None else set(self.session.scalars(statement))

    def visible_to(self, caller: Caller, today: date) -> Select[Employee]:
        return self._within_scope(_LIVE_EMPLOYEES, caller, today)

    def _within_scope(
        self, statement: Select[Employee], caller: Caller, today: date
    ) -> Select[Employee]:
        allowed = self.ids_in_scope(caller, caller.scope_for("employees", "read"), today)
        if allowed is None:
            return statement
        return statement.where(Employee.id.in_(allowed))

    def matching(
        self,
        caller: Caller,
        today: date,
        day: date,
        *,
        org_unit_id: int | None = None,
        text: str | None = None,
        ids: list[int] | None = None,
    ) -> Select[Employee]:
        statement = (
            self.visible_to(caller, today)
            .join(EmployeeVersion, EmployeeVersion.employee_id == Employee.id)
            .where(EMPLOYEE_VERSIONS.in_force_on(day))
        )
        if ids:
            statement = statement.where(Employee.id.in_(ids))
        if org_unit_id is not None:
            statement = statement.where(EmployeeVersion.org_unit_id == org_unit_id)
        if text:
            pattern = _like(text)
            statement = statement.where(
                func.lower(EmployeeVersion.first_name).like(pattern, escape="\\")
                | func.lower(EmployeeVersion.last_name).like(pattern, escape="\\")
                | func.lower(EmployeeVersion.email).like(pattern, escape="\\")
                | func.lower(Employee.employee_number).like(pattern, escape="\\")
            )
        return statement

    def get_visible(self, caller: Caller, today: date, employee_id: int) -> Employee | None:
        statement = self._within_scope(_LIVE_EMPLOYEE_BY_ID, caller, today)
        return self.session.scalars(statement, {"employee_id": employee_id}).one_or_none()

    def ids_in_units(self, unit_ids: Iterable[int], day: date) -> set[int]:
        """Employees whose version in force on `day` places them in one of these units."""
        return set(
            self.session.scalars(
                select(EmployeeVersion.employee_id).where(
                    EmployeeVersion.org_unit_id.in_(sorted(set(unit_ids))),
                    EMPLOYEE_VERSIONS.in_force_on(day),
                )
            )
        )

    def user_ids_in_units(self, unit_ids: Iterable[int], day: date) -> set[int]:
        """The users of the employees placed in these units on `day`."""
        employee_ids = self.ids_in_units(unit_ids, day)
        if not employee_ids:
            return set()
        return {
            user_id
            for user_id in self.session.scalars(
                select(Employee.user_id).where(Employee.id.in_(sorted(employee_ids)))
            )
            if user_id is not None
        }

    def versions_of_users(self, user_ids: Iterable[int], day: date) -> dict[int, EmployeeVersion]:
        """The version in force on `day` of each user's employee record."""
        rows = self.session.execute(
            select(Employee.user_id, EmployeeVersion)
            .join(EmployeeVersion, EmployeeVersion.employee_id == Employee.id)
            .where(Employee.user_id.in_(sorted(set(user_ids))), EMPLOYEE_VERSIONS.in_force_on(day))
        )
        return {user_id: version for user_id, version in rows if user_id is not None}

    def users_of(self, employee_ids: Iterable[int]) -> dict[int, User]:
        rows = self.session.execute(
            select(Employee.id, User)
            .join(User, User.id == Employee.user_id)
            .where(Employee.id.in_(sorted(set(employee_ids))))
        )
        return {employee_id: user for employee_id, user in rows}

    def histories(self, employee_ids: Iterable[int]) -> dict[int, list[EmployeeVersion]]:
        """Every version of these employees, oldest first (of two taking effect on one
        date, the earlier recorded first)."""
        return EMPLOYEE_VERSIONS.histories(self.session, set(employee_ids))

    def load(self, employee_ids: Iterable[int]) -> list[Employee]:
        """These employees in one query: a batch's later reads of each by id find it in
        the session (they are pinned to it)."""
        wanted = sorted(set(employee_ids))
        return list(self.session.scalars(_EMPLOYEES_BY_ID, {"employee_ids": wanted}))

    def versions_on(self, employee_ids: Sequence[int], day: date) -> dict[int, EmployeeVersion]:
        return EMPLOYEE_VERSIONS.in_force_for(self.session, employee_ids, day)

    def get_deleted(self, employee_id: int) -> Employee | None:
        employee = self.session.get(Employee, employee_id)
        return employee if employee is not None and employee.deleted_at is not None else None

    def unlinked_with_email(self, email: str, day: date) -> list[Employee]:
        """Live employees without a user whose version in force on `day` has this email,
        compared case-insensitively."""
        return list(
            self.session.scalars(
                select(Employee)
                .join(EmployeeVersion, EmployeeVersion.employee_id == Employee.id)
                .where(
                    Employee.deleted_at.is_(None),
                    Employee.user_id.is_(None),
                    func.lower(EmployeeVersion.email) == email.lower(),
                    EMPLOYEE_VERSIONS.in_force_on(day),
                )
                .order_by(Employee.id)
            )
        )

    def terms_live(self, terms_id: int) -> bool:
        terms = self.session.get(EmploymentTerms, terms_id)
        return terms is not None and terms.deleted_at is None

    def by_number(self, employee_number: str) -> Employee | None:
        return self.session.scalars(
            select(Employee).where(Employee.employee_number == employee_number)
        ).one_or_none()

    def by_user(self, user_id: int) -> Employee | None:
        return self.session.scalars(_EMPLOYEE_OF_USER, {"user_id": user_id}).first()

    def terms_in_force(self, terms_id: int, day: date) -> bool:
        terms = self.session.get(EmploymentTerms, terms_id)
        if terms is None or terms.deleted_at is not None:
            return False
        return TERMS_VERSIONS.as_of(self.session, terms_id, day) is not None

    def add(self, row: Employee) -> None:
        self.session.add(row)
        self.session.flush()


class EmploymentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of(self, employee_id: int) -> Select[Employment]:
        return select(Employment).where(Employment.employee_id == employee_id)

    def of_employees(self, employee_ids: Collection[int]) -> dict[int, list[Employment]]:
        """The employment periods of each of the employees, in one query."""
        wanted = sorted(set(employee_ids))
        return rows_by(
            self.session, wanted, _PERIODS_OF_EMPLOYEES, attrgetter("employee_id"),
            employee_ids=wanted,
        )  # fmt: skip

    def get(self, employee_id: int, employment_id: int) -> Employment | None:
        return self.session.scalars(
            self.of(employee_id).where(Employment.id == employment_id)
        ).one_or_none()

    def overlapping(
        self, employee_id: int, starts_on: date, ends_on: date | None, except_id: int | None
    ) -> Employment | None:
        statement = self.of(employee_id).where(
            or_(Employment.ends_on.is_(None), Employment.ends_on >= starts_on)
        )
        if ends_on is not None:
            statement = statement.where(Employment.starts_on <= ends_on)
        if except_id is not None:
            statement = statement.where(Employment.id != except_id)
        return self.session.scalars(statement.order_by(Employment.starts_on).limit(1)).first()

    def add(self, row: Employment) -> None:
        self.session.add(row)
        self.session.flush()

    def delete(self, row: Employment) -> None:
        self.session.delete(row)
        self.session.flush()
