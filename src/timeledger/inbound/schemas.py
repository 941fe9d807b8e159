"""Shapes of inbound endpoints, the events they receive and the messages senders push."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    model_validator,
)

from timeledger.kit.shown_once import ShownOnce
from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.timeutil import TimeZoneName
from timeledger.organization.schemas import (
    EffectiveFrom,
    EmployeeNumber,
    LastName,
    PersonName,
    RefId,
    WeeklyPattern,
)
from timeledger.presence.schemas import Instant, Note

EndpointName = Annotated[str, Field(min_length=1, max_length=200, pattern=WITHOUT_NUL)]


class InboundEndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: EndpointName
    service_user_id: RefId = Field(
        description="The service user of this workspace whose permissions the events use."
    )
    active: bool = True


class InboundEndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: EndpointName | None = None
    service_user_id: RefId | None = None
    active: bool | None = None


class InboundEndpointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    service_user_id: int
    active: bool
    url: str = Field(description="Where the sender POSTs its signed events.")
    created_at: datetime
    updated_at: datetime


class InboundEndpointCreated(InboundEndpointRead):
    secret: ShownOnce = Field(
        description="The whsec_ signing secret, shown this once: give it to the sender."
    )


class InboundEventStatus(StrEnum):
    ACCEPTED = "accepted"
    PROCESSED = "processed"
    FAILED = "failed"


class InboundEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: str = Field(description="The sender's webhook-id.")
    type: str = Field(validation_alias=AliasChoices("type", "event_type"))
    data: dict[str, Any] = Field(validation_alias=AliasChoices("data", "payload"))
    status: InboundEventStatus
    error: str | None = Field(description="Why processing failed.")
    received_at: datetime
    processed_at: datetime | None


class InboundReceipt(BaseModel):
    id: int = Field(description="The stored event's id.")
    event_id: str = Field(description="The webhook-id it was sent with.")
    status: InboundEventStatus


# The messages


class EmployeeReference(BaseModel):
    """Which employee: by employee number (as HR systems and time clocks know them) or id."""

    model_config = ConfigDict(extra="forbid")

    employee_number: EmployeeNumber | None = None
    employee_id: RefId | None = None

    @model_validator(mode="after")
    def _one_reference(self) -> "EmployeeReference":
        if (self.employee_number is None) == (self.employee_id is None):
            raise ValueError("name the employee by employee_number or by employee_id (one)")
        return self


class EmployeeChanges(EmployeeReference):
    """The fields an HR system may change; the others are managed in Timeledger."""

    first_name: PersonName | None = None
    last_name: LastName | None = None
    email: EmailStr | None = None
    timezone: TimeZoneName | None = None
    weekly_pattern_minutes: WeeklyPattern | None = None
    effective_from: EffectiveFrom = None


class ClockEvent(EmployeeReference):
    at: Instant = Field(description="When the employee clocked, ISO 8601 with offset.")
    note: Note | None = None


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timestamp: AwareDatetime | None = Field(default=None, description="When it was sent.")


class EmployeeUpdated(_Message):
    type: Literal["employee.updated"]
    data: EmployeeChanges


class ClockedIn(_Message):
    type: Literal["presence.clock_in"]
    data: ClockEvent


class ClockedOut(_Message):
    type: Literal["presence.clock_out"]
    data: ClockEvent


InboundMessage = Annotated[EmployeeUpdated | ClockedIn | ClockedOut, Field(discriminator="type")]
