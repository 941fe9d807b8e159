"""McTime's clock: `POST /clock` runs presence's clock operations (the open interval named
by its user), `GET /clock` lists who is clocked in."""

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Response
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.compat.mctime import translate
from timeledger.compat.mctime.requests import (
    ClockRequest,
    aware,
    body_of,
    time_type_ids,
    time_type_names,
    user_of,
    visible_employee,
)
from timeledger.compat.mctime.wire import McTimeAllowed, envelope, item, mctime_router
from timeledger.entries import service as entries
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict
from timeledger.kit.routing import RawBody
from timeledger.kit.uow import UnitOfWork
from timeledger.organization.reach import Access
from timeledger.organization.repository import EmployeeRepository
from timeledger.organization.service import require_placed_in, versions_on_days
from timeledger.organization.today import workspace_today
from timeledger.presence import service as presence
from timeledger.presence.clocking import stop_clock_into_entry
from timeledger.presence.schemas import BreakAt, ClockIn, PresenceUpdate
from timeledger.workspaces.service import get_workspace

NOT_CLOCKED_IN = "The user is not clocked in."

clock_router = mctime_router()


def _local(instant: datetime, timezone: str) -> str:
    return instant.astimezone(ZoneInfo(timezone)).isoformat(timespec="seconds")


def _clock_view(session: Session, caller: Caller, user_id: int, employee_id: int) -> dict[str, Any]:
    state = presence.clock_state(session, caller, employee_id)
    timezone = get_workspace(session, caller).timezone
    return {
        "userId": str(user_id),
        "clockedIn": state is not None,
        "onBreak": bool(state and state.on_break),
        "from": _local(state.interval.started_at, timezone) if state is not None else None,
    }


def _run(
    session: Session,
    caller: Caller,
    employee_id: int,
    data: ClockRequest,
    at: datetime | None,
    activity_id: int | None,
) -> dict[str, Any]:
    """The clock operation `data.action` names; what it adds to the answer."""
    match data.action:
        case "start":
            presence.clock_in(
                session, caller, employee_id,
                ClockIn(at=at, activity_id=activity_id, note=data.comment or ""),
            )  # fmt: skip
        case "break":
            presence.toggle_break(session, caller, employee_id, BreakAt(at=at))
        case "stop":
            stopped = stop_clock_into_entry(
                session, caller, employee_id, at=at, note=data.comment, activity_id=activity_id
            )
            view = entries.entry_view(session, caller, stopped.entry)
            activity = stopped.entry.activity_id
            time = translate.time_entry(
                view,
                timezone=get_workspace(session, caller).timezone,
                time_type=time_type_names(session, [activity])[activity],
                unit_id=None,
                unit_name=None,
            )
            return {"time": time}
        case "cancel":
            presence.discard_open_interval(session, caller, employee_id)
        case _:
            changes = PresenceUpdate.model_validate(
                {
                    **({"activity_id": activity_id} if activity_id is not None else {}),
                    **({"note": data.comment} if data.comment is not None else {}),
                }
            )
            presence.update_open_interval(session, caller, employee_id, changes)
    return {}


@clock_router.post("/clock")
def post_clock(
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("timesheet:write:own")],
) -> Response:
    data = body_of(body, ClockRequest)
    at = aware(data.dateTime, "dateTime") if data.dateTime is not None else None
    user_id = user_of(data.userId, caller)
    employee_id = visible_employee(session, caller, user_id, Access.WRITE)
    activity_ids = time_type_ids(session, [data.timeType] if data.timeType else [])
    activity_id = activity_ids[0] if activity_ids else None
    organization = data.named_organization
    if organization is not None:
        timezone = get_workspace(session, caller).timezone
        require_placed_in(
            session,
            employee_id,
            (at or utcnow()).astimezone(ZoneInfo(timezone)).date(),
            unit_id=organization.unit_id,
            unit_name=organization.name,
        )
    try:
        added = _run(session, caller, employee_id, data, at, activity_id)
    except presence.NotClockedIn:
        raise Conflict(NOT_CLOCKED_IN) from None
    return envelope([item({**_clock_view(session, caller, user_id, employee_id), **added})])


@clock_router.get("/clock")
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
