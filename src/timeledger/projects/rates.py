"""The hourly rate of a registration and the revenue it earns.

The rate resolves in this order; the first step that has a rate wins:

1. task: the task's rate, else that of its nearest parent task with one;
2. project_activity: the project's rate for the activity;
3. project_member: the rate of the user on the project;
4. project: the project's rate;
5. customer: the rate of the project's customer;
6. activity: the activity's rate;
7. employee: the employee's rate (the employee linked to the user when none is given).

Effective-dated rates (tasks, projects, customers, activities, employees) are read in the
version in force on the registration's day; members' and per-activity rates are not
effective-dated. Rates are integers in minor units of the workspace currency.
"""

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from timeledger.kit.tenancy import session_workspace_id
from timeledger.kit.versioning import VersionHistory, in_force_of
from timeledger.models import (
    Employee,
    EmployeeVersion,
    ProjectActivityRate,
    ProjectMember,
    Task,
    Workspace,
)
from timeledger.projects.schemas import RateSource
from timeledger.projects.service import CUSTOMERS, MAX_NESTING, PROJECTS, TASKS
from timeledger.settings.service import ACTIVITIES
from timeledger.settings.store import ConfigKind

RATE_ORDER: tuple[RateSource, ...] = (
    "task",
    "project_activity",
    "project_member",
    "project",
    "customer",
    "activity",
    "employee",
)
EMPLOYEE_VERSIONS = VersionHistory(EmployeeVersion, EmployeeVersion.employee_id)
MINUTES_PER_HOUR = 60
_FIXED_RATES_OF_PAIRS: dict[str, Select[*tuple[Any, ...]]] = {
    "project_activity": select(
        ProjectActivityRate.project_id,
        ProjectActivityRate.activity_id,
        ProjectActivityRate.hourly_rate_minor,
    ).where(
        ProjectActivityRate.project_id.in_(bindparam("project_ids", expanding=True)),
        ProjectActivityRate.activity_id.in_(bindparam("other_ids", expanding=True)),
    ),
    "project_member": select(
        ProjectMember.project_id, ProjectMember.user_id, ProjectMember.hourly_rate_minor
    ).where(
        ProjectMember.project_id.in_(bindparam("project_ids", expanding=True)),
        ProjectMember.user_id.in_(bindparam("other_ids", expanding=True)),
    ),
}
"""The fixed rates of (project, activity) and (project, user) pairs, by their source:
built once, for every batch and report that prices entries."""


@dataclass(frozen=True)
class RateResolution:
    hourly_rate_minor: int | None
    currency: str
    source: RateSource | None


def revenue_minor(minutes: int, hourly_rate_minor: int) -> int:
    """What `minutes` at an hourly rate earn, in minor units, rounded half up (away from
    zero for negative corrections)."""
    total = minutes * hourly_rate_minor
    magnitude = (abs(total) * 2 + MINUTES_PER_HOUR) // (2 * MINUTES_PER_HOUR)
    return magnitude if total >= 0 else -magnitude


@dataclass
class VersionReads:
    """The version histories that resolving rates reads, each loaded once: a request
    resolving many rates (a batch of entries on many days) reads every entity's versions
    with one query and picks the one in force on each day in memory."""

    histories: dict[tuple[type[Any], int], list[Any]] = field(default_factory=dict)
    entities: dict[tuple[type[Any], int], Any] = field(default_factory=dict)
    """Held here because the session's identity map holds objects only while someone
    does: without this, every `session.get` of a batch would query again."""
    fixed_rates: dict[tuple[str, int, int], int | None] = field(default_factory=dict)
    """The rates that are not effective-dated, by (`project_activity` or `project_member`,
    project, activity or user): the same on every day of a batch."""
    days_watched: list[date] | None = None
    """While watched (`watch_days`): the first day and the day after the last on which
    every version read since is the one in force."""

    def watch_days(self) -> None:
        """Start noting the days on which the versions read from now on are in force."""
        self.days_watched = [date.min, date.max]

    def watched_days(self) -> tuple[date, date]:
        """The days (from, until: excluded) on which every version read since `watch_days`
        is in force, so a rate resolved from them holds on each of those days; stops
        watching."""
        assert self.days_watched is not None, "watch_days first"
        since, until = self.days_watched
        self.days_watched = None
        return since, until

    def fixed_rate(
        self, session: Session, source: RateSource, project_id: int, other_id: int
    ) -> int | None:
        """A project's rate for an activity (`project_activity`, `other_id` the activity)
        or a member's rate on it (`project_member`, `other_id` the user)."""
        key = (source, project_id, other_id)
        if key not in self.fixed_rates:
            query: Select[Any]
            if source == "project_activity":
                query = select(ProjectActivityRate.hourly_rate_minor).where(
                    ProjectActivityRate.project_id == project_id,
                    ProjectActivityRate.activity_id == other_id,
                )
            else:
                query = select(ProjectMember.hourly_rate_minor).where(
                    ProjectMember.project_id == project_id, ProjectMember.user_id == other_id
                )
            self.fixed_rates[key] = session.scalar(query)
        return self.fixed_rates[key]

    def read_fixed_rates(
        self,
        session: Session,
        project_activities: Collection[tuple[int, int]],
        project_members: Collection[tuple[int, int]],
    ) -> None:
        """The `fixed_rate`s of these (project, activity) and (project, user) pairs not
        read before, in a query for each kind that has any."""
        for source, pairs in (("project_activity", project_activities),
                              ("project_member", project_members)):  # fmt: skip
            unknown = {pair for pair in pairs if (source, *pair) not in self.fixed_rates}
            if not unknown:
                continue
            rows = session.execute(
                _FIXED_RATES_OF_PAIRS[source],
                {
                    "project_ids": sorted({project for project, _ in unknown}),
                    "other_ids": sorted({other for _, other in unknown}),
                },
            )
            found = {(project, other): rate for project, other, rate in rows}
            for project, other in unknown:
                self.fixed_rates[(source, project, other)] = found.get((project, other))

    def read_entities(
        self, session: Session, kind: ConfigKind[Any, Any], entity_ids: Collection[int]
    ) -> list[Any]:
        """These entities of `kind` (deleted ones too) with every version, in two queries
        for those not read before; the live and deleted entities found."""
        model = kind.entity_model
        unknown = sorted({entity_id for entity_id in entity_ids
                          if (model, entity_id) not in self.entities})  # fmt: skip
        if unknown:
            found = {
                entity.id: entity
                for entity in session.scalars(kind.entities_by_id, {"ids": unknown})
            }
            for entity_id in unknown:
                self.entities[(model, entity_id)] = found.get(entity_id)
            self.know_histories(kind.history, kind.history.histories(session, list(found)))
        wanted = (self.entities[(model, entity_id)] for entity_id in entity_ids)
        return [entity for entity in wanted if entity is not None]

    def entity(self, session: Session, model: type[Any], entity_id: int) -> Any:
        key = (model, entity_id)
        if key not in self.entities:
            self.entities[key] = session.get(model, entity_id)
        return self.entities[key]

    def know_histories(self, history: VersionHistory[Any], histories: dict[int, list[Any]]) -> None:
        """Versions of several owners read at once elsewhere (oldest first)."""
        for owner_id, versions in histories.items():
            self.histories[(history.model, owner_id)] = versions

    def version_on(
        self, session: Session, history: VersionHistory[Any], owner_id: int, day: date
    ) -> Any:
        """The version in force on `day`: the latest effective on or before it, the one
        recorded last among those of the same date (as `VersionHistory.in_force_on`)."""
        key = (history.model, owner_id)
        if key not in self.histories:
            self.histories[key] = history.history(session, owner_id)
        versions = self.histories[key]
        version = in_force_of(versions, day)
        if self.days_watched is not None:
            self._narrow_days(versions, version, day)
        return version

    def _narrow_days(self, versions: list[Any], version: Any, day: date) -> None:
        """Keep watching only the days on which `version` is in force too."""
        watched = self.days_watched
        assert watched is not None
        if version is not None:
            watched[0] = max(watched[0], version.effective_from)
        following = next((each.effective_from for each in versions if each.effective_from > day),
                         None)  # fmt: skip
        if following is not None:
            watched[1] = min(watched[1], following)

    def in_force(
        self, session: Session, kind: ConfigKind[Any, Any], entity_id: int, day: date
    ) -> Any:
        entity = self.entity(session, kind.entity_model, entity_id)
        if entity is None or entity.deleted_at is not None:
            return None
        return self.version_on(session, kind.history, entity_id, day)

    def employee_rate(
        self, session: Session, employee_id: int | None, user_id: int | None, day: date
    ) -> int | None:
        if employee_id is None and user_id is not None:
            employee_id = session.scalar(
                select(Employee.id).where(
                    Employee.user_id == user_id, Employee.deleted_at.is_(None)
                )
            )
        if employee_id is None:
            return None
        employee = self.entity(session, Employee, employee_id)
        if employee is None or employee.deleted_at is not None:
            return None
        version = self.version_on(session, EMPLOYEE_VERSIONS, employee_id, day)
        return version.hourly_rate_minor if version is not None else None


def _task_rate(session: Session, reads: VersionReads, task_id: int, day: date) -> int | None:
    current: int | None = task_id
    for _ in range(MAX_NESTING):
        if current is None:
            return None
        version = reads.in_force(session, TASKS, current, day)
        if version is not None and version.hourly_rate_minor is not None:
            rate: int = version.hourly_rate_minor
            return rate
        task = reads.entity(session, Task, current)
        current = task.parent_task_id if task is not None else None
    return None


def _candidates(
    session: Session,
    reads: VersionReads,
    *,
    day: date,
    activity_id: int | None,
    project_id: int | None,
    task_id: int | None,
    user_id: int | None,
    employee_id: int | None,
) -> Iterator[tuple[RateSource, int | None]]:
    """Each step of the order with its rate, computed only when the earlier ones had none."""
    if task_id is not None:
        yield "task", _task_rate(session, reads, task_id, day)
    if project_id is not None:
        if activity_id is not None:
            yield (
                "project_activity",
                reads.fixed_rate(session, "project_activity", project_id, activity_id),
            )
        if user_id is not None:
            yield "project_member", reads.fixed_rate(session, "project_member", project_id, user_id)
        project = reads.in_force(session, PROJECTS, project_id, day)
        yield "project", project.hourly_rate_minor if project is not None else None
        if project is not None and project.customer_id is not None:
            customer = reads.in_force(session, CUSTOMERS, project.customer_id, day)
            yield "customer", customer.hourly_rate_minor if customer is not None else None
    if activity_id is not None:
        activity = reads.in_force(session, ACTIVITIES, activity_id, day)
        yield "activity", activity.hourly_rate_minor if activity is not None else None
    yield "employee", reads.employee_rate(session, employee_id, user_id, day)


def resolve_hourly_rate(
    session: Session,
    *,
    day: date,
    activity_id: int | None = None,
    project_id: int | None = None,
    task_id: int | None = None,
    user_id: int | None = None,
    employee_id: int | None = None,
    reads: VersionReads | None = None,
) -> RateResolution:
    """The hourly rate of a registration on `day` (see the module docstring for the order);
    the project defaults to the task's. The session must be scoped to a workspace. Pass
    one `reads` to resolve many rates of one request."""
    workspace_id = session_workspace_id(session)
    if workspace_id is None:
        raise RuntimeError("resolve_hourly_rate needs a session scoped to a workspace")
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    if task_id is not None and project_id is None:
        task = session.get(Task, task_id)
        project_id = task.project_id if task is not None else None
    for source, rate in _candidates(
        session,
        reads or VersionReads(),
        day=day,
        activity_id=activity_id,
        project_id=project_id,
        task_id=task_id,
        user_id=user_id,
        employee_id=employee_id,
    ):
        if rate is not None:
            return RateResolution(rate, workspace.currency, source)
    return RateResolution(None, workspace.currency, None)
