"""Tyme's OAuth2 authorization server in process, on both engines: the code flow, and the
attacks RFC 6749, RFC 7636 and RFC 9700 say must fail."""

import hashlib
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.access.support import PASSWORD, new_person
from tests.compat.tyme.support import (
    ACCESS_TOKEN,
    AUTHORIZE,
    MEMBERS,
    REDIRECT_URI,
    REFRESH_TOKEN,
    RegisteredClient,
    authorization_params,
    authorized_code,
    bearer,
    exchange,
    form_of,
    oauth_error,
    pkce_pair,
    redirected_to,
    refresh,
    register_client,
    sign_in,
    tokens_of,
)
from tests.conftest import WorkspaceFixture
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import AuditEvent, OAuthAuthorizationCode, OAuthToken


def owner_code(
    tyme: TestClient, workspace: WorkspaceFixture, client: RegisteredClient, **extra: str
) -> str:
    return authorized_code(tyme, client, workspace.owner_email, workspace.owner_password, **extra)


def owner_tokens(
    tyme: TestClient, workspace: WorkspaceFixture, client: RegisteredClient
) -> dict[str, str]:
    return tokens_of(exchange(tyme, client, owner_code(tyme, workspace, client)))


def members_status(tyme: TestClient, access_token: str) -> int:
    return tyme.get(f"{MEMBERS}/me", headers=bearer(access_token)).status_code


# The flow


def test_a_confidential_client_gets_tokens_that_act_as_the_person_who_consented(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    page = tyme.get(AUTHORIZE, params=authorization_params(client))
    assert page.status_code == 200
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "<script" not in page.text
    assert "Tyme for Mac" in page.text and "Acme" in page.text

    where, query = redirected_to(
        sign_in(tyme, page, workspace.owner_email, workspace.owner_password)
    )
    assert where == REDIRECT_URI
    assert query["state"] == "xyz-state"

    tokens = tokens_of(exchange(tyme, client, query["code"]))
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["access_token"] != tokens["refresh_token"]
    me = tyme.get(f"{MEMBERS}/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200, me.text
    assert me.json()["data"][0]["id"] == str(workspace.owner_id)

    with db.transaction() as session:
        code_row = session.scalars(select(OAuthAuthorizationCode)).one()
        token_row = session.scalars(select(OAuthToken)).one()
        actions = set(session.scalars(select(AuditEvent.action)))
    assert code_row.secret_hash == hashlib.sha256(query["code"].encode()).hexdigest()
    assert token_row.access_hash == hashlib.sha256(tokens["access_token"].encode()).hexdigest()
    assert token_row.refresh_hash == hashlib.sha256(tokens["refresh_token"].encode()).hexdigest()
    assert token_row.user_id == workspace.owner_id
    assert token_row.last_used_at is not None
    assert {"oauth_client.created", "oauth.authorized"} <= actions


def test_the_token_endpoint_takes_json_and_http_basic_client_authentication(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    code = owner_code(tyme, workspace, client)
    response = tyme.post(
        ACCESS_TOKEN,
        json={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        auth=(client.client_id, client.client_secret or ""),
    )
    assert tokens_of(response)["token_type"] == "Bearer"
    assert response.headers["cache-control"] == "no-store"


def test_a_public_client_signs_in_with_s256_pkce(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace, confidential=False)
    assert client.client_secret is None
    verifier, challenge = pkce_pair()
    code = owner_code(
        tyme, workspace, client, code_challenge=challenge, code_challenge_method="S256"
    )
    tokens = tokens_of(exchange(tyme, client, code, code_verifier=verifier))
    assert members_status(tyme, tokens["access_token"]) == 200
    renewed = tokens_of(refresh(tyme, client, tokens["refresh_token"]))
    assert members_status(tyme, renewed["access_token"]) == 200


# Redirect URIs: exact match, never a redirect elsewhere


@pytest.mark.parametrize(
    "redirect_uri",
    [
        REDIRECT_URI + "/more",
        REDIRECT_URI + "?next=https://evil.example",
        "https://app.example.com:8443/tyme/callback",
        "http://app.example.com/tyme/callback",
        "https://attacker@app.example.com/tyme/callback",
        "https://app.example.com.evil.example/tyme/callback",
        "",
    ],
)
def test_a_redirect_uri_not_registered_exactly_shows_a_page_and_never_redirects(
    tyme: TestClient, workspace: WorkspaceFixture, redirect_uri: str
) -> None:
    client = register_client(tyme, workspace)
    params = authorization_params(client)
    params["redirect_uri"] = redirect_uri
    response = tyme.get(AUTHORIZE, params=params, follow_redirects=False)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert "cannot continue" in response.text


def test_an_unknown_client_shows_a_page_and_never_redirects(tyme: TestClient) -> None:
    response = tyme.get(
        AUTHORIZE,
        params={"response_type": "code", "client_id": "nobody", "redirect_uri": REDIRECT_URI},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "location" not in response.headers


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "x" * 43}, "invalid_request"),
    ],
)
def test_errors_after_the_redirect_uri_checks_out_go_back_to_it_with_the_state(
    tyme: TestClient, workspace: WorkspaceFixture, extra: dict[str, str], error: str
) -> None:
    client = register_client(tyme, workspace)
    response = tyme.get(
        AUTHORIZE, params={**authorization_params(client), **extra}, follow_redirects=False
    )
    where, query = redirected_to(response)
    assert where == REDIRECT_URI
    assert query["error"] == error
    assert query["state"] == "xyz-state"


def test_a_public_client_must_send_a_code_challenge(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace, confidential=False)
    response = tyme.get(AUTHORIZE, params=authorization_params(client), follow_redirects=False)
    assert redirected_to(response)[1]["error"] == "invalid_request"


def test_denying_sends_access_denied(tyme: TestClient, workspace: WorkspaceFixture) -> None:
    client = register_client(tyme, workspace)
    page = tyme.get(AUTHORIZE, params=authorization_params(client))
    where, query = redirected_to(sign_in(tyme, page, "", "", decision="deny"))
    assert (where, query["error"], query["state"]) == (REDIRECT_URI, "access_denied", "xyz-state")


# The sign-in form


def test_a_wrong_password_shows_the_form_again_and_issues_no_code(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    page = tyme.get(AUTHORIZE, params=authorization_params(client))
    again = sign_in(tyme, page, workspace.owner_email, "not the password")
    assert again.status_code == 200
    assert "The email or the password is wrong." in again.text
    where, _ = redirected_to(sign_in(tyme, again, workspace.owner_email, workspace.owner_password))
    assert where == REDIRECT_URI
    with db.transaction() as session:
        assert len(session.scalars(select(OAuthAuthorizationCode)).all()) == 1


def test_fields_no_sign_in_accepts_show_the_form_again(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    page = tyme.get(AUTHORIZE, params=authorization_params(client))
    for email, password in (("a\x00b@example.com", "x"), (workspace.owner_email, "p" * 300)):
        again = sign_in(tyme, page, email, password)
        assert again.status_code == 200
        assert "The email or the password is wrong." in again.text


def test_a_suspended_person_cannot_sign_in(
    tyme: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    admin = new_person(db, workspace.id, "admin", password=PASSWORD, hashing=hashing)
    suspended = tyme.post(f"/api/users/{admin.user_id}/suspend", headers=workspace.headers)
    assert suspended.status_code == 200, suspended.text
    client = register_client(tyme, workspace)
    page = tyme.get(AUTHORIZE, params=authorization_params(client))
    again = sign_in(tyme, page, admin.email or "", PASSWORD)
    assert again.status_code == 200
    assert "location" not in again.headers


def test_a_person_of_another_workspace_cannot_sign_in_for_this_ones_client(
    tyme: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    page = tyme.get(AUTHORIZE, params=authorization_params(client))
    again = sign_in(tyme, page, other_workspace.owner_email, other_workspace.owner_password)
    assert again.status_code == 200
    assert "The email or the password is wrong." in again.text


def test_the_form_works_only_in_the_browser_it_was_shown_in_and_unaltered(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    page = tyme.get(AUTHORIZE, params=authorization_params(client))
    action, hidden = form_of(page)
    fields = {**hidden, "email": workspace.owner_email, "password": workspace.owner_password}
    tampered = {**fields, "form_token": hidden["form_token"][:-2] + "xx"}
    refused = tyme.post(action, data={**tampered, "decision": "allow"}, follow_redirects=False)
    assert refused.status_code == 400
    assert "location" not in refused.headers
    tyme.cookies.clear()
    cross_site = tyme.post(action, data={**fields, "decision": "allow"}, follow_redirects=False)
    assert cross_site.status_code == 400
    assert "location" not in cross_site.headers


def test_oauth_refuses_plain_http_away_from_loopback(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    """`client` speaks http://testserver, neither https nor a loopback address."""
    registered = register_client(client, workspace)
    page = client.get(AUTHORIZE, params=authorization_params(registered))
    assert page.status_code == 400
    assert "https" in page.text
    token = client.post(ACCESS_TOKEN, data={"grant_type": "authorization_code", "code": "x"})
    assert oauth_error(token) == "insecure_transport"


# Codes


def test_a_code_used_twice_is_refused_and_revokes_the_tokens_it_bought(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    code = owner_code(tyme, workspace, client)
    tokens = tokens_of(exchange(tyme, client, code))
    assert oauth_error(exchange(tyme, client, code)) == "invalid_grant"
    assert members_status(tyme, tokens["access_token"]) == 401
    assert oauth_error(refresh(tyme, client, tokens["refresh_token"])) == "invalid_grant"
    with db.transaction() as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert "oauth.code_reused" in actions


def test_a_code_is_for_the_client_it_was_issued_to(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    other = register_client(tyme, workspace, name="Other app")
    code = owner_code(tyme, workspace, client)
    assert oauth_error(exchange(tyme, other, code)) == "invalid_grant"
    assert tokens_of(exchange(tyme, client, code))["token_type"] == "Bearer"


def test_a_code_expires_after_ten_minutes(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    code = owner_code(tyme, workspace, client)
    with db.transaction() as session:
        row = session.scalars(select(OAuthAuthorizationCode)).one()
        assert row.expires_at - row.created_at == timedelta(minutes=10)
        session.execute(
            update(OAuthAuthorizationCode).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert oauth_error(exchange(tyme, client, code)) == "invalid_grant"


def test_the_redirect_uri_of_the_exchange_must_be_the_one_of_the_request(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    second = "https://app.example.com/other"
    client = register_client(tyme, workspace, redirect_uris=(REDIRECT_URI, second))
    code = owner_code(tyme, workspace, client)
    assert oauth_error(exchange(tyme, client, code, redirect_uri=second)) == "invalid_grant"


def test_a_confidential_client_needs_its_secret(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    code = owner_code(tyme, workspace, client)
    wrong = exchange(tyme, client, code, client_secret="wrong")
    assert oauth_error(wrong, 401) == "invalid_client"
    without = RegisteredClient(client.id, client.client_id, None, client.redirect_uri)
    assert oauth_error(exchange(tyme, without, code), 401) == "invalid_client"
    assert tokens_of(exchange(tyme, client, code))["access_token"]


# PKCE downgrades


def test_a_public_client_without_the_verifier_gets_no_token(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace, confidential=False)
    _, challenge = pkce_pair()
    code = owner_code(
        tyme, workspace, client, code_challenge=challenge, code_challenge_method="S256"
    )
    assert oauth_error(exchange(tyme, client, code)) == "invalid_request"


def test_a_wrong_verifier_gets_no_token(tyme: TestClient, workspace: WorkspaceFixture) -> None:
    client = register_client(tyme, workspace, confidential=False)
    _, challenge = pkce_pair()
    other_verifier, _ = pkce_pair()
    code = owner_code(
        tyme, workspace, client, code_challenge=challenge, code_challenge_method="S256"
    )
    assert oauth_error(exchange(tyme, client, code, code_verifier=other_verifier)) == (
        "invalid_grant"
    )


def test_a_confidential_client_that_sent_a_challenge_must_prove_it(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    verifier, challenge = pkce_pair()
    code = owner_code(
        tyme, workspace, client, code_challenge=challenge, code_challenge_method="S256"
    )
    assert oauth_error(exchange(tyme, client, code)) == "invalid_request"
    second = owner_code(
        tyme, workspace, client, code_challenge=challenge, code_challenge_method="S256"
    )
    assert tokens_of(exchange(tyme, client, second, code_verifier=verifier))["access_token"]


# Refresh tokens


def test_a_refresh_token_works_once_and_its_replay_revokes_the_family(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    first = owner_tokens(tyme, workspace, client)
    second = tokens_of(refresh(tyme, client, first["refresh_token"]))
    assert second["refresh_token"] != first["refresh_token"]
    assert members_status(tyme, second["access_token"]) == 200
    assert members_status(tyme, first["access_token"]) == 200

    assert oauth_error(refresh(tyme, client, first["refresh_token"])) == "invalid_grant"
    assert members_status(tyme, first["access_token"]) == 401
    assert members_status(tyme, second["access_token"]) == 401
    assert oauth_error(refresh(tyme, client, second["refresh_token"])) == "invalid_grant"
    with db.transaction() as session:
        assert "oauth.refresh_token_reused" in set(session.scalars(select(AuditEvent.action)))


def test_a_refresh_token_is_for_its_own_client(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    other = register_client(tyme, workspace, name="Other app")
    tokens = owner_tokens(tyme, workspace, client)
    assert oauth_error(refresh(tyme, other, tokens["refresh_token"])) == "invalid_grant"
    assert tokens_of(refresh(tyme, client, tokens["refresh_token"]))["access_token"]


def test_each_token_endpoint_takes_its_own_grant_type(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    tokens = owner_tokens(tyme, workspace, client)
    wrong = tyme.post(
        ACCESS_TOKEN,
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": client.client_id,
            "client_secret": client.client_secret or "",
        },
    )
    assert oauth_error(wrong) == "unsupported_grant_type"
    assert oauth_error(tyme.post(REFRESH_TOKEN, data={})) == "unsupported_grant_type"


# Who the token acts as


def test_a_suspended_persons_token_stops_working(
    tyme: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    admin = new_person(db, workspace.id, "admin", password=PASSWORD, hashing=hashing)
    client = register_client(tyme, workspace)
    code = authorized_code(tyme, client, admin.email or "", PASSWORD)
    tokens = tokens_of(exchange(tyme, client, code))
    assert members_status(tyme, tokens["access_token"]) == 200
    suspended = tyme.post(f"/api/users/{admin.user_id}/suspend", headers=workspace.headers)
    assert suspended.status_code == 200, suspended.text
    response = tyme.get(MEMBERS, headers=bearer(tokens["access_token"]))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert oauth_error(refresh(tyme, client, tokens["refresh_token"])) == "invalid_grant"


READER = "people-reader"
"""A custom role that may read everyone (`users:read:*`, what the members declare) and is
no team admin: the Tyme rule alone refuses it."""


@pytest.mark.parametrize("role", ["manager", "employee", "developer", READER])
def test_only_team_admins_may_use_the_api(
    tyme: TestClient,
    db: Database,
    hashing: PasswordHashing,
    workspace: WorkspaceFixture,
    role: str,
) -> None:
    reader = tyme.post(
        "/api/roles",
        json={"name": READER, "permissions": ["users:read:*", "me:read:own"]},
        headers=workspace.headers,
    )
    assert reader.status_code == 201, reader.text
    person = new_person(db, workspace.id, role, password=PASSWORD, hashing=hashing)
    client = register_client(tyme, workspace)
    tokens = tokens_of(
        exchange(tyme, client, authorized_code(tyme, client, person.email or "", PASSWORD))
    )
    response = tyme.get(MEMBERS, headers=bearer(tokens["access_token"]))
    assert response.status_code == 403
    assert response.json()["error"] == "not_allowed"
    with db.transaction() as session:
        denied = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "permission.denied")
        ).all()
    assert {"permission": "workspace:update:*", "reason": "not a team admin"} in denied


def test_an_expired_or_unknown_access_token_is_401(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    tokens = owner_tokens(tyme, workspace, client)
    with db.transaction() as session:
        session.execute(update(OAuthToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert members_status(tyme, tokens["access_token"]) == 401
    assert members_status(tyme, "tl_oa_not-a-token-at-all") == 401
    assert tyme.get(MEMBERS).status_code == 401
    assert tyme.get(MEMBERS, headers=bearer(workspace.api_key)).status_code == 401


def test_deleting_a_client_signs_its_tokens_out(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    tokens = owner_tokens(tyme, workspace, client)
    deleted = tyme.delete(f"/api/admin/oauth-clients/{client.id}", headers=workspace.headers)
    assert deleted.status_code == 204
    assert members_status(tyme, tokens["access_token"]) == 401
    assert oauth_error(refresh(tyme, client, tokens["refresh_token"])) == "invalid_client"


# Bad input is never a 500


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"{not json", {"content-type": "application/json"}),
        (b'["a list"]', {"content-type": "application/json"}),
        (b'{"grant_type": {"nested": 1}}', {"content-type": "application/json"}),
        (b"grant_type=authorization_code&code=%00", {}),
        (b"grant_type=authorization_code&code=\xff\xfe", {}),
        (b"grant_type=authorization_code&redirect_uri=%22%5C%C3%A4", {}),
        (b"grant_type=authorization_code", {"authorization": "Basic //79"}),
        (b"grant_type=authorization_code", {"authorization": "Basic AGE6AA=="}),
    ],
)
def test_malformed_token_requests_are_oauth_errors(
    tyme: TestClient, body: bytes, headers: dict[str, str]
) -> None:
    response = tyme.post(
        ACCESS_TOKEN,
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded", **headers},
    )
    assert response.status_code in (400, 401), response.text
    assert response.json()["error"]


@pytest.mark.parametrize(
    "query",
    [
        {"client_id": "\u00e4", "response_type": "code"},
        {"client_id": "x", "redirect_uri": '"\\', "response_type": "c\u00f6de"},
        {"response_type": "code"},
    ],
)
def test_malformed_authorization_requests_show_a_page(
    tyme: TestClient, query: dict[str, str]
) -> None:
    response = tyme.get(AUTHORIZE, params=query, follow_redirects=False)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")


def test_a_malformed_form_shows_a_page(tyme: TestClient) -> None:
    response = tyme.post(
        AUTHORIZE,
        content=b"form_token=\xff&decision=allow",
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "location" not in response.headers
