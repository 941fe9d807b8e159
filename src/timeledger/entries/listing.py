"""Entry lists: query parameters → filters → one SQLAlchemy Core select, keyset pages and
rows rendered straight to dicts (no ORM objects, no Pydantic on the way out).

Filters are resolved once per request into `EntryFilters`: every reference to people
(`employee_id`, `user_id`, `org_unit_id`, the caller's read scope) becomes one set of
employee ids, `activity_type` becomes activity ids and every date form becomes an
inclusive range of local dates. The same filters then drive the entry list here and the
grouped sums in `grouping.py`, which can read `entry_day_totals` whenever every active
filter is one the totals carry.

Statements are Core statements run on the session's connection, so the session's
automatic workspace criteria (which apply to ORM statements) do not reach them: every
statement here names `workspace_id` itself.
"""

import functools
import re
from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, get_args

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.entries.fields import READ_COLUMNS
from timeledger.entries.rendering import render_entry_row
from timeledger.entries.schemas import ApprovalStatus, BillingState, CreationType
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import BadRequest, Problem, Unprocessable
from timeledger.kit.filters import MAX_ID, parse_id_list
from timeledger.kit.membership import one_of_planned
from timeledger.kit.pagination import Direction, PageRequest, decode_cursor, encode_cursor
from timeledger.kit.timeutil import DateKeyword, DateRange, keyword_range, local_date, parse_instant
from timeledger.models import Employee, EmployeeVersion, EntryDayTotal, EntryMonthTotal, TimeEntry
from timeledger.models.settings import ActivityVersion
from timeledger.organization.reach import (
    Access,
    Area,
    employee_ids_reached,
    own_employee_id,
    reached_employee_id,
)
from timeledger.organization.repository import EMPLOYEE_VERSIONS, OrgUnitRepository
from timeledger.organization.today import workspace_basics
from timeledger.settings.schemas import ActivityType
from timeledger.settings.store import contains_pattern, contains_pattern_of

ENTRIES = TimeEntry.__table__
EMPLOYEES = Employee.__table__
TOTALS = EntryDayTotal.__table__
MONTH_TOTALS = EntryMonthTotal.__table__

CURRENT = "current"
NONE = "none"
MAX_TIMESTAMP_WINDOW_DAYS = 366
MAX_NOTE_SEARCHES = 20
# Missing customers, projects and revenues sort as this value: after every real one when
# ascending, first when descending (PostgreSQL's rule for NULL, made explicit).
MISSING_SORTS_AS = MAX_ID
_PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class EntrySort(StrEnum):
    DATE = "date"
    USER = "user"
    CUSTOMER = "customer"
    PROJECT = "project"
    ACTIVITY = "activity"
    NOTE = "note"
    MINUTES = "minutes"
    REVENUE = "revenue"


# mite: date, minutes and revenue default to descending, every other sort to ascending.
DESCENDING_BY_DEFAULT = frozenset({EntrySort.DATE, EntrySort.MINUTES, EntrySort.REVENUE})


def default_direction(sort: EntrySort) -> Direction:
    return Direction.DESC if sort in DESCENDING_BY_DEFAULT else Direction.ASC


SORT_COLUMNS = {
    EntrySort.DATE: "day",
    EntrySort.USER: "employee_id",
    EntrySort.CUSTOMER: "customer_id",
    EntrySort.PROJECT: "project_id",
    EntrySort.ACTIVITY: "activity_id",
    EntrySort.NOTE: "note",
    EntrySort.MINUTES: "minutes",
    EntrySort.REVENUE: "revenue_minor",
}
"""The column each sort orders by; people, customers, projects and activities by id (their
names are effective-dated, ids are stable and indexed). A column that may be missing
(`NULL`) sorts as `MISSING_SORTS_AS` there."""


def _sort_expression(sort: EntrySort) -> ColumnElement[Any]:
    column = ENTRIES.c[SORT_COLUMNS[sort]]
    if not column.nullable:
        return column
    return func.coalesce(column, literal(MISSING_SORTS_AS, BigInteger), type_=BigInteger)


def _sort_value_of(sort: EntrySort, row: Any) -> Any:
    value = getattr(row, SORT_COLUMNS[sort])
    return MISSING_SORTS_AS if value is None else value


def _fits_sort(sort: EntrySort, value: Any) -> bool:
    """Whether a cursor's sort value can be compared in SQL (a tampered cursor is a 400)."""
    if sort is EntrySort.DATE:
        return isinstance(value, date) and not isinstance(value, datetime)
    if sort is EntrySort.NOTE:
        return isinstance(value, str)
    if sort is EntrySort.MINUTES:  # a 32-bit column on PostgreSQL
        return type(value) is int and -(2**31) <= value < 2**31
    return type(value) is int and -MAX_ID - 1 <= value <= MAX_ID


# Parameters as received


@dataclass(frozen=True)
class EntryQuery:
    """The list parameters exactly as the request gave them (parsed by `resolve_filters`)."""

    employee_id: Sequence[str] | None = None
    user_id: Sequence[str] | None = None
    org_unit_id: Sequence[str] | None = None
    customer_id: Sequence[str] | None = None
    project_id: Sequence[str] | None = None
    task_id: Sequence[str] | None = None
    activity_id: Sequence[str] | None = None
    activity_type: Sequence[str] | None = None
    note: Sequence[str] | None = None
    at: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    billable: bool | None = None
    locked: bool | None = None
    tracking: bool | None = None
    approval_status: Sequence[str] | None = None
    billing_state: Sequence[str] | None = None
    creation_type: Sequence[str] | None = None


@dataclass(frozen=True)
class WorkspaceFacts:
    """What a list needs of the workspace, read once per request."""

    id: int
    timezone: str
    currency: str
    week_start: int
    today: date

    @classmethod
    def load(cls, session: Session, workspace_id: int) -> "WorkspaceFacts":
        basics = workspace_basics(session, workspace_id)
        assert basics is not None
        return cls(
            id=workspace_id,
            timezone=basics.timezone,
            currency=basics.currency,
            week_start=basics.week_start,
            today=local_date(utcnow(), basics.timezone),
        )


@dataclass(frozen=True)
class IdChoice:
    """Ids a nullable reference may take; `none` also admits entries without one."""

    ids: frozenset[int]
    none: bool = False

    @property
    def shape(self) -> tuple[bool, bool]:
        return bool(self.ids), self.none

    def keys(self) -> list[int]:
        """The choice as totals keys, where a missing reference is stored as 0."""
        return sorted(set(self.ids) | ({0} if self.none else set()))

    def echo(self) -> Any:
        tokens = [str(value) for value in sorted(self.ids)] + ([NONE] if self.none else [])
        return _echo_tokens(tokens)


def _echo_tokens(tokens: list[str]) -> Any:
    if len(tokens) == 1:
        return int(tokens[0]) if tokens[0].isdigit() else tokens[0]
    return ",".join(tokens)


class Narrowed(StrEnum):
    """How many employees a list is narrowed to: one is a plain equality (on PostgreSQL
    an array of one led the planner to hash the whole employees table: 0.15 → 0.97 ms
    for an employee's month)."""

    ONE = "one"
    MANY = "many"


IdChoiceShape = tuple[bool, bool] | None
"""Whether a reference filter names ids and whether it admits `none`; None: no filter."""


@dataclass(frozen=True)
class EntryShape:
    """Which filters are active and how, but not their values: the statements of a list
    are built once per shape (building and keying a statement cost more than running
    it) and take the values as parameters (`EntryFilters.parameters`)."""

    employees: Narrowed | None
    customers: IdChoiceShape
    projects: IdChoiceShape
    tasks: IdChoiceShape
    activities: bool
    notes: int
    first_day: bool
    last_day: bool
    billable: bool
    locked: bool
    tracking: bool | None
    approval_statuses: bool
    billing_states: bool
    creation_types: tuple[bool, bool]
    """Whether named creation types are chosen, and whether `null` is."""
    units_on_entry_day: bool


def _in(name: str) -> BindParameter[Any]:
    return bindparam(name, expanding=True)


def _choice_condition(column: Any, name: str, shape: tuple[bool, bool]) -> ColumnElement[bool]:
    has_ids, none = shape
    chosen = one_of_planned(column, name) if has_ids else None
    if none:
        missing = column.is_(None)
        return missing if chosen is None else or_(chosen, missing)
    assert chosen is not None
    return chosen


def _conditions_of_both(
    columns: Any, shape: EntryShape, day: ColumnElement[Any]
) -> list[ColumnElement[bool]]:
    """The conditions `time_entries` and the totals carry alike (same columns; the month
    totals' `day` is their `month_start`)."""
    conditions: list[ColumnElement[bool]] = [columns.workspace_id == bindparam("workspace_id")]
    if shape.employees is Narrowed.ONE:
        conditions.append(columns.employee_id == bindparam("employee_id"))
    elif shape.employees is Narrowed.MANY:
        conditions.append(one_of_planned(columns.employee_id, "employee_ids"))
    if shape.activities:
        conditions.append(one_of_planned(columns.activity_id, "activity_ids"))
    if shape.first_day:
        conditions.append(day >= bindparam("first_day"))
    if shape.last_day:
        conditions.append(day <= bindparam("last_day"))
    if shape.billable:
        conditions.append(columns.billable == bindparam("billable"))
    return conditions


@functools.lru_cache(maxsize=256)
def entry_conditions_of(shape: EntryShape) -> tuple[ColumnElement[bool], ...]:
    """The conditions on `time_entries` of a shape, with the parameters `parameters`
    names."""
    c = ENTRIES.c
    conditions = _conditions_of_both(c, shape, c.day)
    for column, name, choice in (
        (c.customer_id, "customer_ids", shape.customers),
        (c.project_id, "project_ids", shape.projects),
        (c.task_id, "task_ids", shape.tasks),
    ):
        if choice is not None:
            conditions.append(_choice_condition(column, name, choice))
    if shape.notes:
        conditions.append(
            or_(*(contains_pattern(c.note, bindparam(f"note_{i}")) for i in range(shape.notes)))
        )
    if shape.locked:
        conditions.append(c.locked == bindparam("locked"))
    if shape.tracking is not None:
        running = c.timer_started_at.is_not(None)
        conditions.append(running if shape.tracking else c.timer_started_at.is_(None))
    if shape.approval_statuses:
        conditions.append(c.approval_status.in_(_in("approval_statuses")))
    if shape.billing_states:
        conditions.append(c.billing_state.in_(_in("billing_states")))
    named_types, null_type = shape.creation_types
    if named_types or null_type:
        column = c.creation_type
        parts = [column.in_(_in("creation_types"))] if named_types else []
        if null_type:
            parts.append(column.is_(None))
        conditions.append(or_(*parts))
    if shape.units_on_entry_day:
        conditions.append(
            exists().where(
                EmployeeVersion.workspace_id == bindparam("workspace_id"),
                EmployeeVersion.employee_id == c.employee_id,
                one_of_planned(EmployeeVersion.org_unit_id, "unit_ids"),
                EMPLOYEE_VERSIONS.in_force_on(c.day),
            )
        )
    return tuple(conditions)


@functools.lru_cache(maxsize=64)
def totals_conditions_of(
    shape: EntryShape, *, by_month: bool = False
) -> tuple[ColumnElement[bool], ...]:
    """The same filters on `entry_day_totals`, or with `by_month` on `entry_month_totals`
    (see `EntryFilters.answerable_from_totals` and `in_whole_months`), where a missing
    customer or project is stored as key 0."""
    c = MONTH_TOTALS.c if by_month else TOTALS.c
    conditions = _conditions_of_both(c, shape, c.month_start if by_month else c.day)
    if shape.customers is not None:
        conditions.append(c.customer_key.in_(_in("customer_keys")))
    if shape.projects is not None:
        conditions.append(c.project_key.in_(_in("project_keys")))
    return tuple(conditions)


@dataclass(frozen=True)
class EntryFilters:
    """Resolved filters. `employee_ids` None means every employee (nothing narrows them);
    an empty set means no entry can match. `params` echoes the request's filters in the
    form a client sends them again (`entries_params` of groups start from it)."""

    workspace: WorkspaceFacts
    employee_ids: frozenset[int] | None = None
    customers: IdChoice | None = None
    projects: IdChoice | None = None
    task_ids: IdChoice | None = None
    activity_ids: frozenset[int] | None = None
    notes: tuple[str, ...] = ()
    first_day: date | None = None
    last_day: date | None = None
    billable: bool | None = None
    locked: bool | None = None
    tracking: bool | None = None
    approval_statuses: tuple[str, ...] = ()
    billing_states: tuple[str, ...] = ()
    creation_types: tuple[str, ...] = ()
    units_on_entry_day: frozenset[int] | None = None
    """Only entries whose employee's version in force on the entry's date lies in one of
    these units (see `placed_on_entry_day`)."""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def matches_nothing(self) -> bool:
        return (
            (self.employee_ids is not None and not self.employee_ids)
            or (self.units_on_entry_day is not None and not self.units_on_entry_day)
            or (self.activity_ids is not None and not self.activity_ids)
            or (
                self.first_day is not None
                and self.last_day is not None
                and self.first_day > self.last_day
            )
        )

    @property
    def answerable_from_totals(self) -> bool:
        """Whether `entry_day_totals` carries every active filter (employee, customer,
        project, activity, billable, dates)."""
        return not (
            self.task_ids is not None
            or self.notes
            or self.locked is not None
            or self.tracking is not None
            or self.approval_statuses
            or self.billing_states
            or self.creation_types
            or self.units_on_entry_day is not None
        )

    @property
    def in_whole_months(self) -> bool:
        """Whether the dates, if any, begin on a month's first day and end on a month's
        last day, so whole months of totals hold exactly the filtered entries."""
        return (self.first_day is None or self.first_day.day == 1) and (
            self.last_day is None
            or self.last_day.day == monthrange(self.last_day.year, self.last_day.month)[1]
        )

    @property
    def _narrowed(self) -> Narrowed | None:
        if self.employee_ids is None:
            return None
        return Narrowed.ONE if len(self.employee_ids) == 1 else Narrowed.MANY

    @property
    def shape(self) -> EntryShape:
        named_types = any(value != "null" for value in self.creation_types)
        return EntryShape(
            employees=self._narrowed,
            customers=self.customers.shape if self.customers is not None else None,
            projects=self.projects.shape if self.projects is not None else None,
            tasks=self.task_ids.shape if self.task_ids is not None else None,
            activities=self.activity_ids is not None,
            notes=len(self.notes),
            first_day=self.first_day is not None,
            last_day=self.last_day is not None,
            billable=self.billable is not None,
            locked=self.locked is not None,
            tracking=self.tracking,
            approval_statuses=bool(self.approval_statuses),
            billing_states=bool(self.billing_states),
            creation_types=(named_types, "null" in self.creation_types),
            units_on_entry_day=self.units_on_entry_day is not None,
        )

    def entry_conditions(self) -> tuple[ColumnElement[bool], ...]:
        return entry_conditions_of(self.shape)

    def totals_conditions(self, *, by_month: bool = False) -> tuple[ColumnElement[bool], ...]:
        assert self.answerable_from_totals
        assert self.in_whole_months or not by_month
        return totals_conditions_of(self.shape, by_month=by_month)

    def parameters(self) -> dict[str, Any]:
        """The values of the parameters of `entry_conditions` and `totals_conditions`."""
        values: dict[str, Any] = {
            "workspace_id": self.workspace.id,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "billable": self.billable,
            "locked": self.locked,
            "approval_statuses": list(self.approval_statuses),
            "billing_states": list(self.billing_states),
            "creation_types": [value for value in self.creation_types if value != "null"],
        }
        for name, ids in (
            ("employee_ids", self.employee_ids),
            ("activity_ids", self.activity_ids),
            ("unit_ids", self.units_on_entry_day),
        ):
            values[name] = sorted(ids) if ids is not None else []
        if self._narrowed is Narrowed.ONE:
            (values["employee_id"],) = values["employee_ids"]
        for name, choice in (
            ("customer", self.customers),
            ("project", self.projects),
            ("task", self.task_ids),
        ):
            values[f"{name}_ids"] = sorted(choice.ids) if choice is not None else []
            values[f"{name}_keys"] = choice.keys() if choice is not None else []
        for position, text in enumerate(self.notes):
            values[f"note_{position}"] = contains_pattern_of(text)
        return values


# Parsing


def _invalid(parameter: str, message: str, *, status: type[Problem] = BadRequest) -> Problem:
    return status(
        f"{parameter}: {message}.", errors=[{"location": f"query.{parameter}", "message": message}]
    )


def _tokens(values: Sequence[str] | None) -> list[str]:
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def _ids_with_words(
    values: Sequence[str] | None, parameter: str, words: Iterable[str]
) -> tuple[list[int], set[str]] | None:
    """Ids, comma-separated or repeated, among which the given words may appear."""
    tokens = _tokens(values)
    if not tokens:
        return None
    allowed = set(words)
    found = {token.lower() for token in tokens if token.lower() in allowed}
    numeric = [token for token in tokens if token.lower() not in allowed]
    ids = parse_id_list(numeric, parameter=parameter) or []
    return ids, found


def _id_choice(values: Sequence[str] | None, parameter: str) -> IdChoice | None:
    parsed = _ids_with_words(values, parameter, [NONE])
    if parsed is None:
        return None
    ids, words = parsed
    return IdChoice(frozenset(ids), none=NONE in words)


def _narrow(current: set[int] | None, allowed: Iterable[int]) -> set[int]:
    allowed_set = set(allowed)
    return allowed_set if current is None else current & allowed_set


def _people(
    session: Session, caller: Caller, query: EntryQuery, facts: WorkspaceFacts
) -> tuple[set[int] | None, dict[str, Any]]:
    """The employees the people filters name (None: not narrowed), and their echo."""
    chosen: set[int] | None = None
    echo: dict[str, Any] = {}
    employees = _ids_with_words(query.employee_id, "employee_id", [CURRENT])
    if employees is not None:
        ids, words = employees
        named = set(ids)
        if CURRENT in words:
            own = own_employee_id(session, caller)
            if own is not None:
                named.add(own)
        chosen = _narrow(chosen, named)
        echo["employee_id"] = _echo_tokens([str(i) for i in ids] + sorted(words))
    users = _ids_with_words(query.user_id, "user_id", [CURRENT])
    if users is not None:
        ids, words = users
        user_ids = set(ids) | ({caller.user_id} if CURRENT in words else set())
        found = session.scalars(
            select(Employee.id).where(Employee.user_id.in_(sorted(user_ids)))
        ).all()
        chosen = _narrow(chosen, found)
        echo["user_id"] = _echo_tokens([str(i) for i in ids] + sorted(words))
    unit_ids = parse_id_list(query.org_unit_id, parameter="org_unit_id")
    if unit_ids:
        tree = OrgUnitRepository(session).subtree(unit_ids, facts.today)
        members = session.scalars(
            select(EmployeeVersion.employee_id).where(
                EmployeeVersion.org_unit_id.in_(sorted(tree)),
                EMPLOYEE_VERSIONS.in_force_on(facts.today),
            )
        ).all()
        chosen = _narrow(chosen, members)
        echo["org_unit_id"] = _echo_tokens([str(i) for i in unit_ids])
    return chosen, echo


ACTIVITY_TYPES = get_args(ActivityType)


def _activities(session: Session, query: EntryQuery) -> tuple[set[int] | None, dict[str, Any]]:
    chosen: set[int] | None = None
    echo: dict[str, Any] = {}
    ids = parse_id_list(query.activity_id, parameter="activity_id")
    if ids:
        chosen = set(ids)
        echo["activity_id"] = _echo_tokens([str(i) for i in ids])
    types = sorted(set(_tokens(query.activity_type)))
    if types:
        unknown = [value for value in types if value not in ACTIVITY_TYPES]
        if unknown:
            raise _invalid(
                "activity_type",
                f"{unknown[0][:40]!r} is not one of {', '.join(ACTIVITY_TYPES)}",
                status=Unprocessable,
            )
        # An activity's type does not change in practice (a child shares its parent's);
        # any version with the type counts.
        of_type = session.scalars(
            select(ActivityVersion.activity_id).where(ActivityVersion.type.in_(types)).distinct()
        ).all()
        chosen = _narrow(chosen, of_type)
        echo["activity_type"] = types
    return chosen, echo


@dataclass(frozen=True)
class _Bound:
    days: DateRange
    instant: datetime | None


def _day_bound(value: str, parameter: str, facts: WorkspaceFacts) -> _Bound:
    text = value.strip()
    if _PLAIN_DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise _invalid(parameter, f"{text!r} is not a date") from None
        return _Bound(DateRange(day, day), None)
    if text.lower() in DateKeyword.__members__.values():
        days = keyword_range(
            DateKeyword(text.lower()), today=facts.today, week_start=facts.week_start
        )
        return _Bound(days, None)
    if "T" in text or "t" in text:
        instant = parse_instant(text, parameter=f"query.{parameter}")
        try:
            day = local_date(instant, facts.timezone)
        except OverflowError:
            raise _invalid(parameter, "the timestamp lies outside the years 1 to 9999") from None
        return _Bound(DateRange(day, day), instant)
    keywords = ", ".join(member.value for member in DateKeyword)
    raise _invalid(
        parameter,
        f"{text[:40]!r} is neither a date (YYYY-MM-DD), a timestamp with offset nor one of "
        f"{keywords}",
    )


def _date_range(query: EntryQuery, facts: WorkspaceFacts) -> tuple[date | None, date | None]:
    if query.at is not None and (query.date_from is not None or query.date_to is not None):
        raise _invalid("at", "give either at or from/to, not both")
    if query.at is not None:
        days = _day_bound(query.at, "at", facts).days
        return days.start, days.end
    start = _day_bound(query.date_from, "from", facts) if query.date_from is not None else None
    end = _day_bound(query.date_to, "to", facts) if query.date_to is not None else None
    if (start is not None and start.instant) or (end is not None and end.instant):
        _check_timestamp_window(start, end)
    first = start.days.start if start is not None else None
    last = end.days.end if end is not None else None
    if first is not None and last is not None and first > last:
        raise _invalid("from", f"from ({first}) lies after to ({last})")
    return first, last


def _check_timestamp_window(start: _Bound | None, end: _Bound | None) -> None:
    if start is None or end is None:
        raise _invalid(
            "from",
            f"a timestamp window needs both from and to, at most "
            f"{MAX_TIMESTAMP_WINDOW_DAYS} days apart",
        )
    first = start.instant.date() if start.instant is not None else start.days.start
    last = end.instant.date() if end.instant is not None else end.days.end
    if start.instant is not None and end.instant is not None:
        too_long = end.instant - start.instant > timedelta(days=MAX_TIMESTAMP_WINDOW_DAYS)
    else:
        too_long = (last - first).days > MAX_TIMESTAMP_WINDOW_DAYS
    if too_long:
        raise _invalid("to", f"the window spans more than {MAX_TIMESTAMP_WINDOW_DAYS} days")


def _choices(
    values: Sequence[str] | None, parameter: str, allowed: Iterable[str]
) -> tuple[str, ...]:
    allowed_set = set(allowed)
    chosen = sorted(set(_tokens(values)))
    for value in chosen:
        if value not in allowed_set:
            raise _invalid(
                parameter,
                f"{value[:40]!r} is not one of {', '.join(sorted(allowed_set))}",
                status=Unprocessable,
            )
    return tuple(chosen)


APPROVAL_STATUSES = tuple(status.value for status in ApprovalStatus)
BILLING_STATES = tuple(state.value for state in BillingState)
CREATION_TYPES = (*(kind.value for kind in CreationType), "null")


def resolve_filters(
    session: Session,
    caller: Caller,
    query: EntryQuery,
    *,
    employee_id: int | None = None,
) -> EntryFilters:
    """Filters for the caller: their read scope narrowed by the request; or, on the
    per-employee route, that one employee (404 when out of the caller's reach)."""
    if employee_id is not None:
        reached_employee_id(session, caller, Area.TIMESHEET, employee_id)
    facts = WorkspaceFacts.load(session, caller.workspace_id)
    params: dict[str, Any] = {}
    people, echo = _people(session, caller, query, facts)
    params.update(echo)
    if employee_id is not None:
        people = _narrow(people, [employee_id])
        params["employee_id"] = employee_id
    else:
        scope = employee_ids_reached(session, caller, Area.TIMESHEET, Access.READ, facts.today)
        if scope is not None:
            people = _narrow(people, scope)
    customers = _id_choice(query.customer_id, "customer_id")
    projects = _id_choice(query.project_id, "project_id")
    tasks = _id_choice(query.task_id, "task_id")
    for name, choice in (("customer_id", customers), ("project_id", projects), ("task_id", tasks)):
        if choice is not None:
            params[name] = choice.echo()
    activities, echo = _activities(session, query)
    params.update(echo)
    notes = tuple(dict.fromkeys(note for note in query.note or () if note))
    if len(notes) > MAX_NOTE_SEARCHES:
        raise _invalid("note", f"at most {MAX_NOTE_SEARCHES} searches", status=Unprocessable)
    if notes:
        params["note"] = list(notes)
    first, last = _date_range(query, facts)
    if first is not None:
        params["from"] = first.isoformat()
    if last is not None:
        params["to"] = last.isoformat()
    for name in ("billable", "locked", "tracking"):
        value = getattr(query, name)
        if value is not None:
            params[name] = value
    approval = _choices(query.approval_status, "approval_status", APPROVAL_STATUSES)
    billing = _choices(query.billing_state, "billing_state", BILLING_STATES)
    creation = _choices(query.creation_type, "creation_type", CREATION_TYPES)
    for name, chosen in (
        ("approval_status", approval),
        ("billing_state", billing),
        ("creation_type", creation),
    ):
        if chosen:
            params[name] = list(chosen)
    return EntryFilters(
        workspace=facts,
        employee_ids=frozenset(people) if people is not None else None,
        customers=customers,
        projects=projects,
        task_ids=tasks,
        activity_ids=frozenset(activities) if activities is not None else None,
        notes=notes,
        first_day=first,
        last_day=last,
        billable=query.billable,
        locked=query.locked,
        tracking=query.tracking,
        approval_statuses=approval,
        billing_states=billing,
        creation_types=creation,
        params=params,
    )


def placed_on_entry_day(
    session: Session, filters: EntryFilters, unit_ids: Iterable[int]
) -> EntryFilters:
    """`filters` narrowed to the entries of people who, on each entry's date, belonged to
    one of these units or a unit below them (an org unit's times, as McTime asks for them;
    `org_unit_id` picks people by where they are today)."""
    tree = OrgUnitRepository(session).subtree(unit_ids, filters.workspace.today)
    return replace(filters, units_on_entry_day=frozenset(tree))


def only_employees(filters: EntryFilters, employee_ids: Iterable[int]) -> EntryFilters:
    """`filters` narrowed to these employees."""
    wanted = frozenset(employee_ids)
    narrowed = wanted if filters.employee_ids is None else filters.employee_ids & wanted
    return replace(filters, employee_ids=narrowed)


# The list


ENTRY_COLUMNS = tuple(ENTRIES.c[name] for name in READ_COLUMNS)
_USER_ID = len(ENTRY_COLUMNS)
"""Where the employee's user follows the entry's columns in a listed row."""


@functools.lru_cache(maxsize=256)
def _list_statement(
    shape: EntryShape, sort: EntrySort, *, descending: bool, after: bool
) -> Select[Any]:
    """Entries of a shape in the order of `sort`, at most `row_limit` of them; with
    `after`, those after the row of `after_value` and `after_id` in that order."""
    expression = _sort_expression(sort)
    statement = _listed_rows().where(*entry_conditions_of(shape))
    if after:
        value = bindparam("after_value", type_=expression.type)
        row_id = bindparam("after_id", type_=ENTRIES.c.id.type)
        statement = statement.where(_after(expression, value, row_id, descending=descending))
    order = (expression.desc(), ENTRIES.c.id.desc()) if descending else (expression, ENTRIES.c.id)
    return statement.order_by(*order).limit(bindparam("row_limit", type_=Integer()))


@functools.lru_cache(maxsize=256)
def _window_statement(shape: EntryShape, sort: EntrySort, *, descending: bool) -> Select[Any]:
    """As `_list_statement`, from row `row_offset` on."""
    statement = _list_statement(shape, sort, descending=descending, after=False)
    return statement.offset(bindparam("row_offset", type_=Integer()))


def _after(sort_expression: Any, value: Any, row_id: Any, *, descending: bool) -> Any:
    id_column = ENTRIES.c.id
    if descending:
        return or_(sort_expression < value, and_(sort_expression == value, id_column < row_id))
    return or_(sort_expression > value, and_(sort_expression == value, id_column > row_id))


def list_entries(
    session: Session, filters: EntryFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of entries, rendered like a single read, and the cursor of the next."""
    sort = EntrySort(page.sort)
    cursor = decode_cursor(page)
    if filters.matches_nothing:
        return [], None
    parameters = {**filters.parameters(), "row_limit": page.limit + 1}
    if cursor is not None:
        value, row_id = cursor
        if not _fits_sort(sort, value):
            raise _invalid("cursor", "invalid cursor")
        parameters.update(after_value=value, after_id=row_id)
    statement = _list_statement(
        filters.shape,
        sort,
        descending=page.direction is Direction.DESC,
        after=cursor is not None,
    )
    rows = session.connection().execute(statement, parameters).all()
    next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last = rows[-1]
        next_cursor = next_cursor_of(page, sort, last)
    return _rendered(rows, filters), next_cursor


def next_cursor_of(page: PageRequest, sort: EntrySort, last: Any) -> str:
    """The cursor of the page after the one ending on entry row `last`."""
    return encode_cursor(page, _sort_value_of(sort, last), last.id)


def list_entries_window(
    session: Session, filters: EntryFilters, sort: EntrySort, direction: Direction, *,
    limit: int, offset: int,
) -> list[dict[str, Any]]:  # fmt: skip
    """Entries `offset` up to `offset + limit` in the order asked: the numbered pages
    of the faces (the native API pages by cursor)."""
    if filters.matches_nothing:
        return []
    statement = _window_statement(filters.shape, sort, descending=direction is Direction.DESC)
    parameters = {**filters.parameters(), "row_limit": limit, "row_offset": offset}
    return _rendered(session.connection().execute(statement, parameters).all(), filters)


def _rendered(rows: Sequence[Any], filters: EntryFilters) -> list[dict[str, Any]]:
    return _rendered_in(rows, filters.workspace.currency)


def _rendered_in(rows: Sequence[Any], currency: str) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        render_entry_row(row, user_id=row[_USER_ID], currency=currency, now=now) for row in rows
    ]


START_ORDER = (
    ENTRIES.c.day,
    func.coalesce(ENTRIES.c.started_at, ENTRIES.c.timer_started_at).nulls_first(),
    ENTRIES.c.id,
)
"""Earliest first: by date, then by start (an entry of minutes alone first, a timer by
when it last started), then by id."""


def _listed_rows() -> Select[Any]:
    return select(*ENTRY_COLUMNS, EMPLOYEES.c.user_id).select_from(
        ENTRIES.outerjoin(EMPLOYEES, EMPLOYEES.c.id == ENTRIES.c.employee_id)
    )


@functools.lru_cache(maxsize=64)
def _by_start_statement(shape: EntryShape) -> Select[Any]:
    return (
        _listed_rows()
        .where(*entry_conditions_of(shape))
        .order_by(*START_ORDER)
        .limit(bindparam("row_limit", type_=Integer()))
        .offset(bindparam("row_offset", type_=Integer()))
    )


def list_entries_by_start(
    session: Session, filters: EntryFilters, *, limit: int, offset: int
) -> list[dict[str, Any]]:
    """Entries `offset` up to `offset + limit` in the order of `START_ORDER` (Tyme's
    times)."""
    if filters.matches_nothing:
        return []
    parameters = {**filters.parameters(), "row_limit": limit, "row_offset": offset}
    rows = session.connection().execute(_by_start_statement(filters.shape), parameters).all()
    return _rendered(rows, filters)


@functools.lru_cache(maxsize=64)
def _count_statement(shape: EntryShape) -> Select[Any]:
    return select(func.count()).select_from(ENTRIES).where(*entry_conditions_of(shape))


def count_entries(session: Session, filters: EntryFilters) -> int:
    if filters.matches_nothing:
        return 0
    statement = _count_statement(filters.shape)
    return int(session.connection().execute(statement, filters.parameters()).scalar_one())


_BY_ID = _listed_rows().where(
    ENTRIES.c.workspace_id == bindparam("workspace_id"),
    ENTRIES.c.id.in_(bindparam("ids", expanding=True)),
)


def entries_by_id(session: Session, workspace_id: int, ids: Iterable[int]) -> list[dict[str, Any]]:
    """The workspace's entries among `ids` (whoever they belong to), rendered as the lists
    render them, by id."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    basics = workspace_basics(session, workspace_id)
    assert basics is not None
    rows = session.connection().execute(_BY_ID, {"workspace_id": workspace_id, "ids": wanted})
    return sorted(_rendered_in(rows.all(), basics.currency), key=lambda entry: entry["id"])


def page_of(
    *, limit: int, cursor: str | None, sort: EntrySort, direction: Direction | None
) -> PageRequest:
    return PageRequest(
        limit=limit,
        sort=sort.value,
        direction=direction or default_direction(sort),
        cursor=cursor,
    )


__all__ = [
    "EntryFilters",
    "EntryQuery",
    "EntrySort",
    "WorkspaceFacts",
    "count_entries",
    "entries_by_id",
    "list_entries",
    "list_entries_by_start",
    "list_entries_window",
    "next_cursor_of",
    "page_of",
    "resolve_filters",
]
