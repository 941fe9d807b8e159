"""A lane in front of the application's routing for the few operations clients hit
hardest.

On this project's 2-core reference machine FastAPI's route matching over a few hundred
operations and its dependency solving cost several milliseconds a request, more than
reading one employee's month of entries or clocking in. A lane route answers a request
itself when it can serve it exactly as the full operation would, and declines (returns
None) for everything else: other query parameters or body fields, a credential not
verified moments ago, a request it cannot judge. A declined request goes on to the full
operation, which stays the one place that documents the operation; tests compare the two
answers.

It sits inside `RequestContextMiddleware`, so lane answers get request ids, access logs
and metrics like any other. A reading lane runs on the event loop (it only makes short
reads) and declines whatever would be an error. A writing lane runs on a worker thread,
since it may wait for the database's write lock, and answers the refusals of the rules it
runs as the full operation renders them (`kit.errors.native_problem_document`). A lane
with a body reads only a small one with a declared length, and hands it on unchanged
when it declines.
"""

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import anyio.to_thread
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from timeledger.kit.asgi import body_replayed

MAX_BODY_BYTES = 4096


@dataclass(frozen=True)
class LaneRequest:
    scope: Scope
    path_params: dict[str, str]
    query: dict[str, str]
    body: bytes = b""

    @property
    def state(self) -> Any:
        return self.scope["app"].state

    def header(self, name: bytes) -> str | None:
        """The first value of header `name` (lower case)."""
        for key, value in self.scope["headers"]:
            if key == name:
                return str(value.decode("latin-1"))
        return None


@dataclass(frozen=True)
class LaneReply:
    body: bytes
    status: int = 200
    headers: tuple[tuple[bytes, bytes], ...] = ()
    media_type: bytes = b"application/json"


LaneAnswer = Callable[[LaneRequest], LaneReply | None]


@dataclass(frozen=True)
class LaneRoute:
    """`path` is the operation's path template, with convertors (`{employee_id:int}`);
    `accepted_params` the query parameters `answer` serves, each at most once."""

    path: str
    accepted_params: frozenset[str]
    answer: LaneAnswer
    method: str = "GET"
    writes: bool = False
    """Whether `answer` writes (it runs on a worker thread)."""
    path_regex: re.Pattern[str] = field(init=False)
    path_format: str = field(init=False)
    """The template without convertors: the route label of the metrics."""

    def __post_init__(self) -> None:
        regex, path_format, _ = compile_path(self.path)
        object.__setattr__(self, "path_regex", regex)
        object.__setattr__(self, "path_format", path_format)

    def request_of(self, scope: Scope) -> LaneRequest | None:
        if scope["method"] != self.method:
            return None
        match = self.path_regex.match(scope["path"])
        if match is None:
            return None
        pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        query = dict(pairs)
        if len(query) != len(pairs) or not query.keys() <= self.accepted_params:
            return None
        return LaneRequest(scope, match.groupdict(), query)


def _declared_length(scope: Scope) -> int | None:
    for key, value in scope["headers"]:
        if key == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _small_body(scope: Scope, receive: Receive) -> bytes | None:
    """The whole body when its declared length is at most `MAX_BODY_BYTES`, else None
    (nothing read)."""
    length = _declared_length(scope)
    if length is None or length > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


class FastLane:
    def __init__(self, app: ASGIApp, routes: Sequence[LaneRoute]) -> None:
        self.app = app
        self.routes = tuple(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for route in self.routes:
                request = route.request_of(scope)
                if request is None:
                    continue
                if route.method != "GET":
                    body = await _small_body(scope, receive)
                    if body is None:
                        break
                    receive = body_replayed(body, receive)
                    request = dataclasses.replace(request, body=body)
                reply = (
                    await anyio.to_thread.run_sync(route.answer, request)
                    if route.writes
                    else route.answer(request)
                )
                if reply is not None:
                    scope["route"] = route
                    await _send(reply, send)
                    return
                break
        await self.app(scope, receive, send)


async def _send(reply: LaneReply, send: Send) -> None:
    headers = [
        (b"content-type", reply.media_type),
        *reply.headers,
        (b"content-length", str(len(reply.body)).encode()),
    ]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})
