"""What bulk requests refuse before touching anything: bad input (422 naming the field,
never a 500) and callers without the workspace-wide permissions (403)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.access.support import assert_problem, new_person
from tests.bulk.support import jobs_of_kind
from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database

ENTRY = {"type": "set_billable", "billable": True}
EMPLOYEE = {"type": "archive", "ends_on": "2026-06-30"}


def _locations(response: Any) -> list[str]:
    body = assert_problem(response, 422)
    return [error["location"] for error in body["errors"]]


BAD_ENTRY_REQUESTS = [
        ({"ids": [1], "action": {"type": "paint"}}, "body.action"),
        ({"ids": [1], "filter": {"billable": True}, "action": ENTRY}, "body.filter"),
        ({"action": ENTRY}, "body.ids"),
        ({"ids": list(range(1, 10_002)), "action": ENTRY}, "body.ids"),
        ({"ids": [], "action": ENTRY}, "body.ids"),
        ({"filter": {"colour": "red"}, "action": ENTRY}, "body.filter.colour"),
        ({"filter": {"from": "the day after"}, "action": ENTRY}, "body.filter.from"),
        ({"filter": {"billable": "maybe"}, "action": ENTRY}, "body.filter.billable"),
        ({"filter": {"project_id": "three"}, "action": ENTRY}, "body.filter.project_id"),
        ({"filter": {"approval_status": "pending"}, "action": ENTRY},
         "body.filter.approval_status"),
        ({"ids": [1], "action": {"type": "set_billable"}}, "body.action.set_billable.billable"),
        ({"ids": [1], "action": {"type": "set_billing_state", "billing_state": "owed"}},
         "body.action.set_billing_state.billing_state"),
        ({"ids": [1], "action": {"type": "move"}}, "body.action.move"),
        ({"ids": [1], "action": ENTRY, "dry_run": "perhaps"}, "body.dry_run"),
]  # fmt: skip
BAD_EMPLOYEE_REQUESTS = [

        ({"ids": [1], "action": {"type": "promote"}}, "body.action"),
        ({"ids": [1], "action": {"type": "archive"}}, "body.action.archive.ends_on"),
        ({"ids": [1], "action": {"type": "change_org_unit", "org_unit_id": 1}},
         "body.action.change_org_unit.effective_from"),
        ({"ids": [1],
          "action": {"type": "change_employment_terms", "effective_from": "2026-01-01"}},
         "body.action.change_employment_terms.employment_terms_id"),
        ({"filter": {"org_unit_id": 1}, "ids": [1], "action": EMPLOYEE}, "body.filter"),
        ({"filter": {"team": "a"}, "action": EMPLOYEE}, "body.filter.team"),
        ({"filter": {"as_of": "20260101"}, "action": EMPLOYEE}, "body.filter.as_of"),
        ({"action": EMPLOYEE}, "body.ids"),
]  # fmt: skip


def test_bad_requests_are_422_naming_the_field(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    unnamed = []
    for target, cases in (("entries", BAD_ENTRY_REQUESTS), ("employees", BAD_EMPLOYEE_REQUESTS)):
        for body, location in cases:
            response = client.post(
                f"/api/admin/bulk/{target}", json=body, headers=workspace.headers
            )
            if not any(found.startswith(location) for found in _locations(response)):
                unnamed.append((target, location, response.json()["errors"]))

    assert unnamed == []


def test_a_filter_matching_too_many_is_refused(
    client: TestClient, workspace: WorkspaceFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("timeledger.bulk.service.MAX_OBJECTS", 0)

    response = client.post(
        "/api/admin/bulk/employees", json={"filter": {}, "action": EMPLOYEE},
        headers=workspace.headers,
    )  # fmt: skip

    assert _locations(response) == ["body.filter"]


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_only_workspace_wide_writers_act_in_bulk(
    client: TestClient, db: Database, workspace: WorkspaceFixture, role: str
) -> None:
    caller = new_person(db, workspace.id, role)

    for target, action in (("entries", ENTRY), ("employees", EMPLOYEE)):
        for dry_run in (True, False):
            response = client.post(
                f"/api/admin/bulk/{target}",
                json={"ids": [1], "action": action, "dry_run": dry_run},
                headers=caller.headers,
            )
            assert_problem(response, 403)
        assert_problem(client.get(f"/api/admin/bulk/{target}/1", headers=caller.headers), 403)
    assert jobs_of_kind(db, "bulk.entries") == jobs_of_kind(db, "bulk.employees") == 0


def test_force_lock_and_unlock_need_the_force_permission(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    role = {"name": "bookkeeper", "permissions": ["timesheet:read:*", "timesheet:write:*"]}
    created = client.post("/api/roles", json=role, headers=workspace.headers)
    assert created.status_code == 201, created.text
    bookkeeper = new_person(db, workspace.id, "bookkeeper")

    for body in (
        {"ids": [1], "action": ENTRY, "force": True},
        {"ids": [1], "action": {"type": "lock"}},
        {"ids": [1], "action": {"type": "unlock"}},
    ):
        response = client.post("/api/admin/bulk/entries", json=body, headers=bookkeeper.headers)
        assert "timesheet:force:*" in assert_problem(response, 403)["detail"]
    allowed = client.post(
        "/api/admin/bulk/entries", json={"ids": [1], "action": ENTRY}, headers=bookkeeper.headers
    )
    assert allowed.status_code == 200, allowed.text


def test_a_bulk_job_is_seen_only_by_whoever_started_it(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    started = client.post(
        "/api/admin/bulk/entries",
        json={"ids": [1], "action": ENTRY, "dry_run": False},
        headers=workspace.headers,
    )
    assert started.status_code == 202, started.text
    admin = new_person(db, workspace.id, "admin")

    assert client.get(started.headers["location"], headers=workspace.headers).status_code == 200
    assert_problem(client.get(started.headers["location"], headers=admin.headers), 404)
    job_id = started.json()["id"]
    assert_problem(
        client.get(f"/api/admin/bulk/employees/{job_id}", headers=workspace.headers), 404
    )
