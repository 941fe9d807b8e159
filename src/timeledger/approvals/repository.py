"""The SQL of approvals: what routing reads (the org tree, who holds which approve
permission, where employees sit, who manages projects), delegations, decisions, and the
entries of project weeks awaiting approval.

What every routing reads first (the org tree, the approvers, the delegations to the
caller) and the items of an inbox are prepared statements (`kit/prepared.py`): an inbox
runs about ten short reads, and SQLAlchemy's work per ORM read cost more than its SQL.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from timeledger.access.permissions import Scope, widest_scope
from timeledger.approvals.routing import Approvers, OrgChart
from timeledger.kit.membership import among, one_of
from timeledger.kit.pagination import InstantPosition
from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.kit.tenancy import session_workspace_id
from timeledger.models import (
    ApprovalDecision,
    ApprovalDelegation,
    Employee,
    EmployeeVersion,
    OrgUnit,
    OrgUnitManager,
    OrgUnitVersion,
    ProjectMember,
    Role,
    TimeEntry,
    User,
)
from timeledger.models.timesheet import awaiting_approval
from timeledger.organization.repository import EMPLOYEE_VERSIONS, UNIT_VERSIONS

WORKSPACE: BindParameter[int] = bindparam("workspace_id")
DAY = bindparam("day", type_=Date())

UNITS_IN_FORCE = PreparedQuery(
    select(OrgUnitVersion.org_unit_id, OrgUnitVersion.parent_id)
    .join(OrgUnit, OrgUnit.id == OrgUnitVersion.org_unit_id)
    .where(
        OrgUnit.workspace_id == WORKSPACE,
        OrgUnit.deleted_at.is_(None),
        OrgUnitVersion.workspace_id == WORKSPACE,
        UNIT_VERSIONS.in_force_on(DAY),
    )
)
UNIT_MANAGERS = PreparedQuery(
    select(OrgUnitManager.org_unit_id, OrgUnitManager.user_id).where(
        OrgUnitManager.workspace_id == WORKSPACE
    )
)
ROLE_PERMISSIONS = PreparedQuery(
    select(Role.id, Role.permissions).where(Role.workspace_id == WORKSPACE)
)
APPROVING_PEOPLE = PreparedQuery(
    select(User.id, User.role_id).where(
        User.workspace_id == WORKSPACE,
        User.kind == "person",
        User.status == "active",
        one_of(User.role_id, "team_roles"),
        or_(one_of(User.id, "among"), one_of(User.role_id, "all_roles")),
    )
)
DELEGATIONS_TO = PreparedQuery(
    select(
        ApprovalDelegation.delegator_user_id,
        ApprovalDelegation.delegate_user_id,
        ApprovalDelegation.starts_on,
        ApprovalDelegation.ends_on,
        ApprovalDelegation.kinds,
        User.kind.label("delegator_kind"),
        Role.name.label("delegator_role"),
        Role.permissions.label("delegator_permissions"),
    )
    .select_from(ApprovalDelegation)
    .outerjoin(
        User,
        and_(
            User.id == ApprovalDelegation.delegator_user_id,
            User.workspace_id == WORKSPACE,
            User.kind == "person",
            User.status == "active",
        ),
    )
    .outerjoin(Role, and_(Role.id == User.role_id, Role.workspace_id == WORKSPACE))
    .where(
        ApprovalDelegation.workspace_id == WORKSPACE,
        ApprovalDelegation.delegate_user_id == bindparam("delegate_user_id"),
        ApprovalDelegation.starts_on <= DAY,
        ApprovalDelegation.ends_on >= DAY,
    )
    .order_by(ApprovalDelegation.id)
)


class Placement(NamedTuple):
    """Where an employee sits on a day: their org unit and their user; and their name
    then (a tuple: an inbox count makes one per item)."""

    org_unit_id: int | None
    user_id: int | None
    name: str = ""


NOWHERE = Placement(None, None)


def placement_of(
    org_unit_id: int | None, user_id: int | None, first_name: str | None, last_name: str | None
) -> Placement:
    """The placement of a row of `awaiting`'s columns: NOWHERE when no version of the
    employee is in force that day."""
    if first_name is None:
        return NOWHERE
    return Placement(org_unit_id, user_id, f"{first_name} {last_name}".strip())


class AwaitingShape(NamedTuple):
    """Which of its optional criteria a read of items awaiting a decision has: one
    prepared statement per shape."""

    units: bool
    employees: bool
    period_from: bool
    period_to: bool
    after: bool
    limit: bool


@dataclass(frozen=True)
class AwaitingRead:
    """A read of one kind's items awaiting a decision, in the order they started to wait,
    each with where its employee sits on `day` (`awaiting`)."""

    workspace_id: int
    day: date
    units: Collection[int] | None
    """Only the items of employees placed on `day` in these units; None: of every live
    employee, placed or not."""
    employee_ids: Collection[int] | None = None
    period_from: date | None = None
    period_to: date | None = None
    after: InstantPosition | None = None
    limit: int | None = None

    @property
    def shape(self) -> AwaitingShape:
        return AwaitingShape(
            self.units is not None,
            self.employee_ids is not None,
            self.period_from is not None,
            self.period_to is not None,
            self.after is not None,
            self.limit is not None,
        )

    def values(self) -> dict[str, Any]:
        """The parameters of the statement of its shape."""
        values: dict[str, Any] = {"workspace_id": self.workspace_id, "day": self.day}
        optional = {
            "units": self.units,
            "employee_ids": self.employee_ids,
            "period_from": self.period_from,
            "period_to": self.period_to,
            "limit": self.limit,
        }
        values.update((name, value) for name, value in optional.items() if value is not None)
        if self.after is not None:
            values.update(after_at=self.after.at, after_id=self.after.id_above)
        return values


def awaiting(
    statement: Select[*tuple[Any, ...]],
    *,
    employee: InstrumentedAttribute[int],
    first: InstrumentedAttribute[date],
    last: InstrumentedAttribute[date],
    at: InstrumentedAttribute[Any],
    row_id: InstrumentedAttribute[int],
    shape: AwaitingShape,
) -> Select[*tuple[Any, ...]]:
    """`statement` (a kind's columns and its criteria of waiting, in the workspace) with
    its items' employees live, where they sit on the day (org_unit_id, user_id,
    first_name, last_name: see `placement_of`), the criteria of `shape` as parameters,
    ordered by (`at`, `row_id`); run it with `AwaitingRead.values`. Without units, an
    employee placed nowhere that day keeps their items."""
    placed = [EmployeeVersion.employee_id == employee, EmployeeVersion.workspace_id == WORKSPACE]
    if shape.units:
        placed.append(one_of(EmployeeVersion.org_unit_id, "units"))
    statement = (
        statement.add_columns(
            EmployeeVersion.org_unit_id,
            Employee.user_id,
            EmployeeVersion.first_name,
            EmployeeVersion.last_name,
        )
        .join(
            Employee,
            and_(
                Employee.id == employee,
                Employee.workspace_id == WORKSPACE,
                Employee.deleted_at.is_(None),
            ),
        )
        .join(
            EmployeeVersion,
            and_(*placed, EMPLOYEE_VERSIONS.in_force_on(DAY)),
            isouter=not shape.units,
        )
    )
    criteria: list[ColumnElement[bool]] = []
    if shape.employees:
        criteria.append(one_of(employee, "employee_ids"))
    if shape.period_from:
        criteria.append(last >= bindparam("period_from", type_=Date()))
    if shape.period_to:
        criteria.append(first <= bindparam("period_to", type_=Date()))
    if shape.after:
        after_at = bindparam("after_at", type_=at.type)
        criteria.append(or_(at > after_at, and_(at == after_at, row_id > bindparam("after_id"))))
    statement = statement.where(*criteria).order_by(at, row_id)
    return statement.limit(bindparam("limit", type_=Integer())) if shape.limit else statement


@dataclass(frozen=True)
class ProjectDay:
    """An employee's entries of one day on one project awaiting approval."""

    employee_id: int
    project_id: int
    day: date
    minutes: int
    entries: int
    last_updated_at: datetime


class ApprovalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _workspace_id(self) -> int:
        workspace_id = session_workspace_id(self.session)
        assert workspace_id is not None, "routing is read in a workspace's session"
        return workspace_id

    def _rows(self, query: PreparedQuery, **values: Any) -> list[Any]:
        return rows_in_session(self.session, query, workspace_id=self._workspace_id, **values)

    # What routing reads

    def org_chart(self, day: date) -> OrgChart:
        parents = self._rows(UNITS_IN_FORCE, day=day)
        managers: dict[int, set[int]] = defaultdict(set)
        for unit_id, user_id in self._rows(UNIT_MANAGERS):
            managers[unit_id].add(user_id)
        return OrgChart(
            parent_of={unit_id: parent_id for unit_id, parent_id in parents},
            managers_of={unit: frozenset(users) for unit, users in managers.items()},
        )

    def approvers(self, areas: Collection[str], among: Collection[int]) -> dict[str, Approvers]:
        """Per area, the active people holding `area:approve` at `team` or wider among
        `among`, and every active person holding it at `*` (one query of roles, one of
        people, for all the areas)."""
        team_roles: dict[str, set[int]] = {area: set() for area in areas}
        all_roles: dict[str, set[int]] = {area: set() for area in areas}
        for role_id, permissions in self._rows(ROLE_PERMISSIONS):
            for area in areas:
                scope = widest_scope(permissions, area, "approve")
                if scope is not None and scope >= Scope.TEAM:
                    team_roles[area].add(role_id)
                if scope is Scope.ALL:
                    all_roles[area].add(role_id)
        any_team = set().union(*team_roles.values())
        any_all = set().union(*all_roles.values())
        found = (
            self._rows(APPROVING_PEOPLE, team_roles=any_team, among=among, all_roles=any_all)
            if any_team
            else []
        )
        return {
            area: Approvers(
                at_team_or_wider=frozenset(
                    user
                    for user, role in found
                    if role in team_roles[area] and (user in among or role in all_roles[area])
                ),
                at_all=frozenset(user for user, role in found if role in all_roles[area]),
            )
            for area in areas
        }

    def placements(
        self,
        employee_ids: Collection[int] | None,
        day: date,
        *,
        unit_ids: Collection[int] | None = None,
    ) -> dict[int, Placement]:
        """Each live employee's (or each of `employee_ids`', or of those placed in
        `unit_ids`') unit on `day`, user and name."""
        statement = (
            select(
                Employee.id,
                EmployeeVersion.org_unit_id,
                Employee.user_id,
                EmployeeVersion.first_name,
                EmployeeVersion.last_name,
            )
            .join(EmployeeVersion, EmployeeVersion.employee_id == Employee.id)
            .where(Employee.deleted_at.is_(None), EMPLOYEE_VERSIONS.in_force_on(day))
        )
        if employee_ids is not None:
            statement = statement.where(among(Employee.id, employee_ids))
        if unit_ids is not None:
            statement = statement.where(among(EmployeeVersion.org_unit_id, unit_ids))
        return {
            employee_id: Placement(unit_id, user_id, f"{first_name} {last_name}".strip())
            for employee_id, unit_id, user_id, first_name, last_name in self.session.execute(
                statement
            )
        }

    def project_managers(self, project_ids: Iterable[int]) -> dict[int, frozenset[int]]:
        wanted = sorted(set(project_ids))
        found: dict[int, set[int]] = defaultdict(set)
        if wanted:
            for project_id, user_id in self.session.execute(
                select(ProjectMember.project_id, ProjectMember.user_id).where(
                    ProjectMember.project_id.in_(wanted), ProjectMember.is_manager.is_(True)
                )
            ):
                found[project_id].add(user_id)
        return {project_id: frozenset(found.get(project_id, ())) for project_id in wanted}

    def projects_managed_by(self, user_ids: Iterable[int]) -> set[int]:
        wanted = sorted(set(user_ids))
        if not wanted:
            return set()
        return set(
            self.session.scalars(
                select(ProjectMember.project_id).where(
                    ProjectMember.user_id.in_(wanted), ProjectMember.is_manager.is_(True)
                )
            )
        )

    def member_user_ids(self, project_ids: Iterable[int]) -> set[int]:
        wanted = sorted(set(project_ids))
        if not wanted:
            return set()
        return set(
            self.session.scalars(
                select(ProjectMember.user_id).where(ProjectMember.project_id.in_(wanted))
            )
        )

    def employees_of_users(self, user_ids: Iterable[int]) -> set[int]:
        wanted = sorted(set(user_ids))
        if not wanted:
            return set()
        return set(
            self.session.scalars(
                select(Employee.id).where(
                    Employee.user_id.in_(wanted), Employee.deleted_at.is_(None)
                )
            )
        )

    def person(self, user_id: int) -> User | None:
        """The active person with this id (delegators and delegates are people)."""
        user = self.session.get(User, user_id)
        if user is None or user.kind != "person" or user.status != "active":
            return None
        return user

    def delegations_to(self, delegate_user_id: int, day: date) -> list[Any]:
        """The delegations to the user in force on `day`, in the order they were made, with
        their delegator's kind, role name and permissions when the delegator is an active
        person (else None): rows of delegator_user_id, delegate_user_id, starts_on,
        ends_on, kinds, delegator_kind, delegator_role, delegator_permissions."""
        return self._rows(DELEGATIONS_TO, delegate_user_id=delegate_user_id, day=day)

    # Project weeks

    def awaiting_project_days(
        self,
        *,
        employee_ids: Collection[int] | None,
        project_ids: Collection[int] | None,
        first: date | None = None,
        last: date | None = None,
    ) -> list[ProjectDay]:
        """Per employee, project and day, the entries awaiting approval on a project, of the
        given employees or projects (None: any), summed."""
        statement = select(
            TimeEntry.employee_id,
            TimeEntry.project_id,
            TimeEntry.day,
            func.sum(TimeEntry.minutes),
            func.count(),
            func.max(TimeEntry.updated_at),
        ).where(
            awaiting_approval(),
            TimeEntry.project_id.is_not(None),
            TimeEntry.employee_id.in_(select(Employee.id).where(Employee.deleted_at.is_(None))),
        )
        if employee_ids is not None:
            statement = statement.where(among(TimeEntry.employee_id, employee_ids))
        if project_ids is not None:
            statement = statement.where(TimeEntry.project_id.in_(sorted(project_ids)))
        if first is not None:
            statement = statement.where(TimeEntry.day >= first)
        if last is not None:
            statement = statement.where(TimeEntry.day <= last)
        rows = self.session.execute(
            statement.group_by(TimeEntry.employee_id, TimeEntry.project_id, TimeEntry.day)
        )
        return [
            ProjectDay(employee_id, project_id, day, int(minutes), int(entries), updated)
            for employee_id, project_id, day, minutes, entries, updated in rows
            if project_id is not None
        ]

    # Delegations

    def delegations_in_force(
        self,
        day: date,
        *,
        delegate_user_ids: Collection[int] | None = None,
        delegator_user_ids: Collection[int] | None = None,
    ) -> list[ApprovalDelegation]:
        statement = select(ApprovalDelegation).where(
            ApprovalDelegation.starts_on <= day, ApprovalDelegation.ends_on >= day
        )
        if delegate_user_ids is not None:
            statement = statement.where(
                ApprovalDelegation.delegate_user_id.in_(sorted(delegate_user_ids))
            )
        if delegator_user_ids is not None:
            statement = statement.where(
                ApprovalDelegation.delegator_user_id.in_(sorted(delegator_user_ids))
            )
        return list(self.session.scalars(statement.order_by(ApprovalDelegation.id)))

    def delegation(
        self, delegation_id: int, *, for_update: bool = False
    ) -> ApprovalDelegation | None:
        statement = select(ApprovalDelegation).where(ApprovalDelegation.id == delegation_id)
        if for_update:
            statement = statement.with_for_update()
        return self.session.scalars(statement).one_or_none()

    def lock_person(self, user_id: int) -> None:
        """Hold the user's row until commit (PostgreSQL; SQLite writers are serialized):
        changes of one person's delegations take turns, so two cannot both pass the
        overlap check."""
        self.session.execute(select(User.id).where(User.id == user_id).with_for_update())

    def overlapping(
        self, delegator_user_id: int, starts_on: date, ends_on: date, besides: int | None
    ) -> list[ApprovalDelegation]:
        statement = select(ApprovalDelegation).where(
            ApprovalDelegation.delegator_user_id == delegator_user_id,
            ApprovalDelegation.starts_on <= ends_on,
            ApprovalDelegation.ends_on >= starts_on,
        )
        if besides is not None:
            statement = statement.where(ApprovalDelegation.id != besides)
        return list(self.session.scalars(statement.order_by(ApprovalDelegation.id)))

    def delegation_listing(
        self,
        *,
        involving_user_id: int | None,
        delegator_user_id: int | None,
        delegate_user_id: int | None,
        in_force_on: date | None,
    ) -> Select[ApprovalDelegation]:
        statement = select(ApprovalDelegation)
        if involving_user_id is not None:
            statement = statement.where(
                or_(
                    ApprovalDelegation.delegator_user_id == involving_user_id,
                    ApprovalDelegation.delegate_user_id == involving_user_id,
                )
            )
        if delegator_user_id is not None:
            statement = statement.where(ApprovalDelegation.delegator_user_id == delegator_user_id)
        if delegate_user_id is not None:
            statement = statement.where(ApprovalDelegation.delegate_user_id == delegate_user_id)
        if in_force_on is not None:
            statement = statement.where(
                ApprovalDelegation.starts_on <= in_force_on,
                ApprovalDelegation.ends_on >= in_force_on,
            )
        return statement

    def add(self, row: ApprovalDelegation | ApprovalDecision) -> None:
        self.session.add(row)
        self.session.flush()

    def delete(self, row: ApprovalDelegation) -> None:
        self.session.delete(row)
        self.session.flush()

    # Decisions

    def decision_listing(
        self,
        *,
        concerning_user_id: int | None,
        concerning_employee_ids: Collection[int],
        kinds: Collection[str],
        employee_ids: Collection[int] | None,
        decided_by_user_id: int | None,
        on_behalf_of_user_id: int | None,
        decided_from: datetime | None,
        decided_before: datetime | None,
    ) -> Select[ApprovalDecision]:
        statement = select(ApprovalDecision)
        if concerning_user_id is not None:
            mine = [
                ApprovalDecision.decided_by_user_id == concerning_user_id,
                ApprovalDecision.on_behalf_of_user_id == concerning_user_id,
            ]
            if concerning_employee_ids:
                mine.append(among(ApprovalDecision.employee_id, concerning_employee_ids))
            statement = statement.where(or_(*mine))
        if kinds:
            statement = statement.where(ApprovalDecision.kind.in_(sorted(set(kinds))))
        if employee_ids is not None:
            statement = statement.where(among(ApprovalDecision.employee_id, employee_ids))
        if decided_by_user_id is not None:
            statement = statement.where(ApprovalDecision.decided_by_user_id == decided_by_user_id)
        if on_behalf_of_user_id is not None:
            statement = statement.where(
                ApprovalDecision.on_behalf_of_user_id == on_behalf_of_user_id
            )
        if decided_from is not None:
            statement = statement.where(ApprovalDecision.decided_at >= decided_from)
        if decided_before is not None:
            statement = statement.where(ApprovalDecision.decided_at < decided_before)
        return statement
