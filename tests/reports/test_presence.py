"""The `presence` report through the API, on both engines: worked and break minutes,
first in and last out, open intervals and missing clock-outs per employee and day, the
same rows in every format, and the caller's reach."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.timesheet.support import Person, person_in
from timeledger.kit.db import Database
from timeledger.models import PresenceBreak, PresenceInterval

PRESENCE = "/api/reports/presence"
CREATED = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def people(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> list[Person]:
    return [person, person_in(client, db, workspace)]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _insert(
    db: Database,
    workspace_id: int,
    employee_id: int,
    started_at: datetime,
    ended_at: datetime | None,
    breaks: list[tuple[datetime, datetime | None]] = (),  # type: ignore[assignment]
) -> None:
    with db.transaction(workspace_id=workspace_id) as session:
        interval = PresenceInterval(
            employee_id=employee_id,
            started_at=started_at,
            ended_at=ended_at,
            day=started_at.date(),
            timezone="UTC",
            note="",
            source="clock",
            created_at=CREATED,
            updated_at=CREATED,
        )
        session.add(interval)
        session.flush()
        for start, end in breaks:
            session.add(PresenceBreak(interval_id=interval.id, started_at=start, ended_at=end))


def _seed(db: Database, workspace: WorkspaceFixture, people: list[Person], today: date) -> None:
    first, second = (who.employee_id for who in people)
    monday = date(2026, 1, 5)
    _insert(db, workspace.id, first, _at(monday, 7), _at(monday, 11, 30),
            [(_at(monday, 9), _at(monday, 9, 15))])  # fmt: skip
    _insert(db, workspace.id, first, _at(monday, 12), _at(monday, 16, 10),
            [(_at(monday, 13), _at(monday, 13, 30)), (_at(monday, 15), None)])  # fmt: skip
    _insert(db, workspace.id, first, _at(monday + timedelta(days=1), 8), None)
    _insert(db, workspace.id, second, _at(today, 0, 30), None)


def test_figures_per_employee_and_day(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
) -> None:
    today = workspace.today()
    _seed(db, workspace, people, today)
    response = client.get(PRESENCE, headers=workspace.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    first, second = (who.employee_id for who in people)
    rows = [
        (row["employee_id"], row["day"], row["first_in"], row["last_out"], row["worked_minutes"],
         row["break_minutes"], row["open_intervals"], row["missing_clock_outs"])
        for row in body["items"]
    ]  # fmt: skip
    assert rows == [
        (first, "2026-01-05", "2026-01-05T07:00:00Z", "2026-01-05T16:10:00Z",
         270 + 250 - 45, 45, 0, 0),
        (first, "2026-01-06", "2026-01-06T08:00:00Z", None, 0, 0, 1, 1),
        (second, today.isoformat(), f"{today.isoformat()}T00:30:00Z", None, 0, 0, 1, 0),
    ]  # fmt: skip
    assert body["items"][0]["employee_name"]
    assert body["totals"] == {
        name: sum(row[name] for row in body["items"])
        for name in ("worked_minutes", "break_minutes", "open_intervals", "missing_clock_outs")
    }
    narrowed = client.get(
        PRESENCE,
        params={"from": "2026-01-06", "to": "2026-01-06", "employee_id": first},
        headers=workspace.headers,
    ).json()
    assert [row["day"] for row in narrowed["items"]] == ["2026-01-06"]
    assert narrowed["totals"]["missing_clock_outs"] == 1


def test_pages_csv_and_xlsx_hold_the_same_rows(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
) -> None:
    _seed(db, workspace, people, workspace.today())
    whole = client.get(PRESENCE, headers=workspace.headers).json()["items"]
    paged: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 1}
    for _ in range(5):
        body = client.get(PRESENCE, params=params, headers=workspace.headers).json()
        paged.extend(body["items"])
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert paged == whole
    as_csv = client.get(PRESENCE, headers={**workspace.headers, "Accept": "text/csv"})
    read = list(csv.reader(io.StringIO(as_csv.text, newline="")))
    assert read[0] == list(whole[0])
    assert [int(row[0]) for row in read[1:]] == [row["employee_id"] for row in whole]
    assert read[1][3] == "2026-01-05T07:00:00+00:00"
    assert read[2][4] == ""
    as_xlsx = client.get(PRESENCE, params={"format": "xlsx"}, headers=workspace.headers)
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))["presence"]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == list(whole[0])
    assert cells[1][3] == _at(date(2026, 1, 5), 7).replace(tzinfo=None)
    assert [row[5] for row in cells[1:]] == [row["worked_minutes"] for row in whole]


def test_an_employee_sees_their_own_days_only(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    people: list[Person],
) -> None:
    _seed(db, workspace, people, workspace.today())
    body = client.get(PRESENCE, headers=people[1].headers).json()
    assert {row["employee_id"] for row in body["items"]} == {people[1].employee_id}
    other = client.get(
        PRESENCE, params={"employee_id": people[0].employee_id}, headers=people[1].headers
    ).json()
    assert other["items"] == []
    assert other["totals"]["open_intervals"] == 0


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"from": "2026-02-01", "to": "2026-01-01"}, 422),
        ({"from": "yesterday"}, 422),
        ({"employee_id": "x"}, 422),
        ({"cursor": "e30"}, 400),
    ],
)
def test_bad_input_is_a_problem(
    client: TestClient, workspace: WorkspaceFixture, params: dict[str, Any], status: int
) -> None:
    response = client.get(PRESENCE, params=params, headers=workspace.headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
