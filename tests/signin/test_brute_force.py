"""Brute force: 10 failures per account or 50 per address within 15 minutes answer 429 with
Retry-After; an unknown email and a wrong password are indistinguishable."""

from datetime import timedelta

from fastapi.testclient import TestClient
from httpx import Response

from tests.access.support import PASSWORD, assert_problem
from tests.conftest import WorkspaceFixture
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import SignInAttempt
from timeledger.signin.service import MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS

WINDOW_SECONDS = 15 * 60


def _sign_in(client: TestClient, email: str, password: str) -> Response:
    return client.post("/api/auth/login", json={"email": email, "password": password})


def _earlier_failures(db: Database, count: int, *, minutes_ago: float, **fields: str) -> None:
    """Failures from before this test (arranged rows; each real one costs an argon2 hash)."""
    with db.transaction() as session:
        for number in range(count):
            session.add(
                SignInAttempt(
                    email=fields.get("email", f"guess-{number}@example.com"),
                    client_address=fields.get("client_address", "testclient"),
                    succeeded=False,
                    at=utcnow() - timedelta(minutes=minutes_ago),
                )
            )


def _assert_throttled(response: Response) -> None:
    body = assert_problem(response, 429)
    assert "Too many" in body["detail"]
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= WINDOW_SECONDS + 1


def test_ten_failures_for_one_account_lock_it_even_for_the_right_password(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    assert MAX_FAILURES_PER_ACCOUNT == 10
    for _ in range(10):
        assert _sign_in(client, workspace.owner_email, "wrong-" + PASSWORD).status_code == 401

    _assert_throttled(_sign_in(client, workspace.owner_email, "wrong-" + PASSWORD))
    _assert_throttled(_sign_in(client, workspace.owner_email, workspace.owner_password))
    _assert_throttled(_sign_in(client, workspace.owner_email.upper(), workspace.owner_password))
    # Other accounts from the same address go on.
    assert _sign_in(client, "someone@example.com", PASSWORD).status_code == 401


def test_nine_failures_do_not_lock_the_account(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    _earlier_failures(db, 8, minutes_ago=1, email=workspace.owner_email)
    assert _sign_in(client, workspace.owner_email, "wrong-" + PASSWORD).status_code == 401

    assert _sign_in(client, workspace.owner_email, workspace.owner_password).status_code == 200


def test_failures_older_than_fifteen_minutes_do_not_count(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    _earlier_failures(db, 30, minutes_ago=16, email=workspace.owner_email)
    _earlier_failures(db, 60, minutes_ago=16)

    assert _sign_in(client, workspace.owner_email, workspace.owner_password).status_code == 200


def test_retry_after_counts_down_from_the_oldest_failure_in_the_window(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    _earlier_failures(db, 10, minutes_ago=10, email=workspace.owner_email)

    response = _sign_in(client, workspace.owner_email, workspace.owner_password)

    _assert_throttled(response)
    assert 4 * 60 <= int(response.headers["retry-after"]) <= 5 * 60 + 1


def test_fifty_failures_from_one_address_lock_the_address(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    assert MAX_FAILURES_PER_ADDRESS == 50
    _earlier_failures(db, 48, minutes_ago=5)
    _earlier_failures(db, 3, minutes_ago=5, client_address="192.0.2.7")
    assert _sign_in(client, "guess-48@example.com", PASSWORD).status_code == 401
    assert _sign_in(client, "guess-49@example.com", PASSWORD).status_code == 401

    _assert_throttled(_sign_in(client, "guess-50@example.com", PASSWORD))
    _assert_throttled(_sign_in(client, workspace.owner_email, workspace.owner_password))


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    wrong_password = _sign_in(client, workspace.owner_email, "wrong-" + PASSWORD)
    unknown_email = _sign_in(client, "nobody@example.com", "wrong-" + PASSWORD)

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    ignored = {"date", "x-request-id", "content-length", "server-timing"}
    assert {k: v for k, v in wrong_password.headers.items() if k not in ignored} == {
        k: v for k, v in unknown_email.headers.items() if k not in ignored
    }


def test_a_throttled_unknown_email_looks_like_a_throttled_account(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    _earlier_failures(db, 10, minutes_ago=2, email=workspace.owner_email)
    _earlier_failures(db, 10, minutes_ago=2, email="nobody@example.com")

    known = _sign_in(client, workspace.owner_email, "wrong-" + PASSWORD)
    unknown = _sign_in(client, "nobody@example.com", "wrong-" + PASSWORD)

    _assert_throttled(known)
    _assert_throttled(unknown)
    assert known.json() == unknown.json()
