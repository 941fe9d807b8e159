"""Issue #19's figures (scenario 11): the yearly accrual and the expiry of every employee's
time-off balances in one process (this one) with the real job machinery: jobs stored with
`timeledger.jobs.registry.enqueue` and run by a `Worker` until it is idle, as
`timeledger worker` runs them (as `bench/statements.py` does); and the requests of one
employee's balances over HTTP, beside the timebank's balances, that `bench/scenarios.py`
sends to the server afterwards.

    python -m bench.timeoff <database url> <workspace id> <accrual day> <expiry day>

runs `timeoff.accrue` for the accrual day (1 January of the dataset's last year: every
employee's grant of the year), the same again (it must post nothing: each (employee,
policy, period) is posted once), then `timeoff.expire` for the expiry day (the day after
that year's end: what exceeds the carry-over cap) and again, and prints one JSON object
(see `main`). The workspace's nightly time-off schedules are paused first: the dataset's
days are fixed in the past, and a schedule firing today would post this year's grants in
the middle of another figure (the statements' worker runs whatever is due). Run it before
the server's scenarios, so that the balances read what the jobs posted.
"""

from __future__ import annotations

import json
import resource
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

import timeledger.job_kinds  # noqa: F401 (registers the job kinds with the worker)
from bench.load import Request
from bench.statements import owner_of, run_until_idle
from timeledger.config import Settings
from timeledger.jobs.registry import enqueue
from timeledger.jobs.worker import Worker
from timeledger.kit.db import Database
from timeledger.kit.observability import configure_logging
from timeledger.models import Job, JobSchedule, TimebankMovement
from timeledger.timeoff.jobs import ACCRUE, EXPIRE

BALANCES = "/api/employees/{employee_id}/timeoffs/balances"
BASELINE = "/api/employees/{employee_id}/timebank/balances"
"""The timebank's balances of the same employee: every live account's sum of movements,
the figure time-off balances are compared with in the same run."""
BALANCES_P99_MS = 20.0
ACCRUAL_SECONDS = 10.0
"""Issue #19's targets: one employee's balances p99 ≤ 20 ms; the yearly accrual of the
1,000-employee dataset ≤ 10 s."""
DONE = "done"


def accrual_day(last_day: date) -> date:
    """The day the yearly accrual runs for: 1 January of the dataset's last year, when
    the year's grants are due."""
    return date(last_day.year, 1, 1)


def expiry_day(last_day: date) -> date:
    """The day the expiry runs for: the day after that year's end, when what exceeds the
    carry-over cap of the year's grant expires."""
    return date(last_day.year + 1, 1, 1)


def balances_factory(
    template: str, employee_ids: Sequence[int], headers: dict[str, str], as_of: date
) -> Callable[[int, int], Request]:
    """Request n reads the balances of `employee_ids[n % len]` on `as_of`."""

    def factory(_worker: int, sequence: int) -> Request:
        employee_id = employee_ids[sequence % len(employee_ids)]
        path = template.format(employee_id=employee_id)
        return Request("GET", f"{path}?as_of={as_of.isoformat()}", headers)

    return factory


def pause_schedules(database: Database, workspace_id: int) -> int:
    """Deactivate the workspace's time-off schedules; answers how many were active."""
    with database.transaction(workspace_id=workspace_id) as session:
        paused = session.execute(
            update(JobSchedule)
            .where(
                JobSchedule.workspace_id == workspace_id,
                JobSchedule.kind.in_((ACCRUE, EXPIRE)),
                JobSchedule.active.is_(True),
            )
            .values(active=False, next_run_at=None)
        )
        return int(getattr(paused, "rowcount", 0) or 0)


def _last_job_id(database: Database) -> int:
    with database.session(write=False) as session:
        return int(session.scalar(select(func.max(Job.id))) or 0)


class Bench:
    """The time-off jobs of one workspace, and the worker that runs them."""

    def __init__(self, database: Database, workspace_id: int) -> None:
        self.database = database
        self.workspace_id = workspace_id
        self.worker = Worker(
            database,
            Settings(
                database_url=str(database.engine.url.render_as_string(hide_password=False)),
                data_dir=Path(tempfile.gettempdir()) / "timeledger-bench-timeoff",
                secret_key=secrets.token_hex(16),
            ),
        )
        with database.session(write=False, workspace_id=workspace_id) as session:
            self.owner_user_id = owner_of(session, workspace_id).id

    def run(self, kind: str, day: date) -> tuple[float, dict[str, Any]]:
        """Enqueue the job for `day` and run the worker until idle: the seconds it took
        (enqueueing included) and the job's result."""
        before = _last_job_id(self.database)
        began = time.perf_counter()
        with self.database.transaction(workspace_id=self.workspace_id) as session:
            enqueue(
                session,
                kind,
                {"day": day.isoformat()},
                workspace_id=self.workspace_id,
                created_by_user_id=self.owner_user_id,
            )
        run_until_idle(self.worker)
        seconds = time.perf_counter() - began
        with self.database.session(write=False) as session:
            jobs = list(session.scalars(select(Job).where(Job.id > before)))
            session.expunge_all()
        ours = [job for job in jobs if job.kind == kind]
        if len(ours) != 1:
            kinds = ", ".join(job.kind for job in jobs)
            raise RuntimeError(f"expected one {kind} job, the worker ran: {kinds}")
        (job,) = ours
        if job.status != DONE or job.result is None:
            raise RuntimeError(f"the {kind} job ended {job.status}: {job.last_error}")
        return seconds, dict(job.result)

    def posted(self) -> dict[str, int]:
        """The workspace's time-off movements by cause (accrual, expiry, ...)."""
        with self.database.session(write=False, workspace_id=self.workspace_id) as session:
            rows = session.execute(
                select(TimebankMovement.cause, func.count())
                .where(
                    TimebankMovement.workspace_id == self.workspace_id,
                    TimebankMovement.timeoff_policy_id.is_not(None),
                )
                .group_by(TimebankMovement.cause)
            ).all()
        return {str(cause): int(count) for cause, count in rows}


def main(argv: list[str]) -> int:
    """Prints `{"paused_schedules", "accrue_seconds", "accrued",
    "reaccrue_seconds", "reaccrued", "expire_seconds", "expired", "reexpire_seconds",
    "reexpired", "posted", "peak_rss_mib"}`; each `*ed` is the job's result (`day`,
    `employees`, `movements`) and `posted` the workspace's time-off movements by cause
    afterwards."""
    database_url, workspace_id, accrual_text, expiry_text = argv
    configure_logging("WARNING")
    database = Database(database_url)
    database.refresh_planner_statistics()  # as `timeledger worker` does when it starts
    day, expires = date.fromisoformat(accrual_text), date.fromisoformat(expiry_text)
    try:
        paused = pause_schedules(database, int(workspace_id))
        bench = Bench(database, int(workspace_id))
        accrue_seconds, accrued = bench.run(ACCRUE, day)
        reaccrue_seconds, reaccrued = bench.run(ACCRUE, day)
        expire_seconds, expired = bench.run(EXPIRE, expires)
        reexpire_seconds, reexpired = bench.run(EXPIRE, expires)
        posted = bench.posted()
    finally:
        database.dispose()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "paused_schedules": paused,
                "accrue_seconds": round(accrue_seconds, 2),
                "accrued": accrued,
                "reaccrue_seconds": round(reaccrue_seconds, 2),
                "reaccrued": reaccrued,
                "expire_seconds": round(expire_seconds, 2),
                "expired": expired,
                "reexpire_seconds": round(reexpire_seconds, 2),
                "reexpired": reexpired,
                "posted": posted,
                "peak_rss_mib": round(peak_kib / 1024, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
