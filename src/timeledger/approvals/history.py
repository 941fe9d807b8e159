"""The decision history: every approval and rejection taken, whichever operation took
it, with who decided, on whose behalf, when, and the note."""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.access.permissions import Scope
from timeledger.approvals.repository import ApprovalRepository
from timeledger.kit.errors import Forbidden
from timeledger.kit.pagination import PageRequest, fetch_page
from timeledger.models import ApprovalDecision
from timeledger.organization.reach import LIST_SCOPES, own_employee_id
from timeledger.organization.repository import EmployeeRepository
from timeledger.organization.today import workspace_today

SORTABLE = {"decided_at": ApprovalDecision.decided_at, "id": ApprovalDecision.id}


def list_decisions(
    session: Session,
    caller: Caller,
    *,
    scope: str,
    kinds: Collection[str],
    employee_ids: Collection[int] | None,
    decided_by_user_id: int | None,
    on_behalf_of_user_id: int | None,
    decided_from: datetime | None,
    decided_before: datetime | None,
    page: PageRequest,
) -> tuple[list[ApprovalDecision], str | None]:
    """`own`: the decisions the caller took, that were taken on their behalf, or about
    their own items; `team`: also those about the employees of the teams they manage;
    `all`: every decision. Newest first by default."""
    held = caller.scope_for("approvals", "read")
    wanted = LIST_SCOPES[scope]
    if held is None or held < wanted:
        raise Forbidden(f"scope={scope} needs approvals:read:{'*' if scope == 'all' else scope}.")
    concerning: int | None = caller.user_id
    own_employee = own_employee_id(session, caller)
    about: set[int] = {own_employee} if own_employee is not None else set()
    if wanted is Scope.ALL:
        concerning = None
    elif wanted is Scope.TEAM:
        about |= EmployeeRepository(session).team_employee_ids(
            caller.user_id, workspace_today(session, caller.workspace_id)
        )
    listing = ApprovalRepository(session).decision_listing(
        concerning_user_id=concerning,
        concerning_employee_ids=about,
        kinds=kinds,
        employee_ids=set(employee_ids) if employee_ids is not None else None,
        decided_by_user_id=decided_by_user_id,
        on_behalf_of_user_id=on_behalf_of_user_id,
        decided_from=decided_from,
        decided_before=decided_before,
    )
    return fetch_page(session, listing, page, sort_columns=SORTABLE, id_column=ApprovalDecision.id)
