"""The batch-jobs API: starting, reading (with progress while running), listing and
cancelling, within the caller's workspace only."""

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from tests.jobs.support import BATCH_JOBS, read_job, start_job
from timeledger.config import Settings
from timeledger.jobs.registry import JobContext, enqueue, job_handler
from timeledger.jobs.worker import Worker
from timeledger.kit.db import Database
from timeledger.kit.errors import Conflict

WAIT_SECONDS = 10


class NoParameters(BaseModel):
    model_config = ConfigDict(extra="forbid")


@job_handler("test.wait-for-cancel", parameters=NoParameters, startable=True)
def wait_for_cancel(context: JobContext, _payload: dict[str, Any]) -> dict[str, Any]:
    """Reports 3 of 10 steps done, then waits until cancelled (or gives up)."""
    context.report_progress(3, 10)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        context.check_cancelled()
        time.sleep(0.01)
    return {"gave_up": True}


@job_handler("test.refuse")
def refuse(_context: JobContext, _payload: dict[str, Any]) -> None:
    raise Conflict("Nothing to do: the period is settled already.")


@job_handler("test.crash")
def crash(_context: JobContext, _payload: dict[str, Any]) -> None:
    raise KeyError("missing-key")


def _wait_until(predicate: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _enqueue(db: Database, kind: str, workspace_id: int | None) -> int:
    with db.transaction() as session:
        return enqueue(session, kind, {}, workspace_id=workspace_id).id


def test_started_job_is_listed_read_and_run(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    job = start_job(client, workspace, "timesheet.stop-timers")
    assert job["status"] == "pending"
    assert job["parameters"] == {"min_running_minutes": 0}
    assert job["progress"] == {"done": 0, "total": None, "percent": None}
    assert job["created_by_user_id"] == workspace.owner_id

    Worker(db, settings).run_once()

    finished = read_job(client, workspace, job["id"])
    assert finished["status"] == "done"
    assert finished["result"] == {"stopped": 0}
    assert finished["progress"] == {"done": 0, "total": 0, "percent": 100}
    assert finished["attempts"] == 1
    assert finished["started_at"] is not None and finished["finished_at"] is not None
    assert finished["error"] is None


def test_list_is_newest_first_filtered_and_bounded(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    first = start_job(client, workspace, "timesheet.stop-timers")
    Worker(db, settings).run_once()
    second = start_job(client, workspace, "timesheet.stop-timers")
    crashing = _enqueue(db, "test.crash", workspace.id)

    def ids(query: str) -> list[int]:
        response = client.get(f"{BATCH_JOBS}{query}", headers=workspace.headers)
        assert response.status_code == 200, response.text
        return [row["id"] for row in response.json()["items"]]

    assert ids("") == [crashing, second["id"], first["id"]]
    assert ids("?status=done") == [first["id"]]
    assert ids("?kind=timesheet.stop-timers&status=pending") == [second["id"]]
    page = client.get(f"{BATCH_JOBS}?limit=1", headers=workspace.headers).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    assert_problem(client.get(f"{BATCH_JOBS}?limit=201", headers=workspace.headers), 422)
    assert_problem(client.get(f"{BATCH_JOBS}?status=sleeping", headers=workspace.headers), 422)


def test_unknown_kinds_and_bad_parameters_are_422(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    def refused(body: dict[str, Any]) -> dict[str, Any]:
        return assert_problem(client.post(BATCH_JOBS, json=body, headers=workspace.headers), 422)

    unknown = refused({"kind": "reports.everything"})
    assert "timesheet.stop-timers" in unknown["detail"]
    assert unknown["errors"][0]["location"] == "body.kind"
    # Registered, but not a kind people start: it is queued by the inbound endpoints.
    assert refused({"kind": "inbound.process"})["errors"][0]["location"] == "body.kind"
    negative = refused({"kind": "timesheet.stop-timers", "parameters": {"min_running_minutes": -1}})
    assert negative["errors"][0]["location"] == "body.parameters.min_running_minutes"
    typo = refused({"kind": "timesheet.stop-timers", "parameters": {"min_running_minute": 5}})
    assert typo["errors"][0]["location"] == "body.parameters.min_running_minute"


def test_jobs_of_another_workspace_and_of_the_system_are_not_found(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    theirs = start_job(client, other_workspace, "timesheet.stop-timers")["id"]
    system = _enqueue(db, "test.crash", None)
    for job_id in (theirs, system):
        assert_problem(client.get(f"{BATCH_JOBS}/{job_id}", headers=workspace.headers), 404)
        cancel = client.post(f"{BATCH_JOBS}/{job_id}/cancel", headers=workspace.headers)
        assert_problem(cancel, 404)
    assert client.get(BATCH_JOBS, headers=workspace.headers).json()["items"] == []
    assert read_job(client, other_workspace, theirs)["status"] == "pending"


def test_employees_may_not_see_jobs_and_developers_only_read_them(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    job = start_job(client, workspace, "timesheet.stop-timers")
    employee = new_person(db, workspace.id, "employee")
    developer = new_person(db, workspace.id, "developer")
    assert_problem(client.get(BATCH_JOBS, headers=employee.headers), 403)
    assert_problem(client.get(f"{BATCH_JOBS}/{job['id']}", headers=employee.headers), 403)
    assert client.get(f"{BATCH_JOBS}/{job['id']}", headers=developer.headers).status_code == 200
    start = client.post(
        BATCH_JOBS, json={"kind": "timesheet.stop-timers"}, headers=developer.headers
    )
    assert_problem(start, 403)
    cancel = client.post(f"{BATCH_JOBS}/{job['id']}/cancel", headers=developer.headers)
    assert_problem(cancel, 403)


def test_a_pending_job_is_cancelled_at_once_and_never_runs(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    job = start_job(client, workspace, "timesheet.stop-timers")
    cancelled = client.post(f"{BATCH_JOBS}/{job['id']}/cancel", headers=workspace.headers)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["finished_at"] is not None

    assert Worker(db, settings).run_once() == 0

    after = read_job(client, workspace, job["id"])
    assert (after["status"], after["attempts"]) == ("cancelled", 0)
    again = client.post(f"{BATCH_JOBS}/{job['id']}/cancel", headers=workspace.headers)
    assert "cancelled" in assert_problem(again, 409)["detail"]


def test_a_running_job_shows_progress_and_stops_when_cancelled(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    job = start_job(client, workspace, "test.wait-for-cancel")
    worker = threading.Thread(target=Worker(db, settings).run_once)
    worker.start()
    try:
        _wait_until(lambda: read_job(client, workspace, job["id"])["progress"]["done"] == 3)
        running = read_job(client, workspace, job["id"])
        assert running["status"] == "running"
        assert running["progress"] == {"done": 3, "total": 10, "percent": 30}

        asked = client.post(f"{BATCH_JOBS}/{job['id']}/cancel", headers=workspace.headers)
        assert asked.status_code == 200, asked.text
        assert asked.json()["status"] == "running"
        assert asked.json()["cancel_requested_at"] is not None
    finally:
        worker.join(timeout=WAIT_SECONDS * 2)

    stopped = read_job(client, workspace, job["id"])
    assert stopped["status"] == "cancelled"
    assert stopped["result"] is None


@pytest.mark.parametrize(
    ("kind", "status", "error"),
    [
        ("test.refuse", "failed", "Conflict: Nothing to do: the period is settled already."),
        ("test.crash", "pending", "KeyError: 'missing-key'"),
    ],
)
def test_a_failure_shows_its_summary_and_only_unexpected_errors_retry(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    kind: str,
    status: str,
    error: str,
) -> None:
    job_id = _enqueue(db, kind, workspace.id)
    Worker(db, settings).run_once()
    failed = read_job(client, workspace, job_id)
    assert (failed["status"], failed["error"], failed["attempts"]) == (status, error, 1)
    assert "Traceback" not in failed["error"]
