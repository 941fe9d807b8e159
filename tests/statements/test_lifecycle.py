"""A statement's whole life through the API and the jobs, on both engines: the issue's
example, rejection, withdrawal after a late edit, reopening, terms without approval, and
the transitions that are refused."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import WorkspaceFixture, make_workspace
from tests.presence.support import record
from tests.statements.support import (
    STATEMENTS,
    Office,
    a_long_monday_week,
    generated,
    movements,
    office,
    read,
    run_jobs,
    start_generation,
    statement_of,
    step,
)
from timeledger.access.credentials import PasswordHashing
from timeledger.config import Settings
from timeledger.kit.db import Database
from timeledger.models import AuditEvent, Change

MONDAY = "2026-03-02"
MCTIME_TIMES = "/compat/mctime/api/v2/auth/times"


def an_entry(client: TestClient, office: Office, day: str = "2026-03-03") -> dict[str, Any]:
    response = client.post(
        f"/api/employees/{office.employee_id}/timesheet/entries",
        json={"date": day, "minutes": 60, "activity_id": office.work_activity_id},
        headers=office.headers,
    )
    assert response.status_code == 201, response.text
    entry: dict[str, Any] = response.json()
    return entry


def entry_status(client: TestClient, office: Office, entry_id: int) -> str:
    response = client.get(
        f"/api/employees/{office.employee_id}/timesheet/entries/{entry_id}",
        headers=office.headers,
    )
    assert response.status_code == 200, response.text
    status: str = response.json()["approval_status"]
    return status


def mctime_statuses(client: TestClient, office: Office) -> list[str]:
    response = client.get(
        MCTIME_TIMES,
        params={
            "from": "2026-03-02T00:00:00+01:00",
            "to": "2026-03-08T23:59:00+01:00",
            "userIds": office.person.user_id,
        },
        headers={"API_KEY": office.oslo.workspace.api_key},
    )
    assert response.status_code == 200, response.text
    people = response.json()["items"][0]["data"]["timeEntries"]
    return [time["approvalStatus"] for person in people for time in person["times"]]


def statement_ops(db: Database, statement_id: int) -> list[str]:
    with db.session(write=False) as session:
        return list(
            session.scalars(
                select(Change.op)
                .where(Change.entity == "statement", Change.entity_id == statement_id)
                .order_by(Change.revision)
            )
        )


def test_the_issue_example_from_generation_to_a_locked_period(
    client: TestClient, db: Database, settings: Settings, weekly: Office
) -> None:
    intervals = a_long_monday_week(client, weekly)
    entry = an_entry(client, weekly)

    statement = generated(client, db, settings, weekly, MONDAY)
    assert (statement["status"], statement["revision"], statement["period"]) == ("draft", 1, "week")
    assert (statement["period_start"], statement["period_end"]) == (MONDAY, "2026-03-08")
    assert statement["totals"] == {
        "norm_minutes": 2250,
        "worked_minutes": 2430,
        "overtime_minutes": 90,
        "flex_delta_minutes": 90,
    }
    assert [line["kind"] for line in statement["lines"]].count("overtime") == 1
    employee = weekly.person.headers

    too_much = client.post(
        f"{STATEMENTS}/{statement['id']}/submit", json={"payout_minutes": 91}, headers=employee
    )
    assert too_much.status_code == 422, too_much.text
    assert too_much.json()["errors"][0]["location"] == "body.payout_minutes"

    submitted = step(client, employee, statement["id"], "submit", payout_minutes=60)
    assert (submitted["status"], submitted["payout_minutes"]) == ("submitted", 60)
    assert entry_status(client, weekly, entry["id"]) == "under_approval"
    assert mctime_statuses(client, weekly) == ["under_approval"]
    step(client, employee, statement["id"], "approve", status=403)

    approved = step(client, weekly.headers, statement["id"], "approve")
    assert approved["status"] == "approved"
    assert approved["decided_by_user_id"] == weekly.oslo.workspace.owner_id
    assert entry_status(client, weekly, entry["id"]) == "approved"
    run_jobs(db, settings)

    settled = read(client, weekly.headers, statement["id"])
    assert settled["status"] == "settled"
    assert settled["payroll_lines"] == [
        {
            "code": "OT_BASE",
            "minutes": 60,
            "rate_percent": 100,
            "units": None,
            "amount_minor": None,
        },
        {
            "code": "OT_SUPPLEMENT",
            "minutes": 90,
            "rate_percent": 40,
            "units": None,
            "amount_minor": None,
        },
    ]
    posted = movements(client, weekly)
    assert [(m["day"], m["amount"], m["cause"], m["settlement_step"]) for m in posted] == [
        ("2026-03-08", 90, "settlement", "0.bank_norm_delta"),
        ("2026-03-08", 30, "settlement", "1.overtime_choice"),
    ]
    assert all(m["statement_id"] == statement["id"] for m in posted)

    tuesday = intervals[1]
    changed = client.patch(
        f"/api/employees/{weekly.employee_id}/timesheet/presence/{tuesday['id']}",
        json={"ended_at": "2026-03-03T16:00:00+01:00"},
        headers=weekly.headers,
    )
    assert changed.status_code == 423, changed.text
    assert changed.headers["content-type"] == "application/problem+json"

    with db.transaction(workspace_id=weekly.oslo.workspace.id) as session:
        from timeledger.jobs.registry import enqueue

        enqueue(
            session,
            "timesheet.settle-statement",
            {"statement_id": statement["id"], "revision": settled["revision"]},
            workspace_id=weekly.oslo.workspace.id,
            created_by_user_id=weekly.oslo.workspace.owner_id,
        )
    run_jobs(db, settings)
    assert movements(client, weekly) == posted
    assert statement_ops(db, statement["id"]) == ["generated", "submitted", "approved", "settled"]


def test_an_unchanged_timesheet_generates_nothing_twice(
    client: TestClient, db: Database, settings: Settings, weekly: Office
) -> None:
    a_long_monday_week(client, weekly)
    first = generated(client, db, settings, weekly, MONDAY)
    with db.session(write=False) as session:
        changes_before = session.scalar(select(func.count()).select_from(Change))

    again = generated(client, db, settings, weekly, "2026-03-05")

    with db.session(write=False) as session:
        changes_after = session.scalar(select(func.count()).select_from(Change))
    assert again == first
    # Only the job's own start is in the log: no statement row changed.
    assert statement_ops(db, first["id"]) == ["generated"]
    assert changes_after == changes_before


def test_a_late_edit_recomputes_a_draft_and_makes_a_submitted_statement_stale(
    client: TestClient, db: Database, settings: Settings, weekly: Office
) -> None:
    intervals = a_long_monday_week(client, weekly)
    draft = generated(client, db, settings, weekly, MONDAY)
    url = f"/api/employees/{weekly.employee_id}/timesheet/presence/{intervals[1]['id']}"
    later = client.patch(
        url, json={"ended_at": "2026-03-03T16:00:00+01:00"}, headers=weekly.headers
    )
    assert later.status_code == 200, later.text

    stale_draft = client.post(
        f"{STATEMENTS}/{draft['id']}/submit", json={"payout_minutes": 0}, headers=weekly.headers
    )
    assert stale_draft.status_code == 409, stale_draft.text
    recomputed = generated(client, db, settings, weekly, MONDAY)
    assert (recomputed["revision"], recomputed["totals"]["flex_delta_minutes"]) == (2, 120)

    step(client, weekly.person.headers, draft["id"], "submit", payout_minutes=90)
    undone = client.patch(
        url, json={"ended_at": "2026-03-03T15:30:00+01:00"}, headers=weekly.headers
    )
    assert undone.status_code == 200, undone.text
    stale = generated(client, db, settings, weekly, MONDAY)
    assert (stale["status"], stale["stale"], stale["revision"]) == ("submitted", True, 2)
    assert stale["totals"]["flex_delta_minutes"] == 120

    refused = client.post(f"{STATEMENTS}/{draft['id']}/approve", headers=weekly.headers)
    assert refused.status_code == 409, refused.text
    assert "stale" in refused.json()["detail"]
    withdrawn = step(client, weekly.person.headers, draft["id"], "withdraw")
    assert (withdrawn["status"], withdrawn["stale"], withdrawn["revision"]) == ("draft", False, 3)
    assert withdrawn["totals"]["flex_delta_minutes"] == 90
    assert withdrawn["payout_minutes"] is None
    step(client, weekly.person.headers, draft["id"], "submit", payout_minutes=90)
    assert step(client, weekly.headers, draft["id"], "approve")["status"] == "approved"


def test_a_rejection_returns_the_draft_with_its_note_and_disapproved_entries(
    client: TestClient, db: Database, settings: Settings, weekly: Office
) -> None:
    a_long_monday_week(client, weekly)
    entry = an_entry(client, weekly)
    statement = generated(client, db, settings, weekly, MONDAY)
    step(client, weekly.person.headers, statement["id"], "submit", payout_minutes=0)

    empty = client.post(f"{STATEMENTS}/{statement['id']}/reject", json={}, headers=weekly.headers)
    assert empty.status_code == 422, empty.text
    rejected = step(client, weekly.headers, statement["id"], "reject", note="Tuesday is wrong")

    assert (rejected["status"], rejected["note"]) == ("draft", "Tuesday is wrong")
    assert entry_status(client, weekly, entry["id"]) == "disapproved"
    assert mctime_statuses(client, weekly) == ["disapproved"]
    resubmitted = step(client, weekly.person.headers, statement["id"], "submit", payout_minutes=0)
    assert (resubmitted["status"], resubmitted["note"]) == ("submitted", "")
    assert statement_ops(db, statement["id"]) == ["generated", "submitted", "rejected", "submitted"]


def test_a_month_settled_then_reopened_is_reversed_unlocked_and_audited(
    client: TestClient, db: Database, settings: Settings, hashing: PasswordHashing
) -> None:
    monthly = office(client, db, hashing, period="month")
    intervals = a_long_monday_week(client, monthly)
    statement = generated(client, db, settings, monthly, "2026-03-17")
    assert (statement["period"], statement["period_start"], statement["period_end"]) == (
        "month",
        "2026-03-01",
        "2026-03-31",
    )
    # Only five days of March were worked: the month's flex delta is deeply negative.
    assert statement["totals"]["norm_minutes"] == 22 * 450
    delta = statement["totals"]["flex_delta_minutes"]
    step(client, monthly.person.headers, statement["id"], "submit", payout_minutes=30)
    step(client, monthly.headers, statement["id"], "approve")
    run_jobs(db, settings)
    assert [(m["amount"], m["day"]) for m in movements(client, monthly)] == [
        (delta, "2026-03-31"),
        (60, "2026-03-31"),
    ]
    url = f"/api/employees/{monthly.employee_id}/timesheet/presence/{intervals[2]['id']}"
    assert client.delete(url, headers=monthly.headers).status_code == 423

    no_settle = client.post(
        f"{STATEMENTS}/{statement['id']}/reopen", json={}, headers=monthly.person.headers
    )
    assert no_settle.status_code == 403, no_settle.text
    reopened = step(client, monthly.headers, statement["id"], "reopen", note="wrong month")

    assert (reopened["status"], reopened["revision"], reopened["payroll_lines"]) == (
        "draft",
        2,
        [],
    )
    posted = movements(client, monthly)
    assert [(m["amount"], m["cause"], m["settlement_step"]) for m in posted[2:]] == [
        (-(delta + 60), "reversal", "reversal")
    ]
    assert sum(m["amount"] for m in posted) == 0
    assert client.delete(url, headers=monthly.headers).status_code == 204
    with db.session(write=False) as session:
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "statement.reopen")
        ).one()
    assert (audit.target_id, audit.detail["from_status"], audit.detail["note"]) == (
        statement["id"],
        "settled",
        "wrong month",
    )
    # Wednesday's interval is gone: the draft is recomputed before it is submitted again.
    recomputed = generated(client, db, settings, monthly, "2026-03-17")
    assert recomputed["revision"] == 3
    assert recomputed["totals"]["flex_delta_minutes"] == delta - 450
    again = step(client, monthly.person.headers, statement["id"], "submit", payout_minutes=0)
    step(client, monthly.headers, statement["id"], "approve")
    run_jobs(db, settings)
    final = movements(client, monthly)
    assert again["revision"] == 3
    assert [(m["amount"], m["statement_revision"]) for m in final[3:]] == [
        (delta - 450, 3),
        (90, 3),
    ]


def test_terms_without_approval_approve_at_submission_and_settle(
    client: TestClient, db: Database, settings: Settings, hashing: PasswordHashing
) -> None:
    unapproved = office(client, db, hashing, approval="none")
    a_long_monday_week(client, unapproved)
    statement = generated(client, db, settings, unapproved, MONDAY)

    submitted = step(client, unapproved.person.headers, statement["id"], "submit", payout_minutes=0)

    assert (submitted["status"], submitted["decided_by_user_id"]) == ("approved", None)
    run_jobs(db, settings)
    settled = read(client, unapproved.headers, statement["id"])
    assert settled["status"] == "settled"
    assert [line["code"] for line in settled["payroll_lines"]] == ["OT_SUPPLEMENT"]
    assert sum(m["amount"] for m in movements(client, unapproved)) == 90 + 90


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("withdraw", {}),
        ("approve", {}),
        ("reject", {"note": "no"}),
        ("reopen", {}),
    ],
)
def test_a_transition_from_a_status_that_does_not_allow_it_is_409(
    client: TestClient,
    db: Database,
    settings: Settings,
    weekly: Office,
    action: str,
    body: dict[str, Any],
) -> None:
    a_long_monday_week(client, weekly)
    statement = generated(client, db, settings, weekly, MONDAY)

    refused = client.post(
        f"{STATEMENTS}/{statement['id']}/{action}", json=body, headers=weekly.headers
    )

    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert "is draft" in refused.json()["detail"]
    assert (refused.json()["status"], refused.json()["statement_status"]) == (409, "draft")
    assert read(client, weekly.headers, statement["id"]) == statement


def test_an_error_issue_blocks_submission(
    client: TestClient, db: Database, settings: Settings, weekly: Office
) -> None:
    a_long_monday_week(client, weekly)
    limited = client.patch(
        f"/api/settings/worktime-policies/{_worktime_id(client, weekly)}",
        json={
            "constraints": [
                {"plugin_id": "max_daily_work", "config": {"max_minutes": 600}, "severity": "error"}
            ],
            "effective_from": "2024-01-01",
        },
        headers=weekly.headers,
    )
    assert limited.status_code == 200, limited.text
    statement = generated(client, db, settings, weekly, MONDAY)
    assert statement["error_issues"] == 1

    refused = client.post(
        f"{STATEMENTS}/{statement['id']}/submit", json={"payout_minutes": 0}, headers=weekly.headers
    )

    assert refused.status_code == 409, refused.text
    assert "error issue" in refused.json()["detail"]
    assert read(client, weekly.headers, statement["id"])["status"] == "draft"


def _worktime_id(client: TestClient, office: Office) -> int:
    items = client.get("/api/settings/worktime-policies", headers=office.headers).json()["items"]
    policy_id: int = items[0]["id"]
    return policy_id


def test_if_match_guards_every_step(
    client: TestClient, db: Database, settings: Settings, weekly: Office
) -> None:
    a_long_monday_week(client, weekly)
    statement = generated(client, db, settings, weekly, MONDAY)
    url = f"{STATEMENTS}/{statement['id']}"
    etag = client.get(url, headers=weekly.headers).headers["etag"]

    stale = client.post(
        f"{url}/submit",
        json={"payout_minutes": 0},
        headers={**weekly.headers, "If-Match": '"statement-0-0"'},
    )
    assert stale.status_code == 412, stale.text
    fresh = client.post(
        f"{url}/submit", json={"payout_minutes": 0}, headers={**weekly.headers, "If-Match": etag}
    )
    assert fresh.status_code == 200, fresh.text
    assert fresh.headers["etag"] != etag


def test_reading_is_scoped_to_the_employees_reached(
    client: TestClient,
    db: Database,
    settings: Settings,
    hashing: PasswordHashing,
    weekly: Office,
) -> None:
    a_long_monday_week(client, weekly)
    statement = generated(client, db, settings, weekly, MONDAY)
    other = make_workspace(db, hashing, "Elsewhere")
    outsider = client.get(f"{STATEMENTS}/{statement['id']}", headers=other.headers)
    assert outsider.status_code == 404, outsider.text
    assert client.get(f"{STATEMENTS}/999999", headers=weekly.headers).status_code == 404

    own = client.get(STATEMENTS, headers=weekly.person.headers).json()["items"]
    assert [item["id"] for item in own] == [statement["id"]]
    assert "lines" not in own[0]
    everyone = client.get(STATEMENTS, params={"scope": "all"}, headers=weekly.person.headers)
    assert everyone.status_code == 403, everyone.text
    of_employee = client.get(
        f"/api/employees/{weekly.employee_id}/timesheet/statements",
        params={"status": "draft"},
        headers=weekly.headers,
    )
    assert [item["id"] for item in of_employee.json()["items"]] == [statement["id"]]
    none_submitted = client.get(
        STATEMENTS, params={"scope": "all", "status": "submitted"}, headers=weekly.headers
    )
    assert none_submitted.json()["items"] == []


def test_generating_one_statement_now_and_refusals(
    client: TestClient,
    db: Database,
    settings: Settings,
    weekly: Office,
    workspace: WorkspaceFixture,
) -> None:
    a_long_monday_week(client, weekly)
    url = f"/api/employees/{weekly.employee_id}/timesheet/statements"

    made = client.post(url, json={"period_start": "2026-03-04"}, headers=weekly.person.headers)

    assert made.status_code == 201, made.text
    assert made.json()["period_start"] == MONDAY
    assert made.headers["location"] == f"{STATEMENTS}/{made.json()['id']}"
    assert statement_of(client, weekly, MONDAY)["id"] == made.json()["id"]
    again = client.post(url, json={"period_start": MONDAY}, headers=weekly.person.headers)
    assert (again.status_code, again.json()) == (200, made.json())
    before = client.post(url, json={"period_start": "2023-03-01"}, headers=weekly.headers)
    assert before.status_code == 422, before.text
    for bad in ({"period_start": "03/04/2026"}, {}, {"period_start": MONDAY, "x": 1}):
        refused = client.post(url, json=bad, headers=weekly.headers)
        assert refused.status_code == 422, refused.text


def test_two_generations_at_once_make_one_statement_per_employee(
    client: TestClient, db: Database, settings: Settings, weekly: Office
) -> None:
    import threading

    a_long_monday_week(client, weekly)
    start_generation(client, weekly.headers, period_start=MONDAY)
    start_generation(client, weekly.headers, period_start=MONDAY)
    from timeledger.jobs.worker import Worker

    workers = [Worker(db, settings) for _ in range(2)]
    threads = [threading.Thread(target=worker.run_once) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_jobs(db, settings)

    listed = client.get(STATEMENTS, params={"scope": "all"}, headers=weekly.headers).json()
    assert len(listed["items"]) == 1
    assert listed["items"][0]["revision"] == 1


def test_flex_limits_cut_a_surplus_and_pay_a_deficit(
    client: TestClient, db: Database, settings: Settings, hashing: PasswordHashing
) -> None:
    limited = office(client, db, hashing, steps=[])
    flex = limited.flex_account_id
    changed = client.patch(
        f"/api/settings/settlement-policies/{limited.settlement_policy_id}",
        json={
            "steps": [
                {"plugin_id": "bank_norm_delta", "config": {"account_id": flex}},
                {
                    "plugin_id": "flex_limits",
                    "config": {"max_plus_minutes": 60, "max_minus_minutes": 60},
                },
            ],
            "effective_from": "2024-01-01",
        },
        headers=limited.headers,
    )
    assert changed.status_code == 200, changed.text
    a_long_monday_week(client, limited)
    for day in range(9, 13):
        record(
            client,
            limited.headers,
            limited.employee_id,
            f"2026-03-{day:02d}T08:00:00+01:00",
            f"2026-03-{day:02d}T15:30:00+01:00",
        )

    for monday in (MONDAY, "2026-03-09"):
        statement = generated(client, db, settings, limited, monday)
        step(client, limited.person.headers, statement["id"], "submit", payout_minutes=0)
        step(client, limited.headers, statement["id"], "approve")
        run_jobs(db, settings)

    posted = [(m["day"], m["amount"], m["cause"]) for m in movements(client, limited)]
    assert posted == [
        ("2026-03-08", 90, "settlement"),
        ("2026-03-08", -30, "expiry"),
        ("2026-03-15", -450, "settlement"),
        ("2026-03-15", 330, "settlement"),
    ]
    second = statement_of(client, limited, "2026-03-09")
    assert {"code": "FLEX_DEFICIT", "minutes": 330, "rate_percent": None, "units": None,
            "amount_minor": None} in second["payroll_lines"]  # fmt: skip


def test_an_edit_after_approval_is_not_settled_but_makes_the_statement_stale(
    client: TestClient, db: Database, settings: Settings, weekly: Office
) -> None:
    intervals = a_long_monday_week(client, weekly)
    statement = generated(client, db, settings, weekly, MONDAY)
    step(client, weekly.person.headers, statement["id"], "submit", payout_minutes=60)
    step(client, weekly.headers, statement["id"], "approve")
    later = client.patch(
        f"/api/employees/{weekly.employee_id}/timesheet/presence/{intervals[1]['id']}",
        json={"ended_at": "2026-03-03T18:30:00+01:00"},
        headers=weekly.headers,
    )
    assert later.status_code == 200, later.text

    run_jobs(db, settings)

    held = read(client, weekly.headers, statement["id"])
    assert (held["status"], held["stale"]) == ("approved", True)
    assert movements(client, weekly) == []
    withdrawn = step(client, weekly.person.headers, statement["id"], "withdraw")
    assert (withdrawn["status"], withdrawn["stale"]) == ("draft", False)
    # Tuesday's 90 minutes over the day make the week 210 over its 2,400.
    assert withdrawn["totals"]["overtime_minutes"] == 210
    step(client, weekly.person.headers, statement["id"], "submit", payout_minutes=210)
    step(client, weekly.headers, statement["id"], "approve")
    run_jobs(db, settings)
    assert read(client, weekly.headers, statement["id"])["status"] == "settled"
    assert [m["amount"] for m in movements(client, weekly)] == [150]


def test_a_period_that_has_not_ended_cannot_be_submitted(
    client: TestClient, weekly: Office
) -> None:
    today = weekly.oslo.workspace.today().isoformat()
    made = client.post(
        f"/api/employees/{weekly.employee_id}/timesheet/statements",
        json={"period_start": today},
        headers=weekly.headers,
    )
    assert made.status_code == 201, made.text

    early = client.post(
        f"{STATEMENTS}/{made.json()['id']}/submit",
        json={"payout_minutes": 0},
        headers=weekly.headers,
    )

    assert early.status_code == 409, early.text
    assert "can be submitted from" in early.json()["detail"]


def test_a_period_change_replaces_drafts_and_stops_at_submitted_statements(
    client: TestClient, db: Database, settings: Settings, weekly: Office
) -> None:
    a_long_monday_week(client, weekly)
    week = generated(client, db, settings, weekly, MONDAY)
    monthly = client.post(
        "/api/settings/settlement-policies",
        json={"name": "Monthly", "period": "month", "steps": [], "effective_from": "2024-01-01"},
        headers=weekly.headers,
    )
    assert monthly.status_code == 201, monthly.text
    switched = client.patch(
        f"/api/settings/employment-terms/{weekly.oslo.terms_id}",
        json={"settlement_policy_id": monthly.json()["id"], "effective_from": "2026-03-04"},
        headers=weekly.headers,
    )
    assert switched.status_code == 200, switched.text
    url = f"/api/employees/{weekly.employee_id}/timesheet/statements"

    month = client.post(url, json={"period_start": "2026-03-05"}, headers=weekly.headers)

    assert month.status_code == 201, month.text
    assert (month.json()["period_start"], month.json()["period_end"]) == (
        "2026-03-01",
        "2026-03-31",
    )
    listed = client.get(url, headers=weekly.headers).json()["items"]
    assert [(item["period"], item["period_start"]) for item in listed] == [("month", "2026-03-01")]
    with db.session(write=False) as session:
        deleted = session.scalars(
            select(Change.data).where(Change.entity == "statement", Change.op == "deleted")
        ).one()
    assert (deleted["id"], deleted["period"], deleted["status"]) == (week["id"], "week", "draft")
    step(client, weekly.person.headers, month.json()["id"], "submit", payout_minutes=0)
    back = client.patch(
        f"/api/settings/employment-terms/{weekly.oslo.terms_id}",
        json={"settlement_policy_id": weekly.settlement_policy_id, "effective_from": "2026-03-04"},
        headers=weekly.headers,
    )
    assert back.status_code == 200, back.text
    blocked = client.post(url, json={"period_start": "2026-03-05"}, headers=weekly.headers)
    assert blocked.status_code == 409, blocked.text
    assert blocked.json()["overlapping_statement_ids"] == [month.json()["id"]]


def test_overtime_left_in_the_flex_is_only_supplemented(
    client: TestClient, db: Database, settings: Settings, weekly: Office
) -> None:
    kept = client.patch(
        f"/api/settings/allowance-policies/{weekly.oslo.ot_policy_id}",
        json={"consumes_flex": False, "effective_from": "2024-01-01"},
        headers=weekly.headers,
    )
    assert kept.status_code == 200, kept.text
    a_long_monday_week(client, weekly)
    statement = generated(client, db, settings, weekly, MONDAY)
    assert statement["totals"]["flex_delta_minutes"] == 180

    too_much = client.post(
        f"{STATEMENTS}/{statement['id']}/submit",
        json={"payout_minutes": 60},
        headers=weekly.person.headers,
    )
    assert too_much.status_code == 422, too_much.text
    step(client, weekly.person.headers, statement["id"], "submit", payout_minutes=0)
    step(client, weekly.headers, statement["id"], "approve")
    run_jobs(db, settings)

    settled = read(client, weekly.headers, statement["id"])
    assert [(line["code"], line["minutes"]) for line in settled["payroll_lines"]] == [
        ("OT_SUPPLEMENT", 90)
    ]
    assert [m["amount"] for m in movements(client, weekly)] == [180]


def test_next_months_days_in_the_last_week_do_not_make_a_month_stale(
    client: TestClient, db: Database, settings: Settings, hashing: PasswordHashing
) -> None:
    monthly = office(client, db, hashing, period="month")
    a_long_monday_week(client, monthly)
    statement = generated(client, db, settings, monthly, "2026-03-17")
    step(client, monthly.person.headers, statement["id"], "submit", payout_minutes=0)
    record(
        client,
        monthly.headers,
        monthly.employee_id,
        "2026-04-01T08:00:00+02:00",
        "2026-04-01T15:30:00+02:00",
    )

    approved = step(client, monthly.headers, statement["id"], "approve")

    assert (approved["status"], approved["revision"], approved["stale"]) == ("approved", 1, False)
    assert approved["input_digest"] != statement["input_digest"]
    assert approved["totals"] == statement["totals"]


def test_a_generation_job_for_a_day_beyond_the_calendar_is_refused(
    client: TestClient, weekly: Office
) -> None:
    refused = client.post(
        "/api/admin/batch-jobs",
        json={
            "kind": "timesheet.generate-statements",
            "parameters": {"period_start": "9999-12-31"},
        },
        headers=weekly.headers,
    )
    assert refused.status_code == 422, refused.text


def test_without_terms_on_the_last_day_a_manager_approves(
    client: TestClient, db: Database, settings: Settings, hashing: PasswordHashing
) -> None:
    unapproved = office(client, db, hashing, approval="none")
    a_long_monday_week(client, unapproved)
    statement = generated(client, db, settings, unapproved, MONDAY)
    version = client.post(
        f"/api/employees/{unapproved.employee_id}/versions",
        json={"effective_from": "2026-03-08", "employment_terms_id": None},
        headers=unapproved.headers,
    )
    assert version.status_code == 201, version.text
    recomputed = client.post(
        f"/api/employees/{unapproved.employee_id}/timesheet/statements",
        json={"period_start": MONDAY},
        headers=unapproved.headers,
    )
    assert (recomputed.status_code, recomputed.json()["id"]) == (200, statement["id"])

    submitted = step(client, unapproved.person.headers, statement["id"], "submit", payout_minutes=0)

    assert (submitted["status"], submitted["decided_by_user_id"]) == ("submitted", None)
