from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from timeledger.events.catalog import MAX_TYPE_FILTERS
from timeledger.kit.shown_once import ShownOnce
from timeledger.kit.text import WITHOUT_NUL
from timeledger.webhooks.destinations import MAX_URL_LENGTH

SubscriptionState = Literal["active", "failing", "disabled", "paused"]

WebhookUrl = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        description="http or https URL the events are POSTed to; no credentials; its host "
        "must resolve to public addresses only (see docs/webhooks.md).",
        examples=["https://hooks.example.com/timeledger"],
    ),
]
Description = Annotated[str, Field(max_length=500, pattern=WITHOUT_NUL)]
EventTypes = Annotated[
    list[Annotated[str, Field(max_length=64)]],
    Field(
        max_length=MAX_TYPE_FILTERS,
        description="`entity.operation` or `entity.*`; empty delivers every event type.",
        examples=[["entry.*", "presence.clock_in"]],
    ),
]


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl
    description: Description = ""
    event_types: EventTypes = Field(default_factory=list)
    active: bool = True


class SubscriptionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl | None = None
    description: Description | None = None
    event_types: EventTypes | None = None
    active: bool | None = Field(
        default=None,
        description="false pauses deliveries; true resumes them from the subscription's "
        "cursor, also after the server disabled it (which clears the failure state).",
    )


class Subscription(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    description: str
    event_types: list[str]
    tyme_trigger: str | None = Field(
        description="Set on a subscription made through the Tyme face (docs/compat/tyme.md): "
        "its trigger_type. Its requests carry Tyme's JSON arrays instead of the payload below."
    )
    active: bool
    state: SubscriptionState = Field(
        description="active: delivering; failing: retrying the next event; disabled: "
        "stopped by the server (see disabled_reason); paused: stopped by a person."
    )
    disabled_reason: str | None
    disabled_at: datetime | None
    delivered_revision: int = Field(
        description="Every event up to this revision was delivered or did not match."
    )
    failed_attempts: int = Field(description="Failed attempts at the next event.")
    failing_since: datetime | None
    next_attempt_at: datetime | None
    created_by_user_id: int | None = Field(
        description="Whose reading rights decide which events the subscription receives."
    )
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(Subscription):
    secret: ShownOnce = Field(
        description="The whsec_ signing secret. Shown in this response only: store it now.",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )


class Delivery(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    message_id: str = Field(description="The webhook-id header, the same on every attempt.")
    revision: int | None = Field(description="The change delivered; null for a test event.")
    event_type: str
    trigger: Literal["automatic", "redelivery", "test"]
    attempt: int = Field(description="The how-manieth attempt at this message.")
    succeeded: bool
    response_status: int | None = Field(description="The receiver's HTTP status, if any.")
    duration_ms: int
    error: str | None = Field(
        description="Why the attempt failed, in our words (the response body is never kept)."
    )
    attempted_at: datetime


class DeliveryRequested(BaseModel):
    job_id: int = Field(description="The background job that sends it.")
    message_id: str = Field(description="The webhook-id the request will carry.")
