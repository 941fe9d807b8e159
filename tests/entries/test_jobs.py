"""The `timesheet.stop-timers` job: stops the workspace's forgotten timers through the
entries service, as the user who started it, with progress per timer."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.access.support import new_person
from tests.conftest import WorkspaceFixture
from tests.jobs.support import read_job, start_job
from tests.timesheet.support import Person, person_in
from timeledger.config import Settings
from timeledger.jobs.worker import Worker
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import Change, TimeEntry, User

STOP_TIMERS = "timesheet.stop-timers"


def _timer_started(
    client: TestClient, db: Database, person: Person, activity_id: int, minutes_ago: int
) -> int:
    response = client.post(person.timer, json={"activity_id": activity_id}, headers=person.headers)
    assert response.status_code == 201, response.text
    entry_id: int = response.json()["tracking_entry"]["id"]
    with db.transaction() as session:
        session.execute(
            update(TimeEntry)
            .where(TimeEntry.id == entry_id)
            .values(timer_started_at=utcnow() - timedelta(minutes=minutes_ago, seconds=5))
        )
    return entry_id


def _entry(client: TestClient, person: Person, entry_id: int) -> dict[str, Any]:
    response = client.get(f"{person.entries}/{entry_id}", headers=person.headers)
    assert response.status_code == 200, response.text
    entry: dict[str, Any] = response.json()
    return entry


def test_the_job_stops_timers_that_ran_long_enough_and_logs_it_as_its_starter(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    activities: dict[str, int],
) -> None:
    forgetful = [person_in(client, db, workspace) for _ in range(2)]
    forgotten = [_timer_started(client, db, p, activities["work"], 600) for p in forgetful]
    busy = person_in(client, db, workspace)
    fresh = _timer_started(client, db, busy, activities["work"], 5)

    job = start_job(client, workspace, STOP_TIMERS, min_running_minutes=60)
    Worker(db, settings).run_once()

    finished = read_job(client, workspace, job["id"])
    assert finished["status"] == "done", finished
    assert finished["result"] == {"stopped": 2}
    assert finished["progress"] == {"done": 2, "total": 2, "percent": 100}
    for person, entry_id in zip(forgetful, forgotten, strict=True):
        entry = _entry(client, person, entry_id)
        assert entry["tracking"] is None
        assert entry["minutes"] == 600
    assert _entry(client, busy, fresh)["tracking"] is not None
    with db.transaction() as session:
        actors = list(
            session.scalars(
                select(Change.actor_user_id).where(
                    Change.entity == "entry", Change.op == "timer_stopped"
                )
            )
        )
    assert actors == [workspace.owner_id, workspace.owner_id]


def test_the_job_fails_without_retrying_when_its_starter_was_suspended(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    activities: dict[str, int],
) -> None:
    admin = new_person(db, workspace.id, "admin")
    person = person_in(client, db, workspace)
    entry_id = _timer_started(client, db, person, activities["work"], 30)
    started = client.post(
        "/api/admin/batch-jobs", json={"kind": STOP_TIMERS}, headers=admin.headers
    )
    assert started.status_code == 201, started.text
    with db.transaction() as session:
        session.execute(update(User).where(User.id == admin.user_id).values(status="suspended"))

    Worker(db, settings).run_once()

    failed = read_job(client, workspace, started.json()["id"])
    assert (failed["status"], failed["attempts"]) == ("failed", 1)
    assert failed["error"].startswith("Conflict: ")
    assert "no active user to act as" in failed["error"]
    assert _entry(client, person, entry_id)["tracking"] is not None
