"""The application's one middleware: what every request gets before its route and after.

Before: the application's clock is made current, the request gets its id (the client's
X-Request-ID when sane), a URL or declared body no route may receive is refused
(`kit.request_limits`), and a body without a Content-Length is counted as it is read.
After: the answer's head carries the id and the server's time (`Server-Timing`), and the
request is counted, timed and logged (`kit.observability`).

One layer does it all because each layer of ASGI middleware costs every request a call
and every message a wrapper, whatever it decides; it replaced four layers of its own and
the four of FastAPI's body limit (docs/performance.md, "One request frame").
"""

import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from timeledger.kit.clock import Clock, make_current, restore_clock
from timeledger.kit.observability import (
    REQUEST_ID_HEADER_KEY,
    SERVER_TIMING_HEADER_KEY,
    RequestMeter,
    request_id_from,
)
from timeledger.kit.request_limits import answer_refusal, counted_body, refusal_of

_CONTENT_LENGTH = b"content-length"


def _head_of(scope: Scope) -> tuple[bytes | None, bytes | None]:
    """The request's X-Request-ID and Content-Length as sent (None when absent)."""
    request_id = declared_length = None
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER_KEY:
            request_id = value
        elif name == _CONTENT_LENGTH:
            declared_length = value
    return request_id, declared_length


class RequestFrame:
    def __init__(self, app: ASGIApp, *, clock: Clock, body_limit: int, log_requests: bool) -> None:
        self.app = app
        self.clock = clock
        self.body_limit = body_limit
        self.meter = RequestMeter(log_requests=log_requests)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        clock_token = make_current(self.clock)
        try:
            if scope["type"] == "http":
                await self._serve(scope, receive, send)
            else:
                await self.app(scope, receive, send)
        finally:
            restore_clock(clock_token)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        sent_id, declared_length = _head_of(scope)
        request_id = request_id_from(sent_id)
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        id_header = (REQUEST_ID_HEADER_KEY, request_id.encode())

        async def send_framed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                answered_ms = (time.perf_counter() - started) * 1000
                timing = (SERVER_TIMING_HEADER_KEY, f"app;dur={answered_ms:.1f}".encode())
                message["headers"] = [*message.get("headers", ()), id_header, timing]
            await send(message)

        try:
            refusal = refusal_of(scope, declared_length, self.body_limit)
            if refusal is not None:
                await answer_refusal(refusal, scope, receive, send_framed)
                return
            if declared_length is None:
                receive = counted_body(scope, receive, self.body_limit)
            await self.app(scope, receive, send_framed)
        finally:
            self.meter.record(scope, status, time.perf_counter() - started)
            structlog.contextvars.unbind_contextvars("request_id")
