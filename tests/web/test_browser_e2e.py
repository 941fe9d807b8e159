"""The web app in a real browser: headless Chromium (Debian's, at /usr/bin/chromium, driven
by Playwright; no browser is downloaded) against the real `timeledger serve` process, on
both engines. Screenshots of the main screens at phone and desktop width land in
var/screenshots/ (ignored by git) for a person to look at."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.access.support import new_person
from tests.conftest import make_workspace
from tests.test_serve_e2e import serving
from tests.web.browser import (
    console_errors,
    engine_of,
    new_page,
    screenshots,
    script_errors,
    signed_in_page,
)
from tests.web.support import PASSWORD
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def _manage(base_url: str, headers: dict[str, str], manager_id: int, employee_user_id: int) -> None:
    """An org unit managed by `manager_id`, the employee of `employee_user_id` placed in it
    from today, through the API as an administrator would."""
    with httpx.Client(base_url=base_url, headers=headers, timeout=10) as api:
        unit = api.post(
            "/api/org-units",
            json={"name": "Harbour crew", "type": "team", "effective_from": "2024-01-01"},
        )
        assert unit.status_code == 201, unit.text
        managers = api.put(
            f"/api/org-units/{unit.json()['id']}/managers", json={"user_ids": [manager_id]}
        )
        assert managers.status_code == 200, managers.text
        employees = api.get("/api/employees?limit=200").json()["items"]
        employee = next(e for e in employees if e["user_id"] == employee_user_id)
        placed = api.patch(
            f"/api/employees/{employee['id']}", json={"org_unit_id": unit.json()["id"]}
        )
        assert placed.status_code == 200, placed.text


def _manager_sees_the_entry(browser: Browser, base_url: str, email: str, engine: str) -> None:
    """The manager signs in and finds the employee's 1:15 on both team pages."""
    page = signed_in_page(browser, base_url, email)
    page.get_by_role("link", name="Team").click()
    row = page.locator("table.team-today tr", has_text="Ingrid Berg")
    expect(row).to_contain_text("Out")
    expect(row.locator("td").last).to_have_text("1:15")
    screenshots(page, "team", engine)
    page.get_by_role("link", name="Team week").click()
    week_row = page.locator("tr", has_text="Ingrid Berg")
    expect(week_row).to_contain_text("1:15")
    screenshots(page, "team-week", engine)
    page.context.close()


def test_an_employee_clocks_records_and_corrects_time_in_a_browser(
    browser: Browser, db: Database, database_url: str, tmp_path: Path, hashing: PasswordHashing
) -> None:
    workspace = make_workspace(db, hashing, "Harbour", timezone="Europe/Oslo")
    person = new_person(
        db, workspace.id, "employee", password=PASSWORD, hashing=hashing, name="Ingrid Berg"
    )
    manager = new_person(
        db, workspace.id, "manager", password=PASSWORD, hashing=hashing, name="Magnus Lie"
    )
    assert person.email is not None
    assert manager.email is not None
    db.dispose()
    engine = engine_of(database_url)
    with serving(database_url, tmp_path) as base_url:
        page = new_page(browser, base_url)
        errors = console_errors(page)

        page.goto("/")
        expect(page).to_have_url(re.compile(r"/sign-in$"))
        screenshots(page, "sign-in", engine)
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
        screenshots(page, "today", engine)
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
        screenshots(page, "entry", engine)
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#entries li")).to_have_count(1)
        expect(page.locator("#entries li")).to_contain_text("1:15")
        expect(page.locator("#entries li")).to_contain_text("Harbour crane")
        screenshots(page, "week", engine)
        _manage(base_url, workspace.headers, manager.user_id, person.user_id)
        _manager_sees_the_entry(browser, base_url, manager.email, engine)

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
        screenshots(page, "time-off", engine)
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
        assert script_errors(errors) == []
        assert len(errors) == 2
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_text("You are signed out.")).to_be_visible()
        page.goto("/week")
        expect(page).to_have_url(re.compile(r"/sign-in\?next=/week$"))
        page.context.close()
