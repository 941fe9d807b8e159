"""mite's time entries, daily lists, tracker and bookmarks, over the native entry
services (entries are addressed by id alone; people by user)."""

from datetime import date
from typing import Annotated, Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.bookmarks import service as bookmarks
from timeledger.compat.mite import translate
from timeledger.compat.mite.auth import MiteAllowed
from timeledger.compat.mite.formats import Format, empty, fields_of, many, one
from timeledger.compat.mite.requests import (
    Fmt,
    Paging,
    Window,
    flag,
    native,
    resource_id,
)
from timeledger.compat.mite.routes import mite_router
from timeledger.entries import service as entries
from timeledger.entries.grouping import GroupKey, list_groups
from timeledger.entries.listing import (
    EntryQuery,
    EntrySort,
    default_direction,
    list_entries_window,
    resolve_filters,
)
from timeledger.entries.reference_names import ReferenceNames, reference_names
from timeledger.entries.schemas import EntryCreate, EntryUpdate
from timeledger.kit.errors import BadRequest, NotFound, Unprocessable
from timeledger.kit.pagination import Direction
from timeledger.kit.routing import RawBody, unconditional
from timeledger.kit.uow import UnitOfWork
from timeledger.models import TimeEntry
from timeledger.organization.reach import Access, Area, reached_employee_of_user
from timeledger.organization.today import workspace_today
from timeledger.settings.service import default_work_activity_id

time_entries = mite_router()
GET = ["GET", "HEAD"]
UPDATE = ["PATCH", "PUT"]
CURRENT = "current"


def _names(session: Session, caller: Caller, items: list[dict[str, Any]]) -> ReferenceNames:
    return reference_names(
        session,
        workspace_today(session, caller.workspace_id),
        user_ids=[item.get("user_id") for item in items],
        customer_ids=[item.get("customer_id") for item in items],
        project_ids=[item.get("project_id") for item in items],
        activity_ids=[item.get("activity_id") for item in items],
    )


def _entries(session: Session, caller: Caller, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = _names(session, caller, items)
    clock = translate.clock_of(session, caller)
    return [translate.time_entry(item, names, clock) for item in items]


def _entry(session: Session, caller: Caller, entry: TimeEntry) -> dict[str, Any]:
    return _entries(session, caller, [entries.entry_view(session, caller, entry)])[0]


# Lists


def _listed(
    request: Request, fmt: Format, session: Session, caller: Caller, paging: Window,
    overrides: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    params = {**request.query_params, **(overrides or {})}
    notes = request.query_params.getlist("note[]") + request.query_params.getlist("note")
    query = EntryQuery(
        user_id=[params["user_id"]] if params.get("user_id") else None,
        customer_id=[params["customer_id"]] if params.get("customer_id") else None,
        project_id=[params["project_id"]] if params.get("project_id") else None,
        activity_id=[params["service_id"]] if params.get("service_id") else None,
        note=notes or None,
        at=params.get("at") or None,
        date_from=params.get("from") or None,
        date_to=params.get("to") or None,
        billable=flag(request, "billable"),
        locked=flag(request, "locked"),
        tracking=flag(request, "tracking"),
    )
    filters = resolve_filters(session, caller, query)
    group_by = params.get("group_by")
    if group_by:
        keys = _group_keys(group_by)
        groups, _ = list_groups(
            session, filters, keys, limit=paging.offset + paging.limit, cursor=None
        )
        shown = paging.slice(groups)
        names = _names(session, caller, shown)
        items = [translate.group(item, keys, names) for item in shown]
        return many(fmt, "time_entry_groups", "time_entry_group", items)
    sort = _sort(params.get("sort"))
    direction = _direction(params.get("direction")) or default_direction(sort)
    rows = list_entries_window(
        session, filters, sort, direction, limit=paging.limit, offset=paging.offset
    )
    return many(fmt, "time_entries", "time_entry", _entries(session, caller, rows))


def _group_keys(text: str) -> tuple[GroupKey, ...]:
    keys: list[GroupKey] = []
    for token in (part.strip().lower() for part in text.split(",")):
        if not token:
            continue
        key = translate.GROUP_KEYS.get(token)
        if key is None:
            allowed = ", ".join(translate.GROUP_KEYS)
            raise BadRequest(f"group_by: {token[:30]!r} is not one of {allowed}.")
        if key in keys:
            raise BadRequest(f"group_by: {token} appears twice.")
        keys.append(key)
    return tuple(keys)


def _sort(text: str | None) -> EntrySort:
    if not text:
        return EntrySort.DATE
    try:
        return EntrySort(translate.SORTS.get(text, text))
    except ValueError:
        raise BadRequest(
            f"sort: {text[:30]!r} is not one of date, user, customer, project, service, note, "
            "minutes, revenue."
        ) from None


def _direction(text: str | None) -> Direction | None:
    if not text:
        return None
    try:
        return Direction(text.lower())
    except ValueError:
        raise BadRequest(f"direction: {text[:30]!r} is neither asc nor desc.") from None


@time_entries.api_route("/time_entries.{fmt}", methods=GET)
def list_time_entries(
    request: Request,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:read:own")],
    paging: Paging,
) -> Response:
    return _listed(request, fmt, session, caller, paging)


@time_entries.api_route("/daily.{fmt}", methods=GET)
def list_today(
    request: Request,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:read:own")],
    paging: Paging,
) -> Response:
    return _listed(request, fmt, session, caller, paging, {"user_id": CURRENT, "at": "today"})


@time_entries.api_route("/daily/{year}/{month}/{day}.{fmt}", methods=GET)
def list_day(
    year: str,
    month: str,
    day: str,
    request: Request,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:read:own")],
    paging: Paging,
) -> Response:
    try:
        on = date(int(year), int(month), int(day))
    except ValueError:
        raise NotFound(f"No day {year[:4]}/{month[:2]}/{day[:2]}.") from None
    overrides = {"user_id": CURRENT, "at": on.isoformat()}
    return _listed(request, fmt, session, caller, paging, overrides)


# Bookmarks: a person's saved queries of the list


def _bookmark(item: Any, clock: translate.Clock) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "query": item.query,
        "created_at": clock(item.created_at),
        "updated_at": clock(item.updated_at),
    }


@time_entries.api_route("/time_entries/bookmarks.{fmt}", methods=GET)
def list_bookmarks(
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:read:own")],
    paging: Paging,
) -> Response:
    clock = translate.clock_of(session, caller)
    found = paging.slice(bookmarks.list_bookmarks(session, caller))
    return many(fmt, "bookmarks", "bookmark", [_bookmark(item, clock) for item in found])


@time_entries.api_route("/time_entries/bookmarks/{bookmark_id}.{fmt}", methods=GET)
def get_bookmark(
    bookmark_id: str,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:read:own")],
) -> Response:
    item = bookmarks.get_bookmark(session, caller, resource_id(bookmark_id, "bookmark"))
    return one(fmt, "bookmark", _bookmark(item, translate.clock_of(session, caller)))


@time_entries.api_route("/time_entries/bookmarks/{bookmark_id}/follow.{fmt}", methods=GET)
def follow_bookmark(
    bookmark_id: str,
    request: Request,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:read:own")],
) -> Response:
    item = bookmarks.get_bookmark(session, caller, resource_id(bookmark_id, "bookmark"))
    target = f"{request.base_url}compat/mite/time_entries.{fmt.value}"
    return RedirectResponse(f"{target}?{item.query}" if item.query else target, status_code=302)


# One entry


def _own_employee_id(session: Session, caller: Caller) -> int:
    return reached_employee_of_user(session, caller, Area.TIMESHEET, caller.user_id).id


def _activity_id(session: Session, service_id: int | None) -> int:
    if service_id is not None:
        return service_id
    default = default_work_activity_id(session)
    if default is None:
        raise Unprocessable.at(
            "service_id",
            "service_id is required: the workspace has no default work activity to book on.",
            "required",
        )
    return default


@time_entries.post("/time_entries.{fmt}")
def create_time_entry(
    request: Request,
    fmt: Fmt,
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:write:own")],
) -> Response:
    data = fields_of(body, fmt, "time_entry", translate.TimeEntryIn)
    employee_id = (
        reached_employee_of_user(session, caller, Area.TIMESHEET, data.user_id, Access.WRITE).id
        if data.user_id is not None
        else _own_employee_id(session, caller)
    )
    create = native(
        EntryCreate,
        {
            "date": data.date_at or workspace_today(session, caller.workspace_id),
            "minutes": data.minutes or 0,
            "note": data.note or "",
            "project_id": data.project_id,
            "activity_id": _activity_id(session, data.service_id),
            **({"locked": data.locked} if data.locked is not None else {}),
        },
    )
    entry = entries.create_entry(session, caller, employee_id, create, force=bool(data.force))
    response = one(fmt, "time_entry", _entry(session, caller, entry), status=201)
    response.headers["Location"] = (
        f"{request.base_url}compat/mite/time_entries/{entry.id}.{fmt.value}"
    )
    return response


@time_entries.api_route("/time_entries/{entry_id}.{fmt}", methods=GET)
def get_time_entry(
    entry_id: str,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:read:own")],
) -> Response:
    entry = entries.locate_entry(session, caller, resource_id(entry_id, "time entry"), Access.READ)
    return one(fmt, "time_entry", _entry(session, caller, entry))


def _update_of(session: Session, data: translate.TimeEntryIn) -> EntryUpdate:
    sent = data.model_dump(exclude_unset=True, exclude={"force", "user_id"})
    changes: dict[str, Any] = {}
    for mite_name, native_name in (
        ("date_at", "date"),
        ("minutes", "minutes"),
        ("note", "note"),
        ("project_id", "project_id"),
        ("locked", "locked"),
    ):
        if mite_name in sent:
            changes[native_name] = sent[mite_name]
    if "service_id" in sent:
        changes["activity_id"] = _activity_id(session, sent["service_id"])
    if changes.get("note", "") is None:
        changes["note"] = ""
    return native(EntryUpdate, changes)  # type: ignore[no-any-return]


def _user_id_of(session: Session, caller: Caller, entry: TimeEntry) -> int | None:
    user_id: int | None = entries.entry_view(session, caller, entry)["user_id"]
    return user_id


@time_entries.api_route("/time_entries/{entry_id}.{fmt}", methods=UPDATE)
def update_time_entry(
    entry_id: str,
    fmt: Fmt,
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:write:own")],
) -> Response:
    data = fields_of(body, fmt, "time_entry", translate.TimeEntryIn)
    entry = entries.locate_entry(session, caller, resource_id(entry_id, "time entry"), Access.WRITE)
    if data.user_id is not None and data.user_id != _user_id_of(session, caller, entry):
        raise Unprocessable.at(
            "user_id",
            "A time entry stays with its user; create one for the other user and delete this.",
            "cannot change",
        )
    entries.update_entry(
        session,
        caller,
        entry.employee_id,
        entry.id,
        _update_of(session, data),
        force=bool(data.force),
        if_match=unconditional,
    )
    return empty(fmt)


@time_entries.delete("/time_entries/{entry_id}.{fmt}")
def delete_time_entry(
    entry_id: str,
    request: Request,
    fmt: Fmt,
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:write:own")],
) -> Response:
    data = fields_of(body, fmt, "time_entry", translate.TimeEntryIn)
    force = bool(data.force) or bool(flag(request, "force"))
    entry = entries.locate_entry(session, caller, resource_id(entry_id, "time entry"), Access.WRITE)
    entries.delete_entry(
        session, caller, entry.employee_id, entry.id, force=force, if_match=unconditional
    )
    return empty(fmt)


# The tracker: the caller's own timer


@time_entries.api_route("/tracker.{fmt}", methods=GET)
def get_tracker(
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:read:own")],
) -> Response:
    running = entries.running_timer(session, caller, _own_employee_id(session, caller))
    tracker: dict[str, Any] = {}
    if running is not None:
        view = entries.entry_view(session, caller, running)
        tracker["tracking_time_entry"] = translate.tracking_entry(
            view, translate.clock_of(session, caller)
        )
    return one(fmt, "tracker", tracker)


@time_entries.api_route("/tracker/{entry_id}.{fmt}", methods=UPDATE)
def start_tracker(
    entry_id: str,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:write:own")],
) -> Response:
    own = _own_employee_id(session, caller)
    switch = entries.start_timer(session, caller, own, resource_id(entry_id, "time entry"))
    assert switch.tracking is not None
    clock = translate.clock_of(session, caller)
    tracker = {
        "tracking_time_entry": translate.tracking_entry(
            entries.entry_view(session, caller, switch.tracking), clock
        )
    }
    if switch.stopped is not None:
        tracker["stopped_time_entry"] = translate.stopped_entry(
            entries.entry_view(session, caller, switch.stopped)
        )
    return one(fmt, "tracker", tracker)


@time_entries.delete("/tracker/{entry_id}.{fmt}")
def stop_tracker(
    entry_id: str,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("timesheet:write:own")],
) -> Response:
    own = _own_employee_id(session, caller)
    wanted = resource_id(entry_id, "time entry")
    running = entries.running_timer(session, caller, own)
    if running is None or running.id != wanted:
        raise NotFound(f"The tracker is not running on time entry {wanted}.")
    stopped = entries.stop_timer(session, caller, own)
    view = entries.entry_view(session, caller, stopped)
    return one(fmt, "tracker", {"stopped_time_entry": translate.stopped_entry(view)})
