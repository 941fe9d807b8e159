"""GET /api/sse in process: who may open a stream, tickets, the fallback look for
changes nobody announced, the bound on open streams, and the end of a revoked stream."""

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from tests.access.support import assert_problem, bearer, new_person
from tests.conftest import WorkspaceFixture
from tests.events.support import EVENT_STREAM, STREAM, TICKETS, StreamLines, head, unit_named
from timeledger.config import Settings
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import StreamTicket

BEAT_SECONDS = 0.2


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "var",
        secret_key="test-key",
        sse_heartbeat_seconds=BEAT_SECONDS,
        sse_poll_seconds=BEAT_SECONDS,
    )


def _ticket(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post(TICKETS, headers=headers)
    assert response.status_code == 201, response.text
    ticket: str = response.json()["ticket"]
    return ticket


def test_a_stream_needs_a_credential_or_a_valid_ticket(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    assert_problem(client.get(STREAM), 401)
    assert_problem(client.get(STREAM, params={"ticket": "tl_et_unknownunknownunknown"}), 401)
    assert_problem(client.get(STREAM, params={"ticket": workspace.api_key}), 401)
    ticket = _ticket(client, workspace.headers)
    assert_problem(client.get(STREAM, headers=bearer(ticket)), 401)
    with db.transaction() as session:
        session.execute(update(StreamTicket).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert_problem(client.get(STREAM, params={"ticket": ticket}), 401)


def test_a_ticket_opens_one_stream_only(client: TestClient, workspace: WorkspaceFixture) -> None:
    ticket = _ticket(client, workspace.headers)
    with client.stream("GET", STREAM, params={"ticket": ticket}) as opened:
        assert opened.status_code == 200
        assert opened.headers["content-type"].startswith(EVENT_STREAM)
        assert StreamLines(opened).next_comment().comment == "heartbeat"
    assert_problem(client.get(STREAM, params={"ticket": ticket}), 401)


@pytest.mark.frozen_clock
def test_a_ticket_is_stored_hashed_and_lives_as_configured(
    client: TestClient, db: Database, workspace: WorkspaceFixture, settings: Settings
) -> None:
    issued = client.post(TICKETS, headers=workspace.headers).json()
    with db.session(write=False) as session:
        row = session.scalars(select(StreamTicket)).one()
    assert issued["ticket"].startswith("tl_et_")
    assert row.prefix == issued["ticket"][:16]
    assert issued["ticket"] not in (row.secret_hash, row.prefix)
    assert row.user_id == workspace.owner_id and row.used_at is None
    assert row.expires_at == utcnow() + timedelta(seconds=settings.stream_ticket_ttl_seconds)


def test_bad_stream_parameters_are_422_problems(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for params, headers in (
        ({"types": "nothing.*"}, {}),
        ({"after": "-1"}, {}),
        ({}, {"Last-Event-ID": "yesterday"}),
    ):
        response = client.get(STREAM, params=params, headers={**workspace.headers, **headers})
        assert_problem(response, 422)


def test_a_change_nobody_announced_is_found_by_the_stream_itself(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    with client.stream("GET", STREAM, headers=workspace.headers) as opened:
        revision = head(client, workspace.headers) + 1
        # Written past the session, as a process that cannot announce would write it.
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO changes (workspace_id, revision, entity, entity_id, op, "
                    "actor_user_id, at, data) VALUES (:w, :r, 'org_unit', 7, 'deleted', "
                    "NULL, 0, '{}')"
                ),
                {"w": workspace.id, "r": revision},
            )
            connection.execute(
                text("UPDATE workspace_revisions SET revision = :r WHERE workspace_id = :w"),
                {"w": workspace.id, "r": revision},
            )
        event = StreamLines(opened).next_event()
    assert (event.id, event.event) == (str(revision), "org_unit.deleted")


def test_a_process_serves_a_bounded_number_of_streams(
    app: FastAPI, client: TestClient, workspace: WorkspaceFixture
) -> None:
    app.state.change_delivery.slots.capacity = 1
    with client.stream("GET", STREAM, headers=workspace.headers) as first:
        assert first.status_code == 200
        refused = client.get(STREAM, headers=workspace.headers)
        assert_problem(refused, 503)
        assert refused.headers["retry-after"].isdigit()
    with client.stream("GET", STREAM, headers=workspace.headers) as again:
        assert again.status_code == 200


def test_a_stream_ends_when_its_key_is_revoked(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    with client.stream("GET", STREAM, headers=person.headers) as opened:
        lines = StreamLines(opened)
        lines.next_comment()
        revoked = client.delete(f"/api/me/api-keys/{person.key_id}", headers=person.headers)
        assert revoked.status_code == 204, revoked.text
        lines.until_closed()


def test_a_stream_shows_only_what_its_caller_may_read(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee = new_person(db, workspace.id, "employee")
    with client.stream("GET", STREAM, headers=employee.headers) as opened:
        made = client.post(
            "/api/me/bookmarks", json={"name": "Owner's", "query": ""}, headers=workspace.headers
        )
        assert made.status_code == 201, made.text
        unit = unit_named(client, workspace.headers, "Visible to all")
        event = StreamLines(opened).next_event()
    assert (event.event, event.data and event.data["object_id"]) == ("org_unit.created", unit)
