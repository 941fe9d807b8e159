"""Native objects rendered as Tyme's objects, in batch, on both engines; the data is built
through the native API."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, update

from tests.conftest import WorkspaceFixture
from tests.projects.support import post
from tests.timesheet.support import Person
from timeledger.compat.tyme.ids import NativeRef, TymeIds
from timeledger.compat.tyme.objects import (
    BILLING_STATES,
    ROUNDING_METHODS,
    SUBTYPE_ACTIVITY_KEYS,
    money,
    render,
    tyme_object_type,
    tyme_rounding,
)
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import TimeEntry

SINCE = "2024-01-01"
DAY = "2026-03-10"
TYME_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
STAMPS = ("modified", "created_date", "created")
NEUTRAL_CATALOG = {
    "color": 0,
    "fixed_rate": 0,
    "quantity": 0,
    "kilometer_rate": 0,
    "tracking_mode": 0,
    "modifier_flags": 0,
    "recurring_period": 0,
    "cached_total": 0,
}


@dataclass(frozen=True)
class Catalog:
    """A customer (rate 80), its project (rate 120, rounding up to 15 minutes, a budget
    of 10 hours), a task of it and a subtask of that (rate 75.50, not billable)."""

    customer_id: int
    project_id: int
    task_id: int
    subtask_id: int

    def refs(self) -> list[NativeRef]:
        return [
            NativeRef("customer", self.customer_id),
            NativeRef("project", self.project_id),
            NativeRef("task", self.task_id),
            NativeRef("task", self.subtask_id),
        ]


def build_catalog(client: TestClient, workspace: WorkspaceFixture, prefix: str = "") -> Catalog:
    customer = post(
        client,
        workspace,
        "/api/customers",
        name=f"{prefix}Initech",
        hourly_rate_minor=8000,
        effective_from=SINCE,
    )
    project = post(
        client,
        workspace,
        "/api/projects",
        name=f"{prefix}TPS reports",
        customer_id=customer["id"],
        hourly_rate_minor=12000,
        rounding_method="up",
        rounding_minutes=15,
        budget_kind="hours",
        budget_amount=600,
        planned_start="2026-01-01",
        planned_end="2026-12-31",
        effective_from=SINCE,
    )
    tasks = f"/api/projects/{project['id']}/tasks"
    task = post(
        client, workspace, tasks, name=f"{prefix}Cover sheets", budget_minutes=90,
        effective_from=SINCE,
    )  # fmt: skip
    subtask = post(
        client, workspace, tasks, name=f"{prefix}Staples", parent_task_id=task["id"],
        hourly_rate_minor=7550, billable=False, effective_from=SINCE,
    )  # fmt: skip
    return Catalog(customer["id"], project["id"], task["id"], subtask["id"])


def entry(
    client: TestClient, workspace: WorkspaceFixture, person: Person, **body: Any
) -> dict[str, Any]:
    response = client.post(person.entries, json=body, headers=workspace.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def without_stamps(shown: dict[str, Any]) -> dict[str, Any]:
    """The object without its timestamps, after checking they are Tyme times."""
    for name in STAMPS:
        if name in shown:
            assert TYME_TIME.match(shown[name]), (name, shown[name])
    return {name: value for name, value in shown.items() if name not in STAMPS}


def rendered(db: Database, workspace: WorkspaceFixture, refs: list[NativeRef]) -> Any:
    with db.transaction(workspace_id=workspace.id) as session:
        return render(session, refs)


def test_the_tables_hold_tymes_codes() -> None:
    assert SUBTYPE_ACTIVITY_KEYS == {
        0: "vacation",
        1: "sick",
        2: "other_leave",
        3: "public_holiday_abroad",
        4: "flextime",
        5: "special_leave",
    }
    assert ROUNDING_METHODS == {0: "down", 1: "nearest", 2: "up"}
    assert {code: state.value for code, state in BILLING_STATES.items()} == {
        0: "unbilled",
        1: "billed",
        2: "paid",
    }
    assert tyme_rounding("none", 1) == (1, 1)
    assert tyme_rounding("down", 30) == (0, 30)
    assert (money(None), money(12000), money(7550), money(-150)) == (0, 120, 75.5, -1.5)
    assert tyme_object_type("task", subtask=True) == "TimedSubTask"
    assert tyme_object_type("entry", time_off=True) == "NonWorkingRecord"
    assert tyme_object_type("customer") == "ProjectCategory"
    with pytest.raises(ValueError, match="no Tyme type"):
        tyme_object_type("activity")


def test_categories_projects_tasks_and_subtasks_in_tymes_shapes(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    catalog = build_catalog(client, workspace)
    shown = rendered(db, workspace, catalog.refs())
    team = str(workspace.id)
    category_id = f"tl-customer-{catalog.customer_id}"
    project_id = f"tl-project-{catalog.project_id}"
    task_id = f"tl-task-{catalog.task_id}"
    subtask_id = f"tl-task-{catalog.subtask_id}"
    place = {
        "project_id": project_id,
        "project_name": "TPS reports",
        "category_id": category_id,
        "category_name": "Initech",
    }
    assert without_stamps(shown[NativeRef("customer", catalog.customer_id)]) == {
        "id": category_id,
        "team_id": team,
        "related_id": None,
        "type": "ProjectCategory",
        "name": "Initech",
        "color": 0,
        "completed_date": None,
        "note": None,
        "category_id": category_id,
        "category_name": "Initech",
        "full_name": "Initech",
    }
    assert without_stamps(shown[NativeRef("project", catalog.project_id)]) == {
        "id": project_id,
        "team_id": team,
        "related_id": category_id,
        "type": "Project",
        "hourly_rate": 120,
        "rounding_method": 2,
        "rounding_minutes": 15,
        "default_hourly_rate": 80,
        "name": "TPS reports",
        "planned_budget": 0,
        "planned_duration": 36000,
        **NEUTRAL_CATALOG,
        "billable": 1,
        "start_date": "2026-01-01 00:00:00",
        "due_date": "2026-12-31 00:00:00",
        "completed_date": None,
        "note": None,
        **place,
        "full_name": "Initech: TPS reports",
    }
    assert without_stamps(shown[NativeRef("task", catalog.task_id)]) == {
        "id": task_id,
        "team_id": team,
        "related_id": project_id,
        "type": "TimedTask",
        "hourly_rate": 0,
        "rounding_method": 2,
        "rounding_minutes": 15,
        "default_hourly_rate": 120,
        "name": "Cover sheets",
        "planned_budget": 0,
        "planned_duration": 5400,
        **NEUTRAL_CATALOG,
        "billable": 1,
        "start_date": None,
        "due_date": None,
        "completed_date": None,
        "note": None,
        "task_id": task_id,
        "task_name": "Cover sheets",
        **place,
        "full_name": "Initech: TPS reports: Cover sheets",
    }
    assert without_stamps(shown[NativeRef("task", catalog.subtask_id)]) == {
        "id": subtask_id,
        "team_id": team,
        "related_id": task_id,
        "type": "TimedSubTask",
        "hourly_rate": 75.5,
        "rounding_method": 2,
        "rounding_minutes": 15,
        "default_hourly_rate": 120,
        "name": "Staples",
        "planned_budget": 0,
        "planned_duration": 0,
        **NEUTRAL_CATALOG,
        "billable": 0,
        "start_date": None,
        "due_date": None,
        "completed_date": None,
        "note": None,
        "subtask_id": subtask_id,
        "subtask_name": "Staples",
        "task_id": task_id,
        "task_name": "Cover sheets",
        **place,
        "full_name": "Initech: TPS reports: Cover sheets: Staples",
    }


def test_a_project_without_rounding_budget_or_customer_shows_neutral_values(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    bare = post(
        client, workspace, "/api/projects", name="Internal", note="Housekeeping",
        budget_kind="money", budget_amount=123450, billable=False,
    )  # fmt: skip
    shown = rendered(db, workspace, [NativeRef("project", bare["id"])])[
        NativeRef("project", bare["id"])
    ]
    assert (shown["rounding_method"], shown["rounding_minutes"]) == (1, 1)
    assert (shown["planned_budget"], shown["planned_duration"]) == (1234.5, 0)
    assert (shown["hourly_rate"], shown["default_hourly_rate"], shown["billable"]) == (0, 0, 0)
    assert (shown["related_id"], shown["category_id"], shown["category_name"]) == (None,) * 3
    assert (shown["full_name"], shown["note"]) == ("Internal", "Housekeeping")


def test_archived_objects_are_shown_completed_and_deleted_ones_are_left_out(
    client: TestClient, db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    catalog = build_catalog(client, workspace)
    archived = client.patch(
        f"/api/projects/{catalog.project_id}", json={"archived": True}, headers=workspace.headers
    )
    assert archived.status_code == 200, archived.text
    gone = client.delete(
        f"/api/projects/{catalog.project_id}/tasks/{catalog.subtask_id}",
        headers=workspace.headers,
    )
    assert gone.status_code == 204, gone.text
    foreign = build_catalog(client, other_workspace)
    refs = [*catalog.refs(), *foreign.refs(), NativeRef("entry", 999_999)]
    shown = rendered(db, workspace, refs)
    assert set(shown) == set(catalog.refs()) - {NativeRef("task", catalog.subtask_id)}
    assert TYME_TIME.match(shown[NativeRef("project", catalog.project_id)]["completed_date"])
    assert shown[NativeRef("task", catalog.task_id)]["completed_date"] is None


def test_objects_a_client_created_keep_the_id_it_gave_them(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    catalog = build_catalog(client, workspace)
    with db.transaction(workspace_id=workspace.id) as session:
        TymeIds(session).give("CAT-1", "customer", catalog.customer_id)
        TymeIds(session).give("TASK-1", "task", catalog.task_id)
    shown = rendered(db, workspace, catalog.refs())
    subtask = shown[NativeRef("task", catalog.subtask_id)]
    assert (subtask["category_id"], subtask["task_id"], subtask["related_id"]) == (
        "CAT-1",
        "TASK-1",
        "TASK-1",
    )
    assert shown[NativeRef("customer", catalog.customer_id)]["id"] == "CAT-1"
    assert shown[NativeRef("project", catalog.project_id)]["related_id"] == "CAT-1"


def test_time_records_show_duration_rounding_and_revenue(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    catalog = build_catalog(client, workspace)
    work = activities["work"]
    on_task = entry(
        client, workspace, person, activity_id=work, project_id=catalog.project_id,
        task_id=catalog.task_id, started_at=f"{DAY}T09:00:00Z", ended_at=f"{DAY}T09:20:00Z",
        note="Printing", billing_state="billed",
    )  # fmt: skip
    with_break = entry(
        client, workspace, person, activity_id=work, project_id=catalog.project_id,
        task_id=catalog.task_id, started_at=f"{DAY}T10:00:00Z", ended_at=f"{DAY}T11:10:00Z",
        breaks=[{"started_at": f"{DAY}T10:30:00Z", "ended_at": f"{DAY}T10:40:00Z"}],
    )  # fmt: skip
    on_subtask = entry(
        client, workspace, person, activity_id=work, project_id=catalog.project_id,
        task_id=catalog.subtask_id, date=DAY, minutes=40,
    )  # fmt: skip
    refs = [NativeRef("entry", item["id"]) for item in (on_task, with_break, on_subtask)]
    shown = rendered(db, workspace, refs)
    place = {
        "project_id": f"tl-project-{catalog.project_id}",
        "project_name": "TPS reports",
        "category_id": f"tl-customer-{catalog.customer_id}",
        "category_name": "Initech",
    }
    assert without_stamps(shown[refs[0]]) == {
        "id": f"tl-entry-{on_task['id']}",
        "team_id": str(workspace.id),
        "user_id": str(person.principal.user_id),
        "related_id": f"tl-task-{catalog.task_id}",
        "type": "TimedTaskRecord",
        "locked": 0,
        "subtype": 0,
        "traveled_distance": 0,
        "time_start": f"{DAY} 09:00:00",
        "time_end": f"{DAY} 09:20:00",
        "billing_state": 1,
        "note": "Printing",
        "task_id": f"tl-task-{catalog.task_id}",
        "task_name": "Cover sheets",
        "duration": 1200,
        "duration_rounded": 1800,
        "revenue": 60,
        **place,
        "full_name": "Initech: TPS reports: Cover sheets",
    }
    paused = shown[refs[1]]
    assert (paused["duration"], paused["duration_rounded"], paused["revenue"]) == (3600, 3600, 120)
    assert (paused["time_start"], paused["time_end"]) == (f"{DAY} 10:00:00", f"{DAY} 11:10:00")
    assert paused["billing_state"] == 0
    minutes_only = shown[refs[2]]
    assert minutes_only["full_name"] == "Initech: TPS reports: Cover sheets: Staples"
    assert minutes_only["task_id"] == f"tl-task-{catalog.subtask_id}"
    assert minutes_only["task_name"] == "Staples"
    # 40 minutes rounded up to 45; the subtask is not billable.
    assert (minutes_only["duration"], minutes_only["duration_rounded"]) == (2700, 2700)
    assert minutes_only["revenue"] == 0
    # Minutes alone run from midnight of their date in the workspace's zone (CET).
    assert (minutes_only["time_start"], minutes_only["time_end"]) == (
        "2026-03-09 23:00:00",
        "2026-03-09 23:45:00",
    )


def test_a_running_timer_has_no_end_and_counts_up_to_now(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    catalog = build_catalog(client, workspace)
    started = client.post(
        person.timer,
        json={
            "activity_id": activities["work"],
            "project_id": catalog.project_id,
            "task_id": catalog.task_id,
        },
        headers=workspace.headers,
    )
    assert started.status_code == 201, started.text
    entry_id = started.json()["tracking_entry"]["id"]
    since = utcnow() - timedelta(minutes=25, seconds=5)
    with db.transaction() as session:
        session.execute(
            update(TimeEntry).where(TimeEntry.id == entry_id).values(timer_started_at=since)
        )
    ref = NativeRef("entry", entry_id)
    shown = rendered(db, workspace, [ref])[ref]
    assert shown["time_end"] is None
    assert shown["time_start"] == since.strftime("%Y-%m-%d %H:%M:%S")
    assert 1505 <= shown["duration"] < 1565
    # 25 minutes so far, rounded up to 30, at the project's 120 an hour.
    assert (shown["duration_rounded"], shown["revenue"]) == (1800, 60)


def test_time_off_entries_are_non_working_records_with_their_subtype(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    days = {"vacation": "2026-03-02", "sick": "2026-03-03", "medical_leave": "2026-03-04"}
    created = {
        key: entry(client, workspace, person, date=day, minutes=480, activity_id=activities[key])
        for key, day in days.items()
    }
    refs = {key: NativeRef("entry", item["id"]) for key, item in created.items()}
    shown = rendered(db, workspace, list(refs.values()))
    vacation = shown[refs["vacation"]]
    assert vacation["type"] == "NonWorkingRecord"
    assert (vacation["subtype"], vacation["duration"], vacation["revenue"]) == (0, 28800, 0)
    assert (vacation["time_start"], vacation["time_end"]) == (
        "2026-03-01 23:00:00",
        "2026-03-02 07:00:00",
    )
    assert (vacation["task_id"], vacation["project_id"], vacation["category_id"]) == (None,) * 3
    assert vacation["full_name"] == "Vacation"
    assert vacation["related_id"] is None
    assert shown[refs["sick"]]["subtype"] == 1
    assert shown[refs["medical_leave"]]["subtype"] == 2


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", seen)


def test_a_batch_reads_each_kind_with_the_same_queries_however_many_objects(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    def refs_of(catalog: Catalog, day: str) -> list[NativeRef]:
        created = [
            entry(
                client,
                workspace,
                person,
                activity_id=activities["work"],
                project_id=catalog.project_id,
                task_id=task_id,
                date=day,
                minutes=30,
            )
            for task_id in (catalog.task_id, catalog.subtask_id)
        ]
        vacation = entry(
            client, workspace, person, date=day, minutes=60, activity_id=activities["vacation"]
        )
        return [
            *catalog.refs(),
            *(NativeRef("entry", item["id"]) for item in [*created, vacation]),
        ]

    small = refs_of(build_catalog(client, workspace, "A "), "2026-03-02")
    large = small + [
        ref
        for prefix, day in (("B ", "2026-03-03"), ("C ", "2026-03-04"), ("D ", "2026-03-05"))
        for ref in refs_of(build_catalog(client, workspace, prefix), day)
    ]
    with counted(db) as small_queries:
        assert len(rendered(db, workspace, small)) == len(small)
    with counted(db) as large_queries:
        assert len(rendered(db, workspace, large)) == len(large)
    assert len(large_queries) == len(small_queries), large_queries
