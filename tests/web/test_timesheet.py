"""The clock, the timer, "my week" and its entries, through the pages and their forms."""

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.web.support import employee_in, post_form, sign_in
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database

HTMX = {"HX-Request": "true"}


def test_the_clock_goes_in_on_a_break_and_out_and_shows_its_state(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = employee_in(client, db, hashing, workspace)
    sign_in(client, person.email)
    assert "You are clocked out." in client.get("/").text

    clocked_in = post_form(client, "/clock/in", {}, from_page="/")
    assert clocked_in.status_code == 303
    assert "Clocked in since" in client.get("/").text
    on_break = post_form(client, "/clock/break-start", {}, from_page="/", headers=HTMX)
    assert on_break.status_code == 200
    assert on_break.text.startswith('<section id="clock" class="clock on-break"')
    assert "<html" not in on_break.text
    post_form(client, "/clock/break-end", {}, from_page="/", headers=HTMX)
    out = post_form(client, "/clock/out", {}, from_page="/", headers=HTMX)
    assert "You are clocked out." in out.text

    intervals = client.get(
        f"/api/employees/{person.employee_id}/timesheet/presence", headers=person.api_headers
    ).json()["items"]
    assert len(intervals) == 1
    assert intervals[0]["ended_at"] is not None
    assert len(intervals[0]["breaks"]) == 1
    assert 'id="presence"' in client.get("/week").text


def test_a_refused_clocking_shows_the_services_problem_in_the_panel(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = employee_in(client, db, hashing, workspace)
    sign_in(client, person.email)

    refused = post_form(client, "/clock/out", {}, from_page="/", headers=HTMX)

    assert refused.status_code == 200
    assert f"Employee {person.employee_id} is not clocked in." in refused.text
    page = post_form(client, "/clock/out", {}, from_page="/")
    assert page.status_code == 409
    assert "is not clocked in" in page.text


def test_entries_are_added_edited_and_deleted_through_their_forms(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = employee_in(client, db, hashing, workspace)
    sign_in(client, person.email)
    day = (utcnow() - timedelta(days=1)).date()
    form = client.get(f"/entries/new?date={day}")
    activity = form.text.split('<option value="', 2)[1].split('"')[0]

    added = post_form(
        client,
        "/entries",
        {"date": day.isoformat(), "duration": "1:30", "activity_id": activity, "note": "Ferry"},
        from_page="/",
    )
    assert added.status_code == 303
    assert added.headers["location"] == f"/week?of={day}"
    listed = client.get(
        f"/api/employees/{person.employee_id}/timesheet/entries", headers=person.api_headers
    ).json()["items"]
    assert [(entry["minutes"], entry["note"]) for entry in listed] == [(90, "Ferry")]
    entry_id = listed[0]["id"]
    week = client.get(added.headers["location"])
    assert "Ferry" in week.text
    assert f'href="/entries/{entry_id}"' in week.text

    edit = client.get(f"/entries/{entry_id}")
    assert 'value="1:30"' in edit.text
    post_form(
        client,
        f"/entries/{entry_id}",
        {"date": day.isoformat(), "duration": "2.25", "activity_id": activity, "note": "Ferry 2"},
        from_page="/",
    )
    changed = client.get(
        f"/api/employees/{person.employee_id}/timesheet/entries/{entry_id}",
        headers=person.api_headers,
    ).json()
    assert (changed["minutes"], changed["note"]) == (135, "Ferry 2")

    deleted = post_form(
        client, f"/entries/{entry_id}/delete", {"week": day.isoformat()}, from_page="/"
    )
    assert deleted.headers["location"] == f"/week?of={day}"
    assert (
        client.get(
            f"/api/employees/{person.employee_id}/timesheet/entries/{entry_id}",
            headers=person.api_headers,
        ).status_code
        == 404
    )


def test_a_refused_entry_keeps_what_was_typed_and_names_the_field(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = employee_in(client, db, hashing, workspace)
    sign_in(client, person.email)
    future = (utcnow() + timedelta(days=800)).date().isoformat()

    unreadable = post_form(
        client,
        "/entries",
        {"date": "2026-01-05", "duration": "soon", "activity_id": "1", "note": "kept"},
        from_page="/",
    )
    refused = post_form(
        client,
        "/entries",
        {"date": future, "duration": "1:00", "activity_id": "1", "note": "far"},
        from_page="/",
    )

    assert unreadable.status_code == 422
    assert 'id="f-duration-problem">Write the duration' in unreadable.text
    assert 'value="soon"' in unreadable.text
    assert ">kept</textarea>" in unreadable.text
    assert refused.status_code == 422
    assert 'id="f-date-problem"' in refused.text
    assert f'value="{future}"' in refused.text
    assert "Traceback" not in refused.text


def test_someone_elses_entry_does_not_exist_and_a_locked_one_cannot_be_changed(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = employee_in(client, db, hashing, workspace)
    other = employee_in(client, db, hashing, workspace)
    day = (utcnow() - timedelta(days=2)).date().isoformat()
    theirs = client.post(
        f"/api/employees/{other.employee_id}/timesheet/entries",
        json={"date": day, "minutes": 60, "activity_id": 1},
        headers=workspace.headers,
    ).json()
    locked = client.post(
        f"/api/employees/{person.employee_id}/timesheet/entries",
        json={"date": day, "minutes": 30, "activity_id": 1, "locked": True},
        headers=workspace.headers,
    ).json()
    sign_in(client, person.email)

    assert client.get(f"/entries/{theirs['id']}").status_code == 404
    assert (
        post_form(client, f"/entries/{theirs['id']}/delete", {}, from_page="/").status_code == 404
    )
    shown = client.get(f"/entries/{locked['id']}")
    assert "This entry is locked" in shown.text
    assert f'action="/entries/{locked["id"]}"' not in shown.text
    assert f'href="/entries/{locked["id"]}"' not in client.get(f"/week?of={day}").text
    refused = post_form(client, f"/entries/{locked['id']}/delete", {}, from_page="/")
    assert refused.status_code == 423


def test_the_timer_starts_and_stops(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = employee_in(client, db, hashing, workspace)
    sign_in(client, person.email)

    post_form(client, "/timer/start", {"activity_id": "1", "note": "Deck"}, from_page="/")
    assert "Running since" in client.get("/").text
    post_form(client, "/timer/stop", {}, from_page="/")

    assert "No timer is running." in client.get("/").text
    entries = client.get(
        f"/api/employees/{person.employee_id}/timesheet/entries", headers=person.api_headers
    ).json()["items"]
    assert [(entry["note"], entry["tracking"]) for entry in entries] == [("Deck", None)]


def test_my_week_is_in_the_persons_language_and_locale(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = employee_in(client, db, hashing, workspace)
    changed = client.patch("/api/me", json={"language": "de"}, headers=person.api_headers)
    assert changed.status_code == 200, changed.text
    sign_in(client, person.email)

    week = client.get("/week?of=2026-03-04")

    assert week.status_code == 200
    assert '<html lang="de">' in week.text
    assert "Woche ab Montag, 2. März 2026" in week.text
    assert ">Soll</th>" in week.text
    assert client.get("/week?of=someday").status_code == 404


def test_a_person_without_an_employee_record_is_told_so(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = employee_in(client, db, hashing, workspace)
    removed = client.delete(f"/api/employees/{person.employee_id}", headers=workspace.headers)
    assert removed.status_code == 204, removed.text
    sign_in(client, person.email)

    home = client.get("/")
    week = client.get("/week")

    assert home.status_code == 200
    assert "You have no employee record" in home.text
    assert 'action="/clock/in"' not in home.text
    assert week.status_code == 422
    assert "You have no employee record" in week.text
