"""Bulk actions: one action on many entries or employees, each object changed through the
ordinary service a single change of it calls (`bulk.actions`), each in a savepoint of its
own so that a refused object leaves the others alone.

The objects are fixed when the request arrives: its `ids`, or the ids its `filter`
matches then (at most `MAX_OBJECTS`). A dry run applies the action to them in the
request's transaction and rolls all of it back: the answer is what the services did,
refusals included. Applying stores the same ids in a job that runs the same code in
batches of `BATCH`, one transaction per batch, writing its progress and its outcome so
far in that transaction, so a rerun (a worker died) resumes after the last batch that
committed.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi.dependencies.utils import get_dependant, request_params_to_args
from pydantic import TypeAdapter
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from timeledger.access.audit import record_audit
from timeledger.access.caller import Caller
from timeledger.bulk.actions import ObjectAction, employee_action, entry_action
from timeledger.bulk.repository import BulkRepository
from timeledger.bulk.schemas import (
    MAX_LISTED_REFUSALS,
    MAX_OBJECTS,
    BulkJobRead,
    BulkOutcome,
    BulkTarget,
    EmployeeAction,
    EmployeeFilter,
    EmployeesBulkRequest,
    EntriesBulkRequest,
    EntryAction,
    LockEntries,
    Refusal,
    UnlockEntries,
)
from timeledger.entries.list_endpoints import list_time_entries
from timeledger.entries.listing import EntryQuery, resolve_filters
from timeledger.jobs.acting import caller_of_job
from timeledger.jobs.registry import CLAIM_LEASE, JobContext, enqueue, job_handler
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Forbidden, NotFound, Problem, Unprocessable, validation_errors
from timeledger.kit.routing import with_dependencies
from timeledger.models import Job
from timeledger.organization.today import workspace_today

KINDS = {BulkTarget.ENTRIES: "bulk.entries", BulkTarget.EMPLOYEES: "bulk.employees"}
PERMISSIONS = {BulkTarget.ENTRIES: "timesheet:write:*", BulkTarget.EMPLOYEES: "employees:update:*"}
FORCE = "timesheet:force:*"
BATCH = 200
"""Objects per transaction of an applying job."""

_ENTRY_ACTION: TypeAdapter[EntryAction] = TypeAdapter(EntryAction)
_EMPLOYEE_ACTION: TypeAdapter[EmployeeAction] = TypeAdapter(EmployeeAction)


# Which objects


def _entry_filter_fields() -> dict[str, Any]:
    """The filter parameters of GET /api/timesheet/entries, by their query names."""
    names = {field.name for field in EntryQuery.__dataclass_fields__.values()}
    return {
        field.alias: field
        for dependant in with_dependencies(get_dependant(path="", call=list_time_entries))
        for field in dependant.query_params
        if field.name in names
    }


ENTRY_FILTER_FIELDS = _entry_filter_fields()


def _query_params(raw: dict[str, Any]) -> QueryParams:
    items: list[tuple[str, str]] = []
    for name, value in raw.items():
        for one in value if isinstance(value, list) else [value]:
            items.append((name, str(one).lower() if isinstance(one, bool) else str(one)))
    return QueryParams(items)


def _refused_filter(problem: Problem) -> Unprocessable:
    errors = [
        {**error, "location": "body.filter." + str(error["location"]).removeprefix("query.")}
        for error in problem.errors or [{"location": "query", "message": problem.detail}]
    ]
    return Unprocessable(f"filter: {problem.detail}", errors=errors)


def entry_filter_query(raw: dict[str, Any]) -> EntryQuery:
    """The filter read as GET /api/timesheet/entries reads its query; 422 at
    `body.filter.<name>` for what it would refuse or does not know."""
    unknown = sorted(set(raw) - set(ENTRY_FILTER_FIELDS))
    if unknown:
        known = ", ".join(sorted(ENTRY_FILTER_FIELDS))
        raise Unprocessable(
            f"filter: {unknown[0][:40]!r} is not a filter of the time-entry list; known: {known}.",
            errors=[{"location": f"body.filter.{name[:40]}", "message": "unknown filter"}
                    for name in unknown],
        )  # fmt: skip
    values, errors = request_params_to_args(list(ENTRY_FILTER_FIELDS.values()), _query_params(raw))
    if errors:
        raise _refused_filter(Unprocessable("The list refuses this filter.",
                                            errors=validation_errors(errors)))  # fmt: skip
    return EntryQuery(**values)


def _too_many(location: str) -> Unprocessable:
    return Unprocessable.at(
        location,
        f"A bulk action takes at most {MAX_OBJECTS} objects; narrow the filter or split the ids.",
        f"more than {MAX_OBJECTS} objects",
    )


def _one_selection(ids: list[int] | None, filter_given: bool) -> None:
    if ids is not None and filter_given:
        raise Unprocessable.at(
            "body.filter", "Name the objects by ids or by a filter, not both.", "both given"
        )
    if ids is None and not filter_given:
        raise Unprocessable.at(
            "body.ids", "Name the objects by ids or by a filter.", "ids or filter required"
        )


def entry_ids(session: Session, caller: Caller, body: EntriesBulkRequest) -> list[int]:
    _one_selection(body.ids, body.filter is not None)
    if body.ids is not None:
        return list(dict.fromkeys(body.ids))
    assert body.filter is not None
    query = entry_filter_query(body.filter)
    try:
        filters = resolve_filters(session, caller, query)
    except Problem as problem:
        raise _refused_filter(problem) from None
    ids = BulkRepository(session).entry_ids(filters, MAX_OBJECTS + 1)
    if len(ids) > MAX_OBJECTS:
        raise _too_many("body.filter")
    return ids


def employee_ids(session: Session, caller: Caller, body: EmployeesBulkRequest) -> list[int]:
    _one_selection(body.ids, body.filter is not None)
    if body.ids is not None:
        return list(dict.fromkeys(body.ids))
    chosen: EmployeeFilter = body.filter or EmployeeFilter()
    today = workspace_today(session, caller.workspace_id)
    ids = BulkRepository(session).employee_ids(
        caller,
        today,
        chosen.as_of or today,
        org_unit_id=chosen.org_unit_id,
        text=chosen.q,
        limit=MAX_OBJECTS + 1,
    )
    if len(ids) > MAX_OBJECTS:
        raise _too_many("body.filter")
    return ids


def check_force(caller: Caller, body: EntriesBulkRequest) -> None:
    """Force, locking and unlocking need timesheet:force:* for the whole request."""
    forcing = body.force or isinstance(body.action, LockEntries | UnlockEntries)
    if forcing and not caller.may(FORCE):
        raise Forbidden(f"force, lock and unlock need {FORCE}.")


# Applying


@dataclass
class Tally:
    """What the action did so far, object by object."""

    changed_ids: list[int]
    refused: list[Refusal]
    refused_count: int = 0

    @classmethod
    def of(cls, stored: dict[str, Any] | None) -> "Tally":
        if not stored:
            return cls([], [])
        return cls(
            list(stored["changed_ids"]),
            [Refusal.model_validate(item) for item in stored["refused"]],
            int(stored["refused_count"]),
        )

    def refuse(self, object_id: int, problem: Problem) -> None:
        self.refused_count += 1
        if len(self.refused) < MAX_LISTED_REFUSALS:
            self.refused.append(
                Refusal(id=object_id, status=problem.status, problem=problem.detail)
            )

    def outcome(self, target: BulkTarget, action: str, matched: int, *, dry_run: bool
                ) -> BulkOutcome:  # fmt: skip
        return BulkOutcome(
            target=target,
            action=action,
            dry_run=dry_run,
            matched=matched,
            changed=len(self.changed_ids),
            changed_ids=self.changed_ids,
            refused_count=self.refused_count,
            refused=self.refused,
            refused_truncated=self.refused_count > len(self.refused),
        )


def _apply_each(
    session: Session, caller: Caller, apply: ObjectAction, ids: Sequence[int], tally: Tally
) -> None:
    for object_id in ids:
        savepoint = session.begin_nested()
        try:
            apply(session, caller, object_id)
        except Problem as problem:
            savepoint.rollback()
            tally.refuse(object_id, problem)
            continue
        savepoint.commit()
        tally.changed_ids.append(object_id)


def dry_run(
    session: Session, caller: Caller, target: BulkTarget, action: Any, apply: ObjectAction,
    ids: Sequence[int],
) -> BulkOutcome:  # fmt: skip
    """Applies the action to every object through the services, then rolls it all back."""
    tally = Tally([], [])
    everything = session.begin_nested()
    try:
        _apply_each(session, caller, apply, ids, tally)
    finally:
        everything.rollback()
    return tally.outcome(target, action.type, len(ids), dry_run=True)


def start(
    session: Session,
    caller: Caller,
    target: BulkTarget,
    action: Any,
    ids: Sequence[int],
    *,
    force: bool = False,
) -> Job:
    """Queues the job applying the action to these objects (run once this commits), and
    writes the start of the bulk action to the audit log."""
    payload = {"action": action.model_dump(mode="json"), "force": force, "ids": list(ids)}
    job = enqueue(
        session,
        KINDS[target],
        payload,
        workspace_id=caller.workspace_id,
        created_by_user_id=caller.user_id,
    )
    job.progress_total = len(ids)
    record_audit(
        session,
        caller.audit_record(
            "bulk.started",
            "success",
            target_type="job",
            target_id=job.id,
            detail={"target": target.value, "action": action.type, "objects": len(ids)},
        ),
    )
    session.flush()
    return job


def _run(context: JobContext, target: BulkTarget, payload: dict[str, Any]) -> dict[str, Any]:
    ids: list[int] = payload["ids"]
    if target is BulkTarget.ENTRIES:
        action: Any = _ENTRY_ACTION.validate_python(payload["action"])
        apply = entry_action(action, force=payload["force"])
    else:
        action = _EMPLOYEE_ACTION.validate_python(payload["action"])
        apply = employee_action(action)
    with context.db.session(write=False, workspace_id=context.workspace_id) as session:
        caller = caller_of_job(session, context)
        stored = BulkRepository(session).job_result(context.job_id)
    if not caller.may(PERMISSIONS[target]):
        raise Forbidden(f"The user the job acts as no longer holds {PERMISSIONS[target]}.")
    tally = Tally.of(stored)
    done = int(stored["done"]) if stored else 0
    context.report_progress(done, len(ids))
    while done < len(ids):
        context.check_cancelled()
        batch = ids[done : done + BATCH]
        with context.db.transaction(workspace_id=context.workspace_id) as session:
            _apply_each(session, caller, apply, batch, tally)
            done += len(batch)
            so_far = tally.outcome(target, action.type, len(ids), dry_run=False)
            BulkRepository(session).save_progress(
                context.job_id,
                done,
                {**so_far.model_dump(mode="json"), "done": done},
                utcnow() + CLAIM_LEASE,
            )
    outcome = tally.outcome(target, action.type, len(ids), dry_run=False)
    with context.db.transaction(workspace_id=context.workspace_id) as session:
        record_audit(
            session,
            caller.audit_record(
                "bulk.applied",
                "success",
                target_type="job",
                target_id=context.job_id,
                detail={
                    "target": target.value,
                    "action": action.type,
                    "changed": outcome.changed,
                    "refused": outcome.refused_count,
                },
            ),
        )
    return {**outcome.model_dump(mode="json"), "done": done}


@job_handler(KINDS[BulkTarget.ENTRIES])
def apply_to_entries(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Applies a bulk action to time entries (POST /api/admin/bulk/entries)."""
    return _run(context, BulkTarget.ENTRIES, payload)


@job_handler(KINDS[BulkTarget.EMPLOYEES])
def apply_to_employees(context: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Applies a bulk action to employees (POST /api/admin/bulk/employees)."""
    return _run(context, BulkTarget.EMPLOYEES, payload)


# Reading


def get_job(session: Session, caller: Caller, target: BulkTarget, job_id: int) -> Job:
    """A bulk job of this target the caller started; 404 for any other."""
    job = BulkRepository(session).job(caller.workspace_id, KINDS[target], job_id, caller.user_id)
    if job is None:
        raise NotFound(f"You have no bulk {target.value} job {job_id}.")
    session.refresh(job)
    return job


def job_location(target: BulkTarget, job: Job) -> str:
    return f"/api/admin/bulk/{target.value}/{job.id}"


def job_view(job: Job) -> BulkJobRead:
    outcome = BulkOutcome.model_validate(job.result) if job.result else None
    return BulkJobRead(
        id=job.id,
        status=job.status,
        progress_done=job.progress_done,
        progress_total=job.progress_total,
        outcome=outcome,
        error=job.last_error,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )
