"""Routes of workspace exports (tag Admin): parse, call the job's service, render."""

from typing import Annotated, Any

from fastapi import Response, status
from fastapi.responses import FileResponse

from timeledger.access.caller import Allowed, Caller
from timeledger.kit.routing import ResourceId, api_router, created
from timeledger.kit.uow import UnitOfWork
from timeledger.transfer import jobs
from timeledger.transfer.schemas import ExportRead

exports_router = api_router("Admin", prefix="/admin")

Exporter = Annotated[Caller, Allowed(jobs.EXPORT_PERMISSION)]
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The export's ZIP file.",
    }
}


@exports_router.post(
    "/exports",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ExportRead,
    summary="Export the workspace",
)
def start_export(response: Response, session: UnitOfWork, caller: Exporter) -> ExportRead:
    """Queues a job writing the whole workspace to one ZIP of JSON Lines with a manifest
    (docs/import-export.md); follow `Location` for its progress, then download the file."""
    job = jobs.start_export(session, caller)
    created(response, jobs.export_location(job.id))
    return jobs.export_view(job)


@exports_router.get("/exports/{job_id}", response_model=ExportRead, summary="Get an export")
def get_export(job_id: ResourceId, session: UnitOfWork, caller: Exporter) -> ExportRead:
    """Its status, progress in rows, and once done the file's size, checksum and manifest."""
    return jobs.export_view(jobs.get_export(session, caller, job_id))


@exports_router.get(
    "/exports/{job_id}/file",
    response_class=FileResponse,
    response_model=None,
    responses=FILE_RESPONSES,
    summary="Download an export's file",
)
def download_export(job_id: ResourceId, session: UnitOfWork, caller: Exporter) -> FileResponse:
    """409 until the job has written the file, when it failed, and once it was removed."""
    path, sha256 = jobs.export_file(session, caller, job_id)
    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"timeledger-export-{job_id}.zip",
        headers={"ETag": f'"{sha256}"'},
    )
