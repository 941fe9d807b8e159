"""Who calls the mite face: `X-MiteApiKey: KEY`, `?api_key=KEY` or HTTP Basic with email
and password. The key is any Timeledger API key, a person's own included."""

import base64
import binascii
from functools import partial

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from timeledger.access.caller import Allowed, Caller, caller_of, caller_of_token
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.errors import Unauthorized
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.kit.uow import UnitOfWork, database
from timeledger.signin.service import ClientInfo, check_password

API_KEY_HEADER = "x-miteapikey"
API_KEY_PARAMETER = "api_key"
BASIC_LABEL = "basic"


async def mite_caller(request: Request, session: UnitOfWork) -> Caller:
    key = request.headers.get(API_KEY_HEADER) or request.query_params.get(API_KEY_PARAMETER)
    if key:
        caller = await caller_of_token(request, key.strip())
    else:
        caller = await run_in_threadpool(_caller_of_password, request)
    scope_session_to_workspace(session, caller.workspace_id)
    return caller


def _caller_of_password(request: Request) -> Caller:
    """HTTP Basic: the password is hashed (on a worker thread, it takes tens of ms)."""
    email, password = _basic_credentials(request)
    hashing: PasswordHashing = request.app.state.password_hashing
    client = ClientInfo(
        address=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent"),
    )
    user = check_password(database(request), email, password, None, client, hashing)
    if user.status != "active":
        raise Unauthorized("The user is suspended.")
    return caller_of(request, user, None, 0, BASIC_LABEL)


def _basic_credentials(request: Request) -> tuple[str, str]:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    missing = Unauthorized(
        "Access denied: send your API key as X-MiteApiKey or api_key, or your email and "
        "password with HTTP Basic."
    )
    if scheme.lower() != "basic" or not encoded.strip():
        raise missing
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise missing from None
    email, separator, password = decoded.partition(":")
    if not separator or not email or not password:
        raise missing
    return email, password


MiteAllowed = partial(Allowed, authenticator=mite_caller)
"""The permission of a mite operation, authenticated the mite way."""
