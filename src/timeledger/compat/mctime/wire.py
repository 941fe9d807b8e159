"""McTime's wire conventions: the `API_KEY` header, the `items`/`data`/`valid` envelope,
and timestamps that must carry an offset."""

import math
from datetime import datetime
from functools import partial
from typing import Any

from fastapi import APIRouter, Request, Response

from timeledger.access.caller import Allowed, Caller, caller_of_token
from timeledger.kit.errors import BadRequest, Problem, Unauthorized
from timeledger.kit.jsonio import dump_json
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.kit.uow import UnitOfWork, UnitOfWorkRoute

API_KEY_HEADER = "api_key"
MEDIA_TYPE = "application/json"
SUCCESS = "Success"
MCTIME_PREFIX = "/compat/mctime/api/v2/auth"


def mctime_router() -> APIRouter:
    """A router of the face: its routes are outside the native OpenAPI document
    (docs/compat/mctime.md is this face's documentation)."""
    return APIRouter(prefix=MCTIME_PREFIX, include_in_schema=False, route_class=UnitOfWorkRoute)


async def mctime_caller(request: Request, session: UnitOfWork) -> Caller:
    key = request.headers.get(API_KEY_HEADER, "").strip()
    if not key:
        raise Unauthorized("Send your API key in the API_KEY header.")
    caller = await caller_of_token(request, key)
    scope_session_to_workspace(session, caller.workspace_id)
    return caller


McTimeAllowed = partial(Allowed, authenticator=mctime_caller)
"""The permission of a McTime operation, authenticated the McTime way."""


def item(data: dict[str, Any], *, message: str = SUCCESS, valid: bool = True) -> dict[str, Any]:
    return {"message": message, "data": data, "valid": valid}


def envelope(items: list[dict[str, Any]], *, status: int = 200) -> Response:
    """`{"items": [...], "valid": <every item valid>}`."""
    valid = all(entry["valid"] for entry in items)
    return Response(
        dump_json({"items": items, "valid": valid}), status_code=status, media_type=MEDIA_TYPE
    )


def render_mctime_problem(_request: Request, problem: Problem) -> Response:
    """Every problem under /compat/mctime, in McTime's envelope."""
    body = {"items": [{"message": problem.detail, "valid": False}], "valid": False}
    headers = {
        name: value for name, value in problem.headers.items() if name.lower() != "www-authenticate"
    }
    return Response(
        dump_json(body), status_code=problem.status, media_type=MEDIA_TYPE, headers=headers
    )


def instant(value: str | None, name: str) -> datetime:
    """An ISO 8601 timestamp with an offset; `+` must arrive encoded as `%2B`."""
    if value is None or not value.strip():
        raise BadRequest(f"{name} is mandatory: an ISO 8601 timestamp with an offset.")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        hint = (
            " A '+' of the offset must be sent as %2B (a bare '+' arrives as a space)."
            if " " in text
            else ""
        )
        raise BadRequest(f"{name}: {text[:40]!r} is not an ISO 8601 timestamp.{hint}") from None
    if parsed.tzinfo is None:
        raise BadRequest(
            f"{name}: {text[:40]!r} has no offset; send one, e.g. 2022-04-25T08:00:00%2B03:00."
        )
    return parsed


def page_number(request: Request) -> int:
    value = request.query_params.get("page")
    if value is None or value == "":
        return 1
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 1_000_000:
        raise BadRequest(f"page: {value[:20]!r} is not a page number (1 or more).")
    return int(value)


def page_count(count: int, size: int) -> int:
    """McTime's `pageSize`: the number of pages, at least one."""
    return max(1, math.ceil(count / size))


def flag(request: Request, name: str) -> bool:
    value = (request.query_params.get(name) or "false").strip().lower()
    if value not in ("true", "false"):
        raise BadRequest(f"{name}: {value[:20]!r} is neither true nor false.")
    return value == "true"


def ids(values: list[str], name: str) -> list[int]:
    """Ids of the path or query; McTime's ids are strings, Timeledger's are numbers."""
    found = []
    for value in values:
        text = value.strip()
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 2**63 - 1:
            raise BadRequest(f"{name}: {text[:40]!r} is not an id of this server.")
        found.append(int(text))
    return found
