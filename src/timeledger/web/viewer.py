"""Who is looking at a page: their name, employee record, language and time zone."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.kit.errors import Unprocessable
from timeledger.organization.reach import own_employee_id
from timeledger.organization.today import workspace_basics, workspace_today
from timeledger.presence.service import zone_and_today
from timeledger.users.service import get_me
from timeledger.web.formatting import Formats
from timeledger.web.rendering import render
from timeledger.web.strings import Strings, strings_for


@dataclass(frozen=True)
class NavLink:
    href: str
    label: str
    """The name of its text in `Strings`."""
    permission: str


NAV_LINKS = (
    NavLink("/", "nav_today", "timesheet:read:own"),
    NavLink("/week", "nav_week", "timesheet:read:own"),
    NavLink("/time-off", "nav_timeoff", "timeoff:read:own"),
    NavLink("/statements", "nav_statements", "timesheet:read:own"),
    NavLink("/team", "nav_team", "timesheet:read:team"),
    NavLink("/approvals", "nav_approvals", "approvals:read:team"),
    NavLink("/admin", "nav_admin", "employees:create:*"),
    NavLink("/password", "nav_password", "me:update:own"),
)


@dataclass(frozen=True)
class Viewer:
    caller: Caller
    name: str
    employee_id: int | None
    today: date
    """Today in the employee's zone (the workspace's without an employee record)."""
    strings: Strings
    formats: Formats

    def nav(self) -> list[tuple[str, str]]:
        """The menu: (path, text) of each page the person's role opens."""
        return [
            (link.href, getattr(self.strings, link.label))
            for link in NAV_LINKS
            if self.caller.may(link.permission)
        ]

    def employee(self) -> int:
        """The person's employee record (422 as a page without one)."""
        if self.employee_id is None:
            raise Unprocessable(self.strings.no_employee_record)
        return self.employee_id


def viewer_of(session: Session, caller: Caller) -> Viewer:
    user = get_me(session, caller)
    employee_id = own_employee_id(session, caller)
    if employee_id is not None:
        zone, today = zone_and_today(session, caller.workspace_id, employee_id)
    else:
        basics = workspace_basics(session, caller.workspace_id)
        zone = basics.timezone if basics is not None else "UTC"
        today = workspace_today(session, caller.workspace_id)
    return Viewer(
        caller=caller,
        name=user.name,
        employee_id=employee_id,
        today=today,
        strings=strings_for(user.language),
        formats=Formats.of(user.language, zone),
    )


def page(
    request: Request, viewer: Viewer, template: str, *, status: int = 200, **context: Any
) -> Response:
    return render(
        request,
        template,
        strings=viewer.strings,
        formats=viewer.formats,
        status=status,
        viewer=viewer,
        **context,
    )
