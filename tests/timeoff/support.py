"""The Oslo office of the statements' tests with three time-off policies: vacation in days
(approved by a manager, half days, a 25-day grant and a carry-over cap), sick leave
without an account (no approval), and leave in hours (`norm_minutes`)."""

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from tests.presence.support import create_setting
from tests.statements.support import SINCE, Office, office, run_jobs
from timeledger.access.credentials import PasswordHashing
from timeledger.config import Settings
from timeledger.kit.db import Database

GRANT = {"plugin_id": "annual_grant", "config": {"amount": 2500, "on": "01-01"}}
CARRY_OVER = {
    "plugin_id": "carry_over_cap",
    "config": {"on": "12-31", "max_carry": 500, "valid_until": "03-31"},
}


@dataclass(frozen=True)
class Leave:
    office: Office
    vacation_account_id: int
    hours_account_id: int
    vacation_policy_id: int
    sick_policy_id: int
    hours_policy_id: int
    vacation_activity_id: int
    sick_activity_id: int

    @property
    def headers(self) -> dict[str, str]:
        """The owner's: they approve."""
        return self.office.headers

    @property
    def person(self) -> dict[str, str]:
        """The employee's own."""
        return self.office.person.headers

    @property
    def employee_id(self) -> int:
        return self.office.employee_id

    @property
    def base(self) -> str:
        return f"/api/employees/{self.employee_id}/timeoffs"


def activity_id(client: TestClient, headers: dict[str, str], key: str) -> int:
    activities = client.get(
        "/api/settings/activities", params={"limit": 200}, headers=headers
    ).json()["items"]
    (found,) = [activity["id"] for activity in activities if activity["key"] == key]
    return int(found)


def leave_office(client: TestClient, db: Database, hashing: PasswordHashing) -> Leave:
    the_office = office(client, db, hashing)
    headers = the_office.headers
    vacation_account = create_setting(
        client, headers, "timebank-accounts", name="Vacation", unit="days", effective_from=SINCE
    )
    hours_account = create_setting(
        client, headers, "timebank-accounts", name="Leave hours", unit="hours",
        effective_from=SINCE,
    )  # fmt: skip
    vacation_activity = activity_id(client, headers, "vacation")
    sick_activity = activity_id(client, headers, "sick")
    vacation = create_setting(
        client,
        headers,
        "timeoff-policies",
        name="Vacation",
        activity_id=vacation_activity,
        account_id=vacation_account,
        approval="manager",
        usage={"plugin_id": "workdays"},
        accrual=GRANT,
        expiration=CARRY_OVER,
        half_days=True,
        effective_from=SINCE,
    )
    sick = create_setting(
        client,
        headers,
        "timeoff-policies",
        name="Sick leave",
        activity_id=sick_activity,
        approval="none",
        usage={"plugin_id": "workdays"},
        effective_from=SINCE,
    )
    hours = create_setting(
        client,
        headers,
        "timeoff-policies",
        name="Leave in hours",
        activity_id=activity_id(client, headers, "free_time"),
        account_id=hours_account,
        approval="none",
        usage={"plugin_id": "norm_minutes"},
        allow_negative=True,
        effective_from=SINCE,
    )
    changed = client.patch(
        f"/api/settings/employment-terms/{the_office.oslo.terms_id}",
        json={"timeoff_policy_ids": [vacation, sick, hours], "effective_from": SINCE},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    return Leave(
        the_office, vacation_account, hours_account, vacation, sick, hours, vacation_activity,
        sick_activity,
    )  # fmt: skip


def grant(client: TestClient, leave: Leave, amount: int, day: str = "2026-01-01") -> None:
    """A hand-posted entitlement on the vacation account."""
    response = client.post(
        f"/api/employees/{leave.employee_id}/timebank/movements",
        json={
            "account_id": leave.vacation_account_id,
            "day": day,
            "amount": amount,
            "cause": "entitlement",
        },
        headers=leave.headers,
    )
    assert response.status_code == 201, response.text


def request(
    client: TestClient,
    leave: Leave,
    start: str,
    end: str,
    *,
    policy_id: int | None = None,
    headers: dict[str, str] | None = None,
    status: int = 201,
    **body: Any,
) -> dict[str, Any]:
    response = client.post(
        leave.base,
        json={
            "timeoff_policy_id": policy_id or leave.vacation_policy_id,
            "start_day": start,
            "end_day": end,
            **body,
        },
        headers=headers or leave.person,
    )
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


def decide(
    client: TestClient,
    leave: Leave,
    timeoff_id: int,
    action: str,
    *,
    headers: dict[str, str] | None = None,
    status: int = 200,
) -> dict[str, Any]:
    response = client.post(
        f"{leave.base}/{timeoff_id}/{action}", json={}, headers=headers or leave.headers
    )
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


def movements(client: TestClient, leave: Leave, account_id: int) -> list[dict[str, Any]]:
    response = client.get(
        f"/api/employees/{leave.employee_id}/timebank/movements",
        params={"account_id": account_id, "limit": 200},
        headers=leave.headers,
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return sorted(items, key=lambda item: (item["day"], item["id"]))


def balances(client: TestClient, leave: Leave, as_of: str) -> dict[int, dict[str, Any]]:
    response = client.get(f"{leave.base}/balances", params={"as_of": as_of}, headers=leave.person)
    assert response.status_code == 200, response.text
    return {item["timeoff_policy_id"]: item for item in response.json()}


def entries(client: TestClient, leave: Leave, first: str, last: str) -> list[dict[str, Any]]:
    response = client.get(
        f"/api/employees/{leave.employee_id}/timesheet/entries",
        params={"from": first, "to": last, "limit": 200},
        headers=leave.headers,
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def run_job(
    client: TestClient, db: Database, settings: Settings, leave: Leave, kind: str, **parameters: Any
) -> None:
    started = client.post(
        "/api/admin/batch-jobs",
        json={"kind": kind, "parameters": parameters},
        headers=leave.headers,
    )
    assert started.status_code == 201, started.text
    run_jobs(db, settings)
    job = client.get(f"/api/admin/batch-jobs/{started.json()['id']}", headers=leave.headers)
    assert job.json()["status"] == "done", job.text
