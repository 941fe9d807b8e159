"""The kiosk page in a real browser: headless Chromium against the real `timeledger serve`
process on both engines, as tests/web/test_browser_e2e.py drives the people's pages. An
administrator sets the kiosk up with its device token; a person identifies by badge and
PIN, is greeted, clocks in and sees their state; five wrong PINs lock their badge. The
screenshots land beside the other screens' in var/screenshots/."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import make_workspace
from tests.test_serve_e2e import serving
from tests.web.browser import console_errors, engine_of, new_page, screenshots, script_errors
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

BADGE = "4711"
PIN = "83920571"
WRONG_PIN = "10293847"


def _created(response: httpx.Response) -> int:
    assert response.status_code == 201, response.text
    created: int = response.json()["id"]
    return created


def _open_quay(api: httpx.Client) -> tuple[int, str]:
    """An employee of the quay with a badge and PIN, and the quay's kiosk: the employee's
    id and the kiosk's device token."""
    unit = _created(
        api.post(
            "/api/org-units",
            json={"name": "Quay", "type": "department", "effective_from": "2024-01-01"},
        )
    )
    employee = _created(
        api.post(
            "/api/employees",
            json={
                "employee_number": "Q1",
                "first_name": "Kari",
                "last_name": "Nordmann",
                "effective_from": "2024-01-01",
                "org_unit_id": unit,
            },
        )
    )
    badge = api.put(f"/api/employees/{employee}/kiosk-badge", json={"badge": BADGE})
    assert badge.status_code == 200, badge.text
    pin = api.put(f"/api/employees/{employee}/kiosk-pin", json={"pin": PIN})
    assert pin.status_code == 204, pin.text
    kiosk = api.post("/api/kiosks", json={"name": "Quay gate", "org_unit_ids": [unit]})
    assert kiosk.status_code == 201, kiosk.text
    token: str = kiosk.json()["token"]
    return employee, token


def _identify(page: Page, pin: str) -> None:
    page.get_by_label("Badge number").fill(BADGE)
    page.get_by_label("PIN").fill(pin)
    page.get_by_role("button", name="Continue").click()


def test_a_person_clocks_in_at_the_kiosk_in_a_browser(
    browser: Browser, db: Database, database_url: str, tmp_path: Path, hashing: PasswordHashing
) -> None:
    workspace = make_workspace(db, hashing, "Harbour", timezone="Europe/Oslo")
    db.dispose()
    engine = engine_of(database_url)
    with (
        serving(database_url, tmp_path) as base_url,
        httpx.Client(base_url=base_url, headers=workspace.headers, timeout=10) as api,
    ):
        employee, token = _open_quay(api)
        page = new_page(browser, base_url)
        errors = console_errors(page)

        page.goto("/kiosk")
        expect(page.get_by_role("heading", name="Set up this kiosk")).to_be_visible()
        page.get_by_label("Device token").fill("tl_kd_this-is-no-token")
        page.get_by_role("button", name="Set up the kiosk").click()
        expect(page.locator("#kiosk-token-problem")).to_contain_text("not a kiosk's device token")
        screenshots(page, "kiosk-setup", engine)
        page.get_by_label("Device token").fill(token)
        page.get_by_role("button", name="Set up the kiosk").click()

        expect(page.get_by_role("heading", name="Clock in or out")).to_be_visible()
        expect(page.locator(".kiosk-name")).to_have_text("Quay gate")
        expect(page.get_by_label("Badge number")).to_be_focused()
        expect(page.get_by_label("Badge number")).to_have_attribute("inputmode", "numeric")
        screenshots(page, "kiosk", engine)
        _identify(page, PIN)
        expect(page.get_by_role("heading", name="Hello, Kari")).to_be_visible()
        expect(page.locator(".kiosk-state")).to_have_text("You are clocked out.")
        clock_in = page.get_by_role("button", name="Clock in")
        box = clock_in.bounding_box()
        assert box is not None
        assert box["height"] >= 64
        screenshots(page, "kiosk-greeting", engine)
        clock_in.click()
        expect(
            page.get_by_role("heading", name=re.compile(r"^Clocked in at .*, Kari\.$"))
        ).to_be_visible()
        screenshots(page, "kiosk-clocked-in", engine)
        # The answer goes back to the badge form by itself after a few seconds.
        expect(page.get_by_label("Badge number")).to_be_visible(timeout=15_000)

        _identify(page, PIN)
        expect(page.locator(".kiosk-state")).to_have_text("You are clocked in.")
        expect(page.get_by_role("button", name="Start a break")).to_be_visible()
        page.get_by_role("link", name="Cancel").click()

        for _ in range(4):
            _identify(page, WRONG_PIN)
            expect(page.locator("#kiosk-problem")).to_have_text(
                "No badge with this PIN is known at this kiosk."
            )
        _identify(page, WRONG_PIN)
        expect(page.locator("#kiosk-problem")).to_have_text(
            "Too many wrong PINs for this badge: try again in 5 min."
        )
        screenshots(page, "kiosk-locked", engine)
        _identify(page, PIN)
        expect(page.locator("#kiosk-problem")).to_contain_text("Too many wrong PINs")

        presence = api.get(f"/api/employees/{employee}/timesheet/presence")
        assert presence.status_code == 200, presence.text
        (interval,) = presence.json()["items"]
        assert (interval["source"], interval["ended_at"]) == ("kiosk", None)
        # Refused answers (401, 404, 429) are reported as failed loads; any other error (a
        # script failing, the security policy refusing something) is not.
        assert script_errors(errors) == []
        page.context.close()
