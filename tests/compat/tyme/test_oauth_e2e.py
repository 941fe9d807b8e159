"""A real OAuth2 client library (Authlib's) against the real `timeledger serve` process, on
both engines: the person signs in through the HTML form in a browser of their own, the
client exchanges the code, reads the team, syncs a category and project it made and finds
them (the native API too), refreshes, and a replayed refresh token
signs the whole family out."""

from pathlib import Path

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client, OAuthError

from tests.compat.tyme.support import (
    ACCESS_TOKEN,
    AUTHORIZE,
    MEMBERS,
    REFRESH_TOKEN,
    SEARCH_ENTITY,
    SYNC,
    form_of,
)
from tests.conftest import make_workspace
from tests.test_serve_e2e import serving
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

CALLBACK = "http://127.0.0.1:9/tyme/callback"
"""A native app's loopback redirect URI (RFC 8252 §7.3): nothing needs to listen there,
the test reads the redirect the browser would follow."""


def test_a_real_oauth_client_runs_the_code_flow_against_the_served_tyme_face(
    db: Database, database_url: str, tmp_path: Path, hashing: PasswordHashing
) -> None:
    workspace = make_workspace(db, hashing, "Fjord", timezone="Europe/Oslo")
    db.dispose()
    with (
        serving(database_url, tmp_path) as base_url,
        httpx.Client(base_url=base_url, headers=workspace.headers, timeout=20) as owner,
        httpx.Client(base_url=base_url, timeout=20) as browser,
    ):
        registered = owner.post(
            "/api/admin/oauth-clients",
            json={"name": "Tyme for Mac", "redirect_uris": [CALLBACK]},
        )
        assert registered.status_code == 201, registered.text
        client = OAuth2Client(
            client_id=registered.json()["client_id"],
            client_secret=registered.json()["client_secret"],
            redirect_uri=CALLBACK,
            code_challenge_method="S256",
            timeout=20,
        )
        verifier = generate_token(48)
        url, state = client.create_authorization_url(
            f"{base_url}{AUTHORIZE}", code_verifier=verifier
        )

        page = browser.get(url)
        assert page.status_code == 200, page.text
        action, hidden = form_of(page)
        answer = browser.post(
            action,
            data={
                **hidden,
                "email": workspace.owner_email,
                "password": workspace.owner_password,
                "decision": "allow",
            },
        )
        assert answer.status_code == 302, answer.text
        callback = answer.headers["location"]
        assert callback.startswith(CALLBACK + "?")

        token = client.fetch_token(
            f"{base_url}{ACCESS_TOKEN}",
            authorization_response=callback,
            state=state,
            code_verifier=verifier,
        )
        assert token["token_type"] == "Bearer"
        members = client.get(f"{base_url}{MEMBERS}")
        assert members.status_code == 200, members.text
        assert [member["email"] for member in members.json()["data"]] == [workspace.owner_email]

        synced = client.post(
            f"{base_url}{SYNC}",
            json={
                "revision": "1.1.1.1",
                "project_updates": [
                    {"type": "Project", "id": "E2E-PRJ", "name": "Ferry", "category_id": "E2E-C"},
                    {"type": "ProjectCategory", "id": "E2E-C", "name": "Fjord AS"},
                ],
            },
        )
        assert synced.status_code == 200, synced.text
        assert synced.json()["project_updates"] == []
        found = client.get(
            f"{base_url}{SEARCH_ENTITY}", params={"type": "Project", "name": "ferry"}
        )
        assert [(each["id"], each["category_name"]) for each in found.json()] == [
            ("E2E-PRJ", "Fjord AS")
        ]
        native = owner.get("/api/projects", params={"name": "Ferry"})
        assert [each["name"] for each in native.json()["items"]] == ["Ferry"]

        first_access, first_refresh = token["access_token"], token["refresh_token"]
        renewed = client.refresh_token(f"{base_url}{REFRESH_TOKEN}")
        assert renewed["refresh_token"] != first_refresh
        assert client.get(f"{base_url}{MEMBERS}/me").status_code == 200

        with pytest.raises(OAuthError) as replayed:
            client.refresh_token(f"{base_url}{REFRESH_TOKEN}", refresh_token=first_refresh)
        assert replayed.value.error == "invalid_grant"
        for access_token in (first_access, renewed["access_token"]):
            signed_out = httpx.get(
                f"{base_url}{MEMBERS}",
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=20,
            )
            assert signed_out.status_code == 401
            assert signed_out.json()["error"] == "invalid_token"
        client.close()
