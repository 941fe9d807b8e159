"""Tyme's reads (`search_entity`, `times`, `summary`) with an OAuth access token, on both
engines; the data is built through the native API."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.access.support import PASSWORD, new_person
from tests.compat.tyme.support import (
    BASE,
    authorized_code,
    bearer,
    exchange,
    register_client,
    tokens_of,
)
from tests.compat.tyme.test_objects import Catalog, build_catalog, entry
from tests.conftest import WorkspaceFixture
from tests.timesheet.support import Person
from timeledger.access.credentials import PasswordHashing
from timeledger.compat.tyme import data
from timeledger.compat.tyme.ids import TymeIds
from timeledger.kit.db import Database

SEARCH = f"{BASE}/data/search_entity"
TIMES = f"{BASE}/data/times"
SUMMARY = f"{BASE}/data/summary"
MARCH = {"from": "2026-02-28 23:00:00", "to": "2026-03-31 21:59:59"}
"""March in the workspace's time zone (Europe/Copenhagen), in GMT+0."""


def token_of(tyme: TestClient, workspace: WorkspaceFixture, email: str, password: str) -> Any:
    client = register_client(tyme, workspace)
    code = authorized_code(tyme, client, email, password)
    return dict(bearer(tokens_of(exchange(tyme, client, code))["access_token"]))


@pytest.fixture
def owner(tyme: TestClient, workspace: WorkspaceFixture) -> Any:
    return token_of(tyme, workspace, workspace.owner_email, workspace.owner_password)


def ok(tyme: TestClient, path: str, headers: Any, **params: Any) -> Any:
    response = tyme.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def refused(
    tyme: TestClient, path: str, headers: Any, params: dict[str, str], status: int = 400
) -> str:
    response = tyme.get(path, params=params, headers=headers)
    assert response.status_code == status, response.text
    error: str = response.json()["error"]
    return error


# search_entity


def test_search_finds_objects_by_type_name_and_parent(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture, owner: Any
) -> None:
    catalog = build_catalog(tyme, workspace)
    other = build_catalog(tyme, workspace, "Other ")
    archived = tyme.patch(
        f"/api/projects/{other.project_id}", json={"archived": True}, headers=workspace.headers
    )
    assert archived.status_code == 200, archived.text

    def ids(**params: Any) -> list[str]:
        return [item["id"] for item in ok(tyme, SEARCH, owner, **params)]

    assert ids(type="ProjectCategory") == [
        f"tl-customer-{catalog.customer_id}",
        f"tl-customer-{other.customer_id}",
    ]
    projects = ok(tyme, SEARCH, owner, type="Project", name="tps")
    assert [item["name"] for item in projects] == ["Other TPS reports", "TPS reports"]
    assert projects[0]["completed_date"] is not None
    assert ids(type="Project", parent_id=f"tl-customer-{catalog.customer_id}") == [
        f"tl-project-{catalog.project_id}"
    ]
    assert ids(type="TimedTask", parent_id=f"tl-project-{catalog.project_id}") == [
        f"tl-task-{catalog.task_id}"
    ]
    (subtask,) = ok(
        tyme, SEARCH, owner, type="TimedSubTask", parent_id=f"tl-task-{catalog.task_id}"
    )
    assert subtask["type"] == "TimedSubTask"
    assert subtask["full_name"] == "Initech: TPS reports: Cover sheets: Staples"
    assert ids(type="TimedSubTask", name="STAP") == [
        f"tl-task-{other.subtask_id}",
        f"tl-task-{catalog.subtask_id}",
    ]
    assert ids(type="TimedTask", name="staples") == []


def test_search_follows_the_ids_clients_gave_and_finds_nothing_under_other_parents(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture, owner: Any
) -> None:
    catalog = build_catalog(tyme, workspace)
    with db.transaction(workspace_id=workspace.id) as session:
        TymeIds(session).give("P-1", "project", catalog.project_id)
    (task,) = ok(tyme, SEARCH, owner, type="TimedTask", parent_id="P-1")
    assert (task["id"], task["related_id"], task["project_id"]) == (
        f"tl-task-{catalog.task_id}",
        "P-1",
        "P-1",
    )
    for parent in ("nobody-gave-this", f"tl-customer-{catalog.customer_id}", "tl-task-1"):
        assert ok(tyme, SEARCH, owner, type="TimedTask", parent_id=parent) == []
    assert ok(tyme, SEARCH, owner, type="ProjectCategory", parent_id="P-1") == []


def test_search_needs_a_known_type_and_plain_text(tyme: TestClient, owner: Any) -> None:
    assert refused(tyme, SEARCH, owner, {}) == "missing values"
    assert refused(tyme, SEARCH, owner, {"type": "Customer"}) == "missing values"
    assert refused(tyme, SEARCH, owner, {"type": "TimedTaskRecord"}) == "missing values"
    for bad in ({"name": "a\x00b"}, {"parent_id": "p" * 201}):
        assert refused(tyme, SEARCH, owner, {"type": "Project", **bad}) == "missing values"


def test_another_workspaces_objects_are_not_found(
    tyme: TestClient,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
    owner: Any,
    person: Person,
    activities: dict[str, int],
) -> None:
    foreign = build_catalog(tyme, other_workspace)
    assert ok(tyme, SEARCH, owner, type="Project") == []
    parent = f"tl-customer-{foreign.customer_id}"
    assert ok(tyme, SEARCH, owner, type="Project", parent_id=parent) == []
    theirs = token_of(
        tyme, other_workspace, other_workspace.owner_email, other_workspace.owner_password
    )
    catalog = build_catalog(tyme, workspace)
    book(tyme, workspace, person, catalog, activities, "2026-03-10T09:00:00Z", 60)
    assert ok(tyme, TIMES, theirs, **MARCH)["total"] == 0
    assert ok(tyme, SUMMARY, theirs, **MARCH) == {"summary": []}


# times


def book(
    tyme: TestClient,
    workspace: WorkspaceFixture,
    person: Person,
    catalog: Catalog,
    activities: dict[str, int],
    start: str,
    minutes: int,
    **body: Any,
) -> dict[str, Any]:
    """Work on the task from `start` (UTC, `...Z`) for `minutes`."""
    day, clock = start.rstrip("Z").split("T")
    hours, mins, _ = (int(part) for part in clock.split(":"))
    total = hours * 60 + mins + minutes
    end = f"{day}T{total // 60:02d}:{total % 60:02d}:00Z"
    fields = {"project_id": catalog.project_id, "task_id": catalog.task_id, **body}
    return entry(
        tyme, workspace, person, activity_id=activities["work"], started_at=start, ended_at=end,
        **fields,
    )  # fmt: skip


def test_times_lists_records_earliest_first_in_pages(
    tyme: TestClient,
    workspace: WorkspaceFixture,
    owner: Any,
    person: Person,
    activities: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    catalog = build_catalog(tyme, workspace)
    late = book(tyme, workspace, person, catalog, activities, "2026-03-10T15:00:00Z", 30)
    early = book(tyme, workspace, person, catalog, activities, "2026-03-10T08:00:00Z", 20)
    before = book(tyme, workspace, person, catalog, activities, "2026-03-09T12:00:00Z", 60)
    vacation = entry(
        tyme, workspace, person, date="2026-03-11", minutes=480, activity_id=activities["vacation"]
    )
    april = book(tyme, workspace, person, catalog, activities, "2026-04-01T08:00:00Z", 60)
    order = [f"tl-entry-{item['id']}" for item in (before, early, late, vacation)]

    page = ok(tyme, TIMES, owner, **MARCH)
    assert (page["start"], page["limit"], page["total"]) == (0, 500, 4)
    assert [item["id"] for item in page["data"]] == order
    assert [item["type"] for item in page["data"]] == ["TimedTaskRecord"] * 3 + ["NonWorkingRecord"]
    first = page["data"][1]
    assert (first["time_start"], first["duration"], first["duration_rounded"]) == (
        "2026-03-10 08:00:00",
        1200,
        1800,
    )
    assert first["revenue"] == 60

    monkeypatch.setattr(data, "TIMES_LIMIT", 2)
    second = ok(tyme, TIMES, owner, start=2, **MARCH)
    assert (second["start"], second["limit"], second["total"]) == (2, 2, 4)
    assert [item["id"] for item in second["data"]] == order[2:]
    assert ok(tyme, TIMES, owner, start=4, **MARCH)["data"] == []
    # A time means the workspace's date holding it: 22:00 GMT is April 1st in Copenhagen.
    into_april = ok(tyme, TIMES, owner, start=4, **{**MARCH, "to": "2026-03-31 22:00:00"})
    assert [item["id"] for item in into_april["data"]] == [f"tl-entry-{april['id']}"]


def test_times_filter_by_day_user_and_billing_state(
    tyme: TestClient,
    db: Database,
    hashing: PasswordHashing,
    workspace: WorkspaceFixture,
    owner: Any,
    person: Person,
    activities: dict[str, int],
) -> None:
    catalog = build_catalog(tyme, workspace)
    billed = book(
        tyme, workspace, person, catalog, activities, "2026-03-10T08:00:00Z", 30,
        billing_state="billed",
    )  # fmt: skip
    book(tyme, workspace, person, catalog, activities, "2026-03-12T08:00:00Z", 30)

    def ids(**params: Any) -> list[str]:
        return [item["id"] for item in ok(tyme, TIMES, owner, **params)["data"]]

    assert ids(**MARCH, billing_state=1) == [f"tl-entry-{billed['id']}"]
    assert len(ids(**MARCH, billing_state=0)) == 1
    assert ids(**MARCH, billing_state=2) == []
    assert ids(**{"from": "2026-03-10", "to": "2026-03-10"}) == [f"tl-entry-{billed['id']}"]
    assert len(ids(**MARCH, user_id=str(person.principal.user_id))) == 2
    assert ids(**MARCH, user_id=str(workspace.owner_id)) == []


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"from": "2026-03-01 00:00:00"},
        {"to": "2026-03-01 00:00:00"},
        {**MARCH, "from": "2026-03-01T00:00:00"},
        {**MARCH, "from": "2026-02-30"},
        {**MARCH, "from": "yesterday"},
        {"from": "2026-03-02", "to": "2026-03-01"},
        {**MARCH, "start": "-1"},
        {**MARCH, "start": "many"},
        {**MARCH, "billing_state": "3"},
        {**MARCH, "user_id": "someone"},
    ],
)
def test_times_refuses_missing_or_bad_values(
    tyme: TestClient, owner: Any, params: dict[str, str]
) -> None:
    assert refused(tyme, TIMES, owner, params) == "missing values"


def test_a_running_timer_is_listed_without_an_end(
    tyme: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    owner: Any,
    person: Person,
    activities: dict[str, int],
) -> None:
    started = tyme.post(
        person.timer, json={"activity_id": activities["work"]}, headers=workspace.headers
    )
    assert started.status_code == 201, started.text
    today = started.json()["tracking_entry"]["date"]
    listed = ok(tyme, TIMES, owner, **{"from": today, "to": today})["data"]
    assert [(item["type"], item["time_end"]) for item in listed] == [("TimedTaskRecord", None)]
    assert listed[0]["full_name"] == "Work"


# summary


def test_summary_sums_time_and_revenue_per_task_as_the_times_show_them(
    tyme: TestClient,
    workspace: WorkspaceFixture,
    owner: Any,
    person: Person,
    activities: dict[str, int],
) -> None:
    catalog = build_catalog(tyme, workspace)
    book(tyme, workspace, person, catalog, activities, "2026-03-10T08:00:00Z", 60)
    book(tyme, workspace, person, catalog, activities, "2026-03-11T08:00:00Z", 30)
    book(
        tyme, workspace, person, catalog, activities, "2026-03-12T08:00:00Z", 45,
        task_id=catalog.subtask_id,
    )  # fmt: skip
    book(
        tyme, workspace, person, catalog, activities, "2026-03-13T08:00:00Z", 15,
        task_id=None,
    )  # fmt: skip
    entry(tyme, workspace, person, date="2026-03-16", minutes=480, activity_id=activities["sick"])

    rows = ok(tyme, SUMMARY, owner, **MARCH)["summary"]
    category = {"category_id": f"tl-customer-{catalog.customer_id}", "category_name": "Initech"}
    project = {"project_id": f"tl-project-{catalog.project_id}", "project_name": "TPS reports"}
    task = {"task_id": f"tl-task-{catalog.task_id}", "task_name": "Cover sheets"}
    assert rows == [
        {
            "id": f"tl-project-{catalog.project_id}",
            "type": "Project",
            "name": "TPS reports",
            "full_name": "Initech: TPS reports",
            **category,
            **project,
            "task_name": None,
            "task_id": None,
            "subtask_name": None,
            "subtask_id": None,
            "time": 900,
            "revenue": 30,
        },
        {
            "id": f"tl-task-{catalog.task_id}",
            "type": "TimedTask",
            "name": "Cover sheets",
            "full_name": "Initech: TPS reports: Cover sheets",
            **category,
            **project,
            **task,
            "subtask_name": None,
            "subtask_id": None,
            "time": 5400,
            "revenue": 180,
        },
        {
            "id": f"tl-task-{catalog.subtask_id}",
            "type": "TimedSubTask",
            "name": "Staples",
            "full_name": "Initech: TPS reports: Cover sheets: Staples",
            **category,
            **project,
            **task,
            "subtask_name": "Staples",
            "subtask_id": f"tl-task-{catalog.subtask_id}",
            "time": 2700,
            "revenue": 0,
        },
    ]
    work = [
        item
        for item in ok(tyme, TIMES, owner, **MARCH)["data"]
        if item["type"] == "TimedTaskRecord"
    ]
    assert sum(row["time"] for row in rows) == sum(item["duration"] for item in work) == 9000
    assert sum(row["revenue"] for row in rows) == sum(item["revenue"] for item in work) == 210


def test_summary_refuses_a_range_over_366_days_or_backwards(tyme: TestClient, owner: Any) -> None:
    leap_year = {"from": "2024-01-01", "to": "2024-12-31"}
    assert ok(tyme, SUMMARY, owner, **leap_year) == {"summary": []}
    response = tyme.get(SUMMARY, params={"from": "2024-01-01", "to": "2025-01-01"}, headers=owner)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "date_range_too_large"
    longer = {"from": "2024-01-01 00:00:00", "to": "2025-01-01 00:00:01"}
    assert refused(tyme, SUMMARY, owner, longer) == "date_range_too_large"
    backwards = {"from": "2026-03-02 00:00:00", "to": "2026-03-01 23:59:59"}
    assert refused(tyme, SUMMARY, owner, backwards) == "missing values"
    assert refused(tyme, SUMMARY, owner, {"to": "2026-03-01"}) == "missing values"


# Who may read


@pytest.mark.parametrize(
    ("path", "params"),
    [(SEARCH, {"type": "Project"}), (TIMES, MARCH), (SUMMARY, MARCH)],
)
def test_only_team_admins_may_read(
    tyme: TestClient,
    db: Database,
    hashing: PasswordHashing,
    workspace: WorkspaceFixture,
    path: str,
    params: dict[str, str],
) -> None:
    employee = new_person(db, workspace.id, "employee", password=PASSWORD, hashing=hashing)
    headers = token_of(tyme, workspace, employee.email or "", PASSWORD)
    assert refused(tyme, path, headers, params, 403) == "not_allowed"
    assert refused(tyme, path, {}, params, 401) == "invalid_token"


def test_a_workspace_without_rounding_shows_time_unrounded(
    tyme: TestClient,
    workspace: WorkspaceFixture,
    owner: Any,
    person: Person,
    activities: dict[str, int],
) -> None:
    catalog = build_catalog(tyme, workspace)
    plain = tyme.patch(
        f"/api/projects/{catalog.project_id}",
        json={"rounding_method": "none", "rounding_minutes": 1, "effective_from": "2024-01-01"},
        headers=workspace.headers,
    )
    assert plain.status_code == 200, plain.text
    book(tyme, workspace, person, catalog, activities, "2026-03-10T08:00:00Z", 20)
    (record,) = ok(tyme, TIMES, owner, **MARCH)["data"]
    assert (record["duration"], record["duration_rounded"], record["revenue"]) == (1200, 1200, 40)
    (row,) = ok(tyme, SUMMARY, owner, **MARCH)["summary"]
    assert (row["time"], row["revenue"]) == (1200, 40)
