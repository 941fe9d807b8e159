"""Who calls the GoodTime face: `POST /login` trades an admin's email and the workspace's
API password for a JSON Web Token, sent back as `Authorization: Bearer <jwt>`.

The token is HS256-signed with a key derived from the server's secret key, names its user
(`sub`), its workspace and the API password it was issued under (`pwv`), is for the
audience `goodtime`, and lives one hour."""

import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import partial
from typing import Any

import jwt
from fastapi import Request

from timeledger.access.caller import Allowed, Caller, caller_of
from timeledger.config import Settings
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Forbidden, Unauthorized
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.kit.uow import UnitOfWork, database
from timeledger.models import User, Workspace
from timeledger.signin.service import ClientInfo
from timeledger.workspaces.service import goodtime_face

AUDIENCE = "goodtime"
ALGORITHM = "HS256"
TOKEN_LIFETIME = timedelta(hours=1)
WORKSPACE_CLAIM = "workspace_id"
PASSWORD_VERSION_CLAIM = "pwv"  # noqa: S105 (a claim name)
REQUIRED_CLAIMS = ["sub", "aud", "iat", "exp", "jti", WORKSPACE_CLAIM, PASSWORD_VERSION_CLAIM]
KEY_LABEL = b"timeledger/compat/goodtime/jwt/v1"

NO_TOKEN = (
    "Log in with POST /compat/goodtime/api/login and send the token as "  # noqa: S105
    "'Authorization: Bearer <token>'."
)
INVALID_TOKEN = "The token is invalid or expired; log in again."  # noqa: S105
DISABLED = (
    "The GoodTime REST API is not enabled for this workspace; an administrator enables "
    "it with PUT /api/admin/faces/goodtime."
)


def signing_key(settings: Settings) -> bytes:
    """A key of its own for these tokens, derived from the server's secret key."""
    return hmac.new(settings.resolved_secret_key().encode(), KEY_LABEL, hashlib.sha256).digest()


def client_of(request: Request) -> ClientInfo:
    return ClientInfo(
        address=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent"),
    )


def issue_token(request: Request, user: User, password_version: int) -> str:
    now = utcnow()
    claims: dict[str, Any] = {
        "sub": str(user.id),
        WORKSPACE_CLAIM: user.workspace_id,
        PASSWORD_VERSION_CLAIM: password_version,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + TOKEN_LIFETIME,
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(claims, signing_key(request.app.state.settings), algorithm=ALGORITHM)


def _token_of(request: Request) -> str:
    """`Bearer <jwt>`; the bare token, or one still in the quotes of a JSON string, too."""
    header = request.headers.get("authorization", "").strip()
    scheme, _, rest = header.partition(" ")
    token = rest if scheme.lower() == "bearer" else header
    token = token.strip().strip('"').strip()
    if not token:
        raise Unauthorized(NO_TOKEN)
    return token


def _claims(request: Request, token: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            signing_key(request.app.state.settings),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            # PyJWT would judge the times by the machine's clock, not the application's.
            options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False},
        )
    except jwt.InvalidTokenError:
        raise Unauthorized(INVALID_TOKEN) from None
    if not _in_lifetime(claims["iat"], claims["exp"]):
        raise Unauthorized(INVALID_TOKEN)
    subject, workspace_id = claims["sub"], claims[WORKSPACE_CLAIM]
    if not (isinstance(subject, str) and subject.isascii() and subject.isdigit()):
        raise Unauthorized(INVALID_TOKEN)
    if type(workspace_id) is not int or type(claims[PASSWORD_VERSION_CLAIM]) is not int:
        raise Unauthorized(INVALID_TOKEN)
    return claims


def _in_lifetime(issued_at: object, expires_at: object) -> bool:
    """Issued by now and not yet expired, as whole seconds since the epoch."""
    if type(issued_at) is not int or type(expires_at) is not int:
        return False
    now = utcnow().timestamp()
    return issued_at <= now < expires_at


def _goodtime_caller(request: Request, session: UnitOfWork, *, while_disabled: bool) -> Caller:
    claims = _claims(request, _token_of(request))
    with database(request).session(write=False) as reader:
        user = reader.get(User, int(claims["sub"]))
        if user is None or user.status != "active" or user.workspace_id != claims[WORKSPACE_CLAIM]:
            raise Unauthorized(INVALID_TOKEN)
        workspace = reader.get(Workspace, user.workspace_id)
        assert workspace is not None
        face = goodtime_face(workspace)
        if face.password_version != claims[PASSWORD_VERSION_CLAIM]:
            raise Unauthorized(INVALID_TOKEN)
        if not face.enabled and not while_disabled:
            raise Forbidden(DISABLED)
        caller = caller_of(request, user, None, 0, f"goodtime:{claims['jti'][:8]}")
    scope_session_to_workspace(session, caller.workspace_id)
    return caller


def goodtime_caller(request: Request, session: UnitOfWork) -> Caller:
    """The caller a token stands for, in a workspace whose face is on (else 403)."""
    return _goodtime_caller(request, session, while_disabled=False)


def hello_caller(request: Request, session: UnitOfWork) -> Caller:
    """The caller a token stands for, whether or not the face is on (the hello resources
    answer while it is off)."""
    return _goodtime_caller(request, session, while_disabled=True)


GoodTimeAllowed = partial(Allowed, authenticator=goodtime_caller)
"""The permission of a GoodTime operation, authenticated with a GoodTime token."""
