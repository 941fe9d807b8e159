"""Tyme's `POST /data/update_entity` and `DELETE /data/entity` over HTTP, on both engines:
every type created, with its id answered; a time record written through the face reads
back with the same figures through the native API and the mite face; a running timer
stopped by its end; cascading deletion by body and by query; refusals in Tyme's shape
that change nothing."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from tests.compat.mite.support import Mite
from tests.compat.tyme.support import BASE, owner_token
from tests.conftest import WorkspaceFixture
from timeledger.kit.clock import Clock
from timeledger.kit.db import Database
from timeledger.models import Customer, Employee, ExternalId, Project, Task, TimeEntry

UPDATE = f"{BASE}/data/update_entity"
ENTITY = f"{BASE}/data/entity"
TYME_TIME = "%Y-%m-%d %H:%M:%S"
SUCCESS = {"status": "success"}


def at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TYME_TIME)


@pytest.fixture
def headers(tyme: TestClient, workspace: WorkspaceFixture) -> dict[str, str]:
    return owner_token(tyme, workspace)


def put(tyme: TestClient, headers: dict[str, str], item: Any) -> dict[str, Any]:
    response = tyme.post(UPDATE, json=item, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def refused(response: Any, status: int, error: str, description: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error
    assert body["error_description"].startswith(description), body


def counts(db: Database, workspace: WorkspaceFixture) -> tuple[int, ...]:
    with db.transaction(workspace_id=workspace.id) as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Customer, Project, Task, TimeEntry, ExternalId)
        )


def owners_employee(db: Database, workspace: WorkspaceFixture) -> int:
    with db.transaction(workspace_id=workspace.id) as session:
        found = session.scalar(select(Employee.id).where(Employee.user_id == workspace.owner_id))
    assert found is not None
    return int(found)


@pytest.fixture
def morning(clock: Clock) -> datetime:
    """09:00 UTC two days ago."""
    return (clock.now() - timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)


@pytest.fixture
def catalog(tyme: TestClient, headers: dict[str, str]) -> dict[str, str]:
    """The ids answered for a category, a project, a task and a subtask."""
    category = put(tyme, headers, {"type": "ProjectCategory", "id": "CAT-1", "name": "Initech"})
    project = put(tyme, headers, {"type": "Project", "name": "TPS", "related_id": "CAT-1"})
    task = put(
        tyme,
        headers,
        {"type": "TimedTask", "id": "TSK-1", "name": "Covers", "project_id": project["id"]},
    )
    subtask = put(
        tyme,
        headers,
        {"type": "TimedSubTask", "id": "SUB-1", "name": "Staples", "task_id": "TSK-1"},
    )
    return {
        "category": category["id"],
        "project": project["id"],
        "task": task["id"],
        "subtask": subtask["id"],
    }


def record(task_id: str, start: datetime, end: datetime | None, **more: Any) -> dict[str, Any]:
    return {
        "type": "TimedTaskRecord",
        "task_id": task_id,
        "time_start": at(start),
        "time_end": at(end) if end is not None else None,
        "note": "cover sheets",
        **more,
    }


def test_each_type_is_created_and_the_answer_names_its_id(
    tyme: TestClient,
    workspace: WorkspaceFixture,
    headers: dict[str, str],
    catalog: dict[str, str],
    morning: datetime,
) -> None:
    project_id = int(catalog["project"].removeprefix("tl-project-"))
    assert catalog == {
        "category": "CAT-1",
        "project": f"tl-project-{project_id}",
        "task": "TSK-1",
        "subtask": "SUB-1",
    }
    tasks = tyme.get(f"/api/projects/{project_id}/tasks", headers=workspace.headers)
    assert tasks.status_code == 200, tasks.text
    by_name = {task["name"]: task for task in tasks.json()["items"]}
    assert by_name["Staples"]["parent_task_id"] == by_name["Covers"]["id"]

    answer = put(tyme, headers, record("SUB-1", morning, None))
    assert answer["status"] == "success" and answer["id"].startswith("tl-entry-")
    absence = {
        "type": "NonWorkingRecord",
        "id": "OFF-1",
        "subtype": 1,
        "time_start": at(morning),
        "time_end": at(morning + timedelta(hours=8)),
    }
    assert put(tyme, headers, absence) == {**SUCCESS, "id": "OFF-1"}


def test_a_time_record_reads_back_the_same_natively_and_through_mite(
    tyme: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    headers: dict[str, str],
    catalog: dict[str, str],
    morning: datetime,
) -> None:
    end = morning + timedelta(minutes=90, seconds=20)
    answer = put(tyme, headers, {**record("TSK-1", morning, end, billing_state=2), "id": "REC-1"})
    assert answer == {**SUCCESS, "id": "REC-1"}
    with db.transaction(workspace_id=workspace.id) as session:
        entry_id = session.scalar(
            select(ExternalId.native_id).where(ExternalId.external_id == "REC-1")
        )
    employee_id = owners_employee(db, workspace)

    native = tyme.get(
        f"/api/employees/{employee_id}/timesheet/entries/{entry_id}", headers=workspace.headers
    )
    assert native.status_code == 200, native.text
    entry = native.json()
    assert entry["minutes"] == 90
    assert datetime.fromisoformat(entry["started_at"]) == morning
    assert datetime.fromisoformat(entry["ended_at"]) == end
    assert (entry["note"], entry["billing_state"], entry["tracking"]) == (
        "cover sheets",
        "paid",
        None,
    )
    project_id = int(catalog["project"].removeprefix("tl-project-"))
    assert entry["project_id"] == project_id
    assert entry["date"] == morning.astimezone(UTC).date().isoformat()

    mite = Mite(tyme, workspace.api_key).ok(f"time_entries/{entry_id}.json")["time_entry"]
    assert (mite["minutes"], mite["note"], mite["project_id"]) == (90, "cover sheets", project_id)
    assert mite["date_at"] == entry["date"]
    assert mite["project_name"] == "TPS" and mite["customer_name"] == "Initech"


@pytest.mark.frozen_clock
def test_a_running_timer_is_stopped_by_sending_its_end(
    tyme: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    headers: dict[str, str],
    catalog: dict[str, str],
    clock: Clock,
) -> None:
    started = (clock.now() - timedelta(minutes=30)).replace(microsecond=0)
    put(tyme, headers, {**record("TSK-1", started, None), "id": "RUN-1"})
    timer = f"/api/employees/{owners_employee(db, workspace)}/timesheet/timer"
    tracking = tyme.get(timer, headers=workspace.headers).json()["tracking_entry"]
    assert tracking is not None
    assert datetime.fromisoformat(tracking["tracking"]["since"]) == started
    mite = Mite(tyme, workspace.api_key).ok("tracker.json")["tracker"]
    assert mite["tracking_time_entry"]["id"] == tracking["id"]

    ended = started + timedelta(minutes=25)
    put(tyme, headers, {"type": "TimedTaskRecord", "id": "RUN-1", "time_end": at(ended)})
    assert tyme.get(timer, headers=workspace.headers).json()["tracking_entry"] is None
    entry = Mite(tyme, workspace.api_key).ok(f"time_entries/{tracking['id']}.json")["time_entry"]
    assert entry["minutes"] == 25 and "tracking" not in entry


# Deleting


@pytest.fixture
def booked(
    tyme: TestClient, headers: dict[str, str], catalog: dict[str, str], morning: datetime
) -> None:
    hour = timedelta(hours=1)
    put(tyme, headers, {**record("TSK-1", morning, morning + hour), "id": "REC-1"})
    put(tyme, headers, {**record("SUB-1", morning + hour, morning + 2 * hour), "id": "REC-2"})


@pytest.mark.usefixtures("booked")
def test_deleting_a_project_by_body_deletes_its_tasks_and_times_and_twice_is_fine(
    tyme: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    headers: dict[str, str],
    catalog: dict[str, str],
) -> None:
    body = {"project_ids": [catalog["project"]], "time_ids": ["REC-1"]}
    for _ in range(2):
        response = tyme.request("DELETE", ENTITY, json=body, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == SUCCESS
    project_id = catalog["project"].removeprefix("tl-project-")
    gone = tyme.get(f"/api/projects/{project_id}", headers=workspace.headers)
    assert gone.status_code == 404, gone.text
    assert counts(db, workspace)[1:4] == (1, 2, 0)
    with db.transaction(workspace_id=workspace.id) as session:
        live = select(func.count()).select_from(Task).where(Task.deleted_at.is_(None))
        assert session.scalar(live) == 0
    category = tyme.get("/api/customers", headers=workspace.headers).json()["items"]
    assert [each["name"] for each in category] == ["Initech"]


@pytest.mark.usefixtures("booked")
def test_deleting_by_query_parameters(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture, headers: dict[str, str]
) -> None:
    response = tyme.delete(f"{ENTITY}?time_ids[]=REC-2&project_ids[]=CAT-1", headers=headers)
    assert response.status_code == 200, response.text
    assert counts(db, workspace)[3] == 0
    customers = tyme.get("/api/customers", headers=workspace.headers).json()["items"]
    assert customers == []


@pytest.mark.parametrize(
    ("body", "query", "description"),
    [
        ({}, "", "Send 1 to 1000 ids"),
        ({"project_ids": [f"P-{n}" for n in range(1001)]}, "", "Send 1 to 1000 ids"),
        ({"project_ids": "CAT-1"}, "", "project_ids must be an array"),
        ({"time_ids": [7]}, "", "time_ids[0] must be an id"),
        (["CAT-1"], "", "The body must be a JSON object"),
        (None, "project_ids[]=REC-1", "project_ids[0]: 'REC-1' names a time record"),
    ],
)
@pytest.mark.usefixtures("booked")
def test_a_refused_deletion_is_tymes_400_and_deletes_nothing(
    tyme: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    headers: dict[str, str],
    body: Any,
    query: str,
    description: str,
) -> None:
    before = counts(db, workspace)
    url = f"{ENTITY}?time_ids[]=REC-2&{query}" if query else ENTITY
    response = tyme.request("DELETE", url, json=body, headers=headers)
    refused(response, 400, "missing values", description)
    assert counts(db, workspace) == before


@pytest.mark.usefixtures("booked")
def test_a_locked_entry_refuses_its_change_and_its_projects_deletion(
    tyme: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    headers: dict[str, str],
    catalog: dict[str, str],
    morning: datetime,
) -> None:
    with db.transaction(workspace_id=workspace.id) as session:
        session.execute(update(TimeEntry).values(locked=True))
    before = counts(db, workspace)
    changed = tyme.post(
        UPDATE, json={"type": "TimedTaskRecord", "id": "REC-2", "note": "x"}, headers=headers
    )
    refused(changed, 423, "locked", "Time entry")
    response = tyme.request("DELETE", ENTITY, json={"project_ids": ["TSK-1"]}, headers=headers)
    refused(response, 423, "locked", "project_ids[0]: Time entry")
    assert counts(db, workspace) == before


# Refused updates


@pytest.mark.parametrize(
    ("item", "description"),
    [
        ("not json", "The body must be a JSON object"),
        (["a", "list"], "The body must be a JSON object"),
        ({"type": "Invoice", "name": "x"}, "type: 'Invoice' is not one of"),
        (
            {"type": "TimedTaskRecord", "task_id": "TSK-1", "time_start": "2026-13-01 10:00:00"},
            "time_start: '2026-13-01 10:00:00' is not a time of the calendar",
        ),
        ({"type": "Project", "id": "TSK-1", "name": "x"}, "type: 'TSK-1' names a task"),
        ({"type": "Project", "id": "tl-project-x", "name": "x"}, "id: 'tl-project-x' names no"),
        ({"type": "Project", "id": 17, "name": "x"}, "id: 17 is not an id"),
        (
            {"type": "TimedTask", "name": "x", "project_id": "TSK-1", "billable": 1},
            "project_id: 'TSK-1' names no project",
        ),
        (
            {"type": "TimedSubTask", "name": "x", "task_id": "TSK-1", "planned_duration": "1h"},
            "planned_duration: '1h' is not a whole number",
        ),
    ],
)
@pytest.mark.usefixtures("catalog")
def test_a_refused_update_is_tymes_400_and_changes_nothing(
    tyme: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    headers: dict[str, str],
    item: Any,
    description: str,
) -> None:
    before = counts(db, workspace)
    if isinstance(item, str):
        response = tyme.post(UPDATE, content=item, headers=headers)
    else:
        response = tyme.post(UPDATE, json=item, headers=headers)
    refused(response, 400, "missing values", description)
    assert counts(db, workspace) == before
