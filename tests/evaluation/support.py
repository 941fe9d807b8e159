"""The Oslo workspace of the rule engine issue's examples, through the API: a flex
account, an allowance activity, the OT and NIGHT policies, terms with Norway's holiday
calendar, and an employee on them."""

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture, make_workspace
from tests.organization.support import create_employee
from tests.presence.support import create_setting
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

OT_CONFIG: dict[str, Any] = {
    "daily_threshold_minutes": 540,
    "daily_basis": "fixed",
    "weekly_threshold_minutes": 2400,
    "rate_percent": 140,
}
OT_COUNTER = {"plugin_id": "norm_week_counter", "config": OT_CONFIG}
NIGHT_RULES = [
    {
        "filters": [{"plugin_id": "time_window", "config": {"from": "21:00", "to": "06:00"}}],
        "calculator": {"plugin_id": "rate", "config": {"percent": 100}},
    }
]


@dataclass(frozen=True)
class Oslo:
    workspace: WorkspaceFixture
    employee_id: int
    overtime_activity_id: int
    ot_policy_id: int
    night_policy_id: int
    terms_id: int

    @property
    def headers(self) -> dict[str, str]:
        return self.workspace.headers

    @property
    def evaluate(self) -> str:
        return f"/api/employees/{self.employee_id}/timesheet/evaluate"


def oslo_workspace(
    client: TestClient, db: Database, hashing: PasswordHashing, since: str = "2024-01-01"
) -> Oslo:
    """Everything effective from `since`."""
    workspace = make_workspace(db, hashing, "Fjord", timezone="Europe/Oslo")
    headers = workspace.headers
    flex = create_setting(
        client, headers, "timebank-accounts", name="Flex", unit="hours", effective_from=since
    )
    overtime = create_setting(
        client,
        headers,
        "activities",
        name="Overtime",
        type="allowance",
        effective_from=since,
    )
    worktime = create_setting(
        client,
        headers,
        "worktime-policies",
        name="Office",
        flex_account_id=flex,
        effective_from=since,
    )
    ot = create_setting(
        client,
        headers,
        "allowance-policies",
        name="OT",
        target_activity_id=overtime,
        classify_as_overtime=True,
        consumes_flex=True,
        counter=OT_COUNTER,
        effective_from=since,
    )
    night = create_setting(
        client,
        headers,
        "allowance-policies",
        name="NIGHT",
        target_activity_id=overtime,
        rules=NIGHT_RULES,
        effective_from=since,
    )
    calendar = create_setting(
        client,
        headers,
        "holiday-calendars",
        name="Norway",
        country="NO",
        effective_from=since,
    )
    terms = create_setting(
        client,
        headers,
        "employment-terms",
        name="Office terms",
        holiday_calendar_id=calendar,
        norm_minutes=[450, 450, 450, 450, 450, 0, 0],
        worktime_policy_id=worktime,
        allowance_policy_ids=[ot, night],
        effective_from=since,
    )
    employee = create_employee(
        client,
        headers,
        "O1",
        employment_terms_id=terms,
        timezone="Europe/Oslo",
        weekly_pattern_minutes=[450, 450, 450, 450, 450, 0, 0],
        effective_from=since,
    )
    employment = client.post(
        f"/api/employees/{employee['id']}/employments",
        json={"starts_on": since},
        headers=headers,
    )
    assert employment.status_code == 201, employment.text
    return Oslo(workspace, employee["id"], overtime, ot, night, terms)


def evaluate(client: TestClient, oslo: Oslo, **body: Any) -> dict[str, Any]:
    response = client.post(
        oslo.evaluate, json={"from": "2026-03-02", "to": "2026-03-08", **body}, headers=oslo.headers
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer
