"""Tyme's wire conventions: JSON (form fields accepted where OAuth sends them), times in
GMT+0 as `Y-m-d H:i:s`, ids as strings, and errors as `{"error": "..."}`."""

from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from timeledger.access.caller import Allowed, Caller, client_address
from timeledger.kit.errors import Problem, Unauthorized
from timeledger.kit.jsonio import dump_json
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.kit.uow import UnitOfWork, UnitOfWorkRoute, database
from timeledger.oauth.service import caller_of_access_token

TYME_PREFIX = "/compat/tyme"
JSON_MEDIA_TYPE = "application/json; charset=utf-8"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# Tyme's documented error words by status; another status answers its problem's slug.
ERRORS = {400: "missing values", 401: "invalid_token", 403: "not_allowed", 404: "not_found"}


class UnreadableBody(ValueError):
    """A body that is neither a form nor a JSON object of strings."""


def tyme_router() -> APIRouter:
    """A router of the face: its routes are outside the native OpenAPI document
    (docs/compat/tyme.md is this face's documentation)."""
    return APIRouter(prefix=TYME_PREFIX, include_in_schema=False, route_class=UnitOfWorkRoute)


def json_response(value: Any, status: int = 200) -> Response:
    return Response(dump_json(value), status_code=status, media_type=JSON_MEDIA_TYPE)


def tyme_time(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime(TIME_FORMAT)


def render_tyme_problem(request: Request, problem: Problem) -> Response:
    """Every problem under /compat/tyme as `{"error": ..., "error_description": ...}`: a
    refused request is Tyme's 400 "missing values", whatever the native status."""
    status = 400 if problem.status == 422 else problem.status
    headers = {
        name: value for name, value in problem.headers.items() if name.lower() != "www-authenticate"
    }
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="tyme", error="invalid_token"'
    error = ERRORS.get(status, problem.slug.replace("-", "_"))
    return Response(
        dump_json({"error": error, "error_description": problem.detail}),
        status_code=status,
        media_type=JSON_MEDIA_TYPE,
        headers=headers,
    )


def body_parameters(body: bytes, content_type: str) -> list[tuple[str, str]]:
    """The parameters of a form body (RFC 6749's encoding) or of a JSON object, whose
    values must be strings or whole numbers (some Tyme clients send JSON)."""
    if content_type.split(";")[0].strip().lower() == "application/json":
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise UnreadableBody("The body is not valid JSON.") from None
        if not isinstance(document, dict):
            raise UnreadableBody("The body must be a JSON object.")
        pairs = []
        for name, value in document.items():
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise UnreadableBody(f"The parameter {name[:40]} must be a string.")
            pairs.append((name, str(value)))
        return pairs
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        raise UnreadableBody("The form body is not UTF-8 form data.") from None


def first_values(pairs: list[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in pairs:
        values.setdefault(name, value)
    return values


def _bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send the access token as 'Authorization: Bearer <access token>'.")
    return token.strip()


async def tyme_caller(request: Request, session: UnitOfWork) -> Caller:
    """The person an OAuth access token acts as (a team admin; see the oauth service)."""
    caller = await run_in_threadpool(
        caller_of_access_token, database(request), _bearer_token(request), client_address(request)
    )
    scope_session_to_workspace(session, caller.workspace_id)
    return caller


TymeAllowed = partial(Allowed, authenticator=tyme_caller)
"""The permission of a Tyme data operation, authenticated with an OAuth access token."""
