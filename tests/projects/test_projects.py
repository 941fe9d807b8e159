"""Projects: values and their checks, versions, list filters, delete, who sees which."""

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.access.support import Principal, assert_problem, new_person
from tests.conftest import WorkspaceFixture
from tests.projects.support import customer, items, project, task
from timeledger.kit.db import Database

BASE = "/api/projects"


def _put_members(
    client: TestClient, workspace: WorkspaceFixture, project_id: int, *user_ids: int
) -> None:
    response = client.put(
        f"{BASE}/{project_id}/members",
        json={"items": [{"user_id": user_id} for user_id in user_ids]},
        headers=workspace.headers,
    )
    assert response.status_code == 200, response.text


def test_create_with_every_field(client: TestClient, workspace: WorkspaceFixture) -> None:
    client_row = customer(client, workspace, effective_from="2026-01-01")
    body: dict[str, Any] = {
        "name": "Website relaunch",
        "key": "web-2026",
        "note": "Phase 1",
        "customer_id": client_row["id"],
        "requires_manager_approval": True,
        "billable": False,
        "hourly_rate_minor": 9500,
        "budget_kind": "hours",
        "budget_amount": 6000,
        "rounding_method": "up",
        "rounding_minutes": 15,
        "planned_start": "2026-02-01",
        "planned_end": "2026-06-30",
        "archived": False,
        "effective_from": "2026-01-15",
    }
    response = client.post(BASE, json=body, headers=workspace.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["Location"] == f"{BASE}/{created['id']}"
    for name, value in body.items():
        assert created[name] == value, name
    got = client.get(f"{BASE}/{created['id']}?as_of=2026-03-01", headers=workspace.headers)
    assert got.status_code == 200
    assert got.headers["ETag"] == response.headers["ETag"]
    assert got.json() == created


def test_as_of_before_between_and_after_versions(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    made = project(client, workspace, effective_from="2026-01-01", hourly_rate_minor=100)
    url = f"{BASE}/{made['id']}"
    for day, rate in (("2026-03-01", 300), ("2026-02-01", 200)):  # the second is retroactive
        response = client.patch(
            url, json={"hourly_rate_minor": rate, "effective_from": day}, headers=workspace.headers
        )
        assert response.status_code == 200, response.text
    assert_problem(client.get(f"{url}?as_of=2025-12-31", headers=workspace.headers), 404)
    expected = {"2026-01-01": 100, "2026-01-31": 100, "2026-02-01": 200, "2026-02-28": 200,
                "2026-03-01": 300, "2031-01-01": 300}  # fmt: skip
    for day, rate in expected.items():
        got = client.get(f"{url}?as_of={day}", headers=workspace.headers).json()
        assert got["hourly_rate_minor"] == rate, day
        assert got["name"] == "Website"
    assert [
        row["hourly_rate_minor"] for row in items(client, workspace, f"{BASE}?as_of=2026-02-15")
    ] == [200]
    assert items(client, workspace, f"{BASE}?as_of=2025-06-01") == []
    versions = items(client, workspace, f"{url}/versions")
    assert [(v["effective_from"], v["hourly_rate_minor"]) for v in versions] == [
        ("2026-01-01", 100),
        ("2026-02-01", 200),
        ("2026-03-01", 300),
    ]
    early = client.patch(
        url, json={"name": "Earlier", "effective_from": "2025-12-31"}, headers=workspace.headers
    )
    assert assert_problem(early, 422)["errors"][0]["location"] == "body.effective_from"


def test_the_customer_must_be_effective_on_the_versions_date(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    later = customer(client, workspace, effective_from="2026-03-01")
    for body in (
        {"name": "P", "customer_id": later["id"], "effective_from": "2026-02-28"},
        {"name": "P", "customer_id": 999_999},
    ):
        problem = assert_problem(client.post(BASE, json=body, headers=workspace.headers), 422)
        assert problem["errors"][0]["location"] == "body.customer_id"
        assert f"customer {body['customer_id']}" in problem["detail"]
    made = project(client, workspace, customer_id=later["id"], effective_from="2026-03-01")
    assert made["customer_id"] == later["id"]
    deleted = customer(client, workspace, name="Gone")
    assert (
        client.delete(f"/api/customers/{deleted['id']}", headers=workspace.headers).status_code
        == 204
    )
    moved = client.patch(
        f"{BASE}/{made['id']}", json={"customer_id": deleted["id"]}, headers=workspace.headers
    )
    assert assert_problem(moved, 422)["errors"][0]["location"] == "body.customer_id"


def test_budget_needs_an_amount_exactly_when_it_has_a_kind(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for body in (
        {"name": "P", "budget_kind": "hours"},
        {"name": "P", "budget_kind": "money"},
        {"name": "P", "budget_amount": 100},
    ):
        problem = assert_problem(client.post(BASE, json=body, headers=workspace.headers), 422)
        assert problem["errors"][0]["location"] == "body.budget_amount"
    zero = client.post(
        BASE,
        json={"name": "P", "budget_kind": "money", "budget_amount": 0},
        headers=workspace.headers,
    )
    assert_problem(zero, 422)
    made = project(client, workspace, budget_kind="money", budget_amount=500000)
    url = f"{BASE}/{made['id']}"
    dropped = client.patch(url, json={"budget_kind": "none"}, headers=workspace.headers)
    assert dropped.status_code == 200, dropped.text
    assert (dropped.json()["budget_kind"], dropped.json()["budget_amount"]) == ("none", None)
    half = client.patch(url, json={"budget_kind": "hours"}, headers=workspace.headers)
    assert assert_problem(half, 422)["errors"][0]["location"] == "body.budget_amount"


def test_rounding_and_planned_dates_are_checked(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for body in (
        {"name": "P", "rounding_method": "sideways"},
        {"name": "P", "rounding_method": "up", "rounding_minutes": 0},
        {"name": "P", "rounding_method": "up", "rounding_minutes": 61},
        {"name": "P", "budget_kind": "weeks", "budget_amount": 1},
        {"name": "P", "planned_start": "not a date"},
    ):
        assert_problem(client.post(BASE, json=body, headers=workspace.headers), 422)
    backwards = client.post(
        BASE,
        json={"name": "P", "planned_start": "2026-05-01", "planned_end": "2026-04-30"},
        headers=workspace.headers,
    )
    assert assert_problem(backwards, 422)["errors"][0]["location"] == "body.planned_end"
    made = project(client, workspace, planned_start="2026-05-01", planned_end="2026-05-01")
    moved = client.patch(
        f"{BASE}/{made['id']}", json={"planned_end": "2026-04-01"}, headers=workspace.headers
    )
    assert assert_problem(moved, 422)["errors"][0]["location"] == "body.planned_end"


def test_list_filters(client: TestClient, db: Database, workspace: WorkspaceFixture) -> None:
    first = customer(client, workspace, name="First")
    second = customer(client, workspace, name="Second")
    alpha = project(client, workspace, name="Alpha", customer_id=first["id"])
    beta = project(client, workspace, name="Beta", customer_id=second["id"], archived=True)
    gamma = project(client, workspace, name="Gamma")
    person = new_person(db, workspace.id, "employee")
    _put_members(client, workspace, gamma["id"], person.user_id)
    _put_members(client, workspace, alpha["id"], person.user_id, workspace.owner_id)

    def ids(query: str) -> list[int]:
        return [row["id"] for row in items(client, workspace, f"{BASE}?{query}")]

    assert ids("") == [alpha["id"], beta["id"], gamma["id"]]
    assert ids(f"customer_id={first['id']}") == [alpha["id"]]
    assert ids("archived=true") == [beta["id"]]
    assert ids("archived=false") == [alpha["id"], gamma["id"]]
    assert ids("q=amm") == [gamma["id"]]
    assert ids(f"user_id={person.user_id}") == [alpha["id"], gamma["id"]]
    assert ids(f"user_id={workspace.owner_id}") == [alpha["id"]]
    assert ids(f"ids={beta['id']},{gamma['id']}") == [beta["id"], gamma["id"]]
    assert ids("sort=name&direction=desc") == [gamma["id"], beta["id"], alpha["id"]]


def test_delete_refused_while_tasks_live(client: TestClient, workspace: WorkspaceFixture) -> None:
    made = project(client, workspace)
    url = f"{BASE}/{made['id']}"
    design = task(client, workspace, made["id"], name="Design")
    body = assert_problem(client.delete(url, headers=workspace.headers), 409)
    assert body["referrers"] == [f"task {design['id']} (Design)"]
    gone = client.delete(f"{url}/tasks/{design['id']}", headers=workspace.headers)
    assert gone.status_code == 204
    assert client.delete(url, headers=workspace.headers).status_code == 204
    assert_problem(client.get(url, headers=workspace.headers), 404)
    assert items(client, workspace, BASE) == []


def test_employees_see_only_the_projects_they_are_members_of(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    mine = project(client, workspace, name="Mine")
    other = project(client, workspace, name="Other")
    mine_task = task(client, workspace, mine["id"])
    other_task = task(client, workspace, other["id"])
    member = new_person(db, workspace.id, "employee")
    outsider = new_person(db, workspace.id, "employee")
    _put_members(client, workspace, mine["id"], member.user_id)

    def get(who: Principal, url: str) -> Response:
        return client.get(url, headers=who.headers)

    listed = get(member, BASE).json()["items"]
    assert [row["id"] for row in listed] == [mine["id"]]
    assert get(outsider, BASE).json()["items"] == []
    # A filter cannot widen the own scope.
    assert get(outsider, f"{BASE}?user_id={member.user_id}").json()["items"] == []
    for url in (
        f"{BASE}/{mine['id']}",
        f"{BASE}/{mine['id']}/versions",
        f"{BASE}/{mine['id']}/tasks",
        f"{BASE}/{mine['id']}/tasks/{mine_task['id']}",
        f"{BASE}/{mine['id']}/tasks/{mine_task['id']}/versions",
    ):
        assert get(member, url).status_code == 200, url
        assert_problem(get(outsider, url), 404)
    for url in (
        f"{BASE}/{other['id']}",
        f"{BASE}/{other['id']}/tasks/{other_task['id']}",
    ):
        assert_problem(get(member, url), 404)
    # Members, per-activity rates and rate resolution need projects:read:*.
    for url in (f"{BASE}/{mine['id']}/members", f"{BASE}/{mine['id']}/activity-rates"):
        assert_problem(get(member, url), 403)
    assert_problem(client.post(BASE, json={"name": "X"}, headers=member.headers), 403)
    manager = new_person(db, workspace.id, "manager")
    assert [row["id"] for row in get(manager, BASE).json()["items"]] == [mine["id"], other["id"]]


def test_if_match(client: TestClient, workspace: WorkspaceFixture) -> None:
    made = project(client, workspace)
    url = f"{BASE}/{made['id']}"
    etag = client.get(url, headers=workspace.headers).headers["ETag"]
    changed = client.patch(url, json={"name": "A"}, headers={**workspace.headers, "If-Match": etag})
    assert changed.status_code == 200
    stale = client.patch(url, json={"name": "B"}, headers={**workspace.headers, "If-Match": etag})
    assert_problem(stale, 412)
    assert_problem(client.delete(url, headers={**workspace.headers, "If-Match": etag}), 412)
