"""The browser's credentials: the session cookie, and the token every form carries against
cross-site request forgery.

The session cookie holds an ordinary sign-in session's token (`HttpOnly`, `SameSite=Lax`,
`Secure` over HTTPS); only the web app reads it, the API takes bearer tokens alone. Forms
carry a signed double-submit token: a random value in a cookie of its own, and in the
form its HMAC under a key derived from the server's secret. Another site can neither read
the form's token nor compute it, so a POST whose token does not match is refused (403)."""

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from timeledger.config import Settings
from timeledger.kit.errors import Forbidden

SESSION_COOKIE = "tl_session"
BINDING_COOKIE = "tl_csrf"
CSRF_FIELD = "csrf_token"
KEY_LABEL = b"timeledger/web/csrf/v1"
BINDING_BYTES = 32
BINDING_STATE = "csrf_binding"


class FormForged(Forbidden):
    """A form sent without this browser's token: from another site, or from a page of
    before the browser's cookies were cleared."""


def _key(settings: Settings) -> bytes:
    return hmac.new(settings.resolved_secret_key().encode(), KEY_LABEL, hashlib.sha256).digest()


def _token_of(settings: Settings, binding: str) -> str:
    return hmac.new(_key(settings), binding.encode(), hashlib.sha256).hexdigest()


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def browser_binding(request: Request) -> str:
    """This browser's random value: its cookie's, or a new one that `remember_binding`
    gives the browser with the response."""
    binding = getattr(request.state, BINDING_STATE, None)
    if binding is None:
        sent = request.cookies.get(BINDING_COOKIE, "")
        binding = sent if len(sent) >= BINDING_BYTES else secrets.token_urlsafe(BINDING_BYTES)
        setattr(request.state, BINDING_STATE, binding)
    return str(binding)


def csrf_token(request: Request) -> str:
    """The token this browser's forms carry."""
    return _token_of(_settings(request), browser_binding(request))


def remember_binding(request: Request, response: Response) -> None:
    binding = getattr(request.state, BINDING_STATE, None)
    if binding is not None and binding != request.cookies.get(BINDING_COOKIE):
        response.set_cookie(
            BINDING_COOKIE,
            binding,
            path="/",
            secure=is_https(request),
            httponly=True,
            samesite="lax",
        )


def require_csrf_token(request: Request, sent: str) -> None:
    cookie = request.cookies.get(BINDING_COOKIE, "")
    expected = _token_of(_settings(request), cookie)
    if not cookie or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise FormForged("The form's token is missing or is not this browser's.")


def set_session_cookie(request: Request, response: Response, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path="/",
        secure=is_https(request),
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=is_https(request), httponly=True, samesite="lax"
    )
