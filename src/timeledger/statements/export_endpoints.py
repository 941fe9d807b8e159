"""Routes of payroll exports (tag Timesheet): parse, call the export service, render."""

from typing import Annotated, Any

from fastapi import Response, status

from timeledger.access.caller import Allowed, Caller
from timeledger.kit.pagination import Direction, Page, PageRequest, page_request
from timeledger.kit.routing import ResourceId, api_router, created
from timeledger.kit.uow import UnitOfWork
from timeledger.statements import export
from timeledger.statements.export_schemas import (
    ExportFormat,
    PayrollExportCreate,
    PayrollExportRead,
)

statement_exports_router = api_router("Timesheet", prefix="/timesheet/statements/exports")

EXPORT = export.EXPORT_PERMISSION
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The payroll file: CSV (RFC 4180, UTF-8, a header row) or XLSX.",
        "content": {
            export.MEDIA_TYPES[ExportFormat.CSV]: {"schema": {"type": "string"}},
            export.MEDIA_TYPES[ExportFormat.XLSX]: {
                "schema": {"type": "string", "format": "binary"}
            },
        },
        "headers": {
            "Content-Disposition": {
                "description": 'attachment; filename="payroll-<period_start>.<format>"',
                "schema": {"type": "string"},
            }
        },
    }
}


@statement_exports_router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PayrollExportRead,
    summary="Export the payroll lines of a period's settled statements",
)
def start_export(
    body: PayrollExportCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(EXPORT)],
) -> PayrollExportRead:
    """Queues a job that writes the file and marks the period's settled statements (and
    their entries) `exported`; the file also holds the statements exported before, so
    exporting again gives the same file. 422 for an employee id of no employee."""
    started = export.start_export(session, caller, body)
    created(response, export.export_location(started))
    return export.export_view(session, started)


@statement_exports_router.get(
    "", response_model=Page[PayrollExportRead], summary="List payroll exports"
)
def list_exports(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(EXPORT)],
    page: Annotated[PageRequest, page_request(("id",), "id", Direction.DESC)],
) -> Page[PayrollExportRead]:
    """Newest first by default, without their files."""
    rows, next_cursor = export.list_exports(session, page)
    return Page(items=[export.export_view(session, row) for row in rows], next_cursor=next_cursor)


@statement_exports_router.get(
    "/{export_id}", response_model=PayrollExportRead, summary="Get a payroll export"
)
def get_export(
    export_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed(EXPORT)]
) -> PayrollExportRead:
    """The export with its job's progress, read afresh while it runs."""
    return export.export_view(session, export.get_export(session, export_id))


@statement_exports_router.get(
    "/{export_id}/file",
    response_class=Response,
    response_model=None,
    responses=FILE_RESPONSES,
    summary="Download a payroll export's file",
)
def download_export(
    export_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed(EXPORT)]
) -> Response:
    """409 while the job has not written the file, and when it failed."""
    found = export.export_file(session, export_id)
    assert found.content is not None
    return Response(
        found.content,
        media_type=export.MEDIA_TYPES[ExportFormat(found.format)],
        headers={
            "Content-Disposition": f'attachment; filename="{export.file_name(found)}"',
            "ETag": f'"{found.sha256}"',
        },
    )
