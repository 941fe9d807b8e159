"""Request ids, structured logs (structlog) and Prometheus metrics."""

import logging
import math
import random
import re
import sys
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Any

import structlog
from fastapi.telemetry import TelemetryConfig
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._\-]{1,64}")


access_log = structlog.get_logger("timeledger.access")

WITHOUT_OPENTELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
"""FastAPI's native OpenTelemetry switched off: Timeledger observes itself with the logs and
metrics of this module, and FastAPI would otherwise look up the global OpenTelemetry
providers on every request (about 20 µs of the 250 µs `GET /api/` takes in process)."""


def level_number(name: str) -> int:
    """The `logging` number of a level's name (INFO for a name it does not know)."""
    return logging.getLevelNamesMapping().get(name.upper(), logging.INFO)


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
        wrapper_class=structlog.make_filtering_bound_logger(level_number(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def request_id_from(incoming: bytes | None) -> str:
    """The client's X-Request-ID when it is short and plain, else a fresh one.

    A fresh id only tells requests apart in logs and grants nothing, so it comes from the
    ordinary pseudo-random generator: reading the system's entropy for it cost a tenth of
    the time of a request that reads nothing."""
    if incoming is not None:
        text = incoming.decode("latin-1")
        if _ACCEPTABLE_REQUEST_ID.fullmatch(text):
            return text
    return f"{random.getrandbits(128):032x}"


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


class RequestMetrics(Collector):
    """Requests answered per method, route template and status, and the time they took
    per method and route template: `timeledger_http_requests_total` and the histogram
    `timeledger_http_request_duration_seconds`.

    Only the event loop's thread records, so the counts are plain numbers, handed to
    prometheus_client when it collects: its own metrics take a lock for every count, three
    or more of them for every request."""

    def __init__(self, buckets: Sequence[float] = Histogram.DEFAULT_BUCKETS) -> None:
        self.bounds = tuple(buckets)
        self.answered: dict[tuple[str, str, str], int] = {}
        self.durations: dict[tuple[str, str], list[float]] = {}
        """Per method and template: the count of each bucket alone, then the sum."""

    def record(self, method: str, template: str, status: int, seconds: float) -> None:
        answered = (method, template, str(status))
        self.answered[answered] = self.answered.get(answered, 0) + 1
        durations = self.durations.get((method, template))
        if durations is None:
            durations = self.durations[(method, template)] = [0.0] * (len(self.bounds) + 1)
        durations[bisect_left(self.bounds, seconds)] += 1
        durations[-1] += seconds

    def collect(self) -> Iterator[Metric]:
        answered = CounterMetricFamily(
            "timeledger_http_requests",
            "HTTP requests answered",
            labels=("method", "route", "status"),
        )
        for labels, count in list(self.answered.items()):
            answered.add_metric(labels, count)
        durations = HistogramMetricFamily(
            "timeledger_http_request_duration_seconds",
            "Time to answer HTTP requests",
            labels=("method", "route"),
        )
        for route, counts in list(self.durations.items()):
            cumulative = list(accumulate(counts[:-1]))
            buckets = [
                (_bucket_label(bound), count)
                for bound, count in zip(self.bounds, cumulative, strict=True)
            ]
            durations.add_metric(route, buckets, sum_value=counts[-1])
        yield answered
        yield durations


def _bucket_label(bound: float) -> str:
    """A bucket's `le` label as prometheus_client writes it (its `floatToGoString`, which
    is untyped)."""
    return "+Inf" if bound == math.inf else repr(float(bound))


REQUEST_METRICS = RequestMetrics()
REGISTRY.register(REQUEST_METRICS)


class RequestMeter:
    """Counts and times every answered request (`REQUEST_METRICS`), and logs it when the
    level lets requests through (INFO or lower)."""

    def __init__(self, *, log_requests: bool) -> None:
        self.log_requests = log_requests

    def record(self, scope: Scope, status: int, elapsed: float) -> None:
        method, template = scope["method"], route_template(scope)
        REQUEST_METRICS.record(method, template, status, elapsed)
        if self.log_requests:
            access_log.info(
                "request",
                method=method,
                path=scope["path"],
                status=status,
                duration_ms=round(elapsed * 1000, 2),
            )


REQUEST_ID_HEADER_KEY = REQUEST_ID_HEADER.lower().encode()
SERVER_TIMING_HEADER_KEY = b"server-timing"
"""`Server-Timing: app;dur=<ms>`: the server's time from receiving the request to its
answer's head (the W3C Server Timing header, shown by browsers' developer tools)."""


def metrics_endpoint(_request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
