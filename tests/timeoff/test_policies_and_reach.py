"""Time-off policies as configuration (their checks and the terms naming them), who reads
and lists requests, the McTime face showing booked leave, and the settled period that
keeps its time off."""

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from tests.access.support import new_person
from tests.statements.support import generated, read, run_jobs, step
from tests.timeoff.support import GRANT, Leave, decide, grant, request
from timeledger.config import Settings
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database

POLICIES = "/api/settings/timeoff-policies"
MCTIME_TIMES = "/compat/mctime/api/v2/auth/times"


def policy(client: TestClient, leave: Leave, status: int, **values: Any) -> dict[str, Any]:
    body = {
        "name": "Extra",
        "activity_id": leave.vacation_activity_id,
        "usage": {"plugin_id": "workdays"},
        "effective_from": "2026-01-01",
        **values,
    }
    response = client.post(POLICIES, json=body, headers=leave.headers)
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_a_policy_is_checked_against_its_activity_account_and_plugins(
    client: TestClient, leave: Leave
) -> None:
    made = policy(client, leave, 201, account_id=leave.vacation_account_id, accrual=GRANT)
    assert made["accrual"]["config"] == {"amount": 2500, "on": "01-01", "proration": "monthly"}
    assert made["approval"] == "manager"

    def refused_at(**values: Any) -> str:
        return str(policy(client, leave, 422, **values)["errors"][0]["location"])

    work = client.get(
        "/api/settings/activities", params={"limit": 200}, headers=leave.headers
    ).json()["items"]
    (work_id,) = [activity["id"] for activity in work if activity["key"] == "work"]
    assert refused_at(activity_id=work_id) == "body.activity_id"
    assert refused_at(account_id=leave.hours_account_id) == "body.account_id"
    assert refused_at(accrual=GRANT) == "body.accrual"
    assert refused_at(usage={"plugin_id": "fortnights"}) == "body.usage.plugin_id"
    bad_day = {"plugin_id": "annual_grant", "config": {"amount": 100, "on": "02-30"}}
    assert refused_at(account_id=leave.vacation_account_id, accrual=bad_day).startswith(
        "body.accrual.config"
    )
    descriptor = client.get(
        "/api/descriptor/plugins/usage-rules/workdays/schema", headers=leave.headers
    )
    assert descriptor.status_code == 200, descriptor.text

    in_use = client.delete(f"{POLICIES}/{leave.vacation_policy_id}", headers=leave.headers)
    assert in_use.status_code in (409, 422), in_use.text
    assert "Office terms" in in_use.json()["detail"]
    unknown = client.patch(
        f"/api/settings/employment-terms/{leave.office.oslo.terms_id}",
        json={"timeoff_policy_ids": [999999], "effective_from": "2026-01-01"},
        headers=leave.headers,
    )
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["errors"][0]["location"] == "body.timeoff_policy_ids"


def test_requests_are_read_within_reach_and_listed_for_calendars(
    client: TestClient, db: Database, leave: Leave
) -> None:
    grant(client, leave, 2500)
    first = request(client, leave, "2026-05-04", "2026-05-05")
    second = request(client, leave, "2026-06-01", "2026-06-03")
    decide(client, leave, second["id"], "approve")

    own = client.get("/api/timeoffs", headers=leave.person)
    assert [item["id"] for item in own.json()["items"]] == [first["id"], second["id"]]
    everyone = client.get(
        "/api/timeoffs",
        params={"scope": "all", "from": "2026-06-01", "to": "2026-06-30", "status": "approved"},
        headers=leave.headers,
    )
    assert [item["id"] for item in everyone.json()["items"]] == [second["id"]]
    too_wide = client.get("/api/timeoffs", params={"scope": "all"}, headers=leave.person)
    assert too_wide.status_code == 403, too_wide.text
    listed = client.get(leave.base, params={"status": "requested"}, headers=leave.person)
    assert [item["id"] for item in listed.json()["items"]] == [first["id"]]
    shown = client.get(f"{leave.base}/{first['id']}", headers=leave.person)
    assert shown.json()["amount"] == 200

    outsider = new_person(db, leave.office.oslo.workspace.id, "employee").headers
    stranger = client.get(f"/api/employees/{leave.employee_id}/timeoffs", headers=outsider)
    assert stranger.status_code == 404, stranger.text
    not_theirs = client.post(f"{leave.base}/{first['id']}/cancel", json={}, headers=outsider)
    assert not_theirs.status_code == 404, not_theirs.text


def test_booked_leave_shows_in_the_mctime_face(client: TestClient, leave: Leave) -> None:
    grant(client, leave, 2500)
    made = request(client, leave, "2026-03-02", "2026-03-03")
    decide(client, leave, made["id"], "approve")
    response = client.get(
        MCTIME_TIMES,
        params={
            "from": "2026-03-02T00:00:00+01:00",
            "to": "2026-03-08T23:59:00+01:00",
            "userIds": leave.office.person.user_id,
            "timeTypes": "vacation",
        },
        headers={"API_KEY": leave.office.oslo.workspace.api_key},
    )
    assert response.status_code == 200, response.text
    people = response.json()["items"][0]["data"]["timeEntries"]
    times = [time for person in people for time in person["times"]]
    assert len(times) == 2
    assert {time["type"] for time in times} == {"vacation"}


def test_time_off_in_a_settled_period_stays(
    client: TestClient, db: Database, settings: Settings, leave: Leave
) -> None:
    grant(client, leave, 2500)
    made = request(client, leave, "2026-03-02", "2026-03-03")
    decide(client, leave, made["id"], "approve")
    statement = generated(client, db, settings, leave.office, "2026-03-02")
    step(client, leave.person, statement["id"], "submit", payout_minutes=0)
    step(client, leave.headers, statement["id"], "approve")
    run_jobs(db, settings)
    assert read(client, leave.headers, statement["id"])["status"] == "settled"

    refused = decide(client, leave, made["id"], "cancel", headers=leave.person, status=409)
    assert refused["statement_id"] == statement["id"]
    late = request(client, leave, "2026-03-04", "2026-03-04", status=409)
    assert late["statement_id"] == statement["id"]


def test_notice_is_required_unless_the_caller_writes_everyones_time_off(
    client: TestClient, leave: Leave
) -> None:
    noticed = policy(
        client, leave, 201, name="Planned leave", min_notice_days=14, effective_from="2024-01-01"
    )
    terms = client.patch(
        f"/api/settings/employment-terms/{leave.office.oslo.terms_id}",
        json={
            "timeoff_policy_ids": [leave.vacation_policy_id, noticed["id"]],
            "effective_from": "2024-01-01",
        },
        headers=leave.headers,
    )
    assert terms.status_code == 200, terms.text
    today = utcnow().astimezone(ZoneInfo("Europe/Oslo")).date()
    # Two weeks each, so some day of them is a working day whatever the holidays.
    soon = today + timedelta(days=3)
    later = today + timedelta(days=20)
    short = request(
        client, leave, soon.isoformat(), soon.isoformat(), policy_id=noticed["id"], status=422
    )
    assert short["errors"][0]["location"] == "body.start_day"
    assert (today + timedelta(days=14)).isoformat() in short["detail"]
    fortnight = timedelta(days=13)
    request(
        client, leave, later.isoformat(), (later + fortnight).isoformat(), policy_id=noticed["id"]
    )
    by_admin = request(
        client, leave, soon.isoformat(), (soon + fortnight).isoformat(), policy_id=noticed["id"],
        headers=leave.headers,
    )  # fmt: skip
    assert by_admin["status"] == "requested"
