"""Tyme's reads: `GET /data/search_entity` (categories, projects, tasks and subtasks by
name and parent), `GET /data/times` (time records, 500 a page) and `GET /data/summary`
(time and revenue per task), over the projects and entry services."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from timeledger.access.caller import Caller
from timeledger.compat.tyme.ids import CUSTOMER, PROJECT, TASK, NativeRef, TymeIds
from timeledger.compat.tyme.objects import (
    BILLING_STATES,
    ENTITY_OF_TYPE,
    PROJECT_CATEGORY,
    SECONDS_PER_MINUTE,
    TIMED_SUB_TASK,
    TIMED_TASK,
    money,
    render,
    render_records,
)
from timeledger.compat.tyme.objects import PROJECT as PROJECT_TYPE
from timeledger.compat.tyme.wire import TIME_FORMAT, TymeAllowed, json_response, tyme_router
from timeledger.entries.grouping import totals_by_task
from timeledger.entries.listing import (
    MAX_TIMESTAMP_WINDOW_DAYS,
    EntryQuery,
    count_entries,
    list_entries_by_start,
    resolve_filters,
)
from timeledger.kit.errors import BadRequest
from timeledger.kit.uow import UnitOfWork
from timeledger.organization.today import workspace_today
from timeledger.projects import service as projects
from timeledger.settings.service import WORK

data = tyme_router()

READ_PROJECTS = "projects:read:*"
READ_TIMES = "timesheet:read:*"
MAX_FOUND = 500
"""Objects `search_entity` answers at most (by name)."""
MAX_TEXT = 200
TIMES_LIMIT = 500
MAX_START = 1_000_000
MAX_SUMMARY_RANGE = timedelta(days=MAX_TIMESTAMP_WINDOW_DAYS)
PARENT_ENTITY = {PROJECT_TYPE: CUSTOMER, TIMED_TASK: PROJECT, TIMED_SUB_TASK: TASK}
"""The entity `parent_id` names for each type searched (a category has no parent)."""
SEARCHED = (PROJECT_CATEGORY, PROJECT_TYPE, TIMED_TASK, TIMED_SUB_TASK)
_TYME_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TYME_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
END_OF_DAY = time(23, 59, 59)


# search_entity


def _found_ids(
    session: Session, caller: Caller, wanted: str, name: str | None, parent: int | None
) -> list[int]:
    today = workspace_today(session, caller.workspace_id)
    match wanted:
        case "ProjectCategory":
            return projects.customer_ids_named(session, today, name, limit=MAX_FOUND)
        case "Project":
            return projects.project_ids_named(
                session, today, name, customer_id=parent, limit=MAX_FOUND
            )
        case _:
            return projects.task_ids_named(
                session,
                today,
                name,
                subtasks=wanted == TIMED_SUB_TASK,
                parent_id=parent,
                limit=MAX_FOUND,
            )


def _text(params: QueryParams, name: str) -> str | None:
    text = params.get(name) or None
    if text is not None and (len(text) > MAX_TEXT or "\x00" in text):
        raise BadRequest(f"{name}: at most {MAX_TEXT} characters, none of them NUL.")
    return text


@data.get("/data/search_entity")
def search_entity(
    request: Request, session: UnitOfWork, caller: Annotated[Caller, TymeAllowed(READ_PROJECTS)]
) -> Response:
    """The objects of a type whose name contains `name` (case-insensitive), of the parent
    `parent_id` when given, archived ones too, by name."""
    params = request.query_params
    wanted = params.get("type", "")
    if wanted not in SEARCHED:
        raise BadRequest(f"type: {wanted[:40]!r} is not one of {', '.join(SEARCHED)}.")
    parent: int | None = None
    parent_id = _text(params, "parent_id")
    if parent_id is not None:
        named = TymeIds(session).resolved(parent_id)
        if named is None or named.entity != PARENT_ENTITY.get(wanted):
            return json_response([])
        parent = named.id
    ids = _found_ids(session, caller, wanted, _text(params, "name"), parent)
    refs = [NativeRef(ENTITY_OF_TYPE[wanted], each) for each in ids]
    shown = render(session, refs)
    return json_response([shown[ref] for ref in refs if ref in shown])


# Time frames


@dataclass(frozen=True)
class _Moment:
    """A bound of a time frame as Tyme sent it: a time, or a date (its whole day)."""

    instant: datetime
    day: date | None

    def native(self) -> str:
        """The bound as the native entry list reads it: a date, or an instant meaning the
        workspace's date holding it."""
        return self.day.isoformat() if self.day is not None else self.instant.isoformat()


def _moment(params: QueryParams, name: str, *, end: bool) -> _Moment:
    text = params.get(name, "").strip()
    if not text:
        raise BadRequest(f"{name}: required, as Y-m-d H:i:s (GMT+0) or Y-m-d.")
    try:
        if _TYME_DATE.match(text):
            day = date.fromisoformat(text)
            return _Moment(datetime.combine(day, END_OF_DAY if end else time(), UTC), day)
        if _TYME_TIME.match(text):
            return _Moment(datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC), None)
    except ValueError:
        pass
    raise BadRequest(f"{name}: {text[:40]!r} is neither Y-m-d H:i:s (GMT+0) nor Y-m-d.")


def _frame(params: QueryParams) -> tuple[_Moment, _Moment]:
    first, last = _moment(params, "from", end=False), _moment(params, "to", end=True)
    if first.instant > last.instant:
        raise BadRequest(f"from: {params['from'][:40]!r} lies after to {params['to'][:40]!r}.")
    return first, last


# times


def _start(params: QueryParams) -> int:
    text = params.get("start", "").strip()
    if not text:
        return 0
    if not text.isascii() or not text.isdigit() or int(text) > MAX_START:
        raise BadRequest(f"start: {text[:20]!r} is not a whole number from 0 to {MAX_START}.")
    return int(text)


def _billing_states(params: QueryParams) -> list[str] | None:
    text = params.get("billing_state", "").strip()
    if not text:
        return None
    state = BILLING_STATES.get(int(text)) if text.isascii() and text.isdigit() else None
    if state is None:
        raise BadRequest(f"billing_state: {text[:20]!r} is not 0 (unbilled), 1 (billed), 2 (paid).")
    return [state.value]


@data.get("/data/times")
def times(
    request: Request, session: UnitOfWork, caller: Annotated[Caller, TymeAllowed(READ_TIMES)]
) -> Response:
    """The time records and non-working records dated from `from` to `to` (dates in the
    workspace's time zone) that the caller may read, earliest first, 500 from `start`."""
    params = request.query_params
    first, last = _frame(params)
    start = _start(params)
    user_id = params.get("user_id", "").strip()
    query = EntryQuery(
        user_id=[user_id] if user_id else None,
        date_from=first.native(),
        date_to=last.native(),
        billing_state=_billing_states(params),
    )
    filters = resolve_filters(session, caller, query)
    rows = list_entries_by_start(session, filters, limit=TIMES_LIMIT, offset=start)
    return json_response(
        {
            "data": render_records(session, rows),
            "start": start,
            "limit": TIMES_LIMIT,
            "total": count_entries(session, filters),
        }
    )


# summary


def _summary_row(shown: dict[str, Any], totals: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": shown["id"],
        "type": shown["type"],
        "name": shown["name"],
        "full_name": shown["full_name"],
        "category_name": shown["category_name"],
        "category_id": shown["category_id"],
        "project_name": shown["project_name"],
        "project_id": shown["project_id"],
        "task_name": shown.get("task_name"),
        "task_id": shown.get("task_id"),
        "subtask_name": shown.get("subtask_name"),
        "subtask_id": shown.get("subtask_id"),
        "time": totals["minutes"] * SECONDS_PER_MINUTE,
        "revenue": money(totals["revenue_minor"]),
    }


def _summarized(totals: dict[str, Any]) -> NativeRef:
    """The task the totals are of, else their project."""
    if totals["task_id"] is not None:
        return NativeRef(TASK, totals["task_id"])
    return NativeRef(PROJECT, totals["project_id"])


@data.get("/data/summary")
def summary(
    request: Request, session: UnitOfWork, caller: Annotated[Caller, TymeAllowed(READ_TIMES)]
) -> Response:
    """Time and revenue of the work dated from `from` to `to`, per task (per project for
    time on no task), at most 366 days."""
    first, last = _frame(request.query_params)
    if last.instant - first.instant > MAX_SUMMARY_RANGE:
        return json_response(
            {
                "error": "date_range_too_large",
                "error_description": f"from and to are at most {MAX_TIMESTAMP_WINDOW_DAYS} "
                "days apart.",
            },
            400,
        )
    query = EntryQuery(date_from=first.native(), date_to=last.native(), activity_type=[WORK])
    totals = [
        (_summarized(row), row)
        for row in totals_by_task(session, resolve_filters(session, caller, query))
        if row["project_id"] is not None
    ]
    shown = render(session, [ref for ref, _ in totals])
    rows = [_summary_row(shown[ref], row) for ref, row in totals if ref in shown]
    return json_response({"summary": sorted(rows, key=lambda row: (row["full_name"], row["id"]))})
