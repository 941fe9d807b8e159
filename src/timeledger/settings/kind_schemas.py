"""Fields every effective-dated configuration schema shares."""

from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from timeledger.kit.routing import MAX_ID
from timeledger.kit.timeutil import IsoDate

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)


def _plausible(value: date | None) -> date | None:
    if value is not None and not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"dates must lie between {MIN_DATE} and {MAX_DATE}")
    return value


ConfigDate = Annotated[IsoDate, AfterValidator(_plausible)]
Key = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="Stable code, unique per workspace and kind (letters, digits, _ . -).",
    ),
]


def _storable(value: str) -> str:
    # PostgreSQL text cannot hold NUL characters.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_storable)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_storable)]
ReferenceId = Annotated[int, Field(ge=1, le=MAX_ID)]


class ConfigCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: Key | None = None
    effective_from: ConfigDate | None = Field(
        default=None,
        description="Creation date: the entity is not effective before it (default: today).",
    )


class ConfigUpdate(BaseModel):
    """Changes become a new version from `effective_from`; earlier versions stay."""

    model_config = ConfigDict(extra="forbid")

    key: Key | None = None
    effective_from: ConfigDate | None = Field(
        default=None,
        description="Date the new version takes effect (default: today); never before "
        "the entity's creation (422). A past date adds a retroactive version.",
    )


class ConfigRead(BaseModel):
    id: int
    key: str | None
    effective_from: IsoDate = Field(description="Start of the version shown.")
    created_at: datetime
    updated_at: datetime


class ConfigVersionRead(BaseModel):
    version_id: int
    effective_from: IsoDate
    recorded_at: datetime


ReadT = TypeVar("ReadT", bound=BaseModel)


def read_of(schema: type[ReadT], entity: Any, version: Any, values: dict[str, Any]) -> ReadT:
    return schema.model_validate(
        {
            **values,
            "id": entity.id,
            "key": entity.key,
            "effective_from": version.effective_from,
            "created_at": entity.created_at,
            "updated_at": entity.updated_at,
        }
    )


def version_read_of(schema: type[ReadT], version: Any, values: dict[str, Any]) -> ReadT:
    return schema.model_validate(
        {
            **values,
            "version_id": version.id,
            "effective_from": version.effective_from,
            "recorded_at": version.recorded_at,
        }
    )
