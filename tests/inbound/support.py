"""Inbound endpoints and signed deliveries for the inbound-webhook tests."""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from standardwebhooks import Webhook

from tests.conftest import WorkspaceFixture
from timeledger.kit.clock import utcnow

ENDPOINTS = "/api/webhooks/inbound-endpoints"


@dataclass(frozen=True)
class Endpoint:
    id: int
    secret: str
    service_user_id: int

    @property
    def url(self) -> str:
        return f"/api/webhooks/inbound/{self.id}"

    @property
    def events(self) -> str:
        return f"{ENDPOINTS}/{self.id}/events"


def service_user(client: TestClient, workspace: WorkspaceFixture, role: str = "admin") -> int:
    response = client.post(
        "/api/service-users",
        json={"name": f"hr-{role}-{secrets.token_hex(3)}", "role": role},
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    user_id: int = response.json()["id"]
    return user_id


def endpoint_in(client: TestClient, workspace: WorkspaceFixture, role: str = "admin") -> Endpoint:
    user_id = service_user(client, workspace, role)
    response = client.post(
        ENDPOINTS, json={"name": "HR system", "service_user_id": user_id}, headers=workspace.headers
    )
    assert response.status_code == 201, response.text
    created = response.json()
    return Endpoint(created["id"], created["secret"], user_id)


def signed_headers(
    secret: str, body: str, message_id: str, timestamp: datetime | None = None
) -> dict[str, str]:
    at = timestamp or utcnow()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
        "content-type": "application/json",
    }


def send(
    client: TestClient,
    endpoint: Endpoint,
    message: dict[str, Any] | str,
    message_id: str = "msg_1",
    *,
    secret: str | None = None,
    timestamp: datetime | None = None,
) -> Response:
    body = message if isinstance(message, str) else json.dumps(message)
    headers = signed_headers(secret or endpoint.secret, body, message_id, timestamp)
    response: Response = client.post(endpoint.url, content=body.encode(), headers=headers)
    return response


def events(
    client: TestClient, workspace: WorkspaceFixture, endpoint: Endpoint
) -> list[dict[str, Any]]:
    response = client.get(endpoint.events, headers=workspace.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
