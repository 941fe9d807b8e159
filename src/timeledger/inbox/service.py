"""The approvals inbox: every item awaiting a decision that is routed to the caller, or to
someone who delegated it to them, oldest first.

Candidates are read per kind from the employees the caller (and each delegator) could be
routed to (their teams, or everyone for holders of `approve:*`) and from the projects
they manage; `approvals/routing.py` then keeps those whose route names them. The cost
grows with the items awaiting within the caller's reach, not with the workspace's
history.
"""

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller, caller_acting_as
from timeledger.access.permissions import Scope
from timeledger.approvals.approvers import REACH_AREA, RoutingBook, delegation_of, routing_book
from timeledger.approvals.project_weeks import (
    ProjectWeek,
    awaiting_project_weeks,
    project_weeks_may_await,
)
from timeledger.approvals.repository import ApprovalRepository
from timeledger.approvals.routing import (
    AREA_OF_KIND,
    KINDS,
    Delegation,
    Kind,
    Reached,
    reached_by,
)
from timeledger.inbox.schemas import InboxCount, InboxItem, InboxPage, InboxSummary
from timeledger.kit.pagination import decode_position, encode_position, invalid_cursor
from timeledger.organization.reach import Access, employee_ids_reached
from timeledger.organization.repository import EmployeeRepository
from timeledger.statements.repository import StatementRepository
from timeledger.timeoff.repository import TimeoffRepository

EVERYONE = None


@dataclass(frozen=True)
class InboxFilter:
    kinds: frozenset[Kind] = frozenset()
    """Empty: every kind."""
    employee_ids: frozenset[int] | None = None
    period_from: date | None = None
    period_to: date | None = None

    def admits_kind(self, kind: Kind) -> bool:
        return not self.kinds or kind in self.kinds

    def admits(self, item: "Waiting") -> bool:
        return (
            (self.employee_ids is None or item.employee_id in self.employee_ids)
            and (self.period_from is None or item.period_end >= self.period_from)
            and (self.period_to is None or item.period_start <= self.period_to)
        )


@dataclass(frozen=True)
class Figures:
    """An item's `InboxSummary` as plain values: only a page's items are rendered."""

    amount: int | None = None
    unit: Literal["days", "hours"] | None = None
    minutes: int | None = None
    norm_minutes: int | None = None
    overtime_minutes: int | None = None
    entries: int | None = None


@dataclass(frozen=True)
class Waiting:
    """An item awaiting a decision, before it is routed."""

    kind: Kind
    id: str
    employee_id: int
    project_id: int | None
    period_start: date
    period_end: date
    requested_at: datetime
    figures: Figures
    href: str


@dataclass
class Principals:
    """The caller and the delegators whose items reach them today, with the kinds each
    one's delegations cover."""

    caller: Caller
    delegations: list[Delegation]
    delegators: dict[int, Caller] = field(default_factory=dict)

    def for_kind(self, kind: Kind, day: date) -> list[Caller]:
        acting = [self.caller]
        for delegation in self.delegations:
            delegator = self.delegators.get(delegation.delegator_user_id)
            if delegator is not None and delegation.covers(kind, day):
                acting.append(delegator)
        return acting


def inbox_page(
    session: Session, caller: Caller, wanted: InboxFilter, limit: int, cursor: str | None
) -> InboxPage:
    reached = _reached(session, caller, wanted)
    if cursor is not None:
        after = _cursor_position(cursor)
        reached = [found for found in reached if _position(found[0]) > after]
    page = _rendered(session, caller, reached[:limit])
    more = len(reached) > limit
    return InboxPage(items=page, next_cursor=encode_position(_position(page[-1])) if more else None)


def inbox_count(session: Session, caller: Caller, wanted: InboxFilter) -> InboxCount:
    reached = _reached(session, caller, wanted)
    by_kind: dict[Kind, int] = dict.fromkeys(KINDS, 0)
    for item, _how in reached:
        by_kind[item.kind] += 1
    return InboxCount(count=len(reached), by_kind=by_kind)


def _position(item: "Waiting | InboxItem") -> tuple[datetime, str, str]:
    return (item.requested_at, item.kind, item.id)


def _cursor_position(cursor: str) -> tuple[datetime, str, str]:
    """The position `cursor` names (400 unless it holds an instant and two strings, as
    `_position` does: anything else would not compare with an item's position)."""
    requested_at, kind, item_id = decode_position(cursor, 3)
    if not (
        isinstance(requested_at, datetime) and isinstance(kind, str) and isinstance(item_id, str)
    ):
        raise invalid_cursor()
    return requested_at, kind, item_id


def _reached(
    session: Session, caller: Caller, wanted: InboxFilter
) -> list[tuple[Waiting, Reached]]:
    """Everything awaiting the caller's decision that `wanted` admits, oldest first, with
    how it reaches them; not rendered yet: a page reads the names of its own items only and
    renders only them, a count none."""
    book = routing_book(session, caller.workspace_id)
    principals = _principals(session, caller, book.day)
    pools: dict[tuple[int, ...], frozenset[int]] = {}
    waiting = [
        item
        for kind in KINDS
        if wanted.admits_kind(kind)
        for item in _waiting(
            session, caller, principals.for_kind(kind, book.day), kind, book, pools
        )
        if wanted.admits(item)
    ]
    book.place({item.employee_id for item in waiting})
    book.know_project_managers({item.project_id for item in waiting if item.project_id})
    reached: list[tuple[Waiting, Reached]] = []
    readable: dict[Kind, set[int] | None] = {}
    for item in waiting:
        employee_user = book.placement(item.employee_id).user_id
        route = book.route(item.kind, item.employee_id, item.project_id)
        how = reached_by(
            route, item.kind, employee_user, caller.user_id, principals.delegations, book.day
        )
        if how is None:
            continue
        if how.on_behalf_of_user_id is not None:
            # A delegate sees only the employees they may read (their rights may have
            # shrunk, or the team grown, since the delegation was made).
            if item.kind not in readable:
                readable[item.kind] = employee_ids_reached(
                    session, caller, REACH_AREA[item.kind], Access.READ, book.day
                )
            people = readable[item.kind]
            if people is not None and item.employee_id not in people:
                continue
        reached.append((item, how))
    reached.sort(key=lambda found: _position(found[0]))
    return reached


def _rendered(
    session: Session, caller: Caller, reached: list[tuple[Waiting, Reached]]
) -> list[InboxItem]:
    day = routing_book(session, caller.workspace_id).day
    names = ApprovalRepository(session).names({item.employee_id for item, _ in reached}, day)
    return [
        InboxItem(
            kind=item.kind,
            id=item.id,
            employee_id=item.employee_id,
            employee_name=names.get(item.employee_id, ""),
            project_id=item.project_id,
            period_start=item.period_start,
            period_end=item.period_end,
            summary=InboxSummary(**asdict(item.figures)),
            requested_at=item.requested_at,
            via=how.via,
            on_behalf_of_user_id=how.on_behalf_of_user_id,
            href=item.href,
        )
        for item, how in reached
    ]


def _principals(session: Session, caller: Caller, day: date) -> Principals:
    repository = ApprovalRepository(session)
    delegations = [
        delegation_of(row)
        for row in repository.delegations_in_force(day, delegate_user_ids=[caller.user_id])
    ]
    principals = Principals(caller, delegations)
    people = repository.people(d.delegator_user_id for d in delegations)  # one query for all
    for delegator_id, person in sorted(people.items()):
        principals.delegators[delegator_id] = caller_acting_as(person, "delegation")
    return principals


def _pool(
    session: Session,
    acting: list[Caller],
    kind: Kind,
    day: date,
    known: dict[tuple[int, ...], frozenset[int]],
) -> frozenset[int] | None:
    """The employees whose items of `kind` could be routed to any of `acting`: everyone
    (None) when one approves everyone, else the teams of those who approve theirs (read
    once per set of managers: `known`, as the kinds mostly share it)."""
    area = AREA_OF_KIND[kind]
    scopes = {caller.user_id: caller.scope_for(area, "approve") for caller in acting}
    if Scope.ALL in scopes.values():
        return EVERYONE
    managers = tuple(sorted(user for user, scope in scopes.items() if scope is Scope.TEAM))
    if managers not in known:
        known[managers] = frozenset(EmployeeRepository(session).teams_employee_ids(managers, day))
    return known[managers]


def _waiting(
    session: Session,
    caller: Caller,
    acting: list[Caller],
    kind: Kind,
    book: RoutingBook,
    pools: dict[tuple[int, ...], frozenset[int]],
) -> Iterable[Waiting]:
    if kind == "project_entries" and not project_weeks_may_await(session, book.day):
        return ()
    pool = _pool(session, acting, kind, book.day, pools)
    if kind == "statement":
        return _statements(session, pool) if pool is None or pool else ()
    if kind == "timeoff":
        return _timeoffs(session, pool) if pool is None or pool else ()
    managed = ApprovalRepository(session).projects_managed_by(a.user_id for a in acting)
    return _project_weeks(session, caller.workspace_id, book.day, pool, managed)


def _statements(session: Session, pool: Collection[int] | None) -> list[Waiting]:
    return [
        Waiting(
            kind="statement",
            id=str(row.id),
            employee_id=row.employee_id,
            project_id=None,
            period_start=row.period_start,
            period_end=row.period_end,
            requested_at=row.submitted_at,
            figures=Figures(
                minutes=row.worked_minutes,
                norm_minutes=row.norm_minutes,
                overtime_minutes=row.overtime_minutes,
            ),
            href=f"/api/timesheet/statements/{row.id}",
        )
        for row in StatementRepository(session).submitted(pool)
    ]


def _timeoffs(session: Session, pool: Collection[int] | None) -> list[Waiting]:
    return [
        Waiting(
            kind="timeoff",
            id=str(row.id),
            employee_id=row.employee_id,
            project_id=None,
            period_start=row.start_day,
            period_end=row.end_day,
            requested_at=row.created_at,
            figures=Figures(amount=row.amount, unit=row.unit),
            href=f"/api/employees/{row.employee_id}/timeoffs/{row.id}",
        )
        for row in TimeoffRepository(session).requested(pool)
    ]


def _project_weeks(
    session: Session,
    workspace_id: int,
    today: date,
    pool: frozenset[int] | None,
    managed_projects: set[int],
) -> list[Waiting]:
    weeks: dict[str, ProjectWeek] = {}
    if pool is None or pool:
        for week in awaiting_project_weeks(session, workspace_id, today, employee_ids=pool):
            weeks[week.item_id] = week
    if pool is not None and managed_projects:
        for week in awaiting_project_weeks(
            session, workspace_id, today, project_ids=managed_projects
        ):
            weeks[week.item_id] = week
    return [
        Waiting(
            kind="project_entries",
            id=week.item_id,
            employee_id=week.employee_id,
            project_id=week.project_id,
            period_start=week.week_start,
            period_end=week.week_end,
            requested_at=week.requested_at,
            figures=Figures(minutes=week.minutes, entries=week.entries),
            href=(
                f"/api/employees/{week.employee_id}/timesheet/entries?project_id="
                f"{week.project_id}&approval_status=under_approval&from={week.week_start}"
                f"&to={week.week_end}"
            ),
        )
        for week in weeks.values()
    ]
