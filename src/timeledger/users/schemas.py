from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    AliasChoices,
    AliasPath,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    WithJsonSchema,
)

from timeledger.kit.languages import LANGUAGE_TAG_PATTERN, known_language_tags
from timeledger.kit.shown_once import ShownOnce
from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.timeutil import TimeZoneName

Name = Annotated[str, Field(min_length=1, max_length=200, pattern=WITHOUT_NUL)]
Password = Annotated[str, Field(min_length=1, max_length=256)]
RoleName = Annotated[str, Field(min_length=1, max_length=64, pattern=WITHOUT_NUL)]


def _known_language(value: str) -> str:
    if value not in known_language_tags():
        raise ValueError(f"{value[:20]!r} is not a language tag this server knows (e.g. de-CH)")
    return value


Language = Annotated[
    str,
    Field(max_length=16),
    AfterValidator(_known_language),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": LANGUAGE_TAG_PATTERN,
            "description": "A BCP 47 language tag the server knows: a language, or a "
            "language and region (de, de-CH).",
        }
    ),
]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    name: Name
    role: RoleName = Field(default="employee", description="Role name.")
    password: Password | None = Field(
        default=None, description="Initial password; without one the person needs a reset."
    )
    timezone: TimeZoneName | None = None
    language: Language = "en"


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr | None = None
    name: Name | None = None
    role: RoleName | None = None
    timezone: TimeZoneName | None = None
    language: Language | None = None


ROLE_NAME = AliasChoices(AliasPath("role", "name"), "role")
"""A user's role is shown by its name."""


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str | None
    name: str
    role: str = Field(validation_alias=ROLE_NAME)
    status: str
    timezone: str | None
    language: str
    created_at: datetime
    updated_at: datetime


class MeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    timezone: TimeZoneName | None = None
    language: Language | None = None


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: Password
    new_password: Password


class PasswordResetIssued(BaseModel):
    token: ShownOnce = Field(description="Single-use; hand it to the person. Shown only here.")
    expires_at: datetime


class ServiceUserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    role: RoleName = "developer"


class ServiceUserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    role: RoleName | None = None


class ServiceUserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    role: str = Field(validation_alias=ROLE_NAME)
    status: str
    created_at: datetime
    updated_at: datetime


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = "API key"
    expires_at: AwareDatetime | None = Field(
        default=None, description="Optional expiry, an instant with UTC offset."
    )


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: ShownOnce = Field(description="The secret; shown only in this response.")


PermissionName = Annotated[str, Field(max_length=100)]


class RoleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    description: Annotated[str, Field(max_length=500, pattern=WITHOUT_NUL)] = ""
    permissions: Annotated[list[PermissionName], Field(max_length=200)]


class RoleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Annotated[str, Field(max_length=500, pattern=WITHOUT_NUL)] | None = None
    permissions: Annotated[list[PermissionName], Field(max_length=200)] | None = None


class RoleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    permissions: list[str]
    builtin: bool
