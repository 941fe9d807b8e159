"""Workspace exports as jobs: started through the API, written by the worker to
`data_dir/exports/`, downloaded once done and removed `EXPORT_KEPT` after.

An export is its job: the job's result holds the file's place, size, checksum and manifest.
"""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.jobs.acting import caller_of_job
from timeledger.jobs.registry import JobContext, enqueue, job_handler, upkeep_task
from timeledger.jobs.schemas import JobProgress, JobStatus
from timeledger.kit.db import Database
from timeledger.kit.errors import Conflict, NotFound
from timeledger.models import Job
from timeledger.transfer.export import export_to_file, file_sha256
from timeledger.transfer.schemas import ExportManifest, ExportRead

EXPORT_WORKSPACE = "workspace.export"
EXPORT_PERMISSION = "workspace:update:*"
"""An export holds the whole workspace, so it takes the permission to change the workspace
itself: owner and admin."""
EXPORTS_FOLDER = "exports"
EXPORT_KEPT = timedelta(days=7)
PROGRESS_EVERY_ROWS = 20_000
"""Rows written between two progress reports (each a transaction of its own)."""


def export_location(job_id: int) -> str:
    return f"/api/admin/exports/{job_id}"


def export_path(data_dir: Path, workspace_id: int, job_id: int) -> Path:
    return data_dir / EXPORTS_FOLDER / f"workspace-{workspace_id}-export-{job_id}.zip"


def start_export(session: Session, caller: Caller) -> Job:
    return enqueue(
        session,
        EXPORT_WORKSPACE,
        {},
        workspace_id=caller.workspace_id,
        created_by_user_id=caller.user_id,
    )


def get_export(session: Session, caller: Caller, job_id: int) -> Job:
    """An export of the caller's workspace; 404 for any other job."""
    job = session.scalars(
        select(Job).where(
            Job.id == job_id,
            Job.kind == EXPORT_WORKSPACE,
            Job.workspace_id == caller.workspace_id,
        )
    ).one_or_none()
    if job is None:
        raise NotFound(f"Export {job_id} does not exist.")
    session.refresh(job)
    return job


def _expires_at(job: Job) -> datetime | None:
    if job.status != JobStatus.DONE or job.finished_at is None:
        return None
    return job.finished_at + EXPORT_KEPT


def export_view(job: Job) -> ExportRead:
    result = job.result if job.status == JobStatus.DONE and job.result else {}
    total = job.progress_total
    percent = 100 if job.status == JobStatus.DONE else None
    if percent is None and total:
        percent = min(100, job.progress_done * 100 // total)
    manifest = result.get("manifest")
    return ExportRead(
        id=job.id,
        status=JobStatus(job.status),
        progress=JobProgress(done=job.progress_done, total=total, percent=percent),
        error=job.last_error if job.status == JobStatus.FAILED else None,
        created_at=job.created_at,
        finished_at=job.finished_at,
        file_bytes=result.get("bytes"),
        file_sha256=result.get("sha256"),
        expires_at=_expires_at(job),
        manifest=ExportManifest.model_validate(manifest) if manifest else None,
    )


def export_file(session: Session, caller: Caller, job_id: int) -> tuple[Path, str]:
    """The written file and its checksum; 409 until the job has written it, or when it
    failed or its file was removed."""
    job = get_export(session, caller, job_id)
    if job.status != JobStatus.DONE:
        raise Conflict(
            f"Export {job_id} is {job.status}; its file is ready once its status is done."
        )
    result = job.result or {}
    path = Path(result["path"]) if "path" in result else None
    if path is None or not path.exists():
        raise Conflict(
            f"The file of export {job_id} was removed {EXPORT_KEPT.days} days after it was "
            "written. Start another export."
        )
    return path, str(result["sha256"])


@job_handler(EXPORT_WORKSPACE)
def export_workspace(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Writes the file as of one moment, reporting progress in rows and stopping (with
    its partial file removed) when cancelled."""
    if context.workspace_id is None:
        raise NotFound("An export belongs to a workspace.")
    with context.db.session(write=False, workspace_id=context.workspace_id) as session:
        caller_of_job(session, context)
    path = export_path(context.settings.data_dir, context.workspace_id, context.job_id)
    reported = [0]

    def progress(done: int, total: int) -> None:
        if done and done - reported[0] < PROGRESS_EVERY_ROWS and done < total:
            return
        reported[0] = done
        context.check_cancelled()
        context.report_progress(done, total)

    manifest = export_to_file(context.db, context.workspace_id, path, progress)
    return {
        "path": str(path),
        "bytes": path.stat().st_size,
        "sha256": file_sha256(path),
        "manifest": {key: value for key, value in manifest.items() if key != "left_out"},
    }


@upkeep_task
def remove_expired_exports(db: Database, now: datetime) -> None:
    with db.session(write=False) as session:
        results = session.scalars(
            select(Job.result).where(
                Job.kind == EXPORT_WORKSPACE,
                Job.status == JobStatus.DONE.value,
                Job.finished_at < now - EXPORT_KEPT,
            )
        ).all()
    for result in results:
        if result and "path" in result:
            Path(result["path"]).unlink(missing_ok=True)
