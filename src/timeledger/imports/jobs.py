"""Import runs as jobs: `POST /api/admin/imports` stores the upload and queues a job that
plans the file (a dry run) or plans and applies it, acting as whoever started it.

The job's result holds the plan's summary, what applying created, and the row problems, at
most `MAX_PROBLEMS_KEPT` of them (their total is exact); a file found unreadable further in
than its header ends the job with `file_refused` in its result.
"""

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.config import get_settings
from timeledger.imports.planning import ImportPlan
from timeledger.imports.rows import ImportFileRefused, RowProblem
from timeledger.imports.service import Applied, apply_plan, plan_file
from timeledger.imports.uploads import remove_old_uploads, remove_upload, upload_path
from timeledger.jobs.acting import caller_of_job
from timeledger.jobs.registry import JobCancelled, JobContext, enqueue, job_handler, upkeep_task
from timeledger.kit.db import Database
from timeledger.kit.errors import Problem
from timeledger.models import Job

RUN_IMPORT = "imports.run"
MAX_PROBLEMS_KEPT = 1000


def start_import(
    session: Session, caller: Caller, upload: str, source: str, *, apply: bool, day_first: bool
) -> Job:
    """Queues the job of an upload (run once the caller's transaction commits)."""
    return enqueue(
        session,
        RUN_IMPORT,
        {"upload": upload, "source": source, "apply": apply, "day_first": day_first},
        workspace_id=caller.workspace_id,
        created_by_user_id=caller.user_id,
    )


def import_result(
    source: str, plan: ImportPlan | None, applied: Applied | None, refused: RowProblem | None
) -> dict[str, Any]:
    """What an import reports: see docs/import-export.md ("Dry run")."""
    problems = (plan.problems if plan is not None else []) + (
        applied.refused if applied is not None else []
    )
    return {
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
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Plans the file at `path` and, with `apply`, applies it; the import's result. The
    file is planned in a read-only session; `progress(done, total)` after each batch."""
    try:
        with (
            path.open("rb") as file,
            db.session(write=False, workspace_id=caller.workspace_id) as session,
        ):
            plan = plan_file(
                session, caller.workspace_id, source, file, max_bytes=max_bytes,
                day_first=day_first,
            )  # fmt: skip
    except ImportFileRefused as refused:
        return import_result(source, None, None, refused.problem)
    total = len(plan.entries) if apply else plan.rows
    if progress is not None:
        progress(0 if apply else total, total)
    if not apply:
        return import_result(source, plan, None, None)
    report = progress
    applied = apply_plan(
        db, caller, source, plan,
        progress=(lambda done: report(done, total)) if report is not None else None,
    )  # fmt: skip
    return import_result(source, plan, applied, None)


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

    try:
        result = run_file(
            context.db, caller, payload["source"], upload_path(data_dir, payload["upload"]),
            apply=bool(payload["apply"]), day_first=bool(payload["day_first"]),
            max_bytes=context.settings.import_max_bytes, progress=progress,
        )  # fmt: skip
    except (JobCancelled, Problem):
        remove_upload(data_dir, payload["upload"])
        raise
    remove_upload(data_dir, payload["upload"])
    return result


@upkeep_task
def remove_forgotten_uploads(_db: Database, now: datetime) -> None:
    remove_old_uploads(get_settings().data_dir, now)
