"""Signing in and out, the session cookie, the form token, password change, and what a
page answers to someone who may not see it."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.web.support import PASSWORD, employee_in, post_form, sign_in, token_of
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database


def test_a_page_sends_the_signed_out_to_sign_in_and_back(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = employee_in(client, db, hashing, workspace)

    away = client.get("/week?of=2026-03-02", follow_redirects=False)

    assert away.status_code == 303
    assert away.headers["location"] == "/sign-in?next=/week%3Fof%3D2026-03-02"
    form = client.get(away.headers["location"])
    assert 'name="next" value="/week?of=2026-03-02"' in form.text
    signed_in = client.post(
        "/sign-in",
        data={
            "csrf_token": token_of(form),
            "email": person.email,
            "password": PASSWORD,
            "next": "/week?of=2026-03-02",
        },
        follow_redirects=False,
    )
    assert signed_in.headers["location"] == "/week?of=2026-03-02"
    assert client.get("/week?of=2026-03-02").status_code == 200


def test_the_session_cookie_is_http_only_lax_and_secure_over_https(
    app: FastAPI,
    client: TestClient,
    db: Database,
    hashing: PasswordHashing,
    workspace: WorkspaceFixture,
) -> None:
    person = employee_in(client, db, hashing, workspace)

    plain = sign_in(client, person.email).headers["set-cookie"]
    with TestClient(app, base_url="https://testserver") as https:
        secure = sign_in(https, person.email).headers["set-cookie"]

    assert "tl_session=tl_" in plain
    assert "HttpOnly" in plain
    assert "SameSite=lax" in plain
    assert "Secure" not in plain
    assert "Secure" in secure


def test_a_wrong_password_shows_the_form_again_with_the_problem_and_the_email(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = employee_in(client, db, hashing, workspace)

    answer = post_form(client, "/sign-in", {"email": person.email, "password": "not it at all"})

    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("text/html")
    assert "The email or the password is wrong." in answer.text
    assert f'value="{person.email}"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert "tl_session" not in answer.headers.get("set-cookie", "")


def test_a_form_without_this_browsers_token_is_refused_with_a_page(
    app: FastAPI,
    client: TestClient,
    db: Database,
    hashing: PasswordHashing,
    workspace: WorkspaceFixture,
) -> None:
    person = employee_in(client, db, hashing, workspace)
    sign_in(client, person.email)
    with TestClient(app) as other_browser:
        foreign_token = token_of(other_browser.get("/sign-in"))

    for fields in ({}, {"csrf_token": foreign_token}, {"csrf_token": ""}):
        refused = client.post("/clock/in", data=fields, follow_redirects=False)
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("text/html")
        assert "Reload the page and try again" in refused.text
    state = client.get(
        f"/api/employees/{person.employee_id}/timesheet/presence", headers=person.api_headers
    )
    assert state.json()["items"] == []


def test_signing_out_ends_the_session(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = employee_in(client, db, hashing, workspace)
    token = sign_in(client, person.email).cookies["tl_session"]

    out = post_form(client, "/sign-out", {}, from_page="/")

    assert out.headers["location"] == "/sign-in?signed_out=true"
    assert 'tl_session=""' in out.headers["set-cookie"]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    client.cookies.set("tl_session", token)
    assert client.get("/", follow_redirects=False).headers["location"] == "/sign-in"


def test_a_cookie_holding_an_api_key_signs_nobody_in(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    client.cookies.set("tl_session", workspace.api_key)

    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_password_change_names_the_wrong_current_password_and_then_works(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    person = employee_in(client, db, hashing, workspace)
    sign_in(client, person.email)

    wrong = post_form(
        client,
        "/password",
        {"current_password": "not my password", "new_password": "a brand new passphrase 7"},
        from_page="/password",
    )
    assert wrong.status_code == 403
    assert '<p class="field-problem" id="f-current_password-problem">The current password' in (
        wrong.text
    )
    changed = post_form(
        client,
        "/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase 7"},
        from_page="/password",
    )
    assert changed.status_code == 200
    assert "Your password is changed" in changed.text
    client.cookies.clear()
    sign_in(client, person.email, "a brand new passphrase 7")


def test_a_function_the_role_lacks_is_a_403_page(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    role = client.post(
        "/api/roles",
        json={"name": "visitor", "permissions": ["me:read:own", "me:update:own"]},
        headers=workspace.headers,
    )
    assert role.status_code == 201, role.text
    person = employee_in(client, db, hashing, workspace, role="visitor")
    sign_in(client, person.email)

    refused = client.get("/week")

    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert "timesheet:read:own" in refused.text
    assert client.get("/password").status_code == 200


def test_pages_carry_strict_headers_and_the_api_stays_as_it_was(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    page = client.get("/sign-in")

    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert "tl_csrf=" in page.headers["set-cookie"]
    assert client.get("/api/").text.startswith("Timeledger ")
    missing = client.get("/api/no-such-thing")
    assert missing.headers["content-type"] == "application/problem+json"


def test_the_vendored_htmx_and_stylesheet_are_served_for_good(client: TestClient) -> None:
    page = client.get("/sign-in")
    script = client.get("/static/htmx.min.js")
    stylesheet = client.get("/static/app.css")

    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.text.startswith("var htmx=")
    assert "immutable" in script.headers["cache-control"]
    assert stylesheet.headers["content-type"].startswith("text/css")
    assert (
        client.get(
            "/static/app.css", headers={"If-None-Match": stylesheet.headers["etag"]}
        ).status_code
        == 304
    )
    assert "/static/htmx.min.js?v=" in page.text
    assert client.get("/static/nothing.js").status_code == 404
