"""Native objects as Tyme objects: categories (customers), projects, tasks and subtasks
(tasks), time records and non-working records (entries), rendered in batch with a
constant number of queries per kind, without a caller (the session is scoped to the
workspace). Effective-dated objects are shown in the version in force on the workspace's
today (one taking effect later in the version it takes effect with)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy.orm import Session

from timeledger.compat.tyme.ids import CUSTOMER, ENTRY, TASK, NativeRef, TymeIds
from timeledger.compat.tyme.ids import PROJECT as PROJECT_ENTITY
from timeledger.compat.tyme.wire import tyme_time
from timeledger.entries.listing import entries_by_id
from timeledger.entries.rendering import span_of
from timeledger.entries.schemas import BillingState
from timeledger.kit.clock import utcnow
from timeledger.kit.tenancy import session_workspace_id
from timeledger.kit.timeutil import local_date
from timeledger.models import (
    Activity,
    ActivityVersion,
    Customer,
    CustomerVersion,
    Project,
    ProjectVersion,
    Task,
    TaskVersion,
)
from timeledger.organization.today import workspace_basics
from timeledger.projects.rates import revenue_minor
from timeledger.projects.rounding import RoundingMethod, round_minutes
from timeledger.projects.service import CUSTOMERS, MAX_NESTING, PROJECTS, TASKS
from timeledger.settings.service import ACTIVITIES, TIMEOFF
from timeledger.settings.store import Versioned

PROJECT_CATEGORY = "ProjectCategory"
PROJECT = "Project"
TIMED_TASK = "TimedTask"
TIMED_SUB_TASK = "TimedSubTask"
TIMED_TASK_RECORD = "TimedTaskRecord"
NON_WORKING_RECORD = "NonWorkingRecord"
ENTITY_OF_TYPE: dict[str, str] = {
    PROJECT_CATEGORY: CUSTOMER,
    PROJECT: PROJECT_ENTITY,
    TIMED_TASK: TASK,
    TIMED_SUB_TASK: TASK,
    TIMED_TASK_RECORD: ENTRY,
    NON_WORKING_RECORD: ENTRY,
}
"""The native entity behind each of Tyme's object types."""

SUBTYPE_ACTIVITY_KEYS: dict[int, str] = {
    0: "vacation",
    1: "sick",
    2: "other_leave",
    3: "public_holiday_abroad",
    4: "flextime",
    5: "special_leave",
}
"""A NonWorkingRecord's subtype and the key of the workspace's default time-off activity
it is booked on (vacation, sick, other, public holiday, overtime compensation, special
leave)."""
ACTIVITY_KEY_SUBTYPES = {key: subtype for subtype, key in SUBTYPE_ACTIVITY_KEYS.items()}
OTHER_SUBTYPE = 2
"""The subtype of a time-off entry on an activity the table does not name."""
WORK_SUBTYPE = 0
"""The subtype a TimedTaskRecord shows (Tyme's example)."""

ROUNDING_METHODS: dict[int, RoundingMethod] = {0: "down", 1: "nearest", 2: "up"}
"""Tyme's rounding method (DOWN, NEAREST, UP) and the native one; native `none` is shown
as NEAREST to 1 minute, and a method to 1 minute or less is stored as `none`."""
TYME_ROUNDING_METHODS: dict[str, int] = {native: tyme for tyme, native in ROUNDING_METHODS.items()}
NEAREST = 1
NO_ROUNDING = (NEAREST, 1)

BILLING_STATES: dict[int, BillingState] = {
    0: BillingState.UNBILLED,
    1: BillingState.BILLED,
    2: BillingState.PAID,
}
TYME_BILLING_STATES = {native: tyme for tyme, native in BILLING_STATES.items()}

NEUTRAL = 0
"""Tyme's value of a number Timeledger does not keep (color, fixed rate, quantity,
kilometer rate, tracking mode, modifier flags, recurring period, cached total, traveled
distance)."""
CENTS = 100
SECONDS_PER_MINUTE = 60
NAME_SEPARATOR = ": "


def tyme_object_type(entity: str, *, subtask: bool = False, time_off: bool = False) -> str:
    """The Tyme type of a native object: a task with a parent is a TimedSubTask, an entry
    on a time-off activity a NonWorkingRecord."""
    match entity:
        case "customer":
            return PROJECT_CATEGORY
        case "project":
            return PROJECT
        case "task":
            return TIMED_SUB_TASK if subtask else TIMED_TASK
        case "entry":
            return NON_WORKING_RECORD if time_off else TIMED_TASK_RECORD
    raise ValueError(f"no Tyme type for {entity!r}")


def tyme_rounding(method: str, minutes: int) -> tuple[int, int]:
    """A native rounding (method, step) as Tyme's `rounding_method`, `rounding_minutes`."""
    if method == "none":
        return NO_ROUNDING
    return TYME_ROUNDING_METHODS[method], minutes


def money(minor: int | None) -> int | float:
    """Minor units as currency units (0 for none): whole amounts as integers."""
    if minor is None:
        return 0
    return minor // CENTS if minor % CENTS == 0 else minor / CENTS


def _day(value: date | None) -> str | None:
    return f"{value.isoformat()} 00:00:00" if value is not None else None


@dataclass(frozen=True)
class _Named:
    tyme_id: str
    name: str


@dataclass(frozen=True)
class _Place:
    """Where an object sits: its category, project and tasks (outermost first)."""

    category: _Named | None
    project: _Named | None
    tasks: tuple[_Named, ...]

    @property
    def full_name(self) -> str:
        parts = [self.category, self.project, *self.tasks]
        return NAME_SEPARATOR.join(part.name for part in parts if part is not None)

    def fields(self) -> dict[str, Any]:
        """The ids and names of the project and category."""
        return {
            "project_id": self.project.tyme_id if self.project else None,
            "project_name": self.project.name if self.project else None,
            "category_id": self.category.tyme_id if self.category else None,
            "category_name": self.category.name if self.category else None,
            "full_name": self.full_name,
        }


class _Renderer:
    """What rendering a batch reads, each kind loaded once."""

    def __init__(
        self,
        session: Session,
        workspace_id: int,
        *,
        customer_ids: Iterable[int] = (),
        project_ids: Iterable[int] = (),
        task_ids: Iterable[int] = (),
        entries: Sequence[dict[str, Any]] = (),
    ) -> None:
        basics = workspace_basics(session, workspace_id)
        assert basics is not None
        self.team_id = str(workspace_id)
        self.timezone = basics.timezone
        self.now = utcnow()
        today = local_date(self.now, basics.timezone)
        self.tasks = _tasks_with_ancestors(
            session,
            [*task_ids, *(entry["task_id"] for entry in entries if entry["task_id"])],
            today,
        )
        self.projects: dict[int, Versioned[Project, ProjectVersion]] = PROJECTS.live_as_of(
            session,
            [
                *project_ids,
                *(task.entity.project_id for task in self.tasks.values()),
                *(entry["project_id"] for entry in entries if entry["project_id"]),
            ],
            today,
        )
        self.customers: dict[int, Versioned[Customer, CustomerVersion]] = CUSTOMERS.live_as_of(
            session,
            [
                *customer_ids,
                *(
                    project.version.customer_id
                    for project in self.projects.values()
                    if project.version.customer_id is not None
                ),
            ],
            today,
        )
        self.activities: dict[int, Versioned[Activity, ActivityVersion]] = ACTIVITIES.live_as_of(
            session, [entry["activity_id"] for entry in entries], today
        )
        ids = TymeIds(session)
        self.tyme_ids = {
            CUSTOMER: ids.shown(CUSTOMER, self.customers),
            PROJECT_ENTITY: ids.shown(PROJECT_ENTITY, self.projects),
            TASK: ids.shown(TASK, self.tasks),
            ENTRY: ids.shown(ENTRY, [entry["id"] for entry in entries]),
        }

    # Where objects sit

    def _customer(self, customer_id: int | None) -> _Named | None:
        found = self.customers.get(customer_id) if customer_id is not None else None
        if found is None:
            return None
        return _Named(self.tyme_ids[CUSTOMER][found.entity.id], found.version.name)

    def _project(self, project_id: int | None) -> _Named | None:
        found = self.projects.get(project_id) if project_id is not None else None
        if found is None:
            return None
        return _Named(self.tyme_ids[PROJECT_ENTITY][found.entity.id], found.version.name)

    def _task_chain(self, task_id: int | None) -> list[Versioned[Task, TaskVersion]]:
        """The task and the tasks above it, outermost first."""
        chain: list[Versioned[Task, TaskVersion]] = []
        current = task_id
        while current is not None and current in self.tasks and len(chain) < MAX_NESTING:
            found = self.tasks[current]
            chain.insert(0, found)
            current = found.entity.parent_task_id
        return chain

    def _place(self, project_id: int | None, task_id: int | None) -> _Place:
        project = self.projects.get(project_id) if project_id is not None else None
        return _Place(
            category=self._customer(project.version.customer_id if project else None),
            project=self._project(project_id),
            tasks=tuple(
                _Named(self.tyme_ids[TASK][task.entity.id], task.version.name)
                for task in self._task_chain(task_id)
            ),
        )

    def _rounding(self, project_id: int | None) -> tuple[int, int]:
        project = self.projects.get(project_id) if project_id is not None else None
        if project is None:
            return NO_ROUNDING
        return tyme_rounding(project.version.rounding_method, project.version.rounding_minutes)

    def _inherited_rate(self, project_id: int, parent_tasks: Sequence[Versioned[Any, Any]]) -> int:
        """The hourly rate (minor units) of the nearest of the parent tasks (innermost
        first), the project and its customer that has one; 0 for none."""
        project = self.projects.get(project_id)
        customer = (
            self.customers.get(project.version.customer_id)
            if project is not None and project.version.customer_id is not None
            else None
        )
        for found in [*reversed(parent_tasks), project, customer]:
            if found is not None and found.version.hourly_rate_minor is not None:
                rate: int = found.version.hourly_rate_minor
                return rate
        return 0

    # Categories, projects, tasks

    def category(self, customer_id: int) -> dict[str, Any] | None:
        found = self.customers.get(customer_id)
        if found is None:
            return None
        entity, version = found.entity, found.version
        tyme_id = self.tyme_ids[CUSTOMER][customer_id]
        return {
            "id": tyme_id,
            "team_id": self.team_id,
            "modified": tyme_time(entity.updated_at),
            "related_id": None,
            "type": PROJECT_CATEGORY,
            "name": version.name,
            "created_date": tyme_time(entity.created_at),
            "color": NEUTRAL,
            "completed_date": _completed(version),
            "note": version.note or None,
            "category_id": tyme_id,
            "category_name": version.name,
            "full_name": version.name,
        }

    def project(self, project_id: int) -> dict[str, Any] | None:
        found = self.projects.get(project_id)
        if found is None:
            return None
        entity, version = found.entity, found.version
        place = self._place(project_id, None)
        method, step = self._rounding(project_id)
        money_budget = version.budget_kind == "money"
        hours_budget = version.budget_kind == "hours"
        return {
            "id": self.tyme_ids[PROJECT_ENTITY][project_id],
            "team_id": self.team_id,
            "modified": tyme_time(entity.updated_at),
            "related_id": place.category.tyme_id if place.category else None,
            "type": PROJECT,
            "hourly_rate": money(version.hourly_rate_minor),
            "rounding_method": method,
            "rounding_minutes": step,
            "default_hourly_rate": money(self._customer_rate(version.customer_id)),
            "name": version.name,
            "planned_budget": money(version.budget_amount) if money_budget else 0,
            "planned_duration": (version.budget_amount or 0) * SECONDS_PER_MINUTE
            if hours_budget
            else 0,
            "created_date": tyme_time(entity.created_at),
            **_catalog_neutrals(),
            "billable": int(version.billable),
            "start_date": _day(version.planned_start),
            "due_date": _day(version.planned_end),
            "completed_date": _completed(version),
            "note": version.note or None,
            **place.fields(),
        }

    def _customer_rate(self, customer_id: int | None) -> int | None:
        customer = self.customers.get(customer_id) if customer_id is not None else None
        return customer.version.hourly_rate_minor if customer is not None else None

    def task(self, task_id: int) -> dict[str, Any] | None:
        found = self.tasks.get(task_id)
        if found is None:
            return None
        entity, version = found.entity, found.version
        project_id = entity.project_id
        chain = self._task_chain(task_id)
        place = self._place(project_id, task_id)
        method, step = self._rounding(project_id)
        subtask = entity.parent_task_id is not None
        own = place.tasks[-1]
        parent = place.tasks[-2] if subtask and len(place.tasks) > 1 else None
        if subtask:
            names: dict[str, Any] = {
                "subtask_id": own.tyme_id,
                "subtask_name": own.name,
                "task_id": parent.tyme_id if parent else None,
                "task_name": parent.name if parent else None,
            }
            related_id = parent.tyme_id if parent else None
        else:
            names = {"task_id": own.tyme_id, "task_name": own.name}
            related_id = place.project.tyme_id if place.project else None
        return {
            "id": own.tyme_id,
            "team_id": self.team_id,
            "modified": tyme_time(entity.updated_at),
            "related_id": related_id,
            "type": tyme_object_type(TASK, subtask=subtask),
            "hourly_rate": money(version.hourly_rate_minor),
            "rounding_method": method,
            "rounding_minutes": step,
            "default_hourly_rate": money(self._inherited_rate(project_id, chain[:-1])),
            "name": version.name,
            "planned_budget": 0,
            "planned_duration": (version.budget_minutes or 0) * SECONDS_PER_MINUTE,
            "created_date": tyme_time(entity.created_at),
            **_catalog_neutrals(),
            "billable": int(version.billable),
            "start_date": None,
            "due_date": None,
            "completed_date": _completed(version),
            "note": None,
            **names,
            **place.fields(),
        }

    # Time records

    def record(self, entry: dict[str, Any]) -> dict[str, Any]:
        """An entry as the entry lists render it (`entries.listing`)."""
        activity = self.activities.get(entry["activity_id"])
        time_off = activity is not None and activity.version.type == TIMEOFF
        place = self._place(entry["project_id"], entry["task_id"])
        task = place.tasks[-1] if place.tasks else None
        started, ended, duration, rounded_minutes, revenue = self._figures(entry)
        if time_off:
            assert activity is not None
            subtype = ACTIVITY_KEY_SUBTYPES.get(activity.entity.key or "", OTHER_SUBTYPE)
        else:
            subtype = WORK_SUBTYPE
        fields = place.fields()
        if place.project is None and activity is not None:
            fields["full_name"] = activity.version.name
        return {
            "id": self.tyme_ids[ENTRY][entry["id"]],
            "team_id": self.team_id,
            "modified": tyme_time(entry["updated_at"]),
            "created": tyme_time(entry["created_at"]),
            "user_id": str(entry["user_id"]) if entry["user_id"] is not None else None,
            "related_id": task.tyme_id if task else fields["project_id"],
            "type": tyme_object_type(ENTRY, time_off=time_off),
            "locked": int(entry["locked"] or entry["timeoff_request_id"] is not None),
            "subtype": subtype,
            "traveled_distance": NEUTRAL,
            "time_start": tyme_time(started),
            "time_end": tyme_time(ended) if ended is not None else None,
            "billing_state": TYME_BILLING_STATES.get(entry["billing_state"], 0),
            "note": entry["note"],
            "task_id": task.tyme_id if task else None,
            "task_name": task.name if task else None,
            "duration": duration,
            "duration_rounded": rounded_minutes * SECONDS_PER_MINUTE,
            "revenue": money(revenue),
            **fields,
        }

    def _figures(
        self, entry: dict[str, Any]
    ) -> tuple[datetime, datetime | None, int, int, int | None]:
        """Start, end (None while a timer runs), seconds, rounded minutes and revenue."""
        tracking = entry["tracking"]
        if tracking is not None:
            started = tracking["since"] - timedelta(minutes=entry["minutes"])
            project = self.projects.get(entry["project_id"]) if entry["project_id"] else None
            minutes = tracking["minutes"]
            if project is not None:
                method = cast(RoundingMethod, project.version.rounding_method)
                minutes = round_minutes(minutes, method, project.version.rounding_minutes)
            rate = entry["hourly_rate_minor"]
            revenue = revenue_minor(minutes, rate) if rate is not None and entry["billable"] else 0
            return started, None, int((self.now - started).total_seconds()), minutes, revenue
        if entry["started_at"] is not None and entry["ended_at"] is not None:
            started, ended = entry["started_at"], entry["ended_at"]
            paused = sum(
                (
                    datetime.fromisoformat(str(pause["ended_at"]))
                    - datetime.fromisoformat(str(pause["started_at"]))
                    for pause in entry["breaks"] or []
                ),
                timedelta(),
            )
            seconds = int((ended - started - paused).total_seconds())
        else:
            started, ended = span_of(entry, self.timezone)
            seconds = entry["minutes"] * SECONDS_PER_MINUTE
        return started, ended, seconds, entry["minutes"], entry["revenue_minor"]


def _catalog_neutrals() -> dict[str, int]:
    return {
        "color": NEUTRAL,
        "fixed_rate": NEUTRAL,
        "quantity": NEUTRAL,
        "kilometer_rate": NEUTRAL,
        "tracking_mode": NEUTRAL,
        "modifier_flags": NEUTRAL,
        "recurring_period": NEUTRAL,
        "cached_total": NEUTRAL,
    }


def _completed(version: Any) -> str | None:
    """When an archived object was archived: when its version in force was recorded."""
    return tyme_time(version.recorded_at) if version.archived else None


def _tasks_with_ancestors(
    session: Session, task_ids: Iterable[int], day: date
) -> dict[int, Versioned[Task, TaskVersion]]:
    """The live tasks and every task above them: one round of queries per level."""
    found: dict[int, Versioned[Task, TaskVersion]] = {}
    wanted = set(task_ids)
    for _ in range(MAX_NESTING + 1):
        if not wanted:
            break
        loaded = TASKS.live_as_of(session, wanted, day)
        found.update(loaded)
        wanted = {
            task.entity.parent_task_id
            for task in loaded.values()
            if task.entity.parent_task_id is not None
        } - set(found)
    return found


def _workspace_of(session: Session) -> int:
    workspace_id = session_workspace_id(session)
    if workspace_id is None:
        raise RuntimeError("Tyme objects are rendered in a session scoped to a workspace")
    return workspace_id


def render(session: Session, refs: Sequence[NativeRef]) -> dict[NativeRef, dict[str, Any]]:
    """The Tyme object of each ref whose object still exists (deleted ones are left
    out; archived ones are shown with `completed_date`)."""
    wanted: dict[str, set[int]] = {
        entity: set() for entity in (CUSTOMER, PROJECT_ENTITY, TASK, ENTRY)
    }
    for ref in refs:
        wanted[ref.entity].add(ref.id)
    workspace_id = _workspace_of(session)
    entries = entries_by_id(session, workspace_id, wanted[ENTRY])
    renderer = _Renderer(
        session,
        workspace_id,
        customer_ids=wanted[CUSTOMER],
        project_ids=wanted[PROJECT_ENTITY],
        task_ids=wanted[TASK],
        entries=entries,
    )
    shown: dict[NativeRef, dict[str, Any]] = {}
    for ref in refs:
        match ref.entity:
            case "customer":
                rendered = renderer.category(ref.id)
            case "project":
                rendered = renderer.project(ref.id)
            case "task":
                rendered = renderer.task(ref.id)
            case _:
                rendered = None
        if rendered is not None:
            shown[ref] = rendered
    for entry in entries:
        shown[NativeRef(ENTRY, entry["id"])] = renderer.record(entry)
    return shown


def render_records(session: Session, entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries as the entry lists render them (`entries.listing`), as Tyme's time
    records, in their order."""
    renderer = _Renderer(session, _workspace_of(session), entries=entries)
    return [renderer.record(entry) for entry in entries]
