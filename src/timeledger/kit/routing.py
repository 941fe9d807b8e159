"""Routers and small helpers every endpoint module uses."""

import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.dependencies.models import Dependant
from starlette.routing import compile_path
from starlette.types import Message, Receive, Scope, Send

from timeledger.kit.etag import check_if_match, set_etag
from timeledger.kit.idempotency import IdempotentRoute
from timeledger.kit.shown_once import NO_STORE, shows_secret_once

MAX_ID = 2**63 - 1
API_PREFIX = "/api"
"""Where the native API answers: every router of it carries this prefix."""

ResourceId = Annotated[int, Path(ge=1, le=MAX_ID, description="Numeric id.")]


class ApiRoute(IdempotentRoute):
    """Route class of the native API: Idempotency-Key on POST, `Cache-Control: no-store`
    on every answer of an operation whose response model shows a secret once, and path
    parameters declared as integers match digits only, so `/roles/permissions` is never
    taken for `/roles/{role_id}`."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        self.shows_secret_once = shows_secret_once(self.response_model)
        self._match_integer_parameters_by_digits()

    def _match_integer_parameters_by_digits(self) -> None:
        integers = {
            field.alias
            for dependant in with_dependencies(self.dependant)
            for field in dependant.path_params
            if field.field_info.annotation is int
        }
        self.path = _PATH_PARAMETER.sub(
            lambda found: f"{{{found[1]}:int}}" if found[1] in integers else found[0], self.path
        )
        self.path_regex, self.path_format, self.param_convertors = compile_path(self.path)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.shows_secret_once:
            await super().handle(scope, receive, send)
            return

        async def send_uncacheable(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"cache-control"
                ]
                headers.append((b"cache-control", NO_STORE.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await super().handle(scope, receive, send_uncacheable)


_PATH_PARAMETER = re.compile(r"\{(\w+)\}")


def with_dependencies(dependant: Dependant) -> Iterator[Dependant]:
    """The dependant and every dependency of it, at any depth."""
    yield dependant
    for dependency in dependant.dependencies:
        yield from with_dependencies(dependency)


def api_router(tag: str, prefix: str = "") -> APIRouter:
    """A router of the native API, its routes at `API_PREFIX` + `prefix` + their paths."""
    return APIRouter(prefix=API_PREFIX + prefix, tags=[tag], route_class=ApiRoute)


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
