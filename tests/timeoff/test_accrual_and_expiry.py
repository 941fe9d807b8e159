"""Accrual and expiry through the jobs on both engines: the issue's joiner at 80 %, a
leaver whose grant is revised when the end date is set, carry-over with expiry of the
unused carried days only, and the job posting once however often it runs."""

import threading
from typing import Any

from fastapi.testclient import TestClient

from tests.statements.support import run_jobs
from tests.timeoff.support import Leave, balances, decide, grant, movements, request, run_job
from timeledger.config import Settings
from timeledger.jobs.worker import Worker
from timeledger.kit.db import Database

ACCRUE = "timeoff.accrue"
EXPIRE = "timeoff.expire"


def employed(client: TestClient, leave: Leave, starts_on: str, percentage: int = 100) -> str:
    """Replace the employee's employment by one from `starts_on`; answers its path."""
    base = f"/api/employees/{leave.employee_id}/employments"
    for employment in client.get(base, headers=leave.headers).json()["items"]:
        removed = client.delete(f"{base}/{employment['id']}", headers=leave.headers)
        assert removed.status_code == 204, removed.text
    made = client.post(
        base, json={"starts_on": starts_on, "percentage": percentage}, headers=leave.headers
    )
    assert made.status_code == 201, made.text
    return f"{base}/{made.json()['id']}"


def accruals(client: TestClient, leave: Leave) -> list[tuple[str, int, str]]:
    return [
        (m["day"], m["amount"], m["timeoff_key"])
        for m in movements(client, leave, leave.vacation_account_id)
        if m["cause"] == "accrual"
    ]


def test_a_joiner_at_80_percent_gets_nine_twelfths_once(
    client: TestClient, db: Database, settings: Settings, leave: Leave
) -> None:
    employed(client, leave, "2026-04-01", percentage=80)
    run_job(client, db, settings, leave, ACCRUE, day="2026-03-31")
    assert accruals(client, leave) == []
    for _ in range(2):
        run_job(client, db, settings, leave, ACCRUE, day="2026-04-01")
    run_job(client, db, settings, leave, ACCRUE, day="2026-06-15")
    assert accruals(client, leave) == [("2026-04-01", 1500, "accrual:2026:1")]


def test_a_leavers_grant_is_revised_when_the_end_is_set(
    client: TestClient, db: Database, settings: Settings, leave: Leave
) -> None:
    employment = employed(client, leave, "2026-01-01")
    run_job(client, db, settings, leave, ACCRUE, day="2026-01-01")
    assert accruals(client, leave) == [("2026-01-01", 2500, "accrual:2026:1")]
    ended = client.patch(employment, json={"ends_on": "2026-06-30"}, headers=leave.headers)
    assert ended.status_code == 200, ended.text
    run_job(client, db, settings, leave, ACCRUE, day="2026-02-01")
    run_job(client, db, settings, leave, ACCRUE, day="2026-02-02")
    assert accruals(client, leave) == [
        ("2026-01-01", 2500, "accrual:2026:1"),
        ("2026-01-01", -1250, "accrual:2026:2"),
    ]


def test_carried_days_not_used_by_the_deadline_expire(
    client: TestClient, db: Database, settings: Settings, leave: Leave
) -> None:
    employed(client, leave, "2020-01-01")
    run_job(client, db, settings, leave, ACCRUE, day="2025-01-01")
    taken = taking(client, leave, "2025-06-02", "2025-06-26")  # 18 days: 9 June is Whit Monday
    assert taken["amount"] == 1800
    run_job(client, db, settings, leave, ACCRUE, day="2026-01-01")
    run_job(client, db, settings, leave, EXPIRE, day="2026-01-01")
    capped = balances(client, leave, "2026-01-01")[leave.vacation_policy_id]
    assert capped["balance"] == 700 - 200 + 2500
    # As things stand: the carried five days at the deadline, and this year's grant above
    # the cap at the next year end.
    assert capped["expiring"] == [
        {"amount": -500, "on": "2026-04-01"},
        {"amount": -2000, "on": "2027-01-01"},
    ]
    taking(client, leave, "2026-02-02", "2026-02-04")  # 3 days of the 5 carried
    shown = balances(client, leave, "2026-03-01")[leave.vacation_policy_id]
    assert shown["expiring"] == [
        {"amount": -200, "on": "2026-04-01"},
        {"amount": -2000, "on": "2027-01-01"},
    ]
    for day in ("2026-03-31", "2026-04-01", "2026-04-02"):
        run_job(client, db, settings, leave, EXPIRE, day=day)
    expiries = [
        (m["day"], m["amount"], m["timeoff_key"])
        for m in movements(client, leave, leave.vacation_account_id)
        if m["cause"] == "expiry"
    ]
    assert expiries == [("2026-01-01", -200, "cap:2025:1"), ("2026-04-01", -200, "carried:2025:1")]
    after = balances(client, leave, "2026-04-01")[leave.vacation_policy_id]
    assert after["balance"] == 3000 - 300 - 200


def taking(client: TestClient, leave: Leave, start: str, end: str) -> dict[str, Any]:
    made = request(client, leave, start, end)
    return decide(client, leave, made["id"], "approve")


def test_two_workers_accruing_at_once_post_once(
    client: TestClient, db: Database, settings: Settings, leave: Leave
) -> None:
    employed(client, leave, "2026-01-01")
    for _ in range(2):
        started = client.post(
            "/api/admin/batch-jobs",
            json={"kind": ACCRUE, "parameters": {"day": "2026-01-02"}},
            headers=leave.headers,
        )
        assert started.status_code == 201, started.text
    workers = [Worker(db, settings) for _ in range(2)]
    threads = [threading.Thread(target=worker.run_once) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_jobs(db, settings)
    assert accruals(client, leave) == [("2026-01-01", 2500, "accrual:2026:1")]


def test_leave_approved_after_the_year_end_gives_back_what_the_cut_took(
    client: TestClient, db: Database, settings: Settings, leave: Leave
) -> None:
    grant(client, leave, 1000, day="2025-01-01")
    late = request(client, leave, "2025-12-29", "2025-12-31")  # decided in January
    run_job(client, db, settings, leave, EXPIRE, day="2026-01-01")
    decide(client, leave, late["id"], "approve")
    for day in ("2026-01-02", "2026-01-03"):
        run_job(client, db, settings, leave, EXPIRE, day=day)
    expiries = [
        (m["day"], m["amount"], m["timeoff_key"])
        for m in movements(client, leave, leave.vacation_account_id)
        if m["cause"] == "expiry"
    ]
    assert expiries == [("2026-01-01", -500, "cap:2025:1"), ("2026-01-01", 300, "cap:2025:2")]
    shown = balances(client, leave, "2026-01-01")[leave.vacation_policy_id]
    assert (shown["balance"], shown["expiring"]) == (500, [{"amount": -500, "on": "2026-04-01"}])
