"""Time-off requests through the API on both engines: the issue's examples (Easter in
Norway, a part-timer, nothing to take), half days beside a holiday, approval booking usage
and entries that credit the norm, cancellation, sick leave without an account, and every
refusal the issue names."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import note_seen_by_a_locked_read, statements_sent
from tests.timeoff.support import Leave, balances, decide, entries, grant, movements, request
from timeledger.kit.db import Database
from timeledger.models import Change, TimeoffRequest
from timeledger.timeoff.repository import TimeoffRepository

EASTER = ("2026-03-30", "2026-04-10")


def test_easter_counts_seven_days_and_books_them_once_approved(
    client: TestClient, leave: Leave
) -> None:
    grant(client, leave, 2500)
    made = request(client, leave, *EASTER, note="Easter")
    assert made["status"] == "requested"
    assert made["amount"] == 700
    why = {day["day"]: day["why"] for day in made["days"]}
    assert why["2026-04-02"] == why["2026-04-03"] == why["2026-04-06"] == "holiday"
    assert why["2026-04-05"] == "holiday"  # Easter Sunday
    assert why["2026-04-04"] == "weekend"
    assert [day["day"] for day in made["days"] if day["amount"] == 100] == [
        "2026-03-30", "2026-03-31", "2026-04-01", "2026-04-07", "2026-04-08", "2026-04-09",
        "2026-04-10",
    ]  # fmt: skip
    assert entries(client, leave, "2026-03-30", "2026-04-10") == []

    approved = decide(client, leave, made["id"], "approve")
    assert approved["status"] == "approved"
    used = movements(client, leave, leave.vacation_account_id)
    assert [(m["cause"], m["amount"]) for m in used if m["cause"] == "usage"] == [
        ("usage", -100)
    ] * 7
    booked = entries(client, leave, "2026-03-30", "2026-04-10")
    assert sorted((entry["date"], entry["minutes"]) for entry in booked) == [
        (day["day"], 450) for day in made["days"] if day["amount"]
    ]
    assert {entry["activity_id"] for entry in booked} == {leave.vacation_activity_id}
    assert {entry["timeoff_request_id"] for entry in booked} == {made["id"]}

    week = client.post(
        f"/api/employees/{leave.employee_id}/timesheet/evaluate",
        json={"from": "2026-04-06", "to": "2026-04-10"},
        headers=leave.headers,
    )
    assert week.status_code == 200, week.text
    assert week.json()["totals"]["flex_delta_minutes"] == 0

    shown = balances(client, leave, "2026-03-01")[leave.vacation_policy_id]
    assert (shown["balance"], shown["planned"], shown["available"]) == (2500, 700, 1800)
    after = balances(client, leave, "2026-04-30")[leave.vacation_policy_id]
    assert (after["balance"], after["planned"], after["available"]) == (1800, 0, 1800)


def test_a_part_timer_counts_the_same_days_and_their_minutes_in_hours(
    client: TestClient, leave: Leave
) -> None:
    patched = client.patch(
        f"/api/employees/{leave.employee_id}",
        json={
            "weekly_pattern_minutes": [270, 270, 270, 270, 270, 0, 0],
            "effective_from": "2026-01-01",
        },
        headers=leave.headers,
    )
    assert patched.status_code == 200, patched.text
    grant(client, leave, 2500)
    in_days = request(client, leave, *EASTER)
    assert in_days["amount"] == 700
    in_hours = request(client, leave, "2026-05-04", "2026-05-15", policy_id=leave.hours_policy_id)
    working_days = [day for day in in_hours["days"] if day["amount"]]
    assert {day["amount"] for day in working_days} == {270}
    cancelled = decide(client, leave, in_hours["id"], "cancel", headers=leave.person)
    assert cancelled["status"] == "cancelled"
    easter_in_hours = request(client, leave, *EASTER, policy_id=leave.hours_policy_id, status=409)
    assert easter_in_hours["conflicting_timeoff_id"] == in_days["id"]
    decide(client, leave, in_days["id"], "cancel", headers=leave.person)
    easter_in_hours = request(client, leave, *EASTER, policy_id=leave.hours_policy_id)
    assert easter_in_hours["status"] == "approved"
    assert (
        easter_in_hours["amount"]
        == -sum(m["amount"] for m in movements(client, leave, leave.hours_account_id))
        == 1890
    )


def test_nothing_to_take_is_refused(client: TestClient, leave: Leave) -> None:
    refused = request(client, leave, "2026-04-04", "2026-04-06", status=422)
    assert refused["errors"][0]["location"] == "body.start_day"
    assert "holiday" in refused["detail"] and "weekend" in refused["detail"]


def test_half_days_beside_a_holiday(client: TestClient, leave: Leave) -> None:
    grant(client, leave, 2500)
    morning = request(client, leave, "2026-04-01", "2026-04-01", portion="first_half")
    assert morning["amount"] == 50
    assert morning["days"][0]["credited_minutes"] == 225
    afternoon = request(client, leave, "2026-04-01", "2026-04-01", portion="second_half")
    assert afternoon["amount"] == 50
    request(client, leave, "2026-04-01", "2026-04-01", status=409)
    on_the_holiday = request(
        client, leave, "2026-04-02", "2026-04-02", portion="first_half", status=422
    )
    assert "holiday" in on_the_holiday["detail"]
    decide(client, leave, morning["id"], "approve")
    (entry,) = entries(client, leave, "2026-04-01", "2026-04-01")
    assert entry["minutes"] == 225


def test_cancelling_an_approved_request_gives_the_days_back(
    client: TestClient, leave: Leave
) -> None:
    grant(client, leave, 2500)
    made = request(client, leave, "2026-05-04", "2026-05-08")
    decide(client, leave, made["id"], "approve")
    assert balances(client, leave, "2026-06-01")[leave.vacation_policy_id]["balance"] == 2000
    cancelled = decide(client, leave, made["id"], "cancel", headers=leave.person)
    assert cancelled["status"] == "cancelled"
    causes = [m["cause"] for m in movements(client, leave, leave.vacation_account_id)]
    assert causes.count("usage") == causes.count("reversal") == 5
    assert balances(client, leave, "2026-06-01")[leave.vacation_policy_id]["balance"] == 2500
    assert entries(client, leave, "2026-05-04", "2026-05-08") == []
    again = decide(client, leave, made["id"], "cancel", headers=leave.person, status=409)
    assert again["timeoff_status"] == "cancelled"


def test_sick_leave_has_no_account_and_needs_no_approval(client: TestClient, leave: Leave) -> None:
    sick = request(client, leave, "2026-03-02", "2026-03-04", policy_id=leave.sick_policy_id)
    assert (sick["status"], sick["amount"], sick["account_id"]) == ("approved", 300, None)
    booked = entries(client, leave, "2026-03-02", "2026-03-04")
    assert {entry["activity_id"] for entry in booked} == {leave.sick_activity_id}
    assert leave.sick_policy_id not in balances(client, leave, "2026-03-05")


def test_entries_of_a_request_change_only_through_it(client: TestClient, leave: Leave) -> None:
    sick = request(client, leave, "2026-03-02", "2026-03-02", policy_id=leave.sick_policy_id)
    (entry,) = entries(client, leave, "2026-03-02", "2026-03-02")
    path = f"/api/employees/{leave.employee_id}/timesheet/entries/{entry['id']}"
    deleted = client.delete(path, headers=leave.headers)
    assert deleted.status_code == 409, deleted.text
    assert deleted.json()["timeoff_request_id"] == sick["id"]


def test_bad_requests_are_refused_naming_the_field(client: TestClient, leave: Leave) -> None:
    grant(client, leave, 300)

    def refused(start: str, end: str, status: int = 422, **body: Any) -> dict[str, Any]:
        return request(client, leave, start, end, status=status, **body)

    assert refused("2026-05-08", "2026-05-04")["errors"][0]["location"] == "body.end_day"
    multi_day_half = refused("2026-05-04", "2026-05-05", portion="first_half")
    assert multi_day_half["errors"][0]["location"] == "body.portion"
    no_halves = refused(
        "2026-05-04", "2026-05-04", portion="first_half", policy_id=leave.sick_policy_id
    )
    assert no_halves["errors"][0]["location"] == "body.portion"
    too_much = refused("2026-05-04", "2026-05-08")
    assert too_much["errors"][0]["message"] == "only 300 available"
    before_terms = refused("2023-12-29", "2024-01-02")
    assert before_terms["errors"][0]["location"] == "body.timeoff_policy_id"
    made = request(client, leave, "2026-05-04", "2026-05-05")
    overlapping = refused("2026-05-05", "2026-05-06", status=409)
    assert overlapping["conflicting_timeoff_id"] == made["id"]
    assert str(made["id"]) in overlapping["detail"]
    pending_counts = refused("2026-05-11", "2026-05-12")
    assert pending_counts["errors"][0]["message"] == "only 100 available"


def test_who_may_decide(client: TestClient, db: Database, leave: Leave) -> None:
    grant(client, leave, 2500)
    made = request(client, leave, "2026-05-04", "2026-05-05")
    own = client.post(f"{leave.base}/{made['id']}/approve", json={}, headers=leave.person)
    assert own.status_code == 403, own.text
    decide(client, leave, made["id"], "reject")
    again = decide(client, leave, made["id"], "approve", status=409)
    assert again["timeoff_status"] == "rejected"
    missing = client.post(f"{leave.base}/999999/approve", json={}, headers=leave.headers)
    assert missing.status_code == 404


def test_approval_counts_by_the_policy_as_it_now_stands(client: TestClient, leave: Leave) -> None:
    grant(client, leave, 2500)
    whole = request(client, leave, "2026-05-04", "2026-05-05")
    half = request(client, leave, "2026-05-06", "2026-05-06", portion="first_half")
    changed = client.patch(
        f"/api/settings/timeoff-policies/{leave.vacation_policy_id}",
        json={
            "usage": {"plugin_id": "norm_minutes"},
            "account_id": leave.hours_account_id,
            "accrual": None,
            "expiration": None,
            "half_days": False,
            "allow_negative": True,
            "effective_from": "2026-05-01",
        },
        headers=leave.headers,
    )
    assert changed.status_code == 200, changed.text

    approved = decide(client, leave, whole["id"], "approve")
    assert (approved["unit"], approved["account_id"], approved["amount"]) == (
        "hours", leave.hours_account_id, 900,
    )  # fmt: skip
    assert [m["amount"] for m in movements(client, leave, leave.hours_account_id)] == [-450, -450]
    refused = decide(client, leave, half["id"], "approve", status=409)
    assert "whole days only" in refused["detail"]
    assert refused["timeoff_status"] == "requested"


def test_archived_policies_take_no_requests_and_balances_need_a_plausible_day(
    client: TestClient, leave: Leave
) -> None:
    archived = client.patch(
        f"/api/settings/timeoff-policies/{leave.sick_policy_id}",
        json={"archived": True, "effective_from": "2026-01-01"},
        headers=leave.headers,
    )
    assert archived.status_code == 200, archived.text
    refused = request(
        client, leave, "2026-03-02", "2026-03-02", policy_id=leave.sick_policy_id, status=422
    )
    assert refused["errors"][0]["location"] == "body.timeoff_policy_id"
    far = client.get(f"{leave.base}/balances", params={"as_of": "9999-12-31"}, headers=leave.person)
    assert far.status_code == 422, far.text
    backwards = client.get(
        leave.base, params={"from": "2026-05-01", "to": "2026-04-01"}, headers=leave.person
    )
    assert backwards.status_code == 422, backwards.text
    assert backwards.json()["errors"][0]["location"] == "query.from"


def test_leave_without_approval_is_requested_and_approved_in_the_change_log(
    client: TestClient, db: Database, leave: Leave
) -> None:
    sick = request(client, leave, "2026-03-02", "2026-03-02", policy_id=leave.sick_policy_id)
    with db.session(write=False) as session:
        ops = session.scalars(
            select(Change.op)
            .where(Change.entity == "timeoff", Change.entity_id == sick["id"])
            .order_by(Change.revision)
        ).all()
    assert list(ops) == ["requested", "approved"]


def test_reading_a_request_reads_it_once(client: TestClient, db: Database, leave: Leave) -> None:
    """The path's check and the endpoint both want the request: pinned to its session, it
    is read once."""
    grant(client, leave, 500)
    made = request(client, leave, "2026-05-04", "2026-05-05")
    with statements_sent(db) as statements:
        got = client.get(f"{leave.base}/{made['id']}", headers=leave.headers)

    assert got.status_code == 200, got.text
    assert got.json()["id"] == made["id"]
    assert len([text for text in statements if "FROM timeoff_requests" in text]) == 1, statements


@pytest.mark.postgresql
def test_a_locked_read_sees_what_committed_since_the_request_was_read(
    client: TestClient, db: Database, leave: Leave
) -> None:
    grant(client, leave, 500)
    made = request(client, leave, "2026-05-04", "2026-05-05")

    def read(session: Session, for_update: bool) -> TimeoffRequest | None:
        return TimeoffRepository(session).get(made["id"], for_update=for_update)

    workspace_id = leave.office.oslo.workspace.id
    seen = note_seen_by_a_locked_read(db, workspace_id, TimeoffRequest, made["id"], read)
    assert seen == (True, "changed meanwhile")
