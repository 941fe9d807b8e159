"""Clocking in and out and breaks while clocked in."""

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.access.support import assert_problem
from tests.conftest import WorkspaceFixture
from tests.presence.support import call, create_setting, new_employee, record, timesheet
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.timeutil import local_date
from timeledger.models import Change


def _iso(instant: datetime) -> str:
    return instant.isoformat()


def test_clock_in_and_out_with_a_break(client: TestClient, workspace: WorkspaceFixture) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    start = utcnow().replace(microsecond=0) - timedelta(hours=3)
    opened = call(client, headers, employee, "clock-in", at=_iso(start), note="morning")
    assert opened.status_code == 201, opened.text
    interval = opened.json()
    assert opened.headers["Location"] == timesheet(employee, f"presence/{interval['id']}")
    assert opened.headers["ETag"]
    assert interval["open"] is True
    assert interval["ended_at"] is None
    assert interval["source"] == "clock"
    assert interval["timezone"] == "Europe/Copenhagen"
    assert interval["day"] == local_date(start, "Europe/Copenhagen").isoformat()
    assert 179 <= interval["minutes"] <= 181

    paused = call(client, headers, employee, "break-start", at=_iso(start + timedelta(hours=1)))
    assert paused.status_code == 200, paused.text
    assert [b["ended_at"] for b in paused.json()["breaks"]] == [None]
    assert_problem(call(client, headers, employee, "break-start"), 409)
    resumed = call(client, headers, employee, "break-end", at=_iso(start + timedelta(minutes=90)))
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["break_minutes"] == 30
    assert_problem(call(client, headers, employee, "break-end"), 409)

    closed = call(
        client, headers, employee, "clock-out", at=_iso(start + timedelta(hours=2)), note="done"
    )
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["open"] is False
    assert datetime.fromisoformat(body["ended_at"]) == start + timedelta(hours=2)
    assert (body["minutes"], body["break_minutes"], body["note"]) == (90, 30, "done")

    for operation in ("clock-out", "break-start", "break-end"):
        problem = assert_problem(call(client, headers, employee, operation), 409)
        assert "not clocked in" in problem["detail"]


def test_clock_out_closes_an_open_break(client: TestClient, workspace: WorkspaceFixture) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    start = utcnow() - timedelta(hours=2)
    assert call(client, headers, employee, "clock-in", at=_iso(start)).status_code == 201
    assert (
        call(client, headers, employee, "break-start", at=_iso(start + timedelta(hours=1)))
    ).status_code == 200
    closed = call(client, headers, employee, "clock-out", at=_iso(start + timedelta(minutes=90)))
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["breaks"][0]["ended_at"] == body["ended_at"]
    assert (body["minutes"], body["break_minutes"]) == (60, 30)


def test_a_second_clock_in_names_the_open_interval(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    first = call(client, headers, employee, "clock-in").json()
    problem = assert_problem(call(client, headers, employee, "clock-in"), 409)
    assert problem["interval_id"] == first["id"]
    assert problem["started_at"] is not None
    assert str(first["id"]) in problem["detail"]


def test_clock_in_inside_a_closed_interval_names_it(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    done = record(
        client, headers, employee, "2026-01-05T08:00:00+01:00", "2026-01-05T12:00:00+01:00"
    )
    problem = assert_problem(
        call(client, headers, employee, "clock-in", at="2026-01-05T10:00:00+01:00"), 409
    )
    assert problem["interval_id"] == done["id"]
    # An open interval would reach over later intervals, too.
    problem = assert_problem(
        call(client, headers, employee, "clock-in", at="2026-01-05T07:00:00+01:00"), 409
    )
    assert problem["interval_id"] == done["id"]
    after = call(client, headers, employee, "clock-in", at="2026-01-05T12:00:00+01:00")
    assert after.status_code == 201, after.text


def test_clock_in_references_must_be_effective(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    reason = create_setting(client, headers, "reasons", name="Doctor", effective_from="2024-01-01")
    activity = create_setting(
        client, headers, "activities", name="Work", type="work", effective_from="2024-01-01"
    )
    later = create_setting(client, headers, "reasons", name="Later", effective_from="2026-06-01")
    problem = assert_problem(
        call(
            client, headers, employee, "clock-in", at="2026-01-05T08:00:00+01:00", reason_id=later
        ),
        422,
    )
    assert problem["errors"][0]["location"] == "body.reason_id"
    problem = assert_problem(call(client, headers, employee, "clock-in", activity_id=999_999), 422)
    assert problem["errors"][0]["location"] == "body.activity_id"
    opened = call(
        client,
        headers,
        employee,
        "clock-in",
        reason_id=reason,
        activity_id=activity,
        source="kiosk",
    )
    assert opened.status_code == 201, opened.text
    assert (opened.json()["reason_id"], opened.json()["activity_id"]) == (reason, activity)
    assert opened.json()["source"] == "kiosk"


def test_clocking_is_logged_as_changes(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    employee = new_employee(client, headers)
    start = utcnow() - timedelta(hours=1)
    interval = call(client, headers, employee, "clock-in", at=_iso(start)).json()
    call(client, headers, employee, "break-start", at=_iso(start + timedelta(minutes=10)))
    call(client, headers, employee, "break-end", at=_iso(start + timedelta(minutes=20)))
    call(client, headers, employee, "clock-out", at=_iso(start + timedelta(minutes=30)))
    with db.session(write=False) as session:
        changes = (
            session.query(Change).filter(Change.entity == "presence").order_by(Change.revision)
        )
        ops = [(change.op, change.entity_id) for change in changes]
        last = changes.all()[-1].data
    assert ops == [
        (op, interval["id"]) for op in ("clock_in", "break_started", "break_ended", "clock_out")
    ]
    assert last["open"] is False
    assert last["minutes"] == 20


def test_clocking_answers_what_is_stored_and_logged(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    """Clock-in and clock-out answer views built from the rows they wrote; a read of the
    interval and the change log agree with them, an open break ended at the clock-out."""
    headers = workspace.headers
    employee = new_employee(client, headers)
    start = utcnow() - timedelta(hours=2)
    opened = call(client, headers, employee, "clock-in", at=_iso(start), note="gate 3")
    call(client, headers, employee, "break-start", at=_iso(start + timedelta(minutes=30)))
    closed = call(client, headers, employee, "clock-out", at=_iso(start + timedelta(hours=1)))

    interval_id = opened.json()["id"]
    assert opened.headers["location"] == timesheet(employee, f"presence/{interval_id}")
    assert opened.headers["etag"] == f'"presence-{interval_id}-1"'
    assert closed.headers["etag"] == f'"presence-{interval_id}-3"'
    stored = client.get(timesheet(employee, f"presence/{interval_id}"), headers=headers)
    assert stored.json() == closed.json()
    assert stored.headers["etag"] == closed.headers["etag"]
    assert closed.json()["note"] == "gate 3"
    assert closed.json()["breaks"][0]["ended_at"] == closed.json()["ended_at"]
    assert (closed.json()["minutes"], closed.json()["break_minutes"]) == (30, 30)
    with db.session(write=False) as session:
        logged = (
            session.query(Change)
            .filter(Change.entity == "presence", Change.entity_id == interval_id)
            .order_by(Change.revision)
            .all()
        )
    assert [change.op for change in logged] == ["clock_in", "break_started", "clock_out"]
    assert logged[0].data == opened.json()
    assert logged[-1].data == closed.json()


def test_naive_timestamps_are_400(client: TestClient, workspace: WorkspaceFixture) -> None:
    employee = new_employee(client, workspace.headers)
    assert_problem(
        call(client, workspace.headers, employee, "clock-in", at="2026-01-05T08:00:00"), 400
    )


@pytest.mark.frozen_clock
def test_clocked_in_for_a_minute(client: TestClient, workspace: WorkspaceFixture) -> None:
    employee = new_employee(client, workspace.headers)
    at = _iso(utcnow() - timedelta(seconds=61))
    assert call(client, workspace.headers, employee, "clock-in", at=at).json()["minutes"] == 1
