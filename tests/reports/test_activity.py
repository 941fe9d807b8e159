"""The `activity` report through the API, on both engines: minutes per activity type,
employee and period, totals equal to the rows' sums, the same rows in every format, and
the caller's reach."""

import csv
import io
from datetime import date
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.entries.support import insert_entries
from tests.timesheet.support import Person, person_in
from timeledger.kit.db import Database

ACTIVITY = "/api/reports/activity"
TYPES = ("work_minutes", "timeoff_minutes", "non_work_minutes", "allowance_minutes")


@pytest.fixture
def people(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> list[Person]:
    return [person, person_in(client, db, workspace)]


@pytest.fixture
def allowance(client: TestClient, workspace: WorkspaceFixture) -> int:
    body = {"name": "Night shift", "type": "allowance", "effective_from": "2024-01-01"}
    response = client.post("/api/settings/activities", json=body, headers=workspace.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _seed(
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
    allowance: int,
) -> None:
    first, second = (who.employee_id for who in people)
    rows: list[tuple[int, date, str | int, int]] = [
        (first, date(2026, 1, 5), "work", 480),
        (first, date(2026, 1, 6), "home_office", 240),
        (first, date(2026, 1, 6), "vacation", 240),
        (first, date(2026, 1, 7), "bad_weather", 60),
        (first, date(2026, 1, 7), allowance, 120),
        (first, date(2026, 2, 2), "sick", 450),
        (second, date(2026, 1, 31), "work", 30),
    ]
    insert_entries(
        db,
        workspace.id,
        [
            {
                "employee_id": employee,
                "day": day,
                "minutes": minutes,
                "activity_id": kind if isinstance(kind, int) else activities[kind],
            }
            for employee, day, kind, minutes in rows
        ],
    )


def test_minutes_per_type_employee_and_month(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
    allowance: int,
) -> None:
    _seed(db, workspace, people, activities, allowance)
    response = client.get(ACTIVITY, headers=workspace.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    figures = [
        (row["employee_id"], row["month"], *(row[name] for name in TYPES), row["total_minutes"])
        for row in body["items"]
    ]
    first, second = (who.employee_id for who in people)
    assert figures == [
        (first, "2026-01", 720, 240, 60, 120, 1140),
        (first, "2026-02", 0, 450, 0, 0, 450),
        (second, "2026-01", 30, 0, 0, 0, 30),
    ]
    assert body["totals"] == {
        name: sum(row[name] for row in body["items"]) for name in (*TYPES, "total_minutes")
    }
    assert body["items"][0]["employee_name"]

    by_year = client.get(ACTIVITY, params={"period": "year"}, headers=workspace.headers).json()
    assert [(row["year"], row["total_minutes"]) for row in by_year["items"]] == [
        (2026, 1590),
        (2026, 30),
    ]
    by_week = client.get(
        ACTIVITY, params={"period": "week", "activity_type": "timeoff"}, headers=workspace.headers
    ).json()
    assert [(row["week"], row["timeoff_minutes"]) for row in by_week["items"]] == [
        ("2026-01-05", 240),
        ("2026-02-02", 450),
    ]
    assert by_week["totals"]["work_minutes"] == 0


def test_csv_and_xlsx_hold_the_json_rows(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
    allowance: int,
) -> None:
    _seed(db, workspace, people, activities, allowance)
    items = client.get(ACTIVITY, params={"limit": 1}, headers=workspace.headers).json()["items"]
    everything: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 1}
    while True:
        body = client.get(ACTIVITY, params=params, headers=workspace.headers).json()
        everything.extend(body["items"])
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert everything[:1] == items
    assert len(everything) == 3
    columns = list(everything[0])
    expected = [[str(row[column]) for column in columns] for row in everything]
    as_csv = client.get(ACTIVITY, params={"format": "csv"}, headers=workspace.headers)
    assert as_csv.status_code == 200
    read = list(csv.reader(io.StringIO(as_csv.text, newline="")))
    assert read == [columns, *expected]
    as_xlsx = client.get(
        ACTIVITY,
        headers={
            **workspace.headers,
            "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
    )
    assert as_xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))["activity"]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == columns
    shown = [[str(c.date()) if hasattr(c, "date") else str(c) for c in row] for row in cells[1:]]
    assert shown == expected


def test_an_employee_sees_their_own_rows_only(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
    activities: dict[str, int],
    allowance: int,
) -> None:
    _seed(db, workspace, people, activities, allowance)
    body = client.get(ACTIVITY, headers=people[1].headers).json()
    assert [row["employee_id"] for row in body["items"]] == [people[1].employee_id]
    assert body["totals"]["total_minutes"] == 30


@pytest.mark.parametrize(
    ("params", "status"),
    [({"period": "day"}, 422), ({"format": "ods"}, 422), ({"cursor": "x"}, 400)],
)
def test_bad_input_is_a_problem(
    client: TestClient, workspace: WorkspaceFixture, params: dict[str, Any], status: int
) -> None:
    response = client.get(ACTIVITY, params=params, headers=workspace.headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
