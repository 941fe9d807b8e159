"""Entries: creation with derived values, every validator's problem, locks, settled
entries, object-level access."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.access.support import assert_problem, new_service_user, person_caller
from tests.conftest import WorkspaceFixture, statements_sent
from tests.organization.support import create_unit
from tests.timesheet.support import Person, create, person_in
from timeledger.entries.service import entry_views
from timeledger.kit.db import Database
from timeledger.models import Employee, TimeEntry

DAY = "2026-03-10"


def _post(
    client: TestClient, path: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _project(client: TestClient, workspace: WorkspaceFixture, **fields: Any) -> dict[str, Any]:
    body = {"name": "Website", "effective_from": "2024-01-01", **fields}
    result: dict[str, Any] = _post(client, "/api/projects", body, workspace.headers)
    return result


def test_an_entry_with_date_and_minutes_is_stored_as_sent(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    response = client.post(
        person.entries,
        json={"date": DAY, "minutes": 95, "activity_id": activities["work"], "note": "Spec"},
        headers=person.headers,
    )

    assert response.status_code == 201, response.text
    entry = response.json()
    assert response.headers["location"] == f"{person.entries}/{entry['id']}"
    assert entry["date"] == DAY
    assert entry["minutes"] == 95
    assert entry["note"] == "Spec"
    assert entry["employee_id"] == person.employee_id
    assert entry["user_id"] == person.principal.user_id
    assert entry["approval_status"] == "not_approved_yet"
    assert entry["billing_state"] == "unbilled"
    assert entry["locked"] is False
    assert entry["tracking"] is None
    again = client.get(f"{person.entries}/{entry['id']}", headers=person.headers)
    assert again.json() == entry
    assert again.headers["etag"] == response.headers["etag"]


def test_a_span_derives_date_and_minutes_and_subtracts_breaks(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    entry = create(
        client,
        person,
        {
            "started_at": "2026-03-10T23:30:00+01:00",
            "ended_at": "2026-03-11T03:00:00+01:00",
            "breaks": [
                {"started_at": "2026-03-11T01:00:00+01:00", "ended_at": "2026-03-11T01:20:00+01:00"}
            ],
            "activity_id": activities["work"],
        },
    )

    # The workspace time zone is Europe/Berlin (UTC+1 in March): local date of the start.
    assert entry["date"] == "2026-03-10"
    assert entry["break_minutes"] == 20
    assert entry["minutes"] == 210 - 20
    assert entry["started_at"] == "2026-03-10T22:30:00Z"
    assert entry["breaks"] == [
        {"started_at": "2026-03-11T00:00:00Z", "ended_at": "2026-03-11T00:20:00Z"}
    ]


def test_sending_minutes_turns_a_span_entry_into_a_duration_entry(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    entry = create(
        client,
        person,
        {
            "started_at": "2026-03-10T08:00:00+00:00",
            "ended_at": "2026-03-10T09:00:00+00:00",
            "activity_id": activities["work"],
        },
    )

    response = client.patch(
        f"{person.entries}/{entry['id']}", json={"minutes": 30}, headers=person.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["minutes"] == 30
    assert response.json()["started_at"] is None
    assert response.json()["date"] == "2026-03-10"


@pytest.mark.parametrize(
    ("body", "location"),
    [
        (
            {"started_at": "2026-03-10T10:00:00+00:00", "ended_at": "2026-03-10T09:00:00+00:00"},
            "body.ended_at",
        ),
        ({"started_at": "2026-03-10T10:00:00+00:00"}, "body.ended_at"),
        (
            {"started_at": "2026-03-10T00:00:00+00:00", "ended_at": "2026-03-11T00:01:00+00:00"},
            "body.ended_at",
        ),
        (
            {
                "started_at": "2026-03-10T08:00:00+00:00",
                "ended_at": "2026-03-10T09:00:00+00:00",
                "breaks": [
                    {"started_at": "2026-03-10T08:50:00+00:00", "ended_at": "2026-03-10T09:10:00Z"}
                ],
            },
            "body.breaks.0",
        ),
        (
            {
                "started_at": "2026-03-10T08:00:00+00:00",
                "ended_at": "2026-03-10T09:00:00+00:00",
                "breaks": [
                    {"started_at": "2026-03-10T08:10:00Z", "ended_at": "2026-03-10T08:30:00Z"},
                    {"started_at": "2026-03-10T08:20:00Z", "ended_at": "2026-03-10T08:40:00Z"},
                ],
            },
            "body.breaks.1",
        ),
        (
            {
                "started_at": "2026-03-10T08:00:00+00:00",
                "ended_at": "2026-03-10T09:00:00+00:00",
                "breaks": [
                    {"started_at": "2026-03-10T08:30:00Z", "ended_at": "2026-03-10T08:40:00Z"},
                    {"started_at": "2026-03-10T07:50:00Z", "ended_at": "2026-03-10T08:10:00Z"},
                ],
            },
            "body.breaks.1",
        ),
        (
            {
                "date": DAY,
                "breaks": [
                    {"started_at": "2026-03-10T08:10:00Z", "ended_at": "2026-03-10T08:30:00Z"}
                ],
            },
            "body.breaks",
        ),
        ({"minutes": 30}, "body.date"),
        (
            {
                "date": "2026-03-11",
                "started_at": "2026-03-10T08:00:00+00:00",
                "ended_at": "2026-03-10T09:00:00+00:00",
            },
            "body.date",
        ),
    ],
    ids=[
        "end-before-start",
        "start-without-end",
        "over-24-hours",
        "break-outside",
        "breaks-overlap",
        "break-outside-sent-second",
        "breaks-without-span",
        "no-date",
        "date-differs-from-start",
    ],
)
def test_time_rules_refuse_with_422_naming_the_field(
    client: TestClient,
    person: Person,
    activities: dict[str, int],
    body: dict[str, Any],
    location: str,
) -> None:
    response = client.post(
        person.entries, json={"activity_id": activities["work"], **body}, headers=person.headers
    )

    problem = assert_problem(response, 422)
    assert location in [error["location"] for error in problem["errors"]], problem


@pytest.mark.parametrize("minutes", [-1, 1441])
def test_minutes_outside_a_day_are_refused(
    client: TestClient, person: Person, activities: dict[str, int], minutes: int
) -> None:
    response = client.post(
        person.entries,
        json={"date": DAY, "minutes": minutes, "activity_id": activities["work"]},
        headers=person.headers,
    )

    assert_problem(response, 422)


def test_a_date_outside_every_employment_is_refused(
    client: TestClient, person: Person, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    employment = client.post(
        f"/api/employees/{person.employee_id}/employments",
        json={"starts_on": "2026-01-01", "ends_on": "2026-02-28", "percentage": 100},
        headers=workspace.headers,
    )
    assert employment.status_code == 201, employment.text

    inside = client.post(
        person.entries,
        json={"date": "2026-02-28", "minutes": 60, "activity_id": activities["work"]},
        headers=person.headers,
    )
    outside = client.post(
        person.entries,
        json={"date": "2026-03-01", "minutes": 60, "activity_id": activities["work"]},
        headers=person.headers,
    )

    assert inside.status_code == 201, inside.text
    problem = assert_problem(outside, 422)
    assert problem["errors"][0]["location"] == "body.date"


def test_references_must_be_effective_on_the_entry_date(
    client: TestClient, person: Person, workspace: WorkspaceFixture
) -> None:
    activity = _post(
        client,
        "/api/settings/activities",
        {"name": "Later", "type": "work", "effective_from": "2026-04-01"},
        workspace.headers,
    )
    project = _project(client, workspace, effective_from="2026-04-01")

    too_early = client.post(
        person.entries,
        json={"date": DAY, "minutes": 10, "activity_id": activity["id"]},
        headers=person.headers,
    )
    project_too_early = client.post(
        person.entries,
        json={
            "date": DAY,
            "minutes": 10,
            "activity_id": activity["id"],
            "project_id": project["id"],
        },
        headers=person.headers,
    )
    in_time = client.post(
        person.entries,
        json={"date": "2026-04-01", "minutes": 10, "activity_id": activity["id"]},
        headers=person.headers,
    )

    assert assert_problem(too_early, 422)["errors"][0]["location"] == "body.activity_id"
    assert assert_problem(project_too_early, 422)["errors"][0]["location"] == "body.activity_id"
    assert in_time.status_code == 201, in_time.text


def test_archived_activities_and_unknown_projects_are_refused(
    client: TestClient, person: Person, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    archived = _post(
        client,
        "/api/settings/activities",
        {"name": "Old", "type": "work", "archived": True, "effective_from": "2024-01-01"},
        workspace.headers,
    )

    on_archived = client.post(
        person.entries,
        json={"date": DAY, "minutes": 10, "activity_id": archived["id"]},
        headers=person.headers,
    )
    unknown_project = client.post(
        person.entries,
        json={"date": DAY, "minutes": 10, "activity_id": activities["work"], "project_id": 999999},
        headers=person.headers,
    )

    assert "archived" in assert_problem(on_archived, 422)["detail"]
    assert assert_problem(unknown_project, 422)["errors"][0]["location"] == "body.project_id"


def test_an_activity_requiring_a_project_refuses_entries_without_one(
    client: TestClient, person: Person, workspace: WorkspaceFixture
) -> None:
    activity = _post(
        client,
        "/api/settings/activities",
        {
            "name": "Client work",
            "type": "work",
            "requires_project": True,
            "effective_from": "2024-01-01",
        },
        workspace.headers,
    )
    project = _project(client, workspace)

    without = client.post(
        person.entries,
        json={"date": DAY, "minutes": 10, "activity_id": activity["id"]},
        headers=person.headers,
    )
    with_project = client.post(
        person.entries,
        json={
            "date": DAY,
            "minutes": 10,
            "activity_id": activity["id"],
            "project_id": project["id"],
        },
        headers=person.headers,
    )

    assert assert_problem(without, 422)["errors"][0]["location"] == "body.project_id"
    assert with_project.status_code == 201, with_project.text


def test_a_task_must_belong_to_the_entry_project(
    client: TestClient, person: Person, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    first = _project(client, workspace, name="First")
    second = _project(client, workspace, name="Second")
    task = _post(
        client,
        f"/api/projects/{first['id']}/tasks",
        {"name": "Design", "effective_from": "2024-01-01"},
        workspace.headers,
    )
    body = {"date": DAY, "minutes": 10, "activity_id": activities["work"], "task_id": task["id"]}

    wrong = client.post(
        person.entries, json={**body, "project_id": second["id"]}, headers=person.headers
    )
    no_project = client.post(person.entries, json=body, headers=person.headers)
    right = client.post(
        person.entries, json={**body, "project_id": first["id"]}, headers=person.headers
    )

    assert assert_problem(wrong, 422)["errors"][0]["location"] == "body.task_id"
    assert assert_problem(no_project, 422)["errors"][0]["location"] == "body.task_id"
    assert right.status_code == 201, right.text
    assert right.json()["task_id"] == task["id"]


def test_dimension_values_are_validated_against_the_activity_and_allowed_values(
    client: TestClient, person: Person, workspace: WorkspaceFixture
) -> None:
    vehicle = _post(
        client,
        "/api/settings/dimensions",
        {"name": "Vehicle", "allowed_values": ["van", "truck"], "effective_from": "2024-01-01"},
        workspace.headers,
    )
    driving = _post(
        client,
        "/api/settings/activities",
        {
            "name": "Driving",
            "type": "work",
            "required_dimension_ids": [vehicle["id"]],
            "effective_from": "2024-01-01",
        },
        workspace.headers,
    )
    body = {"date": DAY, "minutes": 10, "activity_id": driving["id"]}
    key = str(vehicle["id"])

    missing = client.post(person.entries, json=body, headers=person.headers)
    not_allowed = client.post(
        person.entries, json={**body, "dimension_values": {key: "bike"}}, headers=person.headers
    )
    unknown = client.post(
        person.entries,
        json={**body, "dimension_values": {key: "van", "999999": "x"}},
        headers=person.headers,
    )
    not_an_id = client.post(
        person.entries, json={**body, "dimension_values": {"colour": "x"}}, headers=person.headers
    )
    allowed = client.post(
        person.entries, json={**body, "dimension_values": {key: "van"}}, headers=person.headers
    )

    assert assert_problem(missing, 422)["errors"][0]["location"] == "body.dimension_values"
    assert "bike" in assert_problem(not_allowed, 422)["detail"]
    assert assert_problem(unknown, 422)["errors"][0]["location"] == "body.dimension_values"
    assert_problem(not_an_id, 422)
    assert allowed.status_code == 201, allowed.text
    assert allowed.json()["dimension_values"] == {key: "van"}


def test_rate_revenue_customer_and_billable_follow_the_project(
    client: TestClient, person: Person, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    customer = _post(
        client,
        "/api/customers",
        {"name": "ACME", "hourly_rate_minor": 9000, "effective_from": "2024-01-01"},
        workspace.headers,
    )
    project = _project(client, workspace, customer_id=customer["id"], hourly_rate_minor=12000)
    internal = _project(client, workspace, name="Internal", billable=False)

    billable = create(
        client,
        person,
        {
            "date": DAY,
            "minutes": 90,
            "activity_id": activities["work"],
            "project_id": project["id"],
        },
    )
    not_billable = create(
        client,
        person,
        {
            "date": DAY,
            "minutes": 90,
            "activity_id": activities["work"],
            "project_id": internal["id"],
        },
    )

    assert billable["customer_id"] == customer["id"]
    assert billable["billable"] is True
    assert billable["hourly_rate_minor"] == 12000
    assert billable["rate_source"] == "project"
    assert billable["revenue_minor"] == 18000
    assert billable["currency"] == "EUR"
    assert not_billable["billable"] is False
    assert not_billable["revenue_minor"] is None


@pytest.mark.parametrize(
    ("method", "minutes", "expected"),
    [("up", 61, 75), ("down", 74, 60), ("nearest", 67, 60), ("nearest", 68, 75)],
)
def test_minutes_are_rounded_by_the_project_rule(
    client: TestClient,
    person: Person,
    workspace: WorkspaceFixture,
    activities: dict[str, int],
    method: str,
    minutes: int,
    expected: int,
) -> None:
    project = _project(client, workspace, rounding_method=method, rounding_minutes=15)

    entry = create(
        client,
        person,
        {
            "date": DAY,
            "minutes": minutes,
            "activity_id": activities["work"],
            "project_id": project["id"],
        },
    )

    assert entry["minutes"] == expected


def _locked_entry(
    client: TestClient, person: Person, workspace: WorkspaceFixture, activities: dict[str, int]
) -> dict[str, Any]:
    entry = create(client, person, {"date": DAY, "minutes": 30, "activity_id": activities["work"]})
    locked = client.patch(
        f"{person.entries}/{entry['id']}", json={"locked": True}, headers=workspace.headers
    )
    assert locked.status_code == 200, locked.text
    assert locked.json()["locked"] is True
    result: dict[str, Any] = locked.json()
    return result


def test_a_locked_entry_refuses_change_and_delete_with_423(
    client: TestClient, person: Person, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    entry = _locked_entry(client, person, workspace, activities)
    url = f"{person.entries}/{entry['id']}"

    by_owner = client.patch(url, json={"minutes": 45}, headers=person.headers)
    by_admin = client.patch(url, json={"minutes": 45}, headers=workspace.headers)
    deleted = client.delete(url, headers=person.headers)
    forced_by_owner = client.patch(
        url, json={"minutes": 45}, headers=person.headers, params={"force": "true"}
    )

    assert "locked" in assert_problem(by_owner, 423)["detail"]
    assert_problem(by_admin, 423)
    assert_problem(deleted, 423)
    assert_problem(forced_by_owner, 403)
    assert client.get(url, headers=person.headers).json()["minutes"] == 30


def test_an_admin_changes_or_unlocks_a_locked_entry_with_force(
    client: TestClient, person: Person, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    entry = _locked_entry(client, person, workspace, activities)
    url = f"{person.entries}/{entry['id']}"

    changed = client.patch(
        url, json={"minutes": 45}, headers=workspace.headers, params={"force": "true"}
    )
    unlocked = client.patch(
        url, json={"locked": False}, headers=workspace.headers, params={"force": "true"}
    )
    by_owner_after = client.patch(url, json={"minutes": 50}, headers=person.headers)

    assert changed.status_code == 200, changed.text
    assert changed.json()["minutes"] == 45
    assert unlocked.json()["locked"] is False
    assert by_owner_after.status_code == 200, by_owner_after.text


def test_only_force_holders_lock_entries(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    entry = create(client, person, {"date": DAY, "minutes": 30, "activity_id": activities["work"]})

    response = client.patch(
        f"{person.entries}/{entry['id']}", json={"locked": True}, headers=person.headers
    )

    assert_problem(response, 403)


def test_the_owner_submits_but_cannot_approve_or_change_an_approved_entry(
    client: TestClient, person: Person, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    entry = create(client, person, {"date": DAY, "minutes": 30, "activity_id": activities["work"]})
    url = f"{person.entries}/{entry['id']}"

    submitted = client.patch(
        url, json={"approval_status": "under_approval"}, headers=person.headers
    )
    self_approved = client.patch(url, json={"approval_status": "approved"}, headers=person.headers)
    approved = client.patch(url, json={"approval_status": "approved"}, headers=workspace.headers)
    changed_by_owner = client.patch(url, json={"minutes": 31}, headers=person.headers)
    deleted_by_owner = client.delete(url, headers=person.headers)
    changed_by_admin = client.patch(url, json={"note": "checked"}, headers=workspace.headers)

    assert submitted.json()["approval_status"] == "under_approval"
    assert_problem(self_approved, 403)
    assert approved.json()["approval_status"] == "approved"
    assert assert_problem(changed_by_owner, 409)["approval_status"] == "approved"
    assert_problem(deleted_by_owner, 409)
    assert changed_by_admin.status_code == 200, changed_by_admin.text


def test_an_approver_neither_decides_nor_changes_their_own_approved_entries(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    activities: dict[str, int],
) -> None:
    """A manager's `timesheet:approve:team` reaches their own record, yet nobody approves
    their own time: only the owner's transitions (submit, take back) are theirs."""
    manager = person_in(client, db, workspace, role="manager")
    body = {"date": DAY, "minutes": 30, "activity_id": activities["work"]}
    for decided in ("approved", "disapproved", "exported"):
        refused = client.post(
            manager.entries, json={**body, "approval_status": decided}, headers=manager.headers
        )
        assert "your own" in assert_problem(refused, 403)["detail"]
    entry = create(client, manager, {**body, "approval_status": "under_approval"})
    url = f"{manager.entries}/{entry['id']}"

    for decided in ("approved", "disapproved"):
        patched = client.patch(url, json={"approval_status": decided}, headers=manager.headers)
        assert_problem(patched, 403)
    taken_back = client.patch(
        url, json={"approval_status": "not_approved_yet"}, headers=manager.headers
    )
    assert taken_back.json()["approval_status"] == "not_approved_yet", taken_back.text
    approved = client.patch(url, json={"approval_status": "approved"}, headers=workspace.headers)
    assert approved.json()["approval_status"] == "approved", approved.text
    changed = client.patch(url, json={"minutes": 600}, headers=manager.headers)
    assert assert_problem(changed, 409)["approval_status"] == "approved"
    assert_problem(client.delete(url, headers=manager.headers), 409)
    reopened = client.patch(
        url, json={"approval_status": "not_approved_yet"}, headers=manager.headers
    )
    assert_problem(reopened, 409)


def test_if_match_guards_updates_and_deletes(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    response = client.post(
        person.entries,
        json={"date": DAY, "minutes": 30, "activity_id": activities["work"]},
        headers=person.headers,
    )
    url = response.headers["location"]
    etag = response.headers["etag"]
    assert client.patch(url, json={"minutes": 31}, headers=person.headers).status_code == 200

    stale_update = client.patch(
        url, json={"minutes": 32}, headers={**person.headers, "If-Match": etag}
    )
    stale_delete = client.delete(url, headers={**person.headers, "If-Match": etag})

    assert_problem(stale_update, 412)
    assert_problem(stale_delete, 412)


def test_delete_removes_the_entry(
    client: TestClient, person: Person, activities: dict[str, int]
) -> None:
    entry = create(client, person, {"date": DAY, "minutes": 30, "activity_id": activities["work"]})
    url = f"{person.entries}/{entry['id']}"

    assert client.delete(url, headers=person.headers).status_code == 204
    assert_problem(client.get(url, headers=person.headers), 404)


def test_an_employee_reaches_only_their_own_timesheet(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    other = person_in(client, db, workspace)
    entry = create(client, other, {"date": DAY, "minutes": 30, "activity_id": activities["work"]})

    read = client.get(f"{other.entries}/{entry['id']}", headers=person.headers)
    write = client.post(
        other.entries,
        json={"date": DAY, "minutes": 30, "activity_id": activities["work"]},
        headers=person.headers,
    )
    wrong_employee = client.get(f"{person.entries}/{entry['id']}", headers=person.headers)

    assert_problem(read, 404)
    assert_problem(write, 404)
    assert_problem(wrong_employee, 404)


def test_a_manager_registers_for_their_team_only(
    client: TestClient, db: Database, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    manager = person_in(client, db, workspace, role="manager")
    unit_a = create_unit(client, workspace.headers, "A")
    below_a = create_unit(client, workspace.headers, "A1", parent_id=unit_a["id"])
    unit_b = create_unit(client, workspace.headers, "B")
    managers = client.put(
        f"/api/org-units/{unit_a['id']}/managers",
        json={"user_ids": [manager.principal.user_id]},
        headers=workspace.headers,
    )
    assert managers.status_code == 200, managers.text
    in_team = person_in(client, db, workspace)
    outside = person_in(client, db, workspace)
    for member, unit in ((in_team, below_a), (outside, unit_b)):
        moved = client.patch(
            f"/api/employees/{member.employee_id}",
            json={"org_unit_id": unit["id"]},
            headers=workspace.headers,
        )
        assert moved.status_code == 200, moved.text
    body = {"date": DAY, "minutes": 30, "activity_id": activities["work"]}

    for_team = client.post(in_team.entries, json=body, headers=manager.headers)
    for_outsider = client.post(outside.entries, json=body, headers=manager.headers)

    assert for_team.status_code == 201, for_team.text
    assert_problem(for_outsider, 404)


def test_a_read_only_caller_gets_403_on_write(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    developer = new_service_user(db, workspace.id, "developer")

    response = client.post(
        person.entries,
        json={"date": DAY, "minutes": 1, "activity_id": 1},
        headers=developer.headers,
    )

    assert_problem(response, 403)


def test_what_entries_are_booked_on_is_not_deleted(
    client: TestClient, person: Person, workspace: WorkspaceFixture
) -> None:
    activity = _post(
        client,
        "/api/settings/activities",
        {"name": "Booked", "type": "work", "effective_from": "2024-01-01"},
        workspace.headers,
    )
    project = _project(client, workspace)
    task = _post(
        client,
        f"/api/projects/{project['id']}/tasks",
        {"name": "Build", "effective_from": "2024-01-01"},
        workspace.headers,
    )
    entry = create(
        client,
        person,
        {
            "date": DAY,
            "minutes": 30,
            "activity_id": activity["id"],
            "project_id": project["id"],
            "task_id": task["id"],
        },
    )
    urls = [
        f"/api/settings/activities/{activity['id']}",
        f"/api/projects/{project['id']}/tasks/{task['id']}",
    ]

    refusals = [client.delete(url, headers=workspace.headers) for url in urls]
    project_refusal = client.delete(f"/api/projects/{project['id']}", headers=workspace.headers)

    for refusal in refusals:
        assert "1 time entries" in assert_problem(refusal, 409)["detail"]
    assert "time entries" in assert_problem(project_refusal, 409)["detail"]
    assert (
        client.delete(f"{person.entries}/{entry['id']}", headers=person.headers).status_code == 204
    )
    for url in urls:
        assert client.delete(url, headers=workspace.headers).status_code == 204


def test_an_activity_with_a_project_rate_is_not_deleted(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    activity = _post(
        client,
        "/api/settings/activities",
        {"name": "Rated", "type": "work", "effective_from": "2024-01-01"},
        workspace.headers,
    )
    project = _project(client, workspace)
    rates = client.put(
        f"/api/projects/{project['id']}/activity-rates",
        json={"items": [{"activity_id": activity["id"], "hourly_rate_minor": 5000}]},
        headers=workspace.headers,
    )
    assert rates.status_code == 200, rates.text

    response = client.delete(
        f"/api/settings/activities/{activity['id']}", headers=workspace.headers
    )

    assert f"project {project['id']}" in assert_problem(response, 409)["detail"]


def test_an_entry_is_shown_with_its_users_id_without_loading_employee_or_workspace(
    client: TestClient, db: Database, person: Person, activities: dict[str, int]
) -> None:
    """The employee's user and the workspace's currency are what every check of reach
    and every request read already: an entry's view adds no query of its own."""
    made = create(client, person, {"date": DAY, "minutes": 60, "activity_id": activities["work"]})
    url = f"{person.entries}/{made['id']}"
    first = client.get(url, headers=person.headers)
    with statements_sent(db) as statements:
        again = client.get(url, headers=person.headers)

    assert first.status_code == again.status_code == 200, again.text
    assert again.json() == first.json()
    assert (again.json()["user_id"], again.json()["currency"]) == (
        person.principal.user_id,
        made["currency"],
    )
    assert [s for s in statements if "FROM employees" in s or "FROM workspaces" in s] == []


def test_an_entry_of_a_deleted_employee_names_the_user_its_row_still_holds(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    """Deleting an employee unlinks their user; a row deleted with its user kept (as
    before that rule) still names it."""
    made = create(client, person, {"date": DAY, "minutes": 60, "activity_id": activities["work"]})
    gone = client.delete(f"/api/employees/{person.employee_id}", headers=workspace.headers)
    assert gone.status_code == 204, gone.text
    owner = person_caller(workspace.id, workspace.owner_id, {"timesheet:read:*"})

    def shown_user_id() -> int | None:
        with db.session(write=False, workspace_id=workspace.id) as session:
            entry = session.get(TimeEntry, made["id"])
            assert entry is not None
            (view,) = entry_views(session, owner, [entry])
        user_id: int | None = view["user_id"]
        return user_id

    unlinked = shown_user_id()
    with db.transaction(workspace_id=workspace.id) as session:
        session.execute(
            update(Employee)
            .where(Employee.id == person.employee_id)
            .values(user_id=person.principal.user_id)
        )
    kept = shown_user_id()

    assert (unlinked, kept) == (None, person.principal.user_id)
