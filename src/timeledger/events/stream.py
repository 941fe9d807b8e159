"""The live event stream (Server-Sent Events): the feed's events as they are committed.

A stream sleeps on the workspace's wake-up (`changes.service.COMMITTED_CHANGES`), which a
commit in this process announces, and, on PostgreSQL, a NOTIFY from any other process
(one LISTEN connection per process, `ChangeDelivery`). It also looks every
`sse_poll_seconds` by itself, for writers that cannot announce (a separate
`timeledger worker` process on SQLite) and notifications lost while reconnecting.
Every look is a short read session on a worker thread: no session or transaction stays
open while the stream waits.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Query, Request
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.types import Receive, Scope, Send

from timeledger.access.caller import (
    Caller,
    authenticate,
    bearer_token,
    caller_from_token,
    caller_of_user,
)
from timeledger.changelog import service as changelog
from timeledger.changelog.hub import NotificationListener
from timeledger.changelog.service import CHANGES_CHANNEL, COMMITTED_CHANGES
from timeledger.events.audience import Audience
from timeledger.events.catalog import TypeFilter, event_type
from timeledger.events.service import event_view, visible_changes
from timeledger.events.tickets import TICKET_LENGTH_LIMIT, caller_from_ticket
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import Problem, Unauthorized
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.kit.uow import UnitOfWork, database
from timeledger.models import User

EVENTS_PERMISSION = "events:read:own"
MAX_STREAMS_PER_PROCESS = 100
"""Open streams one server process serves at most; beyond, 503 with Retry-After."""
RETRY_AFTER_SECONDS = 5
STREAM_BATCH = 200
"""Events read per look; a backlog is sent in batches without waiting in between."""
SEND_TIMEOUT_SECONDS = 30.0
"""A client that takes longer to accept one message is cut off (its slot is freed)."""
HEARTBEAT_COMMENT = "heartbeat"


class StreamsExhausted(Problem):
    status, slug, title = 503, "unavailable", "Service unavailable"


class StreamSlots:
    """Counts a process's open streams; used on its event loop only."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.open = 0

    def take(self) -> None:
        if self.open >= self.capacity:
            raise StreamsExhausted(
                f"This server process already serves {self.capacity} event streams; "
                "retry later or read GET /api/events.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        self.open += 1

    def give_back(self) -> None:
        self.open -= 1


class ChangeDelivery:
    """A process's stream slots and, on PostgreSQL, its LISTEN connection; started and
    stopped with the application."""

    def __init__(self, db: Database) -> None:
        self.slots = StreamSlots(MAX_STREAMS_PER_PROCESS)
        self.listener: NotificationListener | None = None
        if not db.is_sqlite:
            conninfo = db.engine.url.set(drivername="postgresql")
            self.listener = NotificationListener(
                conninfo.render_as_string(hide_password=False),
                CHANGES_CHANNEL,
                on_payload=_announce_workspace,
                on_reconnect=COMMITTED_CHANGES.announce_all,
            )

    def start(self) -> None:
        if self.listener is not None:
            self.listener.start()

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.stop()


def _announce_workspace(payload: str) -> None:
    if payload.isdigit():
        COMMITTED_CHANGES.announce(int(payload))


async def authenticate_stream(
    request: Request,
    session: UnitOfWork,
    ticket: Annotated[
        str | None,
        Query(
            max_length=TICKET_LENGTH_LIMIT,
            description="A ticket from POST /api/sse/tickets, for clients that cannot send "
            "an Authorization header (browsers' EventSource); it works once.",
        ),
    ] = None,
) -> Caller:
    """`Authorization: Bearer` as everywhere, or a single-use stream ticket."""
    if ticket is None:
        return await authenticate(request, session)
    caller = await run_in_threadpool(caller_from_ticket, request, ticket)
    scope_session_to_workspace(session, caller.workspace_id)
    return caller


def head_revision(db: Database, workspace_id: int) -> int:
    with db.session(write=False, workspace_id=workspace_id) as session:
        return changelog.head_revision(session, workspace_id)


def current_caller(request: Request, caller: Caller) -> Caller | None:
    """The stream's caller with the permissions of now, or None when its credential (or,
    for a ticket, its user) no longer stands for anyone allowed to read events."""
    try:
        if caller.credential_kind is None:
            renewed = _ticket_holder_now(database(request), request, caller)
        else:
            renewed = caller_from_token(request, bearer_token(request))
    except Unauthorized:
        return None
    return renewed if renewed.may(EVENTS_PERMISSION) else None


def _ticket_holder_now(db: Database, request: Request, caller: Caller) -> Caller:
    with db.session(write=False) as session:
        user = session.get(User, caller.user_id)
        if user is None or user.status != "active":
            raise Unauthorized("The stream ticket's user is suspended or deleted.")
        return caller_of_user(
            user,
            kind=None,
            credential_id=caller.credential_id,
            label=caller.credential_label,
            address=caller.client_address,
        )


@dataclass(frozen=True)
class Batch:
    messages: list[ServerSentEvent]
    next_after: int
    head: int


@dataclass
class StreamReader:
    """Reads the caller's next events, each look in a short session of its own; the
    audience's reading rights are kept between looks until the caller is renewed."""

    db: Database
    caller: Caller
    types: TypeFilter
    _audience: Audience | None = None

    def renew(self, caller: Caller) -> None:
        self.caller = caller
        self._audience = None

    def read(self, after: int) -> Batch:
        workspace_id = self.caller.workspace_id
        with self.db.session(write=False, workspace_id=workspace_id) as session:
            if self._audience is None:
                self._audience = Audience(session, self.caller)
            else:
                self._audience.session = session
            changes, next_after, head = visible_changes(
                session, self._audience, after, self.types, STREAM_BATCH
            )
            messages = [
                ServerSentEvent(
                    data=event_view(change).model_dump_json(),
                    id=str(change.revision),
                    event=event_type(change.entity, change.op),
                )
                for change in changes
            ]
        return Batch(messages, next_after, head)


@dataclass
class EventStream:
    request: Request
    reader: StreamReader
    after: int
    heartbeat_seconds: float
    poll_seconds: float

    async def messages(self) -> AsyncIterator[ServerSentEvent]:
        """Events after `after` as they come, a heartbeat comment after each
        `heartbeat_seconds` without a message, and the end of the stream once the
        credential is revoked or expired (checked at the same interval). It reads when
        woken by an announcement, and by itself every `poll_seconds`."""
        workspace_id = self.reader.caller.workspace_id
        last_sent = verified_at = looked_at = _seconds_now()
        look = True
        while True:
            announcement = COMMITTED_CHANGES.next_announcement(workspace_id)
            if look:
                batch = await run_in_threadpool(self.reader.read, self.after)
                self.after = batch.next_after
                for message in batch.messages:
                    yield message
                looked_at = _seconds_now()
                if batch.messages:
                    last_sent = looked_at
                if batch.next_after < batch.head:
                    continue
            if _seconds_now() - verified_at >= self.heartbeat_seconds:
                renewed = await run_in_threadpool(current_caller, self.request, self.reader.caller)
                if renewed is None:
                    return
                self.reader.renew(renewed)
                verified_at = _seconds_now()
            now = _seconds_now()
            wait = min(
                looked_at + self.poll_seconds - now,
                last_sent + self.heartbeat_seconds - now,
                verified_at + self.heartbeat_seconds - now,
            )
            look = await _announced(announcement, wait)
            now = _seconds_now()
            if now - last_sent >= self.heartbeat_seconds:
                yield ServerSentEvent(comment=HEARTBEAT_COMMENT)
                last_sent = now
            look = look or now - looked_at >= self.poll_seconds


def _seconds_now() -> float:
    """Heartbeats keep the application's clock, so a frozen clock sends none."""
    return utcnow().timestamp()


async def _announced(announcement: asyncio.Event, within_seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(announcement.wait(), timeout=max(within_seconds, 0))
    return announcement.is_set()


class SlottedEventStream(EventSourceResponse):
    """An event stream that gives its slot back however it ends (the client leaves, the
    credential is revoked, the server shuts down, a send times out). sse-starlette rather
    than a plain StreamingResponse: it notices a client's disconnect while the stream
    waits, and ends streams when uvicorn shuts down instead of holding the shutdown."""

    def __init__(self, stream: EventStream, slots: StreamSlots) -> None:
        super().__init__(stream.messages(), ping=0, send_timeout=SEND_TIMEOUT_SECONDS)
        self.slots = slots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.slots.give_back()
