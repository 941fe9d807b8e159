"""Schedules: cron read in the workspace's time zone, validated, and fired exactly once per
run however many workers look at them."""

import contextvars
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from tests.jobs.support import SCHEDULES, read_job
from timeledger.config import Settings
from timeledger.jobs.cron import first_run_after
from timeledger.jobs.schedules import fire_due_schedules
from timeledger.jobs.worker import Worker
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import Job, JobSchedule

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def _create(
    client: TestClient, workspace: WorkspaceFixture, cron: str = "0 23 * * *", **body: Any
) -> dict[str, Any]:
    response = client.post(
        SCHEDULES,
        json={"name": "Nightly stop", "kind": "timesheet.stop-timers", "cron": cron, **body},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{SCHEDULES}/{response.json()['id']}"
    schedule: dict[str, Any] = response.json()
    return schedule


def _make_due(db: Database, schedule_id: int, ago: timedelta) -> None:
    with db.transaction() as session:
        session.execute(
            update(JobSchedule)
            .where(JobSchedule.id == schedule_id)
            .values(next_run_at=utcnow() - ago)
        )


def _jobs_of(db: Database, schedule_id: int) -> list[Job]:
    with db.transaction() as session:
        jobs = list(session.scalars(select(Job).where(Job.schedule_id == schedule_id)))
        session.expunge_all()
        return jobs


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (datetime(2026, 1, 10, 12, 0, tzinfo=UTC), datetime(2026, 1, 10, 22, 0, tzinfo=UTC)),
        (datetime(2026, 7, 10, 12, 0, tzinfo=UTC), datetime(2026, 7, 10, 21, 0, tzinfo=UTC)),
        # 23:00 in Copenhagen has passed at 22:30 UTC in winter: the next is tomorrow's.
        (datetime(2026, 1, 10, 22, 30, tzinfo=UTC), datetime(2026, 1, 11, 22, 0, tzinfo=UTC)),
    ],
)
def test_cron_is_read_in_the_workspace_time_zone(after: datetime, expected: datetime) -> None:
    assert first_run_after("0 23 * * *", "Europe/Copenhagen", after) == expected


def test_a_time_skipped_by_daylight_saving_runs_right_after_the_gap() -> None:
    # Clocks jump from 02:00 to 03:00 in Copenhagen on 29 March 2026.
    before = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert first_run_after("30 2 * * *", "Europe/Copenhagen", before) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )


def test_schedule_shows_its_next_run_in_utc_from_the_local_cron(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    schedule = _create(client, workspace, parameters={"min_running_minutes": 120})
    assert schedule["timezone"] == "Europe/Copenhagen"
    assert schedule["parameters"] == {"min_running_minutes": 120}
    assert schedule["created_by_user_id"] == workspace.owner_id
    next_run = datetime.fromisoformat(schedule["next_run_at"])
    assert next_run.utcoffset() == timedelta(0)
    assert next_run > utcnow()
    local = next_run.astimezone(COPENHAGEN)
    assert (local.hour, local.minute) == (23, 0)
    listed = client.get(SCHEDULES, headers=workspace.headers).json()["items"]
    assert [row["id"] for row in listed if row["created_by_user_id"]] == [schedule["id"]]


def test_a_new_workspace_accrues_and_expires_time_off_nightly(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    listed = client.get(SCHEDULES, headers=workspace.headers).json()["items"]
    assert {(row["kind"], row["cron"], row["created_by_user_id"]) for row in listed} == {
        ("timeoff.accrue", "10 0 * * *", None),
        ("timeoff.expire", "20 0 * * *", None),
    }
    assert all(row["active"] and row["next_run_at"] is not None for row in listed)


BAD_CRONS = [
    ("* * *", "5 fields"),
    ("0 0 * * * *", "5 fields"),
    ("every night", "5 fields"),
    ("61 * * * *", "Bad minute"),
    ("0 0 31 2 *", "Bad day-of-month"),
]


def test_a_bad_cron_expression_is_422_saying_why(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for cron, says in BAD_CRONS:
        response = client.post(
            SCHEDULES,
            json={"name": "x", "kind": "timesheet.stop-timers", "cron": cron},
            headers=workspace.headers,
        )
        problem = assert_problem(response, 422)
        assert says in problem["detail"], cron
        assert problem["errors"][0]["location"] == "body.cron"


def test_unknown_kinds_and_bad_parameters_are_422(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    def refused(**body: Any) -> dict[str, Any]:
        payload = {"name": "x", "kind": "timesheet.stop-timers", "cron": "0 1 * * *", **body}
        return assert_problem(client.post(SCHEDULES, json=payload, headers=workspace.headers), 422)

    assert "timesheet.stop-timers" in refused(kind="statements.generate")["detail"]
    located = refused(parameters={"min_running_minutes": "soon"})["errors"][0]["location"]
    assert located == "body.parameters.min_running_minutes"


def test_schedule_is_changed_paused_and_deleted(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    schedule = _create(client, workspace)
    url = f"{SCHEDULES}/{schedule['id']}"
    read = client.get(url, headers=workspace.headers)
    etag = read.headers["etag"]

    changed = client.patch(
        url,
        json={"cron": "15 6 * * 1", "name": "Monday"},
        headers={**workspace.headers, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    local = datetime.fromisoformat(changed.json()["next_run_at"]).astimezone(COPENHAGEN)
    assert (local.isoweekday(), local.hour, local.minute) == (1, 6, 15)
    assert changed.json()["name"] == "Monday"
    stale = client.patch(url, json={"name": "x"}, headers={**workspace.headers, "If-Match": etag})
    assert_problem(stale, 412)
    bad = client.patch(url, json={"cron": "0 25 * * *"}, headers=workspace.headers)
    assert assert_problem(bad, 422)["errors"][0]["location"] == "body.cron"

    paused = client.patch(url, json={"active": False}, headers=workspace.headers)
    assert (paused.json()["active"], paused.json()["next_run_at"]) == (False, None)
    resumed = client.patch(url, json={"active": True}, headers=workspace.headers)
    assert resumed.json()["next_run_at"] is not None

    _make_due(db, schedule["id"], timedelta(minutes=1))
    fire_due_schedules(db, settings)
    [job] = _jobs_of(db, schedule["id"])
    assert client.delete(url, headers=workspace.headers).status_code == 204
    assert_problem(client.get(url, headers=workspace.headers), 404)
    # The job it started stays, without its schedule.
    assert read_job(client, workspace, job.id)["schedule_id"] is None


def test_a_due_schedule_fires_one_job_acting_as_its_creator(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    schedule = _create(client, workspace, cron="0 * * * *")
    # The worker was down for a day: the 24 missed runs are made up by one.
    _make_due(db, schedule["id"], timedelta(days=1))

    assert fire_due_schedules(db, settings) == 1
    assert fire_due_schedules(db, settings) == 0

    [job] = _jobs_of(db, schedule["id"])
    assert (job.kind, job.workspace_id, job.payload) == (
        "timesheet.stop-timers",
        workspace.id,
        {"min_running_minutes": 0},
    )
    assert job.created_by_user_id == workspace.owner_id
    after = client.get(f"{SCHEDULES}/{schedule['id']}", headers=workspace.headers).json()
    assert datetime.fromisoformat(after["next_run_at"]) > utcnow()
    assert after["last_run_at"] is not None
    Worker(db, settings).run_once()
    assert read_job(client, workspace, job.id)["status"] == "done"


def test_two_workers_at_once_fire_a_due_schedule_once(
    db: Database, settings: Settings, client: TestClient, workspace: WorkspaceFixture
) -> None:
    schedules = [_create(client, workspace, cron="*/5 * * * *")["id"] for _ in range(5)]
    for schedule_id in schedules:
        _make_due(db, schedule_id, timedelta(minutes=1))
    together = threading.Barrier(2)
    fired: list[int] = []

    def worker() -> None:
        together.wait()
        fired.append(fire_due_schedules(db, settings))

    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(worker,)) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sum(fired) == len(schedules)
    with db.transaction() as session:
        counted = session.scalar(select(func.count()).select_from(Job))
    assert counted == len(schedules)
    assert all(len(_jobs_of(db, schedule_id)) == 1 for schedule_id in schedules)


def test_schedules_belong_to_their_workspace_and_need_the_jobs_permissions(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    theirs = _create(client, other_workspace)
    url = f"{SCHEDULES}/{theirs['id']}"
    assert_problem(client.get(url, headers=workspace.headers), 404)
    assert_problem(client.patch(url, json={"name": "x"}, headers=workspace.headers), 404)
    assert_problem(client.delete(url, headers=workspace.headers), 404)
    own = client.get(SCHEDULES, headers=workspace.headers).json()["items"]
    assert theirs["id"] not in {row["id"] for row in own}
    # Read in the other workspace's own zone.
    assert theirs["timezone"] == "America/New_York"
    local = datetime.fromisoformat(theirs["next_run_at"]).astimezone(ZoneInfo("America/New_York"))
    assert local.hour == 23

    employee = new_person(db, workspace.id, "employee")
    developer = new_person(db, workspace.id, "developer")
    assert_problem(client.get(SCHEDULES, headers=employee.headers), 403)
    assert client.get(SCHEDULES, headers=developer.headers).status_code == 200
    create = client.post(
        SCHEDULES,
        json={"name": "x", "kind": "timesheet.stop-timers", "cron": "0 1 * * *"},
        headers=developer.headers,
    )
    assert_problem(create, 403)
