"""The benchmark dataset generator: sizes, determinism, consistent totals and presence, a
gapless change log, and data the API serves."""

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import holidays
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Select, func, select

from timeledger.access.credentials import PasswordHashing
from timeledger.benchdata import GeneratedDataset, generate_dataset
from timeledger.changelog.service import head_revision
from timeledger.entries.day_totals import recompute_totals
from timeledger.kit.db import Database
from timeledger.models import (
    Activity,
    Change,
    Customer,
    Employee,
    EmployeeVersion,
    Employment,
    EntryDayTotal,
    EntryMonthTotal,
    OrgUnitManager,
    PresenceBreak,
    PresenceInterval,
    Project,
    Task,
    TimeEntry,
    User,
    Workspace,
)

pytestmark = pytest.mark.slow

UNTIL = date(2025, 12, 31)
TIMELEDGER = str(Path(sys.executable).parent / "timeledger")


def _generate(
    db: Database, hashing: PasswordHashing, *, seed: int = 7, name: str | None = None
) -> GeneratedDataset:
    return generate_dataset(
        db, employees=5, years=1, seed=seed, until=UNTIL, name=name, hashing=hashing
    )


def _digest(db: Database, workspace_id: int) -> str:
    """What the entries say, independent of ids: employee number, day, minutes, activity
    and project keys, in a stable order."""
    with db.transaction(workspace_id=workspace_id) as session:
        rows = session.execute(
            select(
                Employee.employee_number,
                TimeEntry.day,
                TimeEntry.minutes,
                Activity.key,
                Project.key,
                TimeEntry.billable,
                TimeEntry.revenue_minor,
            )
            .join(Employee, Employee.id == TimeEntry.employee_id)
            .join(Activity, Activity.id == TimeEntry.activity_id)
            .outerjoin(Project, Project.id == TimeEntry.project_id)
            .order_by(TimeEntry.id)
        ).all()
    return hashlib.sha256(json.dumps([list(r) for r in rows], default=str).encode()).hexdigest()


def _totals(db: Database, workspace_id: int) -> dict[tuple[Any, ...], tuple[int, int, int]]:
    with db.transaction(workspace_id=workspace_id) as session:
        return dict(
            {
                (row.employee_id, row.day, row.week_start, row.month_start, row.activity_id,
                 row.project_key, row.customer_key, row.billable): (
                    row.minutes, row.revenue_minor, row.entries)
                for row in session.scalars(select(EntryDayTotal))
            }
        )  # fmt: skip


def _month_totals(db: Database, workspace_id: int) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    with db.transaction(workspace_id=workspace_id) as session:
        return {
            (row.employee_id, row.month_start, row.activity_id, row.project_key,
             row.customer_key, row.billable): (row.minutes, row.revenue_minor, row.entries,
                                               row.first_day, row.last_day)
            for row in session.scalars(select(EntryMonthTotal))
        }  # fmt: skip


def test_small_dataset_is_complete_and_consistent(db: Database, hashing: PasswordHashing) -> None:
    dataset = _generate(db, hashing)
    counts = dataset.counts
    assert dataset.employees == 5
    assert dataset.first_day == date(2025, 1, 1) and dataset.last_day == UNTIL
    # About 250 entries per employee and year (part-timers, joiners and leavers fewer).
    assert 800 <= counts["time_entries"] <= 2_000
    assert 500 <= counts["presence_intervals"] <= 1_300
    assert counts["presence_breaks"] <= counts["presence_intervals"]
    workspace_id = dataset.workspace_id
    with db.transaction(workspace_id=workspace_id) as session:
        assert session.scalar(select(func.count()).select_from(TimeEntry)) == counts["time_entries"]
        assert (
            session.scalar(select(func.count()).select_from(PresenceBreak))
            == counts["presence_breaks"]
        )

        # Every reference resolves (PostgreSQL loads skip the foreign-key triggers).
        def count(statement: Select[int]) -> int:
            return int(session.scalar(statement) or 0)

        entries = select(func.count()).select_from(TimeEntry)
        assert (
            count(
                entries.join(Employee, Employee.id == TimeEntry.employee_id)
                .join(Activity, Activity.id == TimeEntry.activity_id)
                .join(User, User.id == TimeEntry.created_by_user_id)
            )
            == counts["time_entries"]
        )
        on_projects = entries.where(TimeEntry.project_id.is_not(None))
        assert count(
            on_projects.join(Project, Project.id == TimeEntry.project_id).join(
                Task, (Task.id == TimeEntry.task_id) & (Task.project_id == TimeEntry.project_id)
            )
        ) == count(on_projects)
        with_customer = entries.where(TimeEntry.customer_id.is_not(None))
        assert count(with_customer.join(Customer, Customer.id == TimeEntry.customer_id)) == count(
            with_customer
        )
        in_presence = entries.where(TimeEntry.presence_interval_id.is_not(None))
        assert count(
            in_presence.join(
                PresenceInterval,
                (PresenceInterval.id == TimeEntry.presence_interval_id)
                & (PresenceInterval.employee_id == TimeEntry.employee_id),
            )
        ) == count(in_presence)
        assert (
            count(
                select(func.count())
                .select_from(PresenceBreak)
                .join(PresenceInterval, PresenceInterval.id == PresenceBreak.interval_id)
            )
            == counts["presence_breaks"]
        )
        assert (
            count(
                select(func.count())
                .select_from(PresenceInterval)
                .join(Employee, Employee.id == PresenceInterval.employee_id)
            )
            == counts["presence_intervals"]
        )
        # Every employee has at most one open interval (here: none).
        open_per_employee = session.execute(
            select(PresenceInterval.employee_id, func.count())
            .where(PresenceInterval.ended_at.is_(None))
            .group_by(PresenceInterval.employee_id)
        ).all()
        assert all(count <= 1 for _, count in open_per_employee)
        # Nobody books time on a German public holiday.
        german = holidays.country_holidays("DE", years=2025)
        days = set(session.scalars(select(TimeEntry.day).distinct()))
        assert days and not days & set(german)
        # Entries fall within employment, and a worked day sums to the weekly pattern.
        periods = {
            e.employee_id: (e.starts_on, e.ends_on) for e in session.scalars(select(Employment))
        }
        patterns = {
            v.employee_id: v.weekly_pattern_minutes
            for v in session.scalars(select(EmployeeVersion))
        }
        per_day: Counter[tuple[int, date]] = Counter()
        for employee_id, day, minutes in session.execute(
            select(TimeEntry.employee_id, TimeEntry.day, TimeEntry.minutes)
        ):
            starts_on, ends_on = periods[employee_id]
            assert starts_on <= day and (ends_on is None or day <= ends_on)
            per_day[(employee_id, day)] += minutes
        for (employee_id, day), minutes in per_day.items():
            assert minutes == patterns[employee_id][day.weekday()]
        # Entries lie inside their presence interval, which adds only its break.
        intervals = {
            i.id: (i.started_at, i.ended_at) for i in session.scalars(select(PresenceInterval))
        }
        breaks = {
            b.interval_id: b.ended_at - b.started_at
            for b in session.scalars(select(PresenceBreak))
            if b.ended_at is not None
        }
        worked: Counter[int] = Counter()
        for entry in session.scalars(
            select(TimeEntry).where(TimeEntry.presence_interval_id.is_not(None))
        ):
            assert entry.presence_interval_id is not None
            assert entry.started_at is not None and entry.ended_at is not None
            began, ended = intervals[entry.presence_interval_id]
            assert ended is not None and began <= entry.started_at < entry.ended_at <= ended
            span = (entry.ended_at - entry.started_at).total_seconds() // 60
            assert span == entry.minutes + entry.break_minutes
            worked[entry.presence_interval_id] += entry.minutes
        for interval_id, (began, ended) in intervals.items():
            assert ended is not None
            pause = breaks.get(interval_id)
            present = (ended - began) - pause if pause is not None else ended - began
            assert worked[interval_id] * 60 == present.total_seconds()
        # Revenue follows the rate.
        for rate, minutes, revenue, billable in session.execute(
            select(
                TimeEntry.hourly_rate_minor,
                TimeEntry.minutes,
                TimeEntry.revenue_minor,
                TimeEntry.billable,
            )
        ):
            earned = (minutes * rate * 2 + 60) // 120 if billable and rate is not None else None
            assert revenue == earned
        # The manager of the big department reaches everyone below it.
        assert session.scalar(
            select(func.count())
            .select_from(OrgUnitManager)
            .where(OrgUnitManager.user_id == dataset.manager_user_id)
        )
    assert dataset.manager_employee_count >= 1
    # The totals equal a recomputation from the entries.
    stored = _totals(db, workspace_id)
    assert sum(minutes for minutes, _, _ in stored.values()) > 0
    months = _month_totals(db, workspace_id)
    assert sum(figures[0] for figures in months.values()) == sum(
        minutes for minutes, _, _ in stored.values()
    )
    with db.transaction(workspace_id=workspace_id) as session:
        recompute_totals(session, workspace_id)
    assert _totals(db, workspace_id) == stored
    assert _month_totals(db, workspace_id) == months


def test_same_seed_same_entries_other_seed_others(db: Database, hashing: PasswordHashing) -> None:
    first = _generate(db, hashing, seed=3, name="bench-a")
    again = _generate(db, hashing, seed=3, name="bench-b")
    other = _generate(db, hashing, seed=4, name="bench-c")
    assert _digest(db, first.workspace_id) == _digest(db, again.workspace_id)
    assert _digest(db, first.workspace_id) != _digest(db, other.workspace_id)


def test_existing_name_is_refused(db: Database, hashing: PasswordHashing) -> None:
    _generate(db, hashing, name="bench-taken")
    with pytest.raises(Exception, match="exists already"):
        _generate(db, hashing, name="bench-taken")
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Workspace)) == 1


def test_generated_entries_are_served_by_the_api(
    db: Database, hashing: PasswordHashing, client: TestClient
) -> None:
    dataset = _generate(db, hashing)
    employee = client.get(
        f"/api/employees/{dataset.sample_employee_id}/timesheet/entries",
        params={"from": "2025-03-01", "to": "2025-03-31", "limit": 200},
        headers={"Authorization": f"Bearer {dataset.sample_api_key}"},
    )
    assert employee.status_code == 200, employee.text
    assert employee.json()["items"]
    grouped = client.get(
        "/api/timesheet/entries",
        params={"group_by": "user,week", "from": "2025-01-01", "to": "2025-12-31"},
        headers={"Authorization": f"Bearer {dataset.owner_api_key}"},
    )
    assert grouped.status_code == 200, grouped.text
    team = client.get(
        "/api/timesheet/entries",
        params={"limit": 50},
        headers={"Authorization": f"Bearer {dataset.manager_api_key}"},
    )
    assert team.status_code == 200, team.text
    assert team.json()["items"]


def test_cli_prints_what_the_scenarios_need(database_url: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TIMELEDGER_DATABASE_URL": database_url,
        "TIMELEDGER_DATA_DIR": str(tmp_path / "var"),
    }
    command = [TIMELEDGER, "bench", "generate", "--employees", "3", "--years", "1", "--seed", "5"]
    result = subprocess.run(
        [*command, "--json"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["workspace_name"] == "bench-5-3"
    assert printed["employees"] == 3
    assert printed["owner_api_key"].startswith("tl_ak_")
    assert printed["manager"]["api_key"].startswith("tl_ak_")
    assert printed["sample_employee"]["employee_id"]


def test_the_change_log_is_gapless_and_new_writes_continue_it(
    db: Database, hashing: PasswordHashing, client: TestClient
) -> None:
    dataset = generate_dataset(
        db, employees=5, years=1, seed=7, until=UNTIL, changes=300, hashing=hashing
    )
    assert dataset.counts["changes"] == 300
    with db.transaction(workspace_id=dataset.workspace_id) as session:
        revisions = list(session.scalars(select(Change.revision).order_by(Change.revision)))
        head = head_revision(session, dataset.workspace_id)
        created = session.scalars(
            select(Change).where(Change.entity == "entry").order_by(Change.revision)
        ).all()
        first_entries = session.scalars(select(TimeEntry).order_by(TimeEntry.id).limit(300)).all()
        work = session.scalar(select(Activity.id).where(Activity.key == "work"))
    # The configuration's own changes come first, then one per entry, in entry order.
    assert revisions == list(range(1, head + 1))
    assert len(created) == 300 and created[-1].revision == head
    assert [(c.op, c.entity_id) for c in created] == [("created", e.id) for e in first_entries]
    logged = created[0].data
    entry = first_entries[0]
    assert (logged["employee_id"], logged["minutes"], logged["date"]) == (
        entry.employee_id,
        entry.minutes,
        entry.day.isoformat(),
    )
    # The event feed reads it, and a write after generation takes the next revision.
    owner = {"Authorization": f"Bearer {dataset.owner_api_key}"}
    feed = client.get("/api/events", params={"after": head - 2}, headers=owner)
    assert feed.status_code == 200, feed.text
    assert [event["revision"] for event in feed.json()["items"]] == [head - 1, head]
    response = client.post(
        f"/api/employees/{dataset.sample_employee_id}/timesheet/entries",
        json={"date": "2025-12-30", "minutes": 15, "activity_id": work},
        headers=owner,
    )
    assert response.status_code == 201, response.text
    with db.transaction(workspace_id=dataset.workspace_id) as session:
        assert session.scalar(select(func.max(Change.revision))) == head + 1
        newest = session.scalar(select(Change).where(Change.revision == head + 1))
        assert newest is not None and newest.entity_id == response.json()["id"]


def test_the_default_change_log_is_proportional_and_capped_by_the_entries(
    db: Database, hashing: PasswordHashing
) -> None:
    dataset = _generate(db, hashing)  # 5 employees x 1 year: 1,250 changes by default
    assert dataset.counts["changes"] == min(1_250, dataset.counts["time_entries"])
    everything = generate_dataset(
        db, employees=2, years=1, seed=7, until=UNTIL, changes=10**9, name="all", hashing=hashing
    )
    assert everything.counts["changes"] == everything.counts["time_entries"]
