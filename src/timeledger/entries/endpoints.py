"""Routes of one employee's time entries and timer, and of batches of entries: parse, call
the service, render. (Lists live in list_endpoints.py.)"""

from typing import Annotated, Any

from fastapi import Query, Request, Response, status

from timeledger.access.caller import Allowed, Caller
from timeledger.entries import service
from timeledger.entries.schemas import (
    EntryBatch,
    EntryBatchCreate,
    EntryCreate,
    EntryRead,
    EntryUpdate,
    TimerState,
)
from timeledger.kit.etag import set_etag
from timeledger.kit.jsonio import FastJSONResponse
from timeledger.kit.routing import ResourceId, api_router, created, if_match_of
from timeledger.kit.uow import UnitOfWork
from timeledger.models import TimeEntry
from timeledger.organization.reach import TimesheetReadable, TimesheetWritable

entries_router = api_router("Timesheet", prefix="/employees/{employee_id}/timesheet")
entry_batches_router = api_router("Timesheet", prefix="/timesheet/entries")

Force = Annotated[
    bool,
    Query(
        description="Change a locked entry (needs timesheet:force:*); without it a locked "
        "entry answers 423."
    ),
]


def _location(entry: TimeEntry) -> str:
    return f"/api/employees/{entry.employee_id}/timesheet/entries/{entry.id}"


@entries_router.post(
    "/entries",
    status_code=status.HTTP_201_CREATED,
    response_model=EntryRead,
    summary="Register time",
)
def create_entry(
    body: EntryCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:write:own")],
    employee_id: TimesheetWritable,
    force: Force = False,
) -> Any:
    entry = service.create_entry(session, caller, employee_id, body, force=force)
    created(response, _location(entry), service.entry_etag(entry))
    return service.entry_view(session, caller, entry)


@entries_router.get("/entries/{entry_id}", response_model=EntryRead, summary="Get a time entry")
def get_entry(
    entry_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:read:own")],
    employee_id: TimesheetReadable,
) -> Any:
    entry = service.get_entry(session, caller, employee_id, entry_id)
    set_etag(response, service.entry_etag(entry))
    return service.entry_view(session, caller, entry)


@entries_router.patch(
    "/entries/{entry_id}", response_model=EntryRead, summary="Change a time entry"
)
def update_entry(
    entry_id: ResourceId,
    body: EntryUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:write:own")],
    employee_id: TimesheetWritable,
    force: Force = False,
) -> Any:
    entry = service.update_entry(
        session, caller, employee_id, entry_id, body, force=force, if_match=if_match_of(request)
    )
    set_etag(response, service.entry_etag(entry))
    return service.entry_view(session, caller, entry)


@entries_router.delete(
    "/entries/{entry_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a time entry",
)
def delete_entry(
    entry_id: ResourceId,
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:write:own")],
    employee_id: TimesheetWritable,
    force: Force = False,
) -> None:
    service.delete_entry(
        session, caller, employee_id, entry_id, force=force, if_match=if_match_of(request)
    )


def _timer_state(
    session: UnitOfWork, caller: Caller, switch: service.TimerSwitch
) -> dict[str, Any]:
    return {
        "tracking_entry": service.entry_view(session, caller, switch.tracking)
        if switch.tracking is not None
        else None,
        "stopped_entry": service.entry_view(session, caller, switch.stopped)
        if switch.stopped is not None
        else None,
    }


@entries_router.get("/timer", response_model=TimerState, summary="The running timer")
def get_timer(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:read:own")],
    employee_id: TimesheetReadable,
) -> Any:
    running = service.running_timer(session, caller, employee_id)
    return _timer_state(session, caller, service.TimerSwitch(tracking=running, stopped=None))


@entries_router.post(
    "/timer",
    status_code=status.HTTP_201_CREATED,
    response_model=TimerState,
    summary="Start a timer on a new entry (stops a running one)",
)
def start_timer_on_new_entry(
    body: EntryCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:write:own")],
    employee_id: TimesheetWritable,
) -> Any:
    switch = service.start_timer_on_new_entry(session, caller, employee_id, body)
    assert switch.tracking is not None
    created(response, _location(switch.tracking), service.entry_etag(switch.tracking))
    return _timer_state(session, caller, switch)


@entries_router.post(
    "/entries/{entry_id}/timer",
    response_model=TimerState,
    summary="Start the timer on an entry (stops a running one)",
)
def start_timer(
    entry_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:write:own")],
    employee_id: TimesheetWritable,
) -> Any:
    switch = service.start_timer(session, caller, employee_id, entry_id)
    return _timer_state(session, caller, switch)


@entries_router.delete("/timer", response_model=TimerState, summary="Stop the running timer")
def stop_timer(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:write:own")],
    employee_id: TimesheetWritable,
) -> Any:
    stopped = service.stop_timer(session, caller, employee_id)
    return _timer_state(session, caller, service.TimerSwitch(tracking=None, stopped=stopped))


@entry_batches_router.post(
    "/batch",
    status_code=status.HTTP_201_CREATED,
    response_model=EntryBatch,
    summary="Register many entries at once, all or none",
    description="Each item is an entry of `employee_id`'s timesheet, checked by the rules "
    "and permission of registering one entry. One refused item refuses the batch: nothing "
    "is stored and the problem's `errors[]` name every refused item at "
    "`body.items.<index>.<field>`, with that item's `status` (404 and 403 as for one entry, "
    "422 for values). The answer carries no Location or ETag; each created entry has its "
    "own, see `GET /api/employees/{employee_id}/timesheet/entries/{entry_id}`.",
)
def create_entries(
    body: EntryBatchCreate,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("timesheet:write:own")],
) -> FastJSONResponse:
    items = service.create_entries(session, caller, body.items)
    return FastJSONResponse({"items": items}, status_code=status.HTTP_201_CREATED)
