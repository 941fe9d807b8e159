"""Request and response bodies of kiosks, badges and PINs, and the device API."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from timeledger.kit.routing import MAX_ID
from timeledger.kit.shown_once import ShownOnce
from timeledger.kit.text import WITHOUT_NUL
from timeledger.presence.schemas import Instant

MAX_ORG_UNITS = 100

KioskName = Annotated[str, Field(min_length=1, max_length=200, pattern=WITHOUT_NUL)]
OrgUnitIds = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_ID)]],
    Field(
        min_length=1,
        max_length=MAX_ORG_UNITS,
        description="The org units whose people may use the kiosk (each with every unit below it).",
    ),
]
Badge = Annotated[
    str,
    Field(
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="Badge number: letters, digits, '.', '_' and '-'.",
        examples=["000417"],
    ),
]
Pin = Annotated[
    str,
    Field(
        min_length=4,
        max_length=8,
        pattern=r"^[0-9]+$",
        description="4 to 8 digits.",
        json_schema_extra={"writeOnly": True},
    ),
]


class KioskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: KioskName
    org_unit_ids: OrgUnitIds


class KioskUpdate(BaseModel):
    """Fields left out keep their values; `org_unit_ids` replaces the served units."""

    model_config = ConfigDict(extra="forbid")

    name: KioskName | None = None
    org_unit_ids: OrgUnitIds | None = None


class KioskRead(BaseModel):
    id: int
    name: str
    org_unit_ids: list[int]
    token_prefix: str = Field(description="The visible start of the device token.")
    token_issued_at: datetime
    created_by_user_id: int
    created_at: datetime
    updated_at: datetime


class KioskWithToken(KioskRead):
    token: ShownOnce = Field(
        description="The device token (tl_kd_...). Shown in this response only: enter it "
        "on the kiosk now.",
    )


class BadgeSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    badge: Badge | None = Field(description="null takes the badge away.")


class BadgeRead(BaseModel):
    employee_id: int
    badge: str | None
    pin_set: bool = Field(description="Whether the employee has a kiosk PIN (never shown).")


class PinSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pin: Pin


class OwnPinSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pin: Pin
    current_password: str = Field(
        min_length=1, max_length=256, description="Your sign-in password, to confirm."
    )


class PresenceState(StrEnum):
    OUT = "out"
    IN = "in"
    ON_BREAK = "on_break"


class PunchAction(StrEnum):
    CLOCK_IN = "clock_in"
    CLOCK_OUT = "clock_out"
    BREAK_START = "break_start"
    BREAK_END = "break_end"


class Identify(BaseModel):
    model_config = ConfigDict(extra="forbid")

    badge: Badge
    pin: Pin


class Punch(Identify):
    action: PunchAction
    at: Instant | None = Field(
        default=None,
        description="When it happened (default: now): a kiosk that was offline sends its "
        "punches later, in order, at most 72 hours late.",
    )


class ServedUnit(BaseModel):
    id: int
    name: str


class KioskOfDevice(BaseModel):
    """What a kiosk shows of itself: its name and the org units it serves."""

    id: int
    name: str
    org_units: list[ServedUnit] = Field(
        description="The units the kiosk serves, as named today (each with every unit below it)."
    )


class Identified(BaseModel):
    first_name: str
    state: PresenceState


class Punched(Identified):
    action: PunchAction
    at: datetime
    interval_id: int = Field(description="The presence interval the punch opened or changed.")
