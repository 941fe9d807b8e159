"""A lane in front of the application's routing for the one read clients hit hardest
(`entries.lane`: one employee's month of entries).

On this project's 2-core reference machine FastAPI's dependency solving and its move of a
synchronous endpoint to a worker thread cost more than reading one employee's month of
entries. A lane route answers a request itself when it can serve it exactly as the full
operation would, and declines (returns None) for everything else: other query parameters,
a credential not verified moments ago, a request it cannot judge. A declined request goes
on to the full operation, which stays the one place that documents the operation; tests
compare the two answers.

It sits inside `RequestContextMiddleware`, so lane answers get request ids, access logs
and metrics like any other. A lane route runs on the event loop (it only makes short
reads) and declines whatever would be an error.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send


@dataclass(frozen=True)
class LaneRequest:
    scope: Scope
    path_params: dict[str, str]
    query: dict[str, str]

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
    media_type: bytes = b"application/json"


LaneAnswer = Callable[[LaneRequest], LaneReply | None]


@dataclass(frozen=True)
class LaneRoute:
    """`path` is the operation's path template, with convertors (`{employee_id:int}`);
    `accepted_params` the query parameters `answer` serves, each at most once."""

    path: str
    accepted_params: frozenset[str]
    answer: LaneAnswer
    path_regex: re.Pattern[str] = field(init=False)
    path_format: str = field(init=False)
    """The template without convertors: the route label of the metrics."""

    def __post_init__(self) -> None:
        regex, path_format, _ = compile_path(self.path)
        object.__setattr__(self, "path_regex", regex)
        object.__setattr__(self, "path_format", path_format)

    def request_of(self, scope: Scope) -> LaneRequest | None:
        if scope["method"] != "GET":
            return None
        match = self.path_regex.match(scope["path"])
        if match is None:
            return None
        pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        query = dict(pairs)
        if len(query) != len(pairs) or not query.keys() <= self.accepted_params:
            return None
        return LaneRequest(scope, match.groupdict(), query)


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
                reply = route.answer(request)
                if reply is not None:
                    scope["route"] = route
                    await _send(reply, send)
                    return
                break
        await self.app(scope, receive, send)


async def _send(reply: LaneReply, send: Send) -> None:
    headers = [
        (b"content-type", reply.media_type),
        (b"content-length", str(len(reply.body)).encode()),
    ]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})
