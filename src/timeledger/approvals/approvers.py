"""Who an item awaits today: the routing's inputs read once per session and day, and the
route of each item (`approvals/routing.py` decides; this module only loads)."""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from timeledger.approvals.repository import NOWHERE, ApprovalRepository, Placement
from timeledger.approvals.routing import (
    AREA_OF_KIND,
    Approvers,
    Delegation,
    Kind,
    OrgChart,
    Route,
    approving_chain,
    route_along,
    route_of_project_week,
)
from timeledger.models import ApprovalDelegation
from timeledger.organization.reach import Area
from timeledger.organization.today import workspace_today

BOOK_KEY = "approval_routing_book"
REACH_AREA: dict[Kind, Area] = {
    kind: next(area for area in Area if area.value.permission_area == name)
    for kind, name in AREA_OF_KIND.items()
}
"""The area of `organization.reach` whose scopes read and approve an item of each kind."""


@dataclass
class RoutingBook:
    """The org chart, the approvers of each area and the employees' places on one day; each
    part read on first use and kept for the session (a bulk decision routes a hundred
    items)."""

    session: Session
    day: date
    chart: OrgChart
    _approvers: dict[str, Approvers] = field(default_factory=dict)
    _placements: dict[int, Placement] = field(default_factory=dict)
    _units_placed: set[int] = field(default_factory=set)
    _team_units: dict[frozenset[int], frozenset[int]] = field(default_factory=dict)
    _teams: dict[frozenset[int], frozenset[int]] = field(default_factory=dict)
    _project_managers: dict[int, frozenset[int]] = field(default_factory=dict)
    _chains: dict[tuple[str, int | None], tuple[frozenset[int], ...]] = field(default_factory=dict)

    @property
    def repository(self) -> ApprovalRepository:
        return ApprovalRepository(self.session)

    def approvers(self, kind: Kind) -> Approvers:
        if not self._approvers:
            managers = {user for users in self.chart.managers_of.values() for user in users}
            areas = set(AREA_OF_KIND.values())
            self._approvers.update(self.repository.approvers(areas, managers))
        return self._approvers[AREA_OF_KIND[kind]]

    def place(self, employee_ids: Collection[int]) -> None:
        """Read where the employees not placed yet sit (one query for all of them)."""
        missing = set(employee_ids) - self._placements.keys()
        if missing:
            found = self.repository.placements(missing, self.day)
            self._placements.update({e: found.get(e, NOWHERE) for e in missing})

    def know_placements(self, placements: dict[int, Placement]) -> None:
        """Where employees sit today, read along with their items."""
        self._placements.update(placements)

    def team_units(self, manager_user_ids: Collection[int]) -> frozenset[int]:
        """The live units the users manage and those below them, from the chart."""
        managers = frozenset(manager_user_ids)
        found = self._team_units.get(managers)
        if found is None:
            found = self._team_units[managers] = self.chart.teams_of(managers)
        return found

    def teams(self, manager_user_ids: Collection[int]) -> frozenset[int]:
        """The live employees placed today in a unit the users manage or below it (their
        teams together, as `EmployeeRepository.teams_employee_ids` finds them in SQL),
        worked out from the chart; each unit's employees are read once, and placed as they
        are: routing their items reads no more."""
        managers = frozenset(manager_user_ids)
        if managers in self._teams:
            return self._teams[managers]
        units = self.team_units(managers)
        unread = units - self._units_placed
        if unread:
            self._placements.update(self.repository.placements(None, self.day, unit_ids=unread))
            self._units_placed |= unread
        team = self._teams[managers] = frozenset(
            employee_id
            for employee_id, placement in self._placements.items()
            if placement.org_unit_id in units
        )
        return team

    def placement(self, employee_id: int) -> Placement:
        found = self._placements.get(employee_id)
        if found is None:  # an inbox asks about every item twice: no set built per ask
            self.place([employee_id])
            found = self._placements[employee_id]
        return found

    def know_project_managers(self, project_ids: Collection[int]) -> None:
        missing = set(project_ids) - self._project_managers.keys()
        if missing:
            self._project_managers.update(self.repository.project_managers(missing))

    def project_managers(self, project_id: int) -> frozenset[int]:
        self.know_project_managers([project_id])
        return self._project_managers[project_id]

    def route(self, kind: Kind, employee_id: int, project_id: int | None = None) -> Route:
        placement = self.placement(employee_id)
        approvers = self.approvers(kind)
        chain_key = (AREA_OF_KIND[kind], placement.org_unit_id)
        chain = self._chains.get(chain_key)
        if chain is None:  # the employees of a unit share it: worked out once per unit
            chain = self._chains[chain_key] = approving_chain(
                self.chart, placement.org_unit_id, approvers
            )
        up = route_along(chain, placement.user_id, approvers)
        if kind != "project_entries" or project_id is None:
            return up
        return route_of_project_week(self.project_managers(project_id), placement.user_id, up)


def routing_book(session: Session, workspace_id: int) -> RoutingBook:
    day = workspace_today(session, workspace_id)
    books: dict[date, RoutingBook] = session.info.setdefault(BOOK_KEY, {})
    if day not in books:
        books[day] = RoutingBook(session, day, ApprovalRepository(session).org_chart(day))
    return books[day]


def forget_routing(session: Session) -> None:
    """Drop what routing read (after the org tree, a role or a manager changed)."""
    session.info.pop(BOOK_KEY, None)


def delegation_of(row: ApprovalDelegation) -> Delegation:
    return Delegation(
        delegator_user_id=row.delegator_user_id,
        delegate_user_id=row.delegate_user_id,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        kinds=frozenset(row.kinds),  # type: ignore[arg-type]
    )
