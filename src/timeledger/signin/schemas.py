from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from timeledger.kit.shown_once import ShownOnce
from timeledger.kit.text import WITHOUT_NUL

Secret = Annotated[str, Field(min_length=1, max_length=256, pattern=WITHOUT_NUL)]


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(min_length=3, max_length=320, pattern=WITHOUT_NUL)]
    password: Secret
    workspace: Annotated[str, Field(max_length=200, pattern=WITHOUT_NUL)] | None = Field(
        default=None, description="Workspace name; needed only when the email is in several."
    )


class LoginResult(BaseModel):
    token: ShownOnce = Field(description="Opaque session token; send it as a Bearer token.")
    expires_at: datetime
    session_id: int
    user_id: int
    workspace_id: int


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    client_address: str | None
    user_agent: str | None
    current: bool


class PasswordResetRedeem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Secret
    new_password: Secret
