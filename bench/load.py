"""The load generator: a bounded asyncio HTTP/1.1 client, N keep-alive connections for T
seconds.

Not httpx in the hot path: on this 2-core machine httpx's AsyncClient tops out near 550
requests/s against a server that answers instantly, below the targets it has to measure;
the minimal client here (`Connection`: request bytes out, status, headers and a
`content-length` or chunked body in) reaches several times that.

Every run stops by itself: workers start no request after the deadline (or after the
request budget), and each request has its own timeout, so a run lasts at most
`duration + timeout` seconds. Latency is measured per request from sending to the end
of reading the body.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

REQUEST_TIMEOUT_SECONDS = 30.0


class ProtocolError(Exception):
    """The server's answer was not HTTP/1.1 as this client reads it, or it hung up."""


@dataclass(frozen=True)
class Response:
    status_code: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def json(self) -> Any:
        return orjson.loads(self.content)


class Connection:
    """One keep-alive HTTP/1.1 connection to host:port, opened on first use and again after
    the server closed it."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, request: Request) -> Response:
        if self.reader is not None and self.reader.at_eof():
            # The server closed the idle connection (uvicorn's keep-alive timeout is 5 s).
            await self.close()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        body = request.content
        if body is None and request.json is not None:
            body = orjson.dumps(request.json)
        head = [
            f"{request.method} {request.path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Accept: */*",
        ]
        head.extend(f"{name}: {value}" for name, value in request.headers.items())
        if body is not None:
            if request.json is not None:
                head.append("Content-Type: application/json")
            head.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
        try:
            response = await self._read(self.reader)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            await self.close()
            raise ProtocolError(f"connection lost: {error!r}") from error
        if response.headers.get("connection", "").lower() == "close":
            await self.close()
        return response

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> Response:
        raw = await reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise ProtocolError(f"not an HTTP/1.1 status line: {lines[0]!r}")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            content = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(chunk[:-2])
            content = b"".join(chunks)
        else:
            content = b""
        return Response(int(parts[1]), headers, content)


@dataclass(frozen=True)
class Request:
    """One HTTP request of a scenario; `path` includes the query string."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    content: bytes | None = None


RequestFactory = Callable[[int, int], Request]
"""(worker number, sequence number of the run) -> the next request."""

ItemCounter = Callable[[Response], int]
"""How many items (rows, records) a response carried."""


def percentile(values: Collection[float], q: float) -> float:
    """The nearest-rank percentile `q` (0 < q <= 100) of `values`; 0.0 for no values."""
    if not 0 < q <= 100:
        raise ValueError("q must lie in (0, 100]")
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


@dataclass
class LoadResult:
    """What one run measured."""

    label: str
    connections: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    """The server's own time of each answer that told it (`Server-Timing: app;dur=`)."""
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0
    items: int = 0
    expected: frozenset[int] = frozenset({200})
    error_samples: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        """Completed requests per second of wall time."""
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def items_per_second(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else 0.0

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies_ms, 99)

    @property
    def unexpected(self) -> int:
        """Responses with a status outside `expected`, plus transport errors."""
        wrong = sum(n for status, n in self.statuses.items() if status not in self.expected)
        return wrong + self.transport_errors

    def merge(self, other: LoadResult) -> None:
        """Adds another run of the same scenario (its time runs after this one's)."""
        self.seconds += other.seconds
        self.latencies_ms.extend(other.latencies_ms)
        self.server_ms.extend(other.server_ms)
        self.statuses.update(other.statuses)
        self.transport_errors += other.transport_errors
        self.items += other.items
        self.error_samples.extend(other.error_samples[: 5 - len(self.error_samples)])

    def summary(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "connections": self.connections,
            "seconds": round(self.seconds, 3),
            "requests": self.requests,
            "throughput": round(self.throughput, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            **(
                {
                    "server_p50_ms": round(percentile(self.server_ms, 50), 2),
                    "server_p99_ms": round(percentile(self.server_ms, 99), 2),
                }
                if self.server_ms
                else {}
            ),
            "items": self.items,
            "items_per_second": round(self.items_per_second, 1),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "unexpected": self.unexpected,
            "error_samples": self.error_samples[:5],
        }


def server_time_ms(response: Response) -> float | None:
    """The `app` duration of the answer's `Server-Timing` header, if it has one."""
    for metric in response.headers.get("server-timing", "").split(","):
        name, _, parameters = metric.strip().partition(";")
        if name != "app":
            continue
        for parameter in parameters.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key == "dur":
                try:
                    return float(value)
                except ValueError:
                    return None
    return None


def _address(base_url: str) -> tuple[str, int]:
    scheme, _, rest = base_url.partition("://")
    if scheme != "http":
        raise ValueError("only http:// is supported")
    host, _, port = rest.rstrip("/").partition(":")
    return host, int(port or 80)


class _Budget:
    """Shared sequence numbers of one run: None once the deadline or the count is reached."""

    def __init__(self, deadline: float, limit: int | None) -> None:
        self.deadline = deadline
        self.limit = limit
        self.issued = 0

    def take(self) -> int | None:
        if time.perf_counter() >= self.deadline:
            return None
        if self.limit is not None and self.issued >= self.limit:
            return None
        self.issued += 1
        return self.issued - 1


async def _one(
    connection: Connection,
    request: Request,
    result: LoadResult,
    count_items: ItemCounter | None,
) -> None:
    began = time.perf_counter()
    try:
        response = await asyncio.wait_for(connection.request(request), REQUEST_TIMEOUT_SECONDS)
    except (OSError, ProtocolError, TimeoutError) as error:
        await connection.close()
        result.transport_errors += 1
        if len(result.error_samples) < 5:
            result.error_samples.append(f"{request.method} {request.path}: {error!r}")
        return
    result.latencies_ms.append((time.perf_counter() - began) * 1000)
    server_ms = server_time_ms(response)
    if server_ms is not None:
        result.server_ms.append(server_ms)
    result.statuses[response.status_code] += 1
    if response.status_code not in result.expected:
        if len(result.error_samples) < 5:
            sample = f"{request.method} {request.path} -> {response.status_code}"
            result.error_samples.append(f"{sample}: {response.text[:300]}")
    elif count_items is not None:
        result.items += count_items(response)


async def _drive(
    connections: list[Connection],
    factory: RequestFactory,
    budget: _Budget,
    result: LoadResult,
    count_items: ItemCounter | None,
) -> None:
    async def worker(number: int) -> None:
        while (sequence := budget.take()) is not None:
            await _one(connections[number], factory(number, sequence), result, count_items)

    await asyncio.gather(*(worker(n) for n in range(len(connections))))


async def _close(connections: list[Connection]) -> None:
    for connection in connections:
        await connection.close()


async def run_load(
    base_url: str,
    factory: RequestFactory,
    *,
    label: str,
    connections: int,
    duration: float,
    max_requests: int | None = None,
    expected: Collection[int] = (200,),
    count_items: ItemCounter | None = None,
    warmup: float = 0.0,
) -> LoadResult:
    """`connections` workers, each sending its next request when its last one answered,
    until `duration` seconds have passed or `max_requests` were sent. A `warmup` of
    that many seconds runs first and is not measured."""
    if connections < 1 or duration <= 0:
        raise ValueError("connections must be at least 1 and duration positive")
    host, port = _address(base_url)
    pool = [Connection(host, port) for _ in range(connections)]
    try:
        if warmup > 0:
            scratch = LoadResult(label, connections, expected=frozenset(expected))
            budget = _Budget(time.perf_counter() + warmup, max_requests)
            await _drive(pool, factory, budget, scratch, None)
        result = LoadResult(label, connections, expected=frozenset(expected))
        began = time.perf_counter()
        budget = _Budget(began + duration, max_requests)
        await _drive(pool, factory, budget, result, count_items)
        result.seconds = time.perf_counter() - began
    finally:
        await _close(pool)
    return result
