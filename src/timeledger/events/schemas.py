from datetime import datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from timeledger.kit.shown_once import ShownOnce


class Event(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    revision: int = Field(description="Position in the workspace's change log; only grows.")
    type: str = Field(examples=["entry.created"], description="`entity.operation`.")
    occurred_at: datetime = Field(validation_alias=AliasChoices("occurred_at", "at"))
    actor_user_id: int | None = Field(description="Who made the change; null for the system.")
    object_id: int = Field(
        validation_alias=AliasChoices("object_id", "entity_id"),
        description="The id of the changed object.",
    )
    data: dict[str, Any] = Field(description="The object as the API showed it after the change.")


class EventPage(BaseModel):
    items: list[Event]
    next_after: int = Field(description="Pass as `after` to read on from here.")
    head_revision: int = Field(description="The newest revision committed when this was read.")
    has_more: bool = Field(description="Whether revisions after `next_after` exist already.")


class StreamTicketIssued(BaseModel):
    ticket: ShownOnce = Field(
        description="Pass once as `GET /api/sse?ticket=...`; shown only now, stored hashed."
    )
    expires_at: datetime = Field(description="When an unused ticket stops being accepted.")
