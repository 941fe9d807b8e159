"""One webhook request: the message, its Standard Webhooks signature, and the HTTP POST.

Every request goes to the address the SSRF guard checked (see `destinations`), through a
network backend that checks that address once more as the socket connects and ends the
request at one deadline (`webhook_timeout_seconds` for the whole exchange, however slowly a
receiver answers). Redirects are not followed, no proxy from the environment is used, and
the response body is never read.
"""

import ipaddress
import math
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from types import TracebackType
from typing import Any, Self

import httpcore
import httpx
from standardwebhooks.webhooks import Webhook

from timeledger import __version__
from timeledger.config import Settings
from timeledger.events.catalog import event_type
from timeledger.events.service import event_document
from timeledger.kit.clock import utcnow
from timeledger.kit.jsonio import dump_json
from timeledger.models import Change
from timeledger.webhooks.bodies import Body
from timeledger.webhooks.destinations import (
    DestinationRefused,
    check_destination,
    refusal_of_address,
)

USER_AGENT = f"Timeledger-Webhooks/{__version__}"
TEST_EVENT_TYPE = "webhook.test"
SECRET_PREFIX = "whsec_"  # noqa: S105  (the Standard Webhooks prefix, not a secret)


@dataclass(frozen=True)
class Message:
    """What one delivery sends: `id` is the webhook-id header, the same on every attempt."""

    id: str
    event_type: str
    revision: int | None
    body: str


def event_message_id(workspace_id: int, revision: int) -> str:
    return f"evt_{workspace_id}_{revision}"


def change_message(change: Change) -> Message:
    """The Standard Webhooks payload of a change: `type`, `timestamp` (when the change
    happened) and `data`, the event as the event feed shows it."""
    document = event_document(change)
    payload = {"type": document["type"], "timestamp": document["occurred_at"], "data": document}
    return Message(
        id=event_message_id(change.workspace_id, change.revision),
        event_type=document["type"],
        revision=change.revision,
        body=dump_json(payload).decode(),
    )


def formatted_message(change: Change, body: Body) -> Message:
    """A change in a body format's shape (`bodies`), with the webhook-id of its event."""
    return Message(
        id=event_message_id(change.workspace_id, change.revision),
        event_type=event_type(change.entity, change.op),
        revision=change.revision,
        body=dump_json(body).decode(),
    )


def message_for_test_event(message_id: str, subscription_id: int, at: datetime) -> Message:
    payload = {
        "type": TEST_EVENT_TYPE,
        "timestamp": at.isoformat().replace("+00:00", "Z"),
        "data": {
            "subscription_id": subscription_id,
            "message": "A test event from Timeledger: the subscription's URL is reachable.",
        },
    }
    return Message(
        id=message_id, event_type=TEST_EVENT_TYPE, revision=None, body=dump_json(payload).decode()
    )


def signature_headers(secret: str, message: Message, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers: `webhook-signature` is `v1,` and the base64
    HMAC-SHA256 of `id.timestamp.body` under the secret."""
    return {
        "webhook-id": message.id,
        "webhook-timestamp": str(math.floor(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message.id, at, message.body),
    }


@dataclass(frozen=True)
class Outcome:
    """How one attempt went; `error` is a few words of ours, never the receiver's text."""

    succeeded: bool
    status: int | None
    duration_ms: int
    error: str | None

    @property
    def gone(self) -> bool:
        return self.status == httpx.codes.GONE


class RequestDeadline:
    """The monotonic instant the request in flight must end by (one request at a time)."""

    def __init__(self) -> None:
        self.at = math.inf

    def remaining(self, timeout: float | None, expired: type[Exception]) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise expired("the webhook request ran out of time")
        return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: RequestDeadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.remaining(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.remaining(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        secured = self._inner.start_tls(
            ssl_context, server_hostname, self._deadline.remaining(timeout, httpcore.ConnectTimeout)
        )
        return DeadlineStream(secured, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedNetwork(httpcore.NetworkBackend):
    """Connects only to IP literals the guard allows: the check at connect time."""

    def __init__(self, *, allow_private: bool, deadline: RequestDeadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow_private = allow_private
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            raise DestinationRefused("host name not resolved by the guard") from None
        reason = None if self._allow_private else refusal_of_address(address)
        if reason is not None:
            raise DestinationRefused(reason)
        stream = self._inner.connect_tcp(
            host,
            port,
            self._deadline.remaining(timeout, httpcore.ConnectTimeout),
            local_address,
            socket_options,
        )
        return DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise DestinationRefused("unix sockets are not webhook destinations")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@cache
def _tls_context() -> ssl.SSLContext:
    """Certificate verification against the bundled CA list; loading it takes ~30 ms, so
    once per process (a context is safe to share between threads)."""
    return httpx.create_ssl_context(trust_env=False)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on a `GuardedNetwork`, with no keep-alive (every request
    connects, so every request is checked) and no proxy."""

    def __init__(self, network: GuardedNetwork) -> None:
        super().__init__(verify=_tls_context(), trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_tls_context(),
            max_keepalive_connections=0,
            network_backend=network,
        )


class Sender:
    """Sends webhook requests, one at a time; use as a context manager."""

    def __init__(self, settings: Settings) -> None:
        self._timeout = settings.webhook_timeout_seconds
        self._allow_private = settings.webhook_allow_private_destinations
        self._deadline = RequestDeadline()
        network = GuardedNetwork(allow_private=self._allow_private, deadline=self._deadline)
        self._client = httpx.Client(
            transport=GuardedTransport(network),
            follow_redirects=False,
            timeout=self._timeout,
            trust_env=False,
            headers={"user-agent": USER_AGENT},
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._client.close()

    def send(self, url: str, secret: str, message: Message) -> Outcome:
        started = time.monotonic()
        self._deadline.at = started + self._timeout
        status: int | None = None
        try:
            destination = check_destination(url, allow_private=self._allow_private)
            headers = {
                "host": destination.host_header,
                "content-type": "application/json",
                **signature_headers(secret, message, utcnow()),
            }
            extensions = (
                {"sni_hostname": destination.server_name}
                if destination.url.scheme == "https"
                else {}
            )
            request = self._client.build_request(
                "POST",
                destination.pinned_url,
                content=message.body.encode(),
                headers=headers,
                extensions=extensions,
            )
            response = self._client.send(request, stream=True)
            response.close()
            status = response.status_code
            error = _status_error(status)
        except DestinationRefused as refused:
            error = f"destination refused: {refused.reason}"
        except httpx.TimeoutException:
            error = "timeout"
        except httpx.ConnectError as failure:
            error = _connect_error(failure)
        except httpx.HTTPError:
            error = "request failed"
        finally:
            self._deadline.at = math.inf
        duration_ms = round((time.monotonic() - started) * 1000)
        succeeded = status is not None and httpx.codes.is_success(status)
        return Outcome(succeeded=succeeded, status=status, duration_ms=duration_ms, error=error)


def _status_error(status: int) -> str | None:
    if httpx.codes.is_success(status):
        return None
    if httpx.codes.is_redirect(status) or 300 <= status < 400:
        return f"redirect not followed ({status})"
    if status == httpx.codes.GONE:
        return "410 Gone: the receiver asked to stop"
    return f"HTTP {status}"


def _connect_error(failure: httpx.ConnectError) -> str:
    text = str(failure).lower()
    if "refused" in text:
        return "connection refused"
    if "ssl" in text or "certificate" in text or "tls" in text:
        return "TLS handshake failed"
    return "connection failed"
