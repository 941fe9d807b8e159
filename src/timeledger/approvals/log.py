"""The record of approvals: `approval.requested` when an item starts to await a decision,
and `approval.decided` (with a row of the decision history) when someone takes one,
through whichever operation. Each names the users it concerns (the employee, the
approvers and their delegates, whoever decided and on whose behalf), who see it in the
event feed, the stream and webhooks (`events/catalog.py`)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.approvals.approvers import delegation_of, routing_book
from timeledger.approvals.project_weeks import (
    ProjectWeek,
    approval_needs,
    awaiting_project_weeks,
    week_start_of,
)
from timeledger.approvals.repository import ApprovalRepository
from timeledger.approvals.routing import Delegation, Kind, Route, delegates_of
from timeledger.changelog.service import ChangeOf, record_change, record_changes
from timeledger.kit.clock import utcnow
from timeledger.models import ApprovalDecision
from timeledger.organization.today import workspace_today

ENTITY = "approval"
Decision = Literal["approve", "reject"]


@dataclass(frozen=True)
class Item:
    """What awaits (or awaited) a decision: its kind and id, whose it is, which days."""

    kind: Kind
    id: str
    employee_id: int
    period_start: date
    period_end: date
    project_id: int | None = None

    def data(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "employee_id": self.employee_id,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "project_id": self.project_id,
        }


def record_requested(session: Session, caller: Caller, item: Item) -> None:
    """`approval.requested`: the item now waits for its route's approvers."""
    record_requested_all(session, caller, [item])


def record_requested_all(session: Session, caller: Caller, items: Sequence[Item]) -> None:
    """`approval.requested` for each item, in order: the items' routes, their approvers'
    delegations and the change log read and written once for all of them."""
    if not items:
        return
    book = routing_book(session, caller.workspace_id)
    book.place({item.employee_id for item in items})
    book.know_project_managers({i.project_id for i in items if i.project_id is not None})
    routes = [book.route(item.kind, item.employee_id, item.project_id) for item in items]
    delegations = _delegations(session, book.day, {u for r in routes for u in r.user_ids})
    changes: list[ChangeOf] = []
    for item, route in zip(items, routes, strict=True):
        delegates = delegates_of(route.user_ids, item.kind, delegations, book.day)
        employee_user = book.placement(item.employee_id).user_id
        concerned = {*route.user_ids, *delegates, caller.user_id}
        if employee_user is not None:
            concerned.add(employee_user)
        data = {
            **item.data(),
            "via": route.via,
            "approver_user_ids": sorted(route.user_ids),
            "delegate_user_ids": sorted(delegates),
            "user_ids": sorted(concerned),
        }
        changes.append(ChangeOf(ENTITY, item.employee_id, "requested", data))
    record_changes(
        session, workspace_id=caller.workspace_id, actor_user_id=caller.user_id, changes=changes
    )


def _delegations(session: Session, day: date, approver_user_ids: set[int]) -> list[Delegation]:
    """The delegations in force on `day` of these approvers."""
    if not approver_user_ids:
        return []
    rows = ApprovalRepository(session).delegations_in_force(
        day, delegator_user_ids=approver_user_ids
    )
    return [delegation_of(row) for row in rows]


def _awaited_by(session: Session, caller: Caller, item: Item) -> tuple[Route, frozenset[int]]:
    """The item's route today and the delegates of its approvers for its kind."""
    book = routing_book(session, caller.workspace_id)
    route = book.route(item.kind, item.employee_id, item.project_id)
    delegations = _delegations(session, book.day, set(route.user_ids))
    return route, delegates_of(route.user_ids, item.kind, delegations, book.day)


@dataclass(frozen=True)
class Submitted:
    """Entries a write leaves `under_approval`: whose, from `first` to `last`, on which
    projects (None: any of them, as a statement's submission)."""

    employee_id: int
    first: date
    last: date
    project_ids: frozenset[int] | None


class ProjectWeeksWatch:
    """The project weeks a write may make wait, read before the write (`watch_project_weeks`)
    so that `announce`, after it, records `approval.requested` for the weeks that START to
    wait because of it, each once: a week already waiting is not announced again, however
    many of its entries the write submits. One read of the employee's awaiting weeks before
    and one after, per employee of the write (over the whole weeks of its days), and only
    for the employees and projects whose weeks can await at all (`ApprovalNeeds`): a write
    submitting nothing that needs a project manager reads nothing more."""

    def __init__(self, session: Session, caller: Caller, submitted: Iterable[Submitted]) -> None:
        self.session, self.caller = session, caller
        self.reads: dict[int, tuple[date, date, frozenset[int] | None]] = {}
        self.before: set[str] = set()
        spans = _by_employee(submitted)
        if not spans:
            return
        self.today = workspace_today(session, caller.workspace_id)
        self.needs = approval_needs(session, self.today)
        for employee_id, (first, last, projects) in spans.items():
            if employee_id not in self.needs.employees:
                projects = self.needs.projects if projects is None else projects
                projects &= self.needs.projects
                if not projects:
                    continue
            self.reads[employee_id] = (
                week_start_of(session, caller.workspace_id, first),
                _end_of_week(week_start_of(session, caller.workspace_id, last)),
                projects,
            )
        self.before = set(self._awaiting())

    def _awaiting(self) -> dict[str, ProjectWeek]:
        found: dict[str, ProjectWeek] = {}
        for employee_id, (first, last, projects) in self.reads.items():
            for week in awaiting_project_weeks(
                self.session,
                self.caller.workspace_id,
                self.today,
                employee_ids=[employee_id],
                project_ids=projects,
                first=first,
                last=last,
                needs=self.needs,
            ):
                found[week.item_id] = week
        return found

    def announce(self) -> None:
        """`approval.requested` for each week awaiting now that did not before the write."""
        if not self.reads:
            return
        started = [week for item_id, week in self._awaiting().items() if item_id not in self.before]
        started.sort(key=lambda week: (week.employee_id, week.week_start, week.project_id))
        record_requested_all(self.session, self.caller, [project_week_item(w) for w in started])


def watch_project_weeks(
    session: Session, caller: Caller, submitted: Iterable[Submitted]
) -> ProjectWeeksWatch:
    """Call before a write that leaves the `submitted` entries `under_approval` (empty: it
    submits nothing, and costs nothing), then `announce()` after it."""
    return ProjectWeeksWatch(session, caller, submitted)


def _by_employee(
    submitted: Iterable[Submitted],
) -> dict[int, tuple[date, date, frozenset[int] | None]]:
    """The days (from the first to the last) and projects of each employee's submissions."""
    spans: dict[int, tuple[date, date, frozenset[int] | None]] = {}
    for one in submitted:
        known = spans.get(one.employee_id)
        if known is None:
            spans[one.employee_id] = (one.first, one.last, one.project_ids)
            continue
        first, last, projects = known
        spans[one.employee_id] = (
            min(first, one.first),
            max(last, one.last),
            None if projects is None or one.project_ids is None else projects | one.project_ids,
        )
    return spans


def _end_of_week(week_start: date) -> date:
    try:
        return week_start + timedelta(days=6)
    except OverflowError:
        return date.max


def project_week_item(week: ProjectWeek) -> Item:
    return Item(
        "project_entries",
        week.item_id,
        week.employee_id,
        week.week_start,
        week.week_end,
        week.project_id,
    )


def record_decided(
    session: Session,
    caller: Caller,
    item: Item,
    decision: Decision,
    note: str,
    on_behalf_of: Caller | None,
) -> ApprovalDecision:
    """The decision in the history, and `approval.decided`."""
    row = ApprovalDecision(
        workspace_id=caller.workspace_id,
        kind=item.kind,
        item_id=item.id,
        employee_id=item.employee_id,
        period_start=item.period_start,
        period_end=item.period_end,
        decision=decision,
        note=note,
        decided_by_user_id=caller.user_id,
        on_behalf_of_user_id=on_behalf_of.user_id if on_behalf_of is not None else None,
        decided_at=utcnow(),
    )
    ApprovalRepository(session).add(row)
    employee_user = routing_book(session, caller.workspace_id).placement(item.employee_id).user_id
    route, delegates = _awaited_by(session, caller, item)
    concerned = {user for user in (caller.user_id, row.on_behalf_of_user_id, employee_user) if user}
    concerned |= route.user_ids | delegates
    record_change(
        session,
        workspace_id=caller.workspace_id,
        actor_user_id=caller.user_id,
        entity=ENTITY,
        entity_id=item.employee_id,
        op="decided",
        data={**decision_data(row), "user_ids": sorted(concerned)},
    )
    return row


def decision_data(row: ApprovalDecision) -> dict[str, Any]:
    return {
        "decision_id": row.id,
        "kind": row.kind,
        "id": row.item_id,
        "employee_id": row.employee_id,
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "decision": row.decision,
        "note": row.note,
        "decided_by_user_id": row.decided_by_user_id,
        "on_behalf_of_user_id": row.on_behalf_of_user_id,
        "decided_at": row.decided_at.isoformat(),
    }
