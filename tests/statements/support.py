"""The Oslo workspace of the rule engine's examples with a settlement policy, and helpers
to run the statements' jobs and steps through the API."""

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from tests.access.support import Principal, new_person
from tests.evaluation.support import Oslo, oslo_workspace
from tests.organization.support import employee_of_user
from tests.presence.support import create_setting, record
from timeledger.access.credentials import PasswordHashing
from timeledger.config import Settings
from timeledger.jobs.worker import Worker
from timeledger.kit.db import Database

STATEMENTS = "/api/timesheet/statements"
SINCE = "2024-01-01"


@dataclass(frozen=True)
class Office:
    """The Oslo employee, linked to a person with the employee role, on terms naming a
    settlement policy."""

    oslo: Oslo
    person: Principal
    flex_account_id: int
    settlement_policy_id: int
    work_activity_id: int

    @property
    def headers(self) -> dict[str, str]:
        return self.oslo.headers

    @property
    def employee_id(self) -> int:
        return self.oslo.employee_id


def default_steps(flex: int) -> list[dict[str, Any]]:
    return [
        {"plugin_id": "bank_norm_delta", "config": {"account_id": flex}},
        {
            "plugin_id": "overtime_choice",
            "config": {"account_id": flex, "supplement_always_paid": True},
        },
        {"plugin_id": "lock_period", "config": {}},
    ]


def office(
    client: TestClient,
    db: Database,
    hashing: PasswordHashing,
    *,
    period: str = "week",
    approval: str = "manager",
    steps: list[dict[str, Any]] | None = None,
) -> Office:
    oslo = oslo_workspace(client, db, hashing, since=SINCE)
    headers = oslo.headers
    accounts = client.get("/api/settings/timebank-accounts", headers=headers).json()["items"]
    (flex,) = [account["id"] for account in accounts if account["name"] == "Flex"]
    policy = create_setting(
        client,
        headers,
        "settlement-policies",
        name=f"{period.title()}ly close",
        period=period,
        steps=default_steps(flex) if steps is None else steps,
        effective_from=SINCE,
    )
    changed = client.patch(
        f"/api/settings/employment-terms/{oslo.terms_id}",
        json={
            "settlement_policy_id": policy,
            "timesheet_approval": approval,
            "effective_from": SINCE,
        },
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    person = new_person(db, oslo.workspace.id, "employee")
    own_record = employee_of_user(client, headers, person.user_id)
    removed = client.delete(f"/api/employees/{own_record['id']}", headers=headers)
    assert removed.status_code == 204, removed.text
    linked = client.patch(
        f"/api/employees/{oslo.employee_id}", json={"user_id": person.user_id}, headers=headers
    )
    assert linked.status_code == 200, linked.text
    activities = client.get("/api/settings/activities", headers=headers).json()["items"]
    (work,) = [activity["id"] for activity in activities if activity["key"] == "work"]
    return Office(oslo, person, flex, policy, work)


def a_long_monday_week(client: TestClient, office: Office) -> list[dict[str, Any]]:
    """The issue's week: Monday 07-18 with a 30-minute break, Tuesday to Friday 08-15:30."""
    intervals = [
        record(
            client,
            office.headers,
            office.employee_id,
            "2026-03-02T07:00:00+01:00",
            "2026-03-02T18:00:00+01:00",
            breaks=[
                {
                    "started_at": "2026-03-02T11:30:00+01:00",
                    "ended_at": "2026-03-02T12:00:00+01:00",
                }
            ],
        )
    ]
    for day in range(3, 7):
        intervals.append(
            record(
                client,
                office.headers,
                office.employee_id,
                f"2026-03-0{day}T08:00:00+01:00",
                f"2026-03-0{day}T15:30:00+01:00",
            )
        )
    return intervals


def run_jobs(db: Database, settings: Settings) -> None:
    """Run the worker until nothing is due."""
    worker = Worker(db, settings)
    while worker.run_once():
        pass


def start_generation(
    client: TestClient, headers: dict[str, str], **parameters: Any
) -> dict[str, Any]:
    response = client.post(
        "/api/admin/batch-jobs",
        json={"kind": "timesheet.generate-statements", "parameters": parameters},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


def generated(
    client: TestClient, db: Database, settings: Settings, office: Office, day: str
) -> dict[str, Any]:
    """Run the generation job for the period holding `day` and answer the office
    employee's statement of it."""
    start_generation(client, office.headers, period_start=day)
    run_jobs(db, settings)
    return statement_of(client, office, day)


def statement_of(client: TestClient, office: Office, day: str) -> dict[str, Any]:
    """The office employee's statement of the period holding `day`."""
    listed = client.get(
        f"/api/employees/{office.employee_id}/timesheet/statements", headers=office.headers
    )
    assert listed.status_code == 200, listed.text
    (item,) = [
        item for item in listed.json()["items"] if item["period_start"] <= day <= item["period_end"]
    ]
    return read(client, office.headers, item["id"])


def read(client: TestClient, headers: dict[str, str], statement_id: int) -> dict[str, Any]:
    response = client.get(f"{STATEMENTS}/{statement_id}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def step(
    client: TestClient,
    headers: dict[str, str],
    statement_id: int,
    action: str,
    status: int = 200,
    **body: Any,
) -> dict[str, Any]:
    response = client.post(f"{STATEMENTS}/{statement_id}/{action}", json=body, headers=headers)
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


def movements(client: TestClient, office: Office) -> list[dict[str, Any]]:
    response = client.get(
        f"/api/employees/{office.employee_id}/timebank/movements",
        params={"account_id": office.flex_account_id},
        headers=office.headers,
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return sorted(items, key=lambda item: item["id"])
