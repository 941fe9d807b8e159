"""Soft-deleted entities: GET /api/admin/deleted lists them, POST .../restore undoes it."""

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from tests.organization.support import create_employee, create_unit
from timeledger.kit.db import Database
from timeledger.models import Change
from timeledger.workspaces.deleted import DELETED_KINDS, ENTITY_NAMES

DELETED = "/api/admin/deleted"
SETTINGS = "/api/settings"


def _post(client: TestClient, headers: dict[str, str], url: str, body: dict[str, Any]) -> int:
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    entity_id: int = response.json()["id"]
    return entity_id


def _delete(client: TestClient, headers: dict[str, str], url: str) -> None:
    response = client.delete(url, headers=headers)
    assert response.status_code == 204, response.text


def _listed(client: TestClient, headers: dict[str, str], query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"{DELETED}?limit=200{query}", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _restore(client: TestClient, headers: dict[str, str], entity: str, entity_id: int) -> Response:
    return client.post(f"{DELETED}/{entity}/{entity_id}/restore", headers=headers)


def test_every_kind_is_listed_newest_first_with_its_last_name(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    made: list[tuple[str, int]] = []
    bodies: dict[str, tuple[str, dict[str, Any]]] = {
        "activity": ("activities", {"name": "Old activity", "type": "work"}),
        "reason": ("reasons", {"name": "Old reason"}),
        "dimension": ("dimensions", {"name": "Old dimension", "allowed_values": ["a"]}),
        "timebank-account": ("timebank-accounts", {"name": "Old account", "unit": "hours"}),
        "holiday-calendar": ("holiday-calendars", {"name": "Old calendar"}),
        "employment-terms": (
            "employment-terms",
            {"name": "Old terms", "norm_minutes": [480] * 5 + [0, 0]},
        ),
        "worktime-policy": ("worktime-policies", {"name": "Old work-time policy"}),
        "settlement-policy": (
            "settlement-policies",
            {"name": "Old settlement policy", "period": "week"},
        ),
    }
    for entity, (path, body) in bodies.items():
        entity_id = _post(client, headers, f"{SETTINGS}/{path}", {**body, "key": f"k-{entity}"})
        _delete(client, headers, f"{SETTINGS}/{path}/{entity_id}")
        made.append((entity, entity_id))
    unit = create_unit(client, headers, "Old unit")
    renamed = client.patch(
        f"/api/org-units/{unit['id']}",
        json={"name": "Renamed unit", "effective_from": "2030-01-01"},
        headers=headers,
    )
    assert renamed.status_code == 200, renamed.text
    _delete(client, headers, f"/api/org-units/{unit['id']}")
    made.append(("org-unit", unit["id"]))
    employee = create_employee(client, headers, "E-OLD", first_name="Grace", last_name="Hopper")
    _delete(client, headers, f"/api/employees/{employee['id']}")
    made.append(("employee", employee["id"]))

    items = _listed(client, headers)
    assert [(item["entity"], item["id"]) for item in items] == list(reversed(made))
    by_entity = {item["entity"]: item for item in items}
    assert by_entity["activity"]["name"] == "Old activity"
    assert by_entity["activity"]["key"] == "k-activity"
    assert by_entity["org-unit"]["name"] == "Renamed unit"
    assert by_entity["employee"]["name"] == "Grace Hopper"
    assert all(item["deleted_at"] for item in items)
    oldest_first = _listed(client, headers, "&direction=asc")
    assert [item["id"] for item in oldest_first] == [item["id"] for item in reversed(items)]
    only_units = _listed(client, headers, "&entity=org-unit")
    assert [item["id"] for item in only_units] == [unit["id"]]
    assert_problem(client.get(f"{DELETED}?entity=nonsense", headers=headers), 422)


def test_pages_follow_the_cursor_without_gaps(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    ids = []
    for number in range(5):
        entity_id = _post(client, headers, f"{SETTINGS}/reasons", {"name": f"R{number}"})
        _delete(client, headers, f"{SETTINGS}/reasons/{entity_id}")
        ids.append(entity_id)
        unit = create_unit(client, headers, f"U{number}")
        _delete(client, headers, f"/api/org-units/{unit['id']}")
    seen: list[tuple[str, int]] = []
    url = f"{DELETED}?limit=3"
    while True:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [(item["entity"], item["id"]) for item in page["items"]]
        if page["next_cursor"] is None:
            break
        url = f"{DELETED}?limit=3&cursor={page['next_cursor']}"
    assert len(seen) == len(set(seen)) == 10
    assert [entity_id for entity, entity_id in seen if entity == "reason"] == ids[::-1]
    assert_problem(client.get(f"{DELETED}?cursor=bm9wZQ", headers=headers), 400)


def test_restore_brings_an_entity_back_and_logs_it(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    entity_id = _post(client, headers, f"{SETTINGS}/reasons", {"name": "Doctor"})
    _delete(client, headers, f"{SETTINGS}/reasons/{entity_id}")
    assert client.get(f"{SETTINGS}/reasons/{entity_id}", headers=headers).status_code == 404

    restored = _restore(client, headers, "reason", entity_id)
    assert restored.status_code == 204, restored.text
    again = client.get(f"{SETTINGS}/reasons/{entity_id}", headers=headers)
    assert again.status_code == 200 and again.json()["name"] == "Doctor"
    assert _listed(client, headers) == []
    with db.transaction(workspace_id=workspace.id) as session:
        ops = session.scalars(
            select(Change.op)
            .where(Change.entity == "reason", Change.entity_id == entity_id)
            .order_by(Change.revision)
        ).all()
    assert ops == ["created", "deleted", "restored"]
    # Restored means live: restoring again names nothing deleted.
    assert_problem(_restore(client, headers, "reason", entity_id), 404)


def test_restore_of_org_units_and_employees(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    unit = create_unit(client, headers, "Sales")
    _delete(client, headers, f"/api/org-units/{unit['id']}")
    assert _restore(client, headers, "org-unit", unit["id"]).status_code == 204
    assert client.get(f"/api/org-units/{unit['id']}", headers=headers).status_code == 200

    person = new_person(db, workspace.id, "employee")
    employees = client.get("/api/employees?limit=200", headers=headers).json()["items"]
    employee = next(row for row in employees if row["user_id"] == person.user_id)
    _delete(client, headers, f"/api/employees/{employee['id']}")
    assert _restore(client, headers, "employee", employee["id"]).status_code == 204
    back = client.get(f"/api/employees/{employee['id']}", headers=headers)
    assert back.status_code == 200, back.text
    # The user link released by the delete is not restored.
    assert back.json()["user_id"] is None
    with db.transaction(workspace_id=workspace.id) as session:
        ops = session.scalars(
            select(Change.entity + ":" + Change.op)
            .where(Change.op == "restored")
            .order_by(Change.revision)
        ).all()
    assert ops == ["org_unit:restored", "employee:restored"]


def test_restore_refused_while_a_reference_is_deleted(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    url = f"{SETTINGS}/activities"
    parent = _post(client, headers, url, {"name": "Parent", "type": "work"})
    child = _post(client, headers, url, {"name": "Child", "type": "work", "parent_id": parent})
    _delete(client, headers, f"{url}/{child}")
    _delete(client, headers, f"{url}/{parent}")
    refused = assert_problem(_restore(client, headers, "activity", child), 409)
    assert f"activity {parent}" in refused["detail"]
    assert _restore(client, headers, "activity", parent).status_code == 204
    assert _restore(client, headers, "activity", child).status_code == 204

    unit = create_unit(client, headers, "Plant")
    sub = create_unit(client, headers, "Line", parent_id=unit["id"])
    employee = create_employee(client, headers, "E-7", org_unit_id=unit["id"])
    _delete(client, headers, f"/api/employees/{employee['id']}")
    _delete(client, headers, f"/api/org-units/{sub['id']}")
    _delete(client, headers, f"/api/org-units/{unit['id']}")
    refused = assert_problem(_restore(client, headers, "employee", employee["id"]), 409)
    assert f"org unit {unit['id']}" in refused["detail"]
    refused = assert_problem(_restore(client, headers, "org-unit", sub["id"]), 409)
    assert f"org unit {unit['id']}" in refused["detail"]
    assert _restore(client, headers, "org-unit", unit["id"]).status_code == 204
    assert _restore(client, headers, "employee", employee["id"]).status_code == 204


def test_unknown_kind_live_or_foreign_entity_is_not_found(
    client: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    live = _post(client, workspace.headers, f"{SETTINGS}/reasons", {"name": "Live"})
    assert_problem(_restore(client, workspace.headers, "reason", live), 404)
    assert_problem(_restore(client, workspace.headers, "nonsense", live), 404)
    assert_problem(_restore(client, workspace.headers, "reason", 999_999), 404)
    _delete(client, workspace.headers, f"{SETTINGS}/reasons/{live}")
    # Another workspace neither sees nor restores it.
    assert _listed(client, other_workspace.headers) == []
    assert_problem(_restore(client, other_workspace.headers, "reason", live), 404)
    assert _restore(client, workspace.headers, "reason", live).status_code == 204


def test_permissions(client: TestClient, db: Database, workspace: WorkspaceFixture) -> None:
    manager = new_person(db, workspace.id, "manager")
    assert_problem(client.get(DELETED, headers=manager.headers), 403)
    assert_problem(_restore(client, manager.headers, "reason", 1), 403)


def test_openapi_lists_the_kinds(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/admin/deleted/{entity}/{entity_id}/restore"]["post"]
    entity = next(p for p in operation["parameters"] if p["name"] == "entity")
    assert entity["schema"]["enum"] == list(ENTITY_NAMES)
    assert operation["x-required-permission"] == "deleted:restore:*"
    assert {kind.name for kind in DELETED_KINDS} >= {
        "activity",
        "reason",
        "dimension",
        "timebank-account",
        "holiday-calendar",
        "employment-terms",
        "org-unit",
        "employee",
        "worktime-policy",
        "allowance-policy",
        "settlement-policy",
    }
