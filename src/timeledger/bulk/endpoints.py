"""Routes of bulk actions (tag Admin): parse, call the bulk service, render."""

from typing import Annotated, Any

from fastapi import status
from sqlalchemy.orm import Session

from timeledger.access.caller import Allowed, Caller
from timeledger.bulk import service
from timeledger.bulk.actions import ObjectAction, employee_action, entry_action
from timeledger.bulk.schemas import (
    BulkJobRead,
    BulkOutcome,
    BulkTarget,
    EmployeesBulkRequest,
    EntriesBulkRequest,
)
from timeledger.kit.jsonio import FastJSONResponse
from timeledger.kit.routing import ResourceId, api_router
from timeledger.kit.uow import UnitOfWork

bulk_router = api_router("Admin", prefix="/admin/bulk")

EntriesCaller = Annotated[Caller, Allowed(service.PERMISSIONS[BulkTarget.ENTRIES])]
EmployeesCaller = Annotated[Caller, Allowed(service.PERMISSIONS[BulkTarget.EMPLOYEES])]
ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "The dry run's outcome; nothing was changed."},
    202: {
        "model": BulkJobRead,
        "description": "The job applying the action (follow `Location`).",
        "headers": {"Location": {"schema": {"type": "string"}}},
    },
}


def _answer(
    session: Session,
    caller: Caller,
    target: BulkTarget,
    body: EntriesBulkRequest | EmployeesBulkRequest,
    apply: ObjectAction,
    ids: list[int],
    *,
    force: bool = False,
) -> Any:
    if body.dry_run:
        return service.dry_run(session, caller, target, body.action, apply, ids)
    job = service.start(session, caller, target, body.action, ids, force=force)
    return FastJSONResponse(
        service.job_view(job).model_dump(mode="json"),
        status_code=status.HTTP_202_ACCEPTED,
        headers={"Location": service.job_location(target, job)},
    )


@bulk_router.post(
    "/entries", response_model=BulkOutcome, responses=ANSWERS, summary="Change many time entries"
)
def bulk_entries(body: EntriesBulkRequest, session: UnitOfWork, caller: EntriesCaller) -> Any:
    """Moves, sets billable or billing state, locks, unlocks or deletes the entries named by
    `ids` or matched by `filter` (at most 10,000), each as a single change of it would:
    entries the caller may not change are refused, one by one, with the reason. A dry run
    (the default) answers what would change; `dry_run: false` applies it as a job."""
    service.check_force(caller, body)
    ids = service.entry_ids(session, caller, body)
    apply = entry_action(body.action, force=body.force)
    return _answer(session, caller, BulkTarget.ENTRIES, body, apply, ids, force=body.force)


@bulk_router.post(
    "/employees", response_model=BulkOutcome, responses=ANSWERS, summary="Change many employees"
)
def bulk_employees(body: EmployeesBulkRequest, session: UnitOfWork, caller: EmployeesCaller
                   ) -> Any:  # fmt: skip
    """Places the employees named by `ids` or matched by `filter` (at most 10,000) in
    another org unit or under other employment terms from a date, or archives them (ends
    their employment), each as a single change would. A dry run (the default) answers
    what would change; `dry_run: false` applies it as a job."""
    ids = service.employee_ids(session, caller, body)
    return _answer(session, caller, BulkTarget.EMPLOYEES, body, employee_action(body.action), ids)


@bulk_router.get(
    "/entries/{job_id}", response_model=BulkJobRead, summary="Get a bulk job on time entries"
)
def get_entries_job(job_id: ResourceId, session: UnitOfWork, caller: EntriesCaller) -> BulkJobRead:
    """Its progress, and its outcome so far; only whoever started it sees it."""
    return service.job_view(service.get_job(session, caller, BulkTarget.ENTRIES, job_id))


@bulk_router.get(
    "/employees/{job_id}", response_model=BulkJobRead, summary="Get a bulk job on employees"
)
def get_employees_job(
    job_id: ResourceId, session: UnitOfWork, caller: EmployeesCaller
) -> BulkJobRead:
    """Its progress, and its outcome so far; only whoever started it sees it."""
    return service.job_view(service.get_job(session, caller, BulkTarget.EMPLOYEES, job_id))
