"""Reading the change log by revision, and the stream tickets; the session scopes both to
the workspace (a ticket is redeemed before any workspace is known, by its unique prefix)."""

from collections.abc import Generator, Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from timeledger.models import Change, StreamTicket

WINDOW_CHUNK = 100
"""Changes loaded at a time while a window is read."""


class ChangeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def window(
        self, after: int, through: int, entities: Sequence[str] = ()
    ) -> Generator[Change, None, None]:
        """The changes with revisions in (after, through], oldest first, of `entities`
        (all when empty). Revisions are gapless, so the window bounds the rows read
        whatever the log's size: a primary-key range scan. Rows are loaded in chunks as
        they are iterated: a reader that stops early (a full page) loads no more."""
        if through <= after:
            return
        statement = (
            select(Change)
            .where(Change.revision > after, Change.revision <= through)
            .order_by(Change.revision)
            .execution_options(yield_per=WINDOW_CHUNK)
        )
        if entities:
            statement = statement.where(Change.entity.in_(entities))
        result = self.session.scalars(statement)
        try:
            yield from result
        finally:
            result.close()


class StreamTicketRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, ticket: StreamTicket) -> None:
        self.session.add(ticket)
        self.session.flush()

    def delete_expired(self, now: datetime) -> None:
        self.session.execute(
            delete(StreamTicket)
            .where(StreamTicket.expires_at <= now)
            .execution_options(synchronize_session=False)
        )

    def by_prefix(self, prefix: str) -> StreamTicket | None:
        return self.session.scalars(
            select(StreamTicket).where(StreamTicket.prefix == prefix)
        ).one_or_none()

    def mark_used(self, ticket_id: int, now: datetime) -> bool:
        """Whether this call used the ticket: only one caller ever does, and only before
        it expires."""
        result = self.session.execute(
            update(StreamTicket)
            .where(
                StreamTicket.id == ticket_id,
                StreamTicket.used_at.is_(None),
                StreamTicket.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]
