"""Reading the feed and event streams in tests."""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.organization.support import create_unit

EVENTS = "/api/events"
STREAM = "/api/sse"
TICKETS = "/api/sse/tickets"
EVENT_STREAM = "text/event-stream"


def feed(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(EVENTS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def head(client: TestClient, headers: dict[str, str]) -> int:
    return int(feed(client, headers, limit=1)["head_revision"])


def every_event(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    """All pages from `after` (default 0) on."""
    events: list[dict[str, Any]] = []
    after = params.pop("after", 0)
    while True:
        page = feed(client, headers, after=after, limit=200, **params)
        events.extend(page["items"])
        after = page["next_after"]
        if not page["has_more"]:
            return events


def unit_named(client: TestClient, headers: dict[str, str], name: str) -> int:
    return int(create_unit(client, headers, name)["id"])


@dataclass(frozen=True)
class Message:
    """One Server-Sent Events message, or one comment line."""

    id: str | None = None
    event: str | None = None
    data: dict[str, Any] | None = None
    comment: str | None = None


class StreamLines:
    """Parses an open text/event-stream response; each read gives up at a deadline (the
    server's heartbeats keep lines coming, so a socket timeout alone would never fire)."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.iter_lines()

    def messages(self, within_seconds: float) -> Iterator[Message]:
        deadline = time.monotonic() + within_seconds
        fields: dict[str, str] = {}
        for line in self._lines:
            assert time.monotonic() < deadline, f"nothing expected came within {within_seconds} s"
            if line.startswith(":"):
                yield Message(comment=line[1:].strip())
            elif line:
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
            elif fields:
                data = fields.get("data")
                yield Message(
                    fields.get("id"), fields.get("event"), json.loads(data) if data else None
                )
                fields = {}

    def next_event(self, within_seconds: float = 5) -> Message:
        return next(m for m in self.messages(within_seconds) if m.comment is None)

    def next_comment(self, within_seconds: float = 5) -> Message:
        return next(m for m in self.messages(within_seconds) if m.comment is not None)

    def until_closed(self, within_seconds: float = 5) -> list[Message]:
        """Everything until the server ends the stream."""
        return list(self.messages(within_seconds))
