"""An organization for the approvals tests, on the time-off office: Company above Sales
above Team; the office's employee (Oslo, a person with the employee role) sits in Team.

- `team_lead` (manager role) manages Team; `sales_head` (manager role) manages Sales;
  nobody manages Company, so past Sales items go to holders of `approve:*` (the owner).
- `deputy` (developer role) reads every timesheet and time off but approves nothing: a
  delegate who can decide only on someone's behalf.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.access.support import Principal, new_person
from tests.organization.support import create_unit
from tests.timeoff.support import Leave, grant, leave_office, request
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database
from timeledger.organization.today import workspace_today

INBOX = "/api/approvals/inbox"
DECISIONS = "/api/approvals/decisions"
DELEGATIONS = "/api/approvals/delegations"


@dataclass(frozen=True)
class Org:
    leave: Leave
    company_id: int
    sales_id: int
    team_id: int
    team_lead: Principal
    sales_head: Principal
    deputy: Principal

    @property
    def owner(self) -> dict[str, str]:
        return self.leave.headers

    @property
    def employee(self) -> dict[str, str]:
        return self.leave.person

    @property
    def employee_id(self) -> int:
        return self.leave.employee_id


def set_managers(
    client: TestClient, headers: dict[str, str], unit_id: int, user_ids: list[int]
) -> None:
    response = client.put(
        f"/api/org-units/{unit_id}/managers", json={"user_ids": user_ids}, headers=headers
    )
    assert response.status_code == 200, response.text


def approvals_org(client: TestClient, db: Database, hashing: PasswordHashing) -> Org:
    leave = leave_office(client, db, hashing)
    headers = leave.headers
    workspace_id = leave.office.oslo.workspace.id
    company = create_unit(client, headers, "Company", type="subsidiary")
    sales = create_unit(client, headers, "Sales", parent_id=company["id"])
    team = create_unit(client, headers, "Team", type="team", parent_id=sales["id"])
    team_lead = new_person(db, workspace_id, "manager", name="Team Lead")
    sales_head = new_person(db, workspace_id, "manager", name="Sales Head")
    deputy = new_person(db, workspace_id, "developer", name="Deputy")
    set_managers(client, headers, team["id"], [team_lead.user_id])
    set_managers(client, headers, sales["id"], [sales_head.user_id])
    moved = client.patch(
        f"/api/employees/{leave.employee_id}",
        json={"org_unit_id": team["id"]},
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    return Org(leave, company["id"], sales["id"], team["id"], team_lead, sales_head, deputy)


def vacation_requested(client: TestClient, org: Org, start: str, end: str) -> dict[str, Any]:
    """The employee asks for vacation (granted a year's days first)."""
    grant(client, org.leave, 2500)
    return request(client, org.leave, start, end)


def inbox(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = client.get(INBOX, params=params, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def decide(
    client: TestClient, headers: dict[str, str], decisions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    response = client.post(DECISIONS, json={"decisions": decisions}, headers=headers)
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


# The inbox tests' helpers: statements, roles, projects, counts

STATEMENTS = "/api/timesheet/statements"


def statement_submitted(
    client: TestClient, org: Org, day: str, *, payout_minutes: int = 0
) -> dict[str, Any]:
    """The employee generates their statement of the week holding `day` (synchronously,
    no job) and submits it."""
    employee = org.employee
    generated = client.post(
        f"/api/employees/{org.employee_id}/timesheet/statements",
        json={"period_start": day},
        headers=employee,
    )
    assert generated.status_code in (200, 201), generated.text
    submitted = client.post(
        f"{STATEMENTS}/{generated.json()['id']}/submit",
        json={"payout_minutes": payout_minutes},
        headers=employee,
    )
    assert submitted.status_code == 200, submitted.text
    statement: dict[str, Any] = submitted.json()
    assert statement["status"] == "submitted", statement
    return statement


def statement(client: TestClient, org: Org, statement_id: int) -> dict[str, Any]:
    response = client.get(f"{STATEMENTS}/{statement_id}", headers=org.owner)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def give_role(client: TestClient, org: Org, user_id: int, role: str) -> None:
    response = client.patch(f"/api/users/{user_id}", json={"role": role}, headers=org.owner)
    assert response.status_code == 200, response.text
    assert response.json()["role"] == role, response.text


def project_with_members(
    client: TestClient,
    org: Org,
    members: list[dict[str, Any]],
    *,
    requires_manager_approval: bool = True,
    name: str = "Fjord bridge",
) -> int:
    """A project effective since 2024 (`requires_manager_approval` as asked) with these
    members (`{"user_id": ..., "is_manager": ...}`)."""
    created = client.post(
        "/api/projects",
        json={
            "name": name,
            "requires_manager_approval": requires_manager_approval,
            "effective_from": "2024-01-01",
        },
        headers=org.owner,
    )
    assert created.status_code == 201, created.text
    project_id: int = created.json()["id"]
    put = client.put(
        f"/api/projects/{project_id}/members", json={"items": members}, headers=org.owner
    )
    assert put.status_code == 200, put.text
    return project_id


def inbox_count(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(f"{INBOX}/count", params=params, headers=headers)
    assert response.status_code == 200, response.text
    counted: dict[str, Any] = response.json()
    return counted


def decisions_taken(client: TestClient, org: Org, **params: Any) -> list[dict[str, Any]]:
    """Every decision of the history, oldest first (the owner reads them all)."""
    response = client.get(
        DECISIONS,
        params={"scope": "all", "sort": "id", "direction": "asc", "limit": 200, **params},
        headers=org.owner,
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


# The delegation and event tests' helpers

EVENTS = "/api/events"
EVER_SINCE, FOR_EVER = "2020-01-01", "2099-12-31"
"""A delegation window holding today, whenever the tests run."""


def today_of(db: Database, org: Org) -> date:
    """Today in the workspace's time zone, as the server sees it."""
    workspace_id = org.leave.office.oslo.workspace.id
    with db.transaction(workspace_id=workspace_id) as session:
        return workspace_today(session, workspace_id)


def delegating(
    client: TestClient,
    headers: dict[str, str],
    delegate_user_id: int,
    *,
    starts_on: str = EVER_SINCE,
    ends_on: str = FOR_EVER,
    status: int = 201,
    **body: Any,
) -> Response:
    """POST a delegation (the caller's own unless `delegator_user_id` is given)."""
    response = client.post(
        DELEGATIONS,
        json={
            "delegate_user_id": delegate_user_id,
            "starts_on": starts_on,
            "ends_on": ends_on,
            **body,
        },
        headers=headers,
    )
    assert response.status_code == status, response.text
    return response


def delegated(
    client: TestClient, headers: dict[str, str], delegate_user_id: int, **body: Any
) -> dict[str, Any]:
    """A delegation made (201), as answered."""
    made: dict[str, Any] = delegating(client, headers, delegate_user_id, **body).json()
    return made


def decision_history(
    client: TestClient, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    """GET /api/approvals/decisions as `headers`, oldest first."""
    response = client.get(
        DECISIONS,
        params={"sort": "id", "direction": "asc", "limit": 200, **params},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def approval_events(
    client: TestClient, headers: dict[str, str], types: str = "approval.*"
) -> list[dict[str, Any]]:
    """Every event of `types` in the feed that `headers` sees, in revision order."""
    found: list[dict[str, Any]] = []
    after = 0
    while True:
        response = client.get(
            EVENTS,
            params={"types": types, "after": after, "limit": 200},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        page = response.json()
        found.extend(page["items"])
        if not page["has_more"]:
            return found
        after = page["next_after"]
