import threading
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, text

from tests.conftest import WorkspaceFixture
from timeledger.changelog.service import CHANGES_CHANNEL, record_change
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import Change, Workspace

WRITERS = 8
TRANSACTIONS_PER_WRITER = 25


def _bare_workspace(db: Database, name: str) -> int:
    """A workspace row alone, with an empty change log."""
    now = utcnow()
    with db.transaction() as session:
        workspace = Workspace(
            name=name,
            timezone="UTC",
            locale="en",
            currency="EUR",
            week_start=1,
            settings={},
            created_at=now,
            updated_at=now,
        )
        session.add(workspace)
        session.flush()
        return workspace.id


def _revisions(db: Database, workspace_id: int) -> list[int]:
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT revision FROM changes WHERE workspace_id = :w ORDER BY revision"),
            {"w": workspace_id},
        )
        return [row[0] for row in rows]


def _record(db: Database, workspace_id: int, entity_id: int) -> int:
    with db.transaction(workspace_id=workspace_id) as session:
        return record_change(
            session,
            workspace_id=workspace_id,
            actor_user_id=None,
            entity="thing",
            entity_id=entity_id,
            op="updated",
            data={"n": entity_id},
        )


def test_revisions_start_at_one_and_grow_by_one(db: Database) -> None:
    workspace_id = _bare_workspace(db, "Fresh")
    assert _revisions(db, workspace_id) == []
    assert [_record(db, workspace_id, n) for n in range(5)] == [1, 2, 3, 4, 5]
    assert _revisions(db, workspace_id) == [1, 2, 3, 4, 5]
    with db.session(write=False) as session:
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None
        assert workspace.revision == 5


def test_a_change_keeps_what_it_was_given(db: Database, workspace: WorkspaceFixture) -> None:
    before = utcnow()
    with db.transaction(workspace_id=workspace.id) as session:
        record_change(
            session,
            workspace_id=workspace.id,
            actor_user_id=workspace.owner_id,
            entity="role",
            entity_id=77,
            op="deleted",
            data={"name": "auditor", "permissions": ["users:read:*"], "nested": {"n": 1.5}},
        )
    with db.session(write=False) as session:
        change = session.scalars(
            select(Change)
            .where(Change.workspace_id == workspace.id)
            .order_by(Change.revision.desc())
        ).first()
        assert change is not None
        assert (change.entity, change.entity_id, change.op) == ("role", 77, "deleted")
        assert change.actor_user_id == workspace.owner_id
        assert change.data == {
            "name": "auditor",
            "permissions": ["users:read:*"],
            "nested": {"n": 1.5},
        }
        assert before <= change.at <= utcnow() + timedelta(seconds=1)
        assert change.at.tzinfo is not None


def test_workspaces_have_independent_sequences(
    db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    ours, theirs = _revisions(db, workspace.id), _revisions(db, other_workspace.id)
    # Creating a workspace already wrote its first changes.
    assert ours == list(range(1, len(ours) + 1)) and ours
    assert theirs == list(range(1, len(theirs) + 1)) and theirs
    first = _record(db, workspace.id, 1)
    second = _record(db, other_workspace.id, 1)
    third = _record(db, workspace.id, 2)
    assert (first, second, third) == (len(ours) + 1, len(theirs) + 1, len(ours) + 2)
    assert _revisions(db, workspace.id) == list(range(1, len(ours) + 3))
    assert _revisions(db, other_workspace.id) == list(range(1, len(theirs) + 2))


def test_a_rolled_back_transaction_leaves_no_gap(db: Database) -> None:
    workspace_id = _bare_workspace(db, "Rollback")
    assert _record(db, workspace_id, 1) == 1
    with pytest.raises(RuntimeError), db.transaction(workspace_id=workspace_id) as session:
        revision = record_change(
            session,
            workspace_id=workspace_id,
            actor_user_id=None,
            entity="thing",
            entity_id=2,
            op="created",
            data={},
        )
        assert revision == 2
        raise RuntimeError("abandon")
    assert _revisions(db, workspace_id) == [1]
    assert _record(db, workspace_id, 3) == 2
    assert _revisions(db, workspace_id) == [1, 2]


def test_the_loaded_workspace_sees_its_new_revision(db: Database) -> None:
    workspace_id = _bare_workspace(db, "Loaded")
    with db.transaction(workspace_id=workspace_id) as session:
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None
        assert workspace.revision == 0
        for n in range(3):
            revision = record_change(
                session,
                workspace_id=workspace_id,
                actor_user_id=None,
                entity="thing",
                entity_id=n,
                op="created",
                data={},
            )
            assert workspace.revision == revision == n + 1
        workspace.name = "Loaded and renamed"  # a later flush must not undo the count
    with db.session(write=False) as session:
        stored = session.get(Workspace, workspace_id)
        assert stored is not None
        assert (stored.name, stored.revision) == ("Loaded and renamed", 3)


def test_concurrent_writers_never_let_a_reader_see_a_gap(db: Database) -> None:
    workspace_id = _bare_workspace(db, "Busy")
    total = WRITERS * TRANSACTIONS_PER_WRITER
    writers_done = threading.Event()
    start = threading.Barrier(WRITERS + 1)
    failures: list[str] = []
    observed: list[int] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for n in range(TRANSACTIONS_PER_WRITER):
                _record(db, workspace_id, number * 1000 + n)
        except BaseException as error:  # reported by the main thread
            failures.append(f"writer {number}: {error!r}")

    def reader() -> None:
        try:
            start.wait()
            while True:
                finished = writers_done.is_set()
                seen = _revisions(db, workspace_id)
                if seen != list(range(1, len(seen) + 1)):
                    failures.append(f"gap or disorder: {seen}")
                    return
                if observed and len(seen) < observed[-1]:
                    failures.append(f"went back from {observed[-1]} to {len(seen)}")
                    return
                observed.append(len(seen))
                if finished:
                    return
        except BaseException as error:
            failures.append(f"reader: {error!r}")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    watcher = threading.Thread(target=reader)
    for thread in [*threads, watcher]:
        thread.start()
    for thread in threads:
        thread.join(120)
    writers_done.set()
    watcher.join(120)

    assert failures == []
    assert _revisions(db, workspace_id) == list(range(1, total + 1))
    assert observed[-1] == total
    assert len(set(observed)) > 2, "the reader never saw the log grow"
    with db.session(write=False) as session:
        entity_ids = sorted(
            session.scalars(select(Change.entity_id).where(Change.workspace_id == workspace_id))
        )
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None and workspace.revision == total
    assert entity_ids == sorted(
        w * 1000 + n for w in range(WRITERS) for n in range(TRANSACTIONS_PER_WRITER)
    )


def test_other_processes_hear_of_a_commit_once_and_of_a_rollback_never(db: Database) -> None:
    """On PostgreSQL another process learns of committed changes by a notification sent
    with the revision counter's update: once per transaction, however many changes."""
    if db.is_sqlite:
        pytest.skip("SQLite has no notifications; a process there looks again on its own")
    now = utcnow()
    unique_id = 987_654_321  # notifications are database-wide: other workers' ids differ
    with db.transaction() as session:
        session.add(
            Workspace(
                id=unique_id, name="Heard", timezone="UTC", locale="en", currency="EUR",
                week_start=1, settings={}, created_at=now, updated_at=now,
            )
        )  # fmt: skip
    address = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(address, autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANGES_CHANNEL}")
        with db.transaction(workspace_id=unique_id) as session:
            for entity_id in (1, 2):
                record_change(
                    session, workspace_id=unique_id, actor_user_id=None, entity="thing",
                    entity_id=entity_id, op="created", data={},
                )  # fmt: skip
        heard_after_commit = _heard(listener, unique_id)
        with pytest.raises(LookupError), db.transaction(workspace_id=unique_id) as session:
            record_change(
                session, workspace_id=unique_id, actor_user_id=None, entity="thing",
                entity_id=3, op="created", data={},
            )  # fmt: skip
            raise LookupError
        heard_after_rollback = _heard(listener, unique_id)

    assert heard_after_commit == 1
    assert heard_after_rollback == 0


def _heard(listener: psycopg.Connection[Any], workspace_id: int) -> int:
    return sum(
        1
        for notification in listener.notifies(timeout=0.5)
        if notification.payload == str(workspace_id)
    )
