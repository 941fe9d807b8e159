"""`POST /api/admin/imports` through the worker on both engines: a dry run by default,
applying on request, permissions, refused files and the upload limit."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.access.support import new_person
from tests.conftest import WorkspaceFixture
from tests.organization.support import create_unit
from tests.statements.support import run_jobs
from timeledger.access.credentials import PasswordHashing
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.imports.uploads import uploads_folder
from timeledger.kit.clock import Clock
from timeledger.kit.db import Database
from timeledger.models import TimeEntry

SAMPLES = Path(__file__).parent / "samples"
TOGGL = (SAMPLES / "toggl_detailed.csv").read_bytes()
UNKNOWN_PERSON_ROW = (
    b"Xena Vogel,xena@example.com,,Internal,,Ghost,No,2026-03-02,08:00:00,2026-03-02,"
    b"08:30:00,00:30:00,,\n"
)


def _start(client: TestClient, headers: dict[str, str], body: bytes, **query: str) -> dict:  # type: ignore[type-arg]
    response = client.post(
        "/api/admin/imports", params={"source": "toggl-csv", **query}, content=body,
        headers={**headers, "Content-Type": "text/csv"},
    )  # fmt: skip
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/api/admin/imports/{response.json()['id']}"
    job: dict = response.json()  # type: ignore[type-arg]
    return job


def _entries(db: Database, workspace_id: int) -> int:
    with db.transaction(workspace_id=workspace_id) as session:
        return session.scalar(select(func.count()).select_from(TimeEntry)) or 0


@pytest.fixture
def people(db: Database, workspace: WorkspaceFixture) -> None:
    new_person(db, workspace.id, "employee", email="anna@example.com", name="Anna Berg")
    new_person(db, workspace.id, "employee", email="ben@example.com", name="Ben Kraus")


def test_a_dry_run_answers_a_job_whose_result_says_what_applying_would_do(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture,
    people: None,
) -> None:  # fmt: skip
    job = _start(client, workspace.headers, TOGGL + UNKNOWN_PERSON_ROW)
    assert (job["kind"], job["status"]) == ("imports.run", "pending")
    assert job["parameters"]["apply"] is False
    assert len(list(uploads_folder(settings.data_dir).iterdir())) == 1
    run_jobs(db, settings)
    done = client.get(f"/api/admin/imports/{job['id']}", headers=workspace.headers).json()
    assert done["status"] == "done", done
    result = done["result"]
    assert (result["applied"], result["file_refused"], result["created_entries"]) == (
        False, None, 0,
    )  # fmt: skip
    assert result["summary"]["entries_to_create"] == 5
    assert result["summary"]["refused_rows"] == 1
    assert result["problems_total"] == 1
    (problem,) = result["problems"]
    assert (problem["row"], problem["field"]) == (7, "person")
    assert done["progress"]["done"] == done["progress"]["total"] == 6
    assert _entries(db, workspace.id) == 0
    assert [path.name for path in uploads_folder(settings.data_dir).iterdir()] == [
        f"job-{job['id']}.problems.jsonl"
    ]


def test_applying_creates_the_entries_and_a_second_apply_none(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture,
    people: None,
) -> None:  # fmt: skip
    first = _start(client, workspace.headers, TOGGL + UNKNOWN_PERSON_ROW, apply="true")
    run_jobs(db, settings)
    result = client.get(f"/api/admin/imports/{first['id']}", headers=workspace.headers).json()
    assert result["result"]["created_entries"] == 5
    assert result["progress"] == {"done": 5, "total": 5, "percent": 100}
    assert _entries(db, workspace.id) == 5
    second = _start(client, workspace.headers, TOGGL, apply="true")
    run_jobs(db, settings)
    again = client.get(f"/api/admin/imports/{second['id']}", headers=workspace.headers).json()
    assert again["result"]["summary"]["already_imported"] == 5
    assert again["result"]["created_entries"] == 0
    assert _entries(db, workspace.id) == 5


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_only_who_may_update_the_workspace_imports(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture, role: str
) -> None:
    principal = new_person(db, workspace.id, role)
    response = client.post(
        "/api/admin/imports?source=toggl-csv", content=TOGGL, headers=principal.headers
    )
    assert response.status_code == 403, response.text
    assert not uploads_folder(settings.data_dir).exists() or not list(
        uploads_folder(settings.data_dir).iterdir()
    )
    job = _start(client, workspace.headers, TOGGL)
    assert (
        client.get(f"/api/admin/imports/{job['id']}", headers=principal.headers).status_code == 403
    )


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (b"User,Email,Project\nAnna,a@x.com,P\n", "Start date, Duration", "Start date"),
        ("Usér,Start date,Duration\n".encode("latin-1"), "file", "UTF-8"),
        (b"", "file", "empty"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_422_and_no_job(
    client: TestClient, settings: Settings, workspace: WorkspaceFixture,
    body: bytes, field: str, words: str,
) -> None:  # fmt: skip
    response = client.post(
        "/api/admin/imports?source=toggl-csv", content=body, headers=workspace.headers
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert words in problem["detail"]
    assert problem["errors"] == [
        {"location": "body", "field": field, "message": problem["errors"][0]["message"]}
    ]
    assert list(uploads_folder(settings.data_dir).iterdir()) == []
    jobs = client.get("/api/admin/batch-jobs?kind=imports.run", headers=workspace.headers)
    assert jobs.json()["items"] == []


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("source=excel", "query.source"),
        ("source=toggl-csv&apply=maybe", "query.apply"),
        ("source=csv" + "&column=date%3DDay" * 18, "query.column"),
    ],
)
def test_a_query_that_does_not_validate_is_refused_with_422_before_the_upload_is_stored(
    client: TestClient, settings: Settings, workspace: WorkspaceFixture, query: str,
    location: str,
) -> None:  # fmt: skip
    response = client.post(f"/api/admin/imports?{query}", content=TOGGL, headers=workspace.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == location
    folder = uploads_folder(settings.data_dir)
    assert not folder.exists() or list(folder.iterdir()) == []


@pytest.fixture
def small_limit_client(
    settings: Settings, db: Database, hashing: PasswordHashing, clock: Clock
) -> Iterator[TestClient]:
    limited = settings.model_copy(update={"import_max_bytes": 1000, "max_request_bytes": 300})
    app: FastAPI = create_app(limited, db, password_hashing=hashing, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_the_upload_limit_is_the_imports_own_declared_or_counted(
    small_limit_client: TestClient, settings: Settings, workspace: WorkspaceFixture,
    people: None,
) -> None:  # fmt: skip
    assert 300 < len(TOGGL) <= 1000
    accepted = small_limit_client.post(
        "/api/admin/imports?source=toggl-csv", content=TOGGL, headers=workspace.headers
    )
    assert accepted.status_code == 202, accepted.text
    declared = small_limit_client.post(
        "/api/admin/imports?source=toggl-csv", content=TOGGL * 2, headers=workspace.headers
    )
    assert declared.status_code == 413, declared.text
    assert "TIMELEDGER_IMPORT_MAX_BYTES" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:
        yield TOGGL
        yield TOGGL

    counted = small_limit_client.post(
        "/api/admin/imports?source=toggl-csv", content=chunks(), headers=workspace.headers
    )
    assert counted.status_code == 413, counted.text
    assert len(list(uploads_folder(settings.data_dir).iterdir())) == 1


def test_an_import_creates_the_people_it_does_not_find_in_the_org_unit_named(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture,
    people: None,
) -> None:  # fmt: skip
    for name in ("Acme", "Globex"):
        create_unit(client, workspace.headers, name, effective_from="2020-01-01")
    globex = create_unit(client, workspace.headers, "Globex Sales", effective_from="2020-01-01")
    job = _start(client, workspace.headers, TOGGL + UNKNOWN_PERSON_ROW, apply="true",
                 org_unit_id=str(globex["id"]))  # fmt: skip
    assert job["parameters"]["org_unit_id"] == globex["id"]
    running = client.get(f"/api/admin/imports/{job['id']}/problems", headers=workspace.headers)
    assert running.status_code == 409, running.text
    run_jobs(db, settings)
    result = client.get(f"/api/admin/imports/{job['id']}", headers=workspace.headers).json()[
        "result"
    ]
    assert result["summary"]["people"] == {
        "matched": 2, "created": {"count": 1, "names": ["Xena Vogel"]},
    }  # fmt: skip
    assert (result["created_entries"], result["problems_total"]) == (6, 0)
    (xena,) = client.get("/api/employees", params={"q": "Xena"}, headers=workspace.headers).json()[
        "items"
    ]
    assert (xena["employee_number"], xena["org_unit_id"], xena["email"]) == (
        "IMP-0001", globex["id"], "xena@example.com",
    )  # fmt: skip
    problems = client.get(f"/api/admin/imports/{job['id']}/problems", headers=workspace.headers)
    assert problems.json() == {"items": [], "next_cursor": None, "total": 0}


SHEET = (SAMPLES / "timesheet_de.csv").read_bytes()
SHEET_COLUMNS = [
    "date=Datum", "person=Mitarbeiter", "email=E-Mail", "customer=Kunde", "project=Projekt",
    "activity=Leistung", "start=Von", "end=Bis", "duration=Stunden", "note=Bemerkung",
]  # fmt: skip


def _post_mapped(
    client: TestClient, headers: dict[str, str], body: bytes, columns: list[str], **query: str
) -> httpx.Response:
    return client.post(
        "/api/admin/imports", params={"source": "csv", "column": columns, **query},
        content=body, headers={**headers, "Content-Type": "text/csv"},
    )  # fmt: skip


def test_any_csv_is_imported_through_the_columns_its_mapping_names(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture,
) -> None:  # fmt: skip
    unit = create_unit(client, workspace.headers, "Acme", effective_from="2020-01-01")
    started = _post_mapped(client, workspace.headers, SHEET, SHEET_COLUMNS, apply="true",
                           org_unit_id=str(unit["id"]))  # fmt: skip
    assert started.status_code == 202, started.text
    assert started.json()["parameters"]["columns"] == SHEET_COLUMNS
    run_jobs(db, settings)
    job = client.get(f"/api/admin/imports/{started.json()['id']}", headers=workspace.headers)
    result = job.json()["result"]
    assert (result["source"], result["problems_total"], result["created_entries"]) == (
        "csv", 0, 3,
    )  # fmt: skip
    summary = result["summary"]
    assert summary["minutes_to_create"] == 90 + 150 + 75
    assert summary["people"]["created"]["names"] == ["Eva Lind", "Jonas Ritter"]
    assert summary["activities"]["created"]["names"] == ["Entwicklung", "Besprechung"]
    assert _entries(db, workspace.id) == 3
    again = _post_mapped(client, workspace.headers, SHEET, SHEET_COLUMNS, apply="true")
    run_jobs(db, settings)
    rerun = client.get(f"/api/admin/imports/{again.json()['id']}", headers=workspace.headers)
    assert rerun.json()["result"]["summary"]["already_imported"] == 3
    assert _entries(db, workspace.id) == 3


@pytest.mark.parametrize(
    ("source", "columns", "location", "words"),
    [
        ("csv", ["date=Datum"], "query.column", "does not name duration"),
        ("csv", ["date:Datum"], "query.column", "is not field=Header"),
        ("csv", None, "query.column", "read through a column mapping"),
        ("toggl-csv", SHEET_COLUMNS, "query.column", "columns are known"),
        ("timeledger", SHEET_COLUMNS, "query.column", "has no column mapping"),
        ("csv", [*SHEET_COLUMNS, "task=Aufgabe"], "body", "lacks the column Aufgabe"),
    ],
)
def test_a_mapping_that_cannot_read_the_file_is_refused_with_422_and_no_job(
    client: TestClient, settings: Settings, workspace: WorkspaceFixture,
    source: str, columns: list[str] | None, location: str, words: str,
) -> None:  # fmt: skip
    query = {"source": source} | ({"column": columns} if columns is not None else {})
    response = client.post(
        "/api/admin/imports", params=query, content=SHEET, headers=workspace.headers
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert words in response.json()["detail"]
    assert response.json()["errors"][0]["location"] == location
    assert list(uploads_folder(settings.data_dir).iterdir()) == []
    jobs = client.get("/api/admin/batch-jobs?kind=imports.run", headers=workspace.headers)
    assert jobs.json()["items"] == []
