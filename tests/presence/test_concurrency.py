"""At most one open interval per employee, whatever the number of simultaneous writers;
the database's partial unique index is the last word."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import WorkspaceFixture
from tests.presence.support import at_once, call, new_employee
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import PresenceInterval
from timeledger.presence.repository import PresenceRepository

WRITERS = 8


def _open_intervals(db: Database, employee_id: int) -> int:
    with db.session(write=False) as session:
        return (
            session.scalar(
                select(func.count()).where(
                    PresenceInterval.employee_id == employee_id, PresenceInterval.ended_at.is_(None)
                )
            )
            or 0
        )


@pytest.mark.parametrize("writers", [2, WRITERS])
def test_simultaneous_clock_ins_give_one_201_and_the_rest_409(
    client: TestClient, db: Database, workspace: WorkspaceFixture, writers: int
) -> None:
    employee = new_employee(client, workspace.headers)

    statuses = at_once(
        writers, lambda: call(client, workspace.headers, employee, "clock-in").status_code
    )

    assert sorted(statuses) == [201] + [409] * (writers - 1)
    assert _open_intervals(db, employee) == 1


def test_simultaneous_clock_in_and_out_rounds(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    """Writers racing in and out never leave two open intervals, and every interval they
    leave is closed or the one open one."""
    employee = new_employee(client, workspace.headers)

    def rounds() -> list[str]:
        unexpected: list[str] = []
        for _ in range(5):
            for operation in ("clock-in", "clock-out"):
                response = call(client, workspace.headers, employee, operation)
                if response.status_code not in (200, 201, 409):
                    unexpected.append(f"{operation}: {response.status_code} {response.text}")
        return unexpected

    assert at_once(4, rounds) == [[], [], [], []]
    assert _open_intervals(db, employee) <= 1


def test_the_database_refuses_a_second_open_interval(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    """The index, not only the check in Python; the savepoint keeps the transaction usable."""
    employee = new_employee(client, workspace.headers)
    now = utcnow()

    def open_interval(started_minutes_ago: int) -> PresenceInterval:
        return PresenceInterval(
            workspace_id=workspace.id,
            employee_id=employee,
            started_at=now - timedelta(minutes=started_minutes_ago),
            day=now.date(),
            timezone="UTC",
            note="",
            source="clock",
            created_at=now,
            updated_at=now,
        )

    with db.transaction(workspace_id=workspace.id) as session:
        repository = PresenceRepository(session)
        repository.add(open_interval(60))
        with pytest.raises(IntegrityError):
            repository.add(open_interval(30))
        assert repository.open_interval(employee) is not None
    assert _open_intervals(db, employee) == 1


def test_an_open_interval_added_beside_another_adds_nothing_and_the_transaction_goes_on(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    """What clock-in does when another writer opened an interval after its checks."""
    employee = new_employee(client, workspace.headers)
    now = utcnow()
    opened = {
        "employee_id": employee,
        "ended_at": None,
        "day": now.date(),
        "timezone": "UTC",
        "reason_id": None,
        "activity_id": None,
        "note": "",
        "source": "clock",
        "created_by_user_id": None,
        "created_at": now,
        "updated_at": now,
        "row_version": 1,
    }

    with db.transaction(workspace_id=workspace.id) as session:
        repository = PresenceRepository(session)
        first = repository.add_open_interval(started_at=now - timedelta(minutes=60), **opened)
        second = repository.add_open_interval(started_at=now - timedelta(minutes=30), **opened)
        assert first is not None
        assert second is None
        assert repository.open_interval_row(employee).id == first.id
    assert _open_intervals(db, employee) == 1
