"""McTime's times: `GET /times` (grouped by user, 20 users a page) and `POST /times`
(each time added or edited on its own)."""

from collections import defaultdict
from datetime import timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.compat.mctime import translate
from timeledger.compat.mctime.requests import (
    TimeIn,
    TimesIn,
    aware,
    body_of,
    time_of,
    time_type_ids,
    time_type_names,
    user_of,
    visible_employee,
    visible_units,
)
from timeledger.compat.mctime.wire import (
    McTimeAllowed,
    envelope,
    ids,
    instant,
    item,
    mctime_router,
    page_count,
    page_number,
)
from timeledger.entries import service as entries
from timeledger.entries.grouping import GroupKey, list_groups
from timeledger.entries.listing import (
    APPROVAL_STATUSES,
    MAX_TIMESTAMP_WINDOW_DAYS,
    EntryQuery,
    EntrySort,
    list_entries_window,
    only_employees,
    placed_on_entry_day,
    resolve_filters,
)
from timeledger.entries.schemas import CreationType, EntryBreakSpan, EntryCreate, EntryUpdate
from timeledger.kit.errors import BadRequest, NotFound, Problem
from timeledger.kit.pagination import Direction
from timeledger.kit.routing import RawBody, unconditional
from timeledger.kit.uow import UnitOfWork
from timeledger.organization.reach import Access
from timeledger.organization.repository import OrgUnitRepository
from timeledger.organization.service import require_placed_in, versions_on_days
from timeledger.organization.today import workspace_today
from timeledger.users.repository import UserRepository
from timeledger.workspaces.service import get_workspace

USERS_PER_PAGE = 20
MAX_TIMES = 10_000

times_router = mctime_router()


@times_router.get("/times")
def get_times(
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("timesheet:read:own")],
) -> Response:
    start = instant(request.query_params.get("from"), "from")
    end = instant(request.query_params.get("to"), "to")
    if end < start:
        raise BadRequest("to lies before from.")
    if end - start > timedelta(days=MAX_TIMESTAMP_WINDOW_DAYS):
        raise BadRequest(
            f"The window from from to to spans more than {MAX_TIMESTAMP_WINDOW_DAYS} days."
        )
    user_ids = ids(request.query_params.getlist("userIds"), "userIds")
    for user_id in user_ids:
        visible_employee(session, caller, user_id, Access.READ)
    statuses = request.query_params.getlist("approvalStatuses")
    for status in statuses:
        if status not in APPROVAL_STATUSES:
            raise BadRequest(
                f"approvalStatuses: {status[:40]!r} is not one of {', '.join(APPROVAL_STATUSES)}."
            )
    units = visible_units(session, caller, request)
    activity_ids = time_type_ids(session, request.query_params.getlist("timeTypes"))
    query = EntryQuery(
        user_id=[",".join(map(str, user_ids))] if user_ids else None,
        activity_id=[",".join(map(str, activity_ids))] if activity_ids else None,
        approval_status=statuses or None,
        date_from=start.isoformat(),
        date_to=end.isoformat(),
    )
    filters = resolve_filters(session, caller, query)
    if units is not None:
        filters = placed_on_entry_day(session, filters, units)
    people, _ = list_groups(session, filters, (GroupKey.USER,), limit=MAX_TIMES, cursor=None)
    page = page_number(request)
    shown = people[(page - 1) * USERS_PER_PAGE : page * USERS_PER_PAGE]
    employee_ids = [group["employee_id"] for group in shown]
    rows: list[dict[str, Any]] = []
    if employee_ids:
        rows = list_entries_window(
            session,
            only_employees(filters, employee_ids),
            EntrySort.DATE,
            Direction.ASC,
            limit=MAX_TIMES,
            offset=0,
        )
    data = {
        "timeEntries": _times_by_user(session, caller, shown, rows),
        "page": str(page),
        "pageSize": str(page_count(len(people), USERS_PER_PAGE)),
    }
    return envelope([item(data)])


def _times_by_user(
    session: Session, caller: Caller, groups: list[dict[str, Any]], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    timezone = get_workspace(session, caller).timezone
    today = workspace_today(session, caller.workspace_id)
    placements = versions_on_days(session, {(row["employee_id"], row["date"]) for row in rows})
    current = versions_on_days(session, {(group["employee_id"], today) for group in groups})
    unit_ids = {v.org_unit_id for v in placements.values() if v and v.org_unit_id}
    unit_names = {
        unit_id: version.name
        for unit_id, version in OrgUnitRepository(session)
        .versions_on(sorted(unit_ids), today)
        .items()
    }
    types = time_type_names(session, [row["activity_id"] for row in rows])
    users = {
        user.id: user
        for user in UserRepository(session).by_ids([g["user_id"] for g in groups if g["user_id"]])
    }
    times: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        placed = placements.get((row["employee_id"], row["date"]))
        unit_id = placed.org_unit_id if placed is not None else None
        times[row["employee_id"]].append(
            translate.time_entry(
                row,
                timezone=timezone,
                time_type=types.get(row["activity_id"], str(row["activity_id"])),
                unit_id=unit_id,
                unit_name=unit_names.get(unit_id) if unit_id is not None else None,
            )
        )
    result = []
    for group in groups:
        user = users.get(group["user_id"])
        version = current.get((group["employee_id"], today))
        if user is not None:
            shown = translate.person(user, version)
        else:
            first, last = (version.first_name, version.last_name) if version else ("", "")
            shown = {"userId": None, "userName": f"{first} {last}".strip(),
                     "userFirstName": first, "userLastName": last}  # fmt: skip
        result.append({**shown, "times": times[group["employee_id"]]})
    return result


def _save_time(
    session: Session, caller: Caller, employee_id: int, time: TimeIn, timezone: str
) -> dict[str, Any]:
    start, end = aware(time.from_, "from"), aware(time.to, "to")
    if time.organization is not None:
        require_placed_in(
            session,
            employee_id,
            start.astimezone(ZoneInfo(timezone)).date(),
            unit_id=time.organization.unit_id,
            unit_name=time.organization.name,
        )
    activity_ids = time_type_ids(session, [time.timeType]) or []
    breaks = [
        EntryBreakSpan(
            started_at=aware(pause.from_, "breaks.from"), ended_at=aware(pause.to, "breaks.to")
        )
        for pause in time.breaks
    ]
    values: dict[str, Any] = {
        "started_at": start,
        "ended_at": end,
        "breaks": breaks,
        "activity_id": activity_ids[0],
        "note": time.comment,
    }
    if time.id is None:
        entry = entries.create_entry(
            session, caller, employee_id,
            EntryCreate(**values, creation_type=CreationType.TIMES),
        )  # fmt: skip
    else:
        entry_id = ids([time.id], "id")[0]
        found = entries.locate_entry(session, caller, entry_id, Access.WRITE)
        if found.employee_id != employee_id:
            raise NotFound(f"No time {entry_id} of this user.")
        # McTime reports an edited time's creation type as null.
        entry = entries.update_entry(
            session, caller, employee_id, entry_id,
            EntryUpdate(**values, creation_type=None), force=False, if_match=unconditional,
        )  # fmt: skip
    view = entries.entry_view(session, caller, entry)
    return translate.time_entry(
        view,
        timezone=timezone,
        time_type=time_type_names(session, [entry.activity_id])[entry.activity_id],
        unit_id=None,
        unit_name=None,
    )


@times_router.post("/times")
def post_times(
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("timesheet:write:own")],
) -> Response:
    """Adds (no `id`) or edits (`id`) times of one user; each time succeeds or fails on its
    own, reported as its own item."""
    data = body_of(body, TimesIn)
    employee_id = visible_employee(session, caller, user_of(data.userId, caller), Access.WRITE)
    timezone = get_workspace(session, caller).timezone
    results = []
    for index, values in enumerate(data.times):
        try:
            time = time_of(values, index)
            with session.begin_nested():
                results.append(item(_save_time(session, caller, employee_id, time, timezone)))
        except Problem as problem:
            results.append({"message": problem.detail, "data": None, "valid": False})
    return envelope(results)
