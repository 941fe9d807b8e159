"""Payroll export: the payroll lines of a period's settled statements as a CSV or XLSX file,
written by a job that marks those statements (and their entries) exported.

The file depends on the statements' lines alone: exporting a period again, once its
statements are exported, gives the same bytes (they are included again, and nothing in the
file says when it was written). The writers are pure functions of plain rows; the job
selects the statements in one query, marks the settled ones in batches (reporting progress
after each), then stores the file on the export.
"""

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple

import xlsxwriter  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.changelog.service import ChangeOf, record_changes
from timeledger.entries.repository import EntryRepository
from timeledger.jobs.acting import caller_of_job
from timeledger.jobs.registry import JobCancelled, JobContext, enqueue, job_handler
from timeledger.jobs.schemas import FINISHED, JobProgress
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, Forbidden, NotFound, Problem, Unprocessable
from timeledger.kit.jsonio import to_jsonable
from timeledger.kit.pagination import PageRequest, fetch_page
from timeledger.models import Job, PayrollExport
from timeledger.statements.export_repository import (
    ExportedStatement,
    PayrollExportRepository,
    StatementState,
)
from timeledger.statements.export_schemas import (
    ExportFormat,
    ExportStatus,
    PayrollExportCreate,
    PayrollExportRead,
)

EXPORT_PAYROLL = "timesheet.export-payroll"
EXPORT_PERMISSION = "timesheet:export:*"
EXPORTED = "exported"
BATCH = 200
"""Statements marked exported per transaction: the write lock is held that long."""

COLUMNS = (
    "employee_id",
    "employee_number",
    "period_start",
    "period_end",
    "code",
    "minutes",
    "rate_percent",
    "units",
    "amount_minor",
)
MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SHEET_NAME = "Payroll"


class PayrollRow(NamedTuple):
    """One payroll line of a statement, in the file's column order."""

    employee_id: int
    employee_number: str
    period_start: date
    period_end: date
    code: str
    minutes: int
    rate_percent: int | None
    units: int | None
    amount_minor: int | None


# The file, from plain rows


def _row_order(row: PayrollRow) -> tuple[str, int, str, bool, int]:
    return (
        row.employee_number,
        row.employee_id,
        row.code,
        row.rate_percent is not None,
        row.rate_percent or 0,
    )


def payroll_rows(statements: Iterable[ExportedStatement]) -> list[PayrollRow]:
    """The statements' payroll lines as rows, ordered by employee number, employee id, code
    and rate (no rate first)."""
    rows = [
        PayrollRow(
            employee_id=statement.employee_id,
            employee_number=statement.employee_number,
            period_start=statement.period_start,
            period_end=statement.period_end,
            code=str(line["code"]),
            minutes=int(line.get("minutes") or 0),
            rate_percent=line.get("rate_percent"),
            units=line.get("units"),
            amount_minor=line.get("amount_minor"),
        )
        for statement in statements
        for line in statement.payroll_lines
    ]
    return sorted(rows, key=_row_order)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def payroll_csv(rows: Iterable[PayrollRow]) -> bytes:
    """RFC 4180: a header row, fields separated by commas and quoted (with quotes doubled)
    when they hold a comma, a quote or a line break, CRLF after every row; UTF-8 without a
    byte-order mark. Dates are ISO 8601; a missing figure is an empty field."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows([_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def payroll_xlsx(rows: Iterable[PayrollRow], *, period_start: date) -> bytes:
    """One sheet with a header row and the rows: numbers as numbers, dates as dates
    (yyyy-mm-dd), texts always as text (never a formula). The workbook's created date is
    midnight UTC of `period_start` and its parts carry XlsxWriter's constant timestamps,
    so the same rows give the same bytes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties(
        {
            "title": f"Payroll {period_start.isoformat()}",
            "created": datetime.combine(period_start, time(), tzinfo=UTC),
        }
    )
    sheet = workbook.add_worksheet(SHEET_NAME)
    header = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, COLUMNS, header)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(COLUMNS) - 1, 14)
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(index, column, value, day)
            elif isinstance(value, str):
                sheet.write_string(index, column, value)
            else:
                sheet.write_number(index, column, value)
    workbook.close()
    return buffer.getvalue()


def payroll_file(file_format: str, rows: Sequence[PayrollRow], period_start: date) -> bytes:
    if file_format == ExportFormat.XLSX:
        return payroll_xlsx(rows, period_start=period_start)
    return payroll_csv(rows)


def file_name(export: PayrollExport) -> str:
    return f"payroll-{export.period_start.isoformat()}.{export.format}"


# The service the endpoints call


def export_location(export: PayrollExport) -> str:
    return f"/api/timesheet/statements/exports/{export.id}"


def start_export(session: Session, caller: Caller, data: PayrollExportCreate) -> PayrollExport:
    """Stores the export, pending, and the job that writes it (run once this commits)."""
    employee_ids = sorted(set(data.employee_ids)) if data.employee_ids is not None else None
    repository = PayrollExportRepository(session)
    if employee_ids is not None:
        unknown = sorted(set(employee_ids) - repository.existing_employee_ids(employee_ids))
        if unknown:
            raise Unprocessable.at(
                "body.employee_ids",
                f"No employee has the id {', '.join(map(str, unknown))}.",
                "unknown employee",
            )
    export = repository.add(
        PayrollExport(
            period_start=data.period_start,
            format=data.format.value,
            employee_ids=employee_ids,
            status=ExportStatus.PENDING.value,
            statements=0,
            lines=0,
            created_by_user_id=caller.user_id,
            created_at=utcnow(),
        )
    )
    job = enqueue(
        session,
        EXPORT_PAYROLL,
        {"export_id": export.id},
        workspace_id=caller.workspace_id,
        created_by_user_id=caller.user_id,
    )
    export.job_id = job.id
    session.flush()
    return export


def get_export(session: Session, export_id: int, *, with_content: bool = False) -> PayrollExport:
    export = PayrollExportRepository(session).get(export_id, with_content=with_content)
    if export is None:
        raise NotFound(f"Payroll export {export_id} does not exist.")
    return export


def list_exports(session: Session, page: PageRequest) -> tuple[list[PayrollExport], str | None]:
    """One page of the workspace's exports."""
    return fetch_page(
        session,
        PayrollExportRepository(session).listing(),
        page,
        sort_columns={"id": PayrollExport.id},
        id_column=PayrollExport.id,
    )


def _shown_status(export: PayrollExport, job: Job | None) -> ExportStatus:
    """A pending export whose job can no longer finish (it failed after its last retry,
    was cancelled, or is gone) shows as failed."""
    if export.status != ExportStatus.PENDING:
        return ExportStatus(export.status)
    if job is None or job.status in FINISHED:
        return ExportStatus.FAILED
    return ExportStatus.PENDING


def export_view(session: Session, export: PayrollExport) -> PayrollExportRead:
    job = PayrollExportRepository(session).job_of(export)
    status = _shown_status(export, job)
    done = job.progress_done if job is not None else 0
    total = job.progress_total if job is not None else None
    if status == ExportStatus.DONE:
        done = total = export.statements
    percent = None if total is None else 100 if total <= 0 else min(100, done * 100 // total)
    return PayrollExportRead(
        id=export.id,
        period_start=export.period_start,
        format=ExportFormat(export.format),
        employee_ids=export.employee_ids,
        status=status,
        job_id=export.job_id,
        progress=JobProgress(done=done, total=total, percent=percent),
        error=job.last_error if job is not None and status == ExportStatus.FAILED else None,
        statements=export.statements,
        lines=export.lines,
        sha256=export.sha256,
        created_at=export.created_at,
        finished_at=export.finished_at,
    )


def export_file(session: Session, export_id: int) -> PayrollExport:
    """The export with its file; 409 while the job has not written it, or when it failed."""
    export = get_export(session, export_id, with_content=True)
    if export.status == ExportStatus.DONE and export.content is not None:
        return export
    status = _shown_status(export, PayrollExportRepository(session).job_of(export))
    if status == ExportStatus.FAILED:
        raise Conflict(f"Payroll export {export_id} failed; it has no file. Export again.")
    raise Conflict(
        f"Payroll export {export_id} is not finished yet; its file is ready once its "
        f"status is done (job {export.job_id})."
    )


# The job


def _statement_change(
    export_id: int, statement: ExportedStatement, row_version: int, now: datetime
) -> ChangeOf:
    return ChangeOf(
        "statement",
        statement.id,
        EXPORTED,
        to_jsonable(
            {
                "id": statement.id,
                "employee_id": statement.employee_id,
                "period_start": statement.period_start,
                "period_end": statement.period_end,
                "status": EXPORTED,
                "revision": statement.revision,
                "row_version": row_version,
                "exported_at": now,
                "payroll_export_id": export_id,
            }
        ),
    )


def _unchanged_states(
    repository: PayrollExportRepository, statements: Sequence[ExportedStatement]
) -> dict[int, StatementState]:
    """The statements' states, locked until commit; 409 when one changed since it was read
    (reopened, settled again): the file holds the lines read."""
    states = repository.lock_states([statement.id for statement in statements])
    for statement in statements:
        state = states.get(statement.id)
        if state is None or state.status not in ("settled", EXPORTED):
            raise Conflict(
                f"Statement {statement.id} changed while it was being exported (it is "
                f"{state.status if state is not None else 'deleted'} now); export again."
            )
        if state.revision != statement.revision:
            raise Conflict(
                f"Statement {statement.id} was settled again while it was being exported; "
                "export again."
            )
    return states


def _mark_batch(
    session: Session, caller: Caller, export_id: int, batch: Sequence[ExportedStatement]
) -> int:
    """Marks the batch's settled statements exported, with their entries, after checking
    that none changed since they were read (reopened, settled again): the file holds the
    lines read. Answers how many it marked."""
    repository = PayrollExportRepository(session)
    states = _unchanged_states(repository, batch)
    marking = [statement for statement in batch if states[statement.id].status == "settled"]
    if not marking:
        return 0
    now = utcnow()
    repository.mark_exported([statement.id for statement in marking], now)
    entries = EntryRepository(session)
    for statement in marking:
        entries.set_approval_status_of_days(
            statement.employee_id, statement.period_start, statement.period_end, EXPORTED
        )
    record_changes(
        session,
        workspace_id=caller.workspace_id,
        actor_user_id=caller.user_id,
        changes=[
            _statement_change(export_id, statement, states[statement.id].row_version + 1, now)
            for statement in marking
        ],
    )
    return len(marking)


def _export(context: JobContext, export_id: int) -> dict[str, Any]:
    with context.db.session(write=False, workspace_id=context.workspace_id) as session:
        caller = caller_of_job(session, context)
        if not caller.may(EXPORT_PERMISSION):
            raise Forbidden(
                f"The user the job acts as no longer holds {EXPORT_PERMISSION}; "
                "the payroll was not exported."
            )
        export = get_export(session, export_id)
        if export.status == ExportStatus.DONE:
            return {"export_id": export.id, "statements": export.statements, "exported": 0}
        period_start, file_format = export.period_start, export.format
        employee_ids = export.employee_ids
        statements = PayrollExportRepository(session).exportable_statements(
            period_start, employee_ids
        )
    context.report_progress(0, len(statements))
    marked = 0
    for first in range(0, len(statements), BATCH):
        context.check_cancelled()
        batch = statements[first : first + BATCH]
        with context.db.transaction(workspace_id=context.workspace_id) as session:
            marked += _mark_batch(session, caller, export_id, batch)
        context.report_progress(first + len(batch))
    rows = payroll_rows(statements)
    content = payroll_file(file_format, rows, period_start)
    with context.db.transaction(workspace_id=context.workspace_id) as session:
        # Checked again where the file is stored: a statement reopened after its batch
        # was marked must not be paid from this file.
        _unchanged_states(PayrollExportRepository(session), statements)
        export = get_export(session, export_id)
        export.content = content
        export.sha256 = hashlib.sha256(content).hexdigest()
        export.statements = len(statements)
        export.lines = len(rows)
        export.status = ExportStatus.DONE.value
        export.finished_at = utcnow()
    return {
        "export_id": export_id,
        "statements": len(statements),
        "lines": len(rows),
        "exported": marked,
    }


def _mark_failed(context: JobContext, export_id: int) -> None:
    with context.db.transaction(workspace_id=context.workspace_id) as session:
        export = PayrollExportRepository(session).get(export_id)
        if export is not None and export.status == ExportStatus.PENDING:
            export.status = ExportStatus.FAILED.value
            export.finished_at = utcnow()


@job_handler(EXPORT_PAYROLL)
def export_payroll(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Writes one payroll export (started by `POST /api/timesheet/statements/exports`). A
    refusal (the acting user lost the permission, a statement changed meanwhile) or a
    cancellation fails the export; other errors are retried, and a rerun includes the
    statements an earlier attempt marked, so its file is the same."""
    export_id = int(payload["export_id"])
    try:
        return _export(context, export_id)
    except (Problem, JobCancelled):
        _mark_failed(context, export_id)
        raise
