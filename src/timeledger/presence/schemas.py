"""Request and response bodies of presence intervals, clocking and breaks."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from timeledger.kit.routing import MAX_ID
from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.timeutil import IsoDate
from timeledger.timesheet.spans import utc_within_range

MAX_BREAKS = 50

Instant = Annotated[
    AwareDatetime,
    AfterValidator(utc_within_range),
    Field(description="ISO 8601 instant with UTC offset; answered in UTC."),
]
RefId = Annotated[int, Field(ge=1, le=MAX_ID)]
Note = Annotated[str, Field(max_length=2000, pattern=WITHOUT_NUL)]


class PresenceSource(StrEnum):
    CLOCK = "clock"
    MANUAL = "manual"
    KIOSK = "kiosk"
    IMPORT = "import"


class ClockSource(StrEnum):
    CLOCK = "clock"
    KIOSK = "kiosk"


class RecordedSource(StrEnum):
    MANUAL = "manual"
    IMPORT = "import"


class ClockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: Instant | None = Field(default=None, description="When (default: now).")
    reason_id: RefId | None = None
    activity_id: RefId | None = None
    note: Note = ""
    source: ClockSource = ClockSource.CLOCK


class ClockOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: Instant | None = Field(default=None, description="When (default: now).")
    note: Note | None = Field(default=None, description="Replaces the interval's note.")


class BreakAt(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: Instant | None = Field(default=None, description="When (default: now).")


class PresenceBreakSpan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    started_at: Instant
    ended_at: Instant


Breaks = Annotated[list[PresenceBreakSpan], Field(max_length=MAX_BREAKS)]


class PresenceCreate(BaseModel):
    """A closed interval recorded after the fact."""

    model_config = ConfigDict(extra="forbid")

    started_at: Instant
    ended_at: Instant
    breaks: Breaks = Field(default_factory=list)
    reason_id: RefId | None = None
    activity_id: RefId | None = None
    note: Note = ""
    source: RecordedSource = RecordedSource.MANUAL


class PresenceUpdate(BaseModel):
    """Fields left out keep their values; `breaks` replaces all breaks. `ended_at` and
    `breaks` of an open interval change through clock-out and the break operations."""

    model_config = ConfigDict(extra="forbid")

    started_at: Instant | None = None
    ended_at: Instant | None = None
    breaks: Breaks | None = None
    reason_id: RefId | None = None
    activity_id: RefId | None = None
    note: Note | None = None


class BreakRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    started_at: datetime
    ended_at: datetime | None


class PresenceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    employee_id: int
    started_at: datetime
    ended_at: datetime | None
    day: IsoDate = Field(description="Local date of the start in `timezone`.")
    timezone: str
    reason_id: int | None
    activity_id: int | None
    note: str
    source: PresenceSource
    breaks: list[BreakRead]
    break_minutes: int
    minutes: int = Field(description="Worked minutes: duration minus breaks (open: up to now).")
    open: bool
    created_at: datetime
    updated_at: datetime
