"""Rules of batch jobs seen through the API: the workspace's own jobs only, started by hand
for the kinds that allow it, cancelled at once while pending or at the handler's next
check while running."""

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.jobs.registry import enqueue, startable_kind
from timeledger.jobs.repository import JobRepository
from timeledger.jobs.schemas import FINISHED, JobProgress, JobRead, JobStart, JobStatus
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, NotFound
from timeledger.kit.pagination import Page, PageRequest, fetch_page
from timeledger.kit.views import view_of
from timeledger.models import Job

SORTS = {"id": Job.id, "run_at": Job.run_at}


def _percent(job: Job) -> int | None:
    if job.progress_total is None:
        return 100 if job.status == JobStatus.DONE else None
    if job.progress_total <= 0:
        return 100
    return min(100, job.progress_done * 100 // job.progress_total)


def job_view(job: Job) -> JobRead:
    """The job as shown: its progress is counted from its columns."""
    progress = JobProgress(done=job.progress_done, total=job.progress_total, percent=_percent(job))
    return view_of(JobRead, job, progress=progress)


def list_jobs(
    session: Session,
    caller: Caller,
    page: PageRequest,
    *,
    status: JobStatus | None,
    kind: str | None,
) -> Page[JobRead]:
    statement = JobRepository(session).of_workspace(
        caller.workspace_id, status=status.value if status else None, kind=kind
    )
    rows, cursor = fetch_page(session, statement, page, sort_columns=SORTS, id_column=Job.id)
    return Page(items=[job_view(row) for row in rows], next_cursor=cursor)


def get_job(session: Session, caller: Caller, job_id: int, *, for_update: bool = False) -> Job:
    """A job of the caller's workspace; the system's own jobs exist for nobody."""
    job = JobRepository(session).get(caller.workspace_id, job_id, for_update=for_update)
    if job is None:
        raise NotFound(f"Job {job_id} does not exist.")
    return job


def start_job(session: Session, caller: Caller, data: JobStart) -> Job:
    kind = startable_kind(data.kind, location="body.kind")
    parameters = kind.checked_parameters(data.parameters, location="body.parameters")
    return enqueue(
        session,
        kind.name,
        parameters,
        workspace_id=caller.workspace_id,
        created_by_user_id=caller.user_id,
    )


def cancel_job(session: Session, caller: Caller, job_id: int) -> Job:
    """A pending job is cancelled at once; a running one is asked to stop, which its
    handler does at its next check. The row is locked first, so a worker claiming the job
    at this moment is waited for and the job is seen running."""
    job = get_job(session, caller, job_id, for_update=True)
    if job.status in FINISHED:
        raise Conflict(
            f"Job {job_id} is {job.status} already; only a pending or running job can be cancelled."
        )
    now = utcnow()
    job.cancel_requested_at = job.cancel_requested_at or now
    if job.status == JobStatus.PENDING:
        job.status, job.finished_at, job.locked_until = JobStatus.CANCELLED.value, now, None
    session.flush()
    return job
