"""Period locks: the days of a settled statement refuse every change of presence and
entries with 423 until the lock is lifted, unless a holder of timesheet:force:* forces it;
the faces answer the refusal in their own shapes."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.access.support import assert_problem
from tests.compat.mite.support import Mite
from tests.conftest import WorkspaceFixture
from tests.presence.support import call, record, timesheet
from tests.timesheet.support import Person, create
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import Forbidden, Locked
from timeledger.models import Statement
from timeledger.timesheet.locks import check_days_unlocked, lock_period, unlock_period

FIRST, LAST = date(2026, 3, 2), date(2026, 3, 8)
"""The locked week, Monday to Sunday."""
INSIDE = "2026-03-04"
BEFORE = "2026-03-01"
AFTER = "2026-03-09"
LOCKED_DETAIL = "is locked from 2026-03-02 to 2026-03-08"
FORCE = {"force": "true"}


def _at(clock: str, day: str = INSIDE) -> str:
    return f"{day}T{clock}:00+01:00"


def settle_and_lock(
    db: Database, workspace_id: int, employee_id: int, first: date = FIRST, last: date = LAST
) -> int:
    """A settled statement of the period and its lock, as the settlement step makes them;
    the statement's id."""
    with db.transaction(workspace_id=workspace_id) as session:
        now = utcnow()
        statement = Statement(
            workspace_id=workspace_id,
            employee_id=employee_id,
            period="week",
            period_start=first,
            period_end=last,
            status="settled",
            input_digest="0" * 64,
            evaluation={},
            norm_minutes=0,
            worked_minutes=0,
            overtime_minutes=0,
            error_issues=0,
            generated_at=now,
            created_at=now,
            updated_at=now,
        )
        session.add(statement)
        session.flush()
        lock_period(session, workspace_id, employee_id, first, last, statement.id)
        return statement.id


def unlock(db: Database, workspace_id: int, statement_id: int) -> None:
    with db.transaction(workspace_id=workspace_id) as session:
        unlock_period(session, workspace_id, statement_id)


def assert_locked(response: Any, statement_id: int) -> dict[str, Any]:
    problem = assert_problem(response, 423)
    assert LOCKED_DETAIL in problem["detail"], problem
    assert f"statement {statement_id}" in problem["detail"], problem
    assert (problem["statement_id"], problem["locked_from"], problem["locked_to"]) == (
        statement_id, "2026-03-02", "2026-03-08",
    )  # fmt: skip
    return problem


def _entry(client: TestClient, person: Person, activities: dict[str, int], day: str,
           minutes: int = 30) -> dict[str, Any]:  # fmt: skip
    return create(
        client, person, {"date": day, "minutes": minutes, "activity_id": activities["work"]}
    )


def _get(client: TestClient, person: Person, path: str) -> dict[str, Any]:
    response = client.get(path, headers=person.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _presence(client: TestClient, person: Person) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = _get(
        client, person, timesheet(person.employee_id, "presence?limit=200")
    )["items"]
    return items


def _entries(client: TestClient, person: Person) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = _get(client, person, f"{person.entries}?limit=200")["items"]
    return items


# The lock itself


def test_locking_marks_the_period_entries_locked_and_unlocking_clears_them(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    before = _entry(client, person, activities, BEFORE)
    first = _entry(client, person, activities, "2026-03-02")
    last = _entry(client, person, activities, "2026-03-08")
    after = _entry(client, person, activities, AFTER)

    statement_id = settle_and_lock(db, workspace.id, person.employee_id)
    locked = {e["id"]: e for e in _entries(client, person)}

    assert [locked[e["id"]]["locked"] for e in (before, first, last, after)] == [
        False, True, True, False,
    ]  # fmt: skip
    assert _get(client, person, f"{person.entries}/{first['id']}")["locked"] is True

    unlock(db, workspace.id, statement_id)
    unlock(db, workspace.id, statement_id)  # no lock any more: nothing happens
    unlocked = {e["id"]: e for e in _entries(client, person)}
    assert [unlocked[e["id"]]["locked"] for e in (before, first, last, after)] == [False] * 4


def test_locking_and_unlocking_change_the_entries_version(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    entry = _entry(client, person, activities, INSIDE)
    url = f"{person.entries}/{entry['id']}"
    original = client.get(url, headers=person.headers).headers["etag"]

    statement_id = settle_and_lock(db, workspace.id, person.employee_id)
    while_locked = client.get(url, headers=person.headers).headers["etag"]
    unlock(db, workspace.id, statement_id)
    after = client.get(url, headers=person.headers).headers["etag"]

    assert len({original, while_locked, after}) == 3
    stale = client.patch(
        url, json={"minutes": 40}, headers={**person.headers, "If-Match": original}
    )
    assert_problem(stale, 412)


def test_unlocking_keeps_the_entries_another_lock_still_covers(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    entry = _entry(client, person, activities, INSIDE)
    week = settle_and_lock(db, workspace.id, person.employee_id)
    month = settle_and_lock(
        db, workspace.id, person.employee_id, date(2026, 3, 1), date(2026, 3, 31)
    )

    unlock(db, workspace.id, week)
    assert _get(client, person, f"{person.entries}/{entry['id']}")["locked"] is True
    unlock(db, workspace.id, month)
    assert _get(client, person, f"{person.entries}/{entry['id']}")["locked"] is False


def test_locking_again_for_the_same_statement_keeps_one_lock(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    entry = _entry(client, person, activities, INSIDE)
    statement_id = settle_and_lock(db, workspace.id, person.employee_id)

    with db.transaction(workspace_id=workspace.id) as session:
        lock_period(session, workspace.id, person.employee_id, FIRST, LAST, statement_id)
    unlock(db, workspace.id, statement_id)

    url = f"{person.entries}/{entry['id']}"
    changed = client.patch(url, json={"minutes": 45}, headers=person.headers)
    assert changed.status_code == 200, changed.text


def test_the_check_finds_a_lock_on_any_of_the_days_asked_about(
    db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    statement_id = settle_and_lock(db, workspace.id, person.employee_id)
    with db.transaction(workspace_id=workspace.id) as session:
        unlocked_days = [date(2026, 3, 1), date(2026, 3, 9), date(2027, 1, 1)]
        assert (
            check_days_unlocked(
                session, person.employee_id, unlocked_days, force=False, may_force=False
            )
            is None
        )
        assert (
            check_days_unlocked(session, person.employee_id, [], force=False, may_force=False)
            is None
        )
        far_apart = [date(2026, 1, 1), LAST, date(2026, 6, 1)]
        with pytest.raises(Locked) as refused:
            check_days_unlocked(
                session, person.employee_id, far_apart, force=False, may_force=False
            )
        assert refused.value.extra["statement_id"] == statement_id
        forced = check_days_unlocked(
            session, person.employee_id, [FIRST], force=True, may_force=True
        )
        assert forced is not None and forced.statement_id == statement_id
        with pytest.raises(Forbidden):
            check_days_unlocked(session, person.employee_id, [FIRST], force=True, may_force=False)
        other_employee = person.employee_id + 1000
        assert (
            check_days_unlocked(session, other_employee, [FIRST], force=False, may_force=False)
            is None
        )


# Presence


def test_every_presence_write_in_a_locked_period_answers_423_and_changes_nothing(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    headers, employee = person.headers, person.employee_id
    recorded = record(
        client, headers, employee, _at("13:00", "2026-03-03"), _at("17:00", "2026-03-03")
    )
    movable = record(client, headers, employee, _at("08:00", BEFORE), _at("12:00", BEFORE))
    assert call(client, headers, employee, "clock-in", at=_at("08:00")).status_code == 201
    assert call(client, headers, employee, "break-start", at=_at("10:00")).status_code == 200
    statement_id = settle_and_lock(db, workspace.id, employee)
    shown_before = _presence(client, person)

    refused = {
        "clock-out": call(client, headers, employee, "clock-out", at=_at("16:00")),
        "break-end": call(client, headers, employee, "break-end", at=_at("10:30")),
        "break-start": call(client, headers, employee, "break-start", at=_at("10:45")),
        "record": call(
            client,
            headers,
            employee,
            "presence",
            started_at=_at("08:00", "2026-03-06"),
            ended_at=_at("12:00", "2026-03-06"),
        ),
        "change": client.patch(
            timesheet(employee, f"presence/{recorded['id']}"), json={"note": "x"}, headers=headers
        ),
        "move in": client.patch(
            timesheet(employee, f"presence/{movable['id']}"),
            json={"started_at": _at("08:00", "2026-03-07"), "ended_at": _at("12:00", "2026-03-07")},
            headers=headers,
        ),
        "delete": client.delete(timesheet(employee, f"presence/{recorded['id']}"), headers=headers),
    }

    for name, response in refused.items():
        assert response.status_code == 423, (name, response.text)
        assert_locked(response, statement_id)
    assert _presence(client, person) == shown_before


def test_clocking_in_on_a_locked_day_answers_423(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    statement_id = settle_and_lock(db, workspace.id, person.employee_id)

    response = call(client, person.headers, person.employee_id, "clock-in", at=_at("08:00"))

    assert_locked(response, statement_id)
    assert _presence(client, person) == []
    clock = _get(client, person, timesheet(person.employee_id, "presence?at=" + INSIDE))
    assert clock["items"] == []


def test_presence_outside_the_period_is_written_as_ever(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    headers, employee = person.headers, person.employee_id
    settle_and_lock(db, workspace.id, employee)

    before = record(client, headers, employee, _at("08:00", BEFORE), _at("12:00", BEFORE))
    assert call(client, headers, employee, "clock-in", at=_at("08:00", AFTER)).status_code == 201
    assert call(client, headers, employee, "break-start", at=_at("10:00", AFTER)).status_code == 200
    assert call(client, headers, employee, "break-end", at=_at("10:30", AFTER)).status_code == 200
    assert call(client, headers, employee, "clock-out", at=_at("16:00", AFTER)).status_code == 200
    url = timesheet(employee, f"presence/{before['id']}")
    assert client.patch(url, json={"note": "fine"}, headers=headers).status_code == 200
    assert client.delete(url, headers=headers).status_code == 204


def test_an_owner_forces_presence_changes_an_employee_may_not(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    employee = person.employee_id
    interval = record(client, person.headers, employee, _at("08:00"), _at("12:00"))
    statement_id = settle_and_lock(db, workspace.id, employee)
    url = timesheet(employee, f"presence/{interval['id']}")

    by_employee = client.patch(url, json={"note": "mine"}, headers=person.headers, params=FORCE)
    created_by_employee = client.post(
        timesheet(employee, "presence"),
        json={"started_at": _at("13:00"), "ended_at": _at("15:00")},
        headers=person.headers,
        params=FORCE,
    )
    assert_problem(by_employee, 403)
    assert_problem(created_by_employee, 403)
    assert _get(client, person, url)["note"] == ""

    by_owner = client.patch(url, json={"note": "fixed"}, headers=workspace.headers, params=FORCE)
    assert by_owner.status_code == 200, by_owner.text
    assert by_owner.json()["note"] == "fixed"
    created = client.post(
        timesheet(employee, "presence"),
        json={"started_at": _at("13:00"), "ended_at": _at("15:00")},
        headers=workspace.headers,
        params=FORCE,
    )
    assert created.status_code == 201, created.text
    clocked = client.post(
        timesheet(employee, "clock-in"),
        json={"at": _at("16:00")},
        headers=workspace.headers,
        params=FORCE,
    )
    assert clocked.status_code == 201, clocked.text
    unforced = client.post(
        timesheet(employee, "clock-out"), json={"at": _at("17:00")}, headers=workspace.headers
    )
    assert_locked(unforced, statement_id)
    clocked_out = client.post(
        timesheet(employee, "clock-out"),
        json={"at": _at("17:00")},
        headers=workspace.headers,
        params=FORCE,
    )
    assert clocked_out.status_code == 200, clocked_out.text
    deleted = client.delete(url, headers=workspace.headers, params=FORCE)
    assert deleted.status_code == 204, deleted.text


def test_force_without_the_permission_is_403_even_outside_a_lock(
    client: TestClient, person: Person
) -> None:
    response = client.post(
        timesheet(person.employee_id, "clock-in"),
        json={"at": _at("08:00", AFTER)},
        headers=person.headers,
        params=FORCE,
    )

    assert_problem(response, 403)
    assert _presence(client, person) == []


def test_unlocking_lifts_the_423_of_presence(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    interval = record(client, person.headers, person.employee_id, _at("08:00"), _at("12:00"))
    url = timesheet(person.employee_id, f"presence/{interval['id']}")
    statement_id = settle_and_lock(db, workspace.id, person.employee_id)
    assert_locked(client.patch(url, json={"note": "x"}, headers=person.headers), statement_id)

    unlock(db, workspace.id, statement_id)

    changed = client.patch(url, json={"note": "x"}, headers=person.headers)
    assert changed.status_code == 200, changed.text


def test_a_lock_of_another_employee_does_not_lock_this_one(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    from tests.timesheet.support import person_in

    other = person_in(client, db, workspace)
    settle_and_lock(db, workspace.id, other.employee_id)

    assert (
        call(client, person.headers, person.employee_id, "clock-in", at=_at("08:00")).status_code
        == 201
    )
    _entry(client, person, activities, INSIDE)


# Entries


def test_every_entry_write_in_a_locked_period_answers_423_and_changes_nothing(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    work = activities["work"]
    entry = _entry(client, person, activities, INSIDE)
    timed = _entry(client, person, activities, "2026-03-05")
    outside = _entry(client, person, activities, AFTER)
    started = client.post(f"{person.entries}/{timed['id']}/timer", headers=person.headers)
    assert started.status_code == 200, started.text
    statement_id = settle_and_lock(db, workspace.id, person.employee_id)
    shown_before = _entries(client, person)
    url = f"{person.entries}/{entry['id']}"

    refused = {
        "create": client.post(
            person.entries,
            json={"date": INSIDE, "minutes": 5, "activity_id": work},
            headers=person.headers,
        ),
        "create with span": client.post(
            person.entries,
            json={
                "started_at": _at("08:00", "2026-03-06"),
                "ended_at": _at("09:00", "2026-03-06"),
                "activity_id": work,
            },
            headers=person.headers,
        ),
        "change": client.patch(url, json={"minutes": 45}, headers=person.headers),
        "move in": client.patch(
            f"{person.entries}/{outside['id']}", json={"date": INSIDE}, headers=person.headers
        ),
        "delete": client.delete(url, headers=person.headers),
        "timer on an entry": client.post(f"{url}/timer", headers=person.headers),
        "timer on a new entry": client.post(
            person.timer, json={"date": INSIDE, "activity_id": work}, headers=person.headers
        ),
        "timer stop": client.delete(person.timer, headers=person.headers),
        "batch": client.post(
            "/api/timesheet/entries/batch",
            json={
                "items": [
                    {
                        "employee_id": person.employee_id,
                        "date": AFTER,
                        "minutes": 5,
                        "activity_id": work,
                    },
                    {
                        "employee_id": person.employee_id,
                        "date": INSIDE,
                        "minutes": 5,
                        "activity_id": work,
                    },
                ]
            },
            headers=person.headers,
        ),
    }

    for name, response in refused.items():
        assert response.status_code == 423, (name, response.text)
        if name != "batch":
            assert_locked(response, statement_id)
    batch = refused["batch"].json()
    assert [error["location"] for error in batch["errors"]] == ["body.items.1"]
    assert batch["errors"][0]["status"] == 423
    assert LOCKED_DETAIL in batch["detail"]
    assert _entries(client, person) == shown_before
    running = _get(client, person, person.timer)["tracking_entry"]
    assert running is not None and running["id"] == timed["id"]


def test_entries_outside_the_period_are_written_as_ever(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    settle_and_lock(db, workspace.id, person.employee_id)

    before = _entry(client, person, activities, BEFORE)
    after = _entry(client, person, activities, AFTER)
    assert before["locked"] is False and after["locked"] is False
    url = f"{person.entries}/{before['id']}"
    moved = client.patch(url, json={"date": "2026-02-27"}, headers=person.headers)
    assert moved.status_code == 200, moved.text
    timer = client.post(f"{url}/timer", headers=person.headers)
    assert timer.status_code == 200, timer.text
    assert client.delete(person.timer, headers=person.headers).status_code == 200
    assert client.delete(url, headers=person.headers).status_code == 204


def test_an_owner_forces_entry_changes_an_employee_may_not(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    entry = _entry(client, person, activities, INSIDE)
    outside = _entry(client, person, activities, AFTER)
    statement_id = settle_and_lock(db, workspace.id, person.employee_id)
    url = f"{person.entries}/{entry['id']}"

    by_employee = client.patch(url, json={"minutes": 45}, headers=person.headers, params=FORCE)
    assert_problem(by_employee, 403)
    by_admin_unforced = client.patch(url, json={"minutes": 45}, headers=workspace.headers)
    assert_locked(by_admin_unforced, statement_id)
    assert _get(client, person, url)["minutes"] == 30

    changed = client.patch(url, json={"minutes": 45}, headers=workspace.headers, params=FORCE)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["minutes"], changed.json()["locked"]) == (45, True)
    created = client.post(
        person.entries,
        json={"date": INSIDE, "minutes": 10, "activity_id": activities["work"]},
        headers=workspace.headers,
        params=FORCE,
    )
    assert created.status_code == 201, created.text
    assert created.json()["locked"] is True  # like the period's other entries
    moved_in = client.patch(
        f"{person.entries}/{outside['id']}",
        json={"date": "2026-03-03"},
        headers=workspace.headers,
        params=FORCE,
    )
    assert moved_in.status_code == 200, moved_in.text
    assert moved_in.json()["locked"] is True
    moved_out = client.patch(url, json={"date": AFTER}, headers=workspace.headers, params=FORCE)
    assert moved_out.status_code == 200, moved_out.text
    assert moved_out.json()["locked"] is False
    deleted = client.delete(
        f"{person.entries}/{created.json()['id']}", headers=workspace.headers, params=FORCE
    )
    assert deleted.status_code == 204, deleted.text


def test_unlocking_lifts_the_423_of_entries(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    entry = _entry(client, person, activities, INSIDE)
    url = f"{person.entries}/{entry['id']}"
    statement_id = settle_and_lock(db, workspace.id, person.employee_id)
    assert_locked(client.patch(url, json={"minutes": 45}, headers=person.headers), statement_id)

    unlock(db, workspace.id, statement_id)

    changed = client.patch(url, json={"minutes": 45}, headers=person.headers)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["minutes"], changed.json()["locked"]) == (45, False)
    again = _entry(client, person, activities, INSIDE)
    assert again["locked"] is False


# Faces


def test_the_mite_face_answers_a_locked_period_with_its_423(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    mite = Mite.of(client, person)
    entry = mite.entry(date_at=INSIDE, minutes=30)
    settle_and_lock(db, workspace.id, person.employee_id)

    shown = mite.ok(f"time_entries/{entry['id']}.json")["time_entry"]
    updated = mite.request(
        "PATCH", f"time_entries/{entry['id']}.json", json={"time_entry": {"minutes": 45}}
    )
    created = mite.request(
        "POST", "time_entries.json", json={"time_entry": {"date_at": INSIDE, "minutes": 5}}
    )
    deleted = mite.request("DELETE", f"time_entries/{entry['id']}.json")

    assert shown["locked"] is True
    assert updated.status_code == 423, updated.text
    assert updated.json() == {"error": "Time entry cannot be updated: it is locked."}
    assert created.status_code == 423, created.text
    assert deleted.status_code == 423, deleted.text
    assert deleted.json() == {"error": "Time entry cannot be deleted: it is locked."}
    assert mite.ok(f"time_entries/{entry['id']}.json")["time_entry"]["minutes"] == 30


def test_the_mctime_clock_answers_a_locked_period_in_its_envelope(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    statement_id = settle_and_lock(db, workspace.id, person.employee_id)

    response = client.post(
        "/compat/mctime/api/v2/auth/clock",
        json={"action": "start", "dateTime": _at("08:00")},
        headers={"API_KEY": person.principal.key},
    )

    assert response.status_code == 423, response.text
    body = response.json()
    assert body["valid"] is False
    assert LOCKED_DETAIL in body["items"][0]["message"]
    assert f"statement {statement_id}" in body["items"][0]["message"]
    assert _presence(client, person) == []
