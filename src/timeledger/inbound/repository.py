"""SQL of inbound endpoints and their events. Endpoints and events are tenant rows, scoped
by the session; only the receiving operation looks an endpoint up before it knows the
workspace (the signature decides whose it is)."""

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from timeledger.access.caller import SERVICE
from timeledger.models import InboundEndpoint, InboundEvent, User


class InboundRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def endpoints(self) -> Select[InboundEndpoint]:
        return select(InboundEndpoint)

    def endpoint(self, endpoint_id: int) -> InboundEndpoint | None:
        return self.session.scalars(
            select(InboundEndpoint).where(InboundEndpoint.id == endpoint_id)
        ).one_or_none()

    def active_service_user(self, user_id: int) -> User | None:
        return self.session.scalars(
            select(User).where(User.id == user_id, User.kind == SERVICE, User.status == "active")
        ).one_or_none()

    def events_of(self, endpoint_id: int) -> Select[InboundEvent]:
        return select(InboundEvent).where(InboundEvent.endpoint_id == endpoint_id)

    def event(self, event_id: int) -> InboundEvent | None:
        return self.session.get(InboundEvent, event_id)

    def event_by_sender_id(self, endpoint_id: int, sender_event_id: str) -> InboundEvent | None:
        return self.session.scalars(
            select(InboundEvent).where(
                InboundEvent.endpoint_id == endpoint_id, InboundEvent.event_id == sender_event_id
            )
        ).one_or_none()

    def add(self, row: InboundEndpoint | InboundEvent) -> None:
        """Insert inside a savepoint: a unique violation (a resent event racing its first
        delivery) rolls back only the savepoint and leaves the transaction usable."""
        with self.session.begin_nested():
            self.session.add(row)
            self.session.flush()

    def delete(self, endpoint: InboundEndpoint) -> None:
        self.session.delete(endpoint)
        self.session.flush()
