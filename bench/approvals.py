"""Issue #20's figures (scenario 12): the approvals inbox of the dataset's department head
(the bench "manager", about 400 employees in the 1,000-employee dataset) and bulk
decisions, over HTTP against the real server; this module prepares the state in a
process of its own, through the services, and holds what `bench/scenarios.py` sends.

    python -m bench.approvals <database url> <workspace id> <head's user id> <month day>

prepares, in the dataset's workspace, as people would through the API:

- each team manager of the head's department delegates their statements and time-off
  requests to the head for 30 days from today (`approvals.delegations.create_delegation`,
  acting as that team manager): the head's inbox then holds those items of every employee
  of the department, through delegation, besides those routed to the head directly (the
  team managers' own);
- the month holding `month day` (it must have ended: the dataset's last month) gets its
  statements for the department's employees from the job `timesheet.generate-statements`
  run by one `Worker`, and each draft is submitted (payout 0) through
  `statements.service.submit` as the workspace's owner;
- this year's vacation is granted by the job `timeoff.accrue` for 1 January of the
  workspace's year (the dataset's grants end with its last year; the policy allows no
  negative balance), then 200 of the department's employees employed without an end
  (all of them when fewer), spread over its teams, ask for one working day each, Monday
  to Wednesday (every pattern of the dataset works them), weeks ahead
  (`timeoff.service.create_request`, as the owner).

The workspace's nightly time-off schedules are paused first, as `bench/timeoff.py` does.
Prints one JSON object (see `main`). It writes approvals state the other scenarios do not
expect: run it after them on a dataset.
"""

from __future__ import annotations

import json
import resource
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

import timeledger.job_kinds  # noqa: F401 (registers the job kinds with the worker)
from bench.load import Request
from bench.statements import owner_of, run_until_idle
from bench.timeoff import pause_schedules
from timeledger.access.caller import Caller, caller_acting_as
from timeledger.approvals.delegations import create_delegation
from timeledger.approvals.repository import ApprovalRepository
from timeledger.approvals.routing import Kind
from timeledger.approvals.schemas import DelegationCreate
from timeledger.config import Settings
from timeledger.jobs.registry import enqueue
from timeledger.jobs.worker import Worker
from timeledger.kit.db import Database
from timeledger.kit.errors import Problem
from timeledger.kit.observability import configure_logging
from timeledger.models import Employment, Job, Statement, User
from timeledger.organization.repository import EmployeeRepository, OrgUnitRepository
from timeledger.organization.today import workspace_today
from timeledger.rules.periods import period_of
from timeledger.settings.service import TIMEOFF_POLICIES
from timeledger.statements import service as statements
from timeledger.statements.jobs import GENERATE_STATEMENTS
from timeledger.timeoff import service as timeoffs
from timeledger.timeoff.jobs import ACCRUE
from timeledger.timeoff.schemas import TimeoffCreate

INBOX = "/api/approvals/inbox"
COUNT = "/api/approvals/inbox/count"
DECISIONS = "/api/approvals/decisions"
STATEMENTS_BASELINE = "/api/timesheet/statements?scope=team&status=submitted"
TIMEOFFS_BASELINE = "/api/timeoffs?scope=team&status=requested"
"""The head's own lists of what the inbox gathers, first page (default limit 50 as the
inbox's): the baselines it is compared with in the same run."""
INBOX_P99_MS = 30.0
DECISIONS_SECONDS = 2.0
DECISIONS_PER_REQUEST = 100
"""Issue #20's targets: the first page of the inbox of the dataset's manager of about 400
employees (400 submitted statements, 200 pending requests) p99 ≤ 30 ms; 100 decisions in
one request ≤ 2 s."""
REQUESTS = 200
DELEGATION_DAYS = 30
DELEGATED: tuple[Kind, ...] = ("statement", "timeoff")
"""The kinds delegated: those measured. Not project weeks: the dataset's team managers
manage projects with members of other departments, whom the head cannot read (a delegate
must read every employee whose items they would decide: 422)."""
REQUESTS_FROM_DAYS = 21
REQUEST_DAYS = 15
"""The requests' days: 15 working days (five weeks of Mondays to Wednesdays) from three
weeks after today on, the employees on them in turn."""
REQUEST_WEEKDAYS = (0, 1, 2)
"""Monday to Wednesday: worked by every pattern of the dataset (full-time, four days,
mornings, three days)."""
REQUEST_TRIES = 5
LABEL = "bench approvals"
DONE = "done"


def _any_etag(_etag: str) -> None:
    """`If-Match` left out: every change is accepted whatever the statement's version."""


def request_days(today: date, count: int, holidays: Sequence[date] = ()) -> list[date]:
    """`count` working days Monday to Wednesday from three weeks after `today` on, leaving
    out `holidays` and the days from 24 December to 1 January."""
    days: list[date] = []
    day = today + timedelta(days=REQUESTS_FROM_DAYS)
    while len(days) < count:
        closed = (day.month, day.day) >= (12, 24) or (day.month, day.day) == (1, 1)
        if day.weekday() in REQUEST_WEEKDAYS and day not in holidays and not closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def spread(employee_ids: Sequence[int], count: int) -> list[int]:
    """`count` of the employees (all of them when fewer), evenly spaced in their order."""
    if count >= len(employee_ids):
        return list(employee_ids)
    return [employee_ids[index * len(employee_ids) // count] for index in range(count)]


# --- over HTTP ----------------------------------------------------------------------------


def list_factory(path: str, headers: dict[str, str]) -> Callable[[int, int], Request]:
    """Every request the same `GET path`."""
    request = Request("GET", path, headers)
    return lambda _worker, _sequence: request


def decision_batches(items: Sequence[dict[str, Any]], batches: int, size: int) -> list[list[Any]]:
    """Up to `batches` batches of `size` inbox items (fewer when the inbox holds fewer), no
    item in two, each kind in every batch in its share of the inbox (oldest first within
    a kind); smaller batches of the same size when the items do not reach."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_kind.setdefault(item["kind"], []).append(item)
    total = sum(len(found) for found in by_kind.values())
    if not total or batches < 1:
        return []
    size = min(size, total // batches) or min(size, total)
    batches = min(batches, total // size)
    shares = {kind: len(found) * size // total for kind, found in by_kind.items()}
    # What rounding left out goes to the kinds with the most items left over.
    for kind in sorted(by_kind, key=lambda k: -(len(by_kind[k]) * size % total))[
        : size - sum(shares.values())
    ]:
        shares[kind] += 1
    found: list[list[dict[str, Any]]] = []
    for number in range(batches):
        batch = []
        for kind, share in shares.items():
            batch.extend(by_kind[kind][number * share : (number + 1) * share])
        found.append(batch)
    return found


def decisions_body(batch: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """`POST /api/approvals/decisions`: approve every item of the batch."""
    return {
        "decisions": [
            {"kind": item["kind"], "id": item["id"], "decision": "approve"} for item in batch
        ]
    }


def single_approval(item: dict[str, Any]) -> str:
    """The item's own approve operation: `POST <href>/approve` (a statement's or a
    time-off request's)."""
    return f"{item['href']}/approve"


# --- preparing the state ------------------------------------------------------------------


@dataclass(frozen=True)
class Department:
    """The head's department on a day: its team managers (users) and its employees (the
    head's own record left out), by id."""

    team_manager_user_ids: list[int]
    employee_ids: list[int]
    employed_ids: list[int]
    """Of the employees, those employed from today on without an end."""


def department_of(database: Database, workspace_id: int, head_user_id: int) -> Department:
    with database.session(write=False, workspace_id=workspace_id) as session:
        today = workspace_today(session, workspace_id)
        units = OrgUnitRepository(session)
        managed = units.units_managed_by(head_user_id)
        below = set(units.subtree(managed, today)) - managed
        chart = ApprovalRepository(session).org_chart(today)
        managers = {
            user
            for unit, users in chart.managers_of.items()
            if unit in below
            for user in users
            if user != head_user_id
        }
        team = EmployeeRepository(session).team_employee_ids(head_user_id, today)
        team -= ApprovalRepository(session).employees_of_users([head_user_id])
        employed = set(
            session.scalars(
                select(Employment.employee_id).where(
                    Employment.employee_id.in_(sorted(team)),
                    Employment.starts_on <= today,
                    Employment.ends_on.is_(None),
                )
            )
        )
    return Department(sorted(managers), sorted(team), sorted(employed))


class Preparation:
    """The approvals state of one department, prepared through the services."""

    def __init__(self, database: Database, workspace_id: int, head_user_id: int) -> None:
        self.database = database
        self.workspace_id = workspace_id
        self.head_user_id = head_user_id
        self.worker = Worker(
            database,
            Settings(
                database_url=str(database.engine.url.render_as_string(hide_password=False)),
                data_dir=Path(tempfile.gettempdir()) / "timeledger-bench-approvals",
                secret_key=secrets.token_hex(16),
            ),
        )
        with database.session(write=False, workspace_id=workspace_id) as session:
            owner = owner_of(session, workspace_id)
            self.owner_user_id = owner.id
            self.owner: Caller = caller_acting_as(owner, LABEL)
            self.today = workspace_today(session, workspace_id)
        self.department = department_of(database, workspace_id, head_user_id)

    def delegate(self) -> tuple[int, dict[str, int]]:
        """Each team manager delegates `DELEGATED` to the head for `DELEGATION_DAYS` days
        from today: how many delegations were made, and the refusals by status."""
        made = 0
        refused: Counter[str] = Counter()
        for manager_id in self.department.team_manager_user_ids:
            try:
                with self.database.transaction(workspace_id=self.workspace_id) as session:
                    manager = session.get(User, manager_id)
                    assert manager is not None
                    create_delegation(
                        session,
                        caller_acting_as(manager, LABEL),
                        DelegationCreate(
                            delegate_user_id=self.head_user_id,
                            starts_on=self.today,
                            ends_on=self.today + timedelta(days=DELEGATION_DAYS - 1),
                            kinds=list(DELEGATED),
                        ),
                    )
            except Problem as problem:
                refused[str(problem.status)] += 1
                continue
            made += 1
        return made, dict(refused)

    def run_job(self, kind: str, payload: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        """Enqueue one job and run the worker until idle: seconds and the job's result."""
        with self.database.session(write=False) as session:
            before = int(session.scalar(select(func.max(Job.id))) or 0)
        began = time.perf_counter()
        with self.database.transaction(workspace_id=self.workspace_id) as session:
            enqueue(
                session,
                kind,
                payload,
                workspace_id=self.workspace_id,
                created_by_user_id=self.owner_user_id,
            )
        run_until_idle(self.worker)
        seconds = time.perf_counter() - began
        with self.database.session(write=False) as session:
            jobs = list(session.scalars(select(Job).where(Job.id > before, Job.kind == kind)))
            session.expunge_all()
        if len(jobs) != 1 or jobs[0].status != DONE or jobs[0].result is None:
            states = ", ".join(f"{job.status} {job.last_error}" for job in jobs)
            raise RuntimeError(f"the {kind} job did not end done: {states or 'none ran'}")
        return seconds, dict(jobs[0].result)

    def generate(self, day: date) -> tuple[float, dict[str, Any]]:
        return self.run_job(
            GENERATE_STATEMENTS,
            {"period_start": day.isoformat(), "employee_ids": self.department.employee_ids},
        )

    def accrue(self) -> tuple[float, dict[str, Any]]:
        return self.run_job(
            ACCRUE,
            {
                "day": date(self.today.year, 1, 1).isoformat(),
                "employee_ids": self.department.employee_ids,
            },
        )

    def submit(self, day: date) -> tuple[int, dict[str, int]]:
        """Submit (payout 0) the department's draft statements of the month holding `day`,
        one transaction each as a request would: how many ended submitted, and the
        refusals by status."""
        first, last = period_of(day, "month", 1)
        with self.database.session(write=False, workspace_id=self.workspace_id) as session:
            drafts = list(
                session.scalars(
                    select(Statement.id)
                    .where(
                        Statement.period_start == first,
                        Statement.period_end == last,
                        Statement.status == "draft",
                        Statement.employee_id.in_(self.department.employee_ids),
                    )
                    .order_by(Statement.employee_id)
                )
            )
        submitted = 0
        refused: Counter[str] = Counter()
        for statement_id in drafts:
            try:
                with self.database.transaction(workspace_id=self.workspace_id) as session:
                    status = statements.submit(
                        session, self.owner, statement_id, 0, _any_etag
                    ).status
            except Problem as problem:
                refused[str(problem.status)] += 1
                continue
            submitted += status == "submitted"
        return submitted, dict(refused)

    def vacation_policy_id(self) -> int:
        with self.database.session(write=False, workspace_id=self.workspace_id) as session:
            policy = TIMEOFF_POLICIES.by_key(session, "vacation")
            if policy is None:
                raise RuntimeError("the dataset has no time-off policy 'vacation'")
            return int(policy.id)

    def request(self, count: int) -> tuple[int, dict[str, int], list[date]]:
        """One-day vacation requests of `count` of the department's employees, spread over
        it, each on its own day in turn (a day refused is tried again on the next ones):
        how many were made, the refusals by status, and the first and last day asked."""
        policy_id = self.vacation_policy_id()
        employees = spread(self.department.employed_ids, count)
        days = request_days(self.today, REQUEST_DAYS)
        made = 0
        refused: Counter[str] = Counter()
        asked: list[date] = []
        for number, employee_id in enumerate(employees):
            for attempt in range(REQUEST_TRIES):
                day = days[(number + attempt) % len(days)]
                try:
                    with self.database.transaction(workspace_id=self.workspace_id) as session:
                        timeoffs.create_request(
                            session,
                            self.owner,
                            employee_id,
                            TimeoffCreate(
                                timeoff_policy_id=policy_id,
                                start_day=day,
                                end_day=day,
                                note="bench",
                            ),
                        )
                except Problem as problem:
                    refused[str(problem.status)] += 1
                    continue
                made += 1
                asked.append(day)
                break
        return made, dict(refused), [min(asked), max(asked)] if asked else []


def main(argv: list[str]) -> int:
    """Prints `{"today", "from", "to", "department_employees", "employed", "team_managers",
    "delegations", "delegations_refused", "generate_seconds", "generated", "submitted",
    "submit_refused", "accrue_seconds", "accrued", "requests", "request_refused",
    "request_days", "prepare_seconds", "peak_rss_mib"}`: `generated` and `accrued` are
    the jobs' results, `*_refused` the refusals by status (a request refused on a day is
    tried on the next)."""
    database_url, workspace_id, head_user_id, day_text = argv
    configure_logging("WARNING")
    database = Database(database_url)
    database.refresh_planner_statistics()  # as `timeledger worker` does when it starts
    day = date.fromisoformat(day_text)
    first, last = period_of(day, "month", 1)
    began = time.perf_counter()
    try:
        pause_schedules(database, int(workspace_id))
        preparation = Preparation(database, int(workspace_id), int(head_user_id))
        if last >= preparation.today:
            raise SystemExit(f"the month {first}..{last} has not ended: statements wait for it")
        delegations, delegations_refused = preparation.delegate()
        generate_seconds, generated = preparation.generate(day)
        submitted, submit_refused = preparation.submit(day)
        accrue_seconds, accrued = preparation.accrue()
        wanted = min(REQUESTS, len(preparation.department.employed_ids))
        requests, request_refused, asked = preparation.request(wanted)
    finally:
        database.dispose()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "today": preparation.today.isoformat(),
                "from": first.isoformat(),
                "to": last.isoformat(),
                "department_employees": len(preparation.department.employee_ids),
                "employed": len(preparation.department.employed_ids),
                "team_managers": len(preparation.department.team_manager_user_ids),
                "delegations": delegations,
                "delegations_refused": delegations_refused,
                "generate_seconds": round(generate_seconds, 2),
                "generated": generated,
                "submitted": submitted,
                "submit_refused": submit_refused,
                "accrue_seconds": round(accrue_seconds, 2),
                "accrued": accrued,
                "requests": requests,
                "request_refused": request_refused,
                "request_days": [d.isoformat() for d in asked],
                "prepare_seconds": round(time.perf_counter() - began, 2),
                "peak_rss_mib": round(peak_kib / 1024, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
