"""Shapes of OAuth clients and of the grants a person gave them."""

import ipaddress
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from timeledger.kit.shown_once import SHOWN_ONCE
from timeledger.kit.text import WITHOUT_NUL

MAX_REDIRECT_URIS = 10
MAX_REDIRECT_URI_LENGTH = 2000
LOOPBACK_NAMES = frozenset({"localhost"})
NOT_IN_URIS = frozenset(' "<>\\^`{|}')
"""Characters RFC 3986 leaves out of URIs, which must arrive percent-encoded."""


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def checked_redirect_uri(uri: str) -> str:
    """An absolute https URI, or http on the loopback interface (RFC 8252 §7.3, for native
    apps); never with a fragment (RFC 6749 §3.1.2) or user information (RFC 9700 §4.1),
    which a redirect could smuggle past a reader."""
    if not uri.isascii() or any(
        character in NOT_IN_URIS or not character.isprintable() for character in uri
    ):
        raise ValueError("must be an ASCII URI, with spaces and quotes percent-encoded")
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        raise ValueError("is not a valid URI (its host or port)") from None
    if "#" in uri:
        raise ValueError("must not have a fragment (#...)")
    if "@" in parts.netloc:
        raise ValueError("must not carry user information (user@host)")
    if not parts.hostname:
        raise ValueError("must be absolute, with a host (https://app.example.com/callback)")
    if port == 0:
        raise ValueError("is not a valid URI (its host or port)")
    if parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(parts.hostname)):
        return uri
    raise ValueError("must use https, or http only for localhost or a loopback address")


RedirectUri = Annotated[
    str,
    Field(min_length=1, max_length=MAX_REDIRECT_URI_LENGTH),
    AfterValidator(checked_redirect_uri),
]
ClientName = Annotated[str, Field(min_length=1, max_length=200, pattern=WITHOUT_NUL)]


class OAuthClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ClientName = Field(description="Shown to people on the sign-in and consent page.")
    redirect_uris: list[RedirectUri] = Field(
        min_length=1,
        max_length=MAX_REDIRECT_URIS,
        description="Where a person's browser is sent back with the code; a request must "
        "name one of them exactly. https, or http for localhost and loopback addresses.",
    )
    confidential: bool = Field(
        default=True,
        description="A confidential client (a server) gets a secret; a public one (a native "
        "or browser app) gets none and must use PKCE with S256.",
    )


class OAuthClientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    client_id: str = Field(description="The public identifier the client sends.")
    name: str
    confidential: bool
    redirect_uris: list[str]
    created_by_user_id: int | None
    created_at: datetime


class OAuthClientCreated(OAuthClientRead):
    client_secret: Annotated[str | None, Field(json_schema_extra={SHOWN_ONCE: True})] = Field(
        description="The client secret of a confidential client, shown this once; null for "
        "a public client."
    )


class OAuthGrantRead(BaseModel):
    """An application the caller authorized, while a token of theirs for it still works."""

    client_id: str
    name: str
    first_authorized_at: datetime = Field(description="When the oldest live token was issued.")
    last_used_at: datetime = Field(
        description="When a token was last used or issued (recorded at most once a minute)."
    )
