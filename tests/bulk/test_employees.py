"""Bulk actions on employees, on both engines: a new org unit or new employment terms from
a date (a version, as PATCH with `effective_from` adds it), and archiving (the employment
ongoing on a date ends that day); each dry run changes nothing and says what its job then
does, and each change is in the change log."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.bulk.support import apply_and_run, bulk, changes_of, without_mode
from tests.conftest import WorkspaceFixture
from tests.organization.support import create_employee, create_unit
from timeledger.config import Settings
from timeledger.kit.db import Database

FROM = "2026-04-01"


def _employee(client: TestClient, workspace: WorkspaceFixture, id_: int, day: str
              ) -> dict[str, Any]:  # fmt: skip
    response = client.get(f"/api/employees/{id_}?as_of={day}", headers=workspace.headers)
    assert response.status_code == 200, response.text
    shown: dict[str, Any] = response.json()
    return shown


def _employments(client: TestClient, workspace: WorkspaceFixture, id_: int
                 ) -> list[dict[str, Any]]:  # fmt: skip
    response = client.get(f"/api/employees/{id_}/employments", headers=workspace.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _terms(client: TestClient, workspace: WorkspaceFixture) -> int:
    body = {"name": "Part time", "norm_minutes": [240] * 5 + [0, 0], "effective_from": "2024-01-01"}
    response = client.post("/api/settings/employment-terms", json=body, headers=workspace.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.mark.parametrize(
    ("field", "action_type"),
    [("org_unit_id", "change_org_unit"), ("employment_terms_id", "change_employment_terms")],
)
def test_a_version_from_a_date_as_planned(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    field: str,
    action_type: str,
) -> None:
    sales, support = (
        create_unit(client, workspace.headers, "Sales"),
        create_unit(client, workspace.headers, "Support"),
    )
    new_value = support["id"] if field == "org_unit_id" else _terms(client, workspace)
    ids = [
        create_employee(client, workspace.headers, f"E{i}", org_unit_id=sales["id"])["id"]
        for i in range(3)
    ]
    logged_before = changes_of(db, "employee")
    action = {"type": action_type, field: new_value, "effective_from": FROM}

    planned = bulk(client, "employees", workspace.headers, ids=ids, action=action)

    assert (planned["changed_ids"], planned["refused"]) == (ids, [])
    assert changes_of(db, "employee") == logged_before
    assert all(_employee(client, workspace, i, FROM)[field] != new_value for i in ids)

    job = apply_and_run(
        client, db, settings, "employees", workspace.headers, ids=ids, action=action
    )

    assert without_mode(job["outcome"]) == without_mode(planned)
    for employee_id in ids:
        assert _employee(client, workspace, employee_id, FROM)[field] == new_value
        assert _employee(client, workspace, employee_id, "2026-03-31")[field] != new_value
    logged = changes_of(db, "employee")[len(logged_before) :]
    assert logged == [(employee_id, "updated") for employee_id in ids]


def test_a_unit_not_effective_on_the_date_is_refused_per_employee(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    later = create_unit(client, workspace.headers, "Later", effective_from="2027-01-01")
    ids = [create_employee(client, workspace.headers, "E1")["id"]]

    planned = bulk(
        client, "employees", workspace.headers, ids=[*ids, 999_999],
        action={"type": "change_org_unit", "org_unit_id": later["id"], "effective_from": FROM},
    )  # fmt: skip

    assert planned["changed_ids"] == []
    assert [(r["id"], r["status"]) for r in planned["refused"]] == [(ids[0], 422), (999_999, 404)]


def test_archiving_ends_the_ongoing_employment_and_refuses_who_has_none(
    client: TestClient, db: Database, settings: Settings, workspace: WorkspaceFixture
) -> None:
    employed, never_employed, hired_later = (
        create_employee(client, workspace.headers, f"E{i}")["id"] for i in range(3)
    )
    for employee_id, starts_on in ((employed, "2025-01-01"), (hired_later, "2026-08-01")):
        response = client.post(
            f"/api/employees/{employee_id}/employments",
            json={"starts_on": starts_on}, headers=workspace.headers,
        )  # fmt: skip
        assert response.status_code == 201, response.text
    ids = [employed, never_employed, hired_later]
    action = {"type": "archive", "ends_on": "2026-06-30"}

    planned = bulk(client, "employees", workspace.headers, ids=ids, action=action)

    assert planned["changed_ids"] == [employed]
    assert [(r["id"], r["status"]) for r in planned["refused"]] == [
        (never_employed, 409),
        (hired_later, 409),
    ]
    assert _employments(client, workspace, employed)[0]["ends_on"] is None

    job = apply_and_run(
        client, db, settings, "employees", workspace.headers, ids=ids, action=action
    )

    assert without_mode(job["outcome"]) == without_mode(planned)
    assert _employments(client, workspace, employed)[0]["ends_on"] == "2026-06-30"
    assert _employments(client, workspace, hired_later)[0]["ends_on"] is None
    assert changes_of(db, "employment")[-1][1] == "updated"


def test_a_filter_selects_as_the_employee_list_does(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    sales = create_unit(client, workspace.headers, "Sales")
    in_sales = [
        create_employee(client, workspace.headers, f"S{i}", org_unit_id=sales["id"])["id"]
        for i in range(2)
    ]
    create_employee(client, workspace.headers, "X1")
    chosen = {"org_unit_id": sales["id"]}
    listed = client.get("/api/employees", params=chosen, headers=workspace.headers).json()

    planned = bulk(
        client, "employees", workspace.headers, filter=chosen,
        action={"type": "change_org_unit", "org_unit_id": None, "effective_from": FROM},
    )  # fmt: skip

    assert planned["changed_ids"] == [item["id"] for item in listed["items"]] == in_sales
