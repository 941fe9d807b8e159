"""The SQL of approvals: what routing reads (the org tree, who holds which approve
permission, where employees sit, who manages projects), delegations, decisions, and the
entries of project weeks awaiting approval."""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from timeledger.access.permissions import Scope, widest_scope
from timeledger.approvals.routing import Approvers, OrgChart
from timeledger.kit.membership import among
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
from timeledger.organization.repository import EMPLOYEE_VERSIONS, UNIT_VERSIONS

UNDER_APPROVAL = "under_approval"


@dataclass(frozen=True)
class Placement:
    """Where an employee sits on a day: their org unit and their user; and their name
    then."""

    org_unit_id: int | None
    user_id: int | None
    name: str = ""


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

    # What routing reads

    def org_chart(self, day: date) -> OrgChart:
        parents = self.session.execute(
            select(OrgUnitVersion.org_unit_id, OrgUnitVersion.parent_id)
            .join(OrgUnit, OrgUnit.id == OrgUnitVersion.org_unit_id)
            .where(OrgUnit.deleted_at.is_(None), UNIT_VERSIONS.in_force_on(day))
        )
        managers: dict[int, set[int]] = defaultdict(set)
        for unit_id, user_id in self.session.execute(
            select(OrgUnitManager.org_unit_id, OrgUnitManager.user_id)
        ):
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
        for role_id, permissions in self.session.execute(select(Role.id, Role.permissions)):
            for area in areas:
                scope = widest_scope(permissions, area, "approve")
                if scope is not None and scope >= Scope.TEAM:
                    team_roles[area].add(role_id)
                if scope is Scope.ALL:
                    all_roles[area].add(role_id)
        any_team = set().union(*team_roles.values())
        any_all = set().union(*all_roles.values())
        found = (
            list(
                self.session.execute(
                    select(User.id, User.role_id).where(
                        User.kind == "person",
                        User.status == "active",
                        User.role_id.in_(sorted(any_team)),
                        or_(User.id.in_(sorted(among)), User.role_id.in_(sorted(any_all))),
                    )
                )
            )
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
            statement = statement.where(among(self.session, Employee.id, employee_ids))
        if unit_ids is not None:
            statement = statement.where(among(self.session, EmployeeVersion.org_unit_id, unit_ids))
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

    def people(self, user_ids: Iterable[int]) -> dict[int, User]:
        """`person` of several ids in one query: the active people among them, by id."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        return {
            user.id: user
            for user in self.session.scalars(
                select(User).where(
                    User.id.in_(wanted), User.kind == "person", User.status == "active"
                )
            )
        }

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
            TimeEntry.approval_status == UNDER_APPROVAL,
            TimeEntry.project_id.is_not(None),
            TimeEntry.employee_id.in_(select(Employee.id).where(Employee.deleted_at.is_(None))),
        )
        if employee_ids is not None:
            statement = statement.where(among(self.session, TimeEntry.employee_id, employee_ids))
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
                mine.append(
                    among(self.session, ApprovalDecision.employee_id, concerning_employee_ids)
                )
            statement = statement.where(or_(*mine))
        if kinds:
            statement = statement.where(ApprovalDecision.kind.in_(sorted(set(kinds))))
        if employee_ids is not None:
            statement = statement.where(
                among(self.session, ApprovalDecision.employee_id, employee_ids)
            )
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
