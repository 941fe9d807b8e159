from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.timeutil import TimeZoneName

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Locale = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
WeekStart = Annotated[int, Field(ge=1, le=7, description="ISO weekday, 1 = Monday.")]


class WorkspaceRead(BaseModel):
    id: int
    name: str
    timezone: str
    locale: str
    currency: str
    week_start: int
    settings: dict[str, Any]
    revision: int = Field(description="Latest revision of the workspace's change log.")
    created_at: datetime
    updated_at: datetime


class WorkspaceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200, pattern=WITHOUT_NUL)] | None = None
    timezone: TimeZoneName | None = None
    locale: Locale | None = None
    currency: Currency | None = None
    week_start: WeekStart | None = None


ApiPassword = Annotated[str, Field(min_length=10, max_length=256, pattern=WITHOUT_NUL)]


class GoodTimeFaceRead(BaseModel):
    """The GoodTime face of the workspace (`/compat/goodtime/api`); the API password is
    never shown, only whether one is set."""

    enabled: bool = Field(description="Whether the GoodTime REST API answers.")
    api_password_set: bool = Field(description="Whether an API password has been set.")
    lockable_entries: bool = Field(
        description="Whether GoodTime time entries carry `locked` (GoodTime's "
        "'Lockable time entries' feature)."
    )


class GoodTimeFaceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(description="Enabling needs an API password, set now or before.")
    api_password: ApiPassword | None = Field(
        default=None,
        description="The password GoodTime clients log in with (10 to 256 characters); "
        "stored only as an argon2id hash. Omit it to keep the current one.",
    )
    lockable_entries: bool = False
