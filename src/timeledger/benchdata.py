"""The benchmark dataset: a workspace the size of a real company, written with bulk inserts.

A company tree (company → departments → teams of about 25), N employees with users,
employment periods, weekly patterns (full-time and part-time), a German holiday calendar,
vacations and sick days, customers, projects with members and tasks, and per employee and
working day one presence interval with a lunch break and its time entries (1.2 a day on
average by default: about 1,000,000 for 1,000 employees over 4 years), priced by the rate
order of `timeledger.projects.rates`. `entry_day_totals` is summed while the
entries are generated and `entry_month_totals` from it at the end, so both equal
`recompute_totals`. The change log holds an `entry.created` change for each of the first
`changes` entries (default 250 per employee and year: 1,000,000 for the default size),
after the changes of the configuration, so its revisions stay gapless and the workspace's
revision counter ends on the last one.

The configuration (workspace, owner, activities, calendar, terms, reasons, a flex account,
the rule engine's policies the terms refer to and their vacation policy on a days account)
goes through the services; people and
billing buckets through ORM bulk inserts; presence, breaks, entries and totals (millions of
rows) and their change log through the driver: `executemany` of tuples on SQLite, `COPY` on
PostgreSQL, one transaction per month. Everything random comes from
`random.Random(seed)` and the period ends on a fixed date, so a seed always gives the same
rows (API keys, the owner's password and the configuration's `created_at` stamps aside).
"""

import bisect
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import Connection, func, insert, select, text
from sqlalchemy.orm import Session

from timeledger.access.credentials import PasswordHashing, generate_password
from timeledger.changelog.service import head_revision
from timeledger.entries.day_totals import NO_REFERENCE, week_start_of
from timeledger.entries.month_totals import rebuild_months
from timeledger.kit.clock import utcnow
from timeledger.kit.db import IMMEDIATE, Database
from timeledger.kit.model import Base
from timeledger.models import (
    Activity,
    Customer,
    CustomerVersion,
    Employee,
    EmployeeVersion,
    Employment,
    OrgUnit,
    OrgUnitManager,
    OrgUnitVersion,
    PresenceInterval,
    Project,
    ProjectMember,
    ProjectVersion,
    Role,
    Task,
    TaskVersion,
    TimeEntry,
    User,
    WorkspaceRevision,
)
from timeledger.projects.rates import revenue_minor
from timeledger.projects.schemas import NEW_PROJECT_VALUES
from timeledger.settings.service import (
    ACTIVITIES,
    ALLOWANCE_POLICIES,
    EMPLOYMENT_TERMS,
    HOLIDAY_CALENDARS,
    REASONS,
    SETTLEMENT_POLICIES,
    TIMEBANK_ACCOUNTS,
    TIMEOFF_POLICIES,
    WORKTIME_POLICIES,
    holiday_days,
)
from timeledger.settings.store import Actor
from timeledger.users.schemas import ApiKeyCreate
from timeledger.users.service import issue_api_key
from timeledger.workspaces.service import create_workspace

DEFAULT_EMPLOYEES = 1_000
DEFAULT_YEARS = 4
DEFAULT_SEED = 1
DEFAULT_UNTIL = date(2025, 12, 31)
CHANGES_PER_EMPLOYEE_YEAR = 250
"""The default length of the generated change log: 1,000,000 for the default size."""
"""The last day of the generated period: fixed, so a seed gives the same data every day."""

TIMEZONE = "Europe/Berlin"
COUNTRY = "DE"
TEAM_SIZE = 25
DEPARTMENTS = 10
BIG_DEPARTMENT_SHARE = 0.4
"""Share of the teams in the first department, whose head manages about 400 of 1,000."""
EMPLOYEES_PER_CUSTOMER = 20
EMPLOYEES_PER_PROJECT = 5
TASKS_PER_PROJECT = 3
SAMPLE_EMPLOYEES = 20
FOUNDED_YEARS_BEFORE = 15
"""Configuration takes effect this many years before the period; incumbents join then."""

MICROS = 1_000_000
MINUTE_MICROS = 60 * MICROS
DAY_MICROS = 86_400 * MICROS
SQLITE_DEFAULT_CACHE_SIZE = -2000
SLOT = 15
"""Entries are whole quarters of an hour."""
BREAK_FROM_MINUTES = 360
"""Days of six hours or more get a lunch break (German working time law)."""

FULL_TIME = (480, 480, 480, 480, 480, 0, 0)
PATTERNS: tuple[tuple[str, tuple[int, ...], float], ...] = (
    ("Full-time", FULL_TIME, 0.80),
    ("Part-time 4 days", (480, 480, 480, 480, 0, 0, 0), 0.08),
    ("Part-time mornings", (240, 240, 240, 240, 240, 0, 0), 0.08),
    ("Part-time 3 days", (480, 480, 480, 0, 0, 0, 0), 0.04),
)
VACATION_DAYS_FULL_TIME = 30
VACATION_GRANT = 2500
"""The vacation policy's yearly grant at full time, in hundredths of a day (25 days)."""
VACATION_MAX_CARRY = 500
"""What of the vacation balance is carried past the year end (5 days), until 31 March."""

DEFAULT_ENTRIES_PER_DAY = 1.2
"""Mean entries per worked day; with time off this makes about 250 entries per employee and
year, the 1,000,000 entries of 1,000 employees over 4 years the targets are set for."""
CREATION_TYPES: tuple[str | None, ...] = ("times", "clock", "wtm", None)
CREATION_TYPE_WEIGHTS = (0.55, 0.25, 0.12, 0.08)
SOURCES = ("clock", "manual", "kiosk")
SOURCE_WEIGHTS = (0.6, 0.3, 0.1)
TASK_NAMES = ("Development", "Meetings", "Support", "Design", "Testing", "Documentation")
NOTES = (
    "",
    "",
    "",
    "Daily stand-up",
    "Code review",
    "Customer call",
    "Bugfix",
    "Planning",
    "Workshop preparation",
    "Release",
    "Refactoring",
    "Onboarding",
    "Support ticket",
    "Documentation update",
    "Sprint review",
    "Travel to customer",
)
FIRST_NAMES = (
    "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannah", "Jonas", "Julia",
    "Karl", "Lea", "Lukas", "Marie", "Max", "Mia", "Noah", "Paul", "Sophie", "Tim",
)  # fmt: skip
LAST_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Braun",
)  # fmt: skip
CUSTOMER_WORDS = (
    "Alpen", "Nord", "Rhein", "Spree", "Hansa", "Isar", "Elbe", "Main", "Ruhr", "Harz",
)  # fmt: skip
CUSTOMER_KINDS = ("Logistik", "Bank", "Energie", "Handel", "Software", "Medien", "Bau")

ENTRY_COLUMNS = (
    "id", "workspace_id", "employee_id", "day", "minutes", "started_at", "ended_at", "timezone",
    "breaks", "break_minutes", "activity_id", "project_id", "task_id", "customer_id",
    "dimension_values", "note", "billable", "hourly_rate_minor", "revenue_minor",
    "rate_source", "billing_state", "approval_status", "creation_type", "locked",
    "timer_started_at", "presence_interval_id", "created_by_user_id", "created_at",
    "updated_at", "row_version",
)  # fmt: skip
INTERVAL_COLUMNS = (
    "id", "workspace_id", "employee_id", "started_at", "ended_at", "day", "timezone",
    "reason_id", "activity_id", "note", "source", "created_by_user_id", "created_at",
    "updated_at", "row_version",
)  # fmt: skip
BREAK_COLUMNS = ("workspace_id", "interval_id", "started_at", "ended_at")
CHANGE_COLUMNS = (
    "workspace_id", "revision", "entity", "entity_id", "op", "actor_user_id", "at", "data",
)  # fmt: skip
TOTAL_COLUMNS = (
    "workspace_id", "employee_id", "day", "week_start", "month_start", "activity_id",
    "project_key", "customer_key", "billable", "minutes", "revenue_minor", "entries",
)  # fmt: skip

Row = tuple[Any, ...]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class GeneratedDataset:
    """What the benchmark scenarios need to find their way into the generated workspace."""

    workspace_id: int
    workspace_name: str
    owner_email: str
    owner_password: str
    owner_api_key: str
    manager_user_id: int
    manager_employee_id: int
    manager_api_key: str
    manager_employee_count: int
    sample_employee_id: int
    sample_user_id: int
    sample_api_key: str
    sample_employee_ids: list[int]
    employees: int
    first_day: date
    last_day: date
    counts: dict[str, int]
    seconds: float

    def as_json(self) -> dict[str, Any]:
        return {
            "workspace_id": self.workspace_id,
            "workspace_name": self.workspace_name,
            "owner_email": self.owner_email,
            "owner_password": self.owner_password,
            "owner_api_key": self.owner_api_key,
            "manager": {
                "user_id": self.manager_user_id,
                "employee_id": self.manager_employee_id,
                "api_key": self.manager_api_key,
                "employee_count": self.manager_employee_count,
            },
            "sample_employee": {
                "employee_id": self.sample_employee_id,
                "user_id": self.sample_user_id,
                "api_key": self.sample_api_key,
            },
            "sample_employee_ids": self.sample_employee_ids,
            "employees": self.employees,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "counts": self.counts,
            "seconds": round(self.seconds, 1),
        }


def default_workspace_name(seed: int, employees: int) -> str:
    return f"bench-{seed}-{employees}"


# The plan: everything about people and buckets, decided before a row is written.


@dataclass
class TaskPlan:
    id: int
    billable: bool
    hourly_rate_minor: int | None
    rate_source: str | None


@dataclass
class ProjectPlan:
    id: int
    customer_id: int | None
    tasks: list[TaskPlan] = field(default_factory=list)


@dataclass
class PersonPlan:
    index: int
    first_name: str
    last_name: str
    unit: int
    """Index into the org units (a team, or a department for its head)."""
    pattern: tuple[int, ...]
    terms: str
    starts_on: date
    ends_on: date | None
    manager: bool
    creation_type: str | None
    source: str
    home_office_share: float
    employee_id: int = 0
    user_id: int = 0
    projects: list[ProjectPlan] = field(default_factory=list)
    absences: dict[int, int] = field(default_factory=dict)
    """Day ordinal → time-off activity id, for the year being generated."""


@dataclass
class UnitPlan:
    key: str
    name: str
    type: str
    parent: int | None
    id: int = 0
    manager: int | None = None
    """Index of the person managing the unit."""


@dataclass
class Calendar:
    """The days of the period with everything per day computed once."""

    timezone: ZoneInfo
    week_start: int
    holidays: set[date]

    def local_midnight_micros(self, day: date) -> int:
        # The offset at noon: every generated time lies after a night's DST switch.
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=self.timezone)
        offset = noon.utcoffset()
        assert offset is not None
        utc_midnight = (day.toordinal() - EPOCH_ORDINAL) * DAY_MICROS
        return utc_midnight - int(offset.total_seconds()) * MICROS


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _pick(rng: random.Random, choices: Sequence[Any], cumulative: Sequence[float]) -> Any:
    return choices[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def _months(first: date, last: date) -> Iterator[tuple[date, date]]:
    start = first.replace(day=1)
    while start <= last:
        following = (start + timedelta(days=32)).replace(day=1)
        yield max(start, first), min(following - timedelta(days=1), last)
        start = following


# Writing rows fast on either engine.


class BulkWriter:
    """Tuples of driver-ready values (ints, ISO date strings, JSON text, bools) into a table:
    `executemany` on SQLite, `COPY` on PostgreSQL."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.is_postgresql = connection.dialect.name == "postgresql"

    def write(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        connection = self.connection
        if self.is_postgresql:
            raw: Any = connection.connection.dbapi_connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def generate_dataset(
    db: Database,
    *,
    employees: int = DEFAULT_EMPLOYEES,
    years: int = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    until: date = DEFAULT_UNTIL,
    entries_per_day: float = DEFAULT_ENTRIES_PER_DAY,
    changes: int | None = None,
    name: str | None = None,
    hashing: PasswordHashing | None = None,
    progress: Progress | None = None,
) -> GeneratedDataset:
    """Create the benchmark workspace `name` (default `bench-<seed>-<employees>`) with
    `employees` people and `years` calendar years of time up to `until`, and `entry.created`
    changes for the first `changes` entries (default `CHANGES_PER_EMPLOYEE_YEAR` per
    employee and year; at most one per entry). Refuses (a Conflict problem) when a
    workspace of that name exists."""
    if employees < 1 or years < 1 or entries_per_day < 1:
        raise ValueError("employees, years and entries per day must be at least 1")
    if changes is None:
        changes = CHANGES_PER_EMPLOYEE_YEAR * employees * years
    if changes < 0:
        raise ValueError("changes must not be negative")
    began = time.monotonic()
    say = progress or (lambda _message: None)
    rng = random.Random(seed)  # noqa: S311 (reproducible data, not secrets)
    name = name or default_workspace_name(seed, employees)
    first_day = _period_start(until, years)
    founded = date(first_day.year - FOUNDED_YEARS_BEFORE, 1, 1)
    password = generate_password()
    hashing = hashing or PasswordHashing(19_456)

    units = _plan_units(employees)
    people = _plan_people(rng, employees, units, first_day, until, founded)

    with db.transaction() as session:
        created = create_workspace(
            session,
            name=name,
            owner_email=f"owner@{name}.bench.example",
            owner_password=password,
            hashing=hashing,
            timezone=TIMEZONE,
            locale="de",
            currency="EUR",
        )
        workspace_id = created.workspace.id
        owner_api_key = created.api_key
        owner_email = created.owner.email or ""
        week_start = created.workspace.week_start
        actor = Actor(workspace_id, None)
        reference = _create_settings(session, actor, founded)
        activities = {
            key: id_
            for key, id_ in session.execute(select(Activity.key, Activity.id))
            if key is not None
        }
        roles = {role: id_ for role, id_ in session.execute(select(Role.name, Role.id))}
        now = utcnow()
        _insert_units(session, workspace_id, units, founded, now)
        _insert_people(session, workspace_id, people, units, reference, roles, now)
        projects = _insert_buckets(session, rng, workspace_id, employees, founded, now)
        _assign_projects(rng, session, workspace_id, people, units, projects)
        holiday_set: set[date] = set()
        for year in range(first_day.year, until.year + 1):
            holiday_set.update(h.day for h in holiday_days(session, reference["calendar"], year))
        big_head = units[1].manager if len(units) > 1 else None
        manager = people[big_head if big_head is not None else 0]
        sample = next(
            (p for p in people if not p.manager and p.pattern == FULL_TIME and p.ends_on is None
             and p.starts_on <= first_day),
            people[-1],
        )  # fmt: skip
        samples = [p.employee_id for p in people if p.ends_on is None][:SAMPLE_EMPLOYEES]
        manager_key = issue_api_key(
            session, _user(session, manager.user_id), ApiKeyCreate(name="bench manager"), None
        ).key
        sample_key = issue_api_key(
            session, _user(session, sample.user_id), ApiKeyCreate(name="bench employee"), None
        ).key
        managed = _descendants(units, 1) if len(units) > 1 else set(range(len(units)))
        manager_team = sum(1 for p in people if p.unit in managed)
    say(f"workspace {name!r} (id {workspace_id}): {len(people)} employees, {len(units)} units")

    calendar = Calendar(ZoneInfo(TIMEZONE), week_start, holiday_set)
    counts = _generate_time(
        db,
        rng,
        workspace_id,
        people,
        activities,
        reference["reason"],
        calendar,
        first_day,
        until,
        entries_per_day,
        changes,
        say,
    )
    counts.update(employees=len(people), projects=len(projects), org_units=len(units))
    return GeneratedDataset(
        workspace_id=workspace_id,
        workspace_name=name,
        owner_email=owner_email,
        owner_password=password,
        owner_api_key=owner_api_key,
        manager_user_id=manager.user_id,
        manager_employee_id=manager.employee_id,
        manager_api_key=manager_key,
        manager_employee_count=manager_team,
        sample_employee_id=sample.employee_id,
        sample_user_id=sample.user_id,
        sample_api_key=sample_key,
        sample_employee_ids=samples,
        employees=len(people),
        first_day=first_day,
        last_day=until,
        counts=counts,
        seconds=time.monotonic() - began,
    )


def _period_start(until: date, years: int) -> date:
    """The first day of `years` years ending on `until` (whole calendar years for 31 Dec)."""
    if (until.month, until.day) == (12, 31):
        return date(until.year - years + 1, 1, 1)
    return until.replace(year=until.year - years, day=min(until.day, 28)) + timedelta(days=1)


def _breaks_json(started: int, ended: int) -> str:
    """An entry's `breaks` as the entries service stores them: ISO instants in UTC."""
    return f'[{{"started_at": "{_iso_instant(started)}", "ended_at": "{_iso_instant(ended)}"}}]'


def _iso_instant(micros: int) -> str:
    return datetime.fromtimestamp(micros // MICROS, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    assert user is not None
    return user


# Organization and people


def _plan_units(employees: int) -> list[UnitPlan]:
    """Company, departments, teams: the first department holds 40 % of the teams."""
    teams = max(1, -(-employees // TEAM_SIZE))
    departments = max(1, min(DEPARTMENTS, teams))
    units = [UnitPlan("ORG", "Bench GmbH", "company", None)]
    for number in range(1, departments + 1):
        units.append(UnitPlan(f"D{number:02d}", f"Department {number}", "department", 0))
    big = max(1, round(teams * BIG_DEPARTMENT_SHARE)) if departments > 1 else teams
    for number in range(teams):
        if number < big:
            department = 1
        else:
            department = 2 + (number - big) % (departments - 1) if departments > 1 else 1
        units.append(UnitPlan(f"T{number + 1:03d}", f"Team {number + 1}", "team", department))
    return units


def _descendants(units: list[UnitPlan], root: int) -> set[int]:
    found = {root}
    for index, unit in enumerate(units):
        if unit.parent in found:
            found.add(index)
    return found


def _plan_people(
    rng: random.Random,
    employees: int,
    units: list[UnitPlan],
    first_day: date,
    until: date,
    founded: date,
) -> list[PersonPlan]:
    teams = [index for index, unit in enumerate(units) if unit.type == "team"]
    departments = [index for index, unit in enumerate(units) if unit.type == "department"]
    pattern_weights = _cumulative([weight for _, _, weight in PATTERNS])
    creation_weights = _cumulative(CREATION_TYPE_WEIGHTS)
    source_weights = _cumulative(SOURCE_WEIGHTS)
    period_days = (until - first_day).days
    people = []
    for index in range(employees):
        terms, pattern, _ = _pick(rng, PATTERNS, pattern_weights)
        if rng.random() < 0.85:
            starts_on = founded + timedelta(days=rng.randrange((first_day - founded).days))
        else:
            starts_on = first_day + timedelta(days=rng.randrange(max(1, period_days - 30)))
        ends_on = None
        if rng.random() < 0.08:
            earliest = max(starts_on, first_day) + timedelta(days=90)
            if earliest < until:
                ends_on = earliest + timedelta(days=rng.randrange((until - earliest).days + 1))
        people.append(
            PersonPlan(
                index=index,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                unit=teams[index % len(teams)],
                pattern=pattern,
                terms=terms,
                starts_on=starts_on,
                ends_on=ends_on,
                manager=False,
                creation_type=_pick(rng, CREATION_TYPES, creation_weights),
                source=_pick(rng, SOURCES, source_weights),
                home_office_share=rng.choice((0.0, 0.2, 0.4, 0.6)),
            )
        )

    # Managers stay the whole period, full-time: a team's first member leads it; the
    # department heads are the next people, moved up into their department.
    def appoint(person: PersonPlan, unit: int) -> None:
        person.manager, person.pattern, person.terms = True, FULL_TIME, "Full-time"
        person.starts_on, person.ends_on = min(person.starts_on, first_day), None
        person.unit = unit
        units[unit].manager = person.index

    for team in teams:
        members = [p for p in people if p.unit == team and not p.manager]
        if members:
            appoint(members[0], team)
    spare = iter(p for p in people if not p.manager)
    for department in departments:
        head = next(spare, None)
        if head is not None and len(people) > len(teams) + len(departments):
            appoint(head, department)
    return people


def _create_settings(session: Session, actor: Actor, founded: date) -> dict[str, Any]:
    calendar = HOLIDAY_CALENDARS.create(
        session,
        actor,
        values={"name": "Germany", "country": COUNTRY, "subdivision": None, "archived": False},
        effective_from=founded,
        key="de",
    )
    reason = REASONS.create(
        session, actor, values={"name": "Work", "archived": False}, effective_from=founded,
        key="work",
    )  # fmt: skip
    REASONS.create(
        session, actor, values={"name": "Business trip", "archived": False},
        effective_from=founded, key="business_trip",
    )  # fmt: skip
    policies = _create_policies(session, actor, founded)
    vacation = _create_vacation_policy(session, actor, founded)
    terms = {}
    for number, (terms_name, pattern, _) in enumerate(PATTERNS):
        terms[terms_name] = EMPLOYMENT_TERMS.create(
            session,
            actor,
            values={
                "name": terms_name,
                "norm_minutes": list(pattern),
                "holiday_calendar_id": calendar.entity.id,
                "flex_account_id": policies["flex"],
                "reason_ids": [reason.entity.id],
                "timeoff_policy_ids": [vacation],
                "allowance_policy_ids": [policies["overtime"], policies["night"]],
                "worktime_policy_id": policies["worktime"],
                "settlement_policy_id": policies["settlement"],
                "timesheet_approval": "manager",
            },
            effective_from=founded,
            key=f"terms-{number + 1}",
        ).entity.id
    return {"calendar": calendar.entity.id, "reason": reason.entity.id, "terms": terms}


def _create_vacation_policy(session: Session, actor: Actor, founded: date) -> int:
    """Issue #19's vacation policy of every set of terms: the workspace's `vacation` activity
    counted by working days from a `days` account "Vacation", 25 days granted each 1 January
    (prorated by the months employed), the balance above 5 days expiring at the year end and
    what is carried on 31 March, requests approved by the manager. The dataset's vacation
    entries stay as they are (written directly, not through requests)."""
    account = TIMEBANK_ACCOUNTS.create(
        session, actor, values={"name": "Vacation", "unit": "days", "archived": False},
        effective_from=founded, key="vacation",
    ).entity.id  # fmt: skip
    activity = ACTIVITIES.by_key(session, "vacation")
    if activity is None:
        raise RuntimeError("the workspace has no activity 'vacation'")
    policy = TIMEOFF_POLICIES.create(
        session,
        actor,
        values={
            "name": "Vacation",
            "activity_id": activity.id,
            "account_id": account,
            "approval": "manager",
            "usage": {"plugin_id": "workdays"},
            "accrual": {
                "plugin_id": "annual_grant",
                "config": {"amount": VACATION_GRANT, "on": "01-01", "proration": "monthly"},
            },
            "expiration": {
                "plugin_id": "carry_over_cap",
                "config": {"on": "12-31", "max_carry": VACATION_MAX_CARRY, "valid_until": "03-31"},
            },
            "allow_negative": False,
            "min_notice_days": 0,
            "half_days": False,
            "archived": False,
        },
        effective_from=founded,
        key="vacation",
    )
    return policy.entity.id


def _allowance_activity(session: Session, actor: Actor, founded: date, key: str, name: str) -> int:
    values: dict[str, Any] = {
        "name": name, "type": "allowance", "parent_id": None, "requires_project": False,
        "required_dimension_ids": [], "billable": False, "hourly_rate_minor": None,
        "color": None, "archived": False,
    }  # fmt: skip
    return ACTIVITIES.create(
        session, actor, values=values, effective_from=founded, key=key
    ).entity.id


def _constraint(plugin_id: str, severity: str, **config: int) -> dict[str, Any]:
    return {"plugin_id": plugin_id, "config": config, "severity": severity}


def _create_policies(session: Session, actor: Actor, founded: date) -> dict[str, int]:
    """The rule engine's policies of issue #17's examples: German statutory breaks and
    working-time limits with a flex account, overtime above 9 hours a day and 40 a week at
    140 %, night work (21:00-06:00) at 100 %, and a monthly settlement into the flex account
    (the norm's delta, overtime banked there with its supplement paid, the month locked)."""
    flex = TIMEBANK_ACCOUNTS.by_key(session, "flex")
    flex_id = flex.id if flex is not None else TIMEBANK_ACCOUNTS.create(
        session, actor, values={"name": "Flex", "unit": "hours", "archived": False},
        effective_from=founded, key="flex",
    ).entity.id  # fmt: skip
    worktime = WORKTIME_POLICIES.create(
        session,
        actor,
        values={
            "name": "Germany (ArbZG)",
            "flex_account_id": flex_id,
            "steps": [
                {
                    "plugin_id": "statutory_breaks",
                    "config": {
                        "tiers": [
                            {"after_minutes": 360, "break_minutes": 30},
                            {"after_minutes": 540, "break_minutes": 45},
                        ],
                        "min_segment_minutes": 15,
                        "mode": "cap",
                    },
                }
            ],
            "constraints": [
                _constraint("daily_rest", "warning", min_minutes=660),
                _constraint("max_daily_work", "warning", max_minutes=600),
                _constraint("closed_intervals", "error"),
            ],
            "archived": False,
        },
        effective_from=founded,
        key="arbzg",
    )
    overtime = ALLOWANCE_POLICIES.create(
        session,
        actor,
        values={
            "name": "OT",
            "target_activity_id": _allowance_activity(
                session, actor, founded, "overtime", "Overtime"
            ),
            "trigger_reason_ids": [],
            "classify_as_overtime": True,
            "consumes_flex": True,
            "counter": {
                "plugin_id": "norm_week_counter",
                "config": {
                    "daily_threshold_minutes": 540,
                    "daily_basis": "fixed",
                    "weekly_threshold_minutes": 2400,
                    "rate_percent": 140,
                },
            },
            "rules": None,
            "archived": False,
        },
        effective_from=founded,
        key="ot",
    )
    night = ALLOWANCE_POLICIES.create(
        session,
        actor,
        values={
            "name": "NIGHT",
            "target_activity_id": _allowance_activity(
                session, actor, founded, "night", "Night work"
            ),
            "trigger_reason_ids": [],
            "classify_as_overtime": False,
            "consumes_flex": False,
            "counter": None,
            "rules": [
                {
                    "filters": [
                        {"plugin_id": "time_window", "config": {"from": "21:00", "to": "06:00"}}
                    ],
                    "calculator": {"plugin_id": "rate", "config": {"percent": 100}},
                }
            ],
            "archived": False,
        },
        effective_from=founded,
        key="night",
    )
    settlement = SETTLEMENT_POLICIES.create(
        session,
        actor,
        values={
            "name": "Monthly",
            "period": "month",
            "steps": [
                {"plugin_id": "bank_norm_delta", "config": {"account_id": flex_id}},
                {
                    "plugin_id": "overtime_choice",
                    "config": {"account_id": flex_id, "supplement_always_paid": True},
                },
                {"plugin_id": "lock_period", "config": {}},
            ],
            "archived": False,
        },
        effective_from=founded,
        key="monthly",
    )
    return {
        "flex": flex_id,
        "worktime": worktime.entity.id,
        "overtime": overtime.entity.id,
        "night": night.entity.id,
        "settlement": settlement.entity.id,
    }


def _insert_returning(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def _insert_units(
    session: Session, workspace_id: int, units: list[UnitPlan], founded: date, now: datetime
) -> None:
    ids = _insert_returning(
        session,
        OrgUnit,
        [{"workspace_id": workspace_id, "key": u.key, "created_at": now, "updated_at": now,
          "row_version": 1} for u in units],
    )  # fmt: skip
    for unit, unit_id in zip(units, ids, strict=True):
        unit.id = unit_id
    session.execute(
        insert(OrgUnitVersion),
        [
            {
                "workspace_id": workspace_id,
                "org_unit_id": unit.id,
                "name": unit.name,
                "type": unit.type,
                "parent_id": units[unit.parent].id if unit.parent is not None else None,
                "valid_to": None,
                "effective_from": founded,
                "recorded_at": now,
            }
            for unit in units
        ],
    )


def _insert_people(
    session: Session,
    workspace_id: int,
    people: list[PersonPlan],
    units: list[UnitPlan],
    reference: dict[str, Any],
    roles: dict[str, int],
    now: datetime,
) -> None:
    def email(person: PersonPlan) -> str:
        return f"e{person.index + 1:05d}@bench.example"

    user_ids = _insert_returning(
        session,
        User,
        [
            {
                "workspace_id": workspace_id,
                "kind": "person",
                "email": email(p),
                "name": f"{p.first_name} {p.last_name}",
                "password_hash": None,
                "role_id": roles["manager" if p.manager else "employee"],
                "timezone": TIMEZONE,
                "language": "de",
                "status": "active",
                "row_version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for p in people
        ],
    )
    employee_ids = _insert_returning(
        session,
        Employee,
        [
            {
                "workspace_id": workspace_id,
                "employee_number": f"E{p.index + 1:05d}",
                "user_id": user_id,
                "key": None,
                "created_at": now,
                "updated_at": now,
                "row_version": 1,
            }
            for p, user_id in zip(people, user_ids, strict=True)
        ],
    )
    for person, user_id, employee_id in zip(people, user_ids, employee_ids, strict=True):
        person.user_id, person.employee_id = user_id, employee_id
    session.execute(
        insert(EmployeeVersion),
        [
            {
                "workspace_id": workspace_id,
                "employee_id": p.employee_id,
                "effective_from": p.starts_on,
                "recorded_at": now,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "email": email(p),
                "org_unit_id": units[p.unit].id,
                "employment_terms_id": reference["terms"][p.terms],
                "timezone": TIMEZONE,
                "weekly_pattern_minutes": list(p.pattern),
                "hourly_rate_minor": None,
            }
            for p in people
        ],
    )
    session.execute(
        insert(Employment),
        [
            {
                "workspace_id": workspace_id,
                "employee_id": p.employee_id,
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
                "percentage_hundredths": sum(p.pattern) * 10_000 // sum(FULL_TIME),
                "details": {},
                "created_at": now,
            }
            for p in people
        ],
    )
    managers = [
        {"workspace_id": workspace_id, "org_unit_id": u.id, "user_id": people[u.manager].user_id}
        for u in units
        if u.manager is not None
    ]
    if managers:
        session.execute(insert(OrgUnitManager), managers)


def _insert_buckets(
    session: Session,
    rng: random.Random,
    workspace_id: int,
    employees: int,
    founded: date,
    now: datetime,
) -> list[ProjectPlan]:
    """Customers with rates; projects (a fifth internal: no customer, not billable) with a
    rate or falling back to the customer's; tasks, a tenth with a rate of their own."""
    customer_count = max(3, round(employees / EMPLOYEES_PER_CUSTOMER))
    project_count = max(5, round(employees / EMPLOYEES_PER_PROJECT))
    entity = {"workspace_id": workspace_id, "created_at": now, "updated_at": now, "row_version": 1}
    version = {"workspace_id": workspace_id, "effective_from": founded, "recorded_at": now}
    customer_ids = _insert_returning(
        session, Customer, [{**entity, "key": f"C{n + 1:03d}"} for n in range(customer_count)]
    )
    customer_rates = {cid: rng.randrange(80, 160, 5) * 100 for cid in customer_ids}
    session.execute(
        insert(CustomerVersion),
        [
            {**version, "customer_id": cid, "name": f"{rng.choice(CUSTOMER_WORDS)} "
             f"{rng.choice(CUSTOMER_KINDS)} {n + 1}", "note": "",
             "hourly_rate_minor": customer_rates[cid], "archived": False}
            for n, cid in enumerate(customer_ids)
        ],
    )  # fmt: skip
    project_ids = _insert_returning(
        session, Project, [{**entity, "key": f"P{n + 1:04d}"} for n in range(project_count)]
    )
    projects: list[ProjectPlan] = []
    project_versions: list[dict[str, Any]] = []
    for number, project_id in enumerate(project_ids):
        internal = rng.random() < 0.2
        customer_id = None if internal else rng.choice(customer_ids)
        billable = not internal and rng.random() < 0.9
        rate = None if internal or rng.random() < 0.15 else rng.randrange(70, 180, 5) * 100
        projects.append(ProjectPlan(project_id, customer_id))
        project_versions.append(
            {
                **version,
                **NEW_PROJECT_VALUES,
                "project_id": project_id,
                "customer_id": customer_id,
                "name": f"{'Internal' if internal else 'Project'} {number + 1}",
                "billable": billable,
                "hourly_rate_minor": rate,
            }
        )
    session.execute(insert(ProjectVersion), project_versions)
    task_rows: list[dict[str, Any]] = []
    task_plans: list[tuple[TaskPlan, str, bool, int | None]] = []
    for project, values in zip(projects, project_versions, strict=True):
        for task_name in rng.sample(TASK_NAMES, TASKS_PER_PROJECT):
            task_billable = task_name != "Meetings" or rng.random() < 0.5
            task_rate = rng.randrange(90, 200, 5) * 100 if rng.random() < 0.1 else None
            task_rows.append(
                {**entity, "key": f"T{len(task_rows) + 1:05d}", "project_id": project.id,
                 "parent_task_id": None}
            )  # fmt: skip
            rate, source = task_rate, "task"
            if rate is None:
                rate, source = values["hourly_rate_minor"], "project"
            if rate is None and project.customer_id is not None:
                rate, source = customer_rates[project.customer_id], "customer"
            plan = TaskPlan(
                0, bool(values["billable"] and task_billable), rate, source if rate else None
            )
            task_plans.append((plan, task_name, task_billable, task_rate))
            project.tasks.append(plan)
    task_ids = _insert_returning(session, Task, task_rows)
    for (plan, _, _, _), task_id in zip(task_plans, task_ids, strict=True):
        plan.id = task_id
    session.execute(
        insert(TaskVersion),
        [
            {**version, "task_id": plan.id, "name": task_name, "billable": task_billable,
             "hourly_rate_minor": task_rate, "budget_minutes": None, "archived": False}
            for plan, task_name, task_billable, task_rate in task_plans
        ],
    )  # fmt: skip
    return projects


def _assign_projects(
    rng: random.Random,
    session: Session,
    workspace_id: int,
    people: list[PersonPlan],
    units: list[UnitPlan],
    projects: list[ProjectPlan],
) -> None:
    """Each project belongs to a team (a third to a second team too); its teams' people are
    its members, each working on their team's projects, their first one most."""
    teams = [index for index, unit in enumerate(units) if unit.type == "team"]
    by_team: dict[int, list[ProjectPlan]] = {team: [] for team in teams}
    order = list(projects)
    rng.shuffle(order)
    for number, project in enumerate(order):
        home = teams[number % len(teams)]
        by_team[home].append(project)
        if len(teams) > 1 and rng.random() < 0.3:
            by_team[rng.choice([t for t in teams if t != home])].append(project)
    department_projects: dict[int, list[ProjectPlan]] = {}
    for team in teams:
        department = units[team].parent
        assert department is not None
        department_projects.setdefault(department, []).extend(by_team[team][:1])
    members = []
    for person in people:
        own = by_team.get(person.unit) or department_projects.get(person.unit) or order[:2]
        person.projects = list({project.id: project for project in own}.values())
        rng.shuffle(person.projects)
        for project in person.projects:
            members.append(
                {
                    "workspace_id": workspace_id,
                    "project_id": project.id,
                    "user_id": person.user_id,
                    "is_manager": person.manager,
                    "hourly_rate_minor": None,
                }
            )
    session.execute(insert(ProjectMember), members)


# Time: absences per year, then presence, entries and totals month by month.


def _plan_absences(
    rng: random.Random,
    people: list[PersonPlan],
    activities: dict[str, int],
    calendar: Calendar,
    year: int,
) -> None:
    """About 30 days of vacation (pro rata for part-time) in a summer block, a winter
    block and short ones, and a few sick spells; on working days only."""
    working: dict[tuple[int, ...], list[int]] = {}
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    vacation, sick = activities["vacation"], activities["sick"]
    rare = [activities["special_leave"], activities["medical_leave"]]
    for person in people:
        days = working.get(person.pattern)
        if days is None:
            days = [
                ordinal
                for ordinal in range(first, last + 1)
                if person.pattern[(ordinal - 1) % 7]
                and date.fromordinal(ordinal) not in calendar.holidays
            ]
            working[person.pattern] = days
        absences: dict[int, int] = {}
        per_week = sum(1 for minutes in person.pattern if minutes)
        allowance = VACATION_DAYS_FULL_TIME * per_week // 5
        blocks = [2 * per_week, per_week, *[rng.choice((1, 2, 3)) for _ in range(8)]]
        for length in blocks:
            if allowance <= 0:
                break
            length = min(length, allowance)
            start = rng.randrange(len(days))
            for ordinal in days[start : start + length]:
                if ordinal not in absences:
                    absences[ordinal] = vacation
                    allowance -= 1
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            start = rng.randrange(len(days))
            for ordinal in days[start : start + rng.choice((1, 1, 2, 3, 5))]:
                absences.setdefault(ordinal, sick)
        if rng.random() < 0.3:
            absences.setdefault(days[rng.randrange(len(days))], rng.choice(rare))
        person.absences = absences


@dataclass
class MonthRows:
    intervals: list[Row] = field(default_factory=list)
    breaks: list[Row] = field(default_factory=list)
    entries: list[Row] = field(default_factory=list)
    totals: list[Row] = field(default_factory=list)


def _statuses(months_back: int) -> tuple[tuple[str, ...], list[float]]:
    if months_back >= 2:
        return ("approved", "exported", "disapproved"), _cumulative((0.9, 0.095, 0.005))
    if months_back == 1:
        return ("approved", "under_approval", "not_approved_yet"), _cumulative((0.6, 0.3, 0.1))
    return ("not_approved_yet", "under_approval"), _cumulative((0.7, 0.3))


def _generate_time(
    db: Database,
    rng: random.Random,
    workspace_id: int,
    people: list[PersonPlan],
    activities: dict[str, int],
    reason_id: int,
    calendar: Calendar,
    first_day: date,
    until: date,
    entries_per_day: float,
    changes: int,
    say: Progress,
) -> dict[str, int]:
    counts = {
        "presence_intervals": 0, "presence_breaks": 0, "time_entries": 0, "totals": 0,
        "changes": 0,
    }  # fmt: skip
    with db.transaction() as session:  # unscoped: ids are shared by all workspaces
        next_interval = (session.scalar(select(func.max(PresenceInterval.id))) or 0) + 1
        next_entry = (session.scalar(select(func.max(TimeEntry.id))) or 0) + 1
        revision = head_revision(session, workspace_id)
    log = ChangeLog(workspace_id, revision, changes)
    work_activities = [activities["work"], activities["travel"]]
    home_office = activities["home_office"]
    whole_entries = int(entries_per_day)
    extra_entry_share = entries_per_day - whole_entries
    creation_weights = _cumulative(CREATION_TYPE_WEIGHTS)
    planned_year = 0
    with _bulk_connection(db) as connection:
        for month_first, month_last in _months(first_day, until):
            if month_first.year != planned_year:
                planned_year = month_first.year
                _plan_absences(rng, people, activities, calendar, planned_year)
            months_back = (until.year - month_first.year) * 12 + until.month - month_first.month
            statuses, status_weights = _statuses(months_back)
            rows = MonthRows()
            day = month_first
            while day <= month_last:
                if day not in calendar.holidays:
                    next_interval = _generate_day(
                        rng,
                        rows,
                        workspace_id,
                        people,
                        day,
                        calendar,
                        next_interval,
                        reason_id=reason_id,
                        work_activities=work_activities,
                        home_office=home_office,
                        whole_entries=whole_entries,
                        extra_entry_share=extra_entry_share,
                        creation_weights=creation_weights,
                        statuses=statuses,
                        status_weights=status_weights,
                        months_back=months_back,
                    )
                day += timedelta(days=1)
            entries = [(id_, *row) for id_, row in enumerate(rows.entries, next_entry)]
            next_entry += len(entries)
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    _tune_postgresql(connection)
                writer = BulkWriter(connection)
                writer.write("presence_intervals", INTERVAL_COLUMNS, rows.intervals)
                writer.write("presence_breaks", BREAK_COLUMNS, rows.breaks)
                writer.write("time_entries", ENTRY_COLUMNS, entries)
                writer.write("entry_day_totals", TOTAL_COLUMNS, rows.totals)
                writer.write("changes", CHANGE_COLUMNS, log.created(entries))
            counts["presence_intervals"] += len(rows.intervals)
            counts["presence_breaks"] += len(rows.breaks)
            counts["time_entries"] += len(rows.entries)
            counts["totals"] += len(rows.totals)
            if month_first.month == 12 or month_last == until:
                say(f"{month_first.year}: {counts['time_entries']} entries so far")
    with db.transaction(workspace_id=workspace_id) as session:
        session.merge(WorkspaceRevision(workspace_id=workspace_id, revision=log.revision))
        rebuild_months(session, workspace_id)
        _finish(session)
    counts["changes"] = log.written
    return counts


ENTRY_INDEX = {name: index for index, name in enumerate(ENTRY_COLUMNS)}
LOGGED_ENTRY_FIELDS = (
    "id", "employee_id", "minutes", "activity_id", "project_id", "task_id", "customer_id",
    "note", "billable", "hourly_rate_minor", "revenue_minor", "billing_state",
    "approval_status", "creation_type", "locked",
)  # fmt: skip
LOGGED_INSTANTS = ("started_at", "ended_at", "created_at")


class ChangeLog:
    """Numbers `entry.created` changes from the workspace's revision on, until `limit`
    are written; `revision` is the last number given."""

    def __init__(self, workspace_id: int, revision: int, limit: int) -> None:
        self.workspace_id = workspace_id
        self.revision = revision
        self.remaining = limit
        self.written = 0

    def created(self, entries: list[Row]) -> list[Row]:
        """The change rows of as many of `entries` (rows of ENTRY_COLUMNS) as remain."""
        logged = entries[: self.remaining]
        rows = []
        created_by, created_at = ENTRY_INDEX["created_by_user_id"], ENTRY_INDEX["created_at"]
        for entry in logged:
            self.revision += 1
            rows.append(
                (self.workspace_id, self.revision, "entry", entry[0], "created",
                 entry[created_by], entry[created_at], _entry_data(entry))
            )  # fmt: skip
        self.remaining -= len(logged)
        self.written += len(logged)
        return rows


def _entry_data(entry: Row) -> str:
    """A compact version of the entry as the API shows it: its identity, whose it is (the
    event feed decides visibility by `employee_id`), its figures and states."""
    data = {name: entry[ENTRY_INDEX[name]] for name in LOGGED_ENTRY_FIELDS}
    data["user_id"] = entry[ENTRY_INDEX["created_by_user_id"]]
    data["date"] = entry[ENTRY_INDEX["day"]]
    for name in LOGGED_INSTANTS:
        micros = entry[ENTRY_INDEX[name]]
        data[name] = None if micros is None else _iso_instant(micros)
    return orjson.dumps(data).decode()


def _tune_postgresql(connection: Connection) -> None:
    """Commits need not wait for the WAL flush (a crash loses a month, no more). A superuser
    also skips the per-row foreign-key triggers: every id written was created just before."""
    connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
    if connection.exec_driver_sql(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    ).scalar():
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")


@contextmanager
def _bulk_connection(db: Database) -> Iterator[Connection]:
    """A writer connection (BEGIN IMMEDIATE on SQLite) that, on SQLite, keeps 256 MB of pages
    while the indexes grow and does not sync each commit; both settings are restored."""
    with db.engine.connect().execution_options(**{IMMEDIATE: True}) as connection:
        if connection.dialect.name != "sqlite":
            yield connection
            return
        # Through the driver: PRAGMA synchronous may not change inside a transaction.
        raw: Any = connection.connection.dbapi_connection
        raw.execute("PRAGMA cache_size = -262144")
        raw.execute("PRAGMA synchronous = OFF")
        try:
            yield connection
        finally:
            raw.execute(f"PRAGMA cache_size = {SQLITE_DEFAULT_CACHE_SIZE}")
            raw.execute("PRAGMA synchronous = NORMAL")


def _finish(session: Session) -> None:
    """Explicit interval and entry ids bypassed PostgreSQL's sequences; move them past
    those ids. Fresh
    statistics of every table let the planner see a million entries (measured: with only
    the entry and presence tables analyzed, a manager's team list took 142 ms at p99
    instead of 17)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("presence_intervals", "time_entries"):
        last_id = f"(SELECT max(id) FROM {table})"  # noqa: S608 (our table names)
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last_id})"))
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    session.execute(text(f"ANALYZE {tables}"))


def _generate_day(
    rng: random.Random,
    rows: MonthRows,
    workspace_id: int,
    people: list[PersonPlan],
    day: date,
    calendar: Calendar,
    next_interval: int,
    *,
    reason_id: int,
    work_activities: list[int],
    home_office: int,
    whole_entries: int,
    extra_entry_share: float,
    creation_weights: list[float],
    statuses: tuple[str, ...],
    status_weights: list[float],
    months_back: int,
) -> int:
    """Every employee's registrations of one day; returns the next free interval id."""
    weekday = day.weekday()
    ordinal = day.toordinal()
    iso = day.isoformat()
    week = week_start_of(day, calendar.week_start).isoformat()
    month = day.replace(day=1).isoformat()
    midnight = calendar.local_midnight_micros(day)
    random_ = rng.random  # int(random_() * n) is several times faster than randrange(n)
    break_texts: dict[tuple[int, int], str] = {}
    for person in people:
        planned = person.pattern[weekday]
        if not planned or day < person.starts_on or (person.ends_on and day > person.ends_on):
            continue
        user_id, employee_id = person.user_id, person.employee_id
        status = _pick(rng, statuses, status_weights)
        locked = status == "exported"
        created = midnight + 17 * 60 * MINUTE_MICROS
        absence = person.absences.get(ordinal)
        if absence is not None:
            rows.entries.append(
                (workspace_id, employee_id, iso, planned, None, None, None, "[]", 0, absence,
                 None, None, None, "{}", "", False, None, None, None, "unbilled", status,
                 "times", locked, None, None, user_id, created, created, 1)
            )  # fmt: skip
            rows.totals.append(
                (workspace_id, employee_id, iso, week, month, absence, NO_REFERENCE,
                 NO_REFERENCE, False, planned, 0, 1)
            )  # fmt: skip
            continue
        slots = planned // SLOT
        count = max(1, min(slots, whole_entries + (random_() < extra_entry_share)))
        cuts = sorted(rng.sample(range(1, slots), count - 1)) if count > 1 else []
        bounds = [0, *cuts, slots]
        start = midnight + (450 + SLOT * int(random_() * 9)) * MINUTE_MICROS
        break_minutes = (30 if random_() < 0.7 else 45) if planned >= BREAK_FROM_MINUTES else 0
        # Lunch starts mid-day, or where an entry ends within an hour of it.
        break_at = slots // 2
        if cuts:
            nearest = min(cuts, key=lambda cut: abs(cut - slots // 2))
            break_at = nearest if abs(nearest - break_at) * SLOT <= 60 else break_at
        break_start = start + break_at * SLOT * MINUTE_MICROS
        break_end = break_start + break_minutes * MINUTE_MICROS
        interval_id = next_interval
        next_interval += 1
        ended = break_end + (slots - break_at) * SLOT * MINUTE_MICROS
        rows.intervals.append(
            (interval_id, workspace_id, employee_id, start, ended, iso, TIMEZONE, reason_id,
             None, "", person.source, user_id, ended, ended, 1)
        )  # fmt: skip
        if break_minutes:
            rows.breaks.append((workspace_id, interval_id, break_start, break_end))
        at_home = random_() < person.home_office_share
        sums: dict[tuple[int, int, int, bool], list[int]] = {}
        for position in range(count):
            first_slot, end_slot = bounds[position], bounds[position + 1]
            minutes = (end_slot - first_slot) * SLOT
            began = start + first_slot * SLOT * MINUTE_MICROS
            if first_slot >= break_at:
                began += break_minutes * MINUTE_MICROS
            finished = began + minutes * MINUTE_MICROS
            breaks, entry_break_minutes = "[]", 0
            if break_minutes and first_slot < break_at < end_slot:
                # An entry across lunch keeps its span and names the break inside it.
                breaks = break_texts.get((break_start, break_end)) or break_texts.setdefault(
                    (break_start, break_end), _breaks_json(break_start, break_end)
                )
                entry_break_minutes = break_minutes
                finished += break_minutes * MINUTE_MICROS
            if at_home:
                activity = home_office
            else:
                activity = work_activities[0] if random_() < 0.95 else work_activities[1]
            project_id = task_id = customer_id = rate = revenue = source = None
            billable = False
            roll = random_()
            if roll < 0.85 and person.projects:
                project = person.projects[
                    0 if roll < 0.45 else int(random_() * len(person.projects))
                ]
                task = project.tasks[int(random_() * len(project.tasks))]
                project_id, task_id, customer_id = project.id, task.id, project.customer_id
                billable, rate, source = task.billable, task.hourly_rate_minor, task.rate_source
                if billable and rate is not None:
                    revenue = revenue_minor(minutes, rate)
            billing = "unbilled"
            if billable and months_back >= 1:
                billing = ("paid" if random_() < 0.7 else "billed") if months_back >= 3 else (
                    "billed" if random_() < 0.5 else "unbilled")  # fmt: skip
            creation = person.creation_type if random_() < 0.9 else CREATION_TYPES[
                bisect.bisect(creation_weights, random_())]  # fmt: skip
            rows.entries.append(
                (workspace_id, employee_id, iso, minutes, began, finished, TIMEZONE, breaks,
                 entry_break_minutes, activity, project_id,
                 task_id, customer_id, "{}", NOTES[int(random_() * len(NOTES))], billable, rate,
                 revenue, source, billing, status, creation, locked, None, interval_id,
                 user_id, ended, ended, 1)
            )  # fmt: skip
            key = (activity, project_id or NO_REFERENCE, customer_id or NO_REFERENCE, billable)
            total = sums.get(key)
            if total is None:
                sums[key] = [minutes, revenue or 0, 1]
            else:
                total[0] += minutes
                total[1] += revenue or 0
                total[2] += 1
        for (activity, project_key, customer_key, billable), (minutes, revenue, n) in sums.items():
            rows.totals.append(
                (workspace_id, employee_id, iso, week, month, activity, project_key,
                 customer_key, billable, minutes, revenue, n)
            )  # fmt: skip
    return next_interval
