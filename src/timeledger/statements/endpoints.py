"""Routes of statements: parse, call the service, render."""

from functools import partial
from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response, status

from timeledger.access.caller import Allowed, Caller, authenticate
from timeledger.kit.etag import set_etag
from timeledger.kit.filters import IdListValue, parse_id_list
from timeledger.kit.pagination import Direction, Page, PageRequest, page_request
from timeledger.kit.routing import ResourceId, api_router, if_match_of
from timeledger.kit.timeutil import IsoDate
from timeledger.kit.uow import UnitOfWork, check_before_the_endpoint
from timeledger.models import Statement
from timeledger.organization.reach import TimesheetReadable, TimesheetSubmittable
from timeledger.statements import service
from timeledger.statements.schemas import (
    GenerateRequest,
    RejectRequest,
    ReopenRequest,
    StatementDetail,
    StatementRead,
    StatementStatus,
    SubmitRequest,
    statement_detail,
    statement_view,
)

statements_router = api_router("Timesheet")

BASE = "/timesheet/statements"
ITEM = BASE + "/{statement_id}"
READ = "timesheet:read:own"
SUBMIT = "timesheet:submit:own"
APPROVE = "timesheet:approve:team"
SETTLE = "timesheet:settle:*"

Paging = Annotated[
    PageRequest, page_request(tuple(service.SORTABLE), "period_start", Direction.DESC)
]
Statuses = Annotated[
    list[StatementStatus] | None, Query(description="Only these statuses (repeat to give several).")
]


async def _statement_reached(
    statement_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Depends(authenticate)],
) -> int:
    """A route's `{statement_id}`, found before FastAPI validates the body: a statement out
    of reach answers 404 whatever was sent."""
    check_before_the_endpoint(partial(service.get_statement, session, caller, statement_id))
    return statement_id


StatementId = Annotated[int, Depends(_statement_reached)]


def _page(rows: list[Statement], next_cursor: str | None) -> Page[StatementRead]:
    return Page(items=[statement_view(row) for row in rows], next_cursor=next_cursor)


def _answer(response: Response, statement: Statement) -> StatementDetail:
    set_etag(response, service.statement_etag(statement))
    return statement_detail(statement)


@statements_router.get(BASE, response_model=Page[StatementRead], summary="List statements")
def list_statements(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    page: Paging,
    scope: Annotated[
        Literal["own", "team", "all"],
        Query(description="own: your own; team: the teams you manage; all: everyone you may read."),
    ] = "own",
    status: Statuses = None,
    period_start: Annotated[
        IsoDate | None, Query(description="Only periods starting on this day.")
    ] = None,
    employee_ids: Annotated[
        list[IdListValue] | None, Query(description="Only these employees (comma-separated).")
    ] = None,
) -> Page[StatementRead]:
    """Newest period first by default. Lines and issues are in each statement's own
    answer."""
    rows, next_cursor = service.list_statements(
        session,
        caller,
        scope=scope,
        employee_ids=parse_id_list(employee_ids, parameter="employee_ids"),
        statuses=list(status or ()),
        period_start=period_start,
        page=page,
    )
    return _page(rows, next_cursor)


@statements_router.get(ITEM, response_model=StatementDetail, summary="Get a statement")
def get_statement(
    caller: Annotated[Caller, Allowed(READ)],
    statement_id: StatementId,
    response: Response,
    session: UnitOfWork,
) -> StatementDetail:
    """With its days, lines and issues as the rule engine computed them."""
    return _answer(response, service.get_statement(session, caller, statement_id))


@statements_router.get(
    "/employees/{employee_id}/timesheet/statements",
    response_model=Page[StatementRead],
    summary="List an employee's statements",
)
def list_employee_statements(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    employee_id: TimesheetReadable,
    page: Paging,
    status: Statuses = None,
) -> Page[StatementRead]:
    rows, next_cursor = service.list_of_employee(
        session, caller, employee_id, statuses=list(status or ()), page=page
    )
    return _page(rows, next_cursor)


@statements_router.post(
    "/employees/{employee_id}/timesheet/statements",
    response_model=StatementDetail,
    responses={201: {"description": "The statement, new."}},
    summary="Generate an employee's statement of a period now",
)
def generate_statement(
    body: GenerateRequest,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(SUBMIT)],
    employee_id: TimesheetSubmittable,
) -> StatementDetail:
    """What the generation job does for one employee: creates the statement (`201`),
    recomputes a draft whose inputs changed, marks a submitted one stale, or leaves it as
    it is (`200`)."""
    statement, created = service.generate_now(session, caller, employee_id, body.period_start)
    if created:
        response.status_code = status.HTTP_201_CREATED
    response.headers["Location"] = service.statement_location(statement)
    return _answer(response, statement)


@statements_router.post(
    f"{ITEM}/submit", response_model=StatementDetail, summary="Submit a statement"
)
def submit_statement(
    caller: Annotated[Caller, Allowed(SUBMIT)],
    statement_id: StatementId,
    body: SubmitRequest,
    request: Request,
    response: Response,
    session: UnitOfWork,
) -> StatementDetail:
    """A draft with no error issues and not stale; `payout_minutes` of its overtime are
    paid, the rest banked. Approved at once when the terms need no approval."""
    statement = service.submit(
        session, caller, statement_id, body.payout_minutes, if_match_of(request)
    )
    return _answer(response, statement)


@statements_router.post(
    f"{ITEM}/withdraw", response_model=StatementDetail, summary="Withdraw a submitted statement"
)
def withdraw_statement(
    caller: Annotated[Caller, Allowed(SUBMIT)],
    statement_id: StatementId,
    request: Request,
    response: Response,
    session: UnitOfWork,
) -> StatementDetail:
    """Back to draft, its figures brought up to date."""
    return _answer(response, service.withdraw(session, caller, statement_id, if_match_of(request)))


@statements_router.post(
    f"{ITEM}/approve", response_model=StatementDetail, summary="Approve a statement"
)
def approve_statement(
    caller: Annotated[Caller, Allowed(APPROVE)],
    statement_id: StatementId,
    request: Request,
    response: Response,
    session: UnitOfWork,
) -> StatementDetail:
    """A submitted statement of someone else, not stale; the settlement job then settles it."""
    return _answer(response, service.approve(session, caller, statement_id, if_match_of(request)))


@statements_router.post(
    f"{ITEM}/reject", response_model=StatementDetail, summary="Reject a statement"
)
def reject_statement(
    caller: Annotated[Caller, Allowed(APPROVE)],
    statement_id: StatementId,
    body: RejectRequest,
    request: Request,
    response: Response,
    session: UnitOfWork,
) -> StatementDetail:
    """Back to draft with the note; the period's entries show `disapproved`."""
    statement = service.reject(session, caller, statement_id, body.note, if_match_of(request))
    return _answer(response, statement)


@statements_router.post(
    f"{ITEM}/reopen", response_model=StatementDetail, summary="Reopen a statement"
)
def reopen_statement(
    caller: Annotated[Caller, Allowed(SETTLE)],
    statement_id: StatementId,
    request: Request,
    response: Response,
    session: UnitOfWork,
    body: ReopenRequest | None = None,
) -> StatementDetail:
    """An approved, settled or exported statement back to draft: its movements reversed,
    its period unlocked, its figures recomputed as a new revision; recorded in the audit
    log."""
    note = body.note if body is not None else ""
    statement = service.reopen(session, caller, statement_id, note, if_match_of(request))
    return _answer(response, statement)
