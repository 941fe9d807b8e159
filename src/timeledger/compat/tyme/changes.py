"""Tyme's changes applied through the ordinary services: `apply_update` creates or updates
one Tyme object (`POST /data/update_entity`, the sync's updates) and `delete_object`
deletes what an id names with everything under it (`DELETE /data/entity`, the sync's
deletions). Every problem names its place: the item's `where` and Tyme's field."""

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.compat.tyme.ids import (
    CUSTOMER,
    ENTRY,
    PROJECT,
    TASK,
    NativeRef,
    TymeIds,
    check_client_id,
)
from timeledger.compat.tyme.objects import (
    BILLING_STATES,
    CENTS,
    ENTITY_OF_TYPE,
    NON_WORKING_RECORD,
    PROJECT_CATEGORY,
    ROUNDING_METHODS,
    SECONDS_PER_MINUTE,
    SUBTYPE_ACTIVITY_KEYS,
    TIMED_SUB_TASK,
    TIMED_TASK,
    TIMED_TASK_RECORD,
    tyme_rounding,
)
from timeledger.compat.tyme.objects import PROJECT as PROJECT_TYPE
from timeledger.compat.tyme.wire import TIME_FORMAT
from timeledger.entries import service as entries
from timeledger.entries.rendering import span_of
from timeledger.entries.schemas import EntryCreate, EntryUpdate
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import BadRequest, Conflict, NotFound, Problem
from timeledger.kit.routing import MAX_ID, unconditional
from timeledger.models import Task, TimeEntry
from timeledger.organization.reach import Access, Area, reached_employee_of_user
from timeledger.organization.today import workspace_basics, workspace_today
from timeledger.projects import service as projects
from timeledger.projects.schemas import (
    CustomerCreate,
    CustomerUpdate,
    ProjectCreate,
    ProjectUpdate,
    TaskCreate,
    TaskUpdate,
)
from timeledger.projects.service import CUSTOMERS, PROJECTS, TASKS
from timeledger.settings.kind_routes import actor_of
from timeledger.settings.kind_schemas import MIN_DATE
from timeledger.settings.service import (
    ACTIVITIES,
    TIMEOFF,
    activity_id_of_key,
    default_work_activity_id,
)
from timeledger.settings.store import ConfigKind
from timeledger.timesheet.spans import FUTURE_TOLERANCE, MAX_SPAN, utc_within_range

# Tyme has no effective dates: what a Tyme client creates is in force for every date (so
# time can be booked on it at once, in the past too); a change takes effect from today.
CREATED_EFFECTIVE_FROM = MIN_DATE

TYME_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")
TYME_DAY = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})( 00:00:00)?$")
ROUNDING_NAMES = {"DOWN": 0, "NEAREST": 1, "UP": 2}
NOUNS = {CUSTOMER: "category", PROJECT: "project", TASK: "task", ENTRY: "time record"}
KINDS: dict[str, ConfigKind[Any, Any]] = {CUSTOMER: CUSTOMERS, PROJECT: PROJECTS, TASK: TASKS}
NATIVE_FIELDS = {
    "name": "name",
    "note": "note",
    "customer_id": "category_id",
    "billable": "billable",
    "hourly_rate_minor": "hourly_rate",
    "budget_kind": "planned_budget",
    "budget_amount": "planned_budget",
    "budget_minutes": "planned_duration",
    "rounding_method": "rounding_method",
    "rounding_minutes": "rounding_minutes",
    "planned_start": "start_date",
    "planned_end": "due_date",
    "archived": "completed_date",
    "parent_task_id": "task_id",
    "project_id": "task_id",
    "task_id": "task_id",
    "started_at": "time_start",
    "since": "time_start",
    "date": "time_start",
    "ended_at": "time_end",
    "minutes": "time_end",
    "billing_state": "billing_state",
    "user_id": "user_id",
    "activity_id": "subtype",
}
"""Tyme's field for each native field a service's problem names."""


class Gone(NotFound):
    """An update of an object deleted meanwhile (by another client, say): deletions win,
    a deleted object is not brought back."""


def _at(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _shown(value: Any) -> str:
    return repr(value)[:40]


@contextmanager
def _placed(where: str) -> Iterator[None]:
    """A problem of the services, its detail prefixed with its place: the item and
    Tyme's name of the field it names."""
    try:
        yield
    except Problem as problem:
        location = str(problem.errors[0].get("location", "")) if problem.errors else ""
        field = NATIVE_FIELDS.get(location.removeprefix("body.").split(".")[0])
        place = _at(where, field) if field else where
        if not place:
            raise
        raise type(problem)(
            f"{place}: {problem.detail}",
            errors=problem.errors,
            headers=problem.headers,
            extra=problem.extra,
        ) from None


@dataclass(frozen=True)
class _Item:
    """One Tyme object being applied: its fields, and where its problems are placed."""

    session: Session
    caller: Caller
    ids: TymeIds
    fields: Mapping[str, Any]
    where: str

    def has(self, name: str) -> bool:
        return name in self.fields

    def bad(self, name: str, message: str) -> BadRequest:
        return BadRequest(f"{_at(self.where, name)}: {message}")

    @property
    def today(self) -> date:
        return workspace_today(self.session, self.caller.workspace_id)

    # Fields by JSON type

    def text(self, name: str) -> str:
        value = self.fields[name]
        if not isinstance(value, str):
            raise self.bad(name, "must be a string.")
        return value

    def note(self, name: str = "note") -> str:
        """A text where null means empty."""
        return "" if self.fields[name] is None else self.text(name)

    def whole(self, name: str) -> int:
        value = self.fields[name]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_ID:
            raise self.bad(name, f"{_shown(value)} is not a whole number.")
        return value

    def not_negative(self, name: str) -> int:
        value = self.whole(name)
        if value < 0:
            raise self.bad(name, f"{value} is negative.")
        return value

    def minor_units(self, name: str) -> int:
        """An amount of money in currency units (a number), in minor units."""
        value = self.fields[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.bad(name, f"{_shown(value)} is not a number.")
        if value < 0:
            raise self.bad(name, f"{value} is negative.")
        cents = (Decimal(str(value)) * CENTS).quantize(Decimal(1), ROUND_HALF_UP)
        return int(cents)

    def flag(self, name: str) -> bool:
        value = self.fields[name]
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise self.bad(name, f"{_shown(value)} is neither true nor false (1 or 0).")

    def instant(self, name: str) -> datetime | None:
        """A time in GMT+0 as `Y-m-d H:i:s`, or null."""
        value = self.fields[name]
        if value is None:
            return None
        if not isinstance(value, str) or not TYME_TIME.match(value):
            raise self.bad(name, f"{_shown(value)} is not a time as Y-m-d H:i:s (GMT+0).")
        try:
            return utc_within_range(datetime.strptime(value, TIME_FORMAT).replace(tzinfo=UTC))
        except ValueError as error:
            raise self.bad(name, f"{value!r} is not a time of the calendar ({error}).") from None

    def required_instant(self, name: str) -> datetime:
        found = self.instant(name) if self.has(name) else None
        if found is None:
            raise self.bad(name, "is required.")
        return found

    def day(self, name: str) -> date | None:
        """A date as `Y-m-d` (or `Y-m-d 00:00:00`, as Tyme shows one), or null."""
        value = self.fields[name]
        if value is None:
            return None
        match = TYME_DAY.match(value) if isinstance(value, str) else None
        try:
            if match is None:
                raise ValueError("not Y-m-d")
            return date.fromisoformat(match.group(1))
        except ValueError:
            raise self.bad(name, f"{_shown(value)} is not a date as Y-m-d.") from None

    def tyme_id(self, name: str) -> str | None:
        """An id, or None for null or an empty string (no object)."""
        value = self.fields[name]
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise self.bad(name, f"{_shown(value)} is not an id (a string).")
        return value

    # References

    def parent_field(self, named: str) -> str | None:
        """The field naming the parent: its own, else `related_id`; None when neither is
        sent."""
        if self.has(named):
            return named
        return "related_id" if self.has("related_id") else None

    def parent(self, field: str, entity: str) -> Any:
        """The live customer, project or task a parent field names, or None for none."""
        tyme_id = self.tyme_id(field)
        if tyme_id is None:
            return None
        ref = self.ids.resolved(tyme_id)
        found = None
        if ref is not None and ref.entity == entity:
            with suppress(NotFound):
                found = KINDS[entity].get(self.session, ref.id)
        if found is None:
            raise self.bad(field, f"{_shown(tyme_id)} names no {NOUNS[entity]}.")
        return found

    def employee_id(self) -> int:
        """The employee record of `user_id` (default: the caller) the caller may write."""
        user_id = self.caller.user_id
        if self.has("user_id") and self.fields["user_id"] is not None:
            user_id = self.user_id()
        with _placed(self.where):
            employee = reached_employee_of_user(
                self.session, self.caller, Area.TIMESHEET, user_id, Access.WRITE
            )
        return employee.id

    def user_id(self) -> int:
        value = self.fields["user_id"]
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not (isinstance(text, str) and text.isascii() and text.isdigit()) or not (
            1 <= int(text) <= MAX_ID
        ):
            raise NotFound(f"{_at(self.where, 'user_id')}: {_shown(value)} names no member.")
        return int(text)

    def native(self, model: type[BaseModel], values: dict[str, Any]) -> Any:
        """`values` as the native request `model`, validated as the native API does; a
        failure is 400 at Tyme's field."""
        try:
            return model.model_validate(values)
        except ValidationError as error:
            first = error.errors()[0]
            native_field = str(first["loc"][0]) if first["loc"] else ""
            field = NATIVE_FIELDS.get(native_field, native_field)
            raise self.bad(field, f"{first['msg']}.") from None


def _changed(changes: dict[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """The changes that change something: Tyme's clients send whole objects."""
    return {name: value for name, value in changes.items() if current.get(name) != value}


def _after_today(item: _Item, kind: ConfigKind[Any, Any], entity_id: int) -> dict[str, Any]:
    """The values of the version in force today, or the first one of an entity that takes
    effect later."""
    found = kind.live_as_of(item.session, [entity_id], item.today)[entity_id]
    return kind.values_of(found.version)


# Categories


def _category_values(item: _Item) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if item.has("name"):
        values["name"] = item.text("name")
    if item.has("note"):
        values["note"] = item.note()
    if item.has("completed_date"):
        values["archived"] = item.instant("completed_date") is not None
    return values


def _create_category(item: _Item) -> NativeRef:
    values = item.native(CustomerCreate, _category_values(item))
    with _placed(item.where):
        projects.require_may_write(item.caller, "create")
        created = CUSTOMERS.create(
            item.session,
            actor_of(item.caller),
            values=values.model_dump(exclude={"key", "effective_from"}),
            effective_from=CREATED_EFFECTIVE_FROM,
        )
    return NativeRef(CUSTOMER, created.entity.id)


def _update_config(
    item: _Item, kind: ConfigKind[Any, Any], entity_id: int, changes: dict[str, Any]
) -> None:
    changes = _changed(changes, _after_today(item, kind, entity_id))
    if not changes:
        return
    with _placed(item.where):
        projects.require_may_write(item.caller, "update")
        kind.add_version(
            item.session,
            actor_of(item.caller),
            entity_id,
            changes=changes,
            effective_from=item.today,
            if_match=unconditional,
        )


def _update_category(item: _Item, customer_id: int) -> None:
    changes = item.native(CustomerUpdate, _category_values(item)).model_dump(exclude_unset=True)
    _update_config(item, CUSTOMERS, customer_id, changes)


# Projects


def _rounding(item: _Item, current: Mapping[str, Any] | None) -> dict[str, Any]:
    """Tyme's method and minutes, each sent or as shown now; to a minute or less is no
    rounding."""
    method, minutes = tyme_rounding(
        current["rounding_method"] if current else "none",
        current["rounding_minutes"] if current else 1,
    )
    if item.has("rounding_method"):
        sent = item.fields["rounding_method"]
        if isinstance(sent, str):
            method = ROUNDING_NAMES.get(sent.upper(), -1)
        else:
            method = item.whole("rounding_method")
        if method not in ROUNDING_METHODS:
            raise item.bad(
                "rounding_method", f"{_shown(sent)} is not 0 (DOWN), 1 (NEAREST) or 2 (UP)."
            )
    if item.has("rounding_minutes"):
        minutes = item.not_negative("rounding_minutes")
    if minutes <= 1:
        return {"rounding_method": "none", "rounding_minutes": 1}
    return {"rounding_method": ROUNDING_METHODS[method], "rounding_minutes": minutes}


def _minutes_of(seconds: int) -> int:
    """Seconds to the nearest minute (half a minute up)."""
    return (seconds + SECONDS_PER_MINUTE // 2) // SECONDS_PER_MINUTE


def _budget(item: _Item, current: Mapping[str, Any] | None) -> dict[str, Any]:
    """Tyme's planned duration and budget, each sent or as shown now, as the one native
    budget: money wins when both are set."""
    kind = current["budget_kind"] if current else "none"
    amount = current["budget_amount"] if current else None
    seconds = amount * SECONDS_PER_MINUTE if kind == "hours" and amount else 0
    money = amount if kind == "money" and amount else 0
    if item.has("planned_duration"):
        seconds = item.not_negative("planned_duration")
    if item.has("planned_budget"):
        money = item.minor_units("planned_budget")
    if money > 0:
        return {"budget_kind": "money", "budget_amount": money}
    if _minutes_of(seconds) > 0:
        return {"budget_kind": "hours", "budget_amount": _minutes_of(seconds)}
    return {"budget_kind": "none", "budget_amount": None}


def _project_values(item: _Item, current: Mapping[str, Any] | None) -> dict[str, Any]:
    values = _category_values(item)
    parent_field = item.parent_field("category_id")
    if parent_field is not None:
        customer = item.parent(parent_field, CUSTOMER)
        values["customer_id"] = customer.id if customer is not None else None
    if item.has("billable"):
        values["billable"] = item.flag("billable")
    if item.has("hourly_rate"):
        values["hourly_rate_minor"] = item.minor_units("hourly_rate") or None
    if item.has("start_date"):
        values["planned_start"] = item.day("start_date")
    if item.has("due_date"):
        values["planned_end"] = item.day("due_date")
    if item.has("rounding_method") or item.has("rounding_minutes"):
        values.update(_rounding(item, current))
    if item.has("planned_duration") or item.has("planned_budget"):
        values.update(_budget(item, current))
    return values


def _create_project(item: _Item) -> NativeRef:
    values = item.native(ProjectCreate, _project_values(item, None))
    customer_start = (
        CUSTOMERS.created_on(item.session, values.customer_id)
        if values.customer_id is not None
        else None
    )
    with _placed(item.where):
        projects.require_may_write(item.caller, "create")
        created = PROJECTS.create(
            item.session,
            actor_of(item.caller),
            values=values.model_dump(exclude={"key", "effective_from"}),
            effective_from=max(CREATED_EFFECTIVE_FROM, customer_start or CREATED_EFFECTIVE_FROM),
        )
    return NativeRef(PROJECT, created.entity.id)


def _update_project(item: _Item, project_id: int) -> None:
    current = _after_today(item, PROJECTS, project_id)
    changes = item.native(ProjectUpdate, _project_values(item, current))
    _update_config(item, PROJECTS, project_id, changes.model_dump(exclude_unset=True))


# Tasks and subtasks


def _task_values(item: _Item) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if item.has("name"):
        values["name"] = item.text("name")
    if item.has("billable"):
        values["billable"] = item.flag("billable")
    if item.has("hourly_rate"):
        values["hourly_rate_minor"] = item.minor_units("hourly_rate") or None
    if item.has("planned_duration"):
        values["budget_minutes"] = _minutes_of(item.not_negative("planned_duration")) or None
    if item.has("completed_date"):
        values["archived"] = item.instant("completed_date") is not None
    return values


def _parent_task(item: _Item, task: Task | None) -> Task | None:
    """The task a subtask's `task_id` (or `related_id`) names: a task without a parent of
    the subtask's project. None when neither is sent."""
    field = item.parent_field("task_id")
    if field is None:
        if task is None:
            raise item.bad("task_id", "a subtask needs its task: send task_id.")
        return None
    parent: Task | None = item.parent(field, TASK)
    if parent is None:
        raise item.bad(field, "a subtask needs its task.")
    if parent.parent_task_id is not None:
        raise item.bad(field, f"{_shown(item.fields[field])} names a subtask, not a task.")
    if task is not None and parent.project_id != task.project_id:
        raise item.bad(field, "a subtask stays in its task's project; create a new one there.")
    return parent


def _task_project(item: _Item, task: Task | None) -> int | None:
    """The project a task's `project_id` (or `related_id`) names; None when neither is
    sent."""
    field = item.parent_field("project_id")
    if field is None:
        if task is None:
            raise item.bad("project_id", "a task needs its project: send project_id.")
        return None
    project = item.parent(field, PROJECT)
    if project is None:
        raise item.bad(field, "a task needs its project.")
    if task is not None and project.id != task.project_id:
        raise item.bad(field, "a task stays in its project; create a new one there.")
    project_id: int = project.id
    return project_id


def _create_task(item: _Item) -> NativeRef:
    """A task, or with a parent task a subtask, in force from when its parents are."""
    parent_id: int | None = None
    if item.fields["type"] == TIMED_SUB_TASK:
        parent = _parent_task(item, None)
        assert parent is not None
        project_id, parent_id = parent.project_id, parent.id
    else:
        project = _task_project(item, None)
        assert project is not None
        project_id = project
    data = item.native(TaskCreate, {**_task_values(item), "parent_task_id": parent_id})
    starts = [
        PROJECTS.created_on(item.session, project_id),
        TASKS.created_on(item.session, parent_id) if parent_id is not None else None,
    ]
    day = max([CREATED_EFFECTIVE_FROM, *(start for start in starts if start is not None)])
    with _placed(item.where):
        projects.require_may_write(item.caller, "create")
        created = projects.create_task(item.session, actor_of(item.caller), project_id, data, day)
    return NativeRef(TASK, created.entity.id)


def _update_task(item: _Item, task_id: int) -> None:
    task = TASKS.get(item.session, task_id)
    values = _task_values(item)
    if item.fields["type"] == TIMED_SUB_TASK:
        parent = _parent_task(item, task)
        if parent is not None and parent.id != task.parent_task_id:
            values["parent_task_id"] = parent.id
    else:
        _task_project(item, task)
    changes = _changed(
        item.native(TaskUpdate, values).model_dump(exclude_unset=True),
        _after_today(item, TASKS, task_id),
    )
    if not changes:
        return
    with _placed(item.where):
        projects.require_may_write(item.caller, "update")
        projects.update_task(
            item.session,
            actor_of(item.caller),
            task.project_id,
            task.id,
            TaskUpdate(**changes),
            item.today,
            unconditional,
        )


# Time records and non-working records


def _is_time_off(item: _Item, entry: TimeEntry) -> bool:
    activity = ACTIVITIES.live_as_of(item.session, [entry.activity_id], entry.day)
    found = activity.get(entry.activity_id)
    return found is not None and found.version.type == TIMEOFF


def _record_task(item: _Item) -> Task | None:
    """The task or subtask a record's `task_id` (or `related_id`) names; None when
    neither is sent."""
    field = item.parent_field("task_id")
    if field is None:
        return None
    task: Task | None = item.parent(field, TASK)
    if task is None:
        raise item.bad(field, "a time record is booked on a task.")
    return task


def _billing_state(item: _Item) -> dict[str, Any]:
    if not item.has("billing_state"):
        return {}
    code = item.whole("billing_state")
    if code not in BILLING_STATES:
        raise item.bad("billing_state", f"{code} is not 0 (unbilled), 1 (billed) or 2 (paid).")
    return {"billing_state": BILLING_STATES[code]}


def _work_activity_id(item: _Item) -> int:
    activity_id = default_work_activity_id(item.session)
    if activity_id is None:
        raise item.bad("type", "the workspace has no work activity to book time records on.")
    return activity_id


def _subtype_activity_id(item: _Item) -> int:
    subtype = item.whole("subtype")
    key = SUBTYPE_ACTIVITY_KEYS.get(subtype)
    if key is None:
        raise item.bad(
            "subtype",
            f"{subtype} is not 0 (vacation), 1 (sick), 2 (other), 3 (public holiday), 4 "
            "(overtime compensation) or 5 (special leave).",
        )
    activity_id = activity_id_of_key(item.session, key)
    if activity_id is None:
        raise item.bad("subtype", f"the workspace has deleted its activity {key!r}.")
    return activity_id


def _create_record(item: _Item) -> NativeRef:
    """A time record on the workspace's work activity: with an end, its span; without,
    a running timer since `time_start`."""
    task = _record_task(item)
    if task is None:
        raise item.bad("task_id", "a time record is booked on a task: send task_id.")
    started = item.required_instant("time_start")
    ended = item.instant("time_end") if item.has("time_end") else None
    values = {
        "activity_id": _work_activity_id(item),
        "project_id": task.project_id,
        "task_id": task.id,
        "note": item.note() if item.has("note") else "",
        **_billing_state(item),
    }
    employee_id = item.employee_id()
    if ended is None:
        data = item.native(EntryCreate, values)
        with _placed(item.where):
            switch = entries.start_timer_on_new_entry(
                item.session, item.caller, employee_id, data, since=started
            )
        assert switch.tracking is not None
        return NativeRef(ENTRY, switch.tracking.id)
    data = item.native(EntryCreate, {**values, "started_at": started, "ended_at": ended})
    with _placed(item.where):
        entry = entries.create_entry(item.session, item.caller, employee_id, data)
    return NativeRef(ENTRY, entry.id)


def _span(item: _Item, employee_id: int, started: datetime, ended: datetime) -> dict[str, Any]:
    """A span as an entry's values, dated where the employee is."""
    with _placed(item.where):
        day = entries.local_date_of(item.session, item.caller, employee_id, started)
    return {"date": day, "started_at": started, "ended_at": ended}


def _absence_time(
    item: _Item, employee_id: int, started: datetime, ended: datetime
) -> dict[str, Any]:
    """An absence that is over (or ends within the tolerance of the time rules) is its
    span; a planned one, the local date of its start and its minutes (a span records time
    that has passed)."""
    if ended <= started:
        raise item.bad("time_end", "must lie after time_start.")
    if ended - started > MAX_SPAN:
        raise item.bad("time_end", "a non-working record lasts at most 24 hours: send one a day.")
    if ended <= utcnow() + FUTURE_TOLERANCE:
        return _span(item, employee_id, started, ended)
    with _placed(item.where):
        day = entries.local_date_of(item.session, item.caller, employee_id, started)
    minutes = int((ended - started).total_seconds()) // SECONDS_PER_MINUTE
    return {"date": day, "minutes": minutes}


def _create_absence(item: _Item) -> NativeRef:
    """A non-working record on the time-off activity of its subtype."""
    if not item.has("subtype"):
        raise item.bad("subtype", "is required.")
    activity_id = _subtype_activity_id(item)
    started = item.required_instant("time_start")
    ended = item.required_instant("time_end")
    employee_id = item.employee_id()
    values = {
        "activity_id": activity_id,
        "note": item.note() if item.has("note") else "",
        **_absence_time(item, employee_id, started, ended),
    }
    data = item.native(EntryCreate, values)
    with _placed(item.where):
        entry = entries.create_entry(item.session, item.caller, employee_id, data)
    return NativeRef(ENTRY, entry.id)


def _entry_values(entry: TimeEntry) -> dict[str, Any]:
    return {
        "date": entry.day,
        "minutes": entry.minutes,
        "started_at": entry.started_at,
        "ended_at": entry.ended_at,
        "activity_id": entry.activity_id,
        "project_id": entry.project_id,
        "task_id": entry.task_id,
        "note": entry.note,
        "billing_state": entry.billing_state,
    }


def _stays_with_its_user(item: _Item, entry: TimeEntry) -> None:
    if not item.has("user_id") or item.fields["user_id"] is None:
        return
    if item.user_id() != entries.entry_view(item.session, item.caller, entry)["user_id"]:
        raise item.bad(
            "user_id",
            "a record stays with its member; create one for the other member and delete this.",
        )


def _sent_span(item: _Item, entry: TimeEntry) -> tuple[datetime, datetime] | None:
    """The span a finished record's update sends: the times sent, the other as shown now
    (an entry of a date and minutes from midnight of its date); None when that is the
    span shown."""
    if not item.has("time_start") and not item.has("time_end"):
        return None
    if item.has("time_end") and item.fields["time_end"] is None:
        raise item.bad("time_end", "a finished record does not run again; start a new one.")
    basics = workspace_basics(item.session, item.caller.workspace_id)
    assert basics is not None
    shown = span_of(entries.entry_view(item.session, item.caller, entry), basics.timezone)
    started = item.required_instant("time_start") if item.has("time_start") else shown[0]
    ended = item.required_instant("time_end") if item.has("time_end") else shown[1]
    return None if (started, ended) == shown else (started, ended)


def _update_entry(item: _Item, entry: TimeEntry, changes: dict[str, Any]) -> None:
    changes = _changed(changes, _entry_values(entry))
    if not changes:
        return
    data = item.native(EntryUpdate, changes)
    with _placed(item.where):
        entries.update_entry(
            item.session,
            item.caller,
            entry.employee_id,
            entry.id,
            data,
            force=False,
            if_match=unconditional,
        )


def _update_running(item: _Item, entry: TimeEntry, changes: dict[str, Any]) -> None:
    """A running record, which Tyme shows as begun its minutes before its timer started:
    stopped by a `time_end` (then its span is from its start to that end), or its timer
    moved by another `time_start`."""
    assert entry.timer_started_at is not None
    counted = timedelta(minutes=entry.minutes)
    shown_start = entry.timer_started_at - counted
    started = item.required_instant("time_start") if item.has("time_start") else shown_start
    ended = item.instant("time_end") if item.has("time_end") else None
    if ended is not None:
        with _placed(item.where):
            entries.stop_timer(item.session, item.caller, entry.employee_id)
        changes.update(_span(item, entry.employee_id, started, ended))
    elif started != shown_start:
        with _placed(item.where):
            entries.start_timer(
                item.session, item.caller, entry.employee_id, entry.id, since=started + counted
            )
    _update_entry(item, entry, changes)


def _located_entry(item: _Item, entry_id: int) -> TimeEntry:
    try:
        return entries.locate_entry(item.session, item.caller, entry_id, Access.WRITE)
    except NotFound:
        raise Gone(
            f"{_at(item.where, 'id')}: {_shown(item.fields['id'])} names a time record that "
            "no longer exists."
        ) from None


def _update_record(item: _Item, entry_id: int) -> None:
    entry = _located_entry(item, entry_id)
    if _is_time_off(item, entry):
        raise item.bad("type", f"{_shown(item.fields['id'])} names a {NON_WORKING_RECORD}.")
    _stays_with_its_user(item, entry)
    changes: dict[str, Any] = _billing_state(item)
    if item.has("note"):
        changes["note"] = item.note()
    task = _record_task(item)
    if task is not None:
        changes.update(project_id=task.project_id, task_id=task.id)
    if entry.timer_started_at is not None:
        _update_running(item, entry, changes)
        return
    span = _sent_span(item, entry)
    if span is not None:
        changes.update(_span(item, entry.employee_id, *span))
    _update_entry(item, entry, changes)


def _update_absence(item: _Item, entry_id: int) -> None:
    entry = _located_entry(item, entry_id)
    if not _is_time_off(item, entry):
        raise item.bad("type", f"{_shown(item.fields['id'])} names a {TIMED_TASK_RECORD}.")
    _stays_with_its_user(item, entry)
    changes: dict[str, Any] = {}
    if item.has("note"):
        changes["note"] = item.note()
    if item.has("subtype"):
        changes["activity_id"] = _subtype_activity_id(item)
    span = _sent_span(item, entry)
    if span is not None:
        changes.update(
            {"started_at": None, "ended_at": None} | _absence_time(item, entry.employee_id, *span)
        )
    _update_entry(item, entry, changes)


# Applying one object


@dataclass(frozen=True)
class _Writer:
    create: Callable[[_Item], NativeRef]
    update: Callable[[_Item, int], None]


WRITERS: dict[str, _Writer] = {
    PROJECT_CATEGORY: _Writer(_create_category, _update_category),
    PROJECT_TYPE: _Writer(_create_project, _update_project),
    TIMED_TASK: _Writer(_create_task, _update_task),
    TIMED_SUB_TASK: _Writer(_create_task, _update_task),
    TIMED_TASK_RECORD: _Writer(_create_record, _update_record),
    NON_WORKING_RECORD: _Writer(_create_absence, _update_absence),
}


def _type_of(item: _Item) -> str:
    if not item.has("type"):
        raise item.bad("type", f"is required: one of {', '.join(WRITERS)}.")
    type_name = item.fields["type"]
    if not isinstance(type_name, str) or type_name not in WRITERS:
        raise item.bad("type", f"{_shown(type_name)} is not one of {', '.join(WRITERS)}.")
    return type_name


def _named_object(item: _Item, tyme_id: str, type_name: str) -> NativeRef | None:
    """The object an id names (None for an id no object has yet): of the entity of
    `type_name`, and alive (else `Gone`). Whether a task is a subtask, an entry a
    non-working record, its writer checks."""
    ref = item.ids.resolved(tyme_id)
    if ref is None:
        check_client_id(tyme_id, _at(item.where, "id"))
        return None
    if ref.entity != ENTITY_OF_TYPE[type_name]:
        raise item.bad("type", f"{_shown(tyme_id)} names a {NOUNS[ref.entity]}, not a {type_name}.")
    if ref.entity in KINDS:
        try:
            entity = KINDS[ref.entity].get(item.session, ref.id)
        except NotFound:
            raise Gone(
                f"{_at(item.where, 'id')}: {_shown(tyme_id)} names a {NOUNS[ref.entity]} "
                "that no longer exists."
            ) from None
        if ref.entity == TASK and (entity.parent_task_id is None) != (type_name == TIMED_TASK):
            other = TIMED_TASK if type_name == TIMED_SUB_TASK else TIMED_SUB_TASK
            raise item.bad("type", f"{_shown(tyme_id)} names a {other}.")
    return ref


def _give(item: _Item, tyme_id: str, ref: NativeRef) -> None:
    try:
        item.ids.give(tyme_id, ref.entity, ref.id)
    except IntegrityError:
        raise Conflict(
            f"{_at(item.where, 'id')}: another request has just created an object with the "
            f"id {_shown(tyme_id)}; sync again."
        ) from None


def apply_update(
    session: Session, caller: Caller, ids: TymeIds, item: Mapping[str, Any], where: str
) -> NativeRef:
    """Create or update one object from its Tyme JSON (`type` required; `id` optional: a
    new id creates the object under it, a known one updates it, only in the fields sent).
    `where` prefixes every problem's place (`time_updates[3]`, or "" for none)."""
    change = _Item(session, caller, ids, item, where)
    type_name = _type_of(change)
    tyme_id = change.tyme_id("id") if change.has("id") else None
    named = _named_object(change, tyme_id, type_name) if tyme_id is not None else None
    writer = WRITERS[type_name]
    if named is not None:
        writer.update(change, named.id)
        return named
    created = writer.create(change)
    if tyme_id is not None:
        _give(change, tyme_id, created)
    return created


# Deleting


def _delete_entry(session: Session, caller: Caller, entry_id: int) -> bool:
    try:
        entry = entries.locate_entry(session, caller, entry_id, Access.WRITE)
    except NotFound:
        return False
    entries.delete_entry(
        session, caller, entry.employee_id, entry.id, force=False, if_match=unconditional
    )
    return True


def _delete_tasks(session: Session, caller: Caller, project_id: int, task_ids: list[int]) -> None:
    """Delete the tasks (each after those below it) and the time booked on them."""
    entries.delete_entries_booked_on(session, caller, task_ids=task_ids)
    today = workspace_today(session, caller.workspace_id)
    for task_id in task_ids:
        projects.delete_task(
            session, actor_of(caller), project_id, task_id, today, if_match=unconditional
        )


def _delete_task(session: Session, caller: Caller, task_id: int) -> bool:
    try:
        task = TASKS.get(session, task_id)
    except NotFound:
        return False
    projects.require_may_write(caller, "delete")
    below = projects.live_task_ids_below(session, task.project_id, task.id)
    _delete_tasks(session, caller, task.project_id, [*below, task.id])
    return True


def _delete_project(session: Session, caller: Caller, project_id: int) -> bool:
    try:
        PROJECTS.get(session, project_id)
    except NotFound:
        return False
    projects.require_may_write(caller, "delete")
    entries.delete_entries_booked_on(session, caller, project_ids=[project_id])
    _delete_tasks(session, caller, project_id, projects.live_task_ids_below(session, project_id))
    today = workspace_today(session, caller.workspace_id)
    PROJECTS.delete(session, actor_of(caller), project_id, today=today, if_match=unconditional)
    return True


def _delete_category(session: Session, caller: Caller, customer_id: int) -> bool:
    try:
        CUSTOMERS.get(session, customer_id)
    except NotFound:
        return False
    projects.require_may_write(caller, "delete")
    today = workspace_today(session, caller.workspace_id)
    for project_id in projects.project_ids_of_customer(session, customer_id, today):
        _delete_project(session, caller, project_id)
    CUSTOMERS.delete(session, actor_of(caller), customer_id, today=today, if_match=unconditional)
    return True


DELETERS: dict[str, Callable[[Session, Caller, int], bool]] = {
    CUSTOMER: _delete_category,
    PROJECT: _delete_project,
    TASK: _delete_task,
    ENTRY: _delete_entry,
}


def delete_object(
    session: Session,
    caller: Caller,
    ids: TymeIds,
    tyme_id: str,
    group: Literal["project", "time"],
    where: str,
) -> NativeRef | None:
    """Delete what an id names: a time id an entry; a project id a category, project,
    task or subtask, with everything under it (projects, tasks, subtasks and the time
    booked on them), as Tyme does. None when the id names nothing that exists (any more):
    clients send deletions again. One refused deletion refuses the caller's request."""
    ref = ids.resolved(tyme_id)
    if ref is None:
        return None
    if (ref.entity == ENTRY) != (group == "time"):
        other = "time ids" if ref.entity == ENTRY else "project ids"
        raise BadRequest(
            f"{where}: {_shown(tyme_id)} names a {NOUNS[ref.entity]}; send it among the {other}."
        )
    with _placed(where):
        deleted = DELETERS[ref.entity](session, caller, ref.id)
    return ref if deleted else None
