"""Tyme's team members: `GET /data/members`, `/data/members/me` and
`/data/members/{user_id}`, from the workspace's people and their planned weeks."""

from typing import Annotated, Any

from fastapi import Response

from timeledger.access.caller import Caller
from timeledger.compat.tyme.wire import TymeAllowed, json_response, tyme_router, tyme_time
from timeledger.kit.errors import NotFound
from timeledger.kit.routing import MAX_ID
from timeledger.kit.uow import UnitOfWork
from timeledger.oauth.service import is_team_admin
from timeledger.users import service as users
from timeledger.users.service import PersonAndWeek

members = tyme_router()

ME = "me"
READ = "users:read:*"
DAYS_OFF = [0] * 7
TEAM_ADMIN_ROLE = 0
MEMBER_ROLE = 1


def working_times(weekly_pattern_minutes: list[int] | None) -> str:
    """Seven second counts, Sunday first, of a planned week in minutes, Monday first."""
    minutes = weekly_pattern_minutes or DAYS_OFF
    return ",".join(str(day * 60) for day in [minutes[6], *minutes[:6]])


def member(person: PersonAndWeek) -> dict[str, Any]:
    user = person.user
    return {
        "id": str(user.id),
        "team_id": str(user.workspace_id),
        "name": user.name,
        "email": user.email,
        "role": TEAM_ADMIN_ROLE if is_team_admin(user.role.permissions) else MEMBER_ROLE,
        "working_times": working_times(person.weekly_pattern_minutes),
        "historic_working_times": None,
        "last_sync": None,
        "created": tyme_time(user.created_at),
        "assigned": [],
    }


def _user_id(text: str, caller: Caller) -> int:
    if text == ME:
        return caller.user_id
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise NotFound(f"No member {text[:30]!r}.")
    return int(text)


@members.get("/data/members")
def list_members(session: UnitOfWork, caller: Annotated[Caller, TymeAllowed(READ)]) -> Response:
    """The team's active members, by name."""
    people = users.people_and_weeks(session, caller)
    return json_response({"data": [member(each) for each in people]})


@members.get("/data/members/{user_id}")
def get_member(
    user_id: str, session: UnitOfWork, caller: Annotated[Caller, TymeAllowed(READ)]
) -> Response:
    """One member (`me` for the caller), in a list as Tyme answers."""
    people = users.people_and_weeks(session, caller, _user_id(user_id, caller))
    return json_response({"data": [member(each) for each in people]})
