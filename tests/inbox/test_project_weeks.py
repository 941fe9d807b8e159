"""Project weeks through the API on both engines: an employee's entries of one week on a
project that requires a manager's approval (or under terms saying `project_manager`),
submitted as `under_approval`, are one inbox item of the project's managers (or, when the
project has none besides the employee, of the line managers up the org tree); deciding it
approves or disapproves those entries once."""

from typing import Any

from fastapi.testclient import TestClient

from tests.access.support import assert_problem, new_person
from tests.approvals.support import (
    Org,
    decide,
    decisions_taken,
    inbox,
    inbox_count,
    project_with_members,
    statement_submitted,
)
from tests.statements.support import SINCE, STATEMENTS
from timeledger.kit.db import Database

WEEK = ("2026-11-16", "2026-11-22")
NEXT_WEEK = ("2026-11-23", "2026-11-29")


def entry(
    client: TestClient, org: Org, project_id: int, day: str, minutes: int, *,
    approval_status: str = "under_approval",
) -> dict[str, Any]:  # fmt: skip
    """The employee records time on the project (and submits it, by default)."""
    response = client.post(
        f"/api/employees/{org.employee_id}/timesheet/entries",
        json={
            "date": day,
            "minutes": minutes,
            "activity_id": org.leave.office.work_activity_id,
            "project_id": project_id,
            "approval_status": approval_status,
        },
        headers=org.employee,
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    assert created["approval_status"] == approval_status
    return created


def statuses(client: TestClient, org: Org, first: str, last: str) -> dict[int, str]:
    response = client.get(
        f"/api/employees/{org.employee_id}/timesheet/entries",
        params={"from": first, "to": last, "limit": 200},
        headers=org.owner,
    )
    assert response.status_code == 200, response.text
    return {item["id"]: item["approval_status"] for item in response.json()["items"]}


def one(item_id: str, decision: str = "approve", **body: Any) -> dict[str, Any]:
    return {"kind": "project_entries", "id": item_id, "decision": decision, **body}


def a_submitted_week(client: TestClient, org: Org, project_id: int) -> list[dict[str, Any]]:
    """Three entries in the week of 16 November (Monday, Tuesday, Sunday)."""
    return [
        entry(client, org, project_id, "2026-11-16", 90),
        entry(client, org, project_id, "2026-11-17", 120),
        entry(client, org, project_id, "2026-11-22", 45),
    ]


def test_the_project_manager_approves_a_submitted_week_of_entries_once(
    client: TestClient, org: Org, db: Database
) -> None:
    pm = new_person(db, org.leave.office.oslo.workspace.id, "employee", name="Project Lead")
    project_id = project_with_members(
        client, org, [{"user_id": pm.user_id, "is_manager": True},
                      {"user_id": org.leave.office.person.user_id}],
    )  # fmt: skip
    week = a_submitted_week(client, org, project_id)
    entry(client, org, project_id, "2026-11-18", 30, approval_status="not_approved_yet")
    later = entry(client, org, project_id, "2026-11-23", 60)
    item_id = f"{org.employee_id}-{project_id}-2026-11-16"
    next_id = f"{org.employee_id}-{project_id}-2026-11-23"

    first, second = inbox(client, pm.headers)

    assert first == {
        "kind": "project_entries",
        "id": item_id,
        "employee_id": org.employee_id,
        "employee_name": "Ada Lovelace O1",
        "project_id": project_id,
        "period_start": WEEK[0],
        "period_end": WEEK[1],
        "summary": {
            "amount": None,
            "unit": None,
            "minutes": 255,
            "norm_minutes": None,
            "overtime_minutes": None,
            "entries": 3,
        },
        "requested_at": first["requested_at"],
        "via": "project_manager",
        "on_behalf_of_user_id": None,
        "href": first["href"],
    }
    assert (second["id"], second["summary"]["minutes"], second["summary"]["entries"]) == (
        next_id,
        60,
        1,
    )
    assert first["requested_at"] < second["requested_at"]
    listed = client.get(first["href"], headers=org.owner)
    assert listed.status_code == 200, listed.text
    assert sorted(e["id"] for e in listed.json()["items"]) == sorted(e["id"] for e in week)
    assert inbox_count(client, pm.headers)["by_kind"] == {
        "timeoff": 0,
        "statement": 0,
        "project_entries": 2,
    }
    assert inbox(client, pm.headers, period_from=NEXT_WEEK[0]) == [second]
    assert inbox(client, org.team_lead.headers) == []
    assert inbox(client, org.owner) == []
    assert inbox(client, org.employee) == []

    taken = decide(client, pm.headers, [one(item_id), one(item_id, "reject")])
    assert [(r["status"], r["item_status"]) for r in taken] == [(200, "approved"), (409, None)]
    now = statuses(client, org, WEEK[0], NEXT_WEEK[1])
    assert {e["id"]: now[e["id"]] for e in week} == dict.fromkeys(
        (e["id"] for e in week), "approved"
    )
    assert sorted(now.values()) == ["approved"] * 3 + ["not_approved_yet", "under_approval"]
    assert now[later["id"]] == "under_approval"
    assert [item["id"] for item in inbox(client, pm.headers)] == [next_id]

    again = decide(client, pm.headers, [one(item_id), one(item_id, "reject")])
    assert [r["status"] for r in again] == [409, 409]
    assert again[0]["problem"]["approval_statuses"] == ["approved", "not_approved_yet"]
    assert again[1]["problem"]["status"] == 409
    assert statuses(client, org, WEEK[0], NEXT_WEEK[1]) == now

    rejected = decide(client, pm.headers, [one(next_id, "reject", note="Not billable")])
    assert [(r["status"], r["item_status"]) for r in rejected] == [(200, "disapproved")]
    assert statuses(client, org, *NEXT_WEEK) == {later["id"]: "disapproved"}
    assert inbox(client, pm.headers) == []
    history = decisions_taken(client, org, kind="project_entries")
    assert [
        (d["item_id"], d["decision"], d["note"], d["decided_by_user_id"], d["period_start"],
         d["period_end"])
        for d in history
    ] == [
        (item_id, "approve", "", pm.user_id, *WEEK),
        (next_id, "reject", "Not billable", pm.user_id, *NEXT_WEEK),
    ]  # fmt: skip


def test_ids_that_name_no_week_are_404_and_those_who_may_not_decide_are_refused(
    client: TestClient, org: Org, db: Database
) -> None:
    workspace_id = org.leave.office.oslo.workspace.id
    pm = new_person(db, workspace_id, "employee", name="Project Lead")
    outsider = new_person(db, workspace_id, "employee", name="Outsider")
    project_id = project_with_members(client, org, [{"user_id": pm.user_id, "is_manager": True}])
    week = a_submitted_week(client, org, project_id)
    item_id = f"{org.employee_id}-{project_id}-2026-11-16"

    nowhere = decide(
        client,
        pm.headers,
        [
            one("not-a-week"),
            one(f"{org.employee_id}-{project_id}-2026-13-45"),
            one(f"{org.employee_id}-{project_id}-20261116"),
            one(f"{org.employee_id}-{project_id}-2026-11-09"),
            one(f"{org.employee_id}-{project_id}-2026-11-17"),
            one(f"{org.employee_id}-999999-2026-11-16"),
            one(f"999999999999999999-{project_id}-2026-11-16"),
            one(f"{org.employee_id}-{project_id}-9999-12-31"),
            one(f"{org.employee_id}-{project_id}-0001-01-01"),
        ],
    )
    assert [r["status"] for r in nowhere] == [404] * 9, nowhere
    assert decide(client, outsider.headers, [one(item_id)])[0]["status"] == 404
    deputy = decide(client, org.deputy.headers, [one(item_id)])
    assert deputy[0]["status"] == 403
    assert deputy[0]["problem"]["type"].startswith("urn:timeledger:problem:")
    assert decide(client, org.employee, [one(item_id)])[0]["status"] == 403

    assert set(statuses(client, org, *WEEK).values()) == {"under_approval"}
    assert [item["id"] for item in inbox(client, pm.headers)] == [item_id]
    assert len(week) == inbox(client, pm.headers)[0]["summary"]["entries"]


def test_a_week_awaits_only_where_the_project_or_the_terms_ask_a_project_manager(
    client: TestClient, org: Org, db: Database
) -> None:
    pm = new_person(db, org.leave.office.oslo.workspace.id, "employee", name="Project Lead")
    project_id = project_with_members(
        client, org, [{"user_id": pm.user_id, "is_manager": True}], requires_manager_approval=False
    )
    a_submitted_week(client, org, project_id)
    item_id = f"{org.employee_id}-{project_id}-2026-11-16"

    assert inbox(client, pm.headers) == []
    assert inbox(client, org.team_lead.headers) == []
    assert inbox_count(client, pm.headers)["count"] == 0
    not_awaiting = decide(client, pm.headers, [one(item_id)])
    assert not_awaiting[0]["status"] == 409
    assert not_awaiting[0]["problem"]["approval_statuses"] == ["under_approval"]

    terms = client.patch(
        f"/api/settings/employment-terms/{org.leave.office.oslo.terms_id}",
        json={"timesheet_approval": "project_manager", "effective_from": SINCE},
        headers=org.owner,
    )
    assert terms.status_code == 200, terms.text
    (awaiting,) = inbox(client, pm.headers)
    assert (awaiting["id"], awaiting["via"], awaiting["summary"]["entries"]) == (
        item_id,
        "project_manager",
        3,
    )
    taken = decide(client, pm.headers, [one(item_id, "reject")])
    assert [(r["status"], r["item_status"]) for r in taken] == [(200, "disapproved")]
    assert set(statuses(client, org, *WEEK).values()) == {"disapproved"}


def test_a_project_managed_only_by_the_employee_routes_up_the_org_tree(
    client: TestClient, org: Org
) -> None:
    employee_user = org.leave.office.person.user_id
    project_id = project_with_members(client, org, [{"user_id": employee_user, "is_manager": True}])
    a_submitted_week(client, org, project_id)
    item_id = f"{org.employee_id}-{project_id}-2026-11-16"

    assert inbox(client, org.employee) == []
    assert inbox(client, org.sales_head.headers) == []
    (item,) = inbox(client, org.team_lead.headers)
    assert (item["id"], item["via"], item["project_id"]) == (item_id, "manager", project_id)

    own = decide(client, org.employee, [one(item_id)])
    assert own[0]["status"] == 403
    assert "your own" in own[0]["problem"]["detail"]
    assert set(statuses(client, org, *WEEK).values()) == {"under_approval"}

    taken = decide(client, org.team_lead.headers, [one(item_id)])
    assert [(r["status"], r["item_status"]) for r in taken] == [(200, "approved")]
    assert set(statuses(client, org, *WEEK).values()) == {"approved"}
    assert inbox(client, org.team_lead.headers) == []
    assert_problem(
        client.get("/api/approvals/inbox", params={"kind": "project_week"}, headers=org.owner), 422
    )


def test_a_week_the_project_manager_approved_stays_approved_when_the_statement_is_submitted(
    client: TestClient, org: Org, db: Database
) -> None:
    """Submitting the statement submits the period's entries, but those a project manager
    approved already stay approved: nothing is decided twice. Withdrawing it takes every
    entry back, and the project manager decides the week again when it comes back."""
    pm = new_person(db, org.leave.office.oslo.workspace.id, "employee", name="Project Lead")
    project_id = project_with_members(
        client, org, [{"user_id": pm.user_id, "is_manager": True},
                      {"user_id": org.leave.office.person.user_id}],
    )  # fmt: skip
    week = a_submitted_week(client, org, project_id)
    item_id = f"{org.employee_id}-{project_id}-{WEEK[0]}"
    assert answers(decide(client, pm.headers, [one(item_id)])) == [(200, "approved")]
    late = entry(client, org, project_id, "2026-11-18", 30, approval_status="not_approved_yet")

    submitted = statement_submitted(client, org, WEEK[0])

    now = statuses(client, org, *WEEK)
    assert {now[e["id"]] for e in week} == {"approved"}
    assert now[late["id"]] == "under_approval"
    (awaiting,) = inbox(client, pm.headers)
    assert (awaiting["id"], awaiting["summary"]["entries"], awaiting["summary"]["minutes"]) == (
        item_id,
        1,
        30,
    )

    withdrawn = client.post(
        f"{STATEMENTS}/{submitted['id']}/withdraw", json={}, headers=org.employee
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert set(statuses(client, org, *WEEK).values()) == {"not_approved_yet"}
    assert inbox(client, pm.headers) == []
    statement_submitted(client, org, WEEK[0])
    assert set(statuses(client, org, *WEEK).values()) == {"under_approval"}
    assert inbox(client, pm.headers)[0]["summary"]["entries"] == 4
    assert [d["item_id"] for d in decisions_taken(client, org, kind="project_entries")] == [item_id]


def answers(results: list[dict[str, Any]]) -> list[tuple[int, str | None]]:
    return [(result["status"], result["item_status"]) for result in results]
