"""Secrets: token format and storage, password rules and argon2id parameters."""

import hashlib
import re
import string

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.access.support import PASSWORD, assert_problem
from tests.conftest import WorkspaceFixture, make_workspace
from timeledger.access.credentials import (
    PasswordHashing,
    TokenKind,
    common_passwords,
    issue_token,
    token_matches,
)
from timeledger.access.permissions import Permission, grants, validate_role_permissions
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.kit.db import Database
from timeledger.kit.errors import Unprocessable
from timeledger.models import ApiKey, User

URLSAFE = set(string.ascii_letters + string.digits + "-_")
ARGON2 = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$")


def argon2_parameters(password_hash: str) -> tuple[int, int, int]:
    match = ARGON2.match(password_hash)
    assert match, password_hash
    memory, time_cost, parallelism = map(int, match.groups())
    return memory, time_cost, parallelism


def random_bits(token: str, kind: TokenKind) -> int:
    body = token.removeprefix(kind.value)
    assert set(body) <= URLSAFE, token
    return len(body) * 6


@pytest.mark.parametrize("kind", list(TokenKind))
def test_tokens_carry_at_least_128_random_bits_beyond_their_visible_prefix(
    kind: TokenKind,
) -> None:
    issued = [issue_token(kind) for _ in range(20)]
    for token in issued:
        assert token.token.startswith(kind.value)
        assert token.token.startswith(token.prefix)
        assert random_bits(token.token, kind) - random_bits(token.prefix, kind) >= 128
        assert token.secret_hash == hashlib.sha256(token.token.encode()).hexdigest()
        assert token_matches(token.token, token.secret_hash)
        assert not token_matches(token.token + "x", token.secret_hash)
    assert len({token.token for token in issued}) == len({token.prefix for token in issued}) == 20


def test_api_keys_are_stored_as_sha256_only(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    created = client.post("/api/me/api-keys", json={}, headers=workspace.headers).json()
    with db.transaction() as session:
        row = session.scalars(select(ApiKey).where(ApiKey.id == created["id"])).one()
        assert row.secret_hash == hashlib.sha256(created["key"].encode()).hexdigest()
        assert row.prefix == created["prefix"] == created["key"][:16]


def test_password_hashes_are_argon2id_at_no_less_than_owasp_minimum(
    settings: Settings, db: Database
) -> None:
    """The application's hashing as configured, even below the minimum (the `hashing`
    fixture hashes cheaply, the tests' own floor)."""
    app = create_app(settings.model_copy(update={"argon2_memory_kib": 1024}), db)
    workspace = make_workspace(db, app.state.password_hashing, "Acme")
    with TestClient(app, raise_server_exceptions=False) as client:
        created = client.post(
            "/api/users",
            json={"email": "new@example.com", "name": "New", "password": PASSWORD},
            headers=workspace.headers,
        )
    assert created.status_code == 201, created.text
    with db.transaction() as session:
        hashes = session.scalars(select(User.password_hash).where(User.kind == "person")).all()
    assert len(hashes) == 2
    for password_hash in hashes:
        assert password_hash is not None
        memory, time_cost, parallelism = argon2_parameters(password_hash)
        assert memory >= 19_456
        assert time_cost >= 2
        assert parallelism == 1
        assert PASSWORD not in password_hash


def test_a_configured_memory_cost_below_the_minimum_is_raised_to_it() -> None:
    hashing = PasswordHashing(1024)
    password_hash = hashing.hash(PASSWORD)
    assert argon2_parameters(password_hash) == (19_456, 2, 1)
    assert hashing.verify(password_hash, PASSWORD)
    assert not hashing.verify(password_hash, PASSWORD + "!")
    assert not hashing.verify(None, PASSWORD)
    assert not hashing.verify("not a hash", PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-1", "at least 10 characters"),
        ("123456789", "at least 10 characters"),
        ("qwertyuiop", "most common passwords"),
        ("1234567890", "most common passwords"),
        ("QWERTYUIOP", "most common passwords"),
    ],
)
def test_weak_passwords_are_refused_with_a_clear_422(
    client: TestClient, workspace: WorkspaceFixture, password: str, message: str
) -> None:
    response = client.post(
        "/api/users",
        json={"email": "weak@example.com", "name": "Weak", "password": password},
        headers=workspace.headers,
    )
    body = assert_problem(response, 422)
    assert message in body["detail"]
    assert body["errors"][0]["location"] == "body.password"
    assert password not in response.text
    users = client.get("/api/users?q=weak", headers=workspace.headers).json()["items"]
    assert users == []


def test_the_common_password_list_holds_the_most_common_thousand() -> None:
    common = common_passwords()
    assert len(common) == 1000
    assert {"password", "123456", "qwertyuiop", "1234567890"} <= common
    assert PASSWORD not in common


def test_scopes_nest_all_over_team_over_own() -> None:
    assert grants(["timesheet:read:*"], "timesheet:read:own")
    assert grants(["timesheet:read:*"], "timesheet:read:team")
    assert grants(["timesheet:read:team"], "timesheet:read:own")
    assert not grants(["timesheet:read:team"], "timesheet:read:*")
    assert not grants(["timesheet:read:own"], "timesheet:read:team")
    assert not grants(["timesheet:approve:*"], "timesheet:read:own")
    assert not grants(["users:read:*"], "timesheet:read:own")
    assert not grants([], "users:read:own")


@pytest.mark.parametrize(
    "text", ["users:read", "users:read:all", "users::own", ":read:own", "a:b:c:own", ""]
)
def test_malformed_permissions_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a permission"):
        Permission.parse(text)


def test_custom_roles_may_hold_only_catalog_permissions() -> None:
    assert validate_role_permissions(["users:read:*", "users:read:*"]) == ["users:read:*"]
    with pytest.raises(Unprocessable, match="timesheet:fly:own"):
        validate_role_permissions(["users:read:*", "timesheet:fly:own"])
