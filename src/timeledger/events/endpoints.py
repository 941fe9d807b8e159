"""Routes of the event feed and the live stream: parse, call a service, render."""

from typing import Annotated, Any

from fastapi import Header, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from timeledger.access.caller import Allowed, Caller
from timeledger.config import Settings
from timeledger.events import service
from timeledger.events.audience import Audience
from timeledger.events.catalog import MAX_TYPE_FILTERS, TypeFilter, parse_types
from timeledger.events.schemas import EventPage, StreamTicketIssued
from timeledger.events.stream import (
    EVENTS_PERMISSION,
    ChangeDelivery,
    EventStream,
    SlottedEventStream,
    StreamReader,
    authenticate_stream,
    head_revision,
)
from timeledger.events.tickets import issue_ticket
from timeledger.kit.errors import PROBLEM_MEDIA_TYPE
from timeledger.kit.jsonio import FastJSONResponse
from timeledger.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT
from timeledger.kit.routing import MAX_ID, api_router
from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.uow import UnitOfWork, database

events_router = api_router("Events & webhooks")

TypeNames = Annotated[
    list[Annotated[str, Field(max_length=4000, pattern=WITHOUT_NUL)]] | None,
    Query(
        description="Event types, repeated or comma-separated: `entity.operation` "
        f"(`entry.created`) or `entity.*`; at most {MAX_TYPE_FILTERS}. Default: all."
    ),
]
Revision = Annotated[int, Query(ge=0, le=MAX_ID, description="Read the events after this.")]
STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An endless text/event-stream: per event `id: <revision>`, "
        "`event: <type>` and `data: <the event as JSON>`; a `: heartbeat` comment when idle.",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    },
    503: {
        "description": "This server process serves its maximum of streams; retry later.",
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    },
}


def type_filter_of(types: list[str] | None) -> TypeFilter:
    names = [name.strip() for value in types or () for name in value.split(",") if name.strip()]
    return parse_types(names, "query.types")


@events_router.get("/events", response_model=EventPage)
def list_events(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(EVENTS_PERMISSION)],
    after: Revision = 0,
    types: TypeNames = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Events per page.")] = (
        DEFAULT_LIMIT
    ),
) -> FastJSONResponse:
    """The changes after revision `after` in revision order, only those about objects you
    may read. A page examines at most 1,000 revisions: it may hold fewer than `limit`
    events although more follow, so read on from `next_after` while `has_more`."""
    type_filter = type_filter_of(types)
    page = service.read_events(session, Audience(session, caller), after, type_filter, limit)
    return FastJSONResponse(page)


@events_router.post(
    "/sse/tickets", status_code=status.HTTP_201_CREATED, response_model=StreamTicketIssued
)
def create_stream_ticket(
    request: Request, session: UnitOfWork, caller: Annotated[Caller, Allowed(EVENTS_PERMISSION)]
) -> StreamTicketIssued:
    """A single-use ticket opening one event stream as you, valid for a minute (by
    default): for browsers, whose EventSource cannot send an Authorization header."""
    return issue_ticket(session, caller, request.app.state.settings.stream_ticket_ttl_seconds)


@events_router.get(
    "/sse",
    status_code=status.HTTP_200_OK,
    response_class=SlottedEventStream,
    responses=STREAM_RESPONSES,
)
async def stream_events(
    request: Request,
    caller: Annotated[Caller, Allowed(EVENTS_PERMISSION, authenticator=authenticate_stream)],
    after: Annotated[
        int | None,
        Query(ge=0, le=MAX_ID, description="Start after this revision. Default: from now."),
    ] = None,
    types: TypeNames = None,
    last_event_id: Annotated[
        int | None,
        Header(
            alias="Last-Event-ID",
            ge=0,
            le=MAX_ID,
            description="Resume after this revision (EventSource sends it when reconnecting); "
            "wins over `after`.",
        ),
    ] = None,
) -> SlottedEventStream:
    """The events of GET /api/events as Server-Sent Events, as they are committed."""
    type_filter = type_filter_of(types)
    db = database(request)
    settings: Settings = request.app.state.settings
    start = last_event_id if last_event_id is not None else after
    if start is None:
        start = await run_in_threadpool(head_revision, db, caller.workspace_id)
    delivery: ChangeDelivery = request.app.state.change_delivery
    delivery.slots.take()
    stream = EventStream(
        request=request,
        reader=StreamReader(db, caller, type_filter),
        after=start,
        heartbeat_seconds=settings.sse_heartbeat_seconds,
        poll_seconds=settings.sse_poll_seconds,
    )
    return SlottedEventStream(stream, delivery.slots)
