"""The real pymite client (PyPI) against the real `timeledger serve` process.

Only pymite's base URL is overridden (`MiteAPI._api`); everything else is pymite as
published: its headers (`X-MiteApiKey`, `Content-Type: text/json`), its bodies and its
unwrapping of mite's `{"<resource>": {...}}` objects.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymite import Mite
from pymite.mite import MiteAPI

from tests.access.support import Principal, new_person
from tests.conftest import WorkspaceFixture, make_workspace
from tests.test_serve_e2e import serving
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WORKSPACE_NAME = "Pymite Works"
REALM = "timeledger"
# Fixed dates in two ISO weeks (2024-W10 and 2024-W11), for the filters and groups.
MONDAY = date(2024, 3, 4)
WEDNESDAY = date(2024, 3, 6)
NEXT_MONDAY = date(2024, 3, 11)


@dataclass(frozen=True)
class World:
    """The served workspace: its owner, an admin person who records time, and the catalog
    the admin created through the mite face."""

    base_url: str
    workspace: WorkspaceFixture
    admin: Principal
    admin_name: str
    customers: dict[str, int]
    projects: dict[str, int]
    services: dict[str, int]

    def native(self, path: str, **params: Any) -> Any:
        response = httpx.get(
            f"{self.base_url}/api/{path}", params=params, headers=self.workspace.headers, timeout=10
        )
        assert response.status_code == 200, response.text
        return response.json()


def _mite_create(base_url: str, key: str, collection: str, resource: str, **values: Any) -> int:
    """A catalog object created through the mite face (pymite has no writes for them)."""
    response = httpx.post(
        f"{base_url}/compat/mite/{collection}.json",
        json={resource: values},
        headers={"X-MiteApiKey": key},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()[resource]
    return int(created["id"])


def _employee_of_user(base_url: str, headers: dict[str, str], user_id: int) -> dict[str, Any]:
    """As tests/organization/support.py `employee_of_user`, over HTTP."""
    response = httpx.get(f"{base_url}/api/employees?limit=200", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    matches = [item for item in response.json()["items"] if item["user_id"] == user_id]
    assert len(matches) == 1, matches
    found: dict[str, Any] = matches[0]
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, hashing: PasswordHashing) -> Iterator[World]:
    tmp_path: Path = tmp_path_factory.mktemp("pymite")
    url = f"sqlite:///{tmp_path / 'pymite.db'}"
    # `timeledger serve` migrates the database before it answers.
    with serving(url, tmp_path) as base_url:
        db = Database(url)
        try:
            workspace = make_workspace(db, hashing, WORKSPACE_NAME)
            admin_name = "Ada Admin"
            admin = new_person(db, workspace.id, "admin", name=admin_name)
        finally:
            db.dispose()
        employee = _employee_of_user(base_url, workspace.headers, admin.user_id)
        assert employee["user_id"] == admin.user_id

        def create(collection: str, resource: str, **values: Any) -> int:
            return _mite_create(base_url, admin.key, collection, resource, **values)

        customers = {
            "Initech": create("customers", "customer", name="Initech", note="Reports"),
            "Hooli": create("customers", "customer", name="Hooli"),
        }
        owners = {"Apollo": "Initech", "Gemini": "Initech", "Internal": "Hooli"}
        projects = {
            name: create("projects", "project", name=name, customer_id=customers[customer])
            for name, customer in owners.items()
        }
        services = {
            "Development": create("services", "service", name="Development", billable=True),
            "Meetings": create("services", "service", name="Meetings", billable=False),
        }
        yield World(base_url, workspace, admin, admin_name, customers, projects, services)


@pytest.fixture
def mite(world: World, monkeypatch: pytest.MonkeyPatch) -> Mite:
    """pymite as published, its base URL (and nothing else) pointing at the test server."""

    def api(self: MiteAPI, rest: str) -> str:
        return f"{world.base_url}/compat/mite/{rest}"

    monkeypatch.setattr(MiteAPI, "_api", api)
    return Mite(REALM, world.admin.key)


def _create(mite: Mite, **values: Any) -> dict[str, Any]:
    created: dict[str, Any] = mite.time_entries_adapter.create(**values)
    assert "error" not in created, created
    return created


def test_account_and_myself(mite: Mite, world: World) -> None:
    account = mite.tracker_adapter.account
    assert account["id"] == world.workspace.id
    assert account["name"] == WORKSPACE_NAME
    assert account["title"] == WORKSPACE_NAME
    assert account["currency"]

    myself = mite.projects_adapter.myself
    assert myself["id"] == world.admin.user_id
    assert myself["email"] == world.admin.email
    assert myself["name"] == world.admin_name
    assert myself["role"] == "admin"
    assert myself["archived"] is False


def test_customers_projects_and_services(mite: Mite, world: World) -> None:
    customers = mite.customers_adapter.all()
    assert {item["name"]: item["id"] for item in customers} == world.customers
    initech = next(item for item in customers if item["name"] == "Initech")
    assert initech["note"] == "Reports"
    assert initech["archived"] is False

    projects = mite.projects_adapter.all()
    assert {item["name"]: item["id"] for item in projects} == world.projects
    by_project = {item["name"]: item for item in projects}
    assert by_project["Apollo"]["customer_id"] == world.customers["Initech"]
    assert by_project["Apollo"]["customer_name"] == "Initech"
    assert by_project["Internal"]["customer_name"] == "Hooli"

    services = mite.services_adapter.all()
    named = {item["name"]: item for item in services}
    # The workspace's built-in activities are services too; ours are among them.
    for name, service_id in world.services.items():
        assert named[name]["id"] == service_id
    assert named["Development"]["billable"] is True
    assert named["Meetings"]["billable"] is False

    found = mite.projects_adapter.by_name("Apollo")
    assert [item["id"] for item in found] == [world.projects["Apollo"]]
    assert found[0]["name"] == "Apollo"
    assert mite.projects_adapter.by_name("No such project") == []

    single = mite.projects_adapter.by_id(world.projects["Gemini"])
    assert single["name"] == "Gemini"


def test_entry_created_through_pymite_is_the_native_entry(mite: Mite, world: World) -> None:
    created = _create(
        mite,
        date_at=MONDAY.isoformat(),
        minutes=95,
        note="Created by pymite",
        project_id=world.projects["Internal"],
        service_id=world.services["Development"],
    )
    assert created["date_at"] == MONDAY.isoformat()
    assert created["minutes"] == 95
    assert created["note"] == "Created by pymite"
    assert created["user_id"] == world.admin.user_id
    assert created["user_name"] == world.admin_name
    assert created["project_id"] == world.projects["Internal"]
    assert created["project_name"] == "Internal"
    assert created["customer_id"] == world.customers["Hooli"]
    assert created["customer_name"] == "Hooli"
    assert created["service_id"] == world.services["Development"]
    assert created["service_name"] == "Development"

    again = mite.time_entries_adapter.by_id(created["id"])
    assert again == created

    native = world.native("timesheet/entries", user_id=world.admin.user_id, limit=200)
    [entry] = [item for item in native["items"] if item["id"] == created["id"]]
    assert entry["date"] == MONDAY.isoformat()
    assert entry["minutes"] == 95
    assert entry["note"] == "Created by pymite"
    assert entry["project_id"] == world.projects["Internal"]
    assert entry["activity_id"] == world.services["Development"]
    assert entry["customer_id"] == world.customers["Hooli"]
    assert entry["user_id"] == world.admin.user_id


def test_query_filters_and_group_by(mite: Mite, world: World) -> None:
    apollo, gemini = world.projects["Apollo"], world.projects["Gemini"]
    development, meetings = world.services["Development"], world.services["Meetings"]
    made = [
        _create(
            mite,
            date_at=day.isoformat(),
            minutes=minutes,
            note=note,
            project_id=project,
            service_id=service,
        )
        for day, minutes, note, project, service in (
            (MONDAY, 90, "Kickoff", apollo, development),
            (MONDAY, 25, "Standup", gemini, meetings),
            (WEDNESDAY, 60, "Design", apollo, development),
            (NEXT_MONDAY, 45, "Review", gemini, development),
        )
    ]
    kickoff, standup, design, review = made

    on_monday = mite.time_entries_adapter.query(project_id=apollo, at=MONDAY.isoformat())
    assert [item["id"] for item in on_monday] == [kickoff["id"]]
    assert on_monday[0]["minutes"] == 90
    assert on_monday[0]["note"] == "Kickoff"

    of_apollo = mite.time_entries_adapter.query(project_id=apollo)
    assert sorted(item["id"] for item in of_apollo) == sorted([kickoff["id"], design["id"]])

    of_meetings = mite.time_entries_adapter.query(service_id=meetings)
    assert [item["id"] for item in of_meetings] == [standup["id"]]

    in_range = mite.time_entries_adapter.query(
        customer_id=world.customers["Initech"],
        **{"from": WEDNESDAY.isoformat(), "to": NEXT_MONDAY.isoformat()},
    )
    assert sorted(item["id"] for item in in_range) == sorted([design["id"], review["id"]])

    initech = world.customers["Initech"]
    by_project = mite.time_entries_adapter.query(customer_id=initech, group_by="project")
    sums = {item["project_id"]: item["minutes"] for item in by_project}
    assert sums == {apollo: 90 + 60, gemini: 25 + 45}
    assert sum(sums.values()) == sum(item["minutes"] for item in made)
    names = {item["project_id"]: item["project_name"] for item in by_project}
    assert names == {apollo: "Apollo", gemini: "Gemini"}

    by_week = mite.time_entries_adapter.query(customer_id=initech, group_by="user,week")
    weeks = [
        (item["user_id"], item["user_name"], item["year"], item["week"], item["minutes"])
        for item in by_week
    ]
    admin, name = world.admin.user_id, world.admin_name
    assert sorted(weeks) == [
        (admin, name, 2024, 10, 90 + 25 + 60),
        (admin, name, 2024, 11, 45),
    ]


def test_daily_lists_today_and_a_given_day(mite: Mite, world: World) -> None:
    # Without date_at the entry is booked today (the workspace's today).
    today_entry = _create(
        mite,
        minutes=15,
        note="Booked today",
        project_id=world.projects["Internal"],
        service_id=world.services["Meetings"],
    )
    today = date.fromisoformat(today_entry["date_at"])
    past = _create(
        mite,
        date_at=WEDNESDAY.isoformat(),
        minutes=20,
        note="Booked on Wednesday",
        project_id=world.projects["Internal"],
        service_id=world.services["Meetings"],
    )

    listed_today = mite.daily_adapter.today()
    assert today_entry["id"] in [item["id"] for item in listed_today]
    assert past["id"] not in [item["id"] for item in listed_today]
    assert {item["date_at"] for item in listed_today} == {today.isoformat()}
    assert {item["user_id"] for item in listed_today} == {world.admin.user_id}

    on_wednesday = mite.daily_adapter.at(WEDNESDAY.year, WEDNESDAY.month, WEDNESDAY.day)
    assert past["id"] in [item["id"] for item in on_wednesday]
    assert today_entry["id"] not in [item["id"] for item in on_wednesday]
    assert {item["date_at"] for item in on_wednesday} == {WEDNESDAY.isoformat()}
    mine = next(item for item in on_wednesday if item["id"] == past["id"])
    assert mine["minutes"] == 20
    assert mine["note"] == "Booked on Wednesday"


def test_tracker_starts_shows_and_stops(mite: Mite, world: World) -> None:
    entry = _create(
        mite,
        minutes=30,
        note="Tracked",
        project_id=world.projects["Internal"],
        service_id=world.services["Development"],
    )
    tracker = mite.tracker_adapter

    started = tracker.start(entry["id"])
    assert started["tracking_time_entry"]["id"] == entry["id"]
    assert started["tracking_time_entry"]["minutes"] == 30
    assert started["tracking_time_entry"]["since"]

    shown = tracker.show()
    assert shown["tracking_time_entry"]["id"] == entry["id"]
    assert shown["tracking_time_entry"]["minutes"] >= 30
    assert mite.time_entries_adapter.by_id(entry["id"])["tracking"]["minutes"] >= 30

    stopped = tracker.stop(entry["id"])
    assert stopped["stopped_time_entry"]["id"] == entry["id"]
    # The test takes seconds, not a minute: the timer added no whole minute.
    assert stopped["stopped_time_entry"]["minutes"] in (30, 31)

    assert tracker.show() == {}
    after = mite.time_entries_adapter.by_id(entry["id"])
    assert after["minutes"] == stopped["stopped_time_entry"]["minutes"]
    assert "tracking" not in after

    not_running = tracker.stop(entry["id"])
    assert "error" in not_running, not_running


def test_delete_removes_the_entry(mite: Mite, world: World) -> None:
    entry = _create(
        mite,
        date_at=NEXT_MONDAY.isoformat(),
        minutes=10,
        note="To be deleted",
        project_id=world.projects["Internal"],
        service_id=world.services["Meetings"],
    )

    assert mite.time_entries_adapter.delete(entry["id"]) == {"success": 200}

    gone = mite.time_entries_adapter.by_id(entry["id"])
    assert list(gone) == ["error"], gone
    assert gone["error"]
    native = world.native("timesheet/entries", user_id=world.admin.user_id, limit=200)
    assert entry["id"] not in [item["id"] for item in native["items"]]
    again = mite.time_entries_adapter.delete(entry["id"])
    assert list(again) == ["error"], again
