"""Every row problem of an import, read a page at a time from
`GET /api/admin/imports/{id}/problems` on both engines, and removed with the import's files."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.statements.support import run_jobs
from timeledger.config import Settings
from timeledger.imports.problems import problems_page, problems_path, write_problems
from timeledger.imports.rows import RowProblem
from timeledger.imports.uploads import remove_old_uploads
from timeledger.kit.db import Database

HEADER = ("User,Email,Client,Project,Task,Description,Billable,Start date,Start time,"
          "End date,End time,Duration,Tags,Amount (EUR)\n")  # fmt: skip
UNKNOWN_PEOPLE_ROWS = 2500


def _unknown_people_file(rows: int) -> bytes:
    """Rows of people the workspace does not have (and, without an org unit, cannot create)."""
    lines = [
        f"Person {number},p{number}@example.com,,Internal,,Work,No,2026-03-02,08:00:00,"
        "2026-03-02,08:30:00,00:30:00,,\n"
        for number in range(rows)
    ]
    return (HEADER + "".join(lines)).encode()


def _finished_dry_run(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> dict[str, Any]:
    started = client.post(
        "/api/admin/imports?source=toggl-csv", content=_unknown_people_file(UNKNOWN_PEOPLE_ROWS),
        headers={**workspace.headers, "Content-Type": "text/csv"},
    )  # fmt: skip
    assert started.status_code == 202, started.text
    run_jobs(db, settings)
    job: dict[str, Any] = client.get(
        f"/api/admin/imports/{started.json()['id']}", headers=workspace.headers
    ).json()
    assert job["status"] == "done", job
    return job


def test_every_problem_is_read_page_by_page_in_row_order(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    job = _finished_dry_run(client, db, settings, workspace)
    result = job["result"]
    url = f"/api/admin/imports/{job['id']}/problems"
    assert (result["problems_total"], len(result["problems"])) == (UNKNOWN_PEOPLE_ROWS, 100)
    assert result["problems_url"] == url
    read: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 200} | ({"cursor": cursor} if cursor else {})
        response = client.get(url, params=params, headers=workspace.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == UNKNOWN_PEOPLE_ROWS
        assert len(page["items"]) <= 200
        read.extend(page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 13
    assert [problem["row"] for problem in read] == list(range(2, UNKNOWN_PEOPLE_ROWS + 2))
    assert {problem["field"] for problem in read} == {"person"}
    assert read[:100] == result["problems"]


def test_the_problems_of_another_workspaces_import_do_not_exist(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:  # fmt: skip
    job = _finished_dry_run(client, db, settings, workspace)
    url = f"/api/admin/imports/{job['id']}/problems"
    response = client.get(url, headers=other_workspace.headers)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    bad_cursor = client.get(url, params={"cursor": "row-7"}, headers=workspace.headers)
    assert bad_cursor.status_code == 400, bad_cursor.text
    too_many = client.get(url, params={"limit": 10_000}, headers=workspace.headers)
    assert too_many.status_code == 422, too_many.text


def test_the_problems_are_removed_with_the_imports_files(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    job = _finished_dry_run(client, db, settings, workspace)
    path = problems_path(settings.data_dir, job["id"])
    assert path.is_file()
    assert remove_old_uploads(settings.data_dir, datetime.now(UTC)) == 0
    assert remove_old_uploads(settings.data_dir, datetime.now(UTC) + timedelta(days=3)) == 1
    assert not path.exists()
    response = client.get(f"/api/admin/imports/{job['id']}/problems", headers=workspace.headers)
    assert response.status_code == 404, response.text
    assert "removed 2 days after" in response.json()["detail"]


def test_a_page_never_splits_the_problems_of_a_row(settings: Settings) -> None:
    path = problems_path(settings.data_dir, 1)
    write_problems(path, [RowProblem(3, "a", "x"), RowProblem(2, "b", "y"),
                          RowProblem(3, "c", "z"), RowProblem(4, "d", "w")])  # fmt: skip
    first, cursor = problems_page(path, 0, 2)
    assert ([(p["row"], p["field"]) for p in first], cursor) == ([(2, "b"), (3, "a"), (3, "c")], 3)
    rest, end = problems_page(path, 3, 2)
    assert ([(p["row"], p["field"]) for p in rest], end) == ([(4, "d")], None)
