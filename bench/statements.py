"""Issue #18's figures: the statements of a month generated, generated again, and settled,
in one process (this one) with the real job machinery: jobs stored with
`timeledger.jobs.registry.enqueue` and run by a `Worker` until it is idle, as
`timeledger worker` runs them. Prints one JSON object (see `main`).

    python -m bench.statements <database url> <workspace id> <a day of the month>

It writes: the statements, their approval (submitted and approved through the services,
acting as the workspace's owner, every payout 0) and their settlement, which locks the
month's presence and entries. Run it last on a dataset.
"""

from __future__ import annotations

import json
import resource
import secrets
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import timeledger.job_kinds  # noqa: F401 (registers the job kinds with the worker)
from timeledger.access.caller import Caller, caller_acting_as
from timeledger.config import Settings
from timeledger.jobs.registry import enqueue
from timeledger.jobs.worker import Worker
from timeledger.kit.db import Database
from timeledger.kit.errors import Problem
from timeledger.kit.observability import configure_logging
from timeledger.models import Change, Job, Role, Statement, TimebankMovement, User
from timeledger.rules.periods import period_of
from timeledger.statements import service
from timeledger.statements.jobs import GENERATE_STATEMENTS
from timeledger.statements.service import SETTLE_STATEMENT

SETTLED = "settled"


def _any_etag(_etag: str) -> None:
    """`If-Match` left out: every change is accepted whatever the statement's version."""


def owner_of(session: Session, workspace_id: int) -> User:
    """The workspace's first user with the role `owner`: the one who created it."""
    owner = session.scalar(
        select(User)
        .join(Role, Role.id == User.role_id)
        .where(User.workspace_id == workspace_id, Role.name == "owner")
        .order_by(User.id)
        .limit(1)
    )
    if owner is None:
        raise RuntimeError(f"workspace {workspace_id} has no owner")
    return owner


def run_until_idle(worker: Worker) -> None:
    while worker.run_once():
        pass


def _last_job_id(database: Database) -> int:
    with database.session(write=False) as session:
        return int(session.scalar(select(func.max(Job.id))) or 0)


def _jobs_after(database: Database, job_id: int, kind: str) -> list[Job]:
    with database.session(write=False) as session:
        jobs = list(session.scalars(select(Job).where(Job.id > job_id, Job.kind == kind)))
        session.expunge_all()
    return jobs


class Bench:
    """The month's statements of one workspace, and the worker that makes them."""

    def __init__(self, database: Database, workspace_id: int, day: date) -> None:
        self.database = database
        self.workspace_id = workspace_id
        self.day = day
        self.worker = Worker(
            database,
            Settings(
                database_url=str(database.engine.url.render_as_string(hide_password=False)),
                data_dir=Path(tempfile.gettempdir()) / "timeledger-bench-statements",
                secret_key=secrets.token_hex(16),
            ),
        )
        with database.session(write=False, workspace_id=workspace_id) as session:
            owner = owner_of(session, workspace_id)
            self.owner_user_id = owner.id
            self.caller: Caller = caller_acting_as(owner, "bench statements")

    def generate(self) -> tuple[float, dict[str, Any]]:
        """Enqueue the month's generation and run the worker until idle: the seconds it
        took (enqueueing included) and the job's result."""
        before = _last_job_id(self.database)
        began = time.perf_counter()
        with self.database.transaction(workspace_id=self.workspace_id) as session:
            enqueue(
                session,
                GENERATE_STATEMENTS,
                {"period_start": self.day.isoformat()},
                workspace_id=self.workspace_id,
                created_by_user_id=self.owner_user_id,
            )
        run_until_idle(self.worker)
        seconds = time.perf_counter() - began
        (job,) = _jobs_after(self.database, before, GENERATE_STATEMENTS)
        if job.status != "done" or job.result is None:
            raise RuntimeError(f"the generation job ended {job.status}: {job.last_error}")
        return seconds, job.result

    def written(self) -> tuple[int, int]:
        """The workspace's change rows and the sum of its statements' row versions: what
        any write of a statement would move."""
        with self.database.session(write=False, workspace_id=self.workspace_id) as session:
            changes = session.scalar(
                select(func.count())
                .select_from(Change)
                .where(Change.workspace_id == self.workspace_id)
            )
            versions = session.scalar(
                select(func.coalesce(func.sum(Statement.row_version), 0)).where(
                    Statement.workspace_id == self.workspace_id
                )
            )
        return int(changes or 0), int(versions or 0)

    def statement_ids(self) -> list[int]:
        """The statements of the month holding `day`."""
        first, last = period_of(self.day, "month", 1)
        with self.database.session(write=False, workspace_id=self.workspace_id) as session:
            return list(
                session.scalars(
                    select(Statement.id)
                    .where(
                        Statement.workspace_id == self.workspace_id,
                        Statement.period_start == first,
                        Statement.period_end == last,
                    )
                    .order_by(Statement.id)
                )
            )

    def approve_all(self, statement_ids: list[int]) -> tuple[int, dict[str, int]]:
        """Submit (payout 0) and approve each statement, one transaction a step as two
        requests would; answers how many ended approved and the refusals by step and
        status."""
        approved = 0
        refused: Counter[str] = Counter()
        for statement_id in statement_ids:
            step = "submit"
            try:
                with self.database.transaction(workspace_id=self.workspace_id) as session:
                    status = service.submit(session, self.caller, statement_id, 0, _any_etag).status
                if status == "submitted":
                    step = "approve"
                    with self.database.transaction(workspace_id=self.workspace_id) as session:
                        status = service.approve(
                            session, self.caller, statement_id, _any_etag
                        ).status
            except Problem as problem:
                refused[f"{step} {problem.status}"] += 1
                continue
            approved += status == "approved"
        return approved, dict(refused)

    def settle(self) -> float:
        """Run the worker until idle over the settle jobs the approvals queued: seconds."""
        began = time.perf_counter()
        run_until_idle(self.worker)
        return time.perf_counter() - began

    def settled(self, statement_ids: list[int]) -> tuple[int, int]:
        """Of these statements, how many are settled, and how many settlement movements
        they posted."""
        with self.database.session(write=False, workspace_id=self.workspace_id) as session:
            settled = session.scalar(
                select(func.count())
                .select_from(Statement)
                .where(Statement.id.in_(statement_ids), Statement.status == SETTLED)
            )
            movements = session.scalar(
                select(func.count())
                .select_from(TimebankMovement)
                .where(
                    TimebankMovement.workspace_id == self.workspace_id,
                    TimebankMovement.statement_id.in_(statement_ids),
                )
            )
        return int(settled or 0), int(movements or 0)


def main(argv: list[str]) -> int:
    """Prints `{"from", "to", "statements", "generate_seconds", "generated",
    "regenerate_seconds", "regenerated", "regenerate_writes", "regenerate_row_versions",
    "approve_seconds", "approved", "refused", "settle_jobs", "settle_seconds",
    "settle_failed", "settled", "movements", "peak_rss_mib"}`."""
    database_url, workspace_id, day = argv
    configure_logging("WARNING")
    database = Database(database_url)
    database.refresh_planner_statistics()  # as `timeledger worker` does when it starts
    bench = Bench(database, int(workspace_id), date.fromisoformat(day))
    first, last = period_of(bench.day, "month", 1)
    try:
        generate_seconds, generated = bench.generate()
        statement_ids = bench.statement_ids()

        changes_before, versions_before = bench.written()
        regenerate_seconds, regenerated = bench.generate()
        changes_after, versions_after = bench.written()

        began = time.perf_counter()
        jobs_before = _last_job_id(database)
        approved, refused = bench.approve_all(statement_ids)
        approve_seconds = time.perf_counter() - began

        settle_seconds = bench.settle()
        jobs = Counter(job.status for job in _jobs_after(database, jobs_before, SETTLE_STATEMENT))
        settled, movements = bench.settled(statement_ids)
    finally:
        database.dispose()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "from": first.isoformat(),
                "to": last.isoformat(),
                "statements": len(statement_ids),
                "generate_seconds": round(generate_seconds, 2),
                "generated": generated,
                "regenerate_seconds": round(regenerate_seconds, 2),
                "regenerated": regenerated,
                "regenerate_writes": changes_after - changes_before,
                "regenerate_row_versions": versions_after - versions_before,
                "approve_seconds": round(approve_seconds, 2),
                "approved": approved,
                "refused": refused,
                "settle_jobs": sum(jobs.values()),
                "settle_seconds": round(settle_seconds, 2),
                "settle_failed": sum(n for status, n in jobs.items() if status != "done"),
                "settled": settled,
                "movements": movements,
                "peak_rss_mib": round(peak_kib / 1024, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
