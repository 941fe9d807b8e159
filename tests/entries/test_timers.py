"""Timers: one running per employee, switching reports the stopped entry, stopping adds
the measured minutes."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, update

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from tests.timesheet.support import Person, create
from timeledger.entries.repository import EntryRepository
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import TimeEntry

DAY = "2026-03-10"


def _start_new(client: TestClient, person: Person, activity_id: int, **body: Any) -> dict[str, Any]:
    response = client.post(
        person.timer, json={"activity_id": activity_id, **body}, headers=person.headers
    )
    assert response.status_code == 201, response.text
    started: dict[str, Any] = response.json()
    return started


def _rewind_timer(db: Database, entry_id: int, minutes: int) -> None:
    """Arrange a timer that started `minutes` ago (state, not a fake clock)."""
    with db.transaction() as session:
        session.execute(
            update(TimeEntry)
            .where(TimeEntry.id == entry_id)
            .values(timer_started_at=utcnow() - timedelta(minutes=minutes, seconds=5))
        )


def test_a_timer_on_a_new_entry_runs_until_stopped(
    client: TestClient, db: Database, person: Person, activities: dict[str, int]
) -> None:
    started = _start_new(client, person, activities["work"], note="Call")
    tracking = started["tracking_entry"]
    assert started["stopped_entry"] is None
    assert tracking["tracking"]["minutes"] == 0
    assert (
        client.get(person.timer, headers=person.headers).json()["tracking_entry"]["id"]
        == (tracking["id"])
    )
    _rewind_timer(db, tracking["id"], 25)

    stopped = client.delete(person.timer, headers=person.headers)

    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["stopped_entry"]["minutes"] == 25
    assert stopped.json()["stopped_entry"]["tracking"] is None
    assert client.get(person.timer, headers=person.headers).json()["tracking_entry"] is None
    assert_problem(client.delete(person.timer, headers=person.headers), 409)


def test_starting_another_timer_stops_the_running_one_and_reports_it(
    client: TestClient, db: Database, person: Person, activities: dict[str, int]
) -> None:
    first = _start_new(client, person, activities["work"])["tracking_entry"]
    existing = create(
        client, person, {"date": DAY, "minutes": 40, "activity_id": activities["work"]}
    )
    _rewind_timer(db, first["id"], 10)

    response = client.post(f"{person.entries}/{existing['id']}/timer", headers=person.headers)

    assert response.status_code == 200, response.text
    state = response.json()
    assert state["stopped_entry"]["id"] == first["id"]
    assert state["stopped_entry"]["minutes"] == 10
    assert state["tracking_entry"]["id"] == existing["id"]
    assert state["tracking_entry"]["tracking"]["minutes"] == 40
    again = client.post(f"{person.entries}/{existing['id']}/timer", headers=person.headers)
    assert again.json()["stopped_entry"] is None
    assert again.json()["tracking_entry"]["id"] == existing["id"]


def test_timers_run_only_on_entries_without_a_span(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    span = create(
        client,
        person,
        {
            "started_at": "2026-03-10T08:00:00+00:00",
            "ended_at": "2026-03-10T09:00:00+00:00",
            "activity_id": activities["work"],
        },
    )

    on_span = client.post(f"{person.entries}/{span['id']}/timer", headers=person.headers)
    new_with_span = client.post(
        person.timer,
        json={
            "activity_id": activities["work"],
            "started_at": "2026-03-10T08:00:00+00:00",
            "ended_at": "2026-03-10T09:00:00+00:00",
        },
        headers=person.headers,
    )

    assert_problem(on_span, 422)
    assert_problem(new_with_span, 422)


def test_a_locked_entry_does_not_start_a_timer(
    client: TestClient, person: Person, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    entry = create(client, person, {"date": DAY, "minutes": 5, "activity_id": activities["work"]})
    client.patch(
        f"{person.entries}/{entry['id']}", json={"locked": True}, headers=workspace.headers
    )

    response = client.post(f"{person.entries}/{entry['id']}/timer", headers=person.headers)

    assert_problem(response, 423)


def test_parallel_timer_starts_leave_exactly_one_timer_running(
    client: TestClient, db: Database, person: Person, activities: dict[str, int]
) -> None:
    entries = [
        create(client, person, {"date": DAY, "minutes": 1, "activity_id": activities["work"]})
        for _ in range(6)
    ]
    barrier = threading.Barrier(len(entries))
    statuses: list[int] = []

    def start(entry_id: int) -> None:
        barrier.wait()
        response = client.post(f"{person.entries}/{entry_id}/timer", headers=person.headers)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=start, args=(entry["id"],)) for entry in entries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * len(entries)
    with db.transaction() as session:
        running = session.scalar(
            select(func.count())
            .select_from(TimeEntry)
            .where(
                TimeEntry.employee_id == person.employee_id, TimeEntry.timer_started_at.is_not(None)
            )
        )
    assert running == 1


def test_a_stopped_timer_counts_up_to_what_is_left_of_its_day(
    client: TestClient, db: Database, person: Person, activities: dict[str, int]
) -> None:
    create(client, person, {"date": DAY, "minutes": 1400, "activity_id": activities["work"]})
    started = _start_new(client, person, activities["work"], date=DAY, minutes=10)
    _rewind_timer(db, started["tracking_entry"]["id"], 90)

    stopped = client.delete(person.timer, headers=person.headers)

    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["stopped_entry"]["minutes"] == 40


def test_the_running_timer_is_found_through_its_own_index(
    db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    """On the employee alone the index lost to (workspace, employee, day), and finding the
    running timer read every entry of the employee: 1.2 ms on four years of them."""
    if not db.is_sqlite:
        pytest.skip("PostgreSQL plans by its statistics; the tiny test tables say nothing")
    asked: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        asked.append((statement, parameters))

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", remember)
    try:
        with db.transaction(workspace_id=workspace.id) as session:
            assert EntryRepository(session).running_timer(person.employee_id) is None
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", remember)
    (statement, parameters), *_ = [(s, p) for s, p in asked if "timer_started_at" in s]
    with db.engine.connect() as connection:
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    assert "uq_time_entries_one_timer" in " ".join(str(row[-1]) for row in plan)
