"""Routes of time-off requests and balances: parse, call the service, render."""

from functools import partial
from typing import Annotated, Literal

from fastapi import Depends, Query, Response, status

from timeledger.access.caller import Allowed, Caller, authenticate
from timeledger.kit.filters import IdListValue, parse_id_list
from timeledger.kit.pagination import Direction, Page, PageRequest, page_request
from timeledger.kit.routing import ResourceId, api_router, created
from timeledger.kit.timeutil import IsoDate
from timeledger.kit.uow import UnitOfWork, check_before_the_endpoint
from timeledger.models import TimeoffRequest
from timeledger.organization.reach import TimeoffReadable, TimeoffWritable
from timeledger.settings.kind_schemas import ConfigDate
from timeledger.timeoff import balances as balance_service
from timeledger.timeoff import service
from timeledger.timeoff.schemas import (
    DecisionNote,
    RequestStatus,
    TimeoffBalanceRead,
    TimeoffCreate,
    TimeoffExpiringRead,
    TimeoffRead,
    timeoff_view,
)

timeoff_router = api_router("Time off & timebank")

BASE = "/employees/{employee_id}/timeoffs"
ITEM = BASE + "/{timeoff_id}"
READ = "timeoff:read:own"
WRITE = "timeoff:write:own"
APPROVE = "timeoff:approve:team"

Paging = Annotated[PageRequest, page_request(tuple(service.SORTABLE), "start_day", Direction.ASC)]
Statuses = Annotated[
    list[RequestStatus] | None, Query(description="Only these statuses (repeat to give several).")
]
First = Annotated[
    IsoDate | None, Query(alias="from", description="Requests ending on or after this day.")
]
Last = Annotated[
    IsoDate | None, Query(alias="to", description="Requests starting on or before this day.")
]


async def _request_reached(
    employee_id: ResourceId,
    timeoff_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Depends(authenticate)],
) -> int:
    """A route's `{timeoff_id}`, found before FastAPI validates the body: a request out of
    reach answers 404 whatever was sent."""
    check_before_the_endpoint(
        partial(service.get_request, session, caller, employee_id, timeoff_id)
    )
    return timeoff_id


TimeoffId = Annotated[int, Depends(_request_reached)]


def _page(rows: list[TimeoffRequest], next_cursor: str | None) -> Page[TimeoffRead]:
    return Page(items=[timeoff_view(row) for row in rows], next_cursor=next_cursor)


@timeoff_router.get(
    "/timeoffs", response_model=Page[TimeoffRead], summary="List time-off requests (calendar)"
)
def list_timeoffs(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    page: Paging,
    scope: Annotated[
        Literal["own", "team", "all"],
        Query(description="own: your own; team: the teams you manage; all: everyone you may read."),
    ] = "own",
    first: First = None,
    last: Last = None,
    status: Statuses = None,
    employee_ids: Annotated[
        list[IdListValue] | None, Query(description="Only these employees (comma-separated).")
    ] = None,
) -> Page[TimeoffRead]:
    """Who is away when: the requests sharing a day with `from` to `to`, first day first."""
    rows, next_cursor = service.list_requests(
        session,
        caller,
        scope=scope,
        employee_ids=parse_id_list(employee_ids, parameter="employee_ids"),
        first=first,
        last=last,
        statuses=list(status or ()),
        page=page,
    )
    return _page(rows, next_cursor)


@timeoff_router.get(BASE, response_model=Page[TimeoffRead], summary="List an employee's time off")
def list_employee_timeoffs(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    employee_id: TimeoffReadable,
    page: Paging,
    first: First = None,
    last: Last = None,
    status: Statuses = None,
) -> Page[TimeoffRead]:
    rows, next_cursor = service.list_of_employee(
        session,
        caller,
        employee_id,
        first=first,
        last=last,
        statuses=list(status or ()),
        page=page,
    )
    return _page(rows, next_cursor)


@timeoff_router.get(
    f"{BASE}/balances", response_model=list[TimeoffBalanceRead], summary="Time-off balances"
)
def list_balances(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    employee_id: TimeoffReadable,
    as_of: Annotated[
        ConfigDate | None, Query(description="Default: today in the workspace.")
    ] = None,
) -> list[TimeoffBalanceRead]:
    """Per policy of the employee's terms on `as_of` that has an account: the balance, what
    waits for a decision, what approved leave will take, what is available, and what will
    expire as things stand."""
    return [
        TimeoffBalanceRead(
            timeoff_policy_id=found.timeoff_policy_id,
            name=found.name,
            account_id=found.account_id,
            unit=found.unit,
            balance=found.balance,
            pending=found.pending,
            planned=found.planned,
            available=found.available,
            expiring=[
                TimeoffExpiringRead(amount=expiry.amount, on=expiry.day)
                for expiry in found.expiring
            ],
        )
        for found in balance_service.balances(session, caller, employee_id, as_of)
    ]


@timeoff_router.post(
    BASE,
    status_code=status.HTTP_201_CREATED,
    response_model=TimeoffRead,
    summary="Request time off",
)
def create_timeoff(
    body: TimeoffCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(WRITE)],
    employee_id: TimeoffWritable,
) -> TimeoffRead:
    """Counted day by day by the policy's usage rule; `approved` at once (and booked) when
    the policy needs no approval, else `requested`."""
    request = service.create_request(session, caller, employee_id, body)
    created(response, service.timeoff_location(request))
    return timeoff_view(request)


@timeoff_router.get(ITEM, response_model=TimeoffRead, summary="Get a time-off request")
def get_timeoff(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    employee_id: TimeoffReadable,
    timeoff_id: TimeoffId,
) -> TimeoffRead:
    return timeoff_view(service.get_request(session, caller, employee_id, timeoff_id))


@timeoff_router.post(
    f"{ITEM}/approve", response_model=TimeoffRead, summary="Approve a time-off request"
)
def approve_timeoff(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(APPROVE)],
    employee_id: TimeoffReadable,
    timeoff_id: TimeoffId,
    body: DecisionNote | None = None,
) -> TimeoffRead:
    """Someone else's requested leave: its usage is posted and its days are booked as
    time-off entries."""
    note = body.note if body is not None else ""
    return timeoff_view(service.approve(session, caller, employee_id, timeoff_id, note))


@timeoff_router.post(
    f"{ITEM}/reject", response_model=TimeoffRead, summary="Reject a time-off request"
)
def reject_timeoff(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(APPROVE)],
    employee_id: TimeoffReadable,
    timeoff_id: TimeoffId,
    body: DecisionNote | None = None,
) -> TimeoffRead:
    note = body.note if body is not None else ""
    return timeoff_view(service.reject(session, caller, employee_id, timeoff_id, note))


@timeoff_router.post(
    f"{ITEM}/cancel", response_model=TimeoffRead, summary="Cancel a time-off request"
)
def cancel_timeoff(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(WRITE)],
    employee_id: TimeoffWritable,
    timeoff_id: TimeoffId,
) -> TimeoffRead:
    """A requested or approved leave; an approved one has its usage reversed and its
    entries removed, unless a day lies in a settled statement's period (409)."""
    return timeoff_view(service.cancel(session, caller, employee_id, timeoff_id))
