"""The live preview through the API, on both engines: the issue's Oslo employee, drafts,
scopes, and bad input."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.evaluation.support import OT_CONFIG, OT_COUNTER, Oslo, evaluate
from tests.organization.support import create_employee
from tests.presence.support import record
from tests.timesheet.support import person_in
from timeledger.kit.db import Database


def a_long_monday(client: TestClient, oslo: Oslo) -> None:
    record(
        client,
        oslo.headers,
        oslo.employee_id,
        "2026-03-02T07:00:00+01:00",
        "2026-03-02T18:00:00+01:00",
        breaks=[
            {"started_at": "2026-03-02T11:30:00+01:00", "ended_at": "2026-03-02T12:00:00+01:00"}
        ],
    )
    for day in range(3, 7):
        record(
            client,
            oslo.headers,
            oslo.employee_id,
            f"2026-03-0{day}T08:00:00+01:00",
            f"2026-03-0{day}T15:30:00+01:00",
        )


def test_the_long_monday_through_the_api(client: TestClient, oslo: Oslo) -> None:
    a_long_monday(client, oslo)

    answer = evaluate(client, oslo)

    assert answer["totals"] == {
        "norm_minutes": 2250,
        "worked_minutes": 2430,
        "overtime_minutes": 90,
        "flex_delta_minutes": 90,
    }
    (overtime,) = [line for line in answer["lines"] if line["kind"] == "overtime"]
    assert overtime["policy_id"] == oslo.ot_policy_id
    assert overtime["policy_version_effective_from"] == "2024-01-01"
    assert (overtime["day"], overtime["minutes"], overtime["rate_percent"]) == (
        "2026-03-02",
        90,
        140,
    )
    assert overtime["sources"][0]["from"] == "2026-03-02T15:30:00Z"
    assert answer["days"][0] == {
        "day": "2026-03-02",
        "norm_minutes": 450,
        "worked_minutes": 630,
        "credited_minutes": 0,
        "flex_delta_minutes": 90,
    }
    assert answer["issues"] == []
    assert answer == evaluate(client, oslo)


def test_a_night_through_the_api(client: TestClient, oslo: Oslo) -> None:
    record(
        client,
        oslo.headers,
        oslo.employee_id,
        "2026-03-03T22:00:00+01:00",
        "2026-03-04T06:30:00+01:00",
        breaks=[
            {"started_at": "2026-03-04T02:00:00+01:00", "ended_at": "2026-03-04T02:30:00+01:00"}
        ],
    )

    answer = evaluate(client, oslo)

    assert [day["worked_minutes"] for day in answer["days"]][:3] == [0, 480, 0]
    (night,) = [line for line in answer["lines"] if line["kind"] == "allowance"]
    assert (night["policy_id"], night["minutes"]) == (oslo.night_policy_id, 450)


def test_draft_policies_preview_a_change_without_storing_it(client: TestClient, oslo: Oslo) -> None:
    a_long_monday(client, oslo)
    stricter = {
        "name": "OT from 8 hours",
        "target_activity_id": oslo.overtime_activity_id,
        "classify_as_overtime": True,
        "counter": {
            **OT_COUNTER,
            "config": {**OT_CONFIG, "daily_threshold_minutes": 480},
        },
    }
    before = client.get("/api/settings/allowance-policies", headers=oslo.headers).json()

    drafted = evaluate(
        client, oslo, draft_policies={"allowance_policies": [stricter], "worktime_policy": None}
    )

    (overtime,) = [line for line in drafted["lines"] if line["kind"] == "overtime"]
    assert (overtime["policy_id"], overtime["minutes"]) == (None, 150)
    assert drafted["totals"]["flex_delta_minutes"] is None
    assert drafted["input_digest"] != evaluate(client, oslo)["input_digest"]
    assert client.get("/api/settings/allowance-policies", headers=oslo.headers).json() == before
    assert evaluate(client, oslo)["totals"]["overtime_minutes"] == 90


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"from": "2026-03-01", "to": "2026-05-02"}, "body"),
        ({"from": "2026-03-08", "to": "2026-03-01"}, "body"),
        ({"from": "2026-03-01"}, "body.to"),
        (
            {
                "from": "2026-03-01",
                "to": "2026-03-02",
                "draft_policies": {
                    "allowance_policies": [
                        {
                            "name": "bad",
                            "target_activity_id": 1,
                            "counter": {
                                **OT_COUNTER,
                                "config": {**OT_CONFIG, "rate_percent": -5},
                            },
                        }
                    ]
                },
            },
            "body.draft_policies.allowance_policies.0.counter.config.rate_percent",
        ),
        (
            {
                "from": "2026-03-01",
                "to": "2026-03-02",
                "draft_policies": {
                    "worktime_policy": {
                        "name": "bad",
                        "steps": [{"plugin_id": "nap", "config": {}}],
                    }
                },
            },
            "body.draft_policies.worktime_policy.steps.0.plugin_id",
        ),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, oslo: Oslo, body: dict[str, Any], location: str
) -> None:
    response = client.post(oslo.evaluate, json=body, headers=oslo.headers)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert location in [error["location"] for error in response.json()["errors"]]


def test_a_draft_target_activity_must_be_an_allowance(client: TestClient, oslo: Oslo) -> None:
    work = client.get("/api/settings/activities?type=work&limit=1", headers=oslo.headers).json()
    draft = {"name": "x", "target_activity_id": work["items"][0]["id"], "counter": OT_COUNTER}

    response = client.post(
        oslo.evaluate,
        json={
            "from": "2026-03-02",
            "to": "2026-03-02",
            "draft_policies": {"allowance_policies": [draft]},
        },
        headers=oslo.headers,
    )

    assert response.status_code == 422, response.text
    locations = [error["location"] for error in response.json()["errors"]]
    assert locations == ["body.draft_policies.allowance_policies.0.target_activity_id"]


def test_an_employee_without_terms_gets_worked_norm_and_an_issue(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    employee = create_employee(client, workspace.headers, "N1")
    record(
        client,
        workspace.headers,
        employee["id"],
        "2026-03-02T08:00:00+01:00",
        "2026-03-02T16:00:00+01:00",
    )

    response = client.post(
        f"/api/employees/{employee['id']}/timesheet/evaluate",
        json={"from": "2026-03-02", "to": "2026-03-02"},
        headers=workspace.headers,
    )

    assert response.status_code == 200, response.text
    answer = response.json()
    # No employment period recorded: employed throughout, as the timesheet takes them.
    assert [line["kind"] for line in answer["lines"]] == ["worked", "norm"]
    assert answer["days"][0]["worked_minutes"] == 480
    assert [issue["code"] for issue in answer["issues"]] == ["no_policies"]


def test_an_employee_evaluates_their_own_timesheet_only(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = person_in(client, db, workspace)
    colleague = person_in(client, db, workspace)
    body = {"from": "2026-03-02", "to": "2026-03-08"}

    own = client.post(
        f"/api/employees/{person.employee_id}/timesheet/evaluate", json=body, headers=person.headers
    )
    other = client.post(
        f"/api/employees/{colleague.employee_id}/timesheet/evaluate",
        json=body,
        headers=person.headers,
    )

    assert own.status_code == 200, own.text
    assert other.status_code == 404, other.text


def test_another_workspace_cannot_evaluate(
    client: TestClient, oslo: Oslo, other_workspace: WorkspaceFixture
) -> None:
    response = client.post(
        oslo.evaluate,
        json={"from": "2026-03-02", "to": "2026-03-02"},
        headers=other_workspace.headers,
    )

    assert response.status_code == 404, response.text
