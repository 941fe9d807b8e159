"""Rules of time entries: what an entry's values become when written (derived minutes,
rounding, billable default, rate and revenue, customer), who may write which entry, locks,
settled entries and timers. Every write keeps the per-day totals and the change log; a
batch creates many entries by the same rules, all of them or none."""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.access.permissions import Scope
from timeledger.approvals.log import ProjectWeeksWatch, Submitted, watch_project_weeks
from timeledger.changelog.service import ChangeOf, record_change, record_changes
from timeledger.entries import validators
from timeledger.entries.day_totals import (
    CreatedTotals,
    EntryFigures,
    add_created_totals,
    record_entries_created,
    record_entry_change,
    totals_of_created,
)
from timeledger.entries.fields import SETTABLE_COLUMNS, STORED_COLUMNS, column_of
from timeledger.entries.rendering import render_entry, render_entry_values
from timeledger.entries.repository import EntryRepository
from timeledger.entries.schemas import (
    ApprovalStatus,
    BillingState,
    EntryBatchItem,
    EntryCreate,
    EntryFields,
    EntryUpdate,
)
from timeledger.entries.team_totals import entry_minutes_by_day
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, Forbidden, NotFound, Problem, Unprocessable
from timeledger.kit.etag import etag_for
from timeledger.kit.jsonio import to_jsonable
from timeledger.kit.routing import unconditional
from timeledger.kit.timeutil import local_date
from timeledger.kit.versioning import in_force_of
from timeledger.models import Employee, EmployeeVersion, Employment, TimeEntry
from timeledger.organization.reach import (
    Access,
    Area,
    reached_employee,
    reached_employee_id,
    reaches,
)
from timeledger.organization.repository import (
    EMPLOYEE_VERSIONS,
    EmployeeRepository,
    EmploymentRepository,
)
from timeledger.organization.today import workspace_basics, workspace_today
from timeledger.projects.rates import (
    RateResolution,
    VersionReads,
    resolve_hourly_rate,
    revenue_minor,
)
from timeledger.projects.rounding import round_minutes
from timeledger.projects.service import CUSTOMERS, MAX_NESTING, PROJECTS, TASKS
from timeledger.settings.service import ACTIVITIES
from timeledger.timesheet import locks, spans
from timeledger.timesheet.locks import LockedPeriod
from timeledger.timesheet.spans import MINUTES_PER_DAY

IfMatch = Callable[[str], None]
SETTABLE_BY_OWNER = {
    (ApprovalStatus.NOT_APPROVED_YET, ApprovalStatus.UNDER_APPROVAL),
    (ApprovalStatus.DISAPPROVED, ApprovalStatus.UNDER_APPROVAL),
    (ApprovalStatus.UNDER_APPROVAL, ApprovalStatus.NOT_APPROVED_YET),
}
ENTITY = "entry"
FROZEN_RATE_STATES = {BillingState.BILLED, BillingState.PAID}
SPAN_FIELDS = ("started_at", "ended_at", "breaks")
BOOKKEEPING_COLUMNS = frozenset(
    {"id", "employee_id", "presence_interval_id", "timeoff_request_id", "created_at", "updated_at"}
)
FIGURES = tuple(figure.name for figure in fields(EntryFigures))
"""The columns an entry's figures for the totals are (`EntryFigures`)."""
SETTLED_COLUMNS = tuple(
    column for column in STORED_COLUMNS if column not in BOOKKEEPING_COLUMNS | {"breaks"}
)
"""What `_settle` derives from the request and the stored entry: every shown column but
the entry's bookkeeping and its breaks (stored as JSON)."""
UNCHANGED_WHEN_NULL = frozenset(
    {"day", "minutes", "activity_id", "breaks", "dimension_values", "note", "billing_state",
     "approval_status", "locked"}
)  # fmt: skip


Found = TypeVar("Found")
RequestedEntry = dict[str, Any]
"""A new entry's values by column, `employee_id` included, as `_requested` makes them of
an `EntryBatchItem`."""


@dataclass(frozen=True)
class Writer:
    """Who writes to which employee's timesheet, and what they may do beyond writing."""

    caller: Caller
    employee: Employee
    today: date
    now: datetime
    may_force: bool
    may_approve: bool

    @property
    def is_owner(self) -> bool:
        return self.employee.user_id == self.caller.user_id


@dataclass(frozen=True)
class EarlierItem:
    """An item settled earlier in the same batch: not stored yet, so the day's total and
    the overlap rule count it from here. `id` is its index in the batch."""

    id: int
    employee_id: int
    day: date
    minutes: int
    started_at: datetime | None
    ended_at: datetime | None

    @classmethod
    def of(cls, index: int, employee_id: int, values: dict[str, Any]) -> "EarlierItem":
        return cls(
            index, employee_id, values["day"], values["minutes"], values.get("started_at"),
            values.get("ended_at"),
        )  # fmt: skip


def _local_days_of(moment: datetime) -> set[date]:
    """The dates `moment` may have in any time zone: its UTC date and the days beside it,
    those within the calendar (an instant at its edge is refused later, by the span rules)."""
    days: set[date] = set()
    for shift in (-1, 0, 1):
        try:
            days.add((moment + timedelta(days=shift)).astimezone(UTC).date())
        except OverflowError:
            continue
    return days


@dataclass
class Lookups:
    """What settling an entry reads besides its own values: the employee's employment
    periods and time zone, the versions its references have on its day, its rate, and the
    items a batch settled before it. A batch shares one, so its items ask the database once
    for what they have in common."""

    session: Session
    periods: dict[int, list[Employment]] = field(default_factory=dict)
    timezones: dict[tuple[int, date], str] = field(default_factory=dict)
    references: dict[tuple[Any, ...], list[tuple[date, date, validators.References]]] = field(
        default_factory=dict
    )
    """Checked references by (activity, project, task), each with the days it holds on
    (`VersionReads.watched_days`)."""
    rates: dict[tuple[Any, ...], list[tuple[date, date, RateResolution]]] = field(
        default_factory=dict
    )
    """Resolved rates by what they depend on but the day, each with the days it holds on
    (`VersionReads.watched_days`)."""
    rate_versions: VersionReads = field(default_factory=VersionReads)
    earlier_items: dict[int, list[EarlierItem]] = field(default_factory=dict)
    """The items a batch settled before, by employee."""
    earlier_day_minutes: dict[tuple[int, date], int] = field(default_factory=dict)
    """Their minutes by (employee, day): a batch's check of each day's room reads one sum
    instead of every item before it."""
    stored_day_minutes: dict[tuple[int, date], int] = field(default_factory=dict)
    """Stored minutes by (employee, day), read at once for the days of a batch's items."""
    minutes_read_for: frozenset[tuple[int, date]] = frozenset()
    histories: dict[int, list[EmployeeVersion]] = field(default_factory=dict)
    """Every version of a batch's employees, oldest first, read at once."""

    def remember(self, item: EarlierItem) -> None:
        """`item` settled: the batch's later items are checked against it."""
        self.earlier_items.setdefault(item.employee_id, []).append(item)
        key = (item.employee_id, item.day)
        self.earlier_day_minutes[key] = self.earlier_day_minutes.get(key, 0) + item.minutes

    def read_employment_periods(self, employee_ids: Collection[int]) -> None:
        """Reads the employment periods of every employee of a batch in one query."""
        self.periods.update(EmploymentRepository(self.session).of_employees(employee_ids))

    def read_stored_minutes(self, items: Collection[RequestedEntry]) -> None:
        """Reads in one query the stored minutes of every day the new `items` may fall on
        (its employee's date, or the days around its start in any time zone), from the day
        totals: a row per activity and project of a day, however many entries it holds."""
        days: set[tuple[int, date]] = set()
        for item in items:
            employee_id, day, started_at = (
                item["employee_id"], item.get("day"), item.get("started_at")
            )  # fmt: skip
            if day is not None:
                days.add((employee_id, day))
            if started_at is not None:
                days.update((employee_id, day) for day in _local_days_of(started_at))
        self.minutes_read_for = frozenset(days)
        if not days:
            return
        dates = [day for _, day in days]
        stored = entry_minutes_by_day(
            self.session, {employee_id for employee_id, _ in days}, min(dates), max(dates)
        )
        self.stored_day_minutes = {key: stored[key] for key in days if key in stored}

    def stored_minutes(self, employee_id: int, day: date, entry: TimeEntry | None) -> int:
        """The minutes stored on the employee's day, but `entry`'s own."""
        if entry is None and (employee_id, day) in self.minutes_read_for:
            return self.stored_day_minutes.get((employee_id, day), 0)
        exclude_id = entry.id if entry is not None else None
        return EntryRepository(self.session).minutes_on(employee_id, day, exclude_id=exclude_id)

    def read_employee_versions(self, employee_ids: Collection[int]) -> None:
        """Reads the versions of every employee of a batch in one query: their zones and
        rates on any day."""
        histories = EmployeeRepository(self.session).histories(employee_ids)
        self.histories.update(histories)
        self.rate_versions.know_histories(EMPLOYEE_VERSIONS, histories)

    def read_references(
        self, items: Collection[RequestedEntry], writers: Collection[Writer]
    ) -> None:
        """Reads at once what the `items` refer to, with every version: their activities,
        projects, tasks (and the tasks' parents) and the projects' customers; and the
        projects' rates for the items' activities and for the writers' users. The rules
        and the rates then find each on any day without a query."""
        reads, session = self.rate_versions, self.session
        tasks = reads.read_entities(
            session, TASKS, {i["task_id"] for i in items if i.get("task_id")}
        )
        for _ in range(MAX_NESTING):
            parents = {task.parent_task_id for task in tasks if task.parent_task_id is not None}
            if not parents:
                break
            tasks = reads.read_entities(session, TASKS, parents)
        reads.read_entities(session, ACTIVITIES, {item["activity_id"] for item in items})
        project_ids = {item["project_id"] for item in items if item.get("project_id") is not None}
        reads.read_entities(session, PROJECTS, project_ids)
        customer_ids = {
            version.customer_id
            for project_id in project_ids
            for version in reads.histories.get((PROJECTS.version_model, project_id), ())
            if version.customer_id is not None
        }
        reads.read_entities(session, CUSTOMERS, customer_ids)
        users_of = {w.employee.id: w.employee.user_id for w in writers}
        project_activities: set[tuple[int, int]] = set()
        project_members: set[tuple[int, int]] = set()
        for item in items:
            project_id = item.get("project_id")
            if project_id is None:
                continue
            project_activities.add((project_id, item["activity_id"]))
            user_id = users_of.get(item["employee_id"])
            if user_id is not None:
                project_members.add((project_id, user_id))
        reads.read_fixed_rates(session, project_activities, project_members)

    def employment_periods(self, employee: Employee) -> list[Employment]:
        if employee.id not in self.periods:
            query = EmploymentRepository(self.session).of(employee.id)
            self.periods[employee.id] = list(self.session.scalars(query))
        return self.periods[employee.id]

    def timezone(self, employee: Employee, day: date) -> str:
        key = (employee.id, day)
        if key not in self.timezones:
            if employee.id not in self.histories:
                self.read_employee_versions([employee.id])
            version = in_force_of(self.histories[employee.id], day)
            self.timezones[key] = _zone_of(self.session, employee, version)
        return self.timezones[key]

    def effective_references(
        self, day: date, activity_id: int, project_id: int | None, task_id: int | None
    ) -> validators.References:
        """The references' versions on `day`, checked once for all the days on which the
        same versions are in force (their histories read once, shared with the rates)."""

        def check() -> validators.References:
            reads = self.rate_versions
            in_force = {
                kind.name: reads.in_force(self.session, kind, entity_id, day)
                for kind, entity_id in ((ACTIVITIES, activity_id), (PROJECTS, project_id),
                                        (TASKS, task_id))
                if entity_id is not None
            }  # fmt: skip
            return validators.references_effective(
                self.session, day, activity_id, project_id, task_id,
                lambda kind, _entity_id: in_force.get(kind.name),
            )  # fmt: skip

        return self._on_day(self.references, (activity_id, project_id, task_id), day, check)

    def hourly_rate(self, employee: Employee, values: dict[str, Any]) -> RateResolution:
        """The rate of an entry with `values`, resolved once for all the days on which the
        same versions are in force."""
        key = (values["activity_id"], values.get("project_id"), values.get("task_id"),
               employee.user_id, employee.id)  # fmt: skip
        day: date = values["day"]
        return self._on_day(
            self.rates,
            key,
            day,
            lambda: resolve_hourly_rate(
                self.session, day=day, activity_id=key[0], project_id=key[1], task_id=key[2],
                user_id=key[3], employee_id=key[4], reads=self.rate_versions,
            ),
        )  # fmt: skip

    def _on_day(
        self,
        known: dict[tuple[Any, ...], list[tuple[date, date, Found]]],
        key: tuple[Any, ...],
        day: date,
        find: Callable[[], Found],
    ) -> Found:
        """What `find` answers for `key` on `day`: known already when an answer holds on
        that day, else found while the days on which the versions it reads are in force
        are watched, and known for those days from then on."""
        for since, until, found in known.get(key, ()):
            if since <= day < until:
                return found
        self.rate_versions.watch_days()
        try:
            answer = find()
        finally:
            since, until = self.rate_versions.watched_days()
        known.setdefault(key, []).append((since, until, answer))
        return answer


@dataclass(frozen=True)
class TimerSwitch:
    tracking: TimeEntry | None
    stopped: TimeEntry | None


def entry_etag(entry: TimeEntry) -> str:
    return etag_for("entry", entry.id, entry.row_version)


def currency_of(session: Session, caller: Caller) -> str:
    basics = workspace_basics(session, caller.workspace_id)
    assert basics is not None
    return basics.currency


def entry_view(session: Session, caller: Caller, entry: TimeEntry) -> dict[str, Any]:
    return entry_views(session, caller, [entry])[0]


def entry_views(
    session: Session, caller: Caller, entries: Sequence[TimeEntry]
) -> list[dict[str, Any]]:
    """The entries as the API shows them; the currency and each employee's user are read
    once, as every check of reach reads them (kept between reads, see
    `EmployeeRepository.live`); a deleted employee is loaded."""
    currency = currency_of(session, caller)
    user_ids = {
        employee_id: _user_id_of(session, caller.workspace_id, employee_id)
        for employee_id in {entry.employee_id for entry in entries}
    }
    return [
        render_entry(entry, user_id=user_ids[entry.employee_id], currency=currency)
        for entry in entries
    ]


def _user_id_of(session: Session, workspace_id: int, employee_id: int) -> int | None:
    live = EmployeeRepository(session).live(workspace_id, employee_id)
    if live is not None:
        return live.user_id
    employee = session.get(Employee, employee_id)
    return employee.user_id if employee is not None else None


def _writer(session: Session, caller: Caller, employee_id: int) -> Writer:
    today = workspace_today(session, caller.workspace_id)
    employee = reached_employee(session, caller, Area.TIMESHEET, employee_id, Access.WRITE)
    return Writer(
        caller=caller,
        employee=employee,
        today=today,
        now=utcnow(),
        may_force=caller.may("timesheet:force:*"),
        may_approve=reaches(session, caller, Area.TIMESHEET, Access.APPROVE, employee.id),
    )


def get_entry(session: Session, caller: Caller, employee_id: int, entry_id: int) -> TimeEntry:
    reached_employee_id(session, caller, Area.TIMESHEET, employee_id)
    return _entry_of(session, employee_id, entry_id)


def locate_entry(session: Session, caller: Caller, entry_id: int, access: Access) -> TimeEntry:
    """An entry addressed by its id alone, as the faces address them: 404 when the caller
    cannot read its employee's timesheet, 403 when they can read it but not `access` it."""
    entry = EntryRepository(session).get(entry_id)
    try:
        if entry is None:
            raise NotFound(f"No time entry {entry_id}.")
        reached_employee_id(session, caller, Area.TIMESHEET, entry.employee_id, access)
    except NotFound:
        raise NotFound(f"No time entry {entry_id}.") from None
    return entry


def _entry_of(session: Session, employee_id: int, entry_id: int) -> TimeEntry:
    entry = EntryRepository(session).of_employee(employee_id, entry_id)
    if entry is None:
        raise NotFound(f"No time entry {entry_id} of employee {employee_id}.")
    return entry


# Values


def _zone_of(session: Session, employee: Employee, version: EmployeeVersion | None) -> str:
    """The zone of the employee's version in force, else the workspace's."""
    if version is not None and version.timezone:
        return version.timezone
    basics = workspace_basics(session, employee.workspace_id)
    assert basics is not None
    return basics.timezone


def _spans(breaks: list[dict[str, Any]] | None) -> list[tuple[datetime, datetime]]:
    return [
        (datetime.fromisoformat(item["started_at"]), datetime.fromisoformat(item["ended_at"]))
        for item in breaks or []
    ]


def _stored_breaks(spans: list[tuple[datetime, datetime]]) -> list[dict[str, Any]]:
    return [{"started_at": start, "ended_at": end} for start, end in sorted(spans)]


def _requested(data: EntryFields) -> dict[str, Any]:
    values = {column_of(name): value for name, value in data.model_dump(exclude_unset=True).items()}
    for name in ("started_at", "ended_at"):
        if values.get(name) is not None:
            values[name] = spans.require_within_range(values[name], location=f"body.{name}")
    if values.get("breaks") is not None:
        values["breaks"] = [
            tuple(
                spans.require_within_range(item[name], location=f"body.breaks.{index}.{name}")
                for name in ("started_at", "ended_at")
            )
            for index, item in enumerate(values["breaks"])
        ]
    return values


def _merge(entry: TimeEntry | None, requested: dict[str, Any]) -> dict[str, Any]:
    """The values the entry would have: stored ones changed by the request. Sending
    `minutes` without a span turns a span entry into a duration entry."""
    if entry is None:
        values: dict[str, Any] = {
            "breaks": [],
            "dimension_values": {},
            "note": "",
            "locked": False,
            "creation_type": None,
        }
    else:
        values = {column: getattr(entry, column) for column in SETTABLE_COLUMNS}
        values.update(
            breaks=_spans(entry.breaks), dimension_values=dict(entry.dimension_values or {})
        )
    requested = {
        name: value
        for name, value in requested.items()
        if value is not None or name not in UNCHANGED_WHEN_NULL
    }
    sends_span = any(name in requested for name in ("started_at", "ended_at"))
    if "minutes" in requested and not sends_span:
        values.update(started_at=None, ended_at=None, breaks=[])
    if "project_id" in requested and requested["project_id"] is None:
        values["task_id"] = None
    values.update(requested)
    return values


def _day_of(lookups: Lookups, employee: Employee, instant: datetime) -> date:
    """The date of `instant` where the employee is, as the date of a span's start."""
    return local_date(instant, lookups.timezone(employee, local_date(instant, "UTC")))


def local_date_of(session: Session, caller: Caller, employee_id: int, instant: datetime) -> date:
    """The date an entry starting at `instant` has in the employee's time zone."""
    employee = reached_employee(session, caller, Area.TIMESHEET, employee_id)
    return _day_of(Lookups(session), employee, instant)


def _settle_span(lookups: Lookups, writer: Writer, values: dict[str, Any]) -> None:
    """Derive the date, time zone and minutes of an entry with a start and end."""
    employee = writer.employee
    started_at, ended_at = values.get("started_at"), values.get("ended_at")
    spans.require_both_or_neither(started_at, ended_at)
    breaks = values.get("breaks") or []
    spans.require_span_for_breaks(breaks, started_at, ended_at)
    if started_at is None or ended_at is None:
        values.update(timezone=None, break_minutes=0, breaks=[])
        if values.get("day") is None:
            raise Unprocessable(
                "An entry needs a date, or started_at and ended_at.",
                errors=[{"location": "body.date", "message": "required"}],
            )
        if values.get("minutes") is None:
            values["minutes"] = 0
        return
    spans.require_end_after_start(started_at, ended_at, location="body.ended_at")
    spans.require_not_too_long(started_at, ended_at, location="body.ended_at")
    spans.require_not_in_future(ended_at, writer.now, location="body.ended_at")
    spans.require_breaks_inside(started_at, ended_at, breaks)
    timezone = lookups.timezone(employee, local_date(started_at, "UTC"))
    start_day = local_date(started_at, timezone)
    if values.get("day") not in (None, start_day):
        raise Unprocessable(
            f"date {values['day']} differs from the local date of started_at ({start_day} "
            f"in {timezone}); leave date out to derive it.",
            errors=[{"location": "body.date", "message": "differs from started_at"}],
        )
    break_minutes = spans.break_minutes(breaks)
    worked = (ended_at - started_at) // timedelta(minutes=1) - break_minutes
    values.update(
        day=start_day,
        timezone=timezone,
        break_minutes=break_minutes,
        minutes=worked,
        breaks=_stored_breaks(breaks),
    )


def _settle(
    lookups: Lookups, writer: Writer, values: dict[str, Any], entry: TimeEntry | None
) -> dict[str, Any]:
    """Check the complete values against every rule and derive what follows from them."""
    employee = writer.employee
    _settle_span(lookups, writer, values)
    day: date = values["day"]
    if not _kept(entry, values, "day"):
        spans.require_within_planning_horizon(day, writer.today)
    validators.date_within_employment(employee, lookups.employment_periods(employee), day)
    references = lookups.effective_references(
        day, values["activity_id"], values.get("project_id"), values.get("task_id")
    )
    validators.project_when_required(references, values["activity_id"])
    validators.dimension_values_allowed(
        lookups.session, day, references.activity, values.get("dimension_values") or {}
    )
    project = references.project
    if project is not None and project.rounding_method != "none":
        values["minutes"] = round_minutes(
            values["minutes"], project.rounding_method, project.rounding_minutes
        )
    spans.require_minutes_within_a_day(values["minutes"])
    if entry is None or entry.day != day or values["minutes"] > entry.minutes:
        _require_room_on_the_day(lookups, employee, values, entry)
    if not _kept(entry, values, "started_at", "ended_at"):
        _require_apart_from_other_spans(lookups, employee, values, entry)
    if values.get("billable") is None:
        values["billable"] = _default_billable(references)
    values["customer_id"] = project.customer_id if project is not None else None
    values.setdefault("billing_state", BillingState.UNBILLED)
    values.setdefault("approval_status", ApprovalStatus.NOT_APPROVED_YET)
    _price(lookups, employee, values, entry)
    return values


def _kept(entry: TimeEntry | None, values: dict[str, Any], *names: str) -> bool:
    """Whether a change leaves these values of the stored entry as they are: the limits of
    time are checked when time is added or moved, so an entry stored before a limit
    existed still changes in other ways."""
    return entry is not None and all(getattr(entry, name) == values.get(name) for name in names)


def _require_room_on_the_day(
    lookups: Lookups, employee: Employee, values: dict[str, Any], entry: TimeEntry | None
) -> None:
    day: date = values["day"]
    stored = lookups.stored_minutes(employee.id, day, entry)
    in_batch = lookups.earlier_day_minutes.get((employee.id, day), 0)
    spans.require_day_total_within_a_day(day, values["minutes"], stored + in_batch)


def _require_apart_from_other_spans(
    lookups: Lookups, employee: Employee, values: dict[str, Any], entry: TimeEntry | None
) -> None:
    """The spans of one employee's entries never share time (touching is fine)."""
    started_at, ended_at = values.get("started_at"), values.get("ended_at")
    if started_at is None or ended_at is None:
        return
    for item in lookups.earlier_items.get(employee.id, ()):
        if item.started_at is not None and spans.overlap(
            (started_at, ended_at), (item.started_at, item.ended_at)
        ):
            spans.require_apart(item, kind="item")
    other = EntryRepository(lookups.session).overlapping(
        employee.id,
        values["day"],
        started_at,
        ended_at,
        exclude_id=entry.id if entry is not None else None,
    )
    spans.require_apart(other, kind="entry")


def _default_billable(references: validators.References) -> bool:
    if references.project is None:
        return bool(references.activity.billable)
    task_billable = references.task.billable if references.task is not None else True
    return bool(references.project.billable and task_billable)


def _price(
    lookups: Lookups, employee: Employee, values: dict[str, Any], entry: TimeEntry | None
) -> None:
    """Rate and revenue from the rate order; a billed or paid entry keeps its rate."""
    if entry is not None and values["billing_state"] in FROZEN_RATE_STATES:
        rate, source = entry.hourly_rate_minor, entry.rate_source
    else:
        resolution = lookups.hourly_rate(employee, values)
        rate, source = resolution.hourly_rate_minor, resolution.source
    values["hourly_rate_minor"] = rate
    values["rate_source"] = source
    values["revenue_minor"] = (
        revenue_minor(values["minutes"], rate) if rate is not None and values["billable"] else None
    )


def _check_privileged_fields(writer: Writer, entry: TimeEntry | None, requested: dict[str, Any]
                             ) -> None:  # fmt: skip
    current_lock = entry.locked if entry is not None else False
    wanted_lock = requested.get("locked")
    if wanted_lock is not None and wanted_lock != current_lock and not writer.may_force:
        raise Forbidden("Locking and unlocking entries needs timesheet:force:*.")
    current = ApprovalStatus(entry.approval_status) if entry else ApprovalStatus.NOT_APPROVED_YET
    wanted = requested.get("approval_status")
    if wanted is None or wanted == current:
        return
    if writer.is_owner:
        # Nobody decides their own entries, whatever their rights over others.
        if (current, wanted) in SETTABLE_BY_OWNER:
            return
        raise Forbidden(
            f"Changing the approval status of your own entry from {current} to {wanted} "
            "is someone else's decision: you may submit it (under_approval) or take it back "
            "(not_approved_yet)."
        )
    if not writer.may_approve:
        raise Forbidden(
            f"Changing the approval status from {current} to {wanted} needs timesheet:approve "
            "for this employee."
        )


def _apply(entry: TimeEntry, values: dict[str, Any]) -> None:
    for column in SETTLED_COLUMNS:
        setattr(entry, column, values.get(column))
    entry.breaks = _stored_breaks_json(values)


def _stored_breaks_json(values: dict[str, Any]) -> list[Any]:
    breaks = values.get("breaks")
    return to_jsonable(breaks) if breaks else []


def _log(
    session: Session, caller: Caller, entry: TimeEntry, op: str, view: dict[str, Any] | None = None
) -> None:
    """Record the change of `entry` with its `view` (rendered here unless given)."""
    record_change(
        session,
        workspace_id=caller.workspace_id,
        actor_user_id=caller.user_id,
        entity=ENTITY,
        entity_id=entry.id,
        op=op,
        data=to_jsonable(view if view is not None else entry_view(session, caller, entry)),
    )


# Writing


def create_entry(
    session: Session,
    caller: Caller,
    employee_id: int,
    data: EntryCreate,
    *,
    force: bool = False,
    presence_interval_id: int | None = None,
) -> TimeEntry:
    writer = _writer(session, caller, employee_id)
    EntryRepository(session).serialize_writes_of(writer.employee.id)
    validators.force_allowed(force=force, may_force=writer.may_force)
    requested = _requested(data)
    _check_privileged_fields(writer, None, requested)
    values = _settle(Lookups(session), writer, _merge(None, requested), None)
    day_lock = locks.check_days_unlocked(
        session, writer.employee.id, [values["day"]], force=force, may_force=writer.may_force
    )
    _follow_period_lock(values, requested, locked_before=None, locked_now=day_lock)
    entry = _new_entry(caller, writer, values, utcnow())
    entry.presence_interval_id = presence_interval_id
    watch = _watching(session, caller, [(None, writer.employee.id, values)])
    EntryRepository(session).add(entry)
    record_entry_change(session, caller.workspace_id, None, EntryFigures.of(entry))
    _log(session, caller, entry, "created")
    watch.announce()
    return entry


def _follow_period_lock(
    values: dict[str, Any],
    requested: dict[str, Any],
    *,
    locked_before: LockedPeriod | None,
    locked_now: LockedPeriod | None,
) -> None:
    """An entry written with force into a locked period is `locked` like the period's
    other entries; one moved out of a locked period is no longer. A `locked` the request
    sends wins."""
    if requested.get("locked") is not None:
        return
    if locked_now is not None:
        values["locked"] = True
    elif locked_before is not None:
        values["locked"] = False


def _new_entry(caller: Caller, writer: Writer, values: dict[str, Any], now: datetime) -> TimeEntry:
    return TimeEntry(**_new_entry_row(caller, writer, values, now))


def _new_entry_row(
    caller: Caller, writer: Writer, values: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The column values of a new entry with the settled `values`."""
    row = {column: values.get(column) for column in SETTLED_COLUMNS}
    row.update(
        workspace_id=caller.workspace_id,
        employee_id=writer.employee.id,
        breaks=_stored_breaks_json(values),
        presence_interval_id=None,
        timeoff_request_id=None,
        created_by_user_id=caller.user_id,
        created_at=now,
        updated_at=now,
        row_version=1,
    )
    return row


def create_entries(
    session: Session, caller: Caller, items: Sequence[EntryBatchItem | RequestedEntry]
) -> list[dict[str, Any]]:
    """Create every item as `create_entry` would, or none: each item is checked by the
    same rules, then all are stored with one INSERT, one totals update and one change-log
    entry each, without an ORM object per entry. Answers the created entries as the API
    shows them (`entry_views`), in the items' order. A refusal names every failing item
    (see `_refusal`). An item is the API's `EntryBatchItem` or already its values by
    column (an import's rows, read and checked by their reader: building a model of each
    cost the import more than the rules)."""
    return store_entries(session, caller, settle_entries(session, caller, items))


@dataclass(frozen=True)
class SettledEntries:
    """New entries checked by every rule, in the items' order: their rows (ids drawn) and
    their views as the API shows them. Storing them needs the transaction that settled
    them: it holds their employees' write locks, and the rules read what it saw."""

    rows: list[dict[str, Any]]
    views: list[dict[str, Any]]
    totals: CreatedTotals


def settle_entries(
    session: Session, caller: Caller, items: Sequence[EntryBatchItem | RequestedEntry]
) -> SettledEntries:
    """The first half of `create_entries`: every item checked and settled, nothing
    written; raises the refusal of the whole batch (`_refusal`)."""
    employee_ids = [
        item.employee_id if isinstance(item, EntryBatchItem) else item["employee_id"]
        for item in items
    ]
    EmployeeRepository(session).load(employee_ids)
    writers, refused = _writers_of(session, caller, employee_ids)
    if writers:
        EntryRepository(session).serialize_writes_of(*writers)
    requested: dict[int, RequestedEntry] = {}
    for index, item in enumerate(items):
        if employee_ids[index] not in writers:
            continue
        try:
            requested[index] = _requested(item) if isinstance(item, EntryBatchItem) else {**item}
        except Problem as problem:
            refused.append((index, problem))
    lookups = Lookups(session)
    lookups.read_employment_periods(writers)
    lookups.read_employee_versions(writers)
    lookups.read_stored_minutes(requested.values())
    lookups.read_references(requested.values(), writers.values())
    settled: list[tuple[int, Writer, dict[str, Any]]] = []
    for index, values in requested.items():
        writer = writers[values.pop("employee_id")]  # whose timesheet, not a value of it
        try:
            _check_privileged_fields(writer, None, values)
            settled_values = _settle(lookups, writer, _merge(None, values), None)
        except Problem as problem:
            refused.append((index, problem))
        else:
            settled.append((index, writer, settled_values))
            lookups.remember(EarlierItem.of(index, writer.employee.id, settled_values))
    refused.extend(_items_in_locked_periods(session, settled))
    if refused:
        raise _refusal(refused, len(items))
    now = utcnow()
    rows = [_new_entry_row(caller, writer, values, now) for _, writer, values in settled]
    EntryRepository(session).draw_ids(rows)
    users = {writer.employee.id: writer.employee.user_id for writer in writers.values()}
    currency = currency_of(session, caller)
    views = [
        render_entry_values(row, user_id=users[row["employee_id"]], currency=currency, now=now)
        for row in rows
    ]
    figures = (EntryFigures(**{name: row[name] for name in FIGURES}) for row in rows)
    return SettledEntries(rows, views, totals_of_created(session, caller.workspace_id, figures))


def store_entries(
    session: Session, caller: Caller, entries: SettledEntries
) -> list[dict[str, Any]]:
    """The second half of `create_entries`, in the transaction of the first: the settled
    entries written, their totals and change log kept; their views."""
    rows = entries.rows
    watch = _watching(session, caller, [(None, row["employee_id"], row) for row in rows])
    EntryRepository(session).insert_new(rows)
    add_created_totals(session, entries.totals)
    _log_views(session, caller, entries.views, "created")
    watch.announce()
    return entries.views


def _items_in_locked_periods(
    session: Session, settled: Sequence[tuple[int, Writer, dict[str, Any]]]
) -> list[tuple[int, Problem]]:
    """(item index, 423) for each item on a day of a locked period (a batch has no force):
    one query for the whole batch."""
    if not settled:
        return []
    days = [values["day"] for _, _, values in settled]
    employee_ids = {writer.employee.id for _, writer, _ in settled}
    periods = locks.locked_periods_of(session, employee_ids, min(days), max(days))
    refused: list[tuple[int, Problem]] = []
    for index, writer, values in settled:
        period = locks.lock_covering(periods[writer.employee.id], values["day"])
        if period is not None:
            refused.append((index, locks.period_locked(period)))
    return refused


def _writers_of(
    session: Session, caller: Caller, employee_ids: list[int]
) -> tuple[dict[int, Writer], list[tuple[int, Problem]]]:
    """The writer of each employee the caller may write to, and (item index, problem) for
    the items naming another: 404 or 403 as for a single entry."""
    writers: dict[int, Writer] = {}
    unreachable: dict[int, Problem] = {}
    for employee_id in dict.fromkeys(employee_ids):
        try:
            writers[employee_id] = _writer(session, caller, employee_id)
        except (NotFound, Forbidden) as problem:
            message = "not found" if isinstance(problem, NotFound) else "not writable"
            unreachable[employee_id] = type(problem)(
                problem.detail, errors=[{"location": "body.employee_id", "message": message}]
            )
    refused = [
        (index, unreachable[employee_id])
        for index, employee_id in enumerate(employee_ids)
        if employee_id in unreachable
    ]
    return writers, refused


REFUSAL_PRECEDENCE = (NotFound.status, Forbidden.status)
"""The status a refused batch answers with: 404 before 403 before every other problem, as
a single entry's request checks the employee before the values."""


def _refusal(refused: list[tuple[int, Problem]], item_count: int) -> Problem:
    """One problem for the whole batch: the status of the most fundamental refusal, its
    detail naming the first such item, `errors[]` every refused item's errors at
    `body.items.<index>.<field>` with each item's own status."""

    def rank(status: int) -> int:
        if status in REFUSAL_PRECEDENCE:
            return REFUSAL_PRECEDENCE.index(status)
        return len(REFUSAL_PRECEDENCE)

    refused.sort(key=lambda pair: pair[0])
    first_index, first = min(refused, key=lambda pair: (rank(pair[1].status), pair[0]))
    errors: list[dict[str, Any]] = []
    for index, problem in refused:
        # A rule names a field as `body.<field>`; one about the whole entry names none.
        for error in problem.errors or [{"location": "body", "message": problem.detail}]:
            location = str(error["location"])
            field_path = (
                location.removeprefix("body") if location.startswith("body") else "." + location
            )
            errors.append(
                {**error, "location": f"body.items.{index}{field_path}", "status": problem.status}
            )
    others = len(refused) - 1
    detail = f"Item {first_index}: {first.detail} Nothing of the batch of {item_count} was stored"
    detail += f"; {others} more item(s) refused, see errors." if others else "."
    return type(first)(detail, errors=errors)


@dataclass(frozen=True)
class Changeable:
    entry: TimeEntry
    day_lock: LockedPeriod | None
    """The locked period of the entry's day that force lets the write past."""


def _changeable(
    session: Session, writer: Writer, employee_id: int, entry_id: int, *, force: bool
) -> Changeable:
    validators.force_allowed(force=force, may_force=writer.may_force)
    entry = _entry_of(session, employee_id, entry_id)
    if entry.timeoff_request_id is not None:
        raise Conflict(
            f"Time entry {entry_id} was booked by time-off request {entry.timeoff_request_id}; "
            "cancel the request (POST /api/employees/"
            f"{employee_id}/timeoffs/{entry.timeoff_request_id}/cancel) to change it.",
            extra={"timeoff_request_id": entry.timeoff_request_id},
        )
    day_lock = locks.check_days_unlocked(
        session, entry.employee_id, [entry.day], force=force, may_force=writer.may_force
    )
    validators.not_locked(entry, force=force, may_force=writer.may_force)
    validators.settled_entry_unchanged_by_owner(entry, acting_as_owner=writer.is_owner)
    return Changeable(entry, day_lock)


def update_entry(
    session: Session,
    caller: Caller,
    employee_id: int,
    entry_id: int,
    data: EntryUpdate,
    *,
    force: bool,
    if_match: IfMatch,
) -> TimeEntry:
    writer = _writer(session, caller, employee_id)
    repository = EntryRepository(session)
    repository.serialize_writes_of(writer.employee.id)
    changeable = _changeable(session, writer, employee_id, entry_id, force=force)
    entry = changeable.entry
    if_match(entry_etag(entry))
    requested = _requested(data)
    _check_privileged_fields(writer, entry, requested)
    if entry.timer_started_at is not None and any(
        name in requested and requested[name] is not None for name in SPAN_FIELDS
    ):
        raise _timer_counts_minutes(entry)
    before = EntryFigures.of(entry)
    values = _settle(Lookups(session), writer, _merge(entry, requested), entry)
    if values["day"] != entry.day:
        new_day_lock = locks.check_days_unlocked(
            session, entry.employee_id, [values["day"]], force=force, may_force=writer.may_force
        )
        _follow_period_lock(
            values, requested, locked_before=changeable.day_lock, locked_now=new_day_lock
        )
    watch = _watching(session, caller, [(entry, entry.employee_id, values)])
    _apply(entry, values)
    entry.updated_at = utcnow()
    entry.row_version += 1
    session.flush()
    record_entry_change(session, caller.workspace_id, before, EntryFigures.of(entry))
    _log(session, caller, entry, "updated")
    watch.announce()
    return entry


def _watching(
    session: Session,
    caller: Caller,
    written: Sequence[tuple[TimeEntry | None, int, dict[str, Any]]],
) -> ProjectWeeksWatch:
    """Before writing entries (each: the stored entry or None, its employee, the values it
    will have), the project weeks they may make wait: those of the entries that end up
    `under_approval` on a project and were not so on that project and day before (see
    `watch_project_weeks`: `announce()` after the write)."""
    submitted = [
        Submitted(employee_id, values["day"], values["day"], frozenset({values["project_id"]}))
        for stored, employee_id, values in written
        if values.get("project_id") is not None
        and values.get("approval_status") == ApprovalStatus.UNDER_APPROVAL
        and (
            stored is None
            or (stored.approval_status, stored.project_id, stored.day)
            != (ApprovalStatus.UNDER_APPROVAL, values["project_id"], values["day"])
        )
    ]
    return watch_project_weeks(session, caller, submitted)


def delete_entry(
    session: Session,
    caller: Caller,
    employee_id: int,
    entry_id: int,
    *,
    force: bool,
    if_match: IfMatch,
) -> None:
    writer = _writer(session, caller, employee_id)
    entry = _changeable(session, writer, employee_id, entry_id, force=force).entry
    if_match(entry_etag(entry))
    before = EntryFigures.of(entry)
    _log(session, caller, entry, "deleted")
    EntryRepository(session).delete(entry)
    record_entry_change(session, caller.workspace_id, before, None)


def delete_entries_booked_on(
    session: Session,
    caller: Caller,
    *,
    project_ids: Collection[int] = (),
    task_ids: Collection[int] = (),
) -> None:
    """Delete every entry booked on these projects or tasks, each as `delete_entry` does
    (reach, locks, approved entries, time-off bookings): one refused refuses the caller's
    whole operation, whose unit of work then stores nothing."""
    for entry in EntryRepository(session).booked_on(project_ids, task_ids):
        delete_entry(
            session, caller, entry.employee_id, entry.id, force=False, if_match=unconditional
        )


# Time off


def book_timeoff_entries(
    session: Session,
    caller: Caller,
    employee_id: int,
    *,
    activity_id: int,
    timeoff_request_id: int,
    minutes_by_day: Sequence[tuple[date, int]],
    note: str,
) -> list[TimeEntry]:
    """The entries of an approved time-off request, one per day that takes something, on
    the policy's activity: the time-off service has checked the request and its days, and
    the caller's right to approve it. They keep the totals and the change log as every
    entry does, and only cancelling the request changes them."""
    now = utcnow()
    entries = [
        TimeEntry(
            workspace_id=caller.workspace_id,
            employee_id=employee_id,
            day=day,
            minutes=minutes,
            breaks=[],
            break_minutes=0,
            activity_id=activity_id,
            dimension_values={},
            note=note,
            billable=False,
            billing_state=BillingState.UNBILLED.value,
            approval_status=ApprovalStatus.NOT_APPROVED_YET.value,
            creation_type=None,
            locked=False,
            timeoff_request_id=timeoff_request_id,
            created_by_user_id=caller.user_id,
            created_at=now,
            updated_at=now,
            row_version=1,
        )
        for day, minutes in minutes_by_day
    ]
    EntryRepository(session).add_all(entries)
    record_entries_created(session, caller.workspace_id, map(EntryFigures.of, entries))
    _log_all(session, caller, entries, "created")
    return entries


def remove_timeoff_entries(
    session: Session, caller: Caller, employee_id: int, timeoff_request_id: int
) -> None:
    """Take back the entries a cancelled time-off request booked."""
    repository = EntryRepository(session)
    entries = repository.of_timeoff_request(employee_id, timeoff_request_id)
    _log_all(session, caller, entries, "deleted")
    for entry in entries:
        before = EntryFigures.of(entry)
        repository.delete(entry)
        record_entry_change(session, caller.workspace_id, before, None)


# Project weeks


def decide_project_week_entries(
    session: Session,
    caller: Caller,
    employee_id: int,
    project_id: int,
    first: date,
    last: date,
    status: ApprovalStatus,
) -> list[TimeEntry]:
    """Give the employee's entries on the project from `first` to `last` that await
    approval the decided `status` (approved or disapproved): the approvals inbox has
    checked the decider's right to decide them."""
    entries = EntryRepository(session).under_approval_on_project(
        employee_id, project_id, first, last
    )
    now = utcnow()
    for entry in entries:
        entry.approval_status = status.value
        entry.updated_at = now
        entry.row_version += 1
    session.flush()
    _log_all(session, caller, entries, "updated")
    return entries


def _log_all(session: Session, caller: Caller, entries: Sequence[TimeEntry], op: str) -> None:
    _log_views(session, caller, entry_views(session, caller, entries), op)


def _log_views(session: Session, caller: Caller, views: Sequence[dict[str, Any]], op: str) -> None:
    """Record the change of each entry rendered as `views`."""
    record_changes(
        session,
        workspace_id=caller.workspace_id,
        actor_user_id=caller.user_id,
        changes=[ChangeOf(ENTITY, view["id"], op, view) for view in views],
    )


# Timers


def _timer_counts_minutes(entry: TimeEntry) -> Unprocessable:
    return Unprocessable(
        f"Time entry {entry.id} records a start and end; a timer counts minutes, so it runs "
        "only on entries without a span.",
        errors=[{"location": "entry_id", "message": "entry has a span"}],
    )


def every_entry_id_after(session: Session, caller: Caller, after_id: int, limit: int) -> list[int]:
    """The workspace's entry ids above `after_id`, ascending, for a caller who reads every
    employee's time (a full sync of the Tyme face)."""
    if caller.scope_for("timesheet", "read") is not Scope.ALL:
        raise Forbidden("Reading every entry needs timesheet:read:*.")
    return EntryRepository(session).ids_after(after_id, limit)


def running_timer(session: Session, caller: Caller, employee_id: int) -> TimeEntry | None:
    employee = reached_employee(session, caller, Area.TIMESHEET, employee_id)
    return EntryRepository(session).running_timer(employee.id)


def _stop(session: Session, caller: Caller, entry: TimeEntry) -> TimeEntry:
    """Stop the timer; it changes the entry's minutes, so not in a locked period (423)."""
    assert entry.timer_started_at is not None
    locks.check_days_unlocked(session, entry.employee_id, [entry.day], force=False, may_force=False)
    before = EntryFigures.of(entry)
    elapsed = max(0, int((utcnow() - entry.timer_started_at).total_seconds() // 60))
    minutes = min(MINUTES_PER_DAY, entry.minutes + elapsed)
    project_rounding = _project_rounding(session, entry)
    if project_rounding is not None:
        minutes = min(MINUTES_PER_DAY, round_minutes(minutes, *project_rounding))
    others = EntryRepository(session).minutes_on(entry.employee_id, entry.day, exclude_id=entry.id)
    # A timer never refuses to stop: it counts up to what is left of the day.
    entry.minutes = max(entry.minutes, min(minutes, MINUTES_PER_DAY - others))
    entry.timer_started_at = None
    if entry.hourly_rate_minor is not None and entry.billable:
        entry.revenue_minor = revenue_minor(entry.minutes, entry.hourly_rate_minor)
    entry.updated_at = utcnow()
    entry.row_version += 1
    session.flush()
    record_entry_change(session, caller.workspace_id, before, EntryFigures.of(entry))
    _log(session, caller, entry, "timer_stopped")
    return entry


def _project_rounding(session: Session, entry: TimeEntry) -> tuple[Any, int] | None:
    if entry.project_id is None:
        return None
    version = PROJECTS.history.as_of(session, entry.project_id, entry.day)
    if version is None or version.rounding_method == "none":
        return None
    return version.rounding_method, version.rounding_minutes


def _start(
    session: Session, caller: Caller, writer: Writer, entry: TimeEntry, since: datetime | None
) -> TimerSwitch:
    repository = EntryRepository(session)
    running = repository.running_timer(writer.employee.id)
    if running is not None and running.id == entry.id:
        if since is None or since == entry.timer_started_at:
            return TimerSwitch(tracking=entry, stopped=None)
        stopped = None
    else:
        if entry.started_at is not None:
            raise _timer_counts_minutes(entry)
        stopped = _stop(session, caller, running) if running is not None else None
    now = utcnow()
    entry.timer_started_at = since or now
    entry.updated_at = now
    entry.row_version += 1
    session.flush()
    _log(session, caller, entry, "timer_started")
    return TimerSwitch(tracking=entry, stopped=stopped)


def _timer_since(writer: Writer, since: datetime | None) -> datetime | None:
    """When a timer started, as a client that was offline tells it: not in the future."""
    if since is None:
        return None
    since = spans.require_within_range(since, location="since")
    spans.require_not_in_future(since, writer.now, location="since")
    return since


def start_timer(
    session: Session,
    caller: Caller,
    employee_id: int,
    entry_id: int,
    *,
    since: datetime | None = None,
) -> TimerSwitch:
    """Start the timer on an existing entry, now or `since`; a timer running on another
    entry of the same employee stops first and is reported. Starting the running one
    again changes nothing, but a different `since` moves its start (its date stays)."""
    writer = _writer(session, caller, employee_id)
    EntryRepository(session).serialize_writes_of(writer.employee.id)
    entry = _changeable(session, writer, employee_id, entry_id, force=False).entry
    return _start(session, caller, writer, entry, _timer_since(writer, since))


def start_timer_on_new_entry(
    session: Session,
    caller: Caller,
    employee_id: int,
    data: EntryCreate,
    *,
    since: datetime | None = None,
) -> TimerSwitch:
    """A new entry with its timer running from now or `since`; its date defaults to the
    local date the timer started on."""
    writer = _writer(session, caller, employee_id)
    EntryRepository(session).serialize_writes_of(writer.employee.id)
    if data.started_at is not None or data.ended_at is not None:
        raise Unprocessable(
            "A timer counts minutes; start it on an entry without started_at and ended_at.",
            errors=[{"location": "body.started_at", "message": "not with a timer"}],
        )
    since = _timer_since(writer, since)
    if data.date is None:
        day = writer.today if since is None else _day_of(Lookups(session), writer.employee, since)
        data = data.model_copy(update={"date": day})
    entry = create_entry(session, caller, employee_id, data)
    return _start(session, caller, writer, entry, since)


def stop_timer(session: Session, caller: Caller, employee_id: int) -> TimeEntry:
    writer = _writer(session, caller, employee_id)
    repository = EntryRepository(session)
    repository.serialize_writes_of(writer.employee.id)
    running = repository.running_timer(writer.employee.id)
    if running is None:
        raise Conflict(f"No timer is running for employee {employee_id}.")
    return _stop(session, caller, running)
