import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from tests.conftest import WorkspaceFixture
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.idempotency import (
    ABANDONED_CLAIM_AFTER,
    HEADER,
    MAX_KEY_LENGTH,
    credential_hash,
    open_body,
    purge_expired_idempotency_records,
    request_hash,
)
from timeledger.kit.routing import api_router
from timeledger.kit.uow import UnitOfWork
from timeledger.models import IdempotencyRecord, Role, SignInAttempt


def _role_body(name: str) -> bytes:
    return json.dumps({"name": name, "permissions": []}).encode()


def _post_role(client: TestClient, headers: dict[str, str], key: str | None, name: str) -> Response:
    extra = {HEADER: key} if key is not None else {}
    return client.post(
        "/api/roles",
        headers={**headers, **extra, "content-type": "application/json"},
        content=_role_body(name),
    )


def _roles_named(db: Database, name: str) -> int:
    with db.session(write=False) as session:
        return session.scalar(select(func.count()).select_from(Role).where(Role.name == name)) or 0


def _records(db: Database) -> list[IdempotencyRecord]:
    with db.session(write=False) as session:
        return list(session.scalars(select(IdempotencyRecord).order_by(IdempotencyRecord.id)))


def _second_key(client: TestClient, owner: WorkspaceFixture) -> dict[str, str]:
    response = client.post("/api/me/api-keys", headers=owner.headers, json={"name": "second"})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['key']}"}


def test_a_retry_replays_the_stored_response(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    first = _post_role(client, workspace.headers, "create-auditor", "auditor")
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    second = _post_role(client, workspace.headers, "create-auditor", "auditor")
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content
    for header in ("content-type", "location", "etag"):
        assert second.headers[header] == first.headers[header]
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert _roles_named(db, "auditor") == 1
    [record] = _records(db)
    assert record.completed
    assert record.response_status == 201
    for _ in range(2):  # other methods ignore the header
        response = client.get("/api/roles", headers={**workspace.headers, HEADER: "create-auditor"})
        assert response.status_code == 200
        assert "idempotent-replayed" not in response.headers


def test_the_same_key_with_another_body_is_unprocessable(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    assert _post_role(client, workspace.headers, "k-1", "auditor").status_code == 201
    response = _post_role(client, workspace.headers, "k-1", "reviewer")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["location"] == f"header.{HEADER}"
    assert _roles_named(db, "reviewer") == 0


def test_keys_belong_to_the_credential_that_sent_them(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    other_credential = _second_key(client, workspace)
    assert _post_role(client, workspace.headers, "shared-key", "auditor").status_code == 201
    response = _post_role(client, other_credential, "shared-key", "reviewer")
    assert response.status_code == 201, response.text
    assert "idempotent-replayed" not in response.headers
    assert response.json()["name"] == "reviewer"
    assert _roles_named(db, "auditor") == 1
    assert _roles_named(db, "reviewer") == 1
    assert len({record.credential_hash for record in _records(db)}) == 2


def _claim(
    db: Database,
    owner: WorkspaceFixture,
    key: str,
    body: bytes,
    *,
    age: timedelta = timedelta(0),
    expires_in: timedelta = timedelta(hours=1),
    completed: bool = False,
) -> None:
    created = utcnow() - age
    with db.transaction() as session:
        session.add(
            IdempotencyRecord(
                credential_hash=credential_hash(f"Bearer {owner.api_key}"),
                key=key,
                request_hash=request_hash(
                    f"Bearer {owner.api_key}", "POST", "/api/roles", b"", body
                ),
                completed=completed,
                response_status=200 if completed else None,
                response_headers={"content-type": "text/plain"} if completed else None,
                response_body=b"stale answer" if completed else None,
                created_at=created,
                expires_at=created + expires_in,
            )
        )


def test_a_request_still_in_progress_is_a_409_until_abandoned(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    _claim(db, workspace, "busy", _role_body("auditor"))
    response = _post_role(client, workspace.headers, "busy", "auditor")
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert HEADER in response.json()["detail"]
    assert _roles_named(db, "auditor") == 0
    [record] = _records(db)
    assert not record.completed  # the other request's claim stays

    # Until it is old enough to count as abandoned by a crashed process.
    age = ABANDONED_CLAIM_AFTER + timedelta(seconds=5)
    _claim(db, workspace, "crashed", _role_body("auditor"), age=age)
    response = _post_role(client, workspace.headers, "crashed", "auditor")
    assert response.status_code == 201, response.text
    assert _roles_named(db, "auditor") == 1


def test_an_expired_record_is_replaced(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    _claim(
        db,
        workspace,
        "old",
        _role_body("auditor"),
        age=timedelta(hours=25),
        expires_in=timedelta(hours=24),
        completed=True,
    )
    response = _post_role(client, workspace.headers, "old", "auditor")
    assert response.status_code == 201, response.text
    assert "idempotent-replayed" not in response.headers
    assert response.content != b"stale answer"
    assert _roles_named(db, "auditor") == 1
    [record] = _records(db)
    assert record.response_body is not None
    assert response.content not in record.response_body
    assert open_body(workspace.headers["Authorization"], record.response_body) == response.content
    assert record.expires_at > utcnow()


def test_purge_removes_only_expired_records(db: Database, workspace: WorkspaceFixture) -> None:
    _claim(db, workspace, "old", b"1", age=timedelta(hours=25), expires_in=timedelta(hours=24))
    _claim(db, workspace, "fresh", b"2")
    assert purge_expired_idempotency_records(db) == 1
    assert [record.key for record in _records(db)] == ["fresh"]


def test_invalid_keys_are_a_400(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    too_long = _post_role(client, workspace.headers, "k" * (MAX_KEY_LENGTH + 1), "auditor")
    assert too_long.status_code == 400
    assert too_long.headers["content-type"] == "application/problem+json"
    assert too_long.json()["errors"][0]["location"] == f"header.{HEADER}"
    assert _post_role(client, workspace.headers, "", "auditor").status_code == 400
    assert _roles_named(db, "auditor") == 0
    longest = _post_role(client, workspace.headers, "k" * MAX_KEY_LENGTH, "auditor")
    assert longest.status_code == 201


def test_a_refused_request_releases_its_key(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    assert _post_role(client, workspace.headers, None, "auditor").status_code == 201
    for _ in range(2):
        refused = _post_role(client, workspace.headers, "retry-me", "auditor")
        assert refused.status_code == 409  # the role exists: not stored, so not replayed
        assert "idempotent-replayed" not in refused.headers
    assert _records(db) == []
    invalid = client.post(
        "/api/roles",
        headers={**workspace.headers, HEADER: "retry-me"},
        json={"name": "Not Valid"},
    )
    assert invalid.status_code == 422
    assert _post_role(client, workspace.headers, "retry-me", "reviewer").status_code == 201


@pytest.fixture
def commit_failing_client(app: FastAPI) -> Iterator[TestClient]:
    """A POST route whose unit of work fails only when it commits."""
    router = api_router("Test")

    @router.post("/test-commit-fails", status_code=201)
    def add_invalid_row(session: UnitOfWork) -> dict[str, str]:
        # No flush here: the NOT NULL violation surfaces when the unit of work commits.
        session.add(SignInAttempt(email=None, client_address="::1", succeeded=True))
        return {"status": "created"}

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_nothing_is_stored_when_the_commit_fails(
    commit_failing_client: TestClient, db: Database
) -> None:
    for _ in range(2):
        response = commit_failing_client.post(
            "/api/test-commit-fails", headers={HEADER: "after-commit"}
        )
        assert response.status_code == 500
        assert "idempotent-replayed" not in response.headers
    assert _records(db) == []
    with db.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(SignInAttempt)) == 0


def test_requests_without_a_credential_take_no_part(client: TestClient, db: Database) -> None:
    for _ in range(2):
        response = client.post(
            "/api/auth/login",
            json={"email": "nobody@example.test", "password": "not the password"},
            headers={HEADER: "anonymous-key"},
        )
        assert response.status_code == 401
        assert "idempotent-replayed" not in response.headers
    assert _records(db) == []
