"""OAuth clients through the native API, and the grants a person sees and revokes, on
both engines."""

import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.access.support import PASSWORD, assert_problem, new_person
from tests.compat.tyme.support import (
    MEMBERS,
    REDIRECT_URI,
    authorized_code,
    bearer,
    exchange,
    refresh,
    register_client,
    tokens_of,
)
from tests.conftest import WorkspaceFixture
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database
from timeledger.models import OAuthClient

CLIENTS = "/api/admin/oauth-clients"
GRANTS = "/api/me/oauth-grants"


def test_a_confidential_clients_secret_is_shown_once_and_stored_hashed(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    response = tyme.post(
        CLIENTS,
        json={"name": "Tyme sync", "redirect_uris": [REDIRECT_URI, "http://127.0.0.1:8123/cb"]},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    created = response.json()
    assert created["confidential"] is True
    assert created["client_secret"].startswith("tl_os_")
    assert created["redirect_uris"] == [REDIRECT_URI, "http://127.0.0.1:8123/cb"]
    assert created["created_by_user_id"] == workspace.owner_id
    assert response.headers["location"] == f"{CLIENTS}/{created['id']}"

    read = tyme.get(f"{CLIENTS}/{created['id']}", headers=workspace.headers).json()
    assert "client_secret" not in read
    assert read == {key: value for key, value in created.items() if key != "client_secret"}
    listed = tyme.get(CLIENTS, headers=workspace.headers).json()
    assert [item["client_id"] for item in listed["items"]] == [created["client_id"]]
    with db.transaction() as session:
        row = session.scalars(select(OAuthClient)).one()
    assert row.secret_hash == hashlib.sha256(created["client_secret"].encode()).hexdigest()


def test_a_public_client_has_no_secret(tyme: TestClient, workspace: WorkspaceFixture) -> None:
    response = tyme.post(
        CLIENTS,
        json={"name": "Tyme iOS", "redirect_uris": [REDIRECT_URI], "confidential": False},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["client_secret"] is None


@pytest.mark.parametrize(
    "redirect_uris",
    [
        [],
        ["http://app.example.com/cb"],
        ["https://app.example.com/cb#fragment"],
        ["https://user:secret@app.example.com/cb"],
        ["/relative/cb"],
        ["app.example.com/cb"],
        ["ftp://app.example.com/cb"],
        ["https://app.example.com/a b"],
        ["https://app.example.com:70000/cb"],
        ["http://localhost.evil.example/cb"],
        ["https://app.example.com/cb\u0000"],
        [f"https://app.example.com/{index}" for index in range(11)],
    ],
)
def test_redirect_uris_must_be_absolute_https_or_loopback_without_fragment_or_user(
    tyme: TestClient, workspace: WorkspaceFixture, redirect_uris: list[str]
) -> None:
    response = tyme.post(
        CLIENTS, json={"name": "App", "redirect_uris": redirect_uris}, headers=workspace.headers
    )
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["location"].startswith("body.redirect_uris")


@pytest.mark.parametrize(
    "body",
    [
        {"redirect_uris": [REDIRECT_URI]},
        {"name": "", "redirect_uris": [REDIRECT_URI]},
        {"name": "App", "redirect_uris": [REDIRECT_URI], "secret": "mine"},
        {"name": "App", "redirect_uris": REDIRECT_URI},
    ],
)
def test_other_invalid_clients_are_422(
    tyme: TestClient, workspace: WorkspaceFixture, body: dict[str, object]
) -> None:
    assert_problem(tyme.post(CLIENTS, json=body, headers=workspace.headers), 422)


def test_another_workspaces_client_does_not_exist_here(
    tyme: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    theirs = register_client(tyme, other_workspace)
    assert_problem(tyme.get(f"{CLIENTS}/{theirs.id}", headers=workspace.headers), 404)
    assert_problem(tyme.delete(f"{CLIENTS}/{theirs.id}", headers=workspace.headers), 404)
    assert tyme.get(CLIENTS, headers=workspace.headers).json()["items"] == []
    assert tyme.get(f"{CLIENTS}/{theirs.id}", headers=other_workspace.headers).status_code == 200


def test_creating_and_deleting_a_client_is_audited(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    assert tyme.delete(f"{CLIENTS}/{client.id}", headers=workspace.headers).status_code == 204
    assert_problem(tyme.get(f"{CLIENTS}/{client.id}", headers=workspace.headers), 404)
    events = tyme.get("/api/admin/audit-log", headers=workspace.headers).json()["items"]
    audited = [
        (event["action"], event["target_id"])
        for event in events
        if event["action"].startswith("oauth_client.")
    ]
    assert audited == [("oauth_client.deleted", client.id), ("oauth_client.created", client.id)]
    assert client.client_secret is not None
    assert all(client.client_secret not in str(event) for event in events)


def test_only_owner_and_admin_manage_clients(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee = new_person(db, workspace.id, "employee")
    body = {"name": "App", "redirect_uris": [REDIRECT_URI]}
    assert_problem(tyme.post(CLIENTS, json=body, headers=employee.headers), 403)
    admin = new_person(db, workspace.id, "admin")
    assert tyme.post(CLIENTS, json=body, headers=admin.headers).status_code == 201


# Grants


def test_a_person_sees_and_revokes_the_applications_they_authorized(
    tyme: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    admin = new_person(db, workspace.id, "admin", password=PASSWORD, hashing=hashing)
    client = register_client(tyme, workspace, name="Tyme for Mac")
    unused = register_client(tyme, workspace, name="Never authorized")
    first = tokens_of(
        exchange(tyme, client, authorized_code(tyme, client, admin.email or "", PASSWORD))
    )
    second = tokens_of(refresh(tyme, client, first["refresh_token"]))
    assert tyme.get(MEMBERS, headers=bearer(second["access_token"])).status_code == 200
    owner_code = authorized_code(tyme, client, workspace.owner_email, workspace.owner_password)
    owners = tokens_of(exchange(tyme, client, owner_code))

    grants = tyme.get(GRANTS, headers=admin.headers)
    assert grants.status_code == 200, grants.text
    (grant,) = grants.json()["items"]
    assert grant["client_id"] == client.client_id
    assert grant["name"] == "Tyme for Mac"
    assert grant["first_authorized_at"] <= grant["last_used_at"]

    unknown = tyme.delete(f"{GRANTS}/{unused.client_id}", headers=admin.headers)
    assert_problem(unknown, 404)
    revoked = tyme.delete(f"{GRANTS}/{client.client_id}", headers=admin.headers)
    assert revoked.status_code == 204
    assert tyme.get(MEMBERS, headers=bearer(second["access_token"])).status_code == 401
    assert refresh(tyme, client, second["refresh_token"]).status_code == 400
    assert tyme.get(GRANTS, headers=admin.headers).json()["items"] == []
    assert_problem(tyme.delete(f"{GRANTS}/{client.client_id}", headers=admin.headers), 404)
    # The owner's grant of the same client is the owner's own.
    assert tyme.get(MEMBERS, headers=bearer(owners["access_token"])).status_code == 200


def test_revoking_a_grant_spends_codes_not_yet_exchanged(
    tyme: TestClient, workspace: WorkspaceFixture
) -> None:
    client = register_client(tyme, workspace)
    exchange(
        tyme,
        client,
        authorized_code(tyme, client, workspace.owner_email, workspace.owner_password),
    )
    pending = authorized_code(tyme, client, workspace.owner_email, workspace.owner_password)
    revoked = tyme.delete(f"{GRANTS}/{client.client_id}", headers=workspace.headers)
    assert revoked.status_code == 204
    assert exchange(tyme, client, pending).json()["error"] == "invalid_grant"
