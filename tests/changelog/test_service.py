import threading
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.conftest import WorkspaceFixture
from timeledger.changelog.service import (
    CHANGES_CHANNEL,
    PIPELINED_MOST,
    head_revision,
    record_change,
    recorded_revisions,
)
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
        record_change(
            session,
            workspace_id=workspace_id,
            actor_user_id=None,
            entity="thing",
            entity_id=entity_id,
            op="updated",
            data={"n": entity_id},
        )
        (revision,) = recorded_revisions(session)
        return revision


def test_revisions_start_at_one_and_grow_by_one(db: Database) -> None:
    workspace_id = _bare_workspace(db, "Fresh")
    assert _revisions(db, workspace_id) == []
    assert [_record(db, workspace_id, n) for n in range(5)] == [1, 2, 3, 4, 5]
    assert _revisions(db, workspace_id) == [1, 2, 3, 4, 5]
    with db.session(write=False) as session:
        assert head_revision(session, workspace_id) == 5


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
        record_change(
            session,
            workspace_id=workspace_id,
            actor_user_id=None,
            entity="thing",
            entity_id=2,
            op="created",
            data={},
        )
        assert recorded_revisions(session) == [2]
        raise RuntimeError("abandon")
    assert _revisions(db, workspace_id) == [1]
    assert _record(db, workspace_id, 3) == 2
    assert _revisions(db, workspace_id) == [1, 2]


def test_the_head_counts_what_the_transaction_recorded(db: Database) -> None:
    workspace_id = _bare_workspace(db, "Head")
    with db.transaction(workspace_id=workspace_id) as session:
        assert head_revision(session, workspace_id) == 0
        for n in range(3):
            _thing(session, workspace_id, n)
            assert head_revision(session, workspace_id) == n + 1
        _thing(session, workspace_id, 3)
    with db.session(write=False) as session:
        assert head_revision(session, workspace_id) == 4
    assert _revisions(db, workspace_id) == [1, 2, 3, 4]


def _changes(db: Database, workspace_id: int) -> list[tuple[int, int, Any]]:
    with db.session(write=False) as session:
        return [
            (change.revision, change.entity_id, change.data)
            for change in session.scalars(
                select(Change).where(Change.workspace_id == workspace_id).order_by(Change.revision)
            )
        ]


def _thing(session: Session, workspace_id: int, entity_id: int, **data: Any) -> None:
    record_change(
        session, workspace_id=workspace_id, actor_user_id=None, entity="thing",
        entity_id=entity_id, op="created", data=data,
    )  # fmt: skip


def test_the_counter_is_taken_when_the_transaction_commits(db: Database) -> None:
    workspace_id = _bare_workspace(db, "Deferred")
    assert _record(db, workspace_id, 1) == 1
    data = {"name": "as recorded"}
    counter = text("SELECT revision FROM workspace_revisions WHERE workspace_id = :w")
    with db.transaction(workspace_id=workspace_id) as session:
        _thing(session, workspace_id, 2, **data)
        data["name"] = "changed afterwards"
        assert session.scalar(counter, {"w": workspace_id}) == 1
        assert session.scalar(text("SELECT count(*) FROM changes")) == 1
        if not db.is_sqlite:  # no other writer waits for the counter's row yet
            with db.engine.connect() as other:
                other.execute(
                    text(
                        "SELECT revision FROM workspace_revisions WHERE workspace_id = :w "
                        "FOR UPDATE NOWAIT"
                    ),
                    {"w": workspace_id},
                )
    assert _changes(db, workspace_id)[-1] == (2, 2, {"name": "as recorded"})


def test_an_append_that_fails_at_the_commit_leaves_nothing(db: Database) -> None:
    workspace_id = _bare_workspace(db, "Failing")
    assert _record(db, workspace_id, 1) == 1
    with db.engine.begin() as connection:  # revision 2 taken behind the counter's back
        connection.execute(
            text(
                "INSERT INTO changes (workspace_id, revision, entity, entity_id, op, at, data) "
                "VALUES (:w, 2, 'thing', 99, 'created', 0, '{}')"
            ),
            {"w": workspace_id},
        )
    with pytest.raises(IntegrityError), db.transaction(workspace_id=workspace_id) as session:
        session.get_one(Workspace, workspace_id).name = "Renamed"
        _thing(session, workspace_id, 2)
    with db.session(write=False) as session:
        assert session.get_one(Workspace, workspace_id).name == "Failing"
        assert head_revision(session, workspace_id) == 1
    assert [entity_id for _, entity_id, _ in _changes(db, workspace_id)] == [1, 99]


def test_a_query_of_the_log_sees_the_changes_its_transaction_recorded(db: Database) -> None:
    workspace_id = _bare_workspace(db, "Own changes")
    with db.transaction(workspace_id=workspace_id) as session:
        _thing(session, workspace_id, 1)
        _thing(session, workspace_id, 2)
        seen = session.execute(select(Change.revision, Change.entity_id)).all()
        assert [tuple(row) for row in seen] == [(1, 1), (2, 2)]
        _thing(session, workspace_id, 3)
        assert recorded_revisions(session) == [1, 2, 3]
    assert _revisions(db, workspace_id) == [1, 2, 3]


@pytest.mark.parametrize("count", [PIPELINED_MOST, PIPELINED_MOST + 1])
def test_few_or_many_changes_of_a_transaction_are_appended_alike(db: Database, count: int) -> None:
    workspace_id = _bare_workspace(db, f"Appended {count}")
    with db.transaction(workspace_id=workspace_id) as session:
        for n in range(count):
            _thing(session, workspace_id, n, n=n)
    changes = _changes(db, workspace_id)
    assert changes == [(n + 1, n, {"n": n}) for n in range(count)]
    with db.session(write=False) as session:
        assert head_revision(session, workspace_id) == count


def test_a_savepoint_rolled_back_forgets_what_it_recorded(db: Database) -> None:
    workspace_id = _bare_workspace(db, "Savepoints")
    with db.transaction(workspace_id=workspace_id) as session:
        _thing(session, workspace_id, 1)
        savepoint = session.begin_nested()
        _thing(session, workspace_id, 2)
        savepoint.rollback()
        with session.begin_nested():
            _thing(session, workspace_id, 3)
        _thing(session, workspace_id, 4)
    assert [entity_id for _, entity_id, _ in _changes(db, workspace_id)] == [1, 3, 4]
    assert _revisions(db, workspace_id) == [1, 2, 3]


def test_what_a_rolled_back_savepoint_appended_is_appended_again(db: Database) -> None:
    workspace_id = _bare_workspace(db, "Appended in a savepoint")
    with db.transaction(workspace_id=workspace_id) as session:
        _thing(session, workspace_id, 1)
        savepoint = session.begin_nested()
        assert recorded_revisions(session) == [1]
        _thing(session, workspace_id, 2)
        assert recorded_revisions(session) == [1, 2]
        savepoint.rollback()
        assert recorded_revisions(session) == [1]
    assert [(revision, entity_id) for revision, entity_id, _ in _changes(db, workspace_id)] == [
        (1, 1)
    ]


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
        assert head_revision(session, workspace_id) == total
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
