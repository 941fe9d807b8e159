"""The GoodTime face's router: every route under /compat/goodtime/api, outside the native
OpenAPI document (see docs/compat/goodtime.md). Routes translate only: they parse
GoodTime's request, call the native services and render GoodTime's response."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from timeledger.access.caller import Allowed, Caller, caller_of
from timeledger.access.credentials import PasswordHashing
from timeledger.compat.goodtime.auth import (
    GoodTimeAllowed,
    client_of,
    hello_caller,
    issue_token,
)
from timeledger.compat.goodtime.formats import (
    day_window,
    goodtime_id,
    instant,
    json_response,
    native_id,
    optional_text,
    rendered,
    request_fields,
    required_text,
    text_response,
    validated,
)
from timeledger.entries import service as entries
from timeledger.entries.listing import EntryQuery, EntrySort, list_entries_window, resolve_filters
from timeledger.entries.rendering import span_of
from timeledger.entries.schemas import EntryCreate
from timeledger.kit.errors import BadRequest, NotFound, Unprocessable
from timeledger.kit.pagination import Direction, fetch_window
from timeledger.kit.routing import unconditional
from timeledger.kit.uow import UnitOfWork, UnitOfWorkRoute, database
from timeledger.models import User
from timeledger.organization.reach import Access, Area, reached_employee_of_user
from timeledger.organization.today import workspace_today
from timeledger.projects import service as projects
from timeledger.settings.service import ACTIVITIES
from timeledger.settings.store import ConfigKind
from timeledger.signin.service import sign_in_to_goodtime
from timeledger.users.repository import UserRepository
from timeledger.workspaces.service import get_workspace, goodtime_face

GOODTIME_PREFIX = "/compat/goodtime"
TIME = "/time-v2.1"
# GoodTime's lists are unbounded; Timeledger answers at most this many rows.
MAX_ROWS = 10_000

goodtime_router = APIRouter(
    prefix=f"{GOODTIME_PREFIX}/api", include_in_schema=False, route_class=UnitOfWorkRoute
)
Fields = Annotated[dict[str, Any], Depends(request_fields)]


# Hello and login


@goodtime_router.get("/hello/sayhello")
def say_hello() -> Response:
    return text_response("Hello!")


@goodtime_router.get("/hello/securedSayhello")
def say_secured_hello(
    _caller: Annotated[Caller, Allowed("me:read:own", authenticator=hello_caller)],
) -> Response:
    return text_response("Secured Hello!")


@goodtime_router.post("/login")
def login(request: Request, fields: Fields, session: UnitOfWork) -> Response:
    """The token as plain text; as a JSON string when the client accepts JSON only."""
    email = required_text(fields, "loginemail")
    password = fields.get("apipassword")
    if not isinstance(password, str) or not password:
        raise BadRequest("apipassword is required.")
    hashing: PasswordHashing = request.app.state.password_hashing
    user = sign_in_to_goodtime(
        database(request), session, email, password, client_of(request), hashing
    )
    workspace = get_workspace(session, caller_of(request, user, None, 0, "goodtime"))
    token = issue_token(request, user, goodtime_face(workspace).password_version)
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/plain" not in accept:
        return json_response(token)
    return text_response(token)


# Catalog


def _names(kind: ConfigKind[Any, Any], session: Session, statement: Any) -> Response:
    rows = fetch_window(
        session,
        kind.matching(statement, archived=False),
        order_by=kind.by_name(),
        limit=MAX_ROWS,
        offset=0,
    )
    owner = kind.owner_column.key
    return json_response(
        [{"id": goodtime_id(getattr(row, owner)), "name": row.name} for row in rows]
    )


@goodtime_router.get(f"{TIME}/timetypes")
def list_time_types(
    session: UnitOfWork, caller: Annotated[Caller, GoodTimeAllowed("settings:read:*")]
) -> Response:
    today = workspace_today(session, caller.workspace_id)
    return _names(ACTIVITIES, session, ACTIVITIES.in_force(today))


@goodtime_router.get(f"{TIME}/users")
def list_users(
    session: UnitOfWork, caller: Annotated[Caller, GoodTimeAllowed("users:read:*")]
) -> Response:
    statement = UserRepository(session).people_matching(caller, status="active")
    rows: list[User] = fetch_window(
        session, statement, order_by=(User.email, User.id), limit=MAX_ROWS, offset=0
    )
    return json_response([{"loginemail": row.email} for row in rows])


def _person(session: Session, caller: Caller, email: str) -> User | None:
    """The person (active or suspended) whose login email is `email`, any case."""
    statement = UserRepository(session).people_matching(caller, email=email)
    rows: list[User] = fetch_window(
        session, statement, order_by=(User.id,), limit=MAX_ROWS, offset=0
    )
    return next((row for row in rows if (row.email or "").lower() == email.lower()), None)


def _person_named(session: Session, caller: Caller, email: str) -> User:
    user = _person(session, caller, email)
    if user is None:
        raise NotFound(f"No user with the login email {email[:100]!r}.")
    return user


@goodtime_router.get(f"{TIME}/projects")
def list_projects(
    session: UnitOfWork, caller: Annotated[Caller, GoodTimeAllowed("projects:read:*")]
) -> Response:
    today = workspace_today(session, caller.workspace_id)
    return _names(projects.PROJECTS, session, projects.visible_projects(caller, today))


@goodtime_router.get(f"{TIME}/projects/{{useremail}}")
def list_projects_of_user(
    useremail: str,
    session: UnitOfWork,
    caller: Annotated[Caller, GoodTimeAllowed("projects:read:*")],
) -> Response:
    user = _person_named(session, caller, useremail.strip())
    today = workspace_today(session, caller.workspace_id)
    statement = projects.of_member(projects.visible_projects(caller, today), user.id)
    return _names(projects.PROJECTS, session, statement)


# Time entries


def _time_entry(
    row: dict[str, Any], email: str, timezone: str, *, lockable: bool
) -> dict[str, Any]:
    start, end = span_of(row, timezone)
    project_id = row["project_id"]
    item: dict[str, Any] = {
        "id": goodtime_id(row["id"]),
        "starttime": rendered(start, timezone),
        "endtime": rendered(end, timezone),
        "useremail": email,
        "timetypeid": goodtime_id(row["activity_id"]),
        "projectid": goodtime_id(project_id) if project_id is not None else None,
        "comment": row["note"],
    }
    if lockable:
        item["locked"] = bool(row["locked"])
    return item


@goodtime_router.api_route(f"{TIME}/timeentries", methods=["GET", "POST"])
def list_time_entries(
    fields: Fields,
    session: UnitOfWork,
    caller: Annotated[Caller, GoodTimeAllowed("timesheet:read:*")],
) -> Response:
    """A person's entries whose local date lies in the window, earliest first."""
    email, start, end = (required_text(fields, name) for name in ("useremail", "start", "end"))
    workspace = get_workspace(session, caller)
    window = day_window(start, end, workspace.timezone)
    user = _person_named(session, caller, email)
    if window is None:
        return json_response([])
    query = EntryQuery(
        user_id=[str(user.id)], date_from=window[0].isoformat(), date_to=window[1].isoformat()
    )
    filters = resolve_filters(session, caller, query)
    rows = list_entries_window(
        session, filters, EntrySort.DATE, Direction.ASC, limit=MAX_ROWS, offset=0
    )
    lockable = goodtime_face(workspace).lockable_entries
    return json_response(
        [
            _time_entry(row, user.email or email, workspace.timezone, lockable=lockable)
            for row in rows
        ]
    )


def _reference(fields: dict[str, Any], name: str, *, required: bool) -> int | None:
    value = fields.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = optional_text({name: value}, name)
    if text is None:
        if required:
            raise BadRequest(f"{name} is required.")
        return None
    found = native_id(text)
    if found is None:
        raise Unprocessable.at(name, f"{name}: {text[:40]!r} is not a GoodTime id.", "not an id")
    return found


@goodtime_router.post(f"{TIME}/createtimeentry")
def create_time_entry(
    fields: Fields,
    session: UnitOfWork,
    caller: Annotated[Caller, GoodTimeAllowed("timesheet:write:*")],
) -> Response:
    timezone = get_workspace(session, caller).timezone
    start_text, end_text, email = (
        required_text(fields, name) for name in ("starttime", "endtime", "useremail")
    )
    started = instant(start_text, "starttime", timezone)
    ended = instant(end_text, "endtime", timezone)
    activity_id = _reference(fields, "timetypeid", required=True)
    project_id = _reference(fields, "projectid", required=False)
    comment = optional_text(fields, "comment")
    user = _person(session, caller, email)
    if user is None:
        raise Unprocessable.at(
            "useremail", f"No user with the login email {email[:100]!r}.", "unknown user"
        )
    employee_id = reached_employee_of_user(
        session, caller, Area.TIMESHEET, user.id, Access.WRITE
    ).id
    data = validated(
        EntryCreate,
        {
            "started_at": started,
            "ended_at": ended,
            "activity_id": activity_id,
            "project_id": project_id,
            "note": comment or "",
        },
    )
    entry = entries.create_entry(session, caller, employee_id, data)
    return json_response([{"id": goodtime_id(entry.id)}])


@goodtime_router.delete(f"{TIME}/deletetimeentry/{{entry_id}}")
def delete_time_entry(
    entry_id: str,
    session: UnitOfWork,
    caller: Annotated[Caller, GoodTimeAllowed("timesheet:write:*")],
) -> Response:
    wanted = native_id(entry_id)
    missing = NotFound(f"No time entry {entry_id[:40]!r}.")
    if wanted is None:
        raise missing
    try:
        entry = entries.locate_entry(session, caller, wanted, Access.WRITE)
    except NotFound:
        raise missing from None
    entries.delete_entry(
        session, caller, entry.employee_id, entry.id, force=False, if_match=unconditional
    )
    return Response(status_code=204)
