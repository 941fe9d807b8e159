"""The record of approvals: `approval.requested` when an item starts to await a decision,
and `approval.decided` (with a row of the decision history) when someone takes one,
through whichever operation. Each names the users it concerns (the employee, the
approvers and their delegates, whoever decided and on whose behalf), who see it in the
event feed, the stream and webhooks (`events/catalog.py`)."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.approvals.approvers import delegation_of, routing_book
from timeledger.approvals.project_weeks import ProjectWeek, awaiting_project_weeks
from timeledger.approvals.repository import ApprovalRepository
from timeledger.approvals.routing import Kind, Route, delegates_of
from timeledger.changelog.service import record_change
from timeledger.kit.clock import utcnow
from timeledger.models import ApprovalDecision

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
    route, delegates = _awaited_by(session, caller, item)
    employee_user = routing_book(session, caller.workspace_id).placement(item.employee_id).user_id
    concerned = {*route.user_ids, *delegates, caller.user_id}
    if employee_user is not None:
        concerned.add(employee_user)
    record_change(
        session,
        workspace_id=caller.workspace_id,
        actor_user_id=caller.user_id,
        entity=ENTITY,
        entity_id=item.employee_id,
        op="requested",
        data={
            **item.data(),
            "via": route.via,
            "approver_user_ids": sorted(route.user_ids),
            "delegate_user_ids": sorted(delegates),
            "user_ids": sorted(concerned),
        },
    )


def _awaited_by(session: Session, caller: Caller, item: Item) -> tuple[Route, frozenset[int]]:
    """The item's route today and the delegates of its approvers for its kind."""
    book = routing_book(session, caller.workspace_id)
    route = book.route(item.kind, item.employee_id, item.project_id)
    delegations = [
        delegation_of(row)
        for row in ApprovalRepository(session).delegations_in_force(
            book.day, delegator_user_ids=route.user_ids
        )
    ]
    return route, delegates_of(route.user_ids, item.kind, delegations, book.day)


def record_project_weeks_requested(
    session: Session,
    caller: Caller,
    employee_id: int,
    first: date,
    last: date,
    project_ids: Collection[int] | None = None,
) -> None:
    """`approval.requested` for each of the employee's project weeks with a day from
    `first` to `last` that awaits a decision (after entries moved to `under_approval`)."""
    today = routing_book(session, caller.workspace_id).day
    for week in awaiting_project_weeks(
        session,
        caller.workspace_id,
        today,
        employee_ids=[employee_id],
        project_ids=project_ids,
        first=first,
        last=last,
    ):
        record_requested(session, caller, project_week_item(week))


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
