"""The administrator's pages and the manager's approval inbox in a real browser: headless
Chromium against the real `timeledger serve` process on both engines, as
tests/web/test_browser_e2e.py drives the people's pages. An administrator builds an org
unit, an employee changed from a date, an activity renamed from a date, a project and a
service user's API key that works until revoked; a manager approves two requests at once.
The screenshots land beside the other screens' in var/screenshots/."""

import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.access.support import Principal, bearer, new_person
from tests.conftest import WorkspaceFixture, make_workspace
from tests.test_serve_e2e import serving
from tests.web.browser import console_errors, engine_of, screenshots, script_errors, signed_in_page
from tests.web.support import PASSWORD
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


SINCE = "2024-01-01"
WEEK_OFF = ("2026-05-04", "2026-05-08")


def _days_ago(days: int) -> str:
    return (utcnow().date() - timedelta(days=days)).isoformat()


def _harbour_with(
    db: Database, hashing: PasswordHashing, role: str, name: str
) -> tuple[WorkspaceFixture, Principal]:
    """The Harbour workspace and a person of `role` in it, the database left to the server."""
    workspace = make_workspace(db, hashing, "Harbour", timezone="Europe/Oslo")
    person = new_person(db, workspace.id, role, password=PASSWORD, hashing=hashing, name=name)
    db.dispose()
    return workspace, person


def _signed_in(browser: Browser, base_url: str, person: Principal) -> Page:
    assert person.email is not None
    return signed_in_page(browser, base_url, person.email)


def _open_admin_page(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Administration").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def _history_rows(page: Page) -> Locator:
    return page.get_by_role("region", name="History").locator("tbody tr")


def _create_org_unit(page: Page) -> None:
    _open_admin_page(page, "Org units")
    page.get_by_label("Name", exact=True).fill("Harbour crew")
    page.get_by_label("Type", exact=True).select_option(label="Team")
    page.get_by_label("Effective from").fill(_days_ago(90))
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.locator(".admin-tree").get_by_role("link", name="Harbour crew")).to_be_visible()


def _create_and_change_employee(page: Page, engine: str) -> None:
    """Refused without a first name (what was typed stays), created from 60 days ago, then
    renamed from 30 days ago: two versions in the history."""
    _open_admin_page(page, "Employees")
    page.get_by_role("link", name="New employee").click()
    page.get_by_label("Effective from").fill(_days_ago(60))
    page.get_by_label("Employee number").fill("H-7")
    page.get_by_label("Last name").fill("Nordmann")
    page.get_by_label("Email", exact=True).fill("kari@example.com")
    page.get_by_label("Org unit", exact=True).select_option(label="Harbour crew")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.locator("#f-first_name-problem")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Last name")).to_have_value("Nordmann")
    expect(page.get_by_label("Email", exact=True)).to_have_value("kari@example.com")
    expect(page.get_by_label("Org unit", exact=True).locator("option:checked")).to_have_text(
        "Harbour crew"
    )
    page.get_by_label("First name").fill("Kari")
    page.get_by_role("button", name="Create", exact=True).click()

    expect(page.get_by_role("heading", name="Edit employee", level=1)).to_be_visible()
    expect(_history_rows(page)).to_have_count(1)
    page.get_by_label("Effective from").fill(_days_ago(30))
    page.get_by_label("Last name").fill("Nordmann-Berg")
    page.get_by_role("button", name="Save", exact=True).click()
    history = _history_rows(page)
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Kari Nordmann-Berg")
    expect(history.nth(1)).to_contain_text("Kari Nordmann")
    expect(history.nth(1)).not_to_contain_text("Nordmann-Berg")
    expect(page.get_by_label("Last name")).to_have_value("Nordmann-Berg")
    screenshots(page, "admin-employee-edit", engine)

    _open_admin_page(page, "Employees")
    row = page.get_by_role("row", name=re.compile("Kari Nordmann-Berg"))
    expect(row).to_contain_text("H-7")
    expect(row).to_contain_text("Harbour crew")
    screenshots(page, "admin-employees", engine)


def _create_and_rename_activity(page: Page) -> None:
    _open_admin_page(page, "Activities")
    page.get_by_label("Name", exact=True).fill("Net mending")
    page.get_by_label("In force from").fill(_days_ago(60))
    page.get_by_role("button", name="Create the activity").click()
    expect(page.get_by_role("heading", name="Activity Net mending")).to_be_visible()
    page.get_by_label("Change from").fill(_days_ago(30))
    page.get_by_label("Name", exact=True).fill("Net repair")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("heading", name="Activity Net repair")).to_be_visible()
    history = _history_rows(page)
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Net mending")
    expect(history.nth(1)).to_contain_text("Net repair")


def _create_project(page: Page) -> None:
    _open_admin_page(page, "Projects")
    page.get_by_label("Name", exact=True).fill("Harbour extension")
    page.get_by_role("button", name="Create the project").click()
    expect(page.get_by_role("heading", name="Project Harbour extension")).to_be_visible()
    _open_admin_page(page, "Projects")
    expect(page.get_by_role("link", name="Harbour extension")).to_be_visible()


def _issue_and_revoke_a_service_key(page: Page, base_url: str, engine: str) -> None:
    """A new service user's key, shown once, works as Bearer until it is revoked."""
    _open_admin_page(page, "API keys")
    page.get_by_label("Name", exact=True).fill("Harbour export")
    page.get_by_role("button", name="Create", exact=True).click()
    exporter = page.locator("li.panel", has=page.get_by_role("heading", name="Harbour export"))
    expect(exporter).to_contain_text("No keys.")
    exporter.locator("summary").click()
    exporter.get_by_label("Key name").fill("nightly")
    exporter.locator("form").get_by_role("button", name="Issue a key").click()

    expect(page.get_by_role("heading", name="The new API key")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        "This is the only time the key is shown. Copy it now."
    )
    secret = page.get_by_label("Key", exact=True).input_value()
    assert secret.startswith("tl_ak_")
    employees = httpx.get(f"{base_url}/api/employees", headers=bearer(secret), timeout=10)
    assert employees.status_code == 200, employees.text

    page.get_by_role("link", name="Back to the API keys").click()
    key_row = exporter.get_by_role("row", name=re.compile("^nightly"))
    expect(key_row).to_contain_text(secret[:14])
    expect(page.locator("main")).not_to_contain_text(secret)
    screenshots(page, "admin-api-keys", engine)
    key_row.get_by_role("button", name=re.compile("^Revoke nightly")).click()
    expect(exporter).to_contain_text("No keys.")
    revoked = httpx.get(f"{base_url}/api/employees", headers=bearer(secret), timeout=10)
    assert revoked.status_code == 401, revoked.text


def test_an_administrator_builds_the_organization_in_a_browser(
    browser: Browser, db: Database, database_url: str, tmp_path: Path, hashing: PasswordHashing
) -> None:
    _, admin = _harbour_with(db, hashing, "admin", "Astrid Holm")
    engine = engine_of(database_url)
    with serving(database_url, tmp_path) as base_url:
        page = _signed_in(browser, base_url, admin)
        errors = console_errors(page)
        page.get_by_role("link", name="Administration").click()
        expect(page).to_have_url(re.compile(r"/admin/employees$"))

        _create_org_unit(page)
        _create_and_change_employee(page, engine)
        _create_and_rename_activity(page)
        _create_project(page)
        _issue_and_revoke_a_service_key(page, base_url, engine)

        assert script_errors(errors) == []
        page.context.close()


def _created(response: httpx.Response) -> int:
    assert response.status_code == 201, response.text
    created: int = response.json()["id"]
    return created


def _crew_asking_for_time_off(api: httpx.Client, manager_user_id: int) -> list[tuple[int, int]]:
    """Two employees of a unit the manager manages, on terms with a vacation policy that
    needs approval, each asking for a week off: (employee id, request id) of each."""
    activities = api.get("/api/settings/activities", params={"limit": 200}).json()["items"]
    (vacation,) = [activity["id"] for activity in activities if activity["key"] == "vacation"]
    policy = _created(
        api.post(
            "/api/settings/timeoff-policies",
            json={
                "name": "Vacation",
                "activity_id": vacation,
                "approval": "manager",
                "usage": {"plugin_id": "workdays"},
                "effective_from": SINCE,
            },
        )
    )
    terms = _created(
        api.post(
            "/api/settings/employment-terms",
            json={
                "name": "Crew terms",
                "norm_minutes": [450, 450, 450, 450, 450, 0, 0],
                "timeoff_policy_ids": [policy],
                "effective_from": SINCE,
            },
        )
    )
    unit = _created(
        api.post(
            "/api/org-units",
            json={"name": "Harbour crew", "type": "team", "effective_from": SINCE},
        )
    )
    managers = api.put(f"/api/org-units/{unit}/managers", json={"user_ids": [manager_user_id]})
    assert managers.status_code == 200, managers.text
    requests = []
    for number, (first_name, last_name) in enumerate((("Kari", "Nordmann"), ("Ola", "Berg"))):
        employee = _created(
            api.post(
                "/api/employees",
                json={
                    "employee_number": f"C{number}",
                    "first_name": first_name,
                    "last_name": last_name,
                    "org_unit_id": unit,
                    "employment_terms_id": terms,
                    "effective_from": SINCE,
                },
            )
        )
        start, end = WEEK_OFF
        requested = api.post(
            f"/api/employees/{employee}/timeoffs",
            json={"timeoff_policy_id": policy, "start_day": start, "end_day": end},
        )
        assert requested.json()["status"] == "requested", requested.text
        requests.append((employee, _created(requested)))
    return requests


def test_a_manager_approves_two_requests_at_once_in_a_browser(
    browser: Browser, db: Database, database_url: str, tmp_path: Path, hashing: PasswordHashing
) -> None:
    workspace, manager = _harbour_with(db, hashing, "manager", "Magnus Lie")
    engine = engine_of(database_url)
    with (
        serving(database_url, tmp_path) as base_url,
        httpx.Client(base_url=base_url, headers=workspace.headers, timeout=10) as api,
    ):
        requests = _crew_asking_for_time_off(api, manager.user_id)
        page = _signed_in(browser, base_url, manager)
        errors = console_errors(page)
        page.get_by_role("link", name="Approvals").click()
        expect(page.get_by_role("heading", name="Approvals", level=1)).to_be_visible()
        expect(page.get_by_role("checkbox")).to_have_count(2)
        for name in ("Kari Nordmann", "Ola Berg"):
            page.get_by_role("checkbox", name=f"Time off of {name}").check()
        screenshots(page, "approvals", engine)
        page.get_by_role("button", name="Approve selected").click()

        expect(page.get_by_role("status")).to_have_text("Decided: 2.")
        expect(page.get_by_text("Nothing awaits your decision.")).to_be_visible()
        expect(page.get_by_role("checkbox")).to_have_count(0)
        for employee, request in requests:
            decided = api.get(f"/api/employees/{employee}/timeoffs/{request}")
            assert decided.status_code == 200, decided.text
            assert decided.json()["status"] == "approved"
        assert script_errors(errors) == []
        page.context.close()
