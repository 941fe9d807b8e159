"""Routes of imports from other products (tag Admin): store the upload, check its header,
queue the job, render the job."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.access.caller import Allowed, Caller
from timeledger.config import Settings
from timeledger.imports.jobs import get_import_job, import_problems, start_import, start_restore
from timeledger.imports.mapped import COLUMN_PARAMETER, FIELDS, ColumnMapping
from timeledger.imports.reader import RESTORERS, ImportSource, read_import
from timeledger.imports.rows import ImportFileRefused, RowProblem
from timeledger.imports.schemas import ImportProblemsPage
from timeledger.imports.uploads import remove_upload, save_upload, too_large, upload_path
from timeledger.jobs import service as jobs
from timeledger.jobs.schemas import JobRead
from timeledger.kit.errors import Conflict, Problem, Unprocessable
from timeledger.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT
from timeledger.kit.request_limits import OWN_BODY_LIMIT_PATHS
from timeledger.kit.routing import API_PREFIX, ResourceId, api_router, created
from timeledger.kit.uow import UnitOfWork
from timeledger.models import Workspace

imports_router = api_router("Admin", prefix="/admin/imports")

IMPORT = "workspace:update:*"
# The upload is counted against a setting of its own (`save_upload`), not the request limit.
OWN_BODY_LIMIT_PATHS.add(f"{API_PREFIX}/admin/imports")


@dataclass(frozen=True)
class ImportQuery:
    """The query of `POST /api/admin/imports`, checked before the body is stored."""

    source: Annotated[ImportSource, Query(description="What product and format the file is.")]
    apply: Annotated[bool, Query(description="Create what the plan says.")] = False
    day_first: Annotated[
        bool, Query(description="Read slashed dates as D/M/YYYY (Clockify, Harvest).")
    ] = False
    column: Annotated[
        list[str] | None,
        Query(
            max_length=len(FIELDS),
            description="source=csv: the file's column of a field, as field=Header (once "
            f"per field): {', '.join(FIELDS)}. Required: date; duration, or start and end; "
            "person or email.",
        ),
    ] = None
    workspace_name: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="source=timeledger: the new workspace's name (default: the "
            "exported one); 409 when taken.",
        ),
    ] = None
    org_unit_id: Annotated[
        ResourceId | None,
        Query(
            description="The org unit of the people the import creates (default: the "
            "workspace's root unit, when it has exactly one)."
        ),
    ] = None


async def uploaded(
    request: Request,
    caller: Annotated[Caller, Allowed(IMPORT)],
    valid_query: Annotated[ImportQuery, Depends()],
) -> str:
    """The request body saved as an upload file (its name); 413 over the setting, checked
    on the declared length first and while reading. `valid_query` is declared so that a
    query that does not validate refuses the request before its body is stored."""
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
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The file as exported by the product, sent as the raw body.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "string"}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
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
    query: Annotated[ImportQuery, Depends()],
) -> JobRead:
    """Queues the import's job and answers it (202); its result, once done, holds the
    summary and the row problems (docs/import-export.md). A file whose header cannot be
    read is refused at once with 422; its upload is removed. `source=timeledger` restores
    a Timeledger export as a new workspace: its manifest is checked at once (422), and
    the name must be free (409)."""
    settings: Settings = request.app.state.settings
    if query.source in RESTORERS:
        if query.column is not None:
            remove_upload(settings.data_dir, upload)
            raise Unprocessable.at(
                f"query.{COLUMN_PARAMETER}",
                f"A {query.source.value} file has no column mapping.",
                "no column mapping for this source",
            )
        try:
            name = checked_restore(session, settings, upload, query.source, query.workspace_name)
        except Problem:
            remove_upload(settings.data_dir, upload)
            raise
        job = start_restore(session, caller, upload, query.source.value, name, apply=query.apply)
        created(response, f"{API_PREFIX}/admin/imports/{job.id}")
        return jobs.job_view(job)
    try:
        columns = ColumnMapping.parse(query.column) if query.column is not None else None
        with upload_path(settings.data_dir, upload).open("rb") as file:
            read_import(
                query.source, file, max_bytes=settings.import_max_bytes,
                day_first=query.day_first, columns=columns,
            )  # fmt: skip
    except ImportFileRefused as refused:
        remove_upload(settings.data_dir, upload)
        raise _unreadable(query.source, refused.problem) from None
    job = start_import(
        session, caller, upload, query.source.value, apply=query.apply,
        day_first=query.day_first, columns=columns, org_unit_id=query.org_unit_id,
    )  # fmt: skip
    created(response, f"{API_PREFIX}/admin/imports/{job.id}")
    return jobs.job_view(job)


def _unreadable(source: ImportSource, problem: RowProblem) -> Unprocessable:
    if problem.field == COLUMN_PARAMETER:
        return Unprocessable.at(
            f"query.{COLUMN_PARAMETER}", f"The column mapping is refused: {problem.problem}",
            problem.problem,
        )  # fmt: skip
    return Unprocessable(
        f"The file cannot be imported as {source.value}: {problem.problem}",
        errors=[{"location": "body", "field": problem.field, "message": problem.problem}],
    )


def checked_restore(
    session: Session, settings: Settings, upload: str, source: ImportSource, name: str | None
) -> str:
    """The new workspace's name, once the file's manifest is checked (422) and the name
    found free (409)."""
    with upload_path(settings.data_dir, upload).open("rb") as file:
        exported = RESTORERS[source].exported_name(file, settings.import_max_bytes)
    chosen = exported if name is None else name
    if not chosen.strip():
        raise Unprocessable.at(
            "query.workspace_name", "A workspace name is not blank.", "blank workspace name"
        )
    if session.scalar(select(Workspace.id).where(Workspace.name == chosen)) is not None:
        raise Conflict(
            f"A workspace named {chosen!r} exists; a restore creates a new workspace: "
            "name another with workspace_name."
        )
    return chosen


@imports_router.get("/{job_id}", response_model=JobRead, summary="Get an import")
def get_import(
    job_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed(IMPORT)]
) -> JobRead:
    """The import's job with its progress and, once done, its result."""
    return jobs.job_view(get_import_job(session, caller, job_id))


@imports_router.get(
    "/{job_id}/problems",
    response_model=ImportProblemsPage,
    summary="List an import's row problems",
)
def list_import_problems(
    request: Request,
    job_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(IMPORT)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=64, description="The row after which the page starts.")
    ] = None,
) -> ImportProblemsPage:
    """Every problem of a finished import, in row order, a page at a time (a page never
    splits a row's problems); 409 while it runs, 404 once its files are removed."""
    settings: Settings = request.app.state.settings
    return import_problems(session, caller, settings.data_dir, job_id, cursor=cursor, limit=limit)
