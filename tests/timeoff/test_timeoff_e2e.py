"""Time off through the real `timeledger serve` process and its in-process worker: a
policy and terms set up over HTTP, the accrual job granting, a request approved and
booked, the balance moving, and a cancellation giving the days back."""

import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import make_workspace
from tests.test_serve_e2e import serving
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

SINCE = "2026-01-01"


def created(client: httpx.Client, path: str, **body: Any) -> int:
    response = client.post(path, json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def finished_job(client: httpx.Client, job_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        job: dict[str, Any] = client.get(f"/api/admin/batch-jobs/{job_id}").json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.2)


def test_a_vacation_granted_requested_approved_and_cancelled_over_http(
    tmp_path: Path, sqlite_template: Path, hashing: PasswordHashing
) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "timeledger.db")
    url = f"sqlite:///{tmp_path / 'timeledger.db'}"
    db = Database(url)
    workspace = make_workspace(db, hashing, "Fjord", timezone="Europe/Oslo")
    db.dispose()
    with (
        serving(url, tmp_path) as base_url,
        httpx.Client(base_url=base_url, headers=workspace.headers, timeout=20) as client,
    ):
        account = created(
            client, "/api/settings/timebank-accounts", name="Vacation", unit="days",
            effective_from=SINCE,
        )  # fmt: skip
        activities = client.get("/api/settings/activities", params={"limit": 200}).json()
        (vacation,) = [a["id"] for a in activities["items"] if a["key"] == "vacation"]
        calendar = created(
            client, "/api/settings/holiday-calendars", name="Norway", country="NO",
            effective_from=SINCE,
        )  # fmt: skip
        policy = created(
            client,
            "/api/settings/timeoff-policies",
            name="Vacation",
            activity_id=vacation,
            account_id=account,
            usage={"plugin_id": "workdays"},
            accrual={"plugin_id": "annual_grant", "config": {"amount": 2500, "on": "01-01"}},
            effective_from=SINCE,
        )
        terms = created(
            client,
            "/api/settings/employment-terms",
            name="Office",
            norm_minutes=[450] * 5 + [0, 0],
            holiday_calendar_id=calendar,
            timeoff_policy_ids=[policy],
            effective_from=SINCE,
        )
        employee = created(
            client,
            "/api/employees",
            employee_number="7",
            first_name="Kari",
            last_name="Nordmann",
            employment_terms_id=terms,
            weekly_pattern_minutes=[450] * 5 + [0, 0],
            effective_from=SINCE,
        )
        job = created(
            client, "/api/admin/batch-jobs", kind="timeoff.accrue", parameters={"day": "2026-03-01"}
        )
        assert finished_job(client, job)["result"]["movements"] == 1

        base = f"/api/employees/{employee}/timeoffs"
        made = client.post(
            base,
            json={"timeoff_policy_id": policy, "start_day": "2026-03-30", "end_day": "2026-04-10"},
        )
        assert made.status_code == 201, made.text
        assert (made.json()["status"], made.json()["amount"]) == ("requested", 700)
        request_id = made.json()["id"]
        approved = client.post(f"{base}/{request_id}/approve", json={"note": "God tur"})
        assert approved.status_code == 200, approved.text

        balances = client.get(f"{base}/balances", params={"as_of": "2026-04-30"}).json()
        assert [(b["balance"], b["available"]) for b in balances] == [(1800, 1800)]
        entries = client.get(
            f"/api/employees/{employee}/timesheet/entries",
            params={"from": "2026-03-30", "to": "2026-04-10"},
        ).json()["items"]
        assert len(entries) == 7 and {e["timeoff_request_id"] for e in entries} == {request_id}

        cancelled = client.post(f"{base}/{request_id}/cancel")
        assert cancelled.status_code == 200, cancelled.text
        balances = client.get(f"{base}/balances", params={"as_of": "2026-04-30"}).json()
        assert [b["balance"] for b in balances] == [2500]
