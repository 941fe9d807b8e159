"""One employee's entries, the list a timesheet screen asks for every time it opens:
answered on the ordinary path exactly as the workspace-wide list narrowed to that employee
answers (until 2026-12-04 a lane in front of the routing answered it, and these were the
tests that it answered what the full operation did), refused as that list is, counted
under its own route."""

from datetime import UTC, date, datetime
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from tests.entries.support import insert_entries
from tests.timesheet.support import Person, person_in
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


def _workspace_list(client: TestClient, employee_id: int, query: dict[str, str], key: str) -> bytes:
    """The workspace-wide list narrowed to the employee, sorted as the per-employee list is
    by default."""
    response = client.get(
        "/api/timesheet/entries",
        params={**query, "employee_id": str(employee_id), "sort": "date"},
        headers={"Authorization": f"Bearer {key}"},
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
def test_an_employees_list_answers_as_the_workspace_list_narrowed_to_them(
    client: TestClient, stored: Person, query: dict[str, str]
) -> None:
    expected = _workspace_list(client, stored.employee_id, query, stored.principal.key)

    response = client.get(stored.entries, params=query, headers=stored.headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"]
    assert response.content == expected


def test_a_cursor_continues_the_list(client: TestClient, stored: Person) -> None:
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


def test_an_administrator_reads_an_employees_list_as_the_workspace_list(
    client: TestClient, workspace: WorkspaceFixture, stored: Person
) -> None:
    query = {"from": "2026-03-01", "to": "2026-03-31"}
    expected = _workspace_list(client, stored.employee_id, query, workspace.api_key)

    response = client.get(stored.entries, params=query, headers=workspace.headers)

    assert response.content == expected


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("cursor=abc", 400),
        ("from=20260301", 400),
        ("from=2026-02-30", 400),
        ("from=2026-03-05&to=2026-03-01", 400),
        ("limit=0", 422),
        ("limit=201", 422),
        ("limit=200", 200),
        ("group_by=planet", 400),
    ],
)
def test_bad_parameters_are_refused_as_the_workspace_list_refuses_them(
    client: TestClient, stored: Person, query: str, status: int
) -> None:
    narrowed = f"/api/timesheet/entries?employee_id={stored.employee_id}&{query}"
    workspace_wide = client.get(narrowed, headers=stored.headers)

    response = client.get(f"{stored.entries}?{query}", headers=stored.headers)

    assert (response.status_code, workspace_wide.status_code) == (status, status)
    if status != 200:
        assert_problem(response, status)
        assert response.json()["errors"] == workspace_wide.json()["errors"]


def test_someone_elses_timesheet_is_not_found(
    client: TestClient, db: Database, workspace: WorkspaceFixture, stored: Person
) -> None:
    other = person_in(client, db, workspace)

    assert_problem(client.get(stored.entries, headers=other.headers), 404)


def test_a_manager_reads_their_own_list(
    client: TestClient, db: Database, workspace: WorkspaceFixture, stored: Person
) -> None:
    manager = person_in(client, db, workspace, role="manager")

    assert client.get(manager.entries, headers=manager.headers).status_code == 200


def test_a_deleted_employee_is_not_found(
    client: TestClient, workspace: WorkspaceFixture, stored: Person
) -> None:
    client.get(stored.entries, headers=workspace.headers)
    deleted = client.delete(f"/api/employees/{stored.employee_id}", headers=workspace.headers)
    assert deleted.status_code == 204, deleted.text

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


def test_answers_are_counted_under_the_operations_route(client: TestClient, stored: Person) -> None:
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


def test_only_get_reads_the_list(client: TestClient, stored: Person) -> None:
    client.get(stored.entries, headers=stored.headers)

    response = client.request("PUT", stored.entries, headers=stored.headers)

    assert_problem(response, 405)
