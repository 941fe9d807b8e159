"""Stream tickets: short-lived, single-use permits to open the event stream, for browsers
whose EventSource cannot send an Authorization header. A ticket reads
`tl_et_<id part><secret part>` like the other tokens (see identity.credentials): the id
part finds the row, only the SHA-256 of the whole ticket is stored."""

import hashlib
import secrets
from datetime import timedelta

from fastapi import Request
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller, caller_of
from timeledger.access.credentials import ID_PART_LENGTH, SECRET_BYTES, token_matches
from timeledger.events.repository import StreamTicketRepository
from timeledger.events.schemas import StreamTicketIssued
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Unauthorized
from timeledger.kit.uow import database
from timeledger.models import StreamTicket, User

TICKET_PREFIX = "tl_et_"
TICKET_LENGTH_LIMIT = 128


def ticket_prefix(ticket: str) -> str:
    return ticket[: len(TICKET_PREFIX) + ID_PART_LENGTH]


def issue_ticket(session: Session, caller: Caller, ttl_seconds: int) -> StreamTicketIssued:
    now = utcnow()
    repository = StreamTicketRepository(session)
    repository.delete_expired(now)
    ticket = TICKET_PREFIX + secrets.token_urlsafe(SECRET_BYTES + ID_PART_LENGTH)
    expires_at = now + timedelta(seconds=ttl_seconds)
    repository.add(
        StreamTicket(
            user_id=caller.user_id,
            prefix=ticket_prefix(ticket),
            secret_hash=hashlib.sha256(ticket.encode()).hexdigest(),
            created_at=now,
            expires_at=expires_at,
            used_at=None,
        )
    )
    return StreamTicketIssued(ticket=ticket, expires_at=expires_at)


def caller_from_ticket(request: Request, ticket: str) -> Caller:
    """The caller a ticket was issued to, using the ticket up (401 when it is unknown,
    used, expired, or its user is no longer active). Runs in a short transaction of its
    own, before the request's unit of work."""
    refused = Unauthorized("The stream ticket is unknown, used or expired; request a new one.")
    if not ticket.startswith(TICKET_PREFIX) or len(ticket) > TICKET_LENGTH_LIMIT:
        raise refused
    with database(request).transaction() as session:
        repository = StreamTicketRepository(session)
        row = repository.by_prefix(ticket_prefix(ticket))
        if row is None or not token_matches(ticket, row.secret_hash):
            raise refused
        if not repository.mark_used(row.id, utcnow()):
            raise refused
        user = session.get(User, row.user_id)
        if user is None or user.status != "active":
            raise Unauthorized("The stream ticket's user is suspended or deleted.")
        return caller_of(request, user, None, row.id, row.prefix)
