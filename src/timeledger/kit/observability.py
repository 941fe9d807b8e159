"""Request ids, structured logs (structlog) and Prometheus metrics."""

import logging
import re
import secrets
import sys
import time
from collections.abc import Mapping
from typing import Any

import structlog
from fastapi.telemetry import TelemetryConfig
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._\-]{1,64}")

REQUESTS = Counter(
    "timeledger_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "timeledger_http_request_duration_seconds", "Time to answer HTTP requests", ["method", "route"]
)

access_log = structlog.get_logger("timeledger.access")

WITHOUT_OPENTELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
"""FastAPI's native OpenTelemetry switched off: Timeledger observes itself with the logs and
metrics of this module, and FastAPI would otherwise look up the global OpenTelemetry
providers on every request (about 20 µs of the 250 µs `GET /api/` takes in process)."""


def configure_logging(level: str = "INFO", *, json: bool = False) -> None:
    # Plain tracebacks: rich ones print local variables, which can hold secrets.
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def request_id_from(headers: Mapping[str, str]) -> str:
    """The client's X-Request-ID when it is short and plain, else a fresh one."""
    incoming = headers.get(REQUEST_ID_HEADER, "")
    return incoming if _ACCEPTABLE_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(16)


def route_template(scope: Scope) -> str:
    """The path template of the route that answered, e.g. /api/users/{user_id}: a metric
    label that stays bounded however many ids are requested.

    A route of an included router knows its path without the prefixes it was included
    under; they are the part of the requested path before the part the route matches.
    """
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(template, str):
        return "unmatched"
    pattern = getattr(route, "path_regex", None)
    path = str(scope.get("path", ""))
    if pattern is None or pattern.match(path):
        return template
    for index in range(1, len(path)):
        if path[index] == "/" and pattern.match(path[index:]):
            return path[:index] + template
    return template


class RequestContextMiddleware:
    """Gives every request an id (kept from the client when sane), logs and measures it,
    and tells the client the server's time (`Server-Timing`).

    Every request passes here, so it reads the one header it needs from the raw scope and
    keeps the metrics' labelled children (prometheus_client looks them up under a lock on
    every `labels()` call)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._counted: dict[tuple[str, str, str], Any] = {}
        self._timed: dict[tuple[str, str], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        id_header = (REQUEST_ID_HEADER_KEY, request_id.encode())

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                answered_ms = (time.perf_counter() - started) * 1000
                timing = (SERVER_TIMING_HEADER_KEY, f"app;dur={answered_ms:.1f}".encode())
                message["headers"] = [*message.get("headers", ()), id_header, timing]
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            elapsed = time.perf_counter() - started
            method, template = scope["method"], route_template(scope)
            self._counter(method, template, str(status)).inc()
            self._histogram(method, template).observe(elapsed)
            access_log.info(
                "request",
                method=method,
                path=scope["path"],
                status=status,
                duration_ms=round(elapsed * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars("request_id")

    def _counter(self, method: str, template: str, status: str) -> Any:
        key = (method, template, status)
        counted = self._counted.get(key)
        if counted is None:
            counted = self._counted[key] = REQUESTS.labels(method, template, status)
        return counted

    def _histogram(self, method: str, template: str) -> Any:
        key = (method, template)
        timed = self._timed.get(key)
        if timed is None:
            timed = self._timed[key] = LATENCY.labels(method, template)
        return timed


REQUEST_ID_HEADER_KEY = REQUEST_ID_HEADER.lower().encode()
SERVER_TIMING_HEADER_KEY = b"server-timing"
"""`Server-Timing: app;dur=<ms>`: the server's time from receiving the request to its
answer's head (the W3C Server Timing header, shown by browsers' developer tools)."""


def _request_id_of(scope: Scope) -> str:
    """`request_id_from` the raw headers of `scope`."""
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER_KEY:
            return request_id_from({REQUEST_ID_HEADER: value.decode("latin-1")})
    return request_id_from({})


def metrics_endpoint(_request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
