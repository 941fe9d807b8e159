"""The approvals inbox: every item awaiting a decision that is routed to the caller, or to
someone who delegated it to them, oldest first.

Candidates are read per kind from the employees the caller (and each delegator) could be
routed to (those placed in their teams' units, or everyone for holders of `approve:*`)
and from the projects they manage; `approvals/routing.py` then keeps those whose route
names them. Statements and requests are read in the inbox's order a batch at a time, each
with where its employee sits, and merged, so a page reads about as many rows as it
shows; project weeks (awaiting only until their manager decides) are read whole. A count
routes every item within the caller's reach.
"""

import heapq
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from itertools import islice
from typing import Any, Literal

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller, acting_caller
from timeledger.access.permissions import Scope
from timeledger.approvals.approvers import REACH_AREA, RoutingBook, delegation_of, routing_book
from timeledger.approvals.project_weeks import (
    ProjectWeek,
    awaiting_project_weeks,
    project_weeks_may_await,
)
from timeledger.approvals.repository import ApprovalRepository, AwaitingRead, placement_of
from timeledger.approvals.routing import (
    AREA_OF_KIND,
    KINDS,
    Delegation,
    Kind,
    Reached,
    reached_by,
)
from timeledger.inbox.schemas import InboxCount
from timeledger.kit.pagination import (
    MAX_INT64,
    InstantPosition,
    decode_position,
    encode_position,
    invalid_cursor,
)
from timeledger.organization.reach import Access, Area, reached_by_scopes
from timeledger.statements.repository import StatementRepository
from timeledger.timeoff.repository import TimeoffRepository

EVERYONE = None
MAX_BATCH = 1000
_NUMERIC_ID = re.compile(r"\d{1,18}")
EVERY_ID = -1
"""`InstantPosition.id_above` admitting every row at its instant; `NO_ID` none."""
NO_ID = MAX_INT64


@dataclass(frozen=True)
class InboxFilter:
    kinds: frozenset[Kind] = frozenset()
    """Empty: every kind."""
    employee_ids: frozenset[int] | None = None
    period_from: date | None = None
    period_to: date | None = None

    def admits_kind(self, kind: Kind) -> bool:
        return not self.kinds or kind in self.kinds

    def admits_period(self, item: "Waiting") -> bool:
        return (self.period_from is None or item.period_end >= self.period_from) and (
            self.period_to is None or item.period_start <= self.period_to
        )


@dataclass(frozen=True)
class Figures:
    """An item's `InboxSummary`, written as it is (orjson writes a dataclass as an object
    of its fields in order)."""

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
) -> dict[str, Any]:
    """An `InboxPage` as plain values, for `FastJSONResponse`."""
    after = _cursor_position(cursor) if cursor is not None else None
    book = routing_book(session, caller.workspace_id)
    found = list(islice(_reached(session, book, caller, wanted, after, limit + 1), limit + 1))
    page = found[:limit]
    more = len(found) > limit
    return {
        "items": [_rendered(book, item, how) for item, how in page],
        "next_cursor": encode_position(_position(page[-1][0])) if more else None,
    }


def inbox_count(session: Session, caller: Caller, wanted: InboxFilter) -> InboxCount:
    by_kind: dict[Kind, int] = dict.fromkeys(KINDS, 0)
    book = routing_book(session, caller.workspace_id)
    for item, _how in _reached(session, book, caller, wanted, None, None):
        by_kind[item.kind] += 1
    return InboxCount(count=sum(by_kind.values()), by_kind=by_kind)


Position = tuple[datetime, str, str]
"""Where an item sits in the inbox: requested at, kind, id."""


def _position(item: "Waiting") -> Position:
    return (item.requested_at, item.kind, item.id)


def _cursor_position(cursor: str) -> Position:
    """The position `cursor` names (400 unless it holds an instant, a kind and an id of
    that kind, as `_position` does: anything else would not compare with an item's)."""
    requested_at, kind, item_id = decode_position(cursor, 3)
    if not (
        isinstance(requested_at, datetime)
        and kind in KINDS
        and isinstance(item_id, str)
        and (kind == "project_entries" or _NUMERIC_ID.fullmatch(item_id))
    ):
        raise invalid_cursor()
    return requested_at, kind, item_id


def _resume(kind: Kind, after: Position | None) -> InstantPosition | None:
    """Where the numbered rows of `kind` resume after `after` (the rows of a kind ordered
    before the cursor's at the same instant come after it only at a later instant)."""
    if after is None:
        return None
    requested_at, after_kind, item_id = after
    if kind == after_kind:
        return InstantPosition(requested_at, int(item_id))
    return InstantPosition(requested_at, EVERY_ID if kind > after_kind else NO_ID)


def _reached(
    session: Session,
    book: RoutingBook,
    caller: Caller,
    wanted: InboxFilter,
    after: Position | None,
    first_batch: int | None,
) -> Iterator[tuple[Waiting, Reached]]:
    """Everything awaiting the caller's decision that `wanted` admits, after `after`,
    oldest first, with how it reaches them; not rendered yet: a page renders only its own
    items, a count none.

    Each kind is read in its order, `first_batch` rows at a time (None: all at once) and
    then more as routing passes some by: a page reads about as far as it shows."""
    workspace_id = caller.workspace_id
    principals = _principals(session, caller, book.day)
    router = _Router(caller, book, principals)
    sources = []
    for kind in KINDS:
        if not wanted.admits_kind(kind):
            continue
        if kind == "project_entries" and not project_weeks_may_await(
            session, workspace_id, book.day
        ):
            continue
        acting = principals.for_kind(kind, book.day)
        managers = _team_managers(acting, kind)
        if kind == "project_entries":
            pool = _narrowed(
                EVERYONE if managers is EVERYONE else book.teams(managers), wanted.employee_ids
            )
            weeks = _after(
                _project_weeks(session, workspace_id, book.day, pool, acting, wanted), after
            )
            router.prepare(weeks)
            sources.append(iter(sorted(weeks, key=_position)))
            continue
        units = EVERYONE if managers is EVERYONE else book.team_units(managers)
        if units is not EVERYONE and not units:
            continue
        read = AwaitingRead(
            workspace_id,
            book.day,
            units,
            wanted.employee_ids,
            period_from=wanted.period_from,
            period_to=wanted.period_to,
        )
        source = _statements if kind == "statement" else _timeoffs
        sources.append(
            _in_batches(
                partial(source, session, book, read), _resume(kind, after), first_batch, router
            )
        )
    # Each source is one kind, so the merge orders by instant and kind; within a kind, the
    # database's order (ids as numbers) stands.
    for item in heapq.merge(*sources, key=_position):
        how = router.reached(item)
        if how is not None:
            yield item, how


def _after(items: list["Waiting"], after: Position | None) -> list["Waiting"]:
    if after is None:
        return items
    return [item for item in items if _position(item) > after]


def _narrowed(pool: frozenset[int] | None, wanted: frozenset[int] | None) -> frozenset[int] | None:
    if wanted is None:
        return pool
    return wanted if pool is EVERYONE else pool & wanted


def _in_batches(
    read: Callable[[InstantPosition | None, int | None], "list[Waiting]"],
    after: InstantPosition | None,
    batch: int | None,
    router: "_Router",
) -> Iterator["Waiting"]:
    """The rows `read` finds from after `after` on, `batch` at a time (doubling, up to
    `MAX_BATCH`; None: all at once), each batch made ready for routing as it comes."""
    while True:
        found = read(after, batch)
        router.prepare(found)
        yield from found
        if batch is None or len(found) < batch:
            return
        after = InstantPosition(found[-1].requested_at, int(found[-1].id))
        batch = min(batch * 2, MAX_BATCH)


@dataclass
class _Router:
    """Decides how each item reaches the caller, reading what routing needs a batch at a
    time."""

    caller: Caller
    book: RoutingBook
    principals: Principals
    _read_by_scope: dict[Area, bool | None] = field(default_factory=dict)

    def prepare(self, items: list["Waiting"]) -> None:
        self.book.place({item.employee_id for item in items})
        self.book.know_project_managers({item.project_id for item in items if item.project_id})

    def reached(self, item: "Waiting") -> Reached | None:
        employee_user = self.book.placement(item.employee_id).user_id
        route = self.book.route(item.kind, item.employee_id, item.project_id)
        how = reached_by(
            route,
            item.kind,
            employee_user,
            self.caller.user_id,
            self.principals.delegations,
            self.book.day,
        )
        if how is None or how.on_behalf_of_user_id is None or self._may_read(item):
            return how
        return None

    def _may_read(self, item: "Waiting") -> bool:
        """Whether the caller may read the item's employee: a delegate sees only those
        (their rights may have shrunk, or the team grown, since the delegation was made).
        Never their own (`reached_by` passes those by)."""
        area = REACH_AREA[item.kind]
        if area not in self._read_by_scope:
            self._read_by_scope[area] = reached_by_scopes(
                self.caller.permissions, area, Access.READ, own=False
            )
        by_scope = self._read_by_scope[area]
        if by_scope is not None:
            return by_scope
        unit = self.book.placement(item.employee_id).org_unit_id
        return unit in self.book.team_units([self.caller.user_id])


def _rendered(book: RoutingBook, item: Waiting, how: Reached) -> dict[str, Any]:
    """An `InboxItem` as plain values."""
    return {
        "kind": item.kind,
        "id": item.id,
        "employee_id": item.employee_id,
        "employee_name": book.placement(item.employee_id).name,
        "project_id": item.project_id,
        "period_start": item.period_start,
        "period_end": item.period_end,
        "summary": item.figures,
        "requested_at": item.requested_at,
        "via": how.via,
        "on_behalf_of_user_id": how.on_behalf_of_user_id,
        "href": item.href,
    }


def _principals(session: Session, caller: Caller, day: date) -> Principals:
    rows = ApprovalRepository(session).delegations_to(caller.user_id, day)
    principals = Principals(caller, [delegation_of(row) for row in rows])
    for row in rows:
        if row.delegator_kind is not None:
            principals.delegators[row.delegator_user_id] = acting_caller(
                caller.workspace_id,
                row.delegator_user_id,
                row.delegator_kind,
                row.delegator_role,
                row.delegator_permissions,
                "delegation",
            )
    return principals


def _team_managers(acting: list[Caller], kind: Kind) -> list[int] | None:
    """Those of `acting` whose teams' items of `kind` could be routed to them: None when
    one approves everyone."""
    area = AREA_OF_KIND[kind]
    scopes = {caller.user_id: caller.scope_for(area, "approve") for caller in acting}
    if Scope.ALL in scopes.values():
        return EVERYONE
    return [user for user, scope in scopes.items() if scope is Scope.TEAM]


def _placed(book: RoutingBook, rows: list[Any]) -> list[Any]:
    """`rows` of `AwaitingRead`, their employees' placements made known to routing."""
    book.know_placements(
        {
            row.employee_id: placement_of(
                row.org_unit_id, row.user_id, row.first_name, row.last_name
            )
            for row in rows
        }
    )
    return rows


def _statements(
    session: Session,
    book: RoutingBook,
    read: AwaitingRead,
    after: InstantPosition | None,
    limit: int | None,
) -> list[Waiting]:
    rows = _placed(
        book, StatementRepository(session).submitted(replace(read, after=after, limit=limit))
    )
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
        for row in rows
    ]


def _timeoffs(
    session: Session,
    book: RoutingBook,
    read: AwaitingRead,
    after: InstantPosition | None,
    limit: int | None,
) -> list[Waiting]:
    rows = _placed(
        book, TimeoffRepository(session).requested(replace(read, after=after, limit=limit))
    )
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
        for row in rows
    ]


def _project_weeks(
    session: Session,
    workspace_id: int,
    today: date,
    pool: frozenset[int] | None,
    acting: list[Caller],
    wanted: InboxFilter,
) -> list[Waiting]:
    """Every project week awaiting approval of the employees in `pool` or on the projects
    `acting` manage (read whole: a week awaits only until its manager decides it)."""
    managed_projects = ApprovalRepository(session).projects_managed_by(a.user_id for a in acting)
    weeks: dict[str, ProjectWeek] = {}
    if pool is EVERYONE or pool:
        for week in awaiting_project_weeks(session, workspace_id, today, employee_ids=pool):
            weeks[week.item_id] = week
    if pool is not EVERYONE and managed_projects:
        for week in awaiting_project_weeks(
            session, workspace_id, today, project_ids=managed_projects
        ):
            if wanted.employee_ids is None or week.employee_id in wanted.employee_ids:
                weeks[week.item_id] = week
    waiting = [
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
    return [item for item in waiting if wanted.admits_period(item)]
