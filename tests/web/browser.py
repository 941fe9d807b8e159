"""What the browser tests share: headless Chromium (Debian's, at /usr/bin/chromium, driven
by Playwright; no browser is downloaded) and screenshots of a page at phone and desktop
width into var/screenshots/ (ignored by git), for a person to look at; a new page,
signing in and the console errors a page reports. The `browser` fixture is in
tests/web/conftest.py."""

from pathlib import Path

from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.web.support import PASSWORD

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parents[2] / "var" / "screenshots"
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=800)
FAILED_LOAD = "Failed to load resource"


def screenshots(page: Page, name: str, engine: str) -> None:
    """The page at phone and at desktop width, each no wider than the screen (a wide
    table scrolls in its own box; the page never does sideways)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}-{engine}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} is {width} px wide at {label} width"
    page.set_viewport_size(DESKTOP)


def engine_of(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


def new_page(browser: Browser, base_url: str) -> Page:
    """A page of a new browser session at desktop width in British English (close it with
    `page.context.close()`)."""
    return browser.new_context(base_url=base_url, viewport=DESKTOP, locale="en-GB").new_page()


def sign_in_in_browser(page: Page, email: str) -> None:
    """The person with `email` and `PASSWORD` signed in through the sign-in form."""
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def signed_in_page(browser: Browser, base_url: str, email: str) -> Page:
    """A new browser session of the person with `email`, signed in through the form."""
    page = new_page(browser, base_url)
    sign_in_in_browser(page, email)
    return page


def console_errors(page: Page) -> list[str]:
    """The console errors the page will report, as they come."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    return errors


def script_errors(errors: list[str]) -> list[str]:
    """Of console errors, those but for pages answered with an error status (a refused
    form is 422), which the browser reports as failed loads: a script failing, the
    security policy refusing something."""
    return [error for error in errors if not error.startswith(FAILED_LOAD)]
