"""A real webhook receiver on 127.0.0.1 that verifies every request with the
`standardwebhooks` package (by the test's clock), and helpers to subscribe it and make
changes."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from tests.conftest import WorkspaceFixture
from timeledger.changelog.service import record_change, recorded_revisions
from timeledger.config import Settings
from timeledger.kit.clock import Clock, current_clock
from timeledger.kit.db import Database
from timeledger.kit.secretbox import SecretBox
from timeledger.models import WebhookSubscription
from timeledger.webhooks.dispatcher import deliver_due

SUBSCRIPTIONS = "/api/webhooks/subscriptions"
BODY_MARKER = "RECEIVER-BODY-MARKER-7f3a"
"""Every answer of the receiver carries this text; it must never reach the API."""
SIGNATURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Received:
    """One request the receiver got, and whether its signature verified."""

    message_id: str
    headers: dict[str, str]
    payload: Any
    """The JSON body: a Standard Webhooks payload, or a body format's document."""
    verified: bool
    answered: int

    @property
    def revision(self) -> int | None:
        """The revision of a Standard Webhooks payload's event."""
        if not isinstance(self.payload, dict):
            return None
        revision: int | None = self.payload["data"].get("revision")
        return revision


Reply = tuple[int, dict[str, str]]
"""Status and headers the receiver answers with."""
Policy = Callable[["Receiver", str], Reply]
"""Decides the reply to a request with a given webhook-id (called before it is logged)."""


def always_ok(_receiver: "Receiver", _message_id: str) -> Reply:
    return 200, {}


@dataclass
class Receiver:
    port: int
    secret: str | None = None
    policy: Policy = always_ok
    delay_seconds: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    clock: Clock = field(default_factory=current_clock)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def attempts_of(self, message_id: str) -> int:
        with self.lock:
            return sum(1 for item in self.received if item.message_id == message_id)

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def arrival_order(self) -> list[int]:
        """The revision of every request, test events excluded, in arrival order."""
        return [item.revision for item in self.snapshot() if item.revision is not None]

    def acknowledged_revisions(self) -> list[int]:
        """Revisions answered with 2xx, in arrival order."""
        return [
            item.revision
            for item in self.snapshot()
            if 200 <= item.answered < 300 and item.revision is not None
        ]

    def wait_for(self, condition: Callable[[], bool], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"receiver got {self.snapshot()}"
            time.sleep(0.02)

    def _verifies(self, secret: str, headers: dict[str, str], body: bytes) -> bool:
        """`Webhook.verify`, but the timestamp judged by the test's clock (the package's
        own check reads the machine's, and the server may run at another time)."""
        try:
            signed_at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
            expected = Webhook(secret).sign(headers["webhook-id"], signed_at, body.decode())
        except (KeyError, ValueError):
            return False
        in_time = abs(self.clock.now() - signed_at) <= SIGNATURE_TOLERANCE
        return in_time and expected in headers.get("webhook-signature", "").split(" ")

    def handle(self, headers: dict[str, str], body: bytes) -> Reply:
        message_id = headers.get("webhook-id", "")
        verified = False
        payload: Any = {}
        if self.secret is not None:
            verified = self._verifies(self.secret, headers, body)
            payload = json.loads(body)
        status, reply_headers = self.policy(self, message_id) if verified else (400, {})
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        with self.lock:
            self.received.append(Received(message_id, headers, payload, verified, status))
        return status, reply_headers


@contextmanager
def receiving(policy: Policy = always_ok, delay_seconds: float = 0.0) -> Iterator[Receiver]:
    receiver = Receiver(port=0, policy=policy, delay_seconds=delay_seconds)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, reply_headers = receiver.handle(headers, body)
            reply = f"{BODY_MARKER} status {status}".encode()
            self.send_response(status)
            for name, value in reply_headers.items():
                self.send_header(name, value)
            self.send_header("content-type", "text/plain")
            self.send_header("content-length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def subscribe(
    client: TestClient,
    workspace: WorkspaceFixture,
    receiver: Receiver,
    *,
    path: str = "/hook",
    event_types: list[str] | None = None,
) -> dict[str, Any]:
    """Subscribe the receiver; it learns the secret from the create response."""
    response = client.post(
        SUBSCRIPTIONS,
        json={"url": receiver.url(path), "event_types": event_types or []},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    receiver.secret = body["secret"]
    return body


def stored_secret(db: Database, settings: Settings, subscription_id: int) -> str:
    """The signing secret of a subscription that showed it to nobody (a Tyme one)."""
    with db.transaction() as session:
        subscription = session.get(WebhookSubscription, subscription_id)
        assert subscription is not None
        return SecretBox(settings.resolved_secret_key()).open(subscription.secret_encrypted)


def deliver_until(
    db: Database, settings: Settings, condition: Callable[[], bool], timeout: float = 20
) -> None:
    """Worker cycles in the test's thread until `condition` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "deliveries did not finish in time"
        if deliver_due(db, settings) == 0:
            time.sleep(0.02)


def make_changes(
    db: Database, workspace_id: int, count: int, entity: str = "activity"
) -> list[int]:
    """`count` committed changes, each in a transaction of its own; their revisions."""
    revisions = []
    for number in range(count):
        with db.transaction(workspace_id=workspace_id) as session:
            record_change(
                session,
                workspace_id=workspace_id,
                actor_user_id=None,
                entity=entity,
                entity_id=1000 + number,
                op="updated",
                data={"id": 1000 + number, "name": f"Activity {number}"},
            )
            (revision,) = recorded_revisions(session)
            revisions.append(revision)
    return revisions


def first_attempt_fails(receiver: Receiver, message_id: str) -> Reply:
    """500 to the first attempt at every message, 200 to the next."""
    return (500, {}) if receiver.attempts_of(message_id) == 0 else (200, {})


def deliveries(
    client: TestClient, workspace: WorkspaceFixture, subscription_id: int
) -> list[dict[str, Any]]:
    response = client.get(
        f"{SUBSCRIPTIONS}/{subscription_id}/deliveries?limit=200", headers=workspace.headers
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def subscription(
    client: TestClient, workspace: WorkspaceFixture, subscription_id: int
) -> dict[str, Any]:
    """The subscription as the native API shows it."""
    response = client.get(f"{SUBSCRIPTIONS}/{subscription_id}", headers=workspace.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
