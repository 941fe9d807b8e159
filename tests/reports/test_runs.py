"""Report runs through the API and the worker, on both engines: the job writes the file
the report's GET answers for the same query string, as whoever started it; progress,
download, refusals, and only the starter sees a run."""

import io
from datetime import date

import openpyxl  # type: ignore[import-untyped]
from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.entries.support import insert_entries
from tests.statements.support import run_jobs
from tests.timesheet.support import Person, person_in
from timeledger.config import Settings
from timeledger.kit.db import Database


def _seed(
    client: TestClient, db: Database, workspace: WorkspaceFixture, activities: dict[str, int]
) -> list[Person]:
    people = [person_in(client, db, workspace), person_in(client, db, workspace)]
    insert_entries(
        db,
        workspace.id,
        [
            {"employee_id": people[i % 2].employee_id, "day": date(2026, 1, 1 + i),
             "minutes": 30 + i, "activity_id": activities["work"]}
            for i in range(12)
        ],
    )  # fmt: skip
    return people


def test_a_run_writes_the_file_the_report_answers(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    activities: dict[str, int],
) -> None:
    _seed(client, db, workspace, activities)
    query = "group_by=employee,day&from=2026-01-03"
    started = client.post(
        "/api/reports/hours/runs",
        json={"format": "csv", "query": query},
        headers=workspace.headers,
    )
    assert started.status_code == 202, started.text
    run = started.json()
    location = started.headers["location"]
    assert location == f"/api/reports/hours/runs/{run['id']}"
    assert (run["status"], run["kind"], run["query"]) == ("pending", "hours", query)
    waiting = client.get(f"{location}/file", headers=workspace.headers)
    assert waiting.status_code == 409

    run_jobs(db, settings)

    done = client.get(location, headers=workspace.headers).json()
    assert done["status"] == "done"
    assert done["rows"] == 10
    assert done["progress"] == {"done": 10, "total": 10, "percent": 100}
    downloaded = client.get(f"{location}/file", headers=workspace.headers)
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"] == "text/csv; charset=utf-8"
    assert downloaded.headers["etag"] == f'"{done["sha256"]}"'
    direct = client.get(f"/api/reports/hours?{query}&format=csv", headers=workspace.headers)
    assert downloaded.content == direct.content
    assert len(direct.text.splitlines()) == 11


def test_an_xlsx_run_holds_the_rows_of_the_reports_sheet(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    activities: dict[str, int],
) -> None:
    _seed(client, db, workspace, activities)
    started = client.post(
        "/api/reports/activity/runs",
        json={"format": "xlsx", "query": "period=week"},
        headers=workspace.headers,
    )
    assert started.status_code == 202, started.text
    run_jobs(db, settings)
    content = client.get(f"{started.headers['location']}/file", headers=workspace.headers)
    assert content.status_code == 200, content.text
    direct = client.get("/api/reports/activity?period=week&format=xlsx", headers=workspace.headers)

    def sheet_rows(raw: bytes) -> list[list[object]]:
        sheet = openpyxl.load_workbook(io.BytesIO(raw))["activity"]
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    assert sheet_rows(content.content) == sheet_rows(direct.content)
    assert len(sheet_rows(content.content)) > 2


def test_a_run_holds_the_starters_reach_and_only_they_see_it(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    activities: dict[str, int],
) -> None:
    people = _seed(client, db, workspace, activities)
    started = client.post(
        "/api/reports/hours/runs", json={"format": "csv"}, headers=people[0].headers
    )
    assert started.status_code == 202, started.text
    run_jobs(db, settings)
    location = started.headers["location"]
    own = client.get(f"{location}/file", headers=people[0].headers)
    lines = own.text.splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"{people[0].employee_id},")
    for headers in (people[1].headers, workspace.headers):
        assert client.get(location, headers=headers).status_code == 404
        assert client.get(f"{location}/file", headers=headers).status_code == 404
    other_kind = location.replace("/hours/", "/activity/")
    assert client.get(other_kind, headers=people[0].headers).status_code == 404


def test_what_the_report_refuses_is_refused_when_starting(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for kind, body, location in (
        ("hours", {"format": "csv", "query": "group_by=user"}, "query.group_by"),
        ("hours", {"format": "csv", "query": "limit=0"}, "body.query"),
        ("presence", {"format": "xlsx", "query": "from=2026-02-01&to=2026-01-01"}, "query.from"),
        ("account-movements", {"format": "csv", "query": "period=day"}, "body.query"),
        ("hours", {"format": "json"}, "body.format"),
        ("hours", {"format": "csv", "extra": 1}, "body.extra"),
    ):
        response = client.post(f"/api/reports/{kind}/runs", json=body, headers=workspace.headers)
        assert response.status_code == 422, (kind, body, response.text)
        assert location in [error["location"] for error in response.json()["errors"]]
    missing = client.get("/api/reports/hours/runs/999", headers=workspace.headers)
    assert missing.status_code == 404
