"""McTime's routes: times, users, organizations, clock and accounts, over the native
services. Every route is under /compat/mctime/api/v2/auth, outside the native OpenAPI
document (docs/compat/mctime.md is this face's documentation)."""

import math
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import orjson
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from timeledger.compat.mctime import translate
from timeledger.compat.mctime.wire import (
    McTimeAllowed,
    envelope,
    flag,
    ids,
    instant,
    item,
    page_number,
)
from timeledger.configuration.store import workspace_today
from timeledger.entries import service as entries
from timeledger.entries.grouping import GroupKey, list_groups
from timeledger.entries.listing import (
    APPROVAL_STATUSES,
    MAX_TIMESTAMP_WINDOW_DAYS,
    EntryQuery,
    EntrySort,
    list_entries_window,
    resolve_filters,
)
from timeledger.entries.schemas import CreationType, EntryBreakSpan, EntryCreate, EntryUpdate
from timeledger.identity.access import Caller
from timeledger.kit.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    Problem,
    Unauthorized,
    Unprocessable,
)
from timeledger.kit.pagination import Direction, count_rows, fetch_window
from timeledger.kit.routing import RawBody, unconditional
from timeledger.kit.timeutil import utcnow as utc_now
from timeledger.kit.uow import UnitOfWork
from timeledger.models import OrgUnit, User
from timeledger.organization.repository import EmployeeRepository, OrgUnitRepository
from timeledger.organization.service import versions_on_days
from timeledger.presence import service as presence
from timeledger.presence.schemas import BreakAt, ClockIn, PresenceUpdate
from timeledger.settings.service import ACTIVITIES
from timeledger.timebank.service import Balance, balances
from timeledger.timesheet.clocking import stop_clock_into_entry
from timeledger.timesheet.scope import employee_id_of_user
from timeledger.users.repository import UserRepository
from timeledger.workspaces.service import get_workspace

MCTIME_PREFIX = "/compat/mctime/api/v2/auth"
USERS_PER_PAGE = 20
ORGANIZATIONS_PER_PAGE = 50
MAX_ACCOUNTS_PER_PAGE = 10
MAX_TIMES = 10_000
MAX_TIMES_PER_POST = 100
NOT_VISIBLE = "You may not see {what}."
HOURS, DAYS = "hours", "days"
MINUTES_PER_HOUR = 60
HUNDREDTHS_PER_DAY = 100  # days accounts count hundredths of a day

mctime_router = APIRouter(prefix=MCTIME_PREFIX, include_in_schema=False)


def _pages(count: int, size: int) -> int:
    return max(1, math.ceil(count / size))


def _visible_employee(session: Session, caller: Caller, user_id: int, action: str) -> int:
    """McTime answers 401 for a user the caller may not see."""
    try:
        return employee_id_of_user(session, caller, user_id, action)
    except NotFound:
        raise Unauthorized(NOT_VISIBLE.format(what=f"user {user_id}"), headers={}) from None


def _visible_units(session: Session, caller: Caller, request: Request) -> list[int] | None:
    """The organizations the request names: by id, else by name; None when it names none.
    Unknown ones are 401, as McTime answers for organizations out of sight."""
    today = workspace_today(session, caller.workspace_id)
    repository = OrgUnitRepository(session)
    wanted_ids = ids(request.query_params.getlist("organizationIds"), "organizationIds")
    if wanted_ids:
        found = set(session.scalars(repository.matching(today, unit_ids=wanted_ids)).all())
        missing = [unit_id for unit_id in wanted_ids if unit_id not in {u.id for u in found}]
        if missing:
            raise Unauthorized(NOT_VISIBLE.format(what=f"organization {missing[0]}"), headers={})
        return wanted_ids
    names = request.query_params.getlist("organizationNames")
    if not names:
        return None
    named = repository.named(names, today)
    for name, unit_ids in named.items():
        if not unit_ids:
            raise Unauthorized(NOT_VISIBLE.format(what=f"organization {name[:60]!r}"), headers={})
    return sorted({unit_id for unit_ids in named.values() for unit_id in unit_ids})


def _time_type_ids(session: Session, values: list[str]) -> list[int] | None:
    if not values:
        return None
    by_key = ACTIVITIES.ids_by_key(session, values)
    found = []
    for value in values:
        if value in by_key:
            found.append(by_key[value])
        elif value.isascii() and value.isdigit():
            found.append(int(value))
        else:
            raise BadRequest(f"timeTypes: {value[:40]!r} is not a time type of this workspace.")
    return found


def _time_types(session: Session, activity_ids: list[int]) -> dict[int, str]:
    keys = ACTIVITIES.keys_of(session, activity_ids)
    return {activity_id: key or str(activity_id) for activity_id, key in keys.items()}


# Times


@mctime_router.get("/times")
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
        _visible_employee(session, caller, user_id, "read")
    statuses = request.query_params.getlist("approvalStatuses")
    for status in statuses:
        if status not in APPROVAL_STATUSES:
            raise BadRequest(
                f"approvalStatuses: {status[:40]!r} is not one of {', '.join(APPROVAL_STATUSES)}."
            )
    units = _visible_units(session, caller, request)
    activity_ids = _time_type_ids(session, request.query_params.getlist("timeTypes"))
    query = EntryQuery(
        user_id=[",".join(map(str, user_ids))] if user_ids else None,
        org_unit_id=[",".join(map(str, units))] if units is not None else None,
        activity_id=[",".join(map(str, activity_ids))] if activity_ids else None,
        approval_status=statuses or None,
        date_from=start.isoformat(),
        date_to=end.isoformat(),
    )
    filters = resolve_filters(session, caller, query)
    if units is not None and not units:
        filters = resolve_filters(session, caller, EntryQuery(employee_id=["0"]))
    people, _ = list_groups(session, filters, (GroupKey.USER,), limit=MAX_TIMES, cursor=None)
    page = page_number(request)
    shown = people[(page - 1) * USERS_PER_PAGE : page * USERS_PER_PAGE]
    employee_ids = [group["employee_id"] for group in shown]
    rows: list[dict[str, Any]] = []
    if employee_ids:
        page_filters = resolve_filters(session, caller, _with_employees(query, employee_ids))
        rows = list_entries_window(
            session, page_filters, EntrySort.DATE, Direction.ASC, limit=MAX_TIMES, offset=0
        )
    data = {
        "timeEntries": _times_by_user(session, caller, shown, rows),
        "page": str(page),
        "pageSize": str(_pages(len(people), USERS_PER_PAGE)),
    }
    return envelope([item(data)])


def _with_employees(query: EntryQuery, employee_ids: list[int]) -> EntryQuery:
    return EntryQuery(
        employee_id=[",".join(map(str, employee_ids))],
        activity_id=query.activity_id,
        approval_status=query.approval_status,
        date_from=query.date_from,
        date_to=query.date_to,
    )


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
    types = _time_types(session, [row["activity_id"] for row in rows])
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


class _Organization(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(default=None, max_length=40)
    name: str | None = Field(default=None, max_length=200)


class _Break(BaseModel):
    model_config = ConfigDict(extra="ignore")

    from_: datetime = Field(alias="from")
    to: datetime


class _Time(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(default=None, max_length=40)
    from_: datetime = Field(alias="from")
    to: datetime
    breaks: list[_Break] = Field(default_factory=list, max_length=20)
    timeType: str = Field(min_length=1, max_length=100)  # noqa: N815 (McTime's name)
    comment: str = Field(default="", max_length=10_000)
    organization: _Organization | None = None


class _Times(BaseModel):
    model_config = ConfigDict(extra="ignore")

    userId: str | None = Field(default=None, max_length=40)  # noqa: N815 (McTime's name)
    times: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_TIMES_PER_POST)


def _body(raw: bytes, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(orjson.loads(raw or b"null"))
    except orjson.JSONDecodeError:
        raise BadRequest("The body is not valid JSON.") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise BadRequest(f"{where}: {first['msg']}") from None


def _time_of(values: dict[str, Any], index: int) -> _Time:
    try:
        return _Time.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in (f"times.{index}", *first["loc"]))
        raise Unprocessable.at(where, f"{where}: {first['msg']}", first["msg"]) from None


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise Unprocessable.at(name, f"{name} has no offset.", "needs an offset")
    return value


def _require_own_unit(
    session: Session, employee_id: int, organization: _Organization | None, start: datetime,
    timezone: str,
) -> None:  # fmt: skip
    """A time belongs to the organization of its employee; naming another is refused."""
    if organization is None or (organization.id is None and organization.name is None):
        return
    day = start.astimezone(ZoneInfo(timezone)).date()
    placed = versions_on_days(session, [(employee_id, day)]).get((employee_id, day))
    unit_id = placed.org_unit_id if placed is not None else None
    names = OrgUnitRepository(session).versions_on([unit_id], day) if unit_id else {}
    name = names[unit_id].name if unit_id in names else None
    if (organization.id is not None and organization.id != str(unit_id)) or (
        organization.id is None and organization.name != name
    ):
        raise Unprocessable.at(
            "organization",
            "A time belongs to the organization of its user on its day"
            + (f" ({name}, id {unit_id})." if unit_id else "; the user has none."),
            "not the user's organization",
        )


def _save_time(
    session: Session, caller: Caller, employee_id: int, time: _Time, timezone: str
) -> dict[str, Any]:
    start, end = _aware(time.from_, "from"), _aware(time.to, "to")
    _require_own_unit(session, employee_id, time.organization, start, timezone)
    activity_ids = _time_type_ids(session, [time.timeType]) or []
    breaks = [
        EntryBreakSpan(
            started_at=_aware(pause.from_, "breaks.from"), ended_at=_aware(pause.to, "breaks.to")
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
        found = entries.locate_entry(session, caller, entry_id, "write")
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
        time_type=_time_types(session, [entry.activity_id])[entry.activity_id],
        unit_id=None,
        unit_name=None,
    )


@mctime_router.post("/times")
def post_times(
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("timesheet:write:own")],
) -> Response:
    """Adds (no `id`) or edits (`id`) times of one user; each time succeeds or fails on its
    own, reported as its own item."""
    data: _Times = _body(body, _Times)
    user_id = ids([data.userId], "userId")[0] if data.userId else caller.user_id
    employee_id = _visible_employee(session, caller, user_id, "write")
    timezone = get_workspace(session, caller).timezone
    results = []
    for index, values in enumerate(data.times):
        try:
            time = _time_of(values, index)
            with session.begin_nested():
                results.append(item(_save_time(session, caller, employee_id, time, timezone)))
        except Problem as problem:
            results.append({"message": problem.detail, "data": None, "valid": False})
    return envelope(results)


# Users and organizations


@mctime_router.get("/users")
def get_users(
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("users:read:own")],
) -> Response:
    today = workspace_today(session, caller.workspace_id)
    wanted = ids(request.query_params.getlist("userIds"), "userIds")
    statement = UserRepository(session).people_matching(
        caller,
        status="suspended" if flag(request, "inactive") else "active",
        ids=wanted or None,
    )
    organization_id = request.query_params.get("organizationId")
    organization_name = request.query_params.get("organizationName")
    units: list[int] | None = None
    if organization_id:
        units = ids([organization_id], "organizationId")
    elif organization_name:
        units = OrgUnitRepository(session).named([organization_name], today)[organization_name]
    rows: list[User] = list(session.scalars(statement.order_by(User.id)))
    if units is not None:
        members = EmployeeRepository(session).user_ids_in_units(units, today)
        rows = [row for row in rows if row.id in members]
    roles = set(request.query_params.getlist("roles"))
    if roles:
        rows = [row for row in rows if translate.role_of(row) in roles]
    page = page_number(request)
    shown = rows[(page - 1) * USERS_PER_PAGE : page * USERS_PER_PAGE]
    versions = EmployeeRepository(session).versions_of_users([row.id for row in shown], today)
    data = {
        "users": [translate.user(row, versions.get(row.id)) for row in shown],
        "page": str(page),
        "pageSize": str(_pages(len(rows), USERS_PER_PAGE)),
    }
    return envelope([item(data)])


ORGANIZATION_TYPES = ("project", "subsidiary", "partner", "client", "supplier", "branch", "other")


@mctime_router.get("/organizations")
def get_organizations(
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("org-units:read:*")],
) -> Response:
    today = workspace_today(session, caller.workspace_id)
    repository = OrgUnitRepository(session)
    types = request.query_params.getlist("types")
    for unit_type in types:
        if unit_type not in ORGANIZATION_TYPES:
            raise BadRequest(
                f"types: {unit_type[:40]!r} is not one of {', '.join(ORGANIZATION_TYPES)}."
            )
    unit_ids: set[int] | None = None
    organization_id = request.query_params.get("organizationId")
    if organization_id:
        parent = ids([organization_id], "organizationId")[0]
        unit_ids = {parent} | repository.children_on([parent], today)
    statement = repository.matching(
        today,
        text=request.query_params.get("organizationName") or None,
        unit_types=types,
        unit_ids=unit_ids,
        active=not flag(request, "inactive"),
    )
    page = page_number(request)
    count = count_rows(session, statement)
    units: list[OrgUnit] = fetch_window(
        session,
        statement,
        order_by=(OrgUnit.id,),
        limit=ORGANIZATIONS_PER_PAGE,
        offset=(page - 1) * ORGANIZATIONS_PER_PAGE,
    )
    versions = repository.versions_on([unit.id for unit in units], today)
    data = {
        "organizations": [
            translate.organization(unit.id, versions[unit.id], today) for unit in units
        ],
        "page": str(page),
        "pageSize": str(_pages(count, ORGANIZATIONS_PER_PAGE)),
    }
    return envelope([item(data)])


# Clock


class _Clock(BaseModel):
    model_config = ConfigDict(extra="ignore")

    action: str = Field(pattern="^(start|break|stop|cancel|update)$")
    dateTime: datetime | None = None  # noqa: N815 (McTime's name)
    userId: str | None = Field(default=None, max_length=40)  # noqa: N815
    timeType: str | None = Field(default=None, min_length=1, max_length=100)  # noqa: N815
    comment: str | None = Field(default=None, max_length=10_000)
    organizationId: str | None = Field(default=None, max_length=40)  # noqa: N815
    organizationName: str | None = Field(default=None, max_length=200)  # noqa: N815
    organization: _Organization | None = None


def _local(instant: datetime, timezone: str) -> str:
    return instant.astimezone(ZoneInfo(timezone)).isoformat(timespec="seconds")


def _clock_view(session: Session, caller: Caller, user_id: int, employee_id: int) -> dict[str, Any]:
    state = presence.clock_state(session, employee_id)
    timezone = get_workspace(session, caller).timezone
    return {
        "userId": str(user_id),
        "clockedIn": state is not None,
        "onBreak": bool(state and state.on_break),
        "from": _local(state.interval.started_at, timezone) if state is not None else None,
    }


@mctime_router.post("/clock")
def post_clock(
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("timesheet:write:own")],
) -> Response:
    data: _Clock = _body(body, _Clock)
    at = _aware(data.dateTime, "dateTime") if data.dateTime is not None else None
    user_id = ids([data.userId], "userId")[0] if data.userId else caller.user_id
    employee_id = _visible_employee(session, caller, user_id, "write")
    activity_ids = _time_type_ids(session, [data.timeType] if data.timeType else [])
    activity_id = activity_ids[0] if activity_ids else None
    organization = data.organization or (
        _Organization(id=data.organizationId, name=data.organizationName)
        if data.organizationId or data.organizationName
        else None
    )
    timezone = get_workspace(session, caller).timezone
    _require_own_unit(session, employee_id, organization, at or utc_now(), timezone)
    result: dict[str, Any] = {}
    state = presence.clock_state(session, employee_id)
    match data.action:
        case "start":
            presence.clock_in(
                session, caller, employee_id,
                ClockIn(at=at, activity_id=activity_id, note=data.comment or ""),
            )  # fmt: skip
        case "break":
            if state is None:
                raise Conflict("The user is not clocked in.")
            change = presence.end_break if state.on_break else presence.start_break
            change(session, caller, employee_id, BreakAt(at=at))
        case "stop":
            stopped = stop_clock_into_entry(
                session, caller, employee_id, at=at, note=data.comment, activity_id=activity_id
            )
            view = entries.entry_view(session, caller, stopped.entry)
            result["time"] = translate.time_entry(
                view,
                timezone=timezone,
                time_type=_time_types(session, [stopped.entry.activity_id])[
                    stopped.entry.activity_id
                ],
                unit_id=None,
                unit_name=None,
            )
        case "cancel":
            if state is None:
                raise Conflict("The user is not clocked in.")
            presence.delete_interval(
                session, caller, employee_id, state.interval.id, if_match=unconditional
            )
        case _:
            if state is None:
                raise Conflict("The user is not clocked in.")
            changes = PresenceUpdate.model_validate(
                {
                    **({"activity_id": activity_id} if activity_id is not None else {}),
                    **({"note": data.comment} if data.comment is not None else {}),
                }
            )
            presence.update_interval(
                session, caller, employee_id, state.interval.id, changes, if_match=unconditional
            )
    return envelope([item({**_clock_view(session, caller, user_id, employee_id), **result})])


@mctime_router.get("/clock")
def get_clock(
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("timesheet:read:own")],
) -> Response:
    today = workspace_today(session, caller.workspace_id)
    timezone = get_workspace(session, caller).timezone
    states = presence.clocked_in(session, caller)
    employee_ids = [state.interval.employee_id for state in states]
    users = EmployeeRepository(session).users_of(employee_ids)
    versions = versions_on_days(session, [(employee_id, today) for employee_id in employee_ids])
    items = []
    for state in states:
        user = users.get(state.interval.employee_id)
        version = versions.get((state.interval.employee_id, today))
        first, last = (
            translate.names_of(user, version)
            if user
            else ((version.first_name, version.last_name) if version else ("", ""))
        )
        items.append(
            item(
                {
                    "userId": str(user.id) if user else None,
                    "userFirstName": first,
                    "userLastName": last,
                    "clockedIn": True,
                    "onBreak": state.on_break,
                    "from": _local(state.interval.started_at, timezone),
                }
            )
        )
    return envelope(items)


# Accounts


def _account_view(user_id: int, found: list[Balance], now: datetime) -> dict[str, Any]:
    hours = [balance for balance in found if balance.unit == HOURS]
    days = [balance for balance in found if balance.unit == DAYS]

    def as_of(of: list[Balance]) -> int:
        latest = [b.last_movement_at for b in of if b.last_movement_at is not None]
        return translate.epoch_ms(max(latest) if latest else now)

    return {
        "userId": str(user_id),
        "timeBalanceHours": sum(b.balance for b in hours) / MINUTES_PER_HOUR,
        "timeBalanceAsOf": as_of(hours),
        "vacationBalanceDays": sum(b.balance for b in days) / HUNDREDTHS_PER_DAY,
        "vacationBalanceAsOf": as_of(days),
        "vacationEntitlementDays": sum(b.entitlement for b in days) / HUNDREDTHS_PER_DAY,
        "vacationEntitlementAsOf": as_of(days),
    }


def _page_size(request: Request) -> int:
    value = request.query_params.get("pageSize") or str(MAX_ACCOUNTS_PER_PAGE)
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ACCOUNTS_PER_PAGE:
        raise BadRequest(f"pageSize: {value[:20]!r} is not a number from 1 to 10.")
    return int(value)


@mctime_router.get("/accounts")
def get_accounts(
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("timebank:read:own")],
) -> Response:
    """Balances of the users whose timebank the key reads, `pageSize` (≤ 10) a page."""
    size, page = _page_size(request), page_number(request)
    people: list[User] = list(
        session.scalars(UserRepository(session).people_matching(caller).order_by(User.id))
    )
    readable: list[tuple[int, int]] = []
    for person in people:
        try:
            readable.append((person.id, employee_id_of_user(session, caller, person.id)))
        except (NotFound, Forbidden, Unprocessable):
            continue
    now = utc_now()
    shown = [
        _account_view(user_id, balances(session, caller, employee_id), now)
        for user_id, employee_id in readable[(page - 1) * size : page * size]
    ]
    return envelope([item(account) for account in shown])


@mctime_router.get("/accounts/{user_id}")
def get_account(
    user_id: str,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("timebank:read:own")],
) -> Response:
    wanted = ids([user_id], "userId")[0]
    employee_id = _visible_employee(session, caller, wanted, "read")
    try:
        found = balances(session, caller, employee_id)
    except NotFound:
        raise Unauthorized(NOT_VISIBLE.format(what=f"user {wanted}"), headers={}) from None
    return envelope([item(_account_view(wanted, found, utc_now()))])
