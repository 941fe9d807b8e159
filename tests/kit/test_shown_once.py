"""Every operation whose answer shows a secret once answers with `Cache-Control: no-store`,
replays of its Idempotency-Key included, and the OpenAPI document declares it."""

from collections.abc import Callable
from pathlib import Path
from secrets import token_hex
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.access.support import bearer, login
from tests.conftest import WorkspaceFixture
from timeledger.config import Settings
from timeledger.kit.shown_once import SHOWN_ONCE

SECRET_NAMES = {"token", "secret", "ticket", "password", "api_key"}
"""Response properties that hold a secret whatever the schema says."""

Call = Callable[[TestClient, WorkspaceFixture, dict[str, str]], Response]
"""Makes the operation answer 2xx as the workspace's owner, sending `extra` headers."""


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Subscriptions may point at 127.0.0.1."""
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "var",
        secret_key="test-key",
        webhook_allow_private_destinations=True,
    )


def _owner(client: TestClient, workspace: WorkspaceFixture) -> dict[str, str]:
    return bearer(login(client, workspace.owner_email, workspace.owner_password)["token"])


def _created_id(
    client: TestClient, workspace: WorkspaceFixture, path: str, body: dict[str, Any]
) -> int:
    response = client.post(path, json=body, headers=workspace.headers)
    assert response.status_code == 201, response.text
    created: int = response.json()["id"]
    return created


def _service_user(client: TestClient, workspace: WorkspaceFixture) -> int:
    body = {"name": f"robot-{token_hex(4)}", "role": "admin"}
    return _created_id(client, workspace, "/api/service-users", body)


def _user(client: TestClient, workspace: WorkspaceFixture) -> int:
    body = {"email": f"{token_hex(4)}@example.com", "name": "Ada"}
    return _created_id(client, workspace, "/api/users", body)


def _inbound_endpoint(client: TestClient, workspace: WorkspaceFixture) -> int:
    body = {"name": "HR", "service_user_id": _service_user(client, workspace)}
    return _created_id(client, workspace, "/api/webhooks/inbound-endpoints", body)


def _kiosk(client: TestClient, workspace: WorkspaceFixture) -> int:
    unit = _created_id(client, workspace, "/api/org-units", {"name": f"Floor {token_hex(4)}"})
    return _created_id(client, workspace, "/api/kiosks", {"name": "Door", "org_unit_ids": [unit]})


CALLS: dict[tuple[str, str], Call] = {
    ("post", "/api/auth/login"): lambda client, workspace, extra: client.post(
        "/api/auth/login",
        json={"email": workspace.owner_email, "password": workspace.owner_password},
        headers=extra,
    ),
    ("post", "/api/me/api-keys"): lambda client, workspace, extra: client.post(
        "/api/me/api-keys", json={}, headers=_owner(client, workspace) | extra
    ),
    ("post", "/api/service-users/{user_id}/api-keys"): lambda client, workspace, extra: client.post(
        f"/api/service-users/{_service_user(client, workspace)}/api-keys",
        json={},
        headers=workspace.headers | extra,
    ),
    ("post", "/api/users/{user_id}/password-reset"): lambda client, workspace, extra: client.post(
        f"/api/users/{_user(client, workspace)}/password-reset",
        headers=_owner(client, workspace) | extra,
    ),
    ("post", "/api/webhooks/subscriptions"): lambda client, workspace, extra: client.post(
        "/api/webhooks/subscriptions",
        json={"url": "http://127.0.0.1:9/"},
        headers=workspace.headers | extra,
    ),
    ("post", "/api/webhooks/inbound-endpoints"): lambda client, workspace, extra: client.post(
        "/api/webhooks/inbound-endpoints",
        json={"name": "HR", "service_user_id": _service_user(client, workspace)},
        headers=workspace.headers | extra,
    ),
    (
        "post",
        "/api/webhooks/inbound-endpoints/{endpoint_id}/rotate-secret",
    ): lambda client, workspace, extra: client.post(
        f"/api/webhooks/inbound-endpoints/{_inbound_endpoint(client, workspace)}/rotate-secret",
        headers=workspace.headers | extra,
    ),
    ("post", "/api/sse/tickets"): lambda client, workspace, extra: client.post(
        "/api/sse/tickets", headers=workspace.headers | extra
    ),
    ("post", "/api/kiosks"): lambda client, workspace, extra: client.post(
        "/api/kiosks",
        json={
            "name": "Door",
            "org_unit_ids": [
                _created_id(client, workspace, "/api/org-units", {"name": f"U {token_hex(4)}"})
            ],
        },
        headers=workspace.headers | extra,
    ),
    ("post", "/api/kiosks/{kiosk_id}/token"): lambda client, workspace, extra: client.post(
        f"/api/kiosks/{_kiosk(client, workspace)}/token", headers=workspace.headers | extra
    ),
    ("post", "/api/admin/oauth-clients"): lambda client, workspace, extra: client.post(
        "/api/admin/oauth-clients",
        json={"name": "Tyme", "redirect_uris": ["https://app.example.com/cb"]},
        headers=workspace.headers | extra,
    ),
}


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _secret_properties(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    secrets: dict[str, Any] = {}
    for status, response in operation["responses"].items():
        if not status.startswith("2"):
            continue
        for media in response.get("content", {}).values():
            properties = _resolve(document, media.get("schema", {})).get("properties", {})
            secrets |= {
                name: schema
                for name, schema in properties.items()
                if name in SECRET_NAMES or schema.get(SHOWN_ONCE)
            }
    return secrets


def _operations_showing_secrets(document: dict[str, Any]) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            secrets = _secret_properties(document, operation)
            if secrets:
                found[(method, path)] = (operation, secrets)
    return found


def test_every_secret_shown_once_is_declared_so(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    found = _operations_showing_secrets(document)

    assert set(found) == set(CALLS)
    for (method, path), (operation, secrets) in found.items():
        for name, schema in secrets.items():
            assert schema.get(SHOWN_ONCE), f"{method} {path}: {name} is not typed ShownOnce"
        answered = [r for status, r in operation["responses"].items() if status.startswith("2")]
        for response in answered:
            assert response["headers"]["Cache-Control"]["schema"]["const"] == "no-store"


def test_every_secret_shown_once_is_not_stored_by_caches(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for (method, path), call in CALLS.items():
        key = {"Idempotency-Key": f"{method} {path}"}
        answer = call(client, workspace, key)
        assert answer.status_code < 300, (path, answer.text)
        assert answer.headers.get("cache-control") == "no-store", f"{method} {path}"
        if path in {"/api/webhooks/subscriptions", "/api/sse/tickets", "/api/admin/oauth-clients"}:
            replay = call(client, workspace, key)
            assert replay.headers.get("idempotent-replayed") == "true", path
            assert replay.headers.get("cache-control") == "no-store", f"replayed {path}"
