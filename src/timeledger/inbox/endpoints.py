"""Routes of the approvals inbox and of decisions in bulk: parse, call the service, render.

The inbox's page is written from plain values by `FastJSONResponse`; its response model
only documents the shape."""

from typing import Annotated

from fastapi import Query

from timeledger.access.caller import Allowed, Caller
from timeledger.approvals.routing import Kind
from timeledger.inbox import deciding
from timeledger.inbox.schemas import DecisionsIn, DecisionsOut, InboxCount, InboxPage
from timeledger.inbox.service import InboxFilter, inbox_count, inbox_page
from timeledger.kit.filters import IdListValue, parse_id_list
from timeledger.kit.jsonio import FastJSONResponse
from timeledger.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT
from timeledger.kit.routing import api_router
from timeledger.kit.timeutil import IsoDate
from timeledger.kit.uow import UnitOfWork

inbox_router = api_router("Approvals", "/approvals")

DECIDE = "approvals:decide:own"

Kinds = Annotated[
    list[Kind] | None, Query(alias="kind", description="Only these kinds (repeat for several).")
]
EmployeeIds = Annotated[
    list[IdListValue] | None, Query(description="Only these employees (comma-separated).")
]
PeriodFrom = Annotated[
    IsoDate | None, Query(description="Only items whose period ends on or after this day.")
]
PeriodTo = Annotated[
    IsoDate | None, Query(description="Only items whose period starts on or before this day.")
]


def _filter(
    kind: list[Kind] | None,
    employee_ids: list[IdListValue] | None,
    period_from: IsoDate | None,
    period_to: IsoDate | None,
) -> InboxFilter:
    people = parse_id_list(employee_ids, parameter="employee_ids")
    return InboxFilter(
        kinds=frozenset(kind or ()),
        employee_ids=frozenset(people) if people is not None else None,
        period_from=period_from,
        period_to=period_to,
    )


@inbox_router.get("/inbox", response_model=InboxPage, summary="What awaits your decision")
def get_inbox(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(DECIDE)],
    kind: Kinds = None,
    employee_ids: EmployeeIds = None,
    period_from: PeriodFrom = None,
    period_to: PeriodTo = None,
    limit: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_LIMIT,
            description=f"Page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}).",
        ),
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` of the previous page.")
    ] = None,
) -> FastJSONResponse:
    """Time-off requests, submitted statements and project weeks routed to you (you manage
    the employee's unit, or the nearest unit above with an approver, or you approve
    everyone, or you manage the project), or to someone who delegated them to you;
    oldest first. Never your own."""
    wanted = _filter(kind, employee_ids, period_from, period_to)
    return FastJSONResponse(inbox_page(session, caller, wanted, limit, cursor))


@inbox_router.get("/inbox/count", response_model=InboxCount, summary="Count your inbox")
def count_inbox(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(DECIDE)],
    kind: Kinds = None,
    employee_ids: EmployeeIds = None,
    period_from: PeriodFrom = None,
    period_to: PeriodTo = None,
) -> InboxCount:
    """How many items the inbox holds, in all and per kind (for a badge)."""
    wanted = _filter(kind, employee_ids, period_from, period_to)
    return inbox_count(session, caller, wanted)


@inbox_router.post("/decisions", response_model=DecisionsOut, summary="Decide items in bulk")
def decide(
    body: DecisionsIn,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(DECIDE)],
) -> DecisionsOut:
    """1 to 100 decisions, each taken in its own savepoint with the same checks as its
    kind's own approve or reject operation, and answered one by one: `status` 200, or the
    problem that item got (404 unseen, 403 not yours to decide, 409 not awaiting a
    decision). The request itself answers 200 whenever its body is valid."""
    return deciding.decide_all(session, caller, body.decisions)
