"""Reading the change log as events: in revision order, only what the viewer may read."""

from contextlib import closing
from typing import Any

from sqlalchemy.orm import Session

from timeledger.changelog.service import head_revision
from timeledger.events.audience import Audience
from timeledger.events.catalog import TypeFilter, event_type
from timeledger.events.repository import ChangeRepository
from timeledger.events.schemas import Event
from timeledger.kit.views import view_of
from timeledger.models import Change

SCAN_WINDOW = 1000
"""Revisions examined per read at most: with few visible events a read returns fewer
items but still moves `next_after` on, so its cost never depends on the log's size."""


def event_view(change: Change) -> Event:
    """The change as an event: its type named from the changed entity and the operation."""
    return view_of(Event, change, type=event_type(change.entity, change.op))


def event_document(change: Change) -> dict[str, Any]:
    """The event as JSON-ready data (what the stream and webhooks send)."""
    return event_view(change).model_dump(mode="json")


def visible_changes(
    session: Session, audience: Audience, after: int, types: TypeFilter, limit: int
) -> tuple[list[Change], int, int]:
    """Up to `limit` changes after revision `after` that match `types` and the audience
    may read, with the revision to read on from and the head revision."""
    repository = ChangeRepository(session)
    head = head_revision(session, audience.viewer.workspace_id)
    through = min(head, after + SCAN_WINDOW)
    entities = sorted(types.entities | {entity for entity, _ in types.pairs})
    found: list[Change] = []
    next_after = max(after, through)
    with closing(repository.window(after, through, entities)) as window:
        for change in window:
            if types.matches(change.entity, change.op) and audience.sees(change):
                found.append(change)
                if len(found) == limit:
                    next_after = change.revision
                    break
    return found, next_after, head


def read_events(
    session: Session, audience: Audience, after: int, types: TypeFilter, limit: int
) -> dict[str, Any]:
    """One page of the feed as JSON-ready data (an `EventPage`)."""
    changes, next_after, head = visible_changes(session, audience, after, types, limit)
    return {
        "items": [event_document(change) for change in changes],
        "next_after": next_after,
        "head_revision": head,
        "has_more": next_after < head,
    }
