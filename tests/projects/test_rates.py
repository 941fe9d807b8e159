"""The hourly rate order, one test per step: each sets the rates of its step and of every
later step, shows its own wins, removes it and shows the next one win. Plus revenue."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from tests.access.support import Principal, assert_problem, new_person
from tests.conftest import WorkspaceFixture
from tests.projects.support import customer, post, project, task
from timeledger.kit.db import Database
from timeledger.projects.rates import RATE_ORDER, resolve_hourly_rate, revenue_minor

RATE_URL = "/api/projects/hourly-rate"
RATES = {
    "task": 100,
    "project_activity": 200,
    "project_member": 300,
    "project": 400,
    "customer": 500,
    "activity": 600,
    "employee": 700,
}


@dataclass
class Scene:
    """A registration with a rate at every step of the order."""

    client: TestClient
    workspace: WorkspaceFixture
    person: Principal
    employee_id: int
    activity_id: int
    customer_id: int
    project_id: int
    task_id: int
    subtask_id: int

    def patch(self, url: str, **body: Any) -> None:
        response = self.client.patch(url, json=body, headers=self.workspace.headers)
        assert response.status_code == 200, response.text

    def put(self, url: str, **body: Any) -> None:
        response = self.client.put(url, json=body, headers=self.workspace.headers)
        assert response.status_code == 200, response.text

    def remove(self, step: str) -> None:
        project_url = f"/api/projects/{self.project_id}"
        removals: dict[str, Callable[[], None]] = {
            "task": lambda: self.patch(
                f"{project_url}/tasks/{self.task_id}", hourly_rate_minor=None
            ),
            "project_activity": lambda: self.put(f"{project_url}/activity-rates", items=[]),
            "project_member": lambda: self.put(
                f"{project_url}/members", items=[{"user_id": self.person.user_id}]
            ),
            "project": lambda: self.patch(project_url, hourly_rate_minor=None),
            "customer": lambda: self.patch(
                f"/api/customers/{self.customer_id}", hourly_rate_minor=None
            ),
            "activity": lambda: self.patch(
                f"/api/settings/activities/{self.activity_id}", hourly_rate_minor=None
            ),
            "employee": lambda: self.patch(
                f"/api/employees/{self.employee_id}", hourly_rate_minor=None
            ),
        }
        removals[step]()

    def resolve(self, **query: Any) -> dict[str, Any]:
        params = {
            "activity_id": self.activity_id,
            "project_id": self.project_id,
            "task_id": self.task_id,
            "user_id": self.person.user_id,
            **query,
        }
        params = {name: value for name, value in params.items() if value is not None}
        response = self.client.get(RATE_URL, params=params, headers=self.workspace.headers)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


def _scene(client: TestClient, db: Database, workspace: WorkspaceFixture) -> Scene:
    person = new_person(db, workspace.id, "employee")
    employees = client.get("/api/employees?limit=200", headers=workspace.headers).json()["items"]
    employee_id = next(row["id"] for row in employees if row["user_id"] == person.user_id)
    patched = client.patch(
        f"/api/employees/{employee_id}",
        json={"hourly_rate_minor": RATES["employee"]},
        headers=workspace.headers,
    )
    assert patched.status_code == 200, patched.text
    activity = post(
        client,
        workspace,
        "/api/settings/activities",
        name="Development",
        type="work",
        hourly_rate_minor=RATES["activity"],
    )
    client_row = customer(client, workspace, hourly_rate_minor=RATES["customer"])
    made = project(
        client, workspace, customer_id=client_row["id"], hourly_rate_minor=RATES["project"]
    )
    members = client.put(
        f"/api/projects/{made['id']}/members",
        json={"items": [{"user_id": person.user_id, "hourly_rate_minor": RATES["project_member"]}]},
        headers=workspace.headers,
    )
    assert members.status_code == 200, members.text
    rates = client.put(
        f"/api/projects/{made['id']}/activity-rates",
        json={
            "items": [
                {"activity_id": activity["id"], "hourly_rate_minor": RATES["project_activity"]}
            ]
        },
        headers=workspace.headers,
    )
    assert rates.status_code == 200, rates.text
    parent = task(client, workspace, made["id"], hourly_rate_minor=RATES["task"])
    subtask = task(client, workspace, made["id"], name="Sub", parent_task_id=parent["id"])
    return Scene(
        client, workspace, person, employee_id, activity["id"], client_row["id"], made["id"],
        parent["id"], subtask["id"],
    )  # fmt: skip


def test_the_order_is_the_documented_one() -> None:
    assert tuple(RATES) == RATE_ORDER


@pytest.mark.parametrize("step", RATE_ORDER)
def test_each_step_wins_over_the_later_ones(
    client: TestClient, db: Database, workspace: WorkspaceFixture, step: str
) -> None:
    scene = _scene(client, db, workspace)
    index = RATE_ORDER.index(step)
    for earlier in RATE_ORDER[:index]:
        scene.remove(earlier)
    resolved = scene.resolve()
    assert (resolved["source"], resolved["hourly_rate_minor"]) == (step, RATES[step])
    workspace_row = client.get("/api/admin/workspace", headers=workspace.headers).json()
    assert resolved["currency"] == workspace_row["currency"]
    scene.remove(step)
    resolved = scene.resolve()
    if index + 1 < len(RATE_ORDER):
        following = RATE_ORDER[index + 1]
        assert (resolved["source"], resolved["hourly_rate_minor"]) == (
            following,
            RATES[following],
        )
    else:
        assert (resolved["source"], resolved["hourly_rate_minor"]) == (None, None)


def test_a_subtask_without_a_rate_takes_its_parents(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    scene = _scene(client, db, workspace)
    resolved = scene.resolve(task_id=scene.subtask_id, project_id=None)
    assert (resolved["source"], resolved["hourly_rate_minor"]) == ("task", RATES["task"])
    scene.patch(f"/api/projects/{scene.project_id}/tasks/{scene.subtask_id}", hourly_rate_minor=42)
    assert scene.resolve(task_id=scene.subtask_id)["hourly_rate_minor"] == 42


def test_steps_without_their_inputs_are_skipped(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    scene = _scene(client, db, workspace)
    no_task = scene.resolve(task_id=None)
    assert no_task["source"] == "project_activity"
    no_activity = scene.resolve(task_id=None, activity_id=None)
    assert no_activity["source"] == "project_member"
    only_activity = scene.resolve(task_id=None, project_id=None, user_id=None)
    assert only_activity["source"] == "activity"
    only_employee = scene.client.get(
        RATE_URL, params={"employee_id": scene.employee_id}, headers=scene.workspace.headers
    ).json()
    assert (only_employee["source"], only_employee["hourly_rate_minor"]) == ("employee", 700)


def test_versions_in_force_on_the_day_are_used(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    made = project(client, workspace, effective_from="2026-01-01", hourly_rate_minor=1000)
    changed = client.patch(
        f"/api/projects/{made['id']}",
        json={"hourly_rate_minor": 2000, "effective_from": "2026-07-01"},
        headers=workspace.headers,
    )
    assert changed.status_code == 200, changed.text
    for day, rate in (("2026-06-30", 1000), ("2026-07-01", 2000)):
        response = client.get(
            RATE_URL,
            params={"project_id": made["id"], "user_id": person.user_id, "as_of": day},
            headers=workspace.headers,
        )
        assert response.json()["hourly_rate_minor"] == rate, day
        assert response.json()["as_of"] == day
    with db.transaction(workspace_id=workspace.id) as session:
        resolved = resolve_hourly_rate(session, day=date(2026, 6, 30), project_id=made["id"])
        assert (resolved.hourly_rate_minor, resolved.source) == (1000, "project")
        assert (
            resolved.currency
            == client.get("/api/admin/workspace", headers=workspace.headers).json()["currency"]
        )


def test_references_are_checked(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    made = project(client, workspace, effective_from="2026-01-01")
    other = project(client, workspace, name="Other")
    foreign = task(client, workspace, other["id"])
    for params, location in (
        ({"project_id": 999_999}, "query.project_id"),
        ({"project_id": made["id"], "as_of": "2025-12-31"}, "query.project_id"),
        ({"task_id": 999_999}, "query.task_id"),
        ({"task_id": foreign["id"], "project_id": made["id"]}, "query.task_id"),
        ({"activity_id": 999_999}, "query.activity_id"),
        ({"user_id": 999_999}, "query.user_id"),
        ({"employee_id": 999_999}, "query.employee_id"),
    ):
        response = client.get(RATE_URL, params=params, headers=workspace.headers)
        assert assert_problem(response, 422)["errors"][0]["location"] == location, params
    employee = new_person(db, workspace.id, "employee")
    assert_problem(client.get(RATE_URL, headers=employee.headers), 403)


@pytest.mark.parametrize(
    ("minutes", "rate", "expected"),
    [(60, 10000, 10000), (1, 10000, 167), (1, 3, 0), (10, 3, 1), (90, 1, 2), (30, 1, 1),
     (0, 999, 0), (-90, 1, -2), (45, 9950, 7463)],
)  # fmt: skip
def test_revenue_is_rounded_half_up(minutes: int, rate: int, expected: int) -> None:
    assert revenue_minor(minutes, rate) == expected


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**7))
def test_revenue_is_the_nearest_integer(minutes: int, rate: int) -> None:
    revenue = revenue_minor(minutes, rate)
    assert abs(revenue * 60 - minutes * rate) <= 30
    assert revenue * 60 - minutes * rate != -30
