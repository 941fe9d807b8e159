"""The device API: identifying by badge and PIN, punching, locks, late punches, and what a
device token opens."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from tests.access.support import (
    assert_problem,
    bearer,
    login,
    new_person,
    protected_operations,
)
from tests.conftest import WorkspaceFixture
from tests.kiosks.support import (
    BADGE,
    PIN,
    WRONG_PIN,
    Shop,
    employee_in,
    give_badge,
    identify,
    new_kiosk,
    open_shop,
    presence_of,
    punch,
)
from tests.organization.support import create_unit
from timeledger.access.credential_cache import CREDENTIALS
from timeledger.access.credentials import PasswordHashing
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.kiosks.schemas import PresenceState, PunchAction
from timeledger.kiosks.service import device_of_token, punch_for_visitor, purge_old_pin_failures
from timeledger.kit.clock import Clock, FixedClock, utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import NotFound
from timeledger.models import KioskPinFailure


@pytest.fixture
def shop(client: TestClient, workspace: WorkspaceFixture) -> Shop:
    return open_shop(client, workspace)


def _frozen(clock: Clock) -> FixedClock:
    assert isinstance(clock, FixedClock)
    return clock


def _state(client: TestClient, shop: Shop) -> str:
    response = identify(client, shop.token)
    assert response.status_code == 200, response.text
    state: str = response.json()["state"]
    return state


def test_identify_greets_the_person_and_tells_their_state(client: TestClient, shop: Shop) -> None:
    response = identify(client, shop.token)
    assert response.status_code == 200, response.text
    assert response.json() == {"first_name": "Grace", "state": "out"}


@pytest.mark.frozen_clock
def test_punches_walk_the_clock_and_are_recorded_as_kiosk_presence(
    client: TestClient, shop: Shop, clock: Clock
) -> None:
    frozen = _frozen(clock)
    clocked_in = punch(client, shop.token, "clock_in")
    assert clocked_in.status_code == 200, clocked_in.text
    assert clocked_in.json()["state"] == "in"
    assert clocked_in.json()["first_name"] == "Grace"
    assert datetime.fromisoformat(clocked_in.json()["at"]) == utcnow()
    assert _state(client, shop) == "in"
    assert_problem(punch(client, shop.token, "clock_in"), 409)
    assert_problem(punch(client, shop.token, "break_end"), 409)

    frozen.advance(timedelta(hours=2))
    assert punch(client, shop.token, "break_start").json()["state"] == "on_break"
    assert _state(client, shop) == "on_break"
    assert_problem(punch(client, shop.token, "break_start"), 409)
    frozen.advance(timedelta(minutes=30))
    assert punch(client, shop.token, "break_end").json()["state"] == "in"
    frozen.advance(timedelta(hours=2))
    clocked_out = punch(client, shop.token, "clock_out")
    assert clocked_out.json()["state"] == "out"
    assert clocked_out.json()["interval_id"] == clocked_in.json()["interval_id"]
    assert _state(client, shop) == "out"
    assert_problem(punch(client, shop.token, "clock_out"), 409)
    assert_problem(punch(client, shop.token, "break_start"), 409)

    (interval,) = presence_of(client, shop.headers, shop.employee_id)
    assert interval["source"] == "kiosk"
    assert interval["minutes"] == 4 * 60
    assert interval["break_minutes"] == 30


def test_a_badge_the_kiosk_does_not_serve_is_answered_as_an_unknown_one(
    client: TestClient, shop: Shop
) -> None:
    in_office = employee_in(client, shop.headers, shop.office_id, "O1", "Alan")
    give_badge(client, shop.headers, in_office, "900", PIN)
    without_pin = employee_in(client, shop.headers, shop.floor_id, "S2", "Edsger")
    assert (
        client.put(
            f"/api/employees/{without_pin}/kiosk-badge", json={"badge": "901"}, headers=shop.headers
        ).status_code
        == 200
    )
    refusals = [
        identify(client, shop.token, "900", PIN),
        identify(client, shop.token, "901", PIN),
        identify(client, shop.token, "no-such-badge", PIN),
        identify(client, shop.token, BADGE, WRONG_PIN),
        punch(client, shop.token, "clock_in", badge="900"),
    ]
    bodies = [assert_problem(response, 404) for response in refusals]
    assert {(body["title"], body["detail"]) for body in bodies} == {
        (bodies[0]["title"], bodies[0]["detail"])
    }
    assert presence_of(client, shop.headers, in_office) == []


def test_a_kiosk_serves_the_units_below_its_own(client: TestClient, shop: Shop) -> None:
    below = create_unit(client, shop.headers, "Welding", parent_id=shop.floor_id)["id"]
    welder = employee_in(client, shop.headers, below, "W1", "Barbara")
    give_badge(client, shop.headers, welder, "500", "2468")
    assert identify(client, shop.token, "500", "2468").json()["first_name"] == "Barbara"


@pytest.mark.frozen_clock
def test_five_wrong_pins_lock_the_badge_at_that_kiosk_for_five_minutes(
    client: TestClient,
    shop: Shop,
    clock: Clock,
    settings: Settings,
    db: Database,
    hashing: PasswordHashing,
) -> None:
    frozen = _frozen(clock)
    other_kiosk = new_kiosk(client, shop.headers, [shop.floor_id], "Back door")["token"]
    colleague = employee_in(client, shop.headers, shop.floor_id, "S2", "Alan")
    give_badge(client, shop.headers, colleague, "418", "2580")
    for _ in range(4):
        assert_problem(identify(client, shop.token, pin=WRONG_PIN), 404)
    locked = punch(client, shop.token, "clock_in", pin=WRONG_PIN)
    assert_problem(locked, 429)
    assert locked.headers["retry-after"] == "300"

    assert_problem(identify(client, shop.token), 429)
    assert_problem(punch(client, shop.token, "clock_in"), 429)
    # Another process (an app of its own on the same database) applies the same lock.
    elsewhere = create_app(settings, db, password_hashing=hashing, clock=frozen)
    with TestClient(elsewhere, raise_server_exceptions=False) as other_process:
        assert_problem(identify(other_process, shop.token), 429)
    # Only that badge, only at that kiosk.
    assert identify(client, shop.token, "418", "2580").status_code == 200
    assert identify(client, other_kiosk).status_code == 200

    frozen.advance(timedelta(minutes=4, seconds=30))
    assert identify(client, shop.token).headers["retry-after"] == "30"
    frozen.advance(timedelta(seconds=30))
    assert punch(client, shop.token, "clock_in").status_code == 200
    assert presence_of(client, shop.headers, shop.employee_id)[0]["source"] == "kiosk"


def test_the_right_pin_starts_the_count_again(client: TestClient, shop: Shop) -> None:
    for _ in range(4):
        assert_problem(identify(client, shop.token, pin=WRONG_PIN), 404)
    assert identify(client, shop.token).status_code == 200
    for _ in range(4):
        assert_problem(identify(client, shop.token, pin=WRONG_PIN), 404)
    assert identify(client, shop.token).status_code == 200


def test_unknown_badges_lock_as_known_ones_do(client: TestClient, shop: Shop) -> None:
    answers = [identify(client, shop.token, "no-such-badge").status_code for _ in range(6)]
    assert answers == [404, 404, 404, 404, 429, 429]


@pytest.mark.frozen_clock
def test_an_offline_kiosk_sends_its_punches_up_to_72_hours_late_in_order(
    client: TestClient, shop: Shop
) -> None:
    now = utcnow()
    assert_problem(
        punch(client, shop.token, "clock_in", at=now - timedelta(hours=72, minutes=1)), 422
    )
    assert_problem(punch(client, shop.token, "clock_in", at=now + timedelta(minutes=10)), 422)
    started = now - timedelta(hours=71)
    assert punch(client, shop.token, "clock_in", at=started).status_code == 200
    assert (
        punch(client, shop.token, "break_start", at=started + timedelta(hours=3)).status_code == 200
    )
    assert (
        punch(
            client, shop.token, "break_end", at=started + timedelta(hours=3, minutes=20)
        ).status_code
        == 200
    )
    ended = started + timedelta(hours=8)
    assert punch(client, shop.token, "clock_out", at=ended).status_code == 200

    late = punch(client, shop.token, "clock_in", at=ended - timedelta(minutes=1))
    assert datetime.fromisoformat(assert_problem(late, 409)["latest_recorded_at"]) == ended
    (interval,) = presence_of(client, shop.headers, shop.employee_id)
    assert datetime.fromisoformat(interval["started_at"]) == started
    assert datetime.fromisoformat(interval["ended_at"]) == ended
    assert (interval["source"], interval["break_minutes"]) == ("kiosk", 20)
    assert punch(client, shop.token, "clock_in", at=ended).status_code == 200


@pytest.mark.frozen_clock
def test_a_punch_overlapping_recorded_presence_is_refused(client: TestClient, shop: Shop) -> None:
    now = utcnow()
    recorded = client.post(
        f"/api/employees/{shop.employee_id}/timesheet/presence",
        json={
            "started_at": (now - timedelta(hours=3)).isoformat(),
            "ended_at": (now - timedelta(hours=1)).isoformat(),
        },
        headers=shop.headers,
    )
    assert recorded.status_code == 201, recorded.text
    overlapping = punch(client, shop.token, "clock_in", at=now - timedelta(hours=2))
    assert_problem(overlapping, 409)
    assert len(presence_of(client, shop.headers, shop.employee_id)) == 1


def test_a_device_token_opens_nothing_but_the_device_api(client: TestClient, shop: Shop) -> None:
    accepted = []
    for operation in protected_operations(client):
        if operation.kiosk_device:
            continue
        response = operation.call(client, shop.device)
        if response.status_code != 401:
            accepted.append(f"{operation.label} -> {response.status_code}")
    assert accepted == []
    assert identify(client, shop.token).status_code == 200


def test_a_persons_credentials_do_not_open_the_device_api(
    client: TestClient, db: Database, workspace: WorkspaceFixture, shop: Shop
) -> None:
    session = login(client, workspace.owner_email, workspace.owner_password)["token"]
    employee = new_person(db, workspace.id, "employee")
    body = {"badge": BADGE, "pin": PIN, "action": "clock_in"}
    for token in (workspace.api_key, session, employee.key, shop.token[:-1] + "x"):
        for path in ("/api/kiosk/identify", "/api/kiosk/punch"):
            assert_problem(client.post(path, json=body, headers=bearer(token)), 401)
    assert_problem(client.post("/api/kiosk/punch", json=body), 401)
    assert presence_of(client, shop.headers, shop.employee_id) == []


def test_bad_input_to_the_device_api_is_a_problem_never_a_500(
    client: TestClient, shop: Shop
) -> None:
    headers = shop.device
    for body in (
        {},
        {"badge": BADGE},
        {"badge": BADGE, "pin": PIN, "action": "dance"},
        {"badge": BADGE, "pin": PIN, "action": "clock_in", "at": "2026-01-05T08:00:00"},
        {"badge": BADGE, "pin": PIN, "action": "clock_in", "at": "yesterday"},
        {"badge": BADGE, "pin": "12", "action": "clock_in"},
        {"badge": "with space", "pin": PIN, "action": "clock_in"},
        {"badge": BADGE, "pin": PIN, "action": "clock_in", "employee_id": 1},
        {"badge": ["x"], "pin": PIN, "action": "clock_in"},
        {"badge": BADGE, "pin": PIN, "action": "clock_in", "at": "9999-12-31T23:59:59Z"},
    ):
        response = client.post("/api/kiosk/punch", json=body, headers=headers)
        assert 400 <= response.status_code < 500, (body, response.text)
        assert_problem(response, response.status_code)
    not_json = client.post(
        "/api/kiosk/identify",
        content=b"badge=1",
        headers={**headers, "content-type": "application/json"},
    )
    assert_problem(not_json, not_json.status_code)
    assert 400 <= not_json.status_code < 500
    assert presence_of(client, shop.headers, shop.employee_id) == []


def test_another_workspaces_badges_are_unknown_at_a_kiosk(
    client: TestClient, shop: Shop, other_workspace: WorkspaceFixture
) -> None:
    their_unit = create_unit(client, other_workspace.headers, "Their floor")["id"]
    theirs = employee_in(client, other_workspace.headers, their_unit, "T1", "Them")
    give_badge(client, other_workspace.headers, theirs, "777", "3691")
    assert_problem(identify(client, shop.token, "777", "3691"), 404)


@pytest.mark.frozen_clock
def test_counts_of_wrong_pins_are_purged_once_they_no_longer_count(
    client: TestClient, db: Database, shop: Shop
) -> None:
    assert_problem(identify(client, shop.token, pin=WRONG_PIN), 404)

    def counts() -> int:
        with db.session(write=False) as session:
            return len(session.scalars(select(KioskPinFailure)).all())

    purge_old_pin_failures(db, utcnow() + timedelta(minutes=14))
    assert counts() == 1
    purge_old_pin_failures(db, utcnow() + timedelta(minutes=15))
    assert counts() == 0


def test_a_kiosk_tells_its_name_and_the_units_it_serves(client: TestClient, shop: Shop) -> None:
    below = create_unit(client, shop.headers, "Welding", parent_id=shop.floor_id)["id"]
    assert (
        client.patch(
            f"/api/kiosks/{shop.kiosk_id}",
            json={"org_unit_ids": [shop.floor_id, below]},
            headers=shop.headers,
        ).status_code
        == 200
    )
    response = client.get("/api/kiosk", headers=shop.device)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "id": shop.kiosk_id,
        "name": "Front door",
        "org_units": [
            {"id": shop.floor_id, "name": "Shop floor"},
            {"id": below, "name": "Welding"},
        ],
    }
    operation = client.get("/api/openapi.json").json()["paths"]["/api/kiosk"]["get"]
    assert operation["x-kiosk-device"] is True


def test_only_a_device_token_reads_its_kiosk(
    client: TestClient, workspace: WorkspaceFixture, shop: Shop
) -> None:
    session = login(client, workspace.owner_email, workspace.owner_password)["token"]
    for token in (workspace.api_key, session, shop.token[:-1] + "x"):
        assert_problem(client.get("/api/kiosk", headers=bearer(token)), 401)
    assert_problem(client.get("/api/kiosk"), 401)
    assert client.delete(f"/api/kiosks/{shop.kiosk_id}", headers=shop.headers).status_code == 204
    assert_problem(client.get("/api/kiosk", headers=shop.device), 401)


def test_a_visitor_punches_without_the_pin_while_the_badge_still_names_them(
    client: TestClient, db: Database, shop: Shop
) -> None:
    device = device_of_token(db, shop.token, None)
    with db.transaction(workspace_id=device.workspace_id) as session:
        punched = punch_for_visitor(session, device, shop.employee_id, BADGE, PunchAction.CLOCK_IN)
    assert (punched.first_name, punched.state) == ("Grace", PresenceState.IN)
    assert presence_of(client, shop.headers, shop.employee_id)[0]["source"] == "kiosk"

    colleague = employee_in(client, shop.headers, shop.floor_id, "S2", "Alan")
    client.put(
        f"/api/employees/{shop.employee_id}/kiosk-badge", json={"badge": None}, headers=shop.headers
    )
    for badge, employee_id in ((BADGE, shop.employee_id), ("no-such-badge", shop.employee_id)):
        with (
            pytest.raises(NotFound, match="No badge with this PIN"),
            db.transaction(workspace_id=device.workspace_id) as session,
        ):
            punch_for_visitor(session, device, employee_id, badge, PunchAction.CLOCK_OUT)
    give_badge(client, shop.headers, colleague, BADGE, "2580")
    with (
        pytest.raises(NotFound),
        db.transaction(workspace_id=device.workspace_id) as session,
    ):
        punch_for_visitor(session, device, shop.employee_id, BADGE, PunchAction.CLOCK_OUT)
    assert presence_of(client, shop.headers, shop.employee_id)[0]["ended_at"] is None


def test_a_device_token_verified_a_moment_ago_is_not_looked_up_again(
    db: Database, shop: Shop
) -> None:
    statements: list[str] = []

    def count(*execution: Any) -> None:
        statements.append(execution[2])

    CREDENTIALS.clear()
    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        first = device_of_token(db, shop.token, None)
        looked_up = len(statements)
        again = device_of_token(db, shop.token, "192.0.2.7")
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", count)
    assert looked_up >= 1
    assert len(statements) == looked_up
    assert again.kiosk_id == first.kiosk_id == shop.kiosk_id
    assert again.client_address == "192.0.2.7"
