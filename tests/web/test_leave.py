"""My time off and my statements, through their pages: balances, a request made and
cancelled; a statement submitted with part of its overtime paid out."""

from fastapi.testclient import TestClient

from tests.statements.support import a_long_monday_week, generated
from tests.timeoff.support import Leave, grant, leave_office
from tests.web.support import post_form, sign_in_after_reset
from timeledger.access.credentials import PasswordHashing
from timeledger.config import Settings
from timeledger.kit.db import Database

MONDAY = "2026-03-02"


def _signed_in_employee(client: TestClient, leave: Leave) -> None:
    """The office's employee, given a password through a reset, signed in."""
    sign_in_after_reset(client, leave.office.person, leave.headers)


def test_time_off_is_requested_with_its_balance_and_cancelled(
    client: TestClient, db: Database, hashing: PasswordHashing
) -> None:
    leave = leave_office(client, db, hashing)
    grant(client, leave, 2500)
    _signed_in_employee(client, leave)

    page = client.get("/time-off")
    assert page.status_code == 200
    assert "25 days" in page.text
    refused = post_form(
        client,
        "/time-off",
        {
            "timeoff_policy_id": str(leave.vacation_policy_id),
            "start_day": "2026-04-10",
            "end_day": "2026-03-30",
            "note": "Easter",
        },
        from_page="/time-off",
    )
    assert refused.status_code == 422
    assert 'value="2026-03-30"' in refused.text
    made = post_form(
        client,
        "/time-off",
        {
            "timeoff_policy_id": str(leave.vacation_policy_id),
            "start_day": "2026-03-30",
            "end_day": "2026-04-10",
            "portion": "full",
            "note": "Easter",
        },
        from_page="/time-off",
    )
    assert made.headers["location"] == "/time-off"
    requests = client.get(leave.base, headers=leave.person).json()["items"]
    assert [(item["status"], item["note"]) for item in requests] == [("requested", "Easter")]
    listed = client.get("/time-off").text
    assert "Waiting for approval" in listed

    post_form(client, f"/time-off/{requests[0]['id']}/cancel", {}, from_page="/time-off")
    cancelled = client.get(leave.base, headers=leave.person).json()["items"]
    assert [item["status"] for item in cancelled] == ["cancelled"]


def test_a_statement_is_submitted_with_the_payout_chosen(
    client: TestClient, db: Database, hashing: PasswordHashing, settings: Settings
) -> None:
    leave = leave_office(client, db, hashing)
    office = leave.office
    a_long_monday_week(client, office)
    statement = generated(client, db, settings, office, MONDAY)
    _signed_in_employee(client, leave)

    page = client.get("/statements")
    assert page.status_code == 200
    assert f'action="/statements/{statement["id"]}/submit"' in page.text
    unreadable = post_form(
        client, f"/statements/{statement['id']}/submit", {"payout": "lots"}, from_page="/"
    )
    too_much = post_form(
        client, f"/statements/{statement['id']}/submit", {"payout": "1:31"}, from_page="/"
    )
    submitted = post_form(
        client, f"/statements/{statement['id']}/submit", {"payout": "1:00"}, from_page="/"
    )

    assert unreadable.status_code == 422
    assert 'value="lots"' in unreadable.text
    assert too_much.status_code == 422
    assert f'id="f-{statement["id"]}-payout-problem"' in too_much.text
    assert submitted.headers["location"] == "/statements"
    read = client.get(f"/api/timesheet/statements/{statement['id']}", headers=leave.headers)
    assert (read.json()["status"], read.json()["payout_minutes"]) == ("submitted", 60)
    assert "Submitted" in client.get("/statements").text
