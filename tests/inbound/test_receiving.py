"""Receiving signed inbound events and applying them in the worker, as the endpoint's
service user."""

import contextvars
import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from tests.inbound.support import Endpoint, endpoint_in, events, send, signed_headers
from tests.timesheet.support import Person
from timeledger.config import Settings
from timeledger.inbound.service import MAX_EVENT_BYTES
from timeledger.jobs.worker import Worker
from timeledger.kit.clock import Clock, FixedClock, utcnow
from timeledger.kit.db import Database
from timeledger.models import Change, InboundEvent, Job

CLOCK_IN_AT = "2026-01-05T08:00:00+01:00"


def _number(client: TestClient, workspace: WorkspaceFixture, person: Person) -> str:
    response = client.get(f"/api/employees/{person.employee_id}", headers=workspace.headers)
    assert response.status_code == 200, response.text
    number: str = response.json()["employee_number"]
    return number


def _clock_in(number: str, at: str = CLOCK_IN_AT) -> dict[str, Any]:
    return {"type": "presence.clock_in", "data": {"employee_number": number, "at": at}}


def _presence(client: TestClient, person: Person) -> list[dict[str, Any]]:
    response = client.get(
        f"/api/employees/{person.employee_id}/timesheet/presence?from=2026-01-01&to=2026-01-31",
        headers=person.headers,
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _count(db: Database, model: type[Job] | type[InboundEvent]) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def endpoint(client: TestClient, workspace: WorkspaceFixture) -> Endpoint:
    return endpoint_in(client, workspace)


def test_a_signed_clock_in_is_accepted_and_applied_by_the_worker(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    person: Person,
    endpoint: Endpoint,
) -> None:
    number = _number(client, workspace, person)
    accepted = send(client, endpoint, _clock_in(number), "evt_in_1")
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["event_id"] == "evt_in_1"
    assert accepted.json()["status"] == "accepted"
    assert _presence(client, person) == []

    Worker(db, settings).run_once()

    [interval] = _presence(client, person)
    assert interval["started_at"] == "2026-01-05T07:00:00Z"
    assert interval["open"] is True
    [event] = events(client, workspace, endpoint)
    assert (event["id"], event["status"], event["error"]) == (
        accepted.json()["id"],
        "processed",
        None,
    )
    assert event["type"] == "presence.clock_in"
    out = {
        "type": "presence.clock_out",
        "data": {"employee_id": person.employee_id, "at": "2026-01-05T16:30:00Z"},
    }
    assert send(client, endpoint, out, "evt_out_1").status_code == 202
    Worker(db, settings).run_once()
    [closed] = _presence(client, person)
    assert closed["ended_at"] == "2026-01-05T16:30:00Z"
    with db.transaction() as session:
        actors = set(
            session.scalars(select(Change.actor_user_id).where(Change.entity == "presence"))
        )
    assert actors == {endpoint.service_user_id}


def test_employee_updates_apply_only_the_fields_sent(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    person: Person,
    endpoint: Endpoint,
) -> None:
    url = f"/api/employees/{person.employee_id}"
    before = client.get(url, headers=workspace.headers).json()
    update = {
        "type": "employee.updated",
        "data": {
            "employee_number": before["employee_number"],
            "first_name": "Renamed",
            "email": "renamed@example.com",
        },
    }
    assert send(client, endpoint, update, "evt_hr_1").status_code == 202

    Worker(db, settings).run_once()

    after = client.get(url, headers=workspace.headers).json()
    assert (after["first_name"], after["email"]) == ("Renamed", "renamed@example.com")
    assert after["last_name"] == before["last_name"]
    assert after["weekly_pattern_minutes"] == before["weekly_pattern_minutes"]
    assert events(client, workspace, endpoint)[0]["status"] == "processed"


def test_a_resent_event_is_answered_as_stored_and_applied_once(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    person: Person,
    endpoint: Endpoint,
) -> None:
    message = _clock_in(_number(client, workspace, person))
    first = send(client, endpoint, message, "evt_once")
    again = send(client, endpoint, message, "evt_once")
    assert again.status_code == 202
    assert again.json() == first.json()
    assert (_count(db, InboundEvent), _count(db, Job)) == (1, 1)

    Worker(db, settings).run_once()
    late = send(client, endpoint, message, "evt_once")

    assert late.status_code == 202
    assert late.json()["status"] == "processed"
    assert len(_presence(client, person)) == 1
    assert (_count(db, InboundEvent), _count(db, Job)) == (1, 1)


def test_unauthenticated_deliveries_all_get_the_same_401(
    client: TestClient, workspace: WorkspaceFixture, person: Person, endpoint: Endpoint
) -> None:
    message = _clock_in(_number(client, workspace, person))
    other = endpoint_in(client, workspace, role="developer")
    inactive = endpoint_in(client, workspace, role="manager")
    assert (
        client.patch(
            f"/api/webhooks/inbound-endpoints/{inactive.id}",
            json={"active": False},
            headers=workspace.headers,
        ).status_code
        == 200
    )
    unknown = Endpoint(999_999, endpoint.secret, endpoint.service_user_id)
    tampered_headers = signed_headers(endpoint.secret, '{"type": "x"}', "evt_t")

    refusals = [
        send(client, endpoint, message, "evt_a", secret=other.secret),
        send(client, endpoint, message, "evt_b", timestamp=utcnow() - timedelta(minutes=6)),
        send(client, endpoint, message, "evt_c", timestamp=utcnow() + timedelta(minutes=6)),
        send(client, unknown, message, "evt_d"),
        send(client, inactive, message, "evt_e"),
        client.post(endpoint.url, json=message, headers=tampered_headers),
        client.post(
            endpoint.url, json=message, headers={**tampered_headers, "webhook-signature": "garbage"}
        ),
    ]

    details = set()
    for response in refusals:
        problem = assert_problem(response, 401)
        details.add(problem["detail"])
        assert "www-authenticate" not in response.headers
    assert len(details) == 1
    assert events(client, workspace, endpoint) == []


NUMBER_7 = {"employee_number": "7"}
MALFORMED: list[str | dict[str, Any]] = [
    "not json",
    {"type": "presence.teleport", "data": {}},
    {"type": "presence.clock_in", "data": NUMBER_7},
    {"type": "presence.clock_in", "data": {**NUMBER_7, "at": "2026-01-05T08:00:00"}},
    {"type": "presence.clock_in", "data": {**NUMBER_7, "employee_id": 3, "at": CLOCK_IN_AT}},
    {"type": "employee.updated", "data": {**NUMBER_7, "hourly_rate_minor": 1}},
]


@pytest.mark.frozen_clock
def test_a_signature_is_as_old_as_the_servers_clock_says(
    client: TestClient, endpoint: Endpoint, clock: Clock
) -> None:
    assert isinstance(clock, FixedClock)
    signed_at = clock.now()
    clock.advance(timedelta(minutes=6))
    late = send(client, endpoint, _clock_in("E-1"), "evt_late", timestamp=signed_at)
    assert_problem(late, 401)
    in_time = send(client, endpoint, _clock_in("E-1"), "evt_in_time", timestamp=clock.now())
    assert in_time.status_code == 202, in_time.text


def test_a_malformed_event_is_422_and_nothing_is_stored(
    client: TestClient, db: Database, endpoint: Endpoint
) -> None:
    for number, body in enumerate(MALFORMED):
        problem = assert_problem(send(client, endpoint, body, f"evt_bad_{number}"), 422)
        assert problem["errors"], body
        assert all(error["location"].startswith("body") for error in problem["errors"]), body
    assert (_count(db, InboundEvent), _count(db, Job)) == (0, 0)


def test_a_too_large_event_is_refused(client: TestClient, db: Database, endpoint: Endpoint) -> None:
    note = "x" * MAX_EVENT_BYTES
    body = {
        "type": "presence.clock_in",
        "data": {"employee_number": "7", "at": CLOCK_IN_AT, "note": note},
    }
    assert_problem(send(client, endpoint, body, "evt_big"), 413)
    assert _count(db, InboundEvent) == 0


def test_events_the_rules_refuse_fail_with_the_reason_and_are_not_retried(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    person: Person,
    endpoint: Endpoint,
) -> None:
    number = _number(client, workspace, person)
    send(client, endpoint, _clock_in("no-such-number"), "evt_unknown")
    send(client, endpoint, _clock_in(number), "evt_first")
    send(client, endpoint, _clock_in(number, "2026-01-05T09:00:00+01:00"), "evt_twice")

    Worker(db, settings).run_once()

    by_id = {event["event_id"]: event for event in events(client, workspace, endpoint)}
    assert by_id["evt_unknown"]["status"] == "failed"
    assert by_id["evt_unknown"]["error"] == "No employee has the employee number 'no-such-number'."
    assert by_id["evt_first"]["status"] == "processed"
    assert by_id["evt_twice"]["status"] == "failed"
    assert "open" in by_id["evt_twice"]["error"]
    jobs = client.get(
        "/api/admin/batch-jobs?kind=inbound.process&status=failed", headers=workspace.headers
    ).json()["items"]
    assert len(jobs) == 2
    assert all(job["attempts"] == 1 for job in jobs)
    assert Worker(db, settings).run_once() == 0
    assert len(_presence(client, person)) == 1


def test_a_service_user_without_the_permission_fails_the_event(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    person: Person,
) -> None:
    reader = endpoint_in(client, workspace, role="developer")
    send(client, reader, _clock_in(_number(client, workspace, person)), "evt_denied")

    Worker(db, settings).run_once()

    [event] = events(client, workspace, reader)
    assert event["status"] == "failed"
    assert "not write" in event["error"]
    assert _presence(client, person) == []


def test_deliveries_of_one_event_racing_each_other_store_it_once(
    client: TestClient, db: Database, endpoint: Endpoint
) -> None:
    message = _clock_in("E-1")
    together = threading.Barrier(4)
    answers: list[dict[str, Any]] = []

    def deliver() -> None:
        together.wait()
        response = send(client, endpoint, message, "evt_race")
        assert response.status_code == 202, response.text
        answers.append(response.json())

    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(deliver,)) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(answers) == 4
    assert len({answer["id"] for answer in answers}) == 1
    assert (_count(db, InboundEvent), _count(db, Job)) == (1, 1)
