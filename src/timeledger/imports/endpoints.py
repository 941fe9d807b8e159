"""Routes of imports from other products (tag Admin): store the upload, check its header,
queue the job, render the job."""

from typing import Annotated

from fastapi import Depends, Query, Request, Response, status

from timeledger.access.caller import Allowed, Caller
from timeledger.config import Settings
from timeledger.imports.jobs import RUN_IMPORT, start_import
from timeledger.imports.reader import ImportSource, read_import
from timeledger.imports.rows import ImportFileRefused
from timeledger.imports.uploads import remove_upload, save_upload, too_large, upload_path
from timeledger.jobs import service as jobs
from timeledger.jobs.schemas import JobRead
from timeledger.kit.errors import OWN_BODY_LIMIT_PATHS, NotFound, Unprocessable
from timeledger.kit.routing import API_PREFIX, ResourceId, api_router, created
from timeledger.kit.uow import UnitOfWork

imports_router = api_router("Admin", prefix="/admin/imports")

IMPORT = "workspace:update:*"
ROUTE_BODY_LIMIT = 2**62
"""FastAPI's limit lifted for the upload: the route counts it against its own setting."""
OWN_BODY_LIMIT_PATHS.add(f"{API_PREFIX}/admin/imports")


async def uploaded(request: Request, caller: Annotated[Caller, Allowed(IMPORT)]) -> str:
    """The request body saved as an upload file (its name); 413 over the setting, checked
    on the declared length first and while reading."""
    settings: Settings = request.app.state.settings
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.import_max_bytes:
        raise too_large(settings.import_max_bytes)
    return await save_upload(settings.data_dir, request.stream(), settings.import_max_bytes)


@imports_router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobRead,
    summary="Import another product's file (a dry run unless apply=true)",
    max_body_size=ROUTE_BODY_LIMIT,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The file as exported by the product, sent as the raw body.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "string"}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
def start(
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(IMPORT)],
    upload: Annotated[str, Depends(uploaded)],
    source: Annotated[ImportSource, Query(description="What product and format the file is.")],
    apply: Annotated[bool, Query(description="Create what the plan says.")] = False,
    day_first: Annotated[
        bool, Query(description="Read slashed dates as D/M/YYYY (Clockify, Harvest).")
    ] = False,
) -> JobRead:
    """Queues the import's job and answers it (202); its result, once done, holds the
    summary and the row problems (docs/import-export.md). A file whose header cannot be
    read is refused at once with 422; its upload is removed."""
    settings: Settings = request.app.state.settings
    try:
        with upload_path(settings.data_dir, upload).open("rb") as file:
            read_import(source, file, max_bytes=settings.import_max_bytes, day_first=day_first)
    except ImportFileRefused as refused:
        remove_upload(settings.data_dir, upload)
        problem = refused.problem
        raise Unprocessable(
            f"The file cannot be imported as {source.value}: {problem.problem}",
            errors=[{"location": "body", "field": problem.field, "message": problem.problem}],
        ) from None
    job = start_import(session, caller, upload, source.value, apply=apply, day_first=day_first)
    created(response, f"{API_PREFIX}/admin/imports/{job.id}")
    return jobs.job_view(job)


@imports_router.get("/{job_id}", response_model=JobRead, summary="Get an import")
def get_import(
    job_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed(IMPORT)]
) -> JobRead:
    """The import's job with its progress and, once done, its result."""
    job = jobs.get_job(session, caller, job_id)
    if job.kind != RUN_IMPORT:
        raise NotFound(f"Import {job_id} does not exist.")
    return jobs.job_view(job)
