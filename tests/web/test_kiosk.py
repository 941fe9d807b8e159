"""The kiosk page: setting a kiosk up with its device token, identifying by badge and PIN,
punching, the lock after wrong PINs, and what its cookie (and a person's) opens."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from starlette.requests import Request

from tests.conftest import WorkspaceFixture
from tests.kiosks.support import (
    BADGE,
    PIN,
    WRONG_PIN,
    Shop,
    employee_in,
    give_badge,
    new_kiosk,
    open_shop,
    presence_of,
)
from tests.web.support import employee_in as person_in
from tests.web.support import post_form, sign_in
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.clock import Clock, FixedClock, utcnow
from timeledger.kit.db import Database
from timeledger.web.formatting import Formats
from timeledger.web.kiosk import kiosk_language

VISIT = re.compile(r'name="visit" value="([^"]+)"')
PROBLEM = re.compile(r'<p class="problem-box" id="kiosk-problem" role="alert">([^<]+)</p>')
ZONE = "Europe/Copenhagen"
UNKNOWN = "No badge with this PIN is known at this kiosk."
EXPIRED = "That took too long: please identify again."


@pytest.fixture
def shop(client: TestClient, workspace: WorkspaceFixture) -> Shop:
    return open_shop(client, workspace)


def set_up(client: TestClient, token: str) -> Response:
    return post_form(client, "/kiosk/setup", {"token": token}, from_page="/kiosk")


def identify(client: TestClient, badge: str = BADGE, pin: str = PIN, **kwargs: object) -> Response:
    return post_form(
        client, "/kiosk/identify", {"badge": badge, "pin": pin}, from_page="/kiosk", **kwargs
    )


def punch(client: TestClient, visit: str, action: str) -> Response:
    return post_form(client, "/kiosk/punch", {"visit": visit, "action": action}, from_page="/kiosk")


def visit_of(page: Response) -> str:
    found = VISIT.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def problem_of(page: Response) -> str:
    found = PROBLEM.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def _frozen(clock: Clock) -> FixedClock:
    assert isinstance(clock, FixedClock)
    return clock


def test_setting_up_refuses_a_bad_token_and_keeps_a_good_one_in_a_strict_cookie(
    client: TestClient, workspace: WorkspaceFixture, shop: Shop
) -> None:
    setup = client.get("/kiosk")
    assert setup.status_code == 200
    assert "Set up this kiosk" in setup.text
    assert 'name="badge"' not in setup.text

    for token in ("tl_kd_not-a-token", workspace.api_key, shop.token[:-1] + "x", ""):
        refused = set_up(client, token)
        assert refused.status_code == 401, token
        assert "This is not a kiosk&#39;s device token" in refused.text
        assert 'aria-invalid="true"' in refused.text
        assert "tl_kiosk" not in refused.headers.get("set-cookie", "")

    accepted = set_up(client, shop.token)
    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/kiosk"
    cookie = accepted.headers["set-cookie"]
    assert cookie.startswith(f"tl_kiosk={shop.token};")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/kiosk"} <= attributes
    assert "secure" not in attributes
    assert any(attribute.startswith("max-age=") for attribute in attributes)

    kiosk = client.get("/kiosk")
    assert kiosk.status_code == 200
    assert "Front door" in kiosk.text
    assert re.search(r'<input id="kiosk-badge" name="badge"[^>]*inputmode="numeric"', kiosk.text)
    assert re.search(r'<input id="kiosk-badge"[^>]*autofocus', kiosk.text)
    assert re.search(
        r'<input id="kiosk-pin" name="pin" type="password" inputmode="numeric"', kiosk.text
    )
    assert 'hx-get="/kiosk/clock"' in kiosk.text
    assert "Sign out" not in kiosk.text


@pytest.mark.frozen_clock
def test_a_person_identifies_and_clocks_in_at_the_kiosk(client: TestClient, shop: Shop) -> None:
    set_up(client, shop.token)
    greeted = identify(client)
    assert greeted.status_code == 200, greeted.text
    assert "Hello, Grace" in greeted.text
    assert "You are clocked out." in greeted.text
    assert ">Clock in</button>" in greeted.text
    assert "Clock out" not in greeted.text
    assert PIN not in greeted.text

    clocked_in = punch(client, visit_of(greeted), "clock_in")
    assert clocked_in.status_code == 200, clocked_in.text
    at = Formats.of("en", ZONE).time(utcnow())
    assert f"Clocked in at {at}, Grace." in clocked_in.text
    assert 'href="/kiosk"' in clocked_in.text
    (interval,) = presence_of(client, shop.headers, shop.employee_id)
    assert (interval["source"], interval["ended_at"]) == ("kiosk", None)

    again = identify(client)
    assert "You are clocked in." in again.text
    assert ">Clock out</button>" in again.text
    assert ">Start a break</button>" in again.text
    on_break = punch(client, visit_of(again), "break_start")
    assert f"Break started at {at}, Grace." in on_break.text
    assert ">End the break</button>" in identify(client).text


def test_the_page_speaks_the_browsers_language(client: TestClient, shop: Shop) -> None:
    set_up(client, shop.token)
    norwegian = identify(client, headers={"Accept-Language": "nb-NO,nb;q=0.9,en;q=0.5"})
    assert "Hei, Grace" in norwegian.text
    assert "Du er stemplet ut." in norwegian.text
    german = identify(client, headers={"Accept-Language": "fr-CH, fr;q=0.9, de;q=0.8"})
    assert "Hallo, Grace" in german.text
    assert "Hello, Grace" in identify(client, headers={"Accept-Language": "fr, de;q=0"}).text


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("", "en"),
        ("de-AT", "de-AT"),
        ("en;q=0.5, nb;q=0.8", "nb"),
        ("sv, no;q=0.2", "no"),
        ("de;q=zero, en;q=0.1", "en"),
        ("*", "en"),
    ],
)
def test_the_kiosks_language_is_the_best_the_app_has_texts_for(header: str, language: str) -> None:
    request = Request({"type": "http", "headers": [(b"accept-language", header.encode())]})
    assert kiosk_language(request) == language


@pytest.mark.frozen_clock
def test_five_wrong_pins_lock_the_badge_and_then_the_right_pin_too(
    client: TestClient, shop: Shop, clock: Clock
) -> None:
    set_up(client, shop.token)
    for _ in range(4):
        wrong = identify(client, pin=WRONG_PIN)
        assert wrong.status_code == 404
        assert problem_of(wrong) == UNKNOWN
    locked = identify(client, pin=WRONG_PIN)
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == "300"
    assert problem_of(locked) == "Too many wrong PINs for this badge: try again in 5 min."
    right = identify(client)
    assert right.status_code == 429
    assert "Hello" not in right.text

    _frozen(clock).advance(timedelta(minutes=4, seconds=1))
    assert "try again in 1 min." in identify(client).text
    _frozen(clock).advance(timedelta(minutes=1))
    assert "Hello, Grace" in identify(client).text


def test_a_badge_the_kiosk_does_not_serve_is_answered_as_an_unknown_one(
    client: TestClient, shop: Shop
) -> None:
    in_office = employee_in(client, shop.headers, shop.office_id, "O1", "Alan")
    give_badge(client, shop.headers, in_office, "900", PIN)
    set_up(client, shop.token)
    refusals = [identify(client, "900"), identify(client, "no-such-badge")]
    assert [page.status_code for page in refusals] == [404, 404]
    assert [problem_of(page) for page in refusals] == [UNKNOWN, UNKNOWN]
    assert "Alan" not in refusals[0].text
    unreadable = identify(client, "with space", "12")
    assert unreadable.status_code == 422
    assert problem_of(unreadable) == "Type your badge number and your PIN (4 to 8 digits)."


@pytest.mark.frozen_clock
def test_an_expired_or_altered_visit_is_refused(
    client: TestClient, shop: Shop, clock: Clock
) -> None:
    colleague = employee_in(client, shop.headers, shop.floor_id, "S2", "Ada")
    set_up(client, shop.token)
    visit = visit_of(identify(client))

    payload, signature = visit.rsplit(".", 1)
    kiosk_id, employee_id, expires, badge = payload.split(":", 3)
    for altered in (
        f"{kiosk_id}:{colleague}:{expires}:{badge}.{signature}",
        f"{kiosk_id}:{employee_id}:{int(expires) + 3600}:{badge}.{signature}",
        f"{payload}.{'0' * len(signature)}",
        payload,
        "",
    ):
        refused = punch(client, altered, "clock_in")
        assert refused.status_code == 400, altered
        assert problem_of(refused) == EXPIRED
    assert punch(client, visit, "dance").status_code == 400

    other_kiosk = new_kiosk(client, shop.headers, [shop.floor_id], "Back door")
    set_up(client, other_kiosk["token"])
    assert punch(client, visit, "clock_in").status_code == 400
    set_up(client, shop.token)

    _frozen(clock).advance(timedelta(seconds=61))
    expired = punch(client, visit, "clock_in")
    assert expired.status_code == 400
    assert problem_of(expired) == EXPIRED
    assert 'name="badge"' in expired.text
    assert presence_of(client, shop.headers, shop.employee_id) == []
    assert presence_of(client, shop.headers, colleague) == []


def test_a_punch_the_presence_rules_refuse_shows_why(client: TestClient, shop: Shop) -> None:
    set_up(client, shop.token)
    visit = visit_of(identify(client))
    assert punch(client, visit, "clock_in").status_code == 200
    twice = punch(client, visit, "clock_in")
    assert twice.status_code == 409
    assert "clocked in" in problem_of(twice)
    assert len(presence_of(client, shop.headers, shop.employee_id)) == 1


def test_a_persons_session_does_not_open_the_kiosk(
    client: TestClient,
    db: Database,
    hashing: PasswordHashing,
    workspace: WorkspaceFixture,
    shop: Shop,
) -> None:
    person = person_in(client, db, hashing, workspace, role="owner")
    sign_in(client, person.email)
    assert client.get("/week").status_code == 200
    page = client.get("/kiosk")
    assert "Set up this kiosk" in page.text
    assert 'name="badge"' not in page.text
    refused = identify(client)
    assert "Set up this kiosk" in refused.text
    assert "Hello" not in refused.text


def test_the_kiosk_cookie_opens_nothing_else(client: TestClient, shop: Shop) -> None:
    set_up(client, shop.token)
    to_sign_in = client.get("/week", follow_redirects=False)
    assert to_sign_in.status_code == 303
    assert to_sign_in.headers["location"].startswith("/sign-in")

    client.cookies.clear()
    cookies = {"Cookie": f"tl_kiosk={shop.token}; tl_session={shop.token}"}
    for path in ("/", "/week", "/time-off"):
        response = client.get(path, headers=cookies, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in"), path
    for path in ("/api/kiosk", f"/api/employees/{shop.employee_id}/timesheet/presence"):
        assert client.get(path, headers=cookies).status_code == 401, path


def test_a_forged_form_is_refused(client: TestClient, shop: Shop) -> None:
    set_up(client, shop.token)
    visit = visit_of(identify(client))
    forged = "0" * 64
    for path, fields in (
        ("/kiosk/setup", {"token": shop.token}),
        ("/kiosk/identify", {"badge": BADGE, "pin": PIN}),
        ("/kiosk/punch", {"visit": visit, "action": "clock_in"}),
        ("/kiosk/forget", {}),
    ):
        refused = client.post(path, data={"csrf_token": forged, **fields}, follow_redirects=False)
        assert refused.status_code == 403, path
        assert "Reload the page and try again" in refused.text
    assert presence_of(client, shop.headers, shop.employee_id) == []
    assert "Front door" in client.get("/kiosk").text


def test_forgetting_the_kiosk_or_replacing_its_token_goes_back_to_setup(
    client: TestClient, shop: Shop
) -> None:
    set_up(client, shop.token)
    forgotten = post_form(client, "/kiosk/forget", {}, from_page="/kiosk")
    assert forgotten.status_code == 303
    assert 'tl_kiosk=""' in forgotten.headers["set-cookie"]
    assert "Set up this kiosk" in client.get("/kiosk").text
    assert client.get("/kiosk/clock").status_code == 204

    set_up(client, shop.token)
    assert 'class="kiosk-clock"' in client.get("/kiosk/clock").text
    replaced = client.post(f"/api/kiosks/{shop.kiosk_id}/token", headers=shop.headers)
    assert replaced.status_code == 200
    lost = client.get("/kiosk")
    assert lost.status_code == 401
    assert "no longer works" in lost.text
    assert 'tl_kiosk=""' in lost.headers["set-cookie"]
    set_up(client, replaced.json()["token"])
    assert "Front door" in client.get("/kiosk").text
