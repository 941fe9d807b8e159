"""The benchmark scenarios of issue #9, each against a real `timeledger serve` process.

A run prepares the dataset once per engine (SQLite: a cached file keyed by size, seed and
generator, copied for the run; PostgreSQL: a schema of this run, dropped at its end),
starts one server process per engine, runs the read scenarios (scenario 7 on the dataset's
change log of about 1,000,000 changes and on a fresh workspace's few), then the writing
ones, and (on SQLite) alternates scenarios 2 and 6 with the peer, TimeTagger. Then the
sweep, and with the server stopped, the batch figures in processes of their own: the rule
engine's, then the statements' (settling them locks a month of the dataset). Before the
server starts, scenario 11's accrual and expiry of time off run in a process of their own,
so that the server's time-off balances read what they posted. Then scenario 12 prepares
the approvals of the big department's head in a process of its own and measures the
inbox and the bulk decisions with a server of its own. Last (its Toggl import adds
entries), scenario 14 reads the hours report with a server of its own, then times
`timeledger export`, the restore of its file into an empty database and the Toggl import
as processes of their own.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psycopg
from sqlalchemy import create_engine, make_url, select, text

import timeledger.benchdata
from bench import approvals, data, timeoff, web
from bench import peer_timetagger as peer
from bench.load import LoadResult, Request, Response, run_load
from bench.server import TIMELEDGER, ServerProcess, bare_server, running, timeledger_server
from bench.sweep import create_missing_objects, sweep_targets
from timeledger.migrations import upgrade_to_head
from timeledger.models import Employment, TimeEntry

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / ".cache"
RESULTS_DIR = BENCH_DIR / "results"
POSTGRES_URL = os.environ.get(
    "TIMELEDGER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@dataclass(frozen=True)
class Sizes:
    """How big and how long: the full run and the CI-sized smoke run."""

    mode: str
    employees: int
    years: int
    seed: int
    duration: float
    warmup: float
    bulk_entries: int
    rounds: int
    bulk_seconds: float
    sweep_seconds: float
    """Load per operation of the sweep (issue #16)."""


FULL = Sizes(
    "full",
    employees=1000,
    years=4,
    seed=1,
    duration=8.0,
    warmup=1.0,
    bulk_entries=10_000,
    rounds=2,
    bulk_seconds=40.0,
    sweep_seconds=3.0,
)
QUICK = Sizes(
    "quick",
    employees=20,
    years=1,
    seed=1,
    duration=1.0,
    warmup=0.2,
    bulk_entries=200,
    rounds=1,
    bulk_seconds=5.0,
    sweep_seconds=0.3,
)

BATCH = 100
BATCH_PATH = "/api/timesheet/entries/batch"
EVENTS_PATH = "/api/events"
GENERATE_TIMEOUT_SECONDS = 900
EVALUATE_ALL_TIMEOUT_SECONDS = 600
STATEMENTS_TIMEOUT_SECONDS = 900
"""Issue #18's run took 38 s on SQLite and 46 s on PostgreSQL with the full dataset
(2026-12-05), a third to a half of it the untimed approvals: twenty times that."""
TIMEOFF_TIMEOUT_SECONDS = 900
"""Issue #19's accrual and expiry, each run twice: four targets of 10 s, and room for a
service that misses them by far."""
APPROVALS_TIMEOUT_SECONDS = 900
"""Issue #20's preparation took 6 s on SQLite and 11 s on PostgreSQL with the full dataset
(2026-12-06): 16 delegations, the department's statements of a month generated and
submitted, this year's grants and 200 requests made."""
ONLY = ("timeoff", "approvals", "web", "data")
"""What `--only` may name: a scenario run alone on each engine (its dataset, its own
server), for a quick measurement; its report never goes to docs/performance.md unless
named."""
READ_CONNECTIONS = 4
LATENCY_CONNECTIONS = 1
CLOCK_CLIENTS = 20


@dataclass
class Dataset:
    engine: str
    database_url: str
    info: dict[str, Any]
    generated_seconds: float | None
    cached: bool

    @property
    def workspace_id(self) -> int:
        return int(self.info["workspace_id"])

    @property
    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.info['owner_api_key']}"}

    @property
    def last_day(self) -> date:
        return date.fromisoformat(self.info["last_day"])


@dataclass
class ScenarioResult:
    key: str
    title: str
    engine: str
    system: str  # "timeledger" or "timetagger"
    load: dict[str, Any] | None = None
    peak_rss_mib: float | None = None
    notes: list[str] = field(default_factory=list)
    available: bool = True

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "engine": self.engine,
            "system": self.system,
            "load": self.load,
            "peak_rss_mib": None if self.peak_rss_mib is None else round(self.peak_rss_mib, 1),
            "notes": self.notes,
            "available": self.available,
        }


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- datasets ---------------------------------------------------------------------------


def generator_fingerprint() -> str:
    source = Path(timeledger.benchdata.__file__).read_bytes()
    return hashlib.sha256(source).hexdigest()[:10]


def _generate(database_url: str, sizes: Sizes) -> dict[str, Any]:
    command = [
        TIMELEDGER,
        "bench",
        "generate",
        "--employees",
        str(sizes.employees),
        "--years",
        str(sizes.years),
        "--seed",
        str(sizes.seed),
        "--database-url",
        database_url,
        "--json",
    ]
    done = subprocess.run(  # noqa: S603 (our own command)
        command, capture_output=True, text=True, check=False, timeout=GENERATE_TIMEOUT_SECONDS
    )
    if done.returncode != 0:
        raise RuntimeError(f"generating the dataset failed: {done.stderr[-2000:]}")
    info: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return info


def sqlite_dataset(sizes: Sizes, workdir: Path, cache_dir: Path = CACHE_DIR) -> Dataset:
    """The cached dataset file (generated when missing), copied into `workdir`."""
    key = f"sqlite-{sizes.employees}x{sizes.years}-seed{sizes.seed}-{generator_fingerprint()}"
    cached_db, cached_info = cache_dir / f"{key}.db", cache_dir / f"{key}.json"
    generated: float | None = None
    cached = cached_db.exists() and cached_info.exists()
    if not cached:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cache_dir / f"{key}.partial.db"
        partial.unlink(missing_ok=True)
        _say(f"generating the SQLite dataset {key}")
        began = time.monotonic()
        info = _generate(f"sqlite:///{partial}", sizes)
        generated = time.monotonic() - began
        cached_info.write_text(json.dumps(info))
        partial.rename(cached_db)
    target = workdir / "timeledger.db"
    shutil.copyfile(cached_db, target)
    # A dataset cached before a later migration gains its tables, as a deployed database.
    upgrade_to_head(f"sqlite:///{target}")
    info = json.loads(cached_info.read_text())
    return Dataset("sqlite", f"sqlite:///{target}", info, generated, cached)


def postgres_available(url: str = POSTGRES_URL) -> str | None:
    """The server's version, or None when no PostgreSQL answers."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(dsn, connect_timeout=3) as connection:
            row = connection.execute("SHOW server_version").fetchone()
    except psycopg.OperationalError:
        return None
    return str(row[0]) if row else None


def _postgres_admin(sql: str, url: str = POSTGRES_URL) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(sql.encode())


def postgres_schema(run_id: str) -> str:
    return f"bench_{run_id}"


def postgres_dataset(sizes: Sizes, schema: str, url: str = POSTGRES_URL) -> Dataset:
    """A fresh schema of this run with the generated dataset."""
    _postgres_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"', url)
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = scoped.render_as_string(hide_password=False)
    _say(f"generating the PostgreSQL dataset in schema {schema}")
    began = time.monotonic()
    info = _generate(rendered, sizes)
    return Dataset("postgresql", rendered, info, time.monotonic() - began, False)


def drop_postgres_schema(schema: str, url: str = POSTGRES_URL) -> None:
    _postgres_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', url)


def _scalar(database_url: str, sql: str, **params: Any) -> Any:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def work_activity_id(dataset: Dataset) -> int:
    found = _scalar(
        dataset.database_url,
        "SELECT id FROM activities WHERE workspace_id = :w AND key = 'work'",
        w=dataset.workspace_id,
    )
    if found is None:
        raise RuntimeError("the dataset has no activity 'work'")
    return int(found)


def entries_of(dataset: Dataset, employee_ids: list[int]) -> list[peer.EntryRow]:
    """All entries of these employees, oldest first."""
    engine = create_engine(dataset.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(
                    TimeEntry.employee_id,
                    TimeEntry.day,
                    TimeEntry.minutes,
                    TimeEntry.started_at,
                    TimeEntry.ended_at,
                    TimeEntry.note,
                )
                .where(TimeEntry.workspace_id == dataset.workspace_id)
                .where(TimeEntry.employee_id.in_(employee_ids))
                .order_by(TimeEntry.id)
            ).all()
    finally:
        engine.dispose()
    return [peer.EntryRow(*row) for row in rows]


def open_interval_violations(dataset: Dataset) -> int:
    """Employees with more than one open presence interval (must be 0)."""
    sql = (
        "SELECT COUNT(*) FROM (SELECT employee_id FROM presence_intervals"
        " WHERE workspace_id = :w AND ended_at IS NULL"
        " GROUP BY employee_id HAVING COUNT(*) > 1) AS doubled"
    )
    return int(_scalar(dataset.database_url, sql, w=dataset.workspace_id) or 0)


# --- scenario helpers -------------------------------------------------------------------


def _months(last_day: date, count: int) -> list[tuple[date, date]]:
    """`last_day`'s month and the `count - 1` months before it, newest first."""
    months: list[tuple[date, date]] = []
    first = last_day.replace(day=1)
    for _ in range(count):
        following = (first + timedelta(days=32)).replace(day=1)
        months.append((first, following - timedelta(days=1)))
        first = (first - timedelta(days=1)).replace(day=1)
    return months


def _weeks(last_day: date, count: int) -> list[tuple[date, date]]:
    monday = last_day - timedelta(days=last_day.weekday() + 7)
    return [
        (monday - timedelta(weeks=n), monday - timedelta(weeks=n) + timedelta(days=6))
        for n in range(count)
    ]


def _items(response: Response) -> int:
    return len(response.json().get("items", ()))


T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


class Measured:
    """Runs one scenario's load with the server's peak memory reset before and read after."""

    def __init__(self, server: ServerProcess, sizes: Sizes, engine: str, system: str) -> None:
        self.server = server
        self.sizes = sizes
        self.engine = engine
        self.system = system

    def load(
        self,
        key: str,
        title: str,
        factory: Callable[[int, int], Request],
        *,
        connections: int,
        expected: tuple[int, ...] = (200,),
        count_items: Callable[[Response], int] | None = _items,
        duration: float | None = None,
    ) -> tuple[ScenarioResult, LoadResult]:
        self.server.reset_peak()
        _say(f"{self.system}/{self.engine}: {key} {title}")
        result = _run(
            run_load(
                self.server.base_url,
                factory,
                label=key,
                connections=connections,
                duration=duration or self.sizes.duration,
                expected=expected,
                count_items=count_items,
                warmup=self.sizes.warmup,
            )
        )
        scenario = ScenarioResult(
            key, title, self.engine, self.system, result.summary(), self.server.peak_rss_mib()
        )
        return scenario, result


# --- Timeledger scenarios ---------------------------------------------------------------


def scenario_health(measured: Measured) -> ScenarioResult:
    def factory(_worker: int, _sequence: int) -> Request:
        return Request("GET", "/api/")

    scenario, _ = measured.load(
        "0-health",
        "Floor: `GET /api/` (no auth, no database)",
        factory,
        connections=READ_CONNECTIONS,
        count_items=None,
    )
    scenario.notes.append("what the server does per request before any work: middleware only")
    return scenario


def scenario_month(measured: Measured, dataset: Dataset) -> ScenarioResult:
    sample = dataset.info["sample_employee"]
    headers = {"Authorization": f"Bearer {sample['api_key']}"}
    months = _months(dataset.last_day - timedelta(days=31), 12)
    base = f"/api/employees/{sample['employee_id']}/timesheet/entries"

    def factory(_worker: int, sequence: int) -> Request:
        first, last = months[sequence % len(months)]
        return Request("GET", f"{base}?from={first}&to={last}&limit=200", headers)

    scenario, _ = measured.load(
        "1-month", "One employee's month of entries", factory, connections=READ_CONNECTIONS
    )
    scenario.notes.append(
        f"employee {sample['employee_id']}'s own key; the 12 months before "
        f"{dataset.last_day:%Y-%m} in turn, limit=200"
    )
    return scenario


def range_factory(dataset: Dataset) -> Callable[[int, int], Request]:
    weeks = _weeks(dataset.last_day, 4)

    def factory(_worker: int, sequence: int) -> Request:
        first, last = weeks[sequence % len(weeks)]
        path = f"/api/timesheet/entries?from={first}&to={last}&limit=100"
        return Request("GET", path, dataset.admin)

    return factory


def scenario_range(measured: Measured, dataset: Dataset) -> ScenarioResult:
    scenario, _ = measured.load(
        "2-range",
        "100 entries of a time range",
        range_factory(dataset),
        connections=READ_CONNECTIONS,
    )
    scenario.notes.append("admin key; one of the last 4 weeks in turn, limit=100")
    return scenario


def scenario_group_by(measured: Measured, dataset: Dataset) -> ScenarioResult:
    def factory(_worker: int, _sequence: int) -> Request:
        return Request("GET", "/api/timesheet/entries?group_by=user,week", dataset.admin)

    scenario, _ = measured.load(
        "3-group-by",
        "Workspace-wide group_by=user,week, first page",
        factory,
        connections=LATENCY_CONNECTIONS,
    )
    scenario.notes.append("admin key; no date filter (everything), default limit 50")
    return scenario


def scenario_team(measured: Measured, dataset: Dataset) -> ScenarioResult:
    manager = dataset.info["manager"]
    headers = {"Authorization": f"Bearer {manager['api_key']}"}

    def factory(_worker: int, _sequence: int) -> Request:
        return Request("GET", "/api/timesheet/entries?limit=50", headers)

    scenario, _ = measured.load(
        "4-team", "A manager's team list, first page", factory, connections=LATENCY_CONNECTIONS
    )
    scenario.notes.append(f"manager of {manager['employee_count']} employees, own key, limit=50")
    return scenario


def clock_factory(
    employee_ids: list[int], headers: dict[str, str]
) -> Callable[[int, int], Request]:
    """Client n works for employee `employee_ids[n % len]`: clock-in, clock-out, again."""
    steps: dict[int, int] = {}

    def factory(worker: int, _sequence: int) -> Request:
        step = steps.get(worker, 0)
        steps[worker] = step + 1
        employee = employee_ids[worker % len(employee_ids)]
        action = "clock-in" if step % 2 == 0 else "clock-out"
        return Request(
            "POST",
            f"/api/employees/{employee}/timesheet/{action}",
            headers,
            json={"source": "kiosk"} if action == "clock-in" else {},
        )

    return factory


def scenario_clock(measured: Measured, dataset: Dataset) -> list[ScenarioResult]:
    ids = [int(i) for i in dataset.info["sample_employee_ids"]][:CLOCK_CLIENTS]
    distinct, _ = measured.load(
        "5-clock",
        "Clock-in/clock-out, 20 concurrent clients",
        clock_factory(ids, dataset.admin),
        connections=len(ids),
        expected=(200, 201),
        count_items=None,
    )
    distinct.notes.append(
        f"{len(ids)} clients, one employee each, admin key, source kiosk, "
        "clock-in and clock-out in turn; no 409 expected"
    )
    contended, _ = measured.load(
        "5-clock-contended",
        "Clock-in/clock-out, 20 clients on 2 employees",
        clock_factory(ids[:2], dataset.admin),
        connections=CLOCK_CLIENTS,
        expected=(200, 201, 409),
        count_items=None,
        duration=max(1.0, measured.sizes.duration / 2),
    )
    violations = open_interval_violations(dataset)
    for scenario in (distinct, contended):
        scenario.notes.append(
            f"employees with more than one open interval afterwards: {violations}"
        )
    contended.notes.append("10 clients per employee; 409s expected (already/not clocked in)")
    return [distinct, contended]


def preview_factory(dataset: Dataset) -> Callable[[int, int], Request]:
    sample = dataset.info["sample_employee"]
    path = f"/api/employees/{sample['employee_id']}/timesheet/evaluate"
    months = _months(dataset.last_day - timedelta(days=31), 12)

    def factory(_worker: int, sequence: int) -> Request:
        first, last = months[sequence % len(months)]
        return Request("POST", path, dataset.admin, json={"from": str(first), "to": str(last)})

    return factory


def _lines(response: Response) -> int:
    return len(response.json()["lines"])


def scenario_preview(measured: Measured, dataset: Dataset) -> list[ScenarioResult]:
    """Issue #17: the rule engine's live preview of one employee's month."""
    results = []
    for key, connections in (("8-preview-latency", 1), ("8-preview", 4)):
        scenario, _ = measured.load(
            key,
            f"Rule engine preview of a month, {connections} connection(s)",
            preview_factory(dataset),
            connections=connections,
            count_items=_lines,
        )
        scenario.notes.append(
            "admin key; the sample employee's 12 months before the last in turn; items = lines"
        )
        results.append(scenario)
    return results


def batch_month(dataset: Dataset) -> tuple[date, date]:
    """The month of the batch figures (issues #17 and #18): the one before the dataset's
    last day's month, whole whatever that last day is."""
    return _months(dataset.last_day.replace(day=1) - timedelta(days=1), 1)[0]


def evaluate_all(dataset: Dataset) -> dict[str, Any]:
    """Issue #17: every employee of the dataset evaluated for its last whole month, in one
    process (`bench/evaluate_all.py`)."""
    first, last = batch_month(dataset)
    _say(f"timeledger/{dataset.engine}: 9-evaluate-all {first}..{last}")
    command = [
        sys.executable,
        "-m",
        "bench.evaluate_all",
        dataset.database_url,
        str(dataset.workspace_id),
        str(first),
        str(last),
    ]
    finished = subprocess.run(  # noqa: S603 (our own command)
        command,
        check=True,
        capture_output=True,
        text=True,
        cwd=BENCH_DIR.parent,
        timeout=EVALUATE_ALL_TIMEOUT_SECONDS,
    )
    measured: dict[str, Any] = json.loads(finished.stdout)
    return {**measured, "engine": dataset.engine, "from": str(first), "to": str(last)}


def statements(dataset: Dataset) -> dict[str, Any]:
    """Issue #18: the statements of the month of `evaluate_all` generated by a worker,
    generated again (nothing changed: no writes), then submitted, approved and settled by
    a worker, in one process (`bench/statements.py`). Settling locks the month's presence
    and entries: nothing may write there after it, so it runs last on a dataset."""
    first, _last = batch_month(dataset)
    _say(f"timeledger/{dataset.engine}: 10-statements {first:%Y-%m}")
    return _measured_in_process(
        dataset,
        "bench.statements",
        [str(first)],
        timeout=STATEMENTS_TIMEOUT_SECONDS,
    )


def timeoff_jobs(dataset: Dataset) -> dict[str, Any]:
    """Issue #19: the yearly accrual of time off (the job `timeoff.accrue` for 1 January of
    the dataset's last year) run by a worker, run again (it must post nothing), then the
    expiry after that year's end (`timeoff.expire`), twice as well, in one process
    (`bench/timeoff.py`)."""
    accrual, expiry = timeoff.accrual_day(dataset.last_day), timeoff.expiry_day(dataset.last_day)
    _say(f"timeledger/{dataset.engine}: 11-timeoff accrual {accrual}, expiry {expiry}")
    return _measured_in_process(
        dataset,
        "bench.timeoff",
        [str(accrual), str(expiry)],
        timeout=TIMEOFF_TIMEOUT_SECONDS,
    )


def _measured_in_process(
    dataset: Dataset, module: str, arguments: list[str], *, timeout: int
) -> dict[str, Any]:
    """Run a bench module on the dataset in a process of its own (a worker's figures
    without the server's), and read the JSON of its last line."""
    command = [
        sys.executable,
        "-m",
        module,
        dataset.database_url,
        str(dataset.workspace_id),
        *arguments,
    ]
    finished = subprocess.run(  # noqa: S603 (our own command)
        command,
        check=False,
        capture_output=True,
        text=True,
        cwd=BENCH_DIR.parent,
        timeout=timeout,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"{module} failed: {finished.stderr[-2000:]}")
    measured: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return {**measured, "engine": dataset.engine}


def employed_on(dataset: Dataset, day: date) -> list[int]:
    """The employees of the dataset with an employment holding `day`, by id."""
    engine = create_engine(dataset.database_url)
    try:
        with engine.connect() as connection:
            found = connection.scalars(
                select(Employment.employee_id)
                .where(Employment.workspace_id == dataset.workspace_id)
                .where(Employment.starts_on <= day)
                .where((Employment.ends_on.is_(None)) | (Employment.ends_on >= day))
            ).all()
    finally:
        engine.dispose()
    return sorted(set(found))


def scenario_timeoff_balances(measured: Measured, dataset: Dataset) -> list[ScenarioResult]:
    """Issue #19: one employee's time-off balances on the dataset's last day, every
    employee employed then in turn, one request at a time, beside the timebank's balances
    of the same employees (the baseline), alternating, `rounds` times each."""
    as_of = dataset.last_day
    employees = employed_on(dataset, as_of)
    results = []
    for _ in range(measured.sizes.rounds):
        for key, title, template in (
            (
                "11-timebank-balances",
                "Baseline: one employee's timebank balances",
                timeoff.BASELINE,
            ),
            ("11-timeoff-balances", "One employee's time-off balances", timeoff.BALANCES),
        ):
            scenario, _ = measured.load(
                key,
                f"{title}, 1 connection",
                timeoff.balances_factory(template, employees, dataset.admin, as_of),
                connections=LATENCY_CONNECTIONS,
                count_items=None,
            )
            scenario.notes.append(
                f"admin key; `GET {template}?as_of={as_of}` for the {len(employees)} "
                "employees employed that day in turn"
            )
            results.append(scenario)
    return results


def approvals_month(dataset: Dataset) -> tuple[date, date]:
    """The month of scenario 12's submitted statements: the dataset's last (scenario 10
    settles the one before it, which locks that month)."""
    return _months(dataset.last_day, 1)[0]


def approvals_prepare(dataset: Dataset) -> dict[str, Any]:
    """Issue #20: the department head's approvals state, prepared through the services in
    a process of its own (`bench/approvals.py`): delegations of the team managers to the
    head, the department's statements of `approvals_month` submitted, this year's grants
    and 200 vacation requests."""
    first, _last = approvals_month(dataset)
    head = dataset.info["manager"]["user_id"]
    _say(f"timeledger/{dataset.engine}: 12-approvals preparing {first:%Y-%m}, head user {head}")
    return _measured_in_process(
        dataset,
        "bench.approvals",
        [str(head), str(first)],
        timeout=APPROVALS_TIMEOUT_SECONDS,
    )


def _manager_headers(dataset: Dataset) -> dict[str, str]:
    return {"Authorization": f"Bearer {dataset.info['manager']['api_key']}"}


def scenario_inbox(measured: Measured, dataset: Dataset) -> list[ScenarioResult]:
    """Issue #20: the head's inbox, first page (default limit 50), and its count, one
    request at a time, beside the head's own lists of the submitted statements and the
    requested time off, first page (the baselines), alternating, `rounds` times each."""
    headers = _manager_headers(dataset)
    count = dataset.info["manager"]["employee_count"]
    results = []
    for _ in range(measured.sizes.rounds):
        for key, title, path, items in (
            (
                "12-statements-list",
                "Baseline: the head's submitted statements, first page",
                approvals.STATEMENTS_BASELINE,
                _items,
            ),
            (
                "12-timeoffs-list",
                "Baseline: the head's requested time off, first page",
                approvals.TIMEOFFS_BASELINE,
                _items,
            ),
            ("12-inbox", "The head's approvals inbox, first page", approvals.INBOX, _items),
            ("12-inbox-count", "The head's approvals inbox count", approvals.COUNT, None),
        ):
            scenario, _ = measured.load(
                key,
                f"{title}, 1 connection",
                approvals.list_factory(path, headers),
                connections=LATENCY_CONNECTIONS,
                count_items=items,
            )
            scenario.notes.append(f"head of {count} employees, own key; `GET {path}`")
            results.append(scenario)
    return results


def inbox_of(http: httpx.Client) -> list[dict[str, Any]]:
    """Every item of the caller's inbox, page by page."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 200}
        if cursor is not None:
            params["cursor"] = cursor
        response = http.get(approvals.INBOX, params=params)
        if response.status_code != 200:
            raise RuntimeError(f"{approvals.INBOX}: {response.status_code} {response.text[:300]}")
        page = response.json()
        items.extend(page["items"])
        cursor = page.get("next_cursor")
        if cursor is None:
            return items


def _counted(values: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def approvals_decisions(measured: Measured, dataset: Dataset) -> dict[str, Any]:
    """Issue #20: the head approves batches of 100 items of the inbox in one
    `POST /api/approvals/decisions` each (the figure: its wall time), alternating with as
    many items of the same mix approved singly through their own operations, one request
    after another (the baseline), `rounds` times each; every item is decided once."""
    with httpx.Client(
        base_url=measured.server.base_url, headers=_manager_headers(dataset), timeout=120
    ) as http:
        items = inbox_of(http)
        batches = approvals.decision_batches(
            items, 2 * measured.sizes.rounds, approvals.DECISIONS_PER_REQUEST
        )
        runs = []
        for number, batch in enumerate(batches):
            mode = "bulk" if number % 2 == 0 else "singly"
            _say(f"timeledger/{measured.engine}: 12-decisions {len(batch)} {mode}")
            measured.server.reset_peak()
            statuses: list[str] = []
            latencies: list[float] = []
            began = time.perf_counter()
            if mode == "bulk":
                response = http.post(approvals.DECISIONS, json=approvals.decisions_body(batch))
                latencies.append(time.perf_counter() - began)
                if response.status_code != 200:
                    statuses = [str(response.status_code)] * len(batch)
                else:
                    statuses = [str(r["status"]) for r in response.json()["results"]]
            else:
                for item in batch:
                    sent = time.perf_counter()
                    response = http.post(approvals.single_approval(item))
                    latencies.append(time.perf_counter() - sent)
                    statuses.append(str(response.status_code))
            seconds = time.perf_counter() - began
            runs.append(
                {
                    "mode": mode,
                    "decisions": len(batch),
                    "kinds": _counted([item["kind"] for item in batch]),
                    "seconds": round(seconds, 3),
                    "slowest_request_seconds": round(max(latencies), 3),
                    "statuses": _counted(statuses),
                    "taken": statuses.count("200"),
                    "peak_rss_mib": measured.server.peak_rss_mib(),
                }
            )
    return {
        "inbox": {
            "items": len(items),
            "by_kind": _counted([item["kind"] for item in items]),
            "via": _counted([item["via"] for item in items]),
        },
        "decisions": runs,
    }


def scenario_web(measured: Measured, dataset: Dataset) -> list[ScenarioResult]:
    """Issue #22: the web app's pages with a session cookie, one request at a time ("my
    week" of the sample employee, "my team today" of the department head), and a kiosk's
    punches with its device token, ten people in and out in turn."""
    clocked = {int(i) for i in dataset.info["sample_employee_ids"]}
    today = datetime.now(UTC).date()
    people = [i for i in employed_on(dataset, today) if i not in clocked]
    state = web.prepare(
        measured.server.base_url, dataset.admin, dataset.info, people[: web.KIOSK_PEOPLE]
    )
    head_count = dataset.info["manager"]["employee_count"]
    results = []
    for key, title, factory, note in (
        (
            "13-web-week",
            'The web app\'s "my week", 1 connection',
            web.page_factory(web.WEEK_PAGE, state.employee_cookie),
            f"the sample employee's session cookie; `GET {web.WEEK_PAGE}`",
        ),
        (
            "13-web-team",
            'The web app\'s "my team today", 1 connection',
            web.page_factory(web.TEAM_PAGE, state.head_cookie),
            f"the head of {head_count} employees, session cookie; `GET {web.TEAM_PAGE}`",
        ),
        (
            "13-kiosk-punch",
            "A kiosk's punch by badge and PIN, 1 connection",
            web.punch_factory(state),
            f"{len(state.badges)} badges in and out in turn, device token; `POST {web.PUNCH}`",
        ),
    ):
        scenario, _ = measured.load(
            key, title, factory, connections=LATENCY_CONNECTIONS, count_items=None
        )
        scenario.notes.append(note)
        results.append(scenario)
    return results


def run_approvals(
    dataset: Dataset, sizes: Sizes, workdir: Path
) -> tuple[list[ScenarioResult], dict[str, Any]]:
    """Scenario 12 on one engine: the state prepared in a process of its own, then a server
    of its own for the inbox's reads and, last (they change what it holds), the
    decisions."""
    prepared = approvals_prepare(dataset)
    server = timeledger_server(
        dataset.database_url, workdir, name=f"timeledger-{dataset.engine}-approvals"
    )
    with running(server):
        measured = Measured(server, sizes, dataset.engine, "timeledger")
        results = scenario_inbox(measured, dataset)
        decided = approvals_decisions(measured, dataset)
    return results, {**prepared, **decided}


def scenario_hours_report(measured: Measured, dataset: Dataset) -> ScenarioResult:
    """Issue #23: the hours report by employee and month over the whole dataset (no date
    filter), its JSON's first page, one request at a time."""
    path = f"{data.HOURS_PATH}?group_by={data.HOURS_GROUP_BY}"
    scenario, _ = measured.load(
        "14-hours-report",
        "Hours report by employee and month, whole dataset, first page, 1 connection",
        _always(Request("GET", path, dataset.admin)),
        connections=LATENCY_CONNECTIONS,
    )
    scenario.notes.append(f"admin key; `GET {path}` (no date filter, default limit)")
    return scenario


def report_year(dataset: Dataset) -> tuple[date, date]:
    """The dataset's last calendar year (as much of it as the dataset holds)."""
    first_day = date.fromisoformat(dataset.info["first_day"])
    return max(date(dataset.last_day.year, 1, 1), first_day), dataset.last_day


def csv_downloads(measured: Measured, dataset: Dataset) -> dict[str, Any]:
    """Issue #23: the hours report of the dataset's last year grouped finely (about one
    row per entry) downloaded as CSV to its end, `rounds` times, each with the server's
    peak memory reset before and read after."""
    first, last = report_year(dataset)
    params = {"group_by": data.CSV_GROUP_BY, "from": str(first), "to": str(last), "format": "csv"}
    downloads = []
    for _ in range(measured.sizes.rounds):
        _say(f"timeledger/{dataset.engine}: 14-hours-csv {first}..{last}")
        measured.server.reset_peak()
        before = measured.server.peak_rss_mib()
        got = data.download_csv(measured.server.base_url, data.HOURS_PATH, params, dataset.admin)
        peak = measured.server.peak_rss_mib()
        downloads.append(
            {
                "status": got.status,
                "rows": got.rows,
                "bytes": got.bytes,
                "seconds": round(got.seconds, 3),
                "rows_per_second": round(got.rows_per_second, 1),
                "rss_before_mib": round(before, 1),
                "peak_rss_mib": round(peak, 1),
                "growth_mib": round(peak - before, 1),
            }
        )
    return {
        "from": str(first),
        "to": str(last),
        "group_by": data.CSV_GROUP_BY,
        "downloads": downloads,
    }


def _command_env(database_url: str, workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TIMELEDGER_DATABASE_URL": database_url,
        "TIMELEDGER_DATA_DIR": str(workdir / "var"),
        "TIMELEDGER_LOG_LEVEL": "WARNING",
    }


@contextmanager
def empty_database(dataset: Dataset, workdir: Path) -> Iterator[str]:
    """The URL of an empty database beside the dataset's, removed afterwards: a SQLite
    file of `workdir`, or a PostgreSQL schema named after the run's."""
    if dataset.engine == "sqlite":
        target = workdir / "restored.db"
        try:
            yield f"sqlite:///{target}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        return
    url = make_url(dataset.database_url)
    schema = str(url.query["options"]).removeprefix("-csearch_path=") + "_restore"
    _postgres_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
    try:
        scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        drop_postgres_schema(schema)


def export_and_restore(dataset: Dataset, workdir: Path) -> dict[str, Any]:
    """Issue #23: `timeledger export` of the dataset's workspace, then `timeledger import
    --source timeledger --apply` of its file into an empty database; the restore is not
    measured (`not_measured` says why: what the command said) when the export failed or
    the command refused."""
    workspace = dataset.info["workspace_name"]
    archive = workdir / "export.zip"
    _say(f"timeledger/{dataset.engine}: 14-export {workspace}")
    exported = data.run_command(
        [TIMELEDGER, "export", "--workspace", workspace, "--output", str(archive)],
        _command_env(dataset.database_url, workdir),
        workdir / "export",
    )
    figures: dict[str, Any] = {
        "export": {
            **data.command_figures(exported, data.exported_rows(exported.output)),
            "bytes": archive.stat().st_size if archive.exists() else None,
        }
    }
    try:
        if exported.returncode != 0:
            figures["restore"] = {"ok": False, "not_measured": "the export failed"}
            return figures
        with empty_database(dataset, workdir) as target:
            _say(f"timeledger/{dataset.engine}: 14-restore into an empty database")
            restored = data.run_command(
                [TIMELEDGER, "import", str(archive), "--source", data.RESTORE_SOURCE,
                 "--workspace", workspace, "--apply"],
                _command_env(target, workdir),
                workdir / "restore",
            )  # fmt: skip
        figures["restore"] = data.command_figures(restored, figures["export"].get("rows"))
        if restored.returncode != 0:
            figures["restore"]["not_measured"] = restored.error
    finally:
        archive.unlink(missing_ok=True)
    return figures


def toggl_import(dataset: Dataset, sizes: Sizes, workdir: Path) -> dict[str, Any]:
    """Issue #23: a Toggl Track file of the dataset's names (`bench/data.py`) read by
    `timeledger import` as a dry run, then applied: it adds its rows as entries."""
    rows = data.IMPORT_ROWS_QUICK if sizes.mode == "quick" else data.IMPORT_ROWS
    file = workdir / "toggl.csv"
    held = data.toggl_file(
        dataset.database_url,
        dataset.workspace_id,
        date.fromisoformat(dataset.info["first_day"]),
        dataset.last_day,
        rows,
        file,
    )
    figures: dict[str, Any] = {"file": held}
    workspace = dataset.info["workspace_name"]
    command = [TIMELEDGER, "import", str(file), "--workspace", workspace,
               "--source", data.TOGGL_SOURCE]  # fmt: skip
    try:
        for name, extra in (("dry_run", []), ("apply", ["--apply"])):
            _say(f"timeledger/{dataset.engine}: 14-toggl-{name} {held['rows']:,} rows")
            ran = data.run_command(
                [*command, *extra], _command_env(dataset.database_url, workdir), workdir / name
            )
            figures[name] = {
                **data.command_figures(ran, held["rows"]),
                **data.import_counts(ran.output),
            }
    finally:
        file.unlink(missing_ok=True)
    return figures


def run_data(
    dataset: Dataset, sizes: Sizes, workdir: Path
) -> tuple[list[ScenarioResult], dict[str, Any]]:
    """Scenario 14 on one engine: with a server of its own, the hours report's JSON and a
    year's CSV; then, with it stopped, the export and its restore into an empty database,
    and last the Toggl import (it adds entries to the dataset)."""
    server = timeledger_server(
        dataset.database_url, workdir, name=f"timeledger-{dataset.engine}-data"
    )
    with running(server):
        measured = Measured(server, sizes, dataset.engine, "timeledger")
        results = [scenario_hours_report(measured, dataset)]
        downloads = csv_downloads(measured, dataset)
    transfer = export_and_restore(dataset, workdir)
    imported = toggl_import(dataset, sizes, workdir)
    return results, {"csv": downloads, **transfer, "toggl": imported, "engine": dataset.engine}


def batch_factory(dataset: Dataset, activity_id: int) -> Callable[[int, int], Request]:
    """Request n carries entries n*100 .. n*100+99: the sample employees in turn, each on
    the 28 days after the dataset's period in turn."""
    ids = [int(i) for i in dataset.info["sample_employee_ids"]]
    first = dataset.last_day + timedelta(days=1)

    def factory(_worker: int, sequence: int) -> Request:
        items = []
        for number in range(sequence * BATCH, (sequence + 1) * BATCH):
            day = first + timedelta(days=(number // len(ids)) % 28)
            items.append(
                {
                    "employee_id": ids[number % len(ids)],
                    "date": day.isoformat(),
                    "minutes": 30,
                    "activity_id": activity_id,
                    "note": f"bench entry {number}",
                }
            )
        return Request("POST", BATCH_PATH, dataset.admin, json={"items": items})

    return factory


def bulk_timeledger(measured: Measured, dataset: Dataset, activity_id: int) -> ScenarioResult:
    sizes = measured.sizes
    measured.server.reset_peak()
    _say(f"timeledger/{measured.engine}: 6-bulk {sizes.bulk_entries} entries")
    result = _run(
        run_load(
            measured.server.base_url,
            batch_factory(dataset, activity_id),
            label="6-bulk",
            connections=READ_CONNECTIONS,
            duration=sizes.bulk_seconds,
            max_requests=sizes.bulk_entries // BATCH,
            expected=(201,),
            count_items=_items,
        )
    )
    scenario = ScenarioResult(
        "6-bulk",
        "Bulk create in batches of 100",
        measured.engine,
        "timeledger",
        result.summary(),
        measured.server.peak_rss_mib(),
    )
    scenario.notes.append(
        f"a batch = one `POST {BATCH_PATH}` of 100 entries (20 employees, admin key), "
        f"{READ_CONNECTIONS} batches in flight; entries/s = created entries / wall time"
    )
    if result.items < sizes.bulk_entries:
        scenario.notes.append(
            f"stopped by the {sizes.bulk_seconds:g} s bound after {result.items:,} of "
            f"{sizes.bulk_entries:,} entries"
        )
    return scenario


def small_workspace(dataset: Dataset, workdir: Path) -> dict[str, Any]:
    """A fresh workspace beside the dataset's, made by `timeledger init --json`: its change
    log holds only what creating a workspace records. Answers its `workspace_id` and
    owner's `api_key`."""
    env = {
        **os.environ,
        "TIMELEDGER_DATABASE_URL": dataset.database_url,
        "TIMELEDGER_DATA_DIR": str(workdir / "var"),
    }
    command = [
        TIMELEDGER,
        "init",
        "--workspace",
        f"events-small-{os.getpid()}",
        "--owner-email",
        "owner@events-small.bench.example",
        "--json",
    ]
    done = subprocess.run(  # noqa: S603 (our own command)
        command, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(f"creating the small workspace failed: {done.stderr[-2000:]}")
    created: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return created


def head_revision(http: httpx.Client, headers: dict[str, str]) -> int:
    """The newest revision of the caller's change log, as the event feed reports it."""
    response = http.get(EVENTS_PATH, params={"after": 0, "limit": 1}, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"{EVENTS_PATH} answered {response.status_code}: {response.text[:300]}")
    return int(response.json()["head_revision"])


def events_factory(head: int, headers: dict[str, str]) -> Callable[[int, int], Request]:
    path = f"{EVENTS_PATH}?after={head}&limit=100"

    def factory(_worker: int, _sequence: int) -> Request:
        return Request("GET", path, headers)

    return factory


def scenario_events(measured: Measured, dataset: Dataset, workdir: Path) -> list[ScenarioResult]:
    """The feed read from the head of a log of a few changes and of the dataset's log."""
    small = small_workspace(dataset, workdir)
    logs = (
        ("7-events-small", {"Authorization": f"Bearer {small['api_key']}"}, "a fresh workspace"),
        ("7-events-large", dataset.admin, "the dataset's workspace"),
    )
    results = []
    for key, headers, whose in logs:
        with httpx.Client(base_url=measured.server.base_url, timeout=30) as http:
            head = head_revision(http, headers)
        scenario, _ = measured.load(
            key,
            f"Event feed from the latest revision, {head:,} changes in the log",
            events_factory(head, headers),
            connections=READ_CONNECTIONS,
        )
        scenario.notes.append(
            f"{whose}, owner key; `GET {EVENTS_PATH}?after={head}&limit=100` (the head: "
            "an empty page)"
        )
        results.append(scenario)
    return results


# --- the peer ---------------------------------------------------------------------------


@dataclass
class Peer:
    server: ServerProcess
    token: str
    records: list[dict[str, Any]]
    windows: list[tuple[int, int]]
    version: str
    load_seconds: float


def start_peer(dataset: Dataset, workdir: Path) -> Peer:
    version = peer.ensure_installed()
    server = peer.timetagger_server(workdir)
    server.start()
    try:
        token = peer.authenticate(server.base_url)
        employees = [int(i) for i in dataset.info["sample_employee_ids"]]
        records = peer.records_of(entries_of(dataset, employees))
        began = time.monotonic()
        peer.put_records(server.base_url, token, records)
        loaded = time.monotonic() - began
        _say(f"timetagger {version}: {len(records)} records loaded in {loaded:.1f} s")
    except BaseException:
        server.stop()
        raise
    return Peer(server, token, records, peer.windows(records), version, loaded)


def peer_range(peer_: Peer, sizes: Sizes) -> ScenarioResult:
    measured = Measured(peer_.server, sizes, "sqlite", "timetagger")

    def factory(_worker: int, sequence: int) -> Request:
        return peer.range_request(peer_.token, peer_.windows[sequence % len(peer_.windows)])

    scenario, _ = measured.load(
        "2-range",
        "100 records of a time range",
        factory,
        connections=READ_CONNECTIONS,
        count_items=peer.count_records,
    )
    sizes_in = [peer.count_records_in(peer_.records, w) for w in peer_.windows]
    scenario.notes.append(
        f"GET /records?timerange= over {len(peer_.windows)} windows of "
        f"{min(sizes_in)}-{max(sizes_in)} records, among {len(peer_.records)} records"
    )
    return scenario


def peer_bulk(peer_: Peer, sizes: Sizes, round_: int) -> ScenarioResult:
    modified = int(time.time())
    base = datetime(2030, 1, 1, 8, tzinfo=UTC) + timedelta(days=400 * round_)
    batches: list[list[dict[str, Any]]] = []
    for b in range(sizes.bulk_entries // BATCH):
        batch = []
        for i in range(BATCH):
            t1 = int((base + timedelta(minutes=30 * (b * BATCH + i))).timestamp())
            batch.append(
                {
                    "key": f"bench{round_}x{b}x{i}",
                    "mt": modified,
                    "t1": t1,
                    "t2": t1 + 1800,
                    "ds": f"#employee{i % 20} bench entry",
                }
            )
        batches.append(batch)

    def factory(_worker: int, sequence: int) -> Request:
        return peer.batch_request(peer_.token, batches[sequence])

    peer_.server.reset_peak()
    _say(f"timetagger: 6-bulk {sizes.bulk_entries} records")
    result = _run(
        run_load(
            peer_.server.base_url,
            factory,
            label="6-bulk",
            connections=READ_CONNECTIONS,
            duration=sizes.bulk_seconds,
            max_requests=len(batches),
            count_items=peer.count_records,
        )
    )
    scenario = ScenarioResult(
        "6-bulk",
        "Bulk create in batches of 100",
        "sqlite",
        "timetagger",
        result.summary(),
        peer_.server.peak_rss_mib(),
    )
    scenario.notes.append(
        f"a batch = one `PUT /records` of 100 records, {READ_CONNECTIONS} batches in flight"
    )
    return scenario


# --- the run ----------------------------------------------------------------------------


def _always(request: Request) -> Callable[[int, int], Request]:
    return lambda _worker, _sequence: request


def scenario_sweep(measured: Measured, dataset: Dataset, workdir: Path) -> dict[str, Any]:
    """Issue #16's sweep (`bench/sweep.py`): the floors of bare Starlette and of a bare
    FastAPI application, Timeledger's floor, then every `GET` operation for
    `sweep_seconds` each, at 4 connections, after creating an object of each kind the
    dataset lacks."""
    seconds = measured.sizes.sweep_seconds
    bare_floors: dict[str, Any] = {}
    for application, label in (("app", "bare"), ("fastapi_app", "bare FastAPI")):
        bare = bare_server(workdir, application)
        with running(bare):
            _say(f"{label}/{dataset.engine}: floor")
            bare_floors[application] = _run(
                run_load(
                    bare.base_url,
                    _always(Request("GET", "/api/")),
                    label=label,
                    connections=READ_CONNECTIONS,
                    duration=seconds,
                    warmup=measured.sizes.warmup,
                )
            ).summary()
    floor, _ = measured.load(
        "sweep-floor",
        "Floor",
        _always(Request("GET", "/api/")),
        connections=READ_CONNECTIONS,
        count_items=None,
        duration=seconds,
    )
    headers = dataset.admin
    with httpx.Client(base_url=measured.server.base_url, headers=headers, timeout=60) as http:

        def get(path: str) -> Any:
            response = http.get(path)
            response.raise_for_status()
            return response.json()

        def post(path: str, body: dict[str, Any]) -> Any:
            response = http.post(path, json=body)
            if response.status_code not in (201, 202):
                raise RuntimeError(f"POST {path}: {response.status_code} {response.text}")
            return response.json()

        employee_id = int(dataset.info["sample_employee"]["employee_id"])
        create_missing_objects(
            get, post, employee_id, dataset.info["first_day"], dataset.info["last_day"]
        )
        document = http.get("/api/openapi.json").json()
        targets, skipped = sweep_targets(document, {"employee_id": employee_id}, get)
    operations: list[dict[str, Any]] = []
    for target in targets:
        scenario, _ = measured.load(
            f"sweep {target.template}",
            target.path,
            _always(Request("GET", target.path, headers)),
            connections=READ_CONNECTIONS,
            count_items=None,
            duration=seconds,
        )
        operations.append({"template": target.template, "path": target.path, "load": scenario.load})
    return {
        "seconds": seconds,
        "bare": bare_floors["app"],
        "bare_fastapi": bare_floors["fastapi_app"],
        "floor": floor.load,
        "operations": operations,
        "skipped": skipped,
    }


@dataclass
class EngineRun:
    """What one engine's run answers: the scenarios, the sweep, issue #17's batch
    evaluation, issue #18's statements, issue #19's time-off jobs and issue #20's approvals
    (its preparation, inbox and decisions; empty when not run)."""

    scenarios: list[ScenarioResult]
    sweep: dict[str, Any]
    rule_engine: dict[str, Any]
    statements: dict[str, Any]
    timeoff: dict[str, Any]
    approvals: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    """Issue #23's report, import, export and restore figures (scenario 14)."""


def run_engine(
    dataset: Dataset, sizes: Sizes, workdir: Path, peer_: Peer | None, only: str | None = None
) -> EngineRun:
    """Every scenario on one engine: first the time-off jobs, then the server's scenarios
    and the sweep, the batch evaluation, the statements (their settlement locks a month)
    and the approvals with a server of their own (they submit, request and decide), and
    last scenario 14, the reports, export, restore and import, with a server of its own
    (its import adds entries); with `peer_`, scenarios 2 and 6 alternate with it.
    `only="timeoff"`: scenario 11 alone (the jobs, then the balances); `only="approvals"`:
    scenario 12 alone; `only="web"`: scenario 13 alone; `only="data"`: scenario 14 alone."""
    results: list[ScenarioResult] = []
    if only == "approvals":
        approvals_results, approvals_run = run_approvals(dataset, sizes, workdir)
        return EngineRun(approvals_results, {}, {}, {}, {}, approvals_run)
    if only == "data":
        data_results, data_run = run_data(dataset, sizes, workdir)
        return EngineRun(data_results, {}, {}, {}, {}, data=data_run)
    timeoff_run = timeoff_jobs(dataset) if only != "web" else {}
    server = timeledger_server(dataset.database_url, workdir, name=f"timeledger-{dataset.engine}")
    with running(server):
        measured = Measured(server, sizes, dataset.engine, "timeledger")
        if only == "timeoff":
            results.extend(scenario_timeoff_balances(measured, dataset))
            return EngineRun(results, {}, {}, {}, timeoff_run)
        if only == "web":
            results.extend(scenario_web(measured, dataset))
            return EngineRun(results, {}, {}, {}, timeoff_run)
        results.append(scenario_health(measured))
        results.append(scenario_month(measured, dataset))
        for _ in range(sizes.rounds):
            results.append(scenario_range(measured, dataset))
            if peer_ is not None:
                results.append(peer_range(peer_, sizes))
        results.append(scenario_group_by(measured, dataset))
        results.append(scenario_team(measured, dataset))
        results.extend(scenario_events(measured, dataset, workdir))
        results.extend(scenario_clock(measured, dataset))
        results.extend(scenario_preview(measured, dataset))
        results.extend(scenario_timeoff_balances(measured, dataset))
        results.extend(scenario_web(measured, dataset))
        activity = work_activity_id(dataset)
        for round_ in range(sizes.rounds):
            results.append(bulk_timeledger(measured, dataset, activity))
            if peer_ is not None:
                results.append(peer_bulk(peer_, sizes, round_))
        results.append(
            ScenarioResult(
                "server",
                "Whole run",
                dataset.engine,
                "timeledger",
                peak_rss_mib=server.peak_rss_mib(),
                notes=["VmHWM since the last reset (the last scenario)"],
            )
        )
        # Last: it creates objects (a webhook subscription among them) the other
        # scenarios' writes would otherwise work around.
        sweep = scenario_sweep(measured, dataset, workdir)
    rule_engine = evaluate_all(dataset)
    statements_run = statements(dataset)
    approvals_results, approvals_run = run_approvals(dataset, sizes, workdir)
    results.extend(approvals_results)
    # Last: its Toggl import adds 100,000 entries to the dataset.
    data_results, data_run = run_data(dataset, sizes, workdir)
    results.extend(data_results)
    return EngineRun(
        results, sweep, rule_engine, statements_run, timeoff_run, approvals_run, data_run
    )


def run(
    sizes: Sizes,
    *,
    engines: tuple[str, ...] = ("sqlite", "postgresql"),
    with_peer: bool = True,
    workdir: Path | None = None,
    only: str | None = None,
) -> dict[str, Any]:
    """The whole benchmark, or with `only` one scenario of `ONLY`; answers everything the
    report needs."""
    if only is not None and only not in ONLY:
        raise ValueError(f"only one of {', '.join(ONLY)} runs alone, not {only!r}")
    run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    workdir = workdir or RESULTS_DIR / f"run-{run_id}"
    workdir.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    report: dict[str, Any] = {
        "mode": sizes.mode,
        "sizes": sizes.__dict__,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_before": os.getloadavg(),
        "datasets": {},
        "scenarios": [],
        "sweeps": {},
        "rule_engine": {},
        "statements": {},
        "timeoff": {},
        "approvals": {},
        "data": {},
        "only": only,
        "skipped": [],
    }
    postgres_version = postgres_available() if "postgresql" in engines else None
    report["postgres_version"] = postgres_version
    for engine in engines:
        if engine == "postgresql" and postgres_version is None:
            report["skipped"].append("PostgreSQL: no server answers at 127.0.0.1:5432")
            continue
        schema = postgres_schema(run_id.replace("-", "_"))
        try:
            if engine == "sqlite":
                dataset = sqlite_dataset(sizes, workdir)
            else:
                dataset = postgres_dataset(sizes, schema)
            report["datasets"][engine] = {
                "counts": dataset.info["counts"],
                "generator_seconds": dataset.info.get("seconds"),
                "wall_seconds": dataset.generated_seconds,
                "cached": dataset.cached,
                "manager_employees": dataset.info["manager"]["employee_count"],
            }
            peer_: Peer | None = None
            if with_peer and only is None and engine == "sqlite":
                try:
                    peer_ = start_peer(dataset, workdir)
                    report["peer"] = {
                        "employees": len(dataset.info["sample_employee_ids"]),
                        "name": "TimeTagger",
                        "version": peer_.version,
                        "records": len(peer_.records),
                        "load_seconds": round(peer_.load_seconds, 1),
                    }
                except peer.PeerUnavailable as error:
                    report["skipped"].append(f"TimeTagger: {error}")
            try:
                ran = run_engine(dataset, sizes, workdir, peer_, only)
            finally:
                if peer_ is not None:
                    peer_.server.stop()
            report["scenarios"].extend(r.as_json() for r in ran.scenarios)
            for name, figures in (
                ("sweeps", ran.sweep),
                ("rule_engine", ran.rule_engine),
                ("statements", ran.statements),
                ("timeoff", ran.timeoff),
                ("approvals", ran.approvals),
                ("data", ran.data),
            ):
                if figures:
                    report[name][engine] = figures
        finally:
            if engine == "postgresql":
                drop_postgres_schema(schema)
            elif engine == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    (workdir / f"timeledger.db{suffix}").unlink(missing_ok=True)
    report["seconds"] = round(time.monotonic() - began, 1)
    report["load_average_after"] = os.getloadavg()
    (workdir / "results.json").write_text(json.dumps(report, indent=2, default=str))
    return report
