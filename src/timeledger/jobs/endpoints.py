"""Routes of batch jobs and schedules (tag Admin): parse, call a service, render."""

from typing import Annotated

from fastapi import Query, Request, Response, status

from timeledger.access.caller import Allowed, Caller
from timeledger.jobs import schedules, service
from timeledger.jobs.repository import ScheduleRepository
from timeledger.jobs.schemas import (
    JobRead,
    JobStart,
    JobStatus,
    ScheduleCreate,
    ScheduleRead,
    ScheduleUpdate,
)
from timeledger.kit.etag import set_etag
from timeledger.kit.pagination import Direction, Page, PageRequest, fetch_page, page_request
from timeledger.kit.routing import ResourceId, api_router, created, if_match_of
from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.uow import UnitOfWork
from timeledger.models import JobSchedule

jobs_router = api_router("Admin", prefix="/admin")

READ = "jobs:read:*"
MANAGE = "jobs:manage:*"
JobPage = Annotated[
    PageRequest, page_request(tuple(service.SORTS), "id", default_direction=Direction.DESC)
]
SCHEDULE_SORTS = {"id": JobSchedule.id, "name": JobSchedule.name}
SchedulePage = Annotated[PageRequest, page_request(tuple(SCHEDULE_SORTS), "id")]


@jobs_router.get("/batch-jobs", response_model=Page[JobRead], summary="List batch jobs")
def list_jobs(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    page: JobPage,
    job_status: Annotated[JobStatus | None, Query(alias="status")] = None,
    kind: Annotated[str | None, Query(max_length=64, pattern=WITHOUT_NUL)] = None,
) -> Page[JobRead]:
    """The workspace's jobs, newest first by default."""
    return service.list_jobs(session, caller, page, status=job_status, kind=kind)


@jobs_router.post(
    "/batch-jobs",
    status_code=status.HTTP_201_CREATED,
    response_model=JobRead,
    summary="Start a batch job",
)
def start_job(
    body: JobStart,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> JobRead:
    """Queues a job of a kind people may start; the worker runs it shortly."""
    job = service.start_job(session, caller, body)
    created(response, f"/api/admin/batch-jobs/{job.id}")
    return service.job_view(job)


@jobs_router.get("/batch-jobs/{job_id}", response_model=JobRead, summary="Get a batch job")
def get_job(
    job_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed(READ)]
) -> JobRead:
    """The job with its progress, read afresh while it runs."""
    return service.job_view(service.get_job(session, caller, job_id))


@jobs_router.post(
    "/batch-jobs/{job_id}/cancel", response_model=JobRead, summary="Cancel a batch job"
)
def cancel_job(
    job_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed(MANAGE)]
) -> JobRead:
    """A pending job is cancelled at once; a running one stops at its next step (its
    `cancel_requested_at` is set meanwhile); a finished one answers 409."""
    return service.job_view(service.cancel_job(session, caller, job_id))


# Schedules


@jobs_router.get("/schedules", response_model=Page[ScheduleRead], summary="List schedules")
def list_schedules(
    session: UnitOfWork, caller: Annotated[Caller, Allowed(READ)], page: SchedulePage
) -> Page[ScheduleRead]:
    rows, cursor = fetch_page(
        session,
        ScheduleRepository(session).listed(),
        page,
        sort_columns=SCHEDULE_SORTS,
        id_column=JobSchedule.id,
    )
    return Page(items=[schedules.schedule_view(session, row) for row in rows], next_cursor=cursor)


@jobs_router.post(
    "/schedules",
    status_code=status.HTTP_201_CREATED,
    response_model=ScheduleRead,
    summary="Create a schedule",
)
def create_schedule(
    body: ScheduleCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> ScheduleRead:
    """Runs a job kind whenever `cron` fires in the workspace's time zone, acting as you."""
    schedule = schedules.create_schedule(session, caller, body)
    created(response, f"/api/admin/schedules/{schedule.id}", schedules.schedule_etag(schedule))
    return schedules.schedule_view(session, schedule)


@jobs_router.get("/schedules/{schedule_id}", response_model=ScheduleRead, summary="Get a schedule")
def get_schedule(
    schedule_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
) -> ScheduleRead:
    schedule = schedules.get_schedule(session, schedule_id)
    set_etag(response, schedules.schedule_etag(schedule))
    return schedules.schedule_view(session, schedule)


@jobs_router.patch(
    "/schedules/{schedule_id}", response_model=ScheduleRead, summary="Change a schedule"
)
def update_schedule(
    schedule_id: ResourceId,
    body: ScheduleUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> ScheduleRead:
    schedule = schedules.update_schedule(session, caller, schedule_id, body, if_match_of(request))
    set_etag(response, schedules.schedule_etag(schedule))
    return schedules.schedule_view(session, schedule)


@jobs_router.delete(
    "/schedules/{schedule_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a schedule",
)
def delete_schedule(
    schedule_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed(MANAGE)]
) -> None:
    schedules.delete_schedule(session, schedule_id)
