"""Report runs: a report's whole CSV or XLSX file written by a job, for reports too large
to wait for (over `RUN_ADVISED_ROWS` rows), downloaded once done.

A run stores the report's query string as given. Starting it prepares the report for the
caller (so bad parameters are refused at once); the job prepares it again as that caller,
from the same query string through the same parsing, and writes the file in batches,
reporting its progress in rows. Only whoever started a run sees it.
"""

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from timeledger.access.caller import Caller
from timeledger.jobs.acting import caller_of_job
from timeledger.jobs.registry import JobContext, enqueue, job_handler
from timeledger.jobs.schemas import FINISHED, JobProgress
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, NotFound
from timeledger.models import Job, ReportRun
from timeledger.reports.answers import PreparedReport, Rows, report_file
from timeledger.reports.formats import ReportFormat
from timeledger.reports.schemas import ReportRunRead, RunFormat, RunStatus

RUN_REPORT = "reports.run"
RUN_ADVISED_ROWS = 100_000
"""Above this many rows, a run is advised over `GET` (docs/reports.md)."""

Preparer = Callable[[Session, Caller, str], PreparedReport]
"""Prepares a report kind for a caller from its query string (400/422 when refused)."""

PREPARERS: dict[str, Preparer] = {}
"""The report kinds that can run, filled in by the module declaring their routes."""


def run_location(run: ReportRun) -> str:
    return f"/api/reports/{run.kind}/runs/{run.id}"


def start_run(
    session: Session, caller: Caller, kind: str, file_format: RunFormat, query: str
) -> ReportRun:
    """Stores the run, pending, and the job that writes its file (run once this commits);
    refuses at once what the report itself would refuse."""
    PREPARERS[kind](session, caller, query)
    run = ReportRun(
        workspace_id=caller.workspace_id,
        kind=kind,
        format=file_format.value,
        query=query,
        status=RunStatus.PENDING.value,
        rows=0,
        created_by_user_id=caller.user_id,
        created_at=utcnow(),
    )
    session.add(run)
    session.flush()
    job = enqueue(
        session,
        RUN_REPORT,
        {"run_id": run.id},
        workspace_id=caller.workspace_id,
        created_by_user_id=caller.user_id,
    )
    run.job_id = job.id
    session.flush()
    return run


def get_run(
    session: Session, caller: Caller, kind: str, run_id: int, *, with_content: bool = False
) -> ReportRun:
    """The caller's own run of this kind; 404 for any other."""
    statement = select(ReportRun).where(
        ReportRun.id == run_id,
        ReportRun.kind == kind,
        ReportRun.created_by_user_id == caller.user_id,
    )
    if not with_content:
        statement = statement.options(defer(ReportRun.content))
    run = session.scalars(statement).one_or_none()
    if run is None:
        raise NotFound(f"You have no {kind} report run {run_id}.")
    return run


def _shown_status(run: ReportRun, job: Job | None) -> RunStatus:
    """A pending run whose job can no longer finish shows as failed."""
    if run.status != RunStatus.PENDING:
        return RunStatus(run.status)
    if job is None or job.status in FINISHED:
        return RunStatus.FAILED
    return RunStatus.PENDING


def run_view(session: Session, run: ReportRun) -> ReportRunRead:
    job = session.get(Job, run.job_id) if run.job_id is not None else None
    if job is not None:
        session.refresh(job)
    status = _shown_status(run, job)
    done = run.rows if status == RunStatus.DONE else job.progress_done if job else 0
    total = run.rows if status == RunStatus.DONE else None
    return ReportRunRead(
        id=run.id,
        kind=run.kind,
        format=RunFormat(run.format),
        query=run.query,
        status=status,
        job_id=run.job_id,
        progress=JobProgress(done=done, total=total, percent=100 if total is not None else None),
        error=job.last_error if job is not None and status == RunStatus.FAILED else None,
        rows=run.rows,
        sha256=run.sha256,
        created_at=run.created_at,
        finished_at=run.finished_at,
    )


def run_file(session: Session, caller: Caller, kind: str, run_id: int) -> ReportRun:
    """The run with its file; 409 while the job has not written it, or when it failed."""
    run = get_run(session, caller, kind, run_id, with_content=True)
    if run.status == RunStatus.DONE and run.content is not None:
        return run
    job = session.get(Job, run.job_id) if run.job_id is not None else None
    if _shown_status(run, job) == RunStatus.FAILED:
        raise Conflict(f"Report run {run_id} failed; it has no file. Start another run.")
    raise Conflict(
        f"Report run {run_id} is not finished yet; its file is ready once its status is done "
        f"(job {run.job_id})."
    )


def file_name(run: ReportRun) -> str:
    return f"{run.kind}-{run.id}.{run.format}"


def _counted(batches: Iterator[Rows], context: JobContext, counter: list[int]) -> Iterator[Rows]:
    for rows in batches:
        context.check_cancelled()
        counter[0] += len(rows)
        context.report_progress(counter[0])
        yield rows


@job_handler(RUN_REPORT)
def run_report(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Writes the run's file as whoever started it, reading in a read-only session (the
    progress is written meanwhile), then stores it with its row count."""
    run_id = payload["run_id"]
    counter = [0]
    with context.db.session(write=False, workspace_id=context.workspace_id) as session:
        run = session.get(ReportRun, run_id)
        if run is None:
            raise NotFound(f"Report run {run_id} is gone.")
        caller = caller_of_job(session, context)
        report = PREPARERS[run.kind](session, caller, run.query)
        batches = _counted(report.batches(session.connection()), context, counter)
        content = b"".join(report_file(run.kind, ReportFormat(run.format), report, batches))
    with context.db.transaction(workspace_id=context.workspace_id) as session:
        stored = session.get(ReportRun, run_id)
        if stored is None:
            raise NotFound(f"Report run {run_id} is gone.")
        stored.content = content
        stored.sha256 = hashlib.sha256(content).hexdigest()
        stored.rows = counter[0]
        stored.status = RunStatus.DONE.value
        stored.finished_at = utcnow()
    return {"run_id": run_id, "rows": counter[0]}
