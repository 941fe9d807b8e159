"""Delegations through the API: their life (create, read, list, change, delete), the
refusals of the issue (to oneself, overlapping of a shared kind, to someone who cannot read
the employees concerned: 422), who may do what (403, 404), the audit log, and a delegate
deciding on the manager's behalf with the decision in the manager's history."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.access.support import MISSING_ID, new_person, new_service_user
from tests.approvals.support import (
    DELEGATIONS,
    STATEMENTS,
    Org,
    decide,
    decision_history,
    delegated,
    delegating,
    inbox,
    project_with_members,
    statement_submitted,
    today_of,
    vacation_requested,
)
from timeledger.kit.db import Database

AUDIT_LOG = "/api/admin/audit-log"


def listed(client: TestClient, headers: dict[str, str], **params: Any) -> list[int]:
    response = client.get(DELEGATIONS, params={"limit": 200, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return sorted(item["id"] for item in response.json()["items"])


def problem_locations(response: Response) -> list[str]:
    return [error["location"] for error in response.json().get("errors", [])]


def workspace_id(org: Org) -> int:
    return org.leave.office.oslo.workspace.id


def owner_user_id(org: Org) -> int:
    return org.leave.office.oslo.workspace.owner_id


# Life of a delegation


def test_a_delegation_is_created_read_listed_changed_and_deleted(
    client: TestClient, org: Org
) -> None:
    lead, deputy = org.team_lead, org.deputy
    response = delegating(client, lead.headers, deputy.user_id, kinds=["timeoff"])
    made = response.json()
    delegation_id = made["id"]
    assert response.headers["Location"] == f"{DELEGATIONS}/{delegation_id}"
    assert response.headers["ETag"] == f'"delegation-{delegation_id}-1"'
    assert made["delegator_user_id"] == lead.user_id
    assert made["delegate_user_id"] == deputy.user_id
    assert made["created_by_user_id"] == lead.user_id
    assert (made["starts_on"], made["ends_on"]) == ("2020-01-01", "2099-12-31")
    assert made["kinds"] == ["timeoff"]

    for reader in (lead.headers, deputy.headers, org.owner):
        read = client.get(f"{DELEGATIONS}/{delegation_id}", headers=reader)
        assert read.status_code == 200, read.text
        assert read.json() == made
        assert read.headers["ETag"] == f'"delegation-{delegation_id}-1"'
    assert listed(client, lead.headers) == [delegation_id]
    assert listed(client, deputy.headers) == [delegation_id]
    assert listed(client, org.sales_head.headers) == []

    url = f"{DELEGATIONS}/{delegation_id}"
    stale = client.patch(
        url, json={"ends_on": "2098-12-31"}, headers={**lead.headers, "If-Match": '"stale"'}
    )
    assert stale.status_code == 412, stale.text
    changed = client.patch(
        url,
        json={"ends_on": "2098-12-31", "kinds": ["statement", "timeoff"]},
        headers={**lead.headers, "If-Match": response.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == f'"delegation-{delegation_id}-2"'
    assert changed.json()["ends_on"] == "2098-12-31"
    assert changed.json()["kinds"] == ["statement", "timeoff"]
    outdated = client.patch(
        url, json={"ends_on": "2097-12-31"}, headers={**lead.headers, "If-Match": '"delegation-1"'}
    )
    assert outdated.status_code == 412, outdated.text
    assert client.get(url, headers=lead.headers).json()["ends_on"] == "2098-12-31"

    deleted = client.delete(url, headers=lead.headers)
    assert deleted.status_code == 204, deleted.text
    assert client.get(url, headers=lead.headers).status_code == 404
    assert listed(client, lead.headers) == []


def test_every_kind_is_stored_as_the_empty_list_and_kinds_sorted(
    client: TestClient, org: Org
) -> None:
    every = delegated(
        client,
        org.team_lead.headers,
        org.deputy.user_id,
        kinds=["timeoff", "project_entries", "statement"],
    )
    assert every["kinds"] == []
    two = delegated(
        client, org.sales_head.headers, org.deputy.user_id, kinds=["timeoff", "statement"]
    )
    assert two["kinds"] == ["statement", "timeoff"]


def test_listing_everyones_delegations_needs_approvals_read_all(
    client: TestClient, db: Database, org: Org
) -> None:
    leads = delegated(client, org.team_lead.headers, org.deputy.user_id)["id"]
    heads = delegated(client, org.sales_head.headers, org.deputy.user_id, starts_on="2099-01-01")[
        "id"
    ]
    refused = client.get(DELEGATIONS, params={"scope": "all"}, headers=org.team_lead.headers)
    assert refused.status_code == 403, refused.text
    assert listed(client, org.owner, scope="all") == sorted([leads, heads])
    assert listed(client, org.deputy.headers, scope="all") == sorted([leads, heads])
    assert listed(client, org.owner) == []
    assert listed(client, org.owner, scope="all", delegator_user_id=org.sales_head.user_id) == [
        heads
    ]
    assert listed(client, org.deputy.headers, delegate_user_id=org.deputy.user_id) == sorted(
        [leads, heads]
    )
    today = today_of(db, org).isoformat()
    assert listed(client, org.owner, scope="all", in_force_on=today) == [leads]
    assert listed(client, org.owner, scope="all", in_force_on="2099-06-01") == sorted(
        [leads, heads]
    )


# Refusals: 422


def test_a_delegation_to_oneself_or_with_impossible_days_is_422(
    client: TestClient, db: Database, org: Org
) -> None:
    lead = org.team_lead
    to_oneself = delegating(client, lead.headers, lead.user_id, status=422)
    assert problem_locations(to_oneself) == ["body.delegate_user_id"]
    backwards = delegating(
        client,
        lead.headers,
        org.deputy.user_id,
        starts_on="2099-01-02",
        ends_on="2099-01-01",
        status=422,
    )
    assert problem_locations(backwards) == ["body.ends_on"]
    yesterday = (today_of(db, org) - timedelta(days=1)).isoformat()
    over = delegating(
        client,
        lead.headers,
        org.deputy.user_id,
        starts_on="2021-01-01",
        ends_on=yesterday,
        status=422,
    )
    assert problem_locations(over) == ["body.ends_on"]
    assert "has passed" in over.json()["detail"]
    unknown = delegating(client, lead.headers, MISSING_ID, status=422)
    assert problem_locations(unknown) == ["body.delegate_user_id"]
    robot = new_service_user(db, workspace_id(org), "developer")
    not_a_person = delegating(client, lead.headers, robot.user_id, status=422)
    assert problem_locations(not_a_person) == ["body.delegate_user_id"]
    assert listed(client, org.owner, scope="all") == []


def test_a_delegation_ending_today_is_in_force(client: TestClient, db: Database, org: Org) -> None:
    today = today_of(db, org).isoformat()
    made = delegated(
        client, org.team_lead.headers, org.deputy.user_id, starts_on="2021-01-01", ends_on=today
    )
    assert made["ends_on"] == today
    assert listed(client, org.owner, scope="all", in_force_on=today) == [made["id"]]


def test_overlapping_delegations_of_a_shared_kind_are_422(client: TestClient, org: Org) -> None:
    lead = org.team_lead
    timeoff = delegated(
        client,
        lead.headers,
        org.deputy.user_id,
        kinds=["timeoff"],
        starts_on="2030-01-01",
        ends_on="2030-12-31",
    )
    # Another delegate, days overlapping by one, a shared kind: refused.
    overlapping = delegating(
        client,
        lead.headers,
        owner_user_id(org),
        kinds=["statement", "timeoff"],
        starts_on="2030-12-31",
        ends_on="2031-06-30",
        status=422,
    )
    assert problem_locations(overlapping) == ["body.starts_on"]
    assert str(timeoff["id"]) in overlapping.json()["detail"]
    every_kind = delegating(
        client,
        lead.headers,
        org.deputy.user_id,
        starts_on="2030-06-01",
        ends_on="2030-06-30",
        status=422,
    )
    assert problem_locations(every_kind) == ["body.starts_on"]
    # Other kinds on the same days, or the same kind on other days: fine.
    statements = delegated(
        client,
        lead.headers,
        org.deputy.user_id,
        kinds=["statement"],
        starts_on="2030-01-01",
        ends_on="2030-12-31",
    )
    assert statements["kinds"] == ["statement"]
    delegated(
        client,
        lead.headers,
        org.deputy.user_id,
        kinds=["timeoff"],
        starts_on="2031-01-01",
        ends_on="2031-12-31",
    )
    # Another delegator's delegation never overlaps the team lead's.
    delegated(
        client,
        org.sales_head.headers,
        org.deputy.user_id,
        kinds=["timeoff"],
        starts_on="2030-01-01",
        ends_on="2030-12-31",
    )
    # A change into overlap is refused too, and leaves the delegation as it was.
    url = f"{DELEGATIONS}/{statements['id']}"
    widened = client.patch(url, json={"kinds": ["statement", "timeoff"]}, headers=lead.headers)
    assert widened.status_code == 422, widened.text
    assert client.get(url, headers=lead.headers).json()["kinds"] == ["statement"]
    nulled = client.patch(url, json={"starts_on": None}, headers=lead.headers)
    assert nulled.status_code == 422, nulled.text
    assert problem_locations(nulled) == ["body.starts_on"]


def test_a_delegate_who_cannot_read_the_employees_is_422(
    client: TestClient, db: Database, org: Org
) -> None:
    colleague = new_person(db, workspace_id(org), "employee", name="Colleague")
    refused = delegating(client, org.team_lead.headers, colleague.user_id, status=422)
    assert problem_locations(refused) == ["body.delegate_user_id"]
    assert str(org.employee_id) in refused.json()["detail"]
    # Another manager whose team holds the team lead's (Sales holds Team) reads them.
    delegated(client, org.team_lead.headers, org.sales_head.user_id, kinds=["timeoff"])
    # The owner approves everyone: only someone reading everyone may stand in for them.
    owner_user = owner_user_id(org)
    everyone = delegating(
        client, org.owner, org.team_lead.user_id, delegator_user_id=owner_user, status=422
    )
    assert problem_locations(everyone) == ["body.delegate_user_id"]
    delegated(client, org.owner, org.deputy.user_id)
    # A change of delegate is checked as well.
    made = delegated(
        client,
        org.sales_head.headers,
        org.deputy.user_id,
        kinds=["statement"],
    )
    swapped = client.patch(
        f"{DELEGATIONS}/{made['id']}",
        json={"delegate_user_id": colleague.user_id},
        headers=org.sales_head.headers,
    )
    assert swapped.status_code == 422, swapped.text
    assert problem_locations(swapped) == ["body.delegate_user_id"]


# Who may do what


def test_who_may_make_read_change_and_delete_delegations(client: TestClient, org: Org) -> None:
    lead, head, deputy = org.team_lead, org.sales_head, org.deputy
    for_someone_else = delegating(
        client, lead.headers, deputy.user_id, delegator_user_id=head.user_id, status=403
    )
    assert for_someone_else.status_code == 403
    # Everyone may delegate their own approvals (a project manager may be an employee).
    employees_own = delegated(client, org.employee, deputy.user_id)
    assert employees_own["delegator_user_id"] == org.leave.office.person.user_id
    by_the_owner = delegated(client, org.owner, deputy.user_id, delegator_user_id=lead.user_id)
    assert by_the_owner["delegator_user_id"] == lead.user_id
    assert by_the_owner["created_by_user_id"] == owner_user_id(org)
    url = f"{DELEGATIONS}/{by_the_owner['id']}"

    # The delegate reads it but may neither change nor delete it.
    assert client.get(url, headers=deputy.headers).status_code == 200
    patched = client.patch(url, json={"ends_on": "2098-01-01"}, headers=deputy.headers)
    assert patched.status_code == 403, patched.text
    removed = client.delete(url, headers=deputy.headers)
    assert removed.status_code == 403, removed.text
    # Someone neither giving nor receiving it, without approvals:read:*, does not see it.
    assert client.get(url, headers=head.headers).status_code == 404
    assert client.get(url, headers=org.employee).status_code == 404
    unseen_patch = client.patch(url, json={"ends_on": "2098-01-01"}, headers=head.headers)
    assert unseen_patch.status_code == 404, unseen_patch.text
    assert client.delete(url, headers=head.headers).status_code == 404
    assert client.get(f"{DELEGATIONS}/{MISSING_ID}", headers=org.owner).status_code == 404
    # The delegator deletes what the owner made for them.
    assert client.delete(url, headers=lead.headers).status_code == 204


def test_creating_changing_and_deleting_a_delegation_are_audited(
    client: TestClient, org: Org
) -> None:
    lead = org.team_lead
    made = delegated(client, lead.headers, org.deputy.user_id, kinds=["timeoff"])
    url = f"{DELEGATIONS}/{made['id']}"
    changed = client.patch(url, json={"ends_on": "2098-12-31"}, headers=lead.headers)
    assert changed.status_code == 200, changed.text
    assert client.delete(url, headers=lead.headers).status_code == 204
    for action, ends_on in (
        ("approval-delegation.create", "2099-12-31"),
        ("approval-delegation.update", "2098-12-31"),
        ("approval-delegation.delete", "2098-12-31"),
    ):
        response = client.get(AUDIT_LOG, params={"action": action}, headers=org.owner)
        assert response.status_code == 200, response.text
        (event,) = response.json()["items"]
        assert event["outcome"] == "success"
        assert event["actor_user_id"] == lead.user_id
        assert event["target_type"] == "approval_delegation"
        assert event["target_id"] == made["id"]
        assert event["detail"]["delegate_user_id"] == org.deputy.user_id
        assert event["detail"]["ends_on"] == ends_on


# Deciding on the delegator's behalf


def test_a_delegate_decides_while_the_manager_is_away_and_it_shows_in_the_managers_history(
    client: TestClient, org: Org
) -> None:
    lead, deputy = org.team_lead, org.deputy
    delegated(client, lead.headers, deputy.user_id)
    requested = vacation_requested(client, org, "2026-03-02", "2026-03-03")
    item_id = str(requested["id"])

    (seen,) = inbox(client, deputy.headers)
    assert (seen["kind"], seen["id"]) == ("timeoff", item_id)
    assert seen["via"] == "delegation"
    assert seen["on_behalf_of_user_id"] == lead.user_id
    (leads,) = inbox(client, lead.headers)
    assert (leads["id"], leads["via"], leads["on_behalf_of_user_id"]) == (item_id, "manager", None)

    # The kind's own operation needs the approve permission, which the deputy lacks.
    own_operation = client.post(
        f"{org.leave.base}/{item_id}/approve", json={}, headers=deputy.headers
    )
    assert own_operation.status_code == 403, own_operation.text

    (result,) = decide(
        client,
        deputy.headers,
        [{"kind": "timeoff", "id": item_id, "decision": "approve", "note": "Enjoy"}],
    )
    assert (result["status"], result["item_status"]) == (200, "approved"), result
    request_now = client.get(f"{org.leave.base}/{item_id}", headers=org.owner)
    assert request_now.status_code == 200, request_now.text
    assert request_now.json()["status"] == "approved"
    assert request_now.json()["decided_by_user_id"] == deputy.user_id
    assert inbox(client, deputy.headers) == []
    assert inbox(client, lead.headers) == []

    (decision,) = decision_history(client, lead.headers)
    assert decision["kind"] == "timeoff"
    assert decision["item_id"] == item_id
    assert decision["employee_id"] == org.employee_id
    assert (decision["period_start"], decision["period_end"]) == ("2026-03-02", "2026-03-03")
    assert decision["decision"] == "approve"
    assert decision["note"] == "Enjoy"
    assert decision["decided_by_user_id"] == deputy.user_id
    assert decision["on_behalf_of_user_id"] == lead.user_id
    assert decision_history(client, deputy.headers) == [decision]
    assert decision_history(client, org.employee) == [decision]
    assert decision_history(client, lead.headers, on_behalf_of_user_id=lead.user_id) == [decision]
    assert decision_history(client, org.sales_head.headers) == []


def test_a_manager_deciding_in_their_own_right_acts_on_nobodys_behalf(
    client: TestClient, org: Org
) -> None:
    lead = org.team_lead
    delegated(client, lead.headers, org.deputy.user_id)
    requested = vacation_requested(client, org, "2026-03-02", "2026-03-02")
    item_id = str(requested["id"])
    (result,) = decide(
        client, lead.headers, [{"kind": "timeoff", "id": item_id, "decision": "reject"}]
    )
    assert (result["status"], result["item_status"]) == (200, "rejected"), result
    (decision,) = decision_history(client, lead.headers)
    assert decision["decision"] == "reject"
    assert (decision["decided_by_user_id"], decision["on_behalf_of_user_id"]) == (
        lead.user_id,
        None,
    )


def test_a_project_manager_with_the_employee_role_delegates_their_project_weeks(
    client: TestClient, db: Database, org: Org
) -> None:
    pm = new_person(db, workspace_id(org), "employee", name="Project Lead")
    project_id = project_with_members(
        client, org, [{"user_id": pm.user_id, "is_manager": True},
                      {"user_id": org.leave.office.person.user_id}],
    )  # fmt: skip
    delegated(client, pm.headers, org.deputy.user_id, kinds=["project_entries"])
    entry = client.post(
        f"/api/employees/{org.employee_id}/timesheet/entries",
        json={"date": "2026-11-17", "minutes": 60, "project_id": project_id,
              "activity_id": org.leave.office.work_activity_id,
              "approval_status": "under_approval"},
        headers=org.employee,
    )  # fmt: skip
    assert entry.status_code == 201, entry.text
    item_id = f"{org.employee_id}-{project_id}-2026-11-16"

    (seen,) = inbox(client, org.deputy.headers)
    assert (seen["id"], seen["via"], seen["on_behalf_of_user_id"]) == (
        item_id,
        "delegation",
        pm.user_id,
    )
    (result,) = decide(
        client,
        org.deputy.headers,
        [{"kind": "project_entries", "id": item_id, "decision": "approve"}],
    )
    assert (result["status"], result["item_status"]) == (200, "approved"), result
    (decision,) = decision_history(client, pm.headers)
    assert (decision["decided_by_user_id"], decision["on_behalf_of_user_id"]) == (
        org.deputy.user_id,
        pm.user_id,
    )


def test_a_delegation_of_statements_only_brings_no_time_off(client: TestClient, org: Org) -> None:
    delegated(client, org.team_lead.headers, org.deputy.user_id, kinds=["statement"])
    requested = vacation_requested(client, org, "2026-03-02", "2026-03-03")
    assert inbox(client, org.deputy.headers) == []
    (result,) = decide(
        client,
        org.deputy.headers,
        [{"kind": "timeoff", "id": str(requested["id"]), "decision": "approve"}],
    )
    assert result["status"] == 403, result
    assert decision_history(client, org.team_lead.headers) == []


def test_a_delegation_starting_tomorrow_brings_nothing_yet(
    client: TestClient, db: Database, org: Org
) -> None:
    tomorrow = (today_of(db, org) + timedelta(days=1)).isoformat()
    made = delegated(client, org.team_lead.headers, org.deputy.user_id, starts_on=tomorrow)
    assert made["starts_on"] == tomorrow
    vacation_requested(client, org, "2026-03-02", "2026-03-03")
    assert inbox(client, org.deputy.headers) == []
    (leads,) = inbox(client, org.team_lead.headers)
    assert leads["via"] == "manager"


def test_a_deleted_delegation_brings_nothing_more(client: TestClient, org: Org) -> None:
    made = delegated(client, org.team_lead.headers, org.deputy.user_id)
    requested = vacation_requested(client, org, "2026-03-02", "2026-03-03")
    assert len(inbox(client, org.deputy.headers)) == 1
    deleted = client.delete(f"{DELEGATIONS}/{made['id']}", headers=org.team_lead.headers)
    assert deleted.status_code == 204, deleted.text
    assert inbox(client, org.deputy.headers) == []
    (result,) = decide(
        client,
        org.deputy.headers,
        [{"kind": "timeoff", "id": str(requested["id"]), "decision": "approve"}],
    )
    assert result["status"] == 403, result
    still = client.get(f"{org.leave.base}/{requested['id']}", headers=org.owner)
    assert still.json()["status"] == "requested"


def test_delegations_do_not_pass_on(client: TestClient, org: Org) -> None:
    """The team lead delegates to the sales head, the sales head to the deputy: the deputy
    gets the sales head's own items, not the team lead's."""
    lead, head, deputy = org.team_lead, org.sales_head, org.deputy
    delegated(client, lead.headers, head.user_id)
    delegated(client, head.headers, deputy.user_id)
    requested = vacation_requested(client, org, "2026-03-02", "2026-03-03")
    (heads,) = inbox(client, head.headers)
    assert (heads["id"], heads["via"], heads["on_behalf_of_user_id"]) == (
        str(requested["id"]),
        "delegation",
        lead.user_id,
    )
    assert inbox(client, deputy.headers) == []
    (result,) = decide(
        client,
        deputy.headers,
        [{"kind": "timeoff", "id": str(requested["id"]), "decision": "approve"}],
    )
    assert result["status"] == 403, result


def test_a_delegate_decides_a_statement_on_the_managers_behalf(
    client: TestClient, org: Org
) -> None:
    lead, deputy = org.team_lead, org.deputy
    delegated(client, lead.headers, deputy.user_id, kinds=["statement"])
    submitted = statement_submitted(client, org, "2026-03-02")
    item_id = str(submitted["id"])
    (seen,) = inbox(client, deputy.headers)
    assert (seen["kind"], seen["id"], seen["via"], seen["on_behalf_of_user_id"]) == (
        "statement",
        item_id,
        "delegation",
        lead.user_id,
    )
    own_operation = client.post(f"{STATEMENTS}/{item_id}/approve", json={}, headers=deputy.headers)
    assert own_operation.status_code == 403, own_operation.text
    (result,) = decide(
        client,
        deputy.headers,
        [{"kind": "statement", "id": item_id, "decision": "reject", "note": "Fix Monday"}],
    )
    assert (result["status"], result["item_status"]) == (200, "draft"), result
    after = client.get(f"{STATEMENTS}/{item_id}", headers=org.owner).json()
    assert (after["status"], after["note"]) == ("draft", "Fix Monday")
    (decision,) = decision_history(client, lead.headers, kind="statement")
    assert (decision["item_id"], decision["decision"], decision["note"]) == (
        item_id,
        "reject",
        "Fix Monday",
    )
    assert (decision["decided_by_user_id"], decision["on_behalf_of_user_id"]) == (
        deputy.user_id,
        lead.user_id,
    )
