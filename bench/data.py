"""Issue #23's figures (scenario 14): the hours report over the whole dataset, its CSV of a
year streamed, a Toggl Track file of 100,000 rows imported, and the workspace exported and
restored into an empty database.

The report's reads go over HTTP to the real server (`bench/scenarios.py`); the file
commands run as `timeledger` processes of their own against the run's database, timed at
the wall and with their peak memory from the kernel (`os.wait4`). This module holds the
targets, the Toggl file's generator (`python -m bench.data toggl <database url> <workspace
id> <rows> <file>` writes one by hand) and what reads the commands' answers.

The Toggl file names the dataset's people (e-mail and name), customers, projects and tasks
as they are in force today: each row copies the employee, day, project and task of one of
the dataset's entries with a project (spread evenly over a year that ends two months
before the dataset's last month, so that the statements the other scenarios settle or
submit do not lock it), for 15 to 60 minutes, at most `ROOM_MINUTES` more on any employee's
day, so that no row is refused by the day's 24 hours.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from timeledger.kit.db import Database
from timeledger.models import (
    CustomerVersion,
    EmployeeVersion,
    ProjectVersion,
    Task,
    TaskVersion,
    TimeEntry,
)
from timeledger.organization.today import workspace_today
from timeledger.projects.service import CUSTOMERS, PROJECTS, TASKS

HOURS_PATH = "/api/reports/hours"
HOURS_GROUP_BY = "employee,month"
CSV_GROUP_BY = "employee,day,project,task,activity"
HOURS_P99_MS = 300.0
CSV_ROWS_PER_SECOND = 50_000.0
CSV_PEAK_MIB = 250.0
IMPORT_ROWS_PER_SECOND = 5_000.0
TRANSFER_SECONDS = 180.0
TRANSFER_PEAK_MIB = 300.0
"""Issue #23's targets: the hours report p99 ≤ 300 ms; a year's CSV ≥ 50,000 rows/s with
the server under 250 MB; a Toggl import ≥ 5,000 rows/s applied (the dry run at least as
fast); the export and the restore each ≤ 3 minutes under 300 MB."""
IMPORT_ROWS = 100_000
IMPORT_ROWS_QUICK = 2_000
ROOM_MINUTES = 240
"""The most an import file adds to one employee's day (the dataset's days hold 8 to 10
hours; a day may hold 24)."""
DURATIONS = (15, 30, 45, 60)
EVENING = 18 * 60
"""Rows start at 18:00 local, one after another within an employee's day."""
COMMAND_TIMEOUT_SECONDS = 1800.0
BOX_DRAWING = "".join(chr(code) for code in range(0x2500, 0x2580))
TYPER_FRAME = ("Usage:", "Try '", "Error")
TOGGL_SOURCE = "toggl-csv"
RESTORE_SOURCE = "timeledger"
TOGGL_HEADER = (
    "User",
    "Email",
    "Client",
    "Project",
    "Task",
    "Description",
    "Billable",
    "Start date",
    "Start time",
    "End date",
    "End time",
    "Duration",
    "Tags",
    "Amount (EUR)",
)


@dataclass(frozen=True)
class Template:
    """Who, when and on what one of the dataset's entries was booked, by name."""

    user: str
    email: str
    client: str
    project: str
    task: str
    day: date


def import_window(first_day: date, last_day: date) -> tuple[date, date]:
    """A year (less where the dataset is shorter) ending with the month two months before
    `last_day`'s: the month before it is settled by scenario 10, its own submitted by
    scenario 12."""
    month = last_day.replace(day=1)
    for _ in range(2):
        month = (month - timedelta(days=1)).replace(day=1)
    last = month - timedelta(days=1)
    return max(first_day, last - timedelta(days=364)), last


def _in_force_names(
    session: Session, day: date
) -> tuple[dict[int, str], dict[int, tuple[str, int | None]], dict[int, str]]:
    customers = dict(
        session.execute(
            CUSTOMERS.in_force(day).with_only_columns(
                CustomerVersion.customer_id, CustomerVersion.name
            )
        ).all()
    )
    projects = {
        project_id: (name, customer_id)
        for project_id, name, customer_id in session.execute(
            PROJECTS.in_force(day).with_only_columns(
                ProjectVersion.project_id, ProjectVersion.name, ProjectVersion.customer_id
            )
        ).all()
    }
    tasks = dict(
        session.execute(
            TASKS.in_force(day)
            .with_only_columns(TaskVersion.task_id, TaskVersion.name)
            .where(Task.parent_task_id.is_(None))
        ).all()
    )
    return customers, projects, tasks


def entry_templates(
    database_url: str, workspace_id: int, first: date, last: date
) -> list[Template]:
    """The dataset's entries with a project, a task and a customer between `first` and
    `last`, by day, named as today's names and the employee's newest e-mail and name."""
    database = Database(database_url)
    try:
        with database.transaction(workspace_id=workspace_id) as session:
            today = workspace_today(session, workspace_id)
            customers, projects, tasks = _in_force_names(session, today)
            people: dict[int, tuple[str, str]] = {}
            for employee_id, first_name, last_name, email in session.execute(
                select(
                    EmployeeVersion.employee_id,
                    EmployeeVersion.first_name,
                    EmployeeVersion.last_name,
                    EmployeeVersion.email,
                ).order_by(EmployeeVersion.effective_from, EmployeeVersion.id)
            ).all():
                people[employee_id] = (f"{first_name} {last_name}", email or "")
            entries = session.execute(
                select(
                    TimeEntry.employee_id, TimeEntry.day, TimeEntry.project_id, TimeEntry.task_id
                )
                .where(TimeEntry.day >= first, TimeEntry.day <= last)
                .where(TimeEntry.project_id.is_not(None), TimeEntry.task_id.is_not(None))
                .order_by(TimeEntry.day, TimeEntry.employee_id, TimeEntry.id)
            ).all()
            found = []
            for employee_id, day, project_id, task_id in entries:
                project = projects.get(project_id or 0)
                task = tasks.get(task_id or 0)
                if project is None or task is None or project[1] not in customers:
                    continue
                user, email = people[employee_id]
                found.append(
                    Template(user, email, customers[project[1] or 0], project[0], task, day)
                )
    finally:
        database.dispose()
    return found


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def toggl_rows(templates: Sequence[Template], count: int) -> Iterator[list[str]]:
    """`count` rows of a Toggl detailed report after `templates`, spread evenly over them
    (in their order; lap after lap when there are fewer), none adding more than
    `ROOM_MINUTES` to an employee's day; fewer when the templates have no room left."""
    used: dict[tuple[str, date], int] = {}
    written = 0
    per_lap = min(len(templates), count)
    while written < count:
        before = written
        for pick in range(per_lap):
            template = templates[pick * len(templates) // per_lap]
            minutes = DURATIONS[written % len(DURATIONS)]
            taken = used.get((template.email, template.day), 0)
            if taken + minutes > ROOM_MINUTES:
                continue
            used[(template.email, template.day)] = taken + minutes
            start = EVENING + taken
            written += 1
            yield [
                template.user,
                template.email,
                template.client,
                template.project,
                template.task,
                f"bench import {written}",
                "Yes" if written % 3 else "No",
                template.day.isoformat(),
                _clock(start),
                template.day.isoformat(),
                _clock(start + minutes),
                _clock(minutes),
                "",
                "",
            ]
            if written == count:
                return
        if written == before:
            return


def write_toggl_csv(path: Path, rows: Iterable[Sequence[str]]) -> int:
    """The file with Toggl's header and `rows`; the number of rows written."""
    written = 0
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(TOGGL_HEADER)
        for row in rows:
            writer.writerow(row)
            written += 1
    return written


def toggl_file(
    database_url: str, workspace_id: int, first_day: date, last_day: date, rows: int, path: Path
) -> dict[str, Any]:
    """Writes the import file of `rows` rows for the dataset; what it holds."""
    first, last = import_window(first_day, last_day)
    templates = entry_templates(database_url, workspace_id, first, last)
    written = write_toggl_csv(path, toggl_rows(templates, rows))
    return {
        "rows": written,
        "from": str(first),
        "to": str(last),
        "templates": len(templates),
        "people": len({t.email for t in templates}),
        "bytes": path.stat().st_size,
    }


@dataclass(frozen=True)
class Download:
    status: int
    rows: int
    bytes: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def download_csv(
    base_url: str, path: str, params: Mapping[str, str], headers: Mapping[str, str]
) -> Download:
    """Reads a CSV answer to its end, counting its data rows (the lines after the
    header); the seconds run from sending the request to the last byte."""
    lines = 0
    size = 0
    began = time.perf_counter()
    with (
        httpx.Client(base_url=base_url, timeout=600) as http,
        http.stream(
            "GET", path, params=params, headers={**headers, "Accept": "text/csv"}
        ) as answer,
    ):
        for chunk in answer.iter_bytes():
            # Every line ends in LF (CRLF), which no chunk boundary splits.
            lines += chunk.count(b"\n")
            size += len(chunk)
        status = answer.status_code
    seconds = time.perf_counter() - began
    return Download(status, max(0, lines - 1), size, seconds)


@dataclass(frozen=True)
class CommandRun:
    argv: list[str]
    returncode: int
    seconds: float
    peak_rss_mib: float
    output: str
    """What it wrote to stdout and stderr, in that order."""

    @property
    def error(self) -> str:
        """What a failed command said last, on one line: its last lines without the
        frame and usage lines Typer prints around an error."""
        lines = [line.strip(BOX_DRAWING + " ") for line in self.output.strip().splitlines()]
        said = [line for line in lines[-8:] if line and not line.startswith(TYPER_FRAME)]
        return " ".join(" ".join(said).split())


def run_command(
    argv: Sequence[str],
    env: Mapping[str, str],
    workdir: Path,
    *,
    timeout: float = COMMAND_TIMEOUT_SECONDS,
) -> CommandRun:
    """Runs `argv` to its end (killed after `timeout`), its output into files of
    `workdir`; the wall time and the process's peak resident memory (its rusage)."""
    workdir.mkdir(parents=True, exist_ok=True)
    out, err = workdir / "command.out", workdir / "command.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        began = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 (our own command)
            list(argv),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        watchdog = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL))
        watchdog.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            watchdog.cancel()
        seconds = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    output = out.read_text(errors="replace") + err.read_text(errors="replace")
    return CommandRun(list(argv), process.returncode, seconds, usage.ru_maxrss / 1024, output)


SUMMARY = re.compile(
    r"(?P<rows>\d+) rows: (?P<to_create>\d+) to create \((?P<minutes>\d+) minutes\), "
    r"(?P<imported_before>\d+) imported before, (?P<refused>\d+) refused"
)
CREATED = re.compile(
    r"created (?P<created>\d+) entries; (?P<refused_applying>\d+) rows refused by the entry"
)
EXPORTED = re.compile(r"(?P<rows>\d+) rows of workspace .* written to")


def import_counts(output: str) -> dict[str, int]:
    """The counts `timeledger import` printed: rows, to_create, minutes, imported_before,
    refused and, applied, created and refused_applying; empty when it printed none."""
    counts: dict[str, int] = {}
    for pattern in (SUMMARY, CREATED):
        found = pattern.search(output)
        if found is not None:
            counts.update({name: int(value) for name, value in found.groupdict().items()})
    return counts


def exported_rows(output: str) -> int | None:
    found = EXPORTED.search(output)
    return int(found["rows"]) if found is not None else None


def command_figures(run: CommandRun, rows: int | None = None) -> dict[str, Any]:
    """A command's figures for the report: `ok`, seconds, peak memory, rows/s of `rows`,
    and the error it ended with."""
    figures: dict[str, Any] = {
        "ok": run.returncode == 0,
        "returncode": run.returncode,
        "seconds": round(run.seconds, 2),
        "peak_rss_mib": round(run.peak_rss_mib, 1),
    }
    if rows is not None:
        figures["rows"] = rows
        figures["rows_per_second"] = round(rows / run.seconds, 1) if run.seconds else 0.0
    if run.returncode != 0:
        figures["error"] = run.error
    return figures


def main(argv: list[str]) -> int:
    """`toggl <database url> <workspace id> <rows> <file>`: writes an import file over the
    dataset's entries and prints what it holds."""
    command, database_url, workspace_id, rows, target = argv
    if command != "toggl":
        raise SystemExit(f"unknown command {command!r}; only toggl")
    database = Database(database_url)
    try:
        with database.transaction(workspace_id=int(workspace_id)) as session:
            first_day, last_day = session.execute(
                select(func.min(TimeEntry.day), func.max(TimeEntry.day))
            ).one()
    finally:
        database.dispose()
    held = toggl_file(database_url, int(workspace_id), first_day, last_day, int(rows), Path(target))
    print(json.dumps(held))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
