"""Import runs as jobs: `POST /api/admin/imports` stores the upload and queues a job that
plans the file (a dry run) or plans and applies it, acting as whoever started it.

The job's result holds the plan's summary, what applying created, and the row problems, at
most `MAX_PROBLEMS_KEPT` of them (their total is exact; all of them are written to the
job's problems file, read a page at a time by `import_problems`); a file found unreadable
further in than its header ends the job with `file_refused` in its result.
"""

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.config import get_settings
from timeledger.imports.mapped import ColumnMapping
from timeledger.imports.planning import ImportPlan
from timeledger.imports.problems import (
    ProblemsFile,
    problems_page,
    problems_path,
    write_problems,
)
from timeledger.imports.reader import RESTORERS, ImportSource
from timeledger.imports.rows import ImportFileRefused, RowProblem
from timeledger.imports.schemas import ImportProblem, ImportProblemsPage
from timeledger.imports.service import Applied, apply_plan, plan_file
from timeledger.imports.uploads import KEPT_FOR, remove_old_uploads, remove_upload, upload_path
from timeledger.jobs.acting import caller_of_job
from timeledger.jobs.registry import JobCancelled, JobContext, enqueue, job_handler, upkeep_task
from timeledger.jobs.schemas import JobStatus
from timeledger.jobs.service import get_job
from timeledger.kit.db import Database
from timeledger.kit.errors import Conflict, NotFound, Problem
from timeledger.kit.pagination import invalid_cursor
from timeledger.kit.routing import API_PREFIX
from timeledger.models import Job

RUN_IMPORT = "imports.run"
MAX_CURSOR_DIGITS = 12
MAX_PROBLEMS_KEPT = 100
"""In the job's result; all of them are read at `problems_url` (`problems.py`)."""


def start_import(
    session: Session, caller: Caller, upload: str, source: str, *, apply: bool, day_first: bool,
    columns: ColumnMapping | None = None, org_unit_id: int | None = None,
) -> Job:  # fmt: skip
    """Queues the job of an upload (run once the caller's transaction commits)."""
    return enqueue(
        session,
        RUN_IMPORT,
        {
            "upload": upload,
            "source": source,
            "apply": apply,
            "day_first": day_first,
            "columns": columns.pairs() if columns is not None else None,
            "org_unit_id": org_unit_id,
        },
        workspace_id=caller.workspace_id,
        created_by_user_id=caller.user_id,
    )


def start_restore(
    session: Session, caller: Caller, upload: str, source: str, workspace_name: str, *,
    apply: bool,
) -> Job:  # fmt: skip
    """Queues the restore of an export as the new workspace `workspace_name`."""
    return enqueue(
        session,
        RUN_IMPORT,
        {"upload": upload, "source": source, "apply": apply, "workspace_name": workspace_name},
        workspace_id=caller.workspace_id,
        created_by_user_id=caller.user_id,
    )


def import_result(
    source: str, plan: ImportPlan | None, applied: Applied | None, refused: RowProblem | None,
    problems_file: ProblemsFile | None = None,
) -> dict[str, Any]:  # fmt: skip
    """What an import reports: see docs/import-export.md ("Dry run"); with `problems_file`,
    every problem is written there and the result links it."""
    problems = sorted(
        (plan.problems if plan is not None else [])
        + (applied.refused if applied is not None else []),
        key=lambda problem: problem.row,
    )
    links: dict[str, Any] = {}
    if problems_file is not None:
        write_problems(problems_file.path, problems)
        links["problems_url"] = problems_file.url
    return links | {
        "source": source,
        "applied": applied is not None,
        "file_refused": asdict(refused) if refused is not None else None,
        "summary": plan.summary() if plan is not None else None,
        "created_entries": applied.created_entries if applied is not None else 0,
        "refused_while_applying": len(applied.refused) if applied is not None else 0,
        "problems_total": len(problems),
        "problems": [asdict(problem) for problem in problems[:MAX_PROBLEMS_KEPT]],
    }


def run_file(
    db: Database,
    caller: Caller,
    source: str,
    path: Path,
    *,
    apply: bool,
    day_first: bool,
    max_bytes: int,
    columns: ColumnMapping | None = None,
    progress: Callable[[int, int], None] | None = None,
    org_unit_id: int | None = None,
    problems_file: ProblemsFile | None = None,
) -> dict[str, Any]:
    """Plans the file at `path` and, with `apply`, applies it; the import's result. The
    file is planned in a read-only session; `progress(done, total)` after each batch. New
    people go into `org_unit_id` (see `service.plan_file`)."""
    try:
        with (
            path.open("rb") as file,
            db.session(write=False, workspace_id=caller.workspace_id) as session,
        ):
            plan = plan_file(
                session, caller.workspace_id, source, file, max_bytes=max_bytes,
                day_first=day_first, columns=columns, org_unit_id=org_unit_id,
            )  # fmt: skip
    except ImportFileRefused as refused:
        return import_result(source, None, None, refused.problem, problems_file)
    total = len(plan.entries) if apply else plan.rows
    if progress is not None:
        progress(0 if apply else total, total)
    if not apply:
        return import_result(source, plan, None, None, problems_file)
    report = progress
    applied = apply_plan(
        db, caller, source, plan,
        progress=(lambda done: report(done, total)) if report is not None else None,
    )  # fmt: skip
    return import_result(source, plan, applied, None, problems_file)


def get_import_job(session: Session, caller: Caller, job_id: int) -> Job:
    """An import job of the caller's workspace (404 for any other job)."""
    job = get_job(session, caller, job_id)
    if job.kind != RUN_IMPORT:
        raise NotFound(f"Import {job_id} does not exist.")
    return job


def import_problems(
    session: Session, caller: Caller, data_dir: Path, job_id: int, *, cursor: str | None,
    limit: int,
) -> ImportProblemsPage:  # fmt: skip
    """A page of the problems of a finished import, in row order, after the row `cursor`
    names (see `problems.problems_page`); 409 before it is done, 404 once its problems
    file is removed."""
    job = get_import_job(session, caller, job_id)
    if job.status != JobStatus.DONE or job.result is None:
        raise Conflict(f"Import {job_id} is not done; its problems are read once it is.")
    after_row = 0
    if cursor is not None:
        if not cursor.isdigit() or len(cursor) > MAX_CURSOR_DIGITS:
            raise invalid_cursor()
        after_row = int(cursor)
    path = problems_path(data_dir, job_id)
    if "problems_url" not in job.result or not path.is_file():
        raise NotFound(
            f"The problems of import {job_id} are not kept (they are removed "
            f"{KEPT_FOR.days} days after the import ran); its result holds the first ones."
        )
    items, next_row = problems_page(path, after_row, limit)
    return ImportProblemsPage(
        items=[ImportProblem.model_validate(item) for item in items],
        next_cursor=str(next_row) if next_row is not None else None,
        total=int(job.result["problems_total"]),
    )


def _mapping_of(payload: dict[str, Any]) -> ColumnMapping | None:
    pairs = payload.get("columns")
    return ColumnMapping.parse(pairs) if pairs is not None else None


@job_handler(RUN_IMPORT)
def run_import(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Runs the import as whoever started it; removes the upload once done (a job that
    fails unexpectedly keeps it for its next attempt)."""
    data_dir = context.settings.data_dir
    with context.db.session(write=False, workspace_id=context.workspace_id) as session:
        caller = caller_of_job(session, context)

    def progress(done: int, total: int) -> None:
        context.check_cancelled()
        context.report_progress(done, total)

    restorer = RESTORERS.get(ImportSource(payload["source"]))
    try:
        if restorer is not None:
            result = restorer.restore(
                context.db, upload_path(data_dir, payload["upload"]),
                payload["workspace_name"], bool(payload["apply"]),
                context.settings.import_max_bytes, progress, True,
            )  # fmt: skip
        else:
            result = run_file(
            context.db, caller, payload["source"], upload_path(data_dir, payload["upload"]),
            apply=bool(payload["apply"]), day_first=bool(payload["day_first"]),
            columns=_mapping_of(payload), max_bytes=context.settings.import_max_bytes,
            progress=progress,
            org_unit_id=payload.get("org_unit_id"),
            problems_file=ProblemsFile(
                problems_path(data_dir, context.job_id),
                f"{API_PREFIX}/admin/imports/{context.job_id}/problems",
            ),
            )  # fmt: skip
    except (JobCancelled, Problem):
        remove_upload(data_dir, payload["upload"])
        raise
    remove_upload(data_dir, payload["upload"])
    return result


@upkeep_task
def remove_forgotten_uploads(_db: Database, now: datetime) -> None:
    remove_old_uploads(get_settings().data_dir, now)
