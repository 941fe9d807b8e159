"""The sealed state of the sign-in and consent form.

The form carries the authorization request it answers as a token signed with a key of
its own (derived from the server's secret key), valid ten minutes, and bound to the
browser that loaded the form by a random value kept in a cookie the form's own site
alone sends (SameSite=Strict). A form posted from another site, replayed later, or
with its request altered is refused."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt

from timeledger.config import Settings
from timeledger.kit.clock import utcnow

FORM_LIFETIME = timedelta(minutes=10)
AUDIENCE = "timeledger:oauth-consent"
ALGORITHM = "HS256"
KEY_LABEL = b"timeledger/oauth/consent-form/v1"
BROWSER_BYTES = 24
REQUIRED_CLAIMS = ["aud", "iat", "exp", "request", "client", "workspace", "browser"]


class FormRefused(Exception):
    """The form's token is missing, forged, expired or from another browser."""


@dataclass(frozen=True)
class SealedRequest:
    """What the form carries: the authorization request, and what the page shows."""

    parameters: list[tuple[str, str]]
    client_name: str
    workspace_name: str


def new_browser_binding() -> str:
    return secrets.token_urlsafe(BROWSER_BYTES)


def _signing_key(settings: Settings) -> bytes:
    return hmac.new(settings.resolved_secret_key().encode(), KEY_LABEL, hashlib.sha256).digest()


def _fingerprint(browser_binding: str) -> str:
    return hashlib.sha256(browser_binding.encode()).hexdigest()


def seal(settings: Settings, sealed: SealedRequest, browser_binding: str) -> str:
    now = utcnow()
    claims: dict[str, Any] = {
        "aud": AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + FORM_LIFETIME).timestamp()),
        "request": [[name, value] for name, value in sealed.parameters],
        "client": sealed.client_name,
        "workspace": sealed.workspace_name,
        "browser": _fingerprint(browser_binding),
    }
    return jwt.encode(claims, _signing_key(settings), algorithm=ALGORITHM)


def opened(settings: Settings, token: str, browser_binding: str) -> SealedRequest:
    """The request a form token seals, if it is genuine, current and this browser's."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            _signing_key(settings),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            # PyJWT would judge the times by the machine's clock, not the application's.
            options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False},
        )
    except jwt.InvalidTokenError:
        raise FormRefused from None
    expires_at = claims["exp"]
    if type(expires_at) is not int or expires_at <= utcnow().timestamp():
        raise FormRefused
    if not hmac.compare_digest(str(claims["browser"]), _fingerprint(browser_binding)):
        raise FormRefused
    return SealedRequest(
        parameters=[(str(name), str(value)) for name, value in claims["request"]],
        client_name=str(claims["client"]),
        workspace_name=str(claims["workspace"]),
    )
