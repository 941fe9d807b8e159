"""Routers and small helpers every endpoint module uses."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from timeledger.kit.etag import check_if_match, set_etag
from timeledger.kit.idempotency import IdempotentRoute

MAX_ID = 2**63 - 1

ResourceId = Annotated[int, Path(ge=1, le=MAX_ID, description="Numeric id.")]


def api_router(tag: str, prefix: str = "") -> APIRouter:
    return APIRouter(prefix=prefix, tags=[tag], route_class=IdempotentRoute)


def if_match_of(request: Request) -> Callable[[str], None]:
    """The If-Match check a service applies to the ETag of what it is about to change."""
    return lambda current: check_if_match(request, current)


def unconditional(_etag: str) -> None:
    """The If-Match check of a face whose vendor sends no conditional requests: a write
    applies to the current version."""


async def raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]
"""The request body as sent, for faces that parse their vendor's formats themselves."""


def created(response: Response, location: str, etag: str | None = None) -> None:
    response.headers["Location"] = location
    if etag is not None:
        set_etag(response, etag)
