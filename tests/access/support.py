"""Helpers shared by the identity, users, auth and admin tests.

Callers are built through the real services (no mocks): people and service users with a
role and an API key, sessions through POST /api/auth/login, and the operations of the
OpenAPI document, so tests that walk every operation cover new ones without edits.
"""

import re
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import MetaData, select, update

from timeledger.access.caller import PERSON, Caller, acting_caller
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import ApiKey, AuthSession, PasswordResetToken
from timeledger.users.repository import RoleRepository
from timeledger.users.schemas import ApiKeyCreate
from timeledger.users.service import add_person, add_service_user, issue_api_key

# Long enough and not among the common passwords.
PASSWORD = "plum-kettle-orbit-42"
MISSING_ID = 999_999
HTTP_METHODS = ("get", "put", "post", "patch", "delete")
PROBLEM_JSON = "application/problem+json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class Principal:
    """A user with one API key: a person (email, maybe a password) or a service user."""

    user_id: int
    key_id: int
    key: str
    email: str | None = None
    password: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.key)


def new_person(
    db: Database,
    workspace_id: int,
    role: str,
    *,
    email: str | None = None,
    password: str | None = None,
    hashing: PasswordHashing | None = None,
    name: str | None = None,
) -> Principal:
    """A person with `role` and a personal API key; a password only when asked (hashing
    costs ~50 ms)."""
    tag = secrets.token_hex(4)
    email = email or f"{role}-{tag}@example.com"
    with db.transaction(workspace_id=workspace_id) as session:
        role_row = RoleRepository(session).by_name(role)
        assert role_row is not None, role
        password_hash = None
        if password is not None:
            assert hashing is not None
            password_hash = hashing.hash(password)
        user = add_person(
            session,
            workspace_id=workspace_id,
            email=email,
            name=name or f"{role.title()} {tag}",
            role=role_row,
            password_hash=password_hash,
        )
        key = issue_api_key(session, user, ApiKeyCreate(name="personal key"), actor=None)
        return Principal(user.id, key.id, key.key, email.lower(), password)


def new_service_user(
    db: Database, workspace_id: int, role: str, *, name: str | None = None
) -> Principal:
    with db.transaction(workspace_id=workspace_id) as session:
        role_row = RoleRepository(session).by_name(role)
        assert role_row is not None, role
        user = add_service_user(
            session,
            workspace_id=workspace_id,
            name=name or f"{role}-bot-{secrets.token_hex(4)}",
            role=role_row,
            actor=None,
        )
        key = issue_api_key(session, user, ApiKeyCreate(name="service key"), actor=None)
        return Principal(user.id, key.id, key.key)


def login(
    client: TestClient, email: str, password: str, workspace: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"email": email, "password": password}
    if workspace is not None:
        body["workspace"] = workspace
    response = client.post("/api/auth/login", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def expire(
    db: Database, model: type[ApiKey | AuthSession | PasswordResetToken], row_id: int
) -> None:
    """Moves a credential's expiry into the past (arranging state, not faking time)."""
    with db.transaction() as session:
        session.execute(
            update(model)
            .where(model.id == row_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )


def assert_problem(response: Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:timeledger:problem:")
    assert body["title"]
    assert body["detail"]
    return body


# The OpenAPI document


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: Mapping[str, Any]

    @property
    def permission(self) -> str | None:
        value = self.spec.get("x-required-permission")
        return str(value) if value is not None else None

    @property
    def people_only(self) -> bool:
        return bool(self.spec.get("x-people-only", False))

    @property
    def public(self) -> bool:
        return bool(self.spec.get("x-public", False))

    @property
    def kiosk_device(self) -> bool:
        """Taking a kiosk's device token instead of a permission (docs/kiosks.md)."""
        return bool(self.spec.get("x-kiosk-device", False))

    @property
    def streams(self) -> bool:
        """An endless response (text/event-stream) that a test cannot read to its end."""
        success = self.spec.get("responses", {}).get("200", {})
        return "text/event-stream" in success.get("content", {})

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def path_parameters(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)

    def url(self, values: Mapping[str, int], default: int | None = MISSING_ID) -> str:
        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return str(values[name])
            if default is None:
                raise KeyError(f"no value for the path parameter {name!r} of {self.label}")
            return str(default)

        return re.sub(r"\{(\w+)\}", fill, self.path)

    def call(
        self,
        client: TestClient,
        headers: Mapping[str, str],
        values: Mapping[str, int] | None = None,
        default: int | None = MISSING_ID,
    ) -> Response:
        """The operation with a minimal JSON body for writes (an empty object: enough to
        get past authorization, and at worst refused as invalid)."""
        body: dict[str, Any] | None = {} if self.method in ("post", "put", "patch") else None
        url = self.url(values or {}, default)
        if self.streams:
            # Status and headers only: an accepted stream is closed unread.
            with client.stream(self.method.upper(), url, headers=headers) as response:
                if response.status_code != 200:
                    response.read()
            return response
        return client.request(self.method.upper(), url, headers=headers, json=body)


def operations(document: Mapping[str, Any]) -> Iterator[Operation]:
    for path, item in document["paths"].items():
        for method, spec in item.items():
            if method in HTTP_METHODS:
                yield Operation(method, path, spec)


def openapi_document(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def protected_operations(client: TestClient) -> list[Operation]:
    found = [op for op in operations(openapi_document(client)) if not op.public]
    assert len(found) > 20, "the document lost its operations"
    return found


def assert_rejected_everywhere(client: TestClient, token: str) -> None:
    """Every protected operation of the document answers 401 to `token`: no request at
    all is accepted with it."""
    accepted = []
    for operation in protected_operations(client):
        response = operation.call(client, bearer(token))
        if response.status_code != 401:
            accepted.append(f"{operation.label} -> {response.status_code}")
    assert accepted == [], accepted


def database_text(db: Database) -> str:
    """Every value of every column of every table, as text."""
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    assert {"users", "api_keys", "auth_sessions", "password_reset_tokens"} <= set(metadata.tables)
    chunks = []
    with db.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        chunks.append(bytes(value).decode("utf-8", "replace"))
                    else:
                        chunks.append(str(value))
    return "\n".join(chunks)


def person_caller(
    workspace_id: int, user_id: int, permissions: Iterable[str], role_name: str = "custom"
) -> Caller:
    """The person `user_id` as a service sees them signed in, holding exactly
    `permissions`."""
    return acting_caller(workspace_id, user_id, PERSON, role_name, permissions, "test")


def leaks(haystack: str, secrets: Iterable[str]) -> list[str]:
    """The secrets found whole, or their part after the visible prefix (16 characters)."""
    return [
        secret
        for secret in secrets
        if secret in haystack or (len(secret) >= 32 and secret[16:] in haystack)
    ]
