"""The web app in a real browser: headless Chromium (Debian's, at /usr/bin/chromium, driven
by Playwright; no browser is downloaded) against the real `timeledger serve` process, on
both engines. Screenshots of the main screens at phone and desktop width land in
var/screenshots/ (ignored by git) for a person to look at."""

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from tests.access.support import new_person
from tests.conftest import make_workspace
from tests.test_serve_e2e import serving
from tests.web.support import PASSWORD
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parents[2] / "var" / "screenshots"
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=800)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


def _screenshots(page: Page, name: str, engine: str) -> None:
    """The page at phone and at desktop width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}-{engine}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def _engine(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


def test_an_employee_clocks_records_and_corrects_time_in_a_browser(
    browser: Browser, db: Database, database_url: str, tmp_path: Path, hashing: PasswordHashing
) -> None:
    workspace = make_workspace(db, hashing, "Harbour", timezone="Europe/Oslo")
    person = new_person(
        db, workspace.id, "employee", password=PASSWORD, hashing=hashing, name="Ingrid Berg"
    )
    assert person.email is not None
    db.dispose()
    engine = _engine(database_url)
    with serving(database_url, tmp_path) as base_url:
        context = browser.new_context(base_url=base_url, viewport=DESKTOP, locale="en-GB")
        page = context.new_page()
        console_errors: list[str] = []
        page.on(
            "console",
            lambda message: (
                console_errors.append(message.text) if message.type == "error" else None
            ),
        )

        page.goto("/")
        expect(page).to_have_url(re.compile(r"/sign-in$"))
        _screenshots(page, "sign-in", engine)
        page.get_by_label("Email").fill(person.email)
        page.get_by_label("Password").fill("this is not the password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#f-password-problem")).to_have_text(
            "The email or the password is wrong."
        )
        expect(page.get_by_label("Email")).to_have_value(person.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".clock-state")).to_have_text("You are clocked out.")

        page.get_by_role("button", name="Clock in").click()
        expect(page.locator(".clock-state")).to_contain_text("Clocked in since")
        page.get_by_role("button", name="Start a break").click()
        expect(page.locator(".clock-state")).to_contain_text("On a break since")
        _screenshots(page, "today", engine)
        page.get_by_role("button", name="End the break").click()
        expect(page.locator(".clock-state")).to_contain_text("Clocked in since")
        page.get_by_role("button", name="Clock out").click()
        expect(page.locator(".clock-state")).to_have_text("You are clocked out.")

        page.get_by_role("link", name="My week").click()
        expect(page.locator("#presence li")).to_have_count(1)
        expect(page.locator("#presence li")).to_contain_text("Out")

        page.get_by_role("link", name="Add an entry").click()
        page.get_by_label("Duration").fill("1:15")
        page.get_by_label("Note").fill("Harbour crane")
        _screenshots(page, "entry", engine)
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#entries li")).to_have_count(1)
        expect(page.locator("#entries li")).to_contain_text("1:15")
        expect(page.locator("#entries li")).to_contain_text("Harbour crane")
        _screenshots(page, "week", engine)

        page.locator("#entries li").get_by_role("link", name=re.compile("^Edit")).click()
        page.get_by_label("Duration").fill("soon")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#f-duration-problem")).to_be_visible()
        expect(page.get_by_label("Note")).to_have_value("Harbour crane")
        page.get_by_label("Duration").fill("2:00")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#entries li")).to_contain_text("2:00")
        page.locator("#entries li").get_by_role("button", name=re.compile("^Delete")).click()
        expect(page.locator("#entries li")).to_have_count(0)

        page.get_by_role("link", name="My time off").click()
        expect(page.get_by_role("heading", name="My time off")).to_be_visible()
        _screenshots(page, "time-off", engine)
        page.get_by_role("link", name="My statements").click()
        expect(page.get_by_role("heading", name="My statements")).to_be_visible()

        forged = page.request.post(
            f"{base_url}/clock/in",
            form={"csrf_token": "0" * 64},
            max_redirects=0,
        )
        assert forged.status == 403
        assert "Reload the page and try again" in forged.text()
        presence = httpx.get(
            f"{base_url}/api/employees?limit=200", headers=workspace.headers, timeout=10
        )
        assert presence.status_code == 200
        expect(page.get_by_text("Ingrid Berg")).to_be_visible()

        # Pages answered with an error status (401, 422) are reported as failed loads; any
        # other error (a script failing, the security policy refusing something) is not.
        assert [e for e in console_errors if not e.startswith("Failed to load resource")] == []
        assert len(console_errors) == 2
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_text("You are signed out.")).to_be_visible()
        page.goto("/week")
        expect(page).to_have_url(re.compile(r"/sign-in\?next=/week$"))
        context.close()
