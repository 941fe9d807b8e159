"""Routes of presence: clock in/out, breaks and presence intervals. Parse, call a
service, render."""

from typing import Annotated

from fastapi import Query, Request, Response, status
from sqlalchemy.orm import Session

from timeledger.access.caller import Allowed, Caller
from timeledger.kit.etag import set_etag
from timeledger.kit.pagination import Direction, Page, PageRequest, page_request
from timeledger.kit.routing import ResourceId, api_router, created, if_match_of
from timeledger.kit.timeutil import DateKeyword, IsoDate
from timeledger.kit.uow import UnitOfWork
from timeledger.organization.reach import TimesheetReadable, TimesheetWritable
from timeledger.presence import service
from timeledger.presence.repository import IntervalRecord
from timeledger.presence.schemas import (
    BreakAt,
    ClockIn,
    ClockOut,
    PresenceCreate,
    PresenceRead,
    PresenceUpdate,
)

presence_router = api_router("Timesheet", prefix="/employees/{employee_id}/timesheet")

READ = "timesheet:read:own"
WRITE = "timesheet:write:own"
Force = Annotated[
    bool,
    Query(
        description="Change presence in a locked period, the days of a settled statement "
        "(needs timesheet:force:*, else 403); without it such a change answers 423."
    ),
]
PresencePage = Annotated[
    PageRequest,
    page_request(tuple(service.INTERVAL_SORTS), "started_at", default_direction=Direction.DESC),
]


def interval_location(employee_id: int, interval_id: int) -> str:
    return f"/api/employees/{employee_id}/timesheet/presence/{interval_id}"


def _answer(session: Session, response: Response, interval: IntervalRecord) -> PresenceRead:
    set_etag(response, service.interval_etag(interval))
    return service.read_interval(session, interval)


@presence_router.post(
    "/clock-in",
    status_code=status.HTTP_201_CREATED,
    response_model=PresenceRead,
    summary="Clock in",
)
def clock_in(
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(WRITE)],
    employee_id: TimesheetWritable,
    body: ClockIn,
    force: Force = False,
) -> PresenceRead:
    """Opens a presence interval; 409 naming the open interval when there is one."""
    interval = service.clock_in(session, caller, employee_id, body, force=force)
    created(response, interval_location(employee_id, interval.id))
    return _answer(session, response, interval)


@presence_router.post("/clock-out", response_model=PresenceRead, summary="Clock out")
def clock_out(
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(WRITE)],
    employee_id: TimesheetWritable,
    body: ClockOut,
    force: Force = False,
) -> PresenceRead:
    """Closes the open interval (and its open break) at `at`; 409 when none is open."""
    interval = service.clock_out(session, caller, employee_id, body, force=force)
    return _answer(session, response, interval)


@presence_router.post("/break-start", response_model=PresenceRead, summary="Start a break")
def break_start(
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(WRITE)],
    employee_id: TimesheetWritable,
    body: BreakAt,
    force: Force = False,
) -> PresenceRead:
    interval = service.start_break(session, caller, employee_id, body, force=force)
    return _answer(session, response, interval)


@presence_router.post("/break-end", response_model=PresenceRead, summary="End a break")
def break_end(
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(WRITE)],
    employee_id: TimesheetWritable,
    body: BreakAt,
    force: Force = False,
) -> PresenceRead:
    interval = service.end_break(session, caller, employee_id, body, force=force)
    return _answer(session, response, interval)


@presence_router.get(
    "/presence", response_model=Page[PresenceRead], summary="List presence intervals"
)
def list_presence(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    employee_id: TimesheetReadable,
    page: PresencePage,
    first: Annotated[
        IsoDate | None, Query(alias="from", description="First local date (inclusive).")
    ] = None,
    last: Annotated[
        IsoDate | None, Query(alias="to", description="Last local date (inclusive).")
    ] = None,
    at: Annotated[
        DateKeyword | IsoDate | None,
        Query(description="One local date, or a named range in the employee's time zone."),
    ] = None,
) -> Page[PresenceRead]:
    """Newest first by default; `day` is the local date an interval started on."""
    rows, cursor = service.intervals_of(
        session, caller, employee_id, page, first=first, last=last, at=at
    )
    return Page(items=service.read_intervals(session, rows), next_cursor=cursor)


@presence_router.post(
    "/presence",
    status_code=status.HTTP_201_CREATED,
    response_model=PresenceRead,
    summary="Record a presence interval",
)
def create_presence(
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(WRITE)],
    employee_id: TimesheetWritable,
    body: PresenceCreate,
    force: Force = False,
) -> PresenceRead:
    """A closed interval after the fact; 409 naming an interval it would overlap."""
    interval = service.create_interval(session, caller, employee_id, body, force=force)
    created(response, interval_location(employee_id, interval.id))
    return _answer(session, response, interval)


@presence_router.get(
    "/presence/{interval_id}", response_model=PresenceRead, summary="Get a presence interval"
)
def get_presence(
    interval_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    employee_id: TimesheetReadable,
) -> PresenceRead:
    interval = service.get_interval(session, caller, employee_id, interval_id)
    return _answer(session, response, interval)


@presence_router.patch(
    "/presence/{interval_id}",
    response_model=PresenceRead,
    summary="Change a presence interval",
)
def update_presence(
    interval_id: ResourceId,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(WRITE)],
    employee_id: TimesheetWritable,
    body: PresenceUpdate,
    force: Force = False,
) -> PresenceRead:
    interval = service.update_interval(
        session, caller, employee_id, interval_id, body, if_match_of(request), force=force
    )
    return _answer(session, response, interval)


@presence_router.delete(
    "/presence/{interval_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a presence interval",
)
def delete_presence(
    interval_id: ResourceId,
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(WRITE)],
    employee_id: TimesheetWritable,
    force: Force = False,
) -> None:
    service.delete_interval(
        session, caller, employee_id, interval_id, if_match_of(request), force=force
    )
