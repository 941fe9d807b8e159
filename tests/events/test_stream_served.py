"""GET /api/sse from the real `timeledger serve` process: new events as they are
committed, resuming with Last-Event-ID, heartbeats, tickets; and, on PostgreSQL, an event
committed through one server process announced to a subscriber of another at once."""

import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.access.support import bearer
from tests.conftest import WorkspaceFixture, make_workspace
from tests.events.support import EVENT_STREAM, STREAM, TICKETS, Message, StreamLines
from tests.test_serve_e2e import serving
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

pytestmark = pytest.mark.slow

BEAT_SECONDS = "0.3"
LOOK_SECONDS = 60
"""How often the served streams look for changes by themselves: far off, so an event that
comes sooner than ANNOUNCED_WITHIN was announced, however slow the machine."""
ANNOUNCED_WITHIN = 30
UNIT = {"type": "department", "effective_from": "2024-01-01"}


@dataclass(frozen=True)
class Served:
    base_url: str
    workspace: WorkspaceFixture


@contextmanager
def beating_fast(monkeypatch: pytest.MonkeyPatch, poll_seconds: str) -> Iterator[None]:
    with monkeypatch.context() as patched:
        patched.setenv("TIMELEDGER_SSE_HEARTBEAT_SECONDS", BEAT_SECONDS)
        patched.setenv("TIMELEDGER_SSE_POLL_SECONDS", poll_seconds)
        yield


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path, hashing: PasswordHashing
) -> Iterator[Served]:
    """One server for the module's SQLite tests; each test reads after the head it saw."""
    root = tmp_path_factory.mktemp("served")
    shutil.copyfile(sqlite_template, root / "timeledger.db")
    url = f"sqlite:///{root / 'timeledger.db'}"
    db = Database(url)
    workspace = make_workspace(db, hashing, "Acme")
    db.dispose()
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        beating_fast(monkeypatch, str(LOOK_SECONDS)),
        serving(url, root) as base_url,
    ):
        yield Served(base_url, workspace)


@contextmanager
def subscribed(
    base_url: str, headers: dict[str, str] | None = None, **params: str
) -> Iterator[StreamLines]:
    with (
        httpx.Client(base_url=base_url, timeout=10) as http,
        http.stream("GET", STREAM, headers=headers, params=params) as response,
    ):
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith(EVENT_STREAM)
        yield StreamLines(response)


def add_unit(base_url: str, headers: dict[str, str], name: str) -> int:
    response = httpx.post(
        f"{base_url}/api/org-units", json={"name": name, **UNIT}, headers=headers, timeout=10
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _unit_event(message: Message) -> tuple[str | None, int]:
    assert message.data is not None
    assert message.id == str(message.data["revision"])
    return message.event, int(message.data["object_id"])


@pytest.mark.e2e
def test_a_subscriber_receives_an_event_committed_after_it_connected(served: Served) -> None:
    headers = served.workspace.headers
    with subscribed(served.base_url, headers, types="org_unit.*") as lines:
        unit = add_unit(served.base_url, headers, "Arrives live")
        event = lines.next_event(within_seconds=ANNOUNCED_WITHIN)
        assert _unit_event(event) == ("org_unit.created", unit)


@pytest.mark.e2e
def test_last_event_id_resumes_with_exactly_the_events_after_it(served: Served) -> None:
    headers = served.workspace.headers
    with subscribed(served.base_url, headers, types="org_unit.*") as lines:
        add_unit(served.base_url, headers, "Seen before leaving")
        last_seen = lines.next_event().id
    assert last_seen is not None
    missed = [add_unit(served.base_url, headers, f"Missed {n}") for n in range(2)]

    resumed = {**headers, "Last-Event-ID": last_seen}
    with subscribed(served.base_url, resumed, types="org_unit.*") as lines:
        received = [_unit_event(lines.next_event()) for _ in missed]
        following = next(lines.messages(within_seconds=5))

    assert received == [("org_unit.created", unit) for unit in missed]
    assert following.comment == "heartbeat"


@pytest.mark.e2e
def test_an_idle_stream_sends_heartbeats(served: Served) -> None:
    with subscribed(served.base_url, served.workspace.headers) as lines:
        beats = [lines.next_comment() for _ in range(3)]
    assert {beat.comment for beat in beats} == {"heartbeat"}


@pytest.mark.e2e
def test_a_ticket_opens_a_stream_once(served: Served) -> None:
    headers = served.workspace.headers
    issued = httpx.post(f"{served.base_url}{TICKETS}", headers=headers, timeout=10)
    assert issued.status_code == 201, issued.text
    ticket = issued.json()["ticket"]

    with subscribed(served.base_url, ticket=ticket, types="org_unit.*") as lines:
        unit = add_unit(served.base_url, headers, "Seen through a ticket")
        assert _unit_event(lines.next_event()) == ("org_unit.created", unit)

    again = httpx.get(f"{served.base_url}{STREAM}", params={"ticket": ticket}, timeout=10)
    assert again.status_code == 401
    assert again.headers["content-type"] == "application/problem+json"
    assert httpx.get(f"{served.base_url}{STREAM}", timeout=10).status_code == 401
    as_bearer = httpx.get(f"{served.base_url}{STREAM}", headers=bearer(ticket), timeout=10)
    assert as_bearer.status_code == 401


@pytest.mark.e2e
@pytest.mark.postgresql
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_an_event_committed_through_one_process_is_announced_to_another(
    database_url: str,
    workspace: WorkspaceFixture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The streams' own look for changes is far off: only a notification can be in time.
    with beating_fast(monkeypatch, str(LOOK_SECONDS)), ExitStack() as servers:
        process_a = servers.enter_context(serving(database_url, tmp_path / "a"))
        process_b = servers.enter_context(serving(database_url, tmp_path / "b"))
        headers = workspace.headers
        with subscribed(process_b, headers, types="org_unit.*") as lines:
            for n in range(3):
                lines.next_comment()  # B is idle, past any look of its own
                unit = add_unit(process_a, headers, f"Across processes {n}")
                event = lines.next_event(within_seconds=ANNOUNCED_WITHIN)
                assert _unit_event(event) == ("org_unit.created", unit)
