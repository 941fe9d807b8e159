"""`approval.requested` and `approval.decided` in the change log: seen in the event feed by
the people they concern (the employee, the approvers and their delegates, whoever decided
and on whose behalf) whatever their roles, and by holders of `approvals:read:*`; not by a
manager they do not concern."""

from typing import Any

from fastapi.testclient import TestClient

from tests.access.support import new_person
from tests.approvals.support import (
    Org,
    approval_events,
    decide,
    delegated,
    project_with_members,
    statement_submitted,
    vacation_requested,
)
from timeledger.kit.db import Database


def of_type(events: list[dict[str, Any]], type_: str) -> list[dict[str, Any]]:
    return [event for event in events if event["type"] == type_]


def employee_user_id(org: Org) -> int:
    return org.leave.office.person.user_id


def test_a_request_and_its_decision_are_seen_by_those_they_concern(
    client: TestClient, org: Org
) -> None:
    lead, deputy, head = org.team_lead, org.deputy, org.sales_head
    delegated(client, lead.headers, deputy.user_id)
    requested = vacation_requested(client, org, "2026-03-02", "2026-03-03")
    item_id = str(requested["id"])

    (event,) = approval_events(client, org.employee)
    assert event["type"] == "approval.requested"
    assert event["object_id"] == org.employee_id
    assert event["actor_user_id"] == employee_user_id(org)
    data = event["data"]
    assert data["kind"] == "timeoff"
    assert data["id"] == item_id
    assert data["employee_id"] == org.employee_id
    assert (data["period_start"], data["period_end"]) == ("2026-03-02", "2026-03-03")
    assert data["via"] == "manager"
    assert data["approver_user_ids"] == [lead.user_id]
    assert data["delegate_user_ids"] == [deputy.user_id]
    assert set(data["user_ids"]) == {employee_user_id(org), lead.user_id, deputy.user_id}
    for concerned in (lead.headers, deputy.headers, org.owner):
        assert approval_events(client, concerned) == [event]
    assert approval_events(client, head.headers) == []

    (result,) = decide(
        client,
        deputy.headers,
        [{"kind": "timeoff", "id": item_id, "decision": "approve", "note": "Granted"}],
    )
    assert result["status"] == 200, result
    seen = approval_events(client, org.employee)
    assert [found["type"] for found in seen] == ["approval.requested", "approval.decided"]
    decided = seen[1]
    assert decided["actor_user_id"] == deputy.user_id
    assert decided["object_id"] == org.employee_id
    decision = decided["data"]
    assert decision["kind"] == "timeoff"
    assert decision["id"] == item_id
    assert decision["employee_id"] == org.employee_id
    assert (decision["period_start"], decision["period_end"]) == ("2026-03-02", "2026-03-03")
    assert decision["decision"] == "approve"
    assert decision["note"] == "Granted"
    assert decision["decided_by_user_id"] == deputy.user_id
    assert decision["on_behalf_of_user_id"] == lead.user_id
    assert isinstance(decision["decision_id"], int)
    for concerned in (lead.headers, deputy.headers, org.owner):
        assert approval_events(client, concerned) == seen
    assert approval_events(client, head.headers) == []


def test_a_delegate_without_read_all_sees_the_events_because_they_concern_them(
    client: TestClient, org: Org
) -> None:
    """The sales head (manager role: `approvals:read:team`) stands in for the team lead:
    named among the delegates, they see the request; the decision taken on the team
    lead's behalf concerns them too."""
    lead, head = org.team_lead, org.sales_head
    delegated(client, lead.headers, head.user_id, kinds=["timeoff"])
    requested = vacation_requested(client, org, "2026-03-02", "2026-03-02")
    (event,) = approval_events(client, head.headers)
    assert event["type"] == "approval.requested"
    assert event["data"]["delegate_user_ids"] == [head.user_id]
    assert approval_events(client, org.deputy.headers) == [event]  # approvals:read:*

    (result,) = decide(
        client,
        head.headers,
        [{"kind": "timeoff", "id": str(requested["id"]), "decision": "reject"}],
    )
    assert result["status"] == 200, result
    decided = of_type(approval_events(client, head.headers), "approval.decided")
    assert len(decided) == 1
    assert decided[0]["data"]["decided_by_user_id"] == head.user_id
    assert of_type(approval_events(client, lead.headers), "approval.decided") == decided


def test_a_decision_taken_by_someone_else_is_seen_by_the_approvers(
    client: TestClient, org: Org
) -> None:
    """The owner approves the employee's request through the kind's own operation: the
    team lead, whose decision it awaited, and the team lead's delegate learn of it."""
    lead, head = org.team_lead, org.sales_head
    delegated(client, lead.headers, head.user_id, kinds=["timeoff"])
    requested = vacation_requested(client, org, "2026-03-02", "2026-03-02")
    approved = client.post(
        f"{org.leave.base}/{requested['id']}/approve", json={}, headers=org.owner
    )
    assert approved.status_code == 200, approved.text
    (by_owner,) = of_type(approval_events(client, org.employee), "approval.decided")
    assert by_owner["data"]["decided_by_user_id"] == org.leave.office.oslo.workspace.owner_id
    assert by_owner["data"]["on_behalf_of_user_id"] is None
    assert of_type(approval_events(client, lead.headers), "approval.decided") == [by_owner]
    assert of_type(approval_events(client, head.headers), "approval.decided") == [by_owner]


def test_a_submitted_statement_is_requested_of_the_team_lead(client: TestClient, org: Org) -> None:
    statement = statement_submitted(client, org, "2026-03-02")
    (event,) = approval_events(client, org.team_lead.headers)
    assert event["type"] == "approval.requested"
    data = event["data"]
    assert data["kind"] == "statement"
    assert data["id"] == str(statement["id"])
    assert data["employee_id"] == org.employee_id
    assert (data["period_start"], data["period_end"]) == (
        statement["period_start"],
        statement["period_end"],
    )
    assert data["approver_user_ids"] == [org.team_lead.user_id]
    assert approval_events(client, org.employee) == [event]
    assert approval_events(client, org.sales_head.headers) == []


def test_the_feed_filters_approval_events_by_operation(client: TestClient, org: Org) -> None:
    requested = vacation_requested(client, org, "2026-03-02", "2026-03-02")
    (result,) = decide(
        client,
        org.team_lead.headers,
        [{"kind": "timeoff", "id": str(requested["id"]), "decision": "approve"}],
    )
    assert result["status"] == 200, result
    (only,) = approval_events(client, org.employee, "approval.decided")
    assert only["type"] == "approval.decided"
    assert only["data"]["decided_by_user_id"] == org.team_lead.user_id
    assert [event["type"] for event in approval_events(client, org.employee)] == [
        "approval.requested",
        "approval.decided",
    ]


def test_a_project_week_is_requested_once_each_time_it_starts_to_wait(
    client: TestClient, org: Org, db: Database
) -> None:
    """Not once per entry or day submitted, nor again for a week already waiting (more
    entries of it, its statement submitted); again when it waits anew after a decision."""
    pm = new_person(db, org.leave.office.oslo.workspace.id, "employee", name="Project Lead")
    project_id = project_with_members(
        client, org, [{"user_id": pm.user_id, "is_manager": True},
                      {"user_id": org.leave.office.person.user_id}],
    )  # fmt: skip
    base = {"minutes": 60, "activity_id": org.leave.office.work_activity_id,
            "project_id": project_id, "approval_status": "under_approval"}  # fmt: skip
    entries = f"/api/employees/{org.employee_id}/timesheet/entries"

    def week(monday: str) -> str:
        return f"{org.employee_id}-{project_id}-{monday}"

    def requested() -> list[str]:
        return [
            event["data"]["id"]
            for event in approval_events(client, pm.headers, "approval.requested")
            if event["data"]["kind"] == "project_entries"
        ]

    for day in ("2026-11-16", "2026-11-17", "2026-11-18"):
        one = client.post(entries, json={**base, "date": day}, headers=org.employee)
        assert one.status_code == 201, one.text
    assert requested() == [week("2026-11-16")]

    batch = client.post(
        "/api/timesheet/entries/batch",
        json={"items": [{**base, "employee_id": org.employee_id, "date": day}
                        for day in ("2026-11-19", "2026-11-23", "2026-11-24")]},
        headers=org.owner,
    )  # fmt: skip
    assert batch.status_code == 201, batch.text
    assert requested() == [week("2026-11-16"), week("2026-11-23")]

    kept = client.post(
        entries,
        json={**base, "date": "2026-11-30", "approval_status": "not_approved_yet"},
        headers=org.employee,
    )
    assert kept.status_code == 201, kept.text
    assert len(requested()) == 2
    submitted = client.patch(
        f"{entries}/{kept.json()['id']}",
        json={"approval_status": "under_approval"},
        headers=org.employee,
    )
    assert submitted.status_code == 200, submitted.text
    assert requested() == [week("2026-11-16"), week("2026-11-23"), week("2026-11-30")]

    statement_submitted(client, org, "2026-11-16")  # its entries wait already
    assert len(requested()) == 3

    taken = decide(client, pm.headers, [{"kind": "project_entries", "id": week("2026-11-23"),
                                         "decision": "approve"}])  # fmt: skip
    assert taken[0]["status"] == 200, taken
    again = client.post(entries, json={**base, "date": "2026-11-25"}, headers=org.employee)
    assert again.status_code == 201, again.text
    (*_, last) = approval_events(client, pm.headers, "approval.requested")
    assert last["data"]["id"] == week("2026-11-23")
    assert (last["data"]["via"], last["data"]["approver_user_ids"]) == (
        "project_manager",
        [pm.user_id],
    )
    assert len(requested()) == 4
