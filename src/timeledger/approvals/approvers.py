"""Who an item awaits today: the routing's inputs read once per session and day, and the
route of each item (`approvals/routing.py` decides; this module only loads)."""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from timeledger.approvals.repository import ApprovalRepository, Placement
from timeledger.approvals.routing import (
    AREA_OF_KIND,
    Approvers,
    Delegation,
    Kind,
    OrgChart,
    Route,
    route_of_project_week,
    route_up,
)
from timeledger.models import ApprovalDelegation
from timeledger.organization.today import workspace_today

BOOK_KEY = "approval_routing_book"
NOWHERE = Placement(None, None)


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
    _project_managers: dict[int, frozenset[int]] = field(default_factory=dict)

    @property
    def repository(self) -> ApprovalRepository:
        return ApprovalRepository(self.session)

    def approvers(self, kind: Kind) -> Approvers:
        area = AREA_OF_KIND[kind]
        if area not in self._approvers:
            managers = {user for users in self.chart.managers_of.values() for user in users}
            self._approvers[area] = self.repository.approvers(area, managers)
        return self._approvers[area]

    def place(self, employee_ids: Collection[int]) -> None:
        """Read where the employees not placed yet sit (one query for all of them)."""
        missing = set(employee_ids) - self._placements.keys()
        if missing:
            found = self.repository.placements(missing, self.day)
            self._placements.update({e: found.get(e, NOWHERE) for e in missing})

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

    def route(self, kind: Kind, employee_id: int, project_id: int | None = None) -> Route:
        placement = self.placement(employee_id)
        up = route_up(self.chart, placement.org_unit_id, placement.user_id, self.approvers(kind))
        if kind != "project_entries" or project_id is None:
            return up
        self.know_project_managers([project_id])
        return route_of_project_week(self._project_managers[project_id], placement.user_id, up)


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
