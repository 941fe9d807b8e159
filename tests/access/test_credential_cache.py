"""Recently verified credentials are remembered briefly, never by the token itself, and
forgotten as soon as a change to identities commits."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.access.support import bearer, new_person
from tests.conftest import WorkspaceFixture
from timeledger.access.credential_cache import CREDENTIALS, CredentialCache, VerifiedCredential
from timeledger.access.credentials import TokenKind
from timeledger.kit.clock import FixedClock, clock_in_use, utcnow
from timeledger.kit.db import Database
from timeledger.models import User

VERIFIED = VerifiedCredential(
    workspace_id=1,
    user_id=2,
    user_kind="person",
    role_name="employee",
    permissions=frozenset({"me:read:own"}),
    kind=TokenKind.API_KEY,
    credential_id=3,
    label="tl_ak_abc",
)


def test_an_entry_lives_for_its_ttl_and_is_keyed_by_a_hash() -> None:
    clock = FixedClock(utcnow())
    cache = CredentialCache(ttl_seconds=30)
    with clock_in_use(clock):
        cache.put("tl_ak_secret", VERIFIED, None)
        assert cache.get("tl_ak_other") is None
        assert all("tl_ak_secret" not in key for key in cache._entries)
        clock.advance(timedelta(seconds=29))
        assert cache.get("tl_ak_secret") == VERIFIED
        clock.advance(timedelta(seconds=1))
        assert cache.get("tl_ak_secret") is None


def test_a_credential_expiring_sooner_than_the_ttl_bounds_its_entry() -> None:
    clock = FixedClock(utcnow())
    cache = CredentialCache(ttl_seconds=60)
    with clock_in_use(clock):
        cache.put("expired", VERIFIED, clock.now())
        cache.put("soon", VERIFIED, clock.now() + timedelta(seconds=10))
        assert cache.get("expired") is None
        clock.advance(timedelta(seconds=9))
        assert cache.get("soon") == VERIFIED
        clock.advance(timedelta(seconds=1))
        assert cache.get("soon") is None


def test_a_committed_identity_change_forgets_every_credential(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    assert client.get("/api/me", headers=person.headers).status_code == 200
    assert CREDENTIALS.get(person.key) is not None

    with db.transaction(workspace_id=workspace.id) as session:
        session.execute(update(User).where(User.id == person.user_id).values(status="suspended"))

    assert CREDENTIALS.get(person.key) is None
    assert client.get("/api/me", headers=person.headers).status_code == 401


def test_a_role_change_applies_to_the_next_request(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    person = new_person(db, workspace.id, "employee")
    assert client.get("/api/users?limit=1", headers=person.headers).status_code == 200
    assert client.get("/api/roles", headers=person.headers).status_code == 403
    promoted = client.patch(
        f"/api/users/{person.user_id}", json={"role": "admin"}, headers=workspace.headers
    )
    assert promoted.status_code == 200, promoted.text
    assert client.get("/api/roles", headers=bearer(person.key)).status_code == 200
