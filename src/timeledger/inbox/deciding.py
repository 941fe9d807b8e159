"""Decisions in bulk: each decision taken in its own savepoint by the same service function
as its kind's own approve or reject operation, and answered one by one, so one refused
item does not hold back the others.

The caller decides in their own right when they may (their approve permission reaches the
employee, or they manage the project week's project); otherwise, when the item reaches
them through a delegation, on the delegator's behalf and with the delegator's rights. The
kinds' services then apply their checks: 404 for an item the caller cannot see, 403 for
one they see but may not decide (or their own), 409 for one not awaiting a decision.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller, caller_acting_as
from timeledger.approvals.approvers import REACH_AREA, delegation_of, routing_book
from timeledger.approvals.log import project_week_item, record_decided
from timeledger.approvals.project_weeks import parse_item_id, project_week, week_start_of
from timeledger.approvals.repository import ApprovalRepository
from timeledger.approvals.routing import Delegation, Kind, reached_by
from timeledger.entries.repository import EntryRepository
from timeledger.entries.schemas import ApprovalStatus
from timeledger.entries.service import decide_project_week_entries
from timeledger.inbox.schemas import DecisionIn, DecisionOutcome, DecisionsOut
from timeledger.kit.errors import Conflict, Forbidden, NotFound, Problem, problem_fields
from timeledger.kit.routing import unconditional
from timeledger.organization.reach import Access, Area, reaches
from timeledger.statements import service as statements
from timeledger.statements.repository import StatementRepository
from timeledger.timeoff import service as timeoffs
from timeledger.timeoff.repository import TimeoffRepository

DECIDED_ENTRY_STATUS = {"approve": ApprovalStatus.APPROVED, "reject": ApprovalStatus.DISAPPROVED}


def decide_all(session: Session, caller: Caller, decisions: Sequence[DecisionIn]) -> DecisionsOut:
    book = routing_book(session, caller.workspace_id)
    delegations = [
        delegation_of(row)
        for row in ApprovalRepository(session).delegations_in_force(
            book.day, delegate_user_ids=[caller.user_id]
        )
    ]
    results: list[DecisionOutcome] = []
    for decision in decisions:
        savepoint = session.begin_nested()
        try:
            item_status = _decide(session, caller, decision, delegations)
        except Problem as problem:
            savepoint.rollback()
            results.append(_outcome(decision, problem.status, None, problem_fields(problem)))
        else:
            savepoint.commit()
            results.append(_outcome(decision, 200, item_status, None))
    taken = sum(1 for result in results if result.status == 200)
    return DecisionsOut(results=results, taken=taken, refused=len(results) - taken)


def _outcome(
    decision: DecisionIn, status: int, item_status: str | None, problem: dict[str, object] | None
) -> DecisionOutcome:
    return DecisionOutcome(
        kind=decision.kind,
        id=decision.id,
        decision=decision.decision,
        status=status,
        item_status=item_status,
        problem=problem,
    )


def _decide(
    session: Session, caller: Caller, decision: DecisionIn, delegations: list[Delegation]
) -> str:
    """The item's status after the decision."""
    match decision.kind:
        case "statement":
            return _decide_statement(session, caller, decision, delegations)
        case "timeoff":
            return _decide_timeoff(session, caller, decision, delegations)
        case "project_entries":
            return _decide_project_week(session, caller, decision, delegations)


def _numeric_id(decision: DecisionIn, noun: str) -> int:
    if not decision.id.isdigit() or len(decision.id) > 18:
        raise NotFound(f"No {noun} with id {decision.id}.")
    return int(decision.id)


def _decide_statement(
    session: Session, caller: Caller, decision: DecisionIn, delegations: list[Delegation]
) -> str:
    statement_id = _numeric_id(decision, "statement")
    found = StatementRepository(session).get(statement_id)
    if found is None:
        raise NotFound(f"No statement with id {statement_id}.")
    acting_for = _acting_for(session, caller, "statement", found.employee_id, None, delegations)
    if decision.decision == "approve":
        decided = statements.approve(
            session, caller, statement_id, unconditional, note=decision.note,
            on_behalf_of=acting_for,
        )  # fmt: skip
    else:
        decided = statements.reject(
            session, caller, statement_id, decision.note, unconditional, on_behalf_of=acting_for
        )
    return decided.status


def _decide_timeoff(
    session: Session, caller: Caller, decision: DecisionIn, delegations: list[Delegation]
) -> str:
    request_id = _numeric_id(decision, "time-off request")
    found = TimeoffRepository(session).get(request_id)
    if found is None:
        raise NotFound(f"No time-off request with id {request_id}.")
    employee_id = found.employee_id
    acting_for = _acting_for(session, caller, "timeoff", employee_id, None, delegations)
    decide = timeoffs.approve if decision.decision == "approve" else timeoffs.reject
    decided = decide(
        session, caller, employee_id, request_id, decision.note, on_behalf_of=acting_for
    )
    return decided.status


def _decide_project_week(
    session: Session, caller: Caller, decision: DecisionIn, delegations: list[Delegation]
) -> str:
    parsed = parse_item_id(decision.id)
    if parsed is None:
        raise NotFound(f"No project week {decision.id}: write employee-project-YYYY-MM-DD.")
    employee_id, project_id, week_start = parsed
    try:
        first_day: date | None = week_start_of(session, caller.workspace_id, week_start)
        week_end = week_start + timedelta(days=6)
    except OverflowError:
        first_day = None
    if first_day != week_start:
        raise NotFound(f"No project week {decision.id}: {week_start} is not a week's first day.")
    acting_for = _acting_for(
        session, caller, "project_entries", employee_id, project_id, delegations
    )
    authority = acting_for or caller
    book = routing_book(session, caller.workspace_id)
    may_decide = authority.user_id in book.project_managers(project_id) or _approves(
        session, authority, "project_entries", employee_id
    )
    if not may_decide:
        if _sees(session, caller, employee_id) or (
            acting_for is not None and _sees(session, acting_for, employee_id)
        ):
            raise Forbidden(
                f"You may read employee {employee_id}'s timesheet but not decide their "
                f"entries on project {project_id}: their project managers or line "
                "managers do."
            )
        raise NotFound(f"No project week {decision.id}.")
    owner = book.placement(employee_id).user_id
    if owner is not None and owner in (caller.user_id, authority.user_id):
        raise Forbidden(f"Project week {decision.id} is your own: someone else must decide it.")
    # Deciders of one employee's weeks (and writers of their entries) take turns, so what
    # is read below is what the decision changes: a week is decided once.
    EntryRepository(session).serialize_writes_of(employee_id)
    week = project_week(session, caller.workspace_id, book.day, employee_id, project_id, week_start)
    if week is None:
        statuses = EntryRepository(session).approval_statuses_on_project(
            employee_id, project_id, week_start, week_end
        )
        if not statuses:
            raise NotFound(
                f"No project week {decision.id}: employee {employee_id} has no entries on "
                f"project {project_id} from {week_start} to {week_end}."
            )
        why = (
            "the project requires no manager's approval and the employee's terms do not ask "
            "a project manager's"
            if "under_approval" in statuses
            else "none of its entries is under_approval"
        )
        raise Conflict(
            f"Project week {decision.id} is not awaiting a decision: {why} (its entries are "
            f"{', '.join(sorted(statuses))}).",
            extra={"approval_statuses": sorted(statuses)},
        )
    status = DECIDED_ENTRY_STATUS[decision.decision]
    decided = decide_project_week_entries(
        session, caller, employee_id, project_id, week.week_start, week.week_end, status
    )
    if not decided:
        raise Conflict(
            f"Project week {decision.id} was decided meanwhile: none of its entries is "
            "under_approval any more.",
            extra={"approval_statuses": []},
        )
    record_decided(
        session, caller, project_week_item(week), decision.decision, decision.note, acting_for
    )
    return status.value


def _acting_for(
    session: Session,
    caller: Caller,
    kind: Kind,
    employee_id: int,
    project_id: int | None,
    delegations: list[Delegation],
) -> Caller | None:
    """The delegator the caller decides for: when the item reaches the caller through a
    delegation and they could not decide it in their own right. None: in their own
    right (or not at all, which the kind's checks then say)."""
    if not delegations:
        return None
    book = routing_book(session, caller.workspace_id)
    route = book.route(kind, employee_id, project_id)
    owner = book.placement(employee_id).user_id
    how = reached_by(route, kind, owner, caller.user_id, delegations, book.day)
    if how is None or how.on_behalf_of_user_id is None:
        return None
    if project_id is not None and caller.user_id in book.project_managers(project_id):
        return None
    if _approves(session, caller, kind, employee_id):
        return None
    if not reaches(session, caller, REACH_AREA[kind], Access.READ, employee_id):
        # A delegate decides only for employees they may read (their rights may have
        # shrunk, or the team grown, since the delegation was made).
        return None
    delegator = ApprovalRepository(session).person(how.on_behalf_of_user_id)
    return caller_acting_as(delegator, "delegation") if delegator is not None else None


def _approves(session: Session, caller: Caller, kind: Kind, employee_id: int) -> bool:
    area = REACH_AREA[kind]
    return reaches(session, caller, area, Access.READ, employee_id) and reaches(
        session, caller, area, Access.APPROVE, employee_id
    )


def _sees(session: Session, caller: Caller, employee_id: int) -> bool:
    return reaches(session, caller, Area.TIMESHEET, Access.READ, employee_id)
