"""Tasks and subtasks of a project: versions, the parent rules, delete, wrong project."""

from fastapi.testclient import TestClient

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from tests.projects.support import items, project, task


def _url(project_id: int, task_id: int | None = None) -> str:
    base = f"/api/projects/{project_id}/tasks"
    return base if task_id is None else f"{base}/{task_id}"


def test_create_read_and_versions(client: TestClient, workspace: WorkspaceFixture) -> None:
    made = project(client, workspace, effective_from="2026-01-01")
    response = client.post(
        _url(made["id"]),
        json={"name": "Design", "hourly_rate_minor": 100, "budget_minutes": 600,
              "effective_from": "2026-01-10", "key": "design"},
        headers=workspace.headers,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    created = response.json()
    url = _url(made["id"], created["id"])
    assert response.headers["Location"] == url
    assert created["project_id"] == made["id"]
    assert created["parent_task_id"] is None
    assert created["billable"] is True
    for day, rate in (("2026-03-01", 300), ("2026-02-01", 200)):
        changed = client.patch(
            url, json={"hourly_rate_minor": rate, "effective_from": day}, headers=workspace.headers
        )
        assert changed.status_code == 200, changed.text
    assert_problem(client.get(f"{url}?as_of=2026-01-09", headers=workspace.headers), 404)
    for day, rate in (("2026-01-10", 100), ("2026-02-15", 200), ("2027-01-01", 300)):
        got = client.get(f"{url}?as_of={day}", headers=workspace.headers)
        assert got.json()["hourly_rate_minor"] == rate, day
    listed = items(client, workspace, f"{_url(made['id'])}?as_of=2026-02-15")
    assert [(row["id"], row["hourly_rate_minor"]) for row in listed] == [(created["id"], 200)]
    versions = items(client, workspace, f"{url}/versions")
    assert [v["hourly_rate_minor"] for v in versions] == [100, 200, 300]
    early = client.patch(url, json={"effective_from": "2026-01-09"}, headers=workspace.headers)
    assert assert_problem(early, 422)["errors"][0]["location"] == "body.effective_from"


def test_a_task_cannot_start_before_its_project(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    made = project(client, workspace, effective_from="2026-02-01")
    response = client.post(
        _url(made["id"]),
        json={"name": "Early", "effective_from": "2026-01-31"},
        headers=workspace.headers,
    )
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["location"] == "body.effective_from"
    assert f"Project {made['id']}" in problem["detail"]


def test_subtasks_and_their_filters(client: TestClient, workspace: WorkspaceFixture) -> None:
    made = project(client, workspace)
    parent = task(client, workspace, made["id"], name="Build")
    child = task(client, workspace, made["id"], name="Backend", parent_task_id=parent["id"])
    grandchild = task(client, workspace, made["id"], name="API", parent_task_id=child["id"])
    archived = task(client, workspace, made["id"], name="Old", archived=True)
    assert child["parent_task_id"] == parent["id"]

    def ids(query: str) -> list[int]:
        return [row["id"] for row in items(client, workspace, f"{_url(made['id'])}?{query}")]

    assert ids(f"parent_task_id={parent['id']}") == [child["id"]]
    assert ids("top_level=true") == [parent["id"], archived["id"]]
    assert ids("top_level=false") == [child["id"], grandchild["id"]]
    assert ids("archived=true") == [archived["id"]]
    assert ids("q=back") == [child["id"]]
    assert ids("sort=name") == [grandchild["id"], child["id"], parent["id"], archived["id"]]


def test_the_parent_must_be_a_task_of_the_same_project(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    made = project(client, workspace)
    other = project(client, workspace, name="Other")
    foreign = task(client, workspace, other["id"])
    for parent_id in (foreign["id"], 999_999):
        response = client.post(
            _url(made["id"]), json={"name": "Sub", "parent_task_id": parent_id},
            headers=workspace.headers,
        )  # fmt: skip
        problem = assert_problem(response, 422)
        assert problem["errors"][0]["location"] == "body.parent_task_id"
        assert f"task {parent_id}" in problem["detail"]
    late = task(client, workspace, made["id"], name="Late", effective_from="2030-01-01")
    response = client.post(
        _url(made["id"]), json={"name": "Sub", "parent_task_id": late["id"]},
        headers=workspace.headers,
    )  # fmt: skip
    assert assert_problem(response, 422)["errors"][0]["location"] == "body.parent_task_id"


def test_moves_refuse_cycles(client: TestClient, workspace: WorkspaceFixture) -> None:
    made = project(client, workspace)
    top = task(client, workspace, made["id"], name="Top")
    middle = task(client, workspace, made["id"], name="Middle", parent_task_id=top["id"])
    bottom = task(client, workspace, made["id"], name="Bottom", parent_task_id=middle["id"])
    for moving, parent in ((top, bottom), (top, middle), (top, top)):
        response = client.patch(
            _url(made["id"], moving["id"]),
            json={"parent_task_id": parent["id"]},
            headers=workspace.headers,
        )
        assert assert_problem(response, 422)["errors"][0]["location"] == "body.parent_task_id"
    moved = client.patch(
        _url(made["id"], bottom["id"]),
        json={"parent_task_id": top["id"]},
        headers=workspace.headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["parent_task_id"] == top["id"]
    assert moved.json()["name"] == "Bottom"
    lifted = client.patch(
        _url(made["id"], bottom["id"]), json={"parent_task_id": None}, headers=workspace.headers
    )
    assert lifted.json()["parent_task_id"] is None


def test_delete_refused_while_subtasks_live(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    made = project(client, workspace)
    parent = task(client, workspace, made["id"], name="Build")
    child = task(client, workspace, made["id"], name="Backend", parent_task_id=parent["id"])
    refused = client.delete(_url(made["id"], parent["id"]), headers=workspace.headers)
    assert assert_problem(refused, 409)["referrers"] == [f"task {child['id']} (Backend)"]
    assert (
        client.delete(_url(made["id"], child["id"]), headers=workspace.headers).status_code == 204
    )
    assert (
        client.delete(_url(made["id"], parent["id"]), headers=workspace.headers).status_code == 204
    )
    assert items(client, workspace, _url(made["id"])) == []


def test_a_task_under_another_project_is_not_found(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    made = project(client, workspace)
    other = project(client, workspace, name="Other")
    design = task(client, workspace, made["id"])
    wrong = _url(other["id"], design["id"])
    for method in ("GET", "PATCH", "DELETE"):
        body: dict[str, object] | None = {} if method == "PATCH" else None
        response = client.request(method, wrong, json=body, headers=workspace.headers)
        assert_problem(response, 404)
    assert_problem(client.get(f"{wrong}/versions", headers=workspace.headers), 404)
    assert_problem(client.post(_url(999_999), json={}, headers=workspace.headers), 404)
    assert items(client, workspace, _url(other["id"])) == []


def test_invalid_values_are_422(client: TestClient, workspace: WorkspaceFixture) -> None:
    made = project(client, workspace)
    for body in (
        {},
        {"name": ""},
        {"name": "T", "hourly_rate_minor": -1},
        {"name": "T", "budget_minutes": 0},
        {"name": "T", "project_id": made["id"]},
    ):
        assert_problem(client.post(_url(made["id"]), json=body, headers=workspace.headers), 422)
