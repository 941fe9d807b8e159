"""Who sees which change: the event feed, the stream and webhooks show a viewer only the
changes about objects the viewer could read through the API."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.access.permissions import Scope
from timeledger.events.catalog import READINGS, Reading
from timeledger.models import Change
from timeledger.organization.repository import EmployeeRepository
from timeledger.organization.teams import managed_user_ids
from timeledger.organization.today import workspace_today
from timeledger.projects.service import member_project_ids


@dataclass
class Audience:
    """One viewer's reading rights over a stream of changes. The scopes it needs are
    looked up once, on first use, and kept for the viewer's request (or delivery round):
    a team is read as of the day the audience was made."""

    session: Session
    viewer: Caller
    _employee_scopes: dict[str, set[int] | None] = field(default_factory=dict)
    _managed_users: set[int] | None = None
    _member_projects: set[int] | None = None

    def sees(self, change: Change) -> bool:
        reading = READINGS.get(change.entity)
        if reading is None:
            return False
        if reading.reach == "concerned" and self.viewer.user_id in change.data.get("user_ids", ()):
            # Approvals: the employee, the approvers and deciders, whatever their roles.
            return True
        scope = self.viewer.scope_for(reading.area, reading.action)
        if scope is None:
            return False
        if reading.reach == "owner":
            # Personal objects (bookmarks) are read by their owner alone, whatever the scope.
            return bool(change.data.get("user_id") == self.viewer.user_id)
        if scope is Scope.ALL:
            return True
        return self._within(reading, scope, change)

    def _within(self, reading: Reading, scope: Scope, change: Change) -> bool:
        data: dict[str, Any] = change.data
        if reading.reach == "user":
            if change.entity_id == self.viewer.user_id:
                return True
            return scope is Scope.TEAM and change.entity_id in self._team_users()
        if reading.reach == "employee":
            employee_id = (
                change.entity_id if change.entity == "employee" else data.get("employee_id")
            )
            return employee_id in self._employees_reached(reading.area, scope)
        if reading.reach == "project":
            return change.entity_id in self._projects_joined()
        return False

    def _employees_reached(self, area: str, scope: Scope) -> set[int]:
        if area not in self._employee_scopes:
            today = workspace_today(self.session, self.viewer.workspace_id)
            self._employee_scopes[area] = EmployeeRepository(self.session).ids_in_scope(
                self.viewer, scope, today
            )
        return self._employee_scopes[area] or set()

    def _team_users(self) -> set[int]:
        if self._managed_users is None:
            self._managed_users = managed_user_ids(self.session, self.viewer.user_id)
        return self._managed_users

    def _projects_joined(self) -> set[int]:
        if self._member_projects is None:
            self._member_projects = set(
                self.session.scalars(member_project_ids(self.viewer.user_id))
            )
        return self._member_projects
