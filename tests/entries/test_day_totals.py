"""The per-day and per-month totals equal a recomputation from the entries after any
sequence of entry creates, updates and deletes, and `recompute_totals` rebuilds the same
tables."""

from collections import Counter
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import WorkspaceFixture
from tests.timesheet.support import Person
from timeledger.entries.day_totals import recompute_totals, week_start_of
from timeledger.entries.month_totals import month_runs
from timeledger.kit.db import Database
from timeledger.models import EntryDayTotal, EntryMonthTotal, TimeEntry

DAYS = ["2026-02-27", "2026-03-01", "2026-03-02", "2026-03-09"]

MINUTES_PER_OPERATION = 240
"""Six operations of this many minutes stay within the 1,440 minutes a day may hold."""

operation = st.one_of(
    st.tuples(
        st.just("create"),
        st.sampled_from(DAYS),
        st.integers(0, MINUTES_PER_OPERATION),
        st.booleans(),
        st.booleans(),
        st.sampled_from([None, True, False]),
    ),
    st.tuples(
        st.just("update"),
        st.integers(0, 20),
        st.sampled_from([*DAYS, None]),
        st.integers(0, MINUTES_PER_OPERATION),
        st.booleans(),
        st.sampled_from([None, True, False]),
    ),
    st.tuples(st.just("delete"), st.integers(0, 20)),
)


def _stored(db: Database, workspace_id: int) -> Counter[tuple[Any, ...]]:
    with db.transaction(workspace_id=workspace_id) as session:
        return Counter(
            {
                (row.employee_id, row.day, row.week_start, row.activity_id, row.project_key,
                 row.customer_key, row.billable): (row.minutes, row.revenue_minor, row.entries)
                for row in session.scalars(select(EntryDayTotal))
            }
        )  # fmt: skip


def _stored_months(db: Database, workspace_id: int) -> Counter[tuple[Any, ...]]:
    with db.transaction(workspace_id=workspace_id) as session:
        return Counter(
            {
                (row.employee_id, row.month_start, row.activity_id, row.project_key,
                 row.customer_key, row.billable): (row.minutes, row.revenue_minor, row.entries,
                                                   row.first_day, row.last_day)
                for row in session.scalars(select(EntryMonthTotal))
            }
        )  # fmt: skip


def _months_recomputed(db: Database, workspace_id: int) -> Counter[tuple[Any, ...]]:
    months: dict[tuple[Any, ...], list[Any]] = {}
    with db.transaction(workspace_id=workspace_id) as session:
        for entry in session.scalars(select(TimeEntry)):
            key = (
                entry.employee_id,
                entry.day.replace(day=1),
                entry.activity_id,
                entry.project_id or 0,
                entry.customer_id or 0,
                entry.billable,
            )
            total = months.setdefault(key, [0, 0, 0, entry.day, entry.day])
            total[0] += entry.minutes
            total[1] += entry.revenue_minor or 0
            total[2] += 1
            total[3] = min(total[3], entry.day)
            total[4] = max(total[4], entry.day)
    return Counter({key: tuple(values) for key, values in months.items()})


def _recomputed(db: Database, workspace_id: int) -> Counter[tuple[Any, ...]]:
    sums: dict[tuple[Any, ...], list[int]] = {}
    with db.transaction(workspace_id=workspace_id) as session:
        for entry in session.scalars(select(TimeEntry)):
            key = (
                entry.employee_id,
                entry.day,
                week_start_of(entry.day, 1),
                entry.activity_id,
                entry.project_id or 0,
                entry.customer_id or 0,
                entry.billable,
            )
            total = sums.setdefault(key, [0, 0, 0])
            total[0] += entry.minutes
            total[1] += entry.revenue_minor or 0
            total[2] += 1
    return Counter({key: tuple(values) for key, values in sums.items()})


def test_totals_follow_every_change_of_the_entries(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    customer = client.post(
        "/api/customers",
        json={"name": "ACME", "hourly_rate_minor": 6000, "effective_from": "2024-01-01"},
        headers=workspace.headers,
    ).json()
    project = client.post(
        "/api/projects",
        json={"name": "Site", "customer_id": customer["id"], "effective_from": "2024-01-01"},
        headers=workspace.headers,
    ).json()
    activity_ids = [activities["work"], activities["travel"]]
    entry_ids: list[int] = []

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(operation, min_size=1, max_size=6))
    def check(operations: list[tuple[Any, ...]]) -> None:
        for op in operations:
            if op[0] == "create":
                _, day, minutes, second_activity, on_project, billable = op
                body: dict[str, Any] = {
                    "date": day,
                    "minutes": minutes,
                    "activity_id": activity_ids[second_activity],
                    "project_id": project["id"] if on_project else None,
                    "billable": billable,
                }
                response = client.post(person.entries, json=body, headers=person.headers)
                assert response.status_code == 201, response.text
                entry_ids.append(response.json()["id"])
            elif entry_ids and op[0] == "update":
                _, index, day, minutes, drop_project, billable = op
                changes: dict[str, Any] = {"minutes": minutes, "billable": billable}
                if day is not None:
                    changes["date"] = day
                if drop_project:
                    changes["project_id"] = None
                entry_id = entry_ids[index % len(entry_ids)]
                response = client.patch(
                    f"{person.entries}/{entry_id}", json=changes, headers=person.headers
                )
                assert response.status_code == 200, response.text
            elif entry_ids and op[0] == "delete":
                entry_id = entry_ids.pop(op[1] % len(entry_ids))
                response = client.delete(f"{person.entries}/{entry_id}", headers=person.headers)
                assert response.status_code == 204, response.text
        assert _stored(db, workspace.id) == _recomputed(db, workspace.id)
        assert _stored_months(db, workspace.id) == _months_recomputed(db, workspace.id)

    check()

    kept = client.post(
        person.entries,
        json={"date": DAYS[0], "minutes": 42, "activity_id": activity_ids[0]},
        headers=person.headers,
    )
    assert kept.status_code == 201, kept.text
    incremental = _stored(db, workspace.id)
    assert incremental == _recomputed(db, workspace.id)
    incremental_months = _stored_months(db, workspace.id)
    assert incremental_months == _months_recomputed(db, workspace.id)
    with db.transaction(workspace_id=workspace.id) as session:
        recompute_totals(session, workspace.id)
    assert _stored(db, workspace.id) == incremental
    assert _stored_months(db, workspace.id) == incremental_months


def test_touched_months_are_rewritten_in_runs_of_consecutive_months() -> None:
    months = [
        (7, date(2026, 1, 1)),
        (7, date(2026, 2, 1)),
        (7, date(2026, 2, 1)),
        (7, date(2026, 5, 1)),
        (3, date(2025, 12, 1)),
        (3, date(2026, 1, 1)),
    ]
    assert list(month_runs(months)) == [
        (3, date(2025, 12, 1), date(2026, 1, 1)),
        (7, date(2026, 1, 1), date(2026, 2, 1)),
        (7, date(2026, 5, 1), date(2026, 5, 1)),
    ]
    assert list(month_runs([])) == []


def test_changing_the_week_start_moves_totals_to_the_new_weeks(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    sunday = "2026-03-08"
    created = client.post(
        person.entries,
        json={"date": sunday, "minutes": 30, "activity_id": activities["work"]},
        headers=person.headers,
    )
    assert created.status_code == 201, created.text

    changed = client.patch(
        "/api/admin/workspace", json={"week_start": 7}, headers=workspace.headers
    )

    assert changed.status_code == 200, changed.text
    with db.transaction(workspace_id=workspace.id) as session:
        weeks = set(session.scalars(select(EntryDayTotal.week_start)))
    # Sunday 8 March starts its own week when weeks start on Sunday (it was in the week
    # of Monday 2 March before).
    assert {week.isoformat() for week in weeks} == {sunday}
