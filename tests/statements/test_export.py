"""Payroll export: `POST /api/timesheet/statements/exports` queues the job
`timesheet.export-payroll`, which writes the period's settled (and exported) statements'
payroll lines as CSV or XLSX and marks the settled ones, and their entries, exported.

Statements are inserted as rows: what settling writes (`payroll_lines`, status `settled`)."""

import csv
import hashlib
import io
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import select, update

from tests.access.support import new_person
from tests.conftest import WorkspaceFixture
from tests.entries.support import insert_entry
from tests.jobs.support import read_job
from tests.organization.support import create_employee
from timeledger.config import Settings
from timeledger.jobs.worker import Worker
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import Change, Statement, TimeEntry, User
from timeledger.statements import export as export_module
from timeledger.statements.export import PayrollRow, payroll_csv, payroll_rows, payroll_xlsx
from timeledger.statements.export_repository import ExportedStatement, PayrollExportRepository

EXPORTS = "/api/timesheet/statements/exports"
PERIOD_START = date(2026, 3, 2)
PERIOD_END = date(2026, 3, 8)
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = (
    "employee_id,employee_number,period_start,period_end,code,minutes,rate_percent,units,"
    "amount_minor\r\n"
)
SHEET_NS = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
EXCEL_EPOCH = date(1899, 12, 30)

OVERTIME_LINES = [
    {
        "code": "OT_SUPPLEMENT",
        "minutes": 90,
        "rate_percent": 40,
        "units": None,
        "amount_minor": None,
    },
    {"code": "OT_BASE", "minutes": 60, "rate_percent": 100, "units": None, "amount_minor": None},
]
ALLOWANCE_LINES = [
    {"code": "night, late", "minutes": 120, "rate_percent": 25, "units": None, "amount_minor": 0},
    {"code": "meal", "minutes": 0, "rate_percent": None, "units": 2, "amount_minor": 15000},
]


def insert_statement(
    db: Database,
    workspace_id: int,
    employee_id: int,
    *,
    status: str = "settled",
    lines: list[dict[str, Any]] | None = None,
    period_start: date = PERIOD_START,
    period_end: date = PERIOD_END,
) -> int:
    now = utcnow()
    with db.transaction(workspace_id=workspace_id) as session:
        statement = Statement(
            employee_id=employee_id,
            period="week",
            period_start=period_start,
            period_end=period_end,
            status=status,
            input_digest="0" * 64,
            evaluation={},
            norm_minutes=2220,
            worked_minutes=2370,
            overtime_minutes=150,
            flex_delta_minutes=90,
            error_issues=0,
            payout_minutes=60,
            payroll_lines=list(lines if lines is not None else OVERTIME_LINES),
            generated_at=now,
            settled_at=now if status == "settled" else None,
            created_at=now,
            updated_at=now,
        )
        session.add(statement)
        session.flush()
        return statement.id


def start(
    client: TestClient, headers: dict[str, str], status: int = 202, **body: Any
) -> dict[str, Any]:
    body = {"period_start": PERIOD_START.isoformat(), "format": "csv", **body}
    response = client.post(EXPORTS, json=body, headers=headers)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


def exported_file(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    **body: Any,
) -> tuple[dict[str, Any], bytes]:
    """Starts an export, runs the worker, answers the finished export and its file."""
    started = start(client, workspace.headers, **body)
    Worker(db, settings).run_once()
    finished = client.get(f"{EXPORTS}/{started['id']}", headers=workspace.headers)
    assert finished.status_code == 200, finished.text
    assert finished.json()["status"] == "done", finished.json()
    response = client.get(f"{EXPORTS}/{started['id']}/file", headers=workspace.headers)
    assert response.status_code == 200, response.text
    return finished.json(), response.content


def statement_states(db: Database, workspace_id: int) -> dict[int, tuple[str, int, bool]]:
    with db.transaction(workspace_id=workspace_id) as session:
        return {
            row.id: (row.status, row.row_version, row.exported_at is not None)
            for row in session.scalars(select(Statement))
        }


def xlsx_rows(content: bytes) -> list[list[str]]:
    """The sheet's cells as text: shared strings resolved, date cells as ISO dates."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        strings = [
            "".join(str(text) for text in item.itertext())
            for item in etree.fromstring(archive.read("xl/sharedStrings.xml")).findall(
                "s:si", SHEET_NS
            )
        ]
        sheet = etree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iterfind("s:sheetData/s:row", SHEET_NS):
        cells = [""] * 9
        for cell in row.iterfind("s:c", SHEET_NS):
            column = ord(str(cell.get("r"))[0]) - ord("A")
            value = cell.findtext("s:v", namespaces=SHEET_NS) or ""
            if cell.get("t") == "s":
                value = strings[int(value)]
            elif cell.get("s") == "2":
                value = (EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
            cells[column] = value
        rows.append(cells)
    return rows


# The writers, from plain rows


def test_csv_quotes_a_code_with_a_comma_or_a_quote_and_ends_rows_with_crlf() -> None:
    rows = [
        PayrollRow(7, "E-7", PERIOD_START, PERIOD_END, 'night "late", weekend', 60, 25, None, 900),
        PayrollRow(7, "E-7", PERIOD_START, PERIOD_END, "on\ncall", 30, None, 1, None),
    ]

    content = payroll_csv(rows)

    assert content.decode("utf-8") == (
        HEADER + '7,E-7,2026-03-02,2026-03-08,"night ""late"", weekend",60,25,,900\r\n'
        '7,E-7,2026-03-02,2026-03-08,"on\ncall",30,,1,\r\n'
    )
    parsed = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    assert parsed[1][4] == 'night "late", weekend'
    assert parsed[2][4] == "on\ncall"


def test_csv_of_no_rows_is_the_header_alone() -> None:
    assert payroll_csv([]) == HEADER.encode()


def test_rows_are_ordered_by_employee_number_employee_code_and_rate() -> None:
    statements = [
        ExportedStatement(
            5, 5, "B", PERIOD_START, PERIOD_END, "settled", 1, [{"code": "X", "minutes": 1}]
        ),
        ExportedStatement(9, 9, "A", PERIOD_START, PERIOD_END, "exported", 1, OVERTIME_LINES),
        ExportedStatement(
            3,
            3,
            "A",
            PERIOD_START,
            PERIOD_END,
            "settled",
            1,
            [
                {"code": "OT", "minutes": 1, "rate_percent": 50},
                {"code": "OT", "minutes": 1, "rate_percent": None},
                {"code": "OT", "minutes": 1, "rate_percent": 0},
            ],
        ),
    ]

    rows = payroll_rows(statements)

    assert [(row.employee_number, row.employee_id, row.code, row.rate_percent) for row in rows] == [
        ("A", 3, "OT", None),
        ("A", 3, "OT", 0),
        ("A", 3, "OT", 50),
        ("A", 9, "OT_BASE", 100),
        ("A", 9, "OT_SUPPLEMENT", 40),
        ("B", 5, "X", None),
    ]


def test_xlsx_is_the_same_bytes_for_the_same_rows_and_carries_no_time_of_writing() -> None:
    rows = [PayrollRow(1, "007", PERIOD_START, PERIOD_END, "=SUM(A1)", 60, 40, None, 1200)]

    first = payroll_xlsx(rows, period_start=PERIOD_START)
    second = payroll_xlsx(rows, period_start=PERIOD_START)

    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {member.date_time for member in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2026-03-02T00:00:00Z<' in core
    # Text stays text: a code that looks like a formula is not one, a number keeps its zeros.
    assert xlsx_rows(first)[1] == [
        "1",
        "007",
        "2026-03-02",
        "2026-03-08",
        "=SUM(A1)",
        "60",
        "40",
        "",
        "1200",
    ]


# Through the API and the job


def test_the_export_writes_the_settled_statements_lines_and_marks_them_and_their_entries_exported(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    activities: dict[str, int],
) -> None:
    later = create_employee(client, workspace.headers, "E-002")
    first = create_employee(client, workspace.headers, "E-001")
    drafted = create_employee(client, workspace.headers, "E-003")
    approved = create_employee(client, workspace.headers, "E-004")
    later_statement = insert_statement(db, workspace.id, later["id"], lines=ALLOWANCE_LINES)
    first_statement = insert_statement(db, workspace.id, first["id"])
    draft = insert_statement(db, workspace.id, drafted["id"], status="draft")
    waiting = insert_statement(db, workspace.id, approved["id"], status="approved")
    earlier_period = insert_statement(
        db,
        workspace.id,
        first["id"],
        period_start=PERIOD_START - timedelta(days=7),
        period_end=PERIOD_START - timedelta(days=1),
    )
    work = activities["work"]
    in_period = insert_entry(
        db, workspace.id, employee_id=first["id"], day=PERIOD_END, minutes=60, activity_id=work
    )
    after_period = insert_entry(
        db,
        workspace.id,
        employee_id=first["id"],
        day=PERIOD_END + timedelta(days=1),
        minutes=60,
        activity_id=work,
    )
    of_draft = insert_entry(
        db, workspace.id, employee_id=drafted["id"], day=PERIOD_START, minutes=60, activity_id=work
    )

    started = start(client, workspace.headers)
    assert started["status"] == "pending"
    assert started["progress"] == {"done": 0, "total": None, "percent": None}
    assert started["sha256"] is None
    location = f"{EXPORTS}/{started['id']}"
    pending_file = client.get(f"{location}/file", headers=workspace.headers)
    assert pending_file.status_code == 409
    assert pending_file.headers["content-type"] == "application/problem+json"

    Worker(db, settings).run_once()

    export = client.get(location, headers=workspace.headers).json()
    assert export["status"] == "done"
    assert export["statements"] == 2
    assert export["lines"] == 4
    assert export["progress"] == {"done": 2, "total": 2, "percent": 100}
    assert export["finished_at"] is not None
    response = client.get(f"{location}/file", headers=workspace.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == CSV_TYPE
    assert (
        response.headers["content-disposition"] == 'attachment; filename="payroll-2026-03-02.csv"'
    )
    assert response.text == (
        HEADER + f"{first['id']},E-001,2026-03-02,2026-03-08,OT_BASE,60,100,,\r\n"
        f"{first['id']},E-001,2026-03-02,2026-03-08,OT_SUPPLEMENT,90,40,,\r\n"
        f"{later['id']},E-002,2026-03-02,2026-03-08,meal,0,,2,15000\r\n"
        f'{later["id"]},E-002,2026-03-02,2026-03-08,"night, late",120,25,,0\r\n'
    )
    assert export["sha256"] == hashlib.sha256(response.content).hexdigest()

    states = statement_states(db, workspace.id)
    assert states[first_statement] == ("exported", 2, True)
    assert states[later_statement] == ("exported", 2, True)
    assert states[draft] == ("draft", 1, False)
    assert states[waiting] == ("approved", 1, False)
    assert states[earlier_period] == ("settled", 1, False)
    with db.transaction(workspace_id=workspace.id) as session:
        approval = dict(session.execute(select(TimeEntry.id, TimeEntry.approval_status)).all())
        changes = session.scalars(
            select(Change).where(Change.entity == "statement").order_by(Change.revision)
        ).all()
    assert approval[in_period] == "exported"
    assert approval[after_period] == "not_approved_yet"
    assert approval[of_draft] == "not_approved_yet"
    assert sorted(change.entity_id for change in changes) == sorted(
        [first_statement, later_statement]
    )
    assert {change.op for change in changes} == {"exported"}
    assert {change.actor_user_id for change in changes} == {workspace.owner_id}
    by_statement = {change.entity_id: change.data for change in changes}
    assert by_statement[first_statement] == {
        "id": first_statement,
        "employee_id": first["id"],
        "period_start": "2026-03-02",
        "period_end": "2026-03-08",
        "status": "exported",
        "revision": 1,
        "row_version": 2,
        "exported_at": by_statement[first_statement]["exported_at"],
        "payroll_export_id": started["id"],
    }
    assert by_statement[first_statement]["exported_at"].endswith("Z")
    job = read_job(client, workspace, started["job_id"])
    assert job["kind"] == "timesheet.export-payroll"
    assert job["status"] == "done"
    assert job["result"] == {
        "export_id": started["id"],
        "statements": 2,
        "lines": 4,
        "exported": 2,
    }


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exporting_again_gives_the_same_file_and_marks_nothing_twice(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    file_format: str,
) -> None:
    for number, lines in (("E-1", OVERTIME_LINES), ("E-2", ALLOWANCE_LINES)):
        employee = create_employee(client, workspace.headers, number)
        insert_statement(db, workspace.id, employee["id"], lines=lines)

    first, first_content = exported_file(client, db, settings, workspace, format=file_format)
    versions = statement_states(db, workspace.id)
    second, second_content = exported_file(client, db, settings, workspace, format=file_format)

    assert second_content == first_content
    assert second["sha256"] == first["sha256"]
    assert (
        (second["statements"], second["lines"]) == (first["statements"], first["lines"]) == (2, 4)
    )
    assert statement_states(db, workspace.id) == versions
    with db.transaction(workspace_id=workspace.id) as session:
        exported = session.scalars(select(Change.entity_id).where(Change.op == "exported")).all()
    assert len(exported) == 2


def test_the_xlsx_file_holds_the_rows_of_the_csv_file(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    for number, lines in (("E-2", OVERTIME_LINES), ("E-1", ALLOWANCE_LINES)):
        employee = create_employee(client, workspace.headers, number)
        insert_statement(db, workspace.id, employee["id"], lines=lines)
    _, as_csv = exported_file(client, db, settings, workspace, format="csv")

    export, as_xlsx = exported_file(client, db, settings, workspace, format="xlsx")

    response = client.get(f"{EXPORTS}/{export['id']}/file", headers=workspace.headers)
    assert response.headers["content-type"] == XLSX_TYPE
    assert (
        response.headers["content-disposition"] == 'attachment; filename="payroll-2026-03-02.xlsx"'
    )
    assert export["format"] == "xlsx"
    assert xlsx_rows(as_xlsx) == list(csv.reader(io.StringIO(as_csv.decode(), newline="")))


def test_employee_ids_export_only_those_employees_statements(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    chosen = create_employee(client, workspace.headers, "E-1")
    other = create_employee(client, workspace.headers, "E-2")
    chosen_statement = insert_statement(db, workspace.id, chosen["id"])
    other_statement = insert_statement(db, workspace.id, other["id"])

    export, content = exported_file(
        client, db, settings, workspace, employee_ids=[chosen["id"], chosen["id"]]
    )

    assert export["employee_ids"] == [chosen["id"]]
    assert export["statements"] == 1
    assert {row.split(",")[1] for row in content.decode().splitlines()[1:]} == {"E-1"}
    states = statement_states(db, workspace.id)
    assert states[chosen_statement][0] == "exported"
    assert states[other_statement][0] == "settled"


def test_a_period_without_settled_statements_gives_the_header_alone(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    export, content = exported_file(client, db, settings, workspace)

    assert content == HEADER.encode()
    assert (export["statements"], export["lines"]) == (0, 0)


def test_the_export_fails_when_its_starter_was_suspended_and_has_no_file(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    admin = new_person(db, workspace.id, "admin")
    employee = create_employee(client, workspace.headers, "E-1")
    statement = insert_statement(db, workspace.id, employee["id"])
    started = start(client, admin.headers)
    with db.transaction() as session:
        session.execute(update(User).where(User.id == admin.user_id).values(status="suspended"))

    Worker(db, settings).run_once()

    export = client.get(f"{EXPORTS}/{started['id']}", headers=workspace.headers).json()
    assert export["status"] == "failed"
    assert export["error"] and "suspended" in export["error"]
    response = client.get(f"{EXPORTS}/{started['id']}/file", headers=workspace.headers)
    assert response.status_code == 409
    assert "failed" in response.json()["detail"]
    assert statement_states(db, workspace.id)[statement][0] == "settled"


def test_a_statement_reopened_while_the_job_runs_fails_the_export_and_marks_nothing(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept = insert_statement(
        db, workspace.id, create_employee(client, workspace.headers, "E-1")["id"]
    )
    reopened = insert_statement(
        db, workspace.id, create_employee(client, workspace.headers, "E-2")["id"]
    )
    selected = PayrollExportRepository.exportable_statements

    def reopened_once_selected(
        repository: PayrollExportRepository, *args: Any
    ) -> list[ExportedStatement]:
        found = selected(repository, *args)
        with db.transaction(workspace_id=workspace.id) as session:
            session.execute(
                update(Statement)
                .where(Statement.id == reopened)
                .values(status="draft", revision=2, row_version=2)
            )
        return found

    monkeypatch.setattr(PayrollExportRepository, "exportable_statements", reopened_once_selected)
    started = start(client, workspace.headers)

    Worker(db, settings).run_once()

    export = client.get(f"{EXPORTS}/{started['id']}", headers=workspace.headers).json()
    assert export["status"] == "failed"
    assert f"Statement {reopened} changed while it was being exported" in export["error"]
    assert export["sha256"] is None
    states = statement_states(db, workspace.id)
    assert states[kept] == ("settled", 1, False)
    assert states[reopened] == ("draft", 2, False)
    assert read_job(client, workspace, started["job_id"])["status"] == "failed"


def test_a_statement_reopened_after_its_batch_was_marked_keeps_the_file_from_being_stored(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reopened = insert_statement(
        db, workspace.id, create_employee(client, workspace.headers, "E-1")["id"]
    )
    written = export_module.payroll_file

    def reopened_while_writing(*args: Any) -> bytes:
        content = written(*args)
        with db.transaction(workspace_id=workspace.id) as session:
            session.execute(
                update(Statement)
                .where(Statement.id == reopened)
                .values(status="draft", revision=2, row_version=5)
            )
        return content

    monkeypatch.setattr(export_module, "payroll_file", reopened_while_writing)
    started = start(client, workspace.headers)

    Worker(db, settings).run_once()

    export = client.get(f"{EXPORTS}/{started['id']}", headers=workspace.headers).json()
    assert export["status"] == "failed"
    assert f"Statement {reopened} changed while it was being exported" in export["error"]
    assert export["sha256"] is None


# Who may, and bad input


def test_an_employee_may_not_export_nor_read_exports(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    started = start(client, workspace.headers)
    employee = new_person(db, workspace.id, "employee")

    for response in (
        client.post(
            EXPORTS, json={"period_start": "2026-03-02", "format": "csv"}, headers=employee.headers
        ),
        client.get(f"{EXPORTS}/{started['id']}", headers=employee.headers),
        client.get(f"{EXPORTS}/{started['id']}/file", headers=employee.headers),
        client.get(EXPORTS, headers=employee.headers),
    ):
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"


def test_another_workspaces_export_does_not_exist(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    theirs = start(client, other_workspace.headers)
    Worker(db, settings).run_once()

    for path in (f"{EXPORTS}/{theirs['id']}", f"{EXPORTS}/{theirs['id']}/file"):
        response = client.get(path, headers=workspace.headers)
        assert response.status_code == 404, response.text
    found = client.get(f"{EXPORTS}/{theirs['id']}", headers=other_workspace.headers)
    assert found.json()["status"] == "done"


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"format": "pdf"}, "body.format"),
        ({"format": None}, "body.format"),
        ({"period_start": "2026-13-01"}, "body.period_start"),
        ({"period_start": "next monday"}, "body.period_start"),
        ({"period_start": "2026-03-02T00:00:00Z"}, "body.period_start"),
        ({"period_start": "0001-01-01"}, "body.period_start"),
        ({"employee_ids": 5}, "body.employee_ids"),
        ({"employee_ids": "5"}, "body.employee_ids"),
        ({"employee_ids": ["a"]}, "body.employee_ids.0"),
        ({"employee_ids": [1.5]}, "body.employee_ids.0"),
        ({"employee_ids": [0]}, "body.employee_ids.0"),
        ({"employee_ids": []}, "body.employee_ids"),
        ({"employee_ids": list(range(1, 1002))}, "body.employee_ids"),
        ({"statuses": ["draft"]}, "body.statuses"),
    ],
)
def test_bad_input_is_refused_with_422(
    client: TestClient, workspace: WorkspaceFixture, body: dict[str, Any], location: str
) -> None:
    response = client.post(
        EXPORTS,
        json={"period_start": "2026-03-02", "format": "csv", **body},
        headers=workspace.headers,
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert location in {error["location"] for error in response.json()["errors"]}


def test_an_employee_id_of_no_employee_is_refused_with_422(
    client: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    ours = create_employee(client, workspace.headers, "E-1")
    theirs = create_employee(client, other_workspace.headers, "E-9")

    response = client.post(
        EXPORTS,
        json={
            "period_start": "2026-03-02",
            "format": "xlsx",
            "employee_ids": [ours["id"], theirs["id"], 999_999],
        },
        headers=workspace.headers,
    )

    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"location": "body.employee_ids", "message": "unknown employee"}
    ]
    assert str(theirs["id"]) in response.json()["detail"]
    assert "999999" in response.json()["detail"]
    assert client.get(f"{EXPORTS}/1", headers=workspace.headers).status_code == 404


def test_the_exports_are_listed_newest_first_without_their_files(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    first = start(client, workspace.headers)
    second = start(client, workspace.headers, format="xlsx")
    start(client, other_workspace.headers)
    Worker(db, settings).run_once()

    page = client.get(EXPORTS, params={"limit": 1}, headers=workspace.headers)
    assert page.status_code == 200, page.text
    assert [item["id"] for item in page.json()["items"]] == [second["id"]]
    rest = client.get(
        EXPORTS, params={"cursor": page.json()["next_cursor"]}, headers=workspace.headers
    )
    assert [item["id"] for item in rest.json()["items"]] == [first["id"]]
    assert rest.json()["items"][0]["status"] == "done"
    assert "content" not in rest.json()["items"][0]
