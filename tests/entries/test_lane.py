"""The fast lane of one employee's entries answers exactly what the full operation
answers, and declines whatever it does not serve exactly."""

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from tests.entries.support import insert_entries
from tests.timesheet.support import Person, person_in
from timeledger.access.credential_cache import CREDENTIALS
from timeledger.entries.lane import EMPLOYEE_ENTRIES_LANE
from timeledger.kit.db import Database


@pytest.fixture
def stored(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> Person:
    """Entries of every shape the list renders: spans with breaks, dimension values,
    billable with a rate, states, several on one day."""
    work = activities["work"]
    span = {
        "started_at": datetime(2026, 3, 2, 8, tzinfo=UTC),
        "ended_at": datetime(2026, 3, 2, 12, 30, tzinfo=UTC),
        "timezone": "Europe/Copenhagen",
        "breaks": [{"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T10:30:00Z"}],
        "break_minutes": 30,
    }
    insert_entries(
        db,
        workspace.id,
        [
            dict(employee_id=person.employee_id, day=date(2026, 3, 2), minutes=240,
                 activity_id=work, note="Spec review", billable=True, hourly_rate_minor=5000,
                 revenue_minor=20000, rate_source="project", approval_status="approved",
                 billing_state="billed", creation_type="times", locked=True, **span),
            dict(employee_id=person.employee_id, day=date(2026, 3, 2), minutes=15,
                 activity_id=work, note="", dimension_values={"1": "x"}),
            *(dict(employee_id=person.employee_id, day=date(2026, 3, day), minutes=30 + day,
                   activity_id=work, note=f"day {day}", creation_type="clock")
              for day in range(3, 9)),
            dict(employee_id=person.employee_id, day=date(2026, 4, 1), minutes=60,
                 activity_id=work, approval_status="under_approval"),
        ],
    )  # fmt: skip
    return person


def _scope(app: FastAPI, path: str, query: dict[str, str] | str, key: str) -> dict[str, Any]:
    query_string = query if isinstance(query, str) else urlencode(query)
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query_string.encode(),
        "headers": [(b"authorization", f"Bearer {key}".encode())],
        "app": app,
    }


def _lane_answer(app: FastAPI, path: str, query: dict[str, str] | str, key: str) -> bytes | None:
    request = EMPLOYEE_ENTRIES_LANE.request_of(_scope(app, path, query, key))
    reply = None if request is None else EMPLOYEE_ENTRIES_LANE.answer(request)
    return None if reply is None else reply.body


def _full_answer(client: TestClient, path: str, query: dict[str, str], key: str) -> bytes:
    """The full operation's answer: `sort=date` is the default sort, and a parameter the
    lane declines."""
    response = client.get(
        path, params={**query, "sort": "date"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    return response.content


QUERIES = [
    {},
    {"from": "2026-03-01", "to": "2026-03-31"},
    {"from": "2026-03-03"},
    {"to": "2026-03-02"},
    {"from": "2026-03-02", "to": "2026-03-02"},
    {"limit": "3"},
    {"from": "2026-03-01", "to": "2026-03-31", "limit": "1"},
    {"limit": "200"},
    {"from": "2027-01-01"},
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda query: urlencode(query) or "none")
def test_the_lane_answers_its_own_timesheet_as_the_full_operation(
    app: FastAPI, client: TestClient, stored: Person, query: dict[str, str]
) -> None:
    full = _full_answer(client, stored.entries, query, stored.principal.key)

    lane = _lane_answer(app, stored.entries, query, stored.principal.key)

    assert lane is not None
    assert lane == full
    over_http = client.get(stored.entries, params=query, headers=stored.headers)
    assert over_http.status_code == 200
    assert over_http.headers["content-type"] == "application/json"
    assert over_http.headers["x-request-id"]
    assert over_http.content == full


def test_a_cursor_of_the_lane_continues_on_the_full_operation(
    client: TestClient, stored: Person
) -> None:
    first = client.get(stored.entries, params={"limit": "4"}, headers=stored.headers).json()
    assert first["next_cursor"] is not None

    rest = client.get(
        stored.entries,
        params={"limit": "200", "cursor": first["next_cursor"]},
        headers=stored.headers,
    )

    everything = client.get(stored.entries, params={"limit": "200"}, headers=stored.headers)
    ids = [item["id"] for item in everything.json()["items"]]
    assert [item["id"] for item in first["items"] + rest.json()["items"]] == ids
    assert len(ids) == 9


def test_the_lane_answers_an_administrator_as_the_full_operation(
    app: FastAPI, client: TestClient, workspace: WorkspaceFixture, stored: Person
) -> None:
    query = {"from": "2026-03-01", "to": "2026-03-31"}
    full = _full_answer(client, stored.entries, query, workspace.api_key)

    assert _lane_answer(app, stored.entries, query, workspace.api_key) == full


@pytest.mark.parametrize(
    "query",
    [
        "sort=date",
        "note=spec",
        "cursor=abc",
        "from=this_month",
        "from=2026-03-01T00:00:00%2B01:00&to=2026-03-31T00:00:00%2B01:00",
        "from=20260301",
        "from=2026-02-30",
        "from=2026-03-05&to=2026-03-01",
        "limit=0",
        "limit=201",
        "limit=%2B5",
        "limit=05",
        "limit=1&limit=2",
        "group_by=week",
    ],
)
def test_the_lane_declines_what_it_does_not_serve_exactly(
    app: FastAPI, client: TestClient, stored: Person, query: str
) -> None:
    client.get(stored.entries, headers=stored.headers)

    assert _lane_answer(app, stored.entries, query, stored.principal.key) is None


def test_the_lane_declines_a_credential_it_has_not_seen_verified(
    app: FastAPI, client: TestClient, stored: Person
) -> None:
    client.get(stored.entries, headers=stored.headers)
    CREDENTIALS.clear()

    assert _lane_answer(app, stored.entries, {}, stored.principal.key) is None
    assert _lane_answer(app, stored.entries, {}, "tl_nonsense") is None


def test_someone_elses_timesheet_goes_to_the_full_operation_and_is_not_found(
    app: FastAPI, client: TestClient, db: Database, workspace: WorkspaceFixture, stored: Person
) -> None:
    other = person_in(client, db, workspace)
    client.get(other.entries, headers=other.headers)

    assert _lane_answer(app, stored.entries, {}, other.principal.key) is None
    assert_problem(client.get(stored.entries, headers=other.headers), 404)


def test_a_managers_team_scope_goes_to_the_full_operation(
    app: FastAPI, client: TestClient, db: Database, workspace: WorkspaceFixture, stored: Person
) -> None:
    manager = person_in(client, db, workspace, role="manager")
    client.get(manager.entries, headers=manager.headers)

    assert _lane_answer(app, manager.entries, {}, manager.principal.key) is None
    assert client.get(manager.entries, headers=manager.headers).status_code == 200


def test_a_deleted_employee_goes_to_the_full_operation_and_is_not_found(
    app: FastAPI, client: TestClient, workspace: WorkspaceFixture, stored: Person
) -> None:
    client.get(stored.entries, headers=workspace.headers)
    deleted = client.delete(f"/api/employees/{stored.employee_id}", headers=workspace.headers)
    assert deleted.status_code == 204, deleted.text

    assert _lane_answer(app, stored.entries, {}, workspace.api_key) is None
    assert_problem(client.get(stored.entries, headers=workspace.headers), 404)


def test_a_revoked_key_is_refused_at_once(client: TestClient, stored: Person) -> None:
    assert client.get(stored.entries, headers=stored.headers).status_code == 200
    spare = client.post("/api/me/api-keys", json={"name": "spare"}, headers=stored.headers)
    assert spare.status_code == 201, spare.text

    revoked = client.delete(
        f"/api/me/api-keys/{stored.principal.key_id}",
        headers={"Authorization": f"Bearer {spare.json()['key']}"},
    )

    assert revoked.status_code == 204, revoked.text
    assert_problem(client.get(stored.entries, headers=stored.headers), 401)


def test_lane_answers_are_counted_under_the_operations_route(
    client: TestClient, stored: Person
) -> None:
    client.get(stored.entries, headers=stored.headers)
    label = 'route="/api/employees/{employee_id}/timesheet/entries",status="200"'

    def counted() -> float:
        for line in client.get("/metrics").text.splitlines():
            if line.startswith("timeledger_http_requests_total{") and label in line:
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    before = counted()
    assert client.get(stored.entries, headers=stored.headers).status_code == 200

    assert counted() == before + 1


def test_only_get_takes_the_lane(client: TestClient, stored: Person) -> None:
    client.get(stored.entries, headers=stored.headers)

    response = client.request("PUT", stored.entries, headers=stored.headers)

    assert_problem(response, 405)
