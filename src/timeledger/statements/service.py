"""Rules of statements: who reads them, and each step of their life (submit, withdraw,
approve, reject, reopen, generate one now).

Every public function asks `organization.reach` whether the caller reaches the
statement's employee (`timesheet:read`, `timesheet:submit`, `timesheet:approve`), so a
route calling it checks nothing itself. 404 for a statement whose employee the caller
cannot read.
"""

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import Select
from sqlalchemy.orm import Session

from timeledger.access.audit import record_audit
from timeledger.access.caller import Caller
from timeledger.approvals.log import (
    Decision,
    Item,
    Submitted,
    record_decided,
    record_requested,
    watch_project_weeks,
)
from timeledger.changelog.service import ChangeOf, record_changes
from timeledger.entries.repository import EntryRepository
from timeledger.jobs.registry import enqueue
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, Forbidden, NotFound, Unprocessable
from timeledger.kit.etag import etag_for
from timeledger.kit.pagination import PageRequest, fetch_page
from timeledger.models import Statement
from timeledger.organization.reach import (
    Access,
    Area,
    employee_ids_of_list_scope,
    reached_employee_id,
)
from timeledger.organization.repository import EmployeeRepository
from timeledger.organization.today import workspace_today
from timeledger.rules.plugins.settlement_steps.overtime_pay import choosable_minutes
from timeledger.statements.agreements import agreement_of
from timeledger.statements.documents import summary
from timeledger.statements.generation import (
    ENTITY,
    Outcome,
    changed_figures,
    evaluation_of,
    generate,
    planned_periods,
    recompute,
)
from timeledger.statements.lifecycle import (
    ENTRY_STATUS,
    ENTRY_STATUSES_KEPT,
    REJECTED_ENTRY_STATUS,
    Action,
    check_transition,
)
from timeledger.statements.repository import StatementRepository
from timeledger.statements.settling import overtime_of, take_back

IfMatch = Callable[[str], None]
SETTLE_STATEMENT = "timesheet.settle-statement"
SORTABLE = {"period_start": Statement.period_start, "id": Statement.id}


def statement_etag(statement: Statement) -> str:
    return etag_for("statement", statement.id, statement.row_version)


def statement_location(statement: Statement) -> str:
    return f"/api/timesheet/statements/{statement.id}"


def get_statement(
    session: Session,
    caller: Caller,
    statement_id: int,
    access: Access = Access.READ,
    *,
    for_update: bool = False,
) -> Statement:
    statement = StatementRepository(session).get(statement_id, for_update=for_update)
    if statement is None:
        raise NotFound(f"No statement with id {statement_id}.")
    try:
        reached_employee_id(session, caller, Area.TIMESHEET, statement.employee_id, access)
    except NotFound:
        raise NotFound(f"No statement with id {statement_id}.") from None
    return statement


def list_statements(
    session: Session,
    caller: Caller,
    *,
    scope: str,
    employee_ids: list[int] | None,
    statuses: list[str],
    period_start: date | None,
    page: PageRequest,
) -> tuple[list[Statement], str | None]:
    """Statements of the caller's own employee record (`own`), of the teams they manage
    (`team`), or of everyone they may read (`all`); newest period first."""
    people = employee_ids_of_list_scope(session, caller, Area.TIMESHEET, scope)
    if employee_ids is not None:
        people = set(employee_ids) if people is None else people & set(employee_ids)
    listing = StatementRepository(session).listing(
        employee_ids=people, statuses=statuses, period_start=period_start
    )
    return _fetched(session, listing, page)


def list_of_employee(
    session: Session,
    caller: Caller,
    employee_id: int,
    *,
    statuses: list[str],
    page: PageRequest,
) -> tuple[list[Statement], str | None]:
    reached_employee_id(session, caller, Area.TIMESHEET, employee_id)
    listing = StatementRepository(session).listing(employee_ids=[employee_id], statuses=statuses)
    return _fetched(session, listing, page)


def _fetched(
    session: Session, listing: Select[Statement], page: PageRequest
) -> tuple[list[Statement], str | None]:
    return fetch_page(session, listing, page, sort_columns=SORTABLE, id_column=Statement.id)


def generate_now(
    session: Session, caller: Caller, employee_id: int, day: date
) -> tuple[Statement, bool]:
    """Generate (or bring up to date) the employee's statement of the period holding `day`,
    as the generation job would, and whether it is new; 422 when their agreement on `day`
    has no settlement policy or they are not employed in that period."""
    reached_employee_id(session, caller, Area.TIMESHEET, employee_id, Access.SUBMIT)
    planned = planned_periods(session, caller.workspace_id, [employee_id], day)
    if not planned:
        raise Unprocessable.at(
            "body.period_start",
            f"Employee {employee_id} has no statement period on {day}: the employment terms "
            "in force then name no settlement policy, or they are not employed then.",
            "no statement period",
        )
    (generated,) = generate(session, caller.workspace_id, caller.user_id, planned)
    if generated.statement is None:
        raise Conflict(
            f"Employee {employee_id}'s statement of {generated.plan.first} to "
            f"{generated.plan.last} would share days with statement(s) "
            f"{', '.join(map(str, generated.overlapping))}, already submitted or further on "
            "(the settlement policy's period changed): reopen or settle those first.",
            extra={"overlapping_statement_ids": list(generated.overlapping)},
        )
    return generated.statement, generated.outcome is Outcome.CREATED


def submit(
    session: Session, caller: Caller, statement_id: int, payout_minutes: int, if_match: IfMatch
) -> Statement:
    """Submit a draft with the overtime minutes to pay out (the rest is banked). Terms
    whose timesheets need no approval approve it at once."""
    statement = _changing(session, caller, statement_id, Access.SUBMIT, "submit", if_match)
    today = workspace_today(session, caller.workspace_id)
    if statement.period_end >= today:
        raise Conflict(
            f"Statement {statement_id}'s period runs to {statement.period_end}: it can be "
            f"submitted from {statement.period_end + timedelta(days=1)} on.",
            extra={"statement_status": statement.status, "period_end": str(statement.period_end)},
        )
    _require_current(session, caller, statement, "submitted")
    if statement.error_issues:
        raise Conflict(
            f"Statement {statement_id} has {statement.error_issues} error issue(s) (an open "
            "interval, a broken limit): correct the timesheet and submit again.",
            extra={"statement_status": statement.status, "error_issues": statement.error_issues},
        )
    overtime = overtime_of(session, statement)
    choosable = choosable_minutes(overtime)
    if payout_minutes > choosable:
        in_flex = sum(part.minutes for part in overtime) - choosable
        why = (
            f"; {in_flex} more are left in the flex by their policy and settled with it"
            if in_flex
            else ""
        )
        raise Unprocessable.at(
            "body.payout_minutes",
            f"payout_minutes ({payout_minutes}) exceeds the statement's overtime that can be "
            f"paid out ({choosable} minutes{why}).",
            "more than the overtime",
        )
    now = utcnow()
    statement.payout_minutes = payout_minutes
    statement.submitted_at, statement.submitted_by_user_id = now, caller.user_id
    statement.note = ""
    approval = agreement_of(session, statement.employee_id, statement.period_end)
    weeks = watch_project_weeks(
        session,
        caller,
        [Submitted(statement.employee_id, statement.period_start, statement.period_end, None)],
    )
    changes = _moved(session, statement, "submit", "submitted", "submitted")
    if approval.timesheet_approval == "none":
        changes += _approved(session, caller, statement, decided_by=None)
    record_changes(
        session, workspace_id=caller.workspace_id, actor_user_id=caller.user_id, changes=changes
    )
    if statement.status == "submitted":
        record_requested(session, caller, approval_item(statement))
    weeks.announce()
    return statement


def approval_item(statement: Statement) -> Item:
    return Item(
        "statement",
        str(statement.id),
        statement.employee_id,
        statement.period_start,
        statement.period_end,
    )


def withdraw(session: Session, caller: Caller, statement_id: int, if_match: IfMatch) -> Statement:
    """Take a submitted statement (or an approved one not settled yet, such as one its
    settlement found stale) back to draft, with its figures brought up to date."""
    statement = _changing(session, caller, statement_id, Access.SUBMIT, "withdraw", if_match)
    statement.payout_minutes = None
    changes = _moved(session, statement, "withdraw", "draft", "withdrawn")
    _refresh(session, caller.workspace_id, statement, new_revision=False)
    _record(session, caller, changes, statement)
    return statement


def approve(
    session: Session,
    caller: Caller,
    statement_id: int,
    if_match: IfMatch,
    *,
    note: str = "",
    on_behalf_of: Caller | None = None,
) -> Statement:
    """Approve a submitted statement of someone else (settled by a job). `on_behalf_of`: the
    delegator whose rights a delegate decides with; `note` goes to the decision history."""
    statement = _deciding(session, caller, statement_id, "approve", if_match, on_behalf_of)
    _require_current(session, caller, statement, "approved")
    record_changes(
        session,
        workspace_id=caller.workspace_id,
        actor_user_id=caller.user_id,
        changes=_approved(session, caller, statement, decided_by=caller.user_id),
    )
    _decided(session, caller, statement, "approve", note, on_behalf_of)
    return statement


def reject(
    session: Session,
    caller: Caller,
    statement_id: int,
    note: str,
    if_match: IfMatch,
    *,
    on_behalf_of: Caller | None = None,
) -> Statement:
    """Back to draft with the approver's note (required: the employee sees it, 422); the
    period's entries show `disapproved`."""
    if not note:
        raise Unprocessable.at(
            "body.note",
            f"Rejecting statement {statement_id} needs a note saying why: the employee sees it.",
            "String should have at least 1 character",
        )
    statement = _deciding(session, caller, statement_id, "reject", if_match, on_behalf_of)
    statement.note = note
    statement.payout_minutes = None
    statement.decided_at, statement.decided_by_user_id = utcnow(), caller.user_id
    changes = _moved(
        session, statement, "reject", "draft", "rejected", entries=REJECTED_ENTRY_STATUS
    )
    _refresh(session, caller.workspace_id, statement, new_revision=False)
    _record(session, caller, changes, statement)
    _decided(session, caller, statement, "reject", note, on_behalf_of)
    return statement


def _decided(
    session: Session,
    caller: Caller,
    statement: Statement,
    decision: Decision,
    note: str,
    on_behalf_of: Caller | None,
) -> None:
    item = approval_item(statement)
    record_decided(session, caller, item, decision, note, on_behalf_of)


def reopen(
    session: Session, caller: Caller, statement_id: int, note: str, if_match: IfMatch
) -> Statement:
    """Back to draft from approved, settled or exported: the settlement's movements are
    reversed, the period unlocked, the figures recomputed as a new revision. Audited."""
    statement = _changing(session, caller, statement_id, Access.READ, "reopen", if_match)
    was = statement.status
    changes = take_back(session, caller.workspace_id, statement, caller.user_id)
    statement.payout_minutes = None
    statement.payroll_lines = []
    statement.reopened_at, statement.reopened_by_user_id = utcnow(), caller.user_id
    changes += _moved(session, statement, "reopen", "draft", "reopened")
    _refresh(session, caller.workspace_id, statement, new_revision=True)
    record_audit(
        session,
        caller.audit_record(
            "statement.reopen",
            "success",
            target_type="statement",
            target_id=statement.id,
            detail={"from_status": was, "revision": statement.revision, "note": note},
        ),
    )
    _record(session, caller, changes, statement)
    return statement


def _changing(
    session: Session,
    caller: Caller,
    statement_id: int,
    access: Access,
    action: Action,
    if_match: IfMatch,
) -> Statement:
    statement = get_statement(session, caller, statement_id, access, for_update=True)
    if_match(statement_etag(statement))
    check_transition(statement.id, statement.status, action)
    return statement


def _deciding(
    session: Session,
    caller: Caller,
    statement_id: int,
    action: Action,
    if_match: IfMatch,
    on_behalf_of: Caller | None,
) -> Statement:
    """The statement, locked, when `caller` (or the delegator they act for) may approve it
    and it is not theirs (403); 404 when they cannot read it."""
    authority = on_behalf_of or caller
    statement = _changing(session, authority, statement_id, Access.APPROVE, action, if_match)
    owner = EmployeeRepository(session).live(caller.workspace_id, statement.employee_id)
    if owner is not None and owner.user_id in (caller.user_id, authority.user_id):
        raise Forbidden(
            f"Statement {statement_id} is {_whose(caller, authority, owner.user_id)}: someone "
            f"else must {action} it."
        )
    return statement


def _whose(caller: Caller, authority: Caller, owner_user_id: int | None) -> str:
    if owner_user_id == caller.user_id:
        return "your own"
    return f"that of user {authority.user_id}, on whose behalf you act"


def _require_current(session: Session, caller: Caller, statement: Statement, to: str) -> None:
    """409 when the statement is stale, or its figures are no longer what the timesheet
    gives (a late edit the next generation would mark)."""
    if statement.stale or changed_figures(session, caller.workspace_id, statement) is not None:
        advice = (
            f"generate it again (POST /api/employees/{statement.employee_id}/timesheet/"
            "statements) and submit"
            if statement.status == "draft"
            else "it must be withdrawn and submitted again"
        )
        raise Conflict(
            f"Statement {statement.id} is stale: the timesheet or the policies changed since "
            f"its figures were computed, so it cannot be {to}; {advice}.",
            extra={"statement_status": statement.status, "stale": True},
        )


def _approved(
    session: Session, caller: Caller, statement: Statement, *, decided_by: int | None
) -> list[ChangeOf]:
    statement.decided_at, statement.decided_by_user_id = utcnow(), decided_by
    changes = _moved(session, statement, "approve", "approved", "approved")
    enqueue(
        session,
        SETTLE_STATEMENT,
        {"statement_id": statement.id, "revision": statement.revision},
        workspace_id=caller.workspace_id,
        created_by_user_id=caller.user_id,
    )
    return changes


def _moved(
    session: Session,
    statement: Statement,
    step: Action,
    status: str,
    op: str,
    *,
    entries: str | None = None,
) -> list[ChangeOf]:
    """Move the statement to `status` by `step`, and its period's entries with it (but
    those the step keeps, `ENTRY_STATUSES_KEPT`); the change."""
    statement.status = status
    statement.updated_at = utcnow()
    statement.row_version += 1
    EntryRepository(session).set_approval_status_of_days(
        statement.employee_id,
        statement.period_start,
        statement.period_end,
        entries or ENTRY_STATUS[status],
        keep=ENTRY_STATUSES_KEPT.get(step, frozenset()),
    )
    return [ChangeOf(ENTITY, statement.id, op, summary(statement))]


def _refresh(
    session: Session, workspace_id: int, statement: Statement, *, new_revision: bool
) -> None:
    """Bring a draft's figures up to date: a new revision when they changed (or always,
    when asked); a stale flag whose figures came back is simply cleared."""
    evaluation = changed_figures(session, workspace_id, statement)
    if evaluation is None and new_revision:
        evaluation = evaluation_of(session, workspace_id, statement)
    if evaluation is not None:
        recompute(statement, evaluation)
    statement.stale = False


def _record(
    session: Session, caller: Caller, changes: list[ChangeOf], statement: Statement
) -> None:
    """The changes, the last one carrying the statement as it ends up."""
    last = changes[-1]
    changes[-1] = ChangeOf(last.entity, last.entity_id, last.op, summary(statement))
    record_changes(
        session, workspace_id=caller.workspace_id, actor_user_id=caller.user_id, changes=changes
    )
