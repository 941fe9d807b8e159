"""A prepared query answers the rows SQLAlchemy answers for the same statement, and
writes inside the transaction of the session it runs in."""

from datetime import UTC, date, datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import Integer, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from tests.conftest import WorkspaceFixture, run_as_a_served_unit
from tests.entries.support import insert_entries
from tests.timesheet.support import Person
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.prepared import (
    PreparedQuery,
    new,
    new_values,
    rows_in_session,
    run_and_commit,
)
from timeledger.models import EntryBookmark, TimeEntry

ENTRIES = TimeEntry.__table__
COLUMNS = [ENTRIES.c[name] for name in ("id", "day", "started_at", "breaks", "billable", "note")]
STATEMENT = (
    select(*COLUMNS)
    .where(
        ENTRIES.c.workspace_id == bindparam("workspace_id"),
        ENTRIES.c.day >= bindparam("first", type_=ENTRIES.c.day.type),
    )
    .order_by(ENTRIES.c.day.desc(), ENTRIES.c.id.desc())
    .limit(bindparam("rows", type_=Integer()))
)


def test_rows_are_the_values_sqlalchemy_answers(
    db: Database, workspace: WorkspaceFixture, activities: dict[str, int], person: Person
) -> None:
    employee_id = person.employee_id
    start = datetime(2026, 3, 2, 8, 15, 30, 123456, tzinfo=UTC)
    insert_entries(
        db,
        workspace.id,
        [
            dict(employee_id=employee_id, day=date(2026, 3, day), minutes=30,
                 activity_id=activities["work"], started_at=start, ended_at=start,
                 timezone="UTC", breaks=[{"start": "a", "end": "b"}], billable=day % 2 == 0,
                 note=f"n{day}")
            for day in range(1, 6)
        ],
    )  # fmt: skip
    values = {"workspace_id": workspace.id, "first": date(2026, 3, 2), "rows": 3}
    with db.engine.connect() as connection:
        expected = [tuple(row) for row in connection.execute(STATEMENT, values)]

    with db.session(write=False) as session:
        rows = rows_in_session(session, PreparedQuery(STATEMENT), **values)

    assert [tuple(row) for row in rows] == expected
    assert [row.day for row in rows] == [date(2026, 3, 5), date(2026, 3, 4), date(2026, 3, 3)]
    assert rows[0].started_at == start
    assert rows[0].breaks == [{"start": "a", "end": "b"}]
    assert [row.billable for row in rows] == [False, True, False]


def test_no_rows(db: Database, workspace: WorkspaceFixture) -> None:
    query = PreparedQuery(STATEMENT)

    with db.session(write=False) as session:
        rows = rows_in_session(
            session, query, workspace_id=workspace.id, first=date(2026, 1, 1), rows=5
        )

    assert rows == []


BOOKMARKS = EntryBookmark.__table__
ADD_BOOKMARK = PreparedQuery(
    insert(EntryBookmark)
    .values(new_values(column for column in BOOKMARKS.c if column.key != "id"))
    .returning(BOOKMARKS.c.id, BOOKMARKS.c.name, BOOKMARKS.c.query)
)
RENAME_BOOKMARKS = PreparedQuery(
    update(EntryBookmark)
    .where(EntryBookmark.workspace_id == bindparam("workspace_id"))
    .values(new_values([BOOKMARKS.c.name]))
)


def _stored_bookmark(workspace: WorkspaceFixture, name: str) -> EntryBookmark:
    values = _bookmark(workspace, name)
    return EntryBookmark(**{key.removeprefix("new_"): value for key, value in values.items()})


def _bookmark(workspace: WorkspaceFixture, name: str) -> dict[str, Any]:
    now = utcnow()
    return new(
        workspace_id=workspace.id,
        user_id=workspace.owner_id,
        name=name,
        query="note=x",
        row_version=1,
        created_at=now,
        updated_at=now,
    )


def _names(db: Database) -> list[str]:
    with db.session(write=False) as session:
        return list(session.scalars(select(EntryBookmark.name).order_by(EntryBookmark.id)))


def test_a_writing_transaction_returns_rows_and_commits(
    db: Database, workspace: WorkspaceFixture
) -> None:
    with db.transaction(workspace_id=workspace.id) as session:
        (added,) = rows_in_session(session, ADD_BOOKMARK, **_bookmark(workspace, "a"))
        renamed = rows_in_session(
            session, RENAME_BOOKMARKS, workspace_id=workspace.id, **new(name="b")
        )

    assert (added.name, added.query) == ("a", "note=x")
    assert renamed == []
    assert _names(db) == ["b"]


def test_a_writing_transaction_that_raises_leaves_nothing(
    db: Database, workspace: WorkspaceFixture
) -> None:
    with pytest.raises(LookupError), db.transaction(workspace_id=workspace.id) as session:
        rows_in_session(session, ADD_BOOKMARK, **_bookmark(workspace, "a"))
        raise LookupError

    assert _names(db) == []
    with db.transaction() as session:  # the write gate (SQLite) was released
        session.execute(update(EntryBookmark).values(name="c"))


APPEND_BOOKMARK = PreparedQuery(
    insert(EntryBookmark).values(new_values(column for column in BOOKMARKS.c if column.key != "id"))
)


def test_many_runs_write_every_row_in_order(db: Database, workspace: WorkspaceFixture) -> None:
    with db.transaction(workspace_id=workspace.id) as session:
        connection = session.connection()
        APPEND_BOOKMARK.run_many(
            connection.connection.driver_connection,
            connection.dialect,
            [_bookmark(workspace, name) for name in "xyz"],
        )

    assert _names(db) == ["x", "y", "z"]


def test_rows_in_a_session_see_its_pending_changes(
    db: Database, workspace: WorkspaceFixture
) -> None:
    names = PreparedQuery(
        select(BOOKMARKS.c.name).where(BOOKMARKS.c.workspace_id == bindparam("workspace_id"))
    )
    with db.transaction(workspace_id=workspace.id) as session:
        now = utcnow()
        session.add(
            EntryBookmark(
                user_id=workspace.owner_id, name="pending", query="", created_at=now,
                updated_at=now,
            )
        )  # fmt: skip
        found = rows_in_session(session, names, workspace_id=workspace.id)

    assert [row.name for row in found] == ["pending"]


def test_queries_and_the_commit_are_sent_together(
    db: Database, workspace: WorkspaceFixture
) -> None:
    if db.is_sqlite:
        pytest.skip("a PostgreSQL pipeline")
    with db.transaction(workspace_id=workspace.id) as session:
        session.add(_stored_bookmark(workspace, "w"))
        run_and_commit(session, [(APPEND_BOOKMARK, _bookmark(workspace, name)) for name in "xy"])
        driver = session.connection().connection.driver_connection
        assert driver is not None
        assert driver.info.transaction_status == psycopg.pq.TransactionStatus.IDLE

    assert _names(db) == ["w", "x", "y"]


def test_a_query_that_fails_in_the_pipeline_commits_nothing(
    db: Database, workspace: WorkspaceFixture
) -> None:
    if db.is_sqlite:
        pytest.skip("a PostgreSQL pipeline")
    with pytest.raises(IntegrityError), db.transaction(workspace_id=workspace.id) as session:
        session.add(_stored_bookmark(workspace, "w"))
        run_and_commit(session, [(APPEND_BOOKMARK, _bookmark(workspace, name)) for name in "xx"])

    assert _names(db) == []
    with db.transaction(workspace_id=workspace.id) as session:  # the connection is usable
        run_and_commit(session, [(APPEND_BOOKMARK, _bookmark(workspace, "z"))])
    assert _names(db) == ["z"]


def test_the_pipeline_runs_on_a_session_awaiting_the_server_too(
    db: Database, workspace: WorkspaceFixture
) -> None:
    if db.is_sqlite:
        pytest.skip("a PostgreSQL pipeline")

    def append(names: str) -> bool:
        with db.transaction(workspace_id=workspace.id) as session:
            run_and_commit(session, [(APPEND_BOOKMARK, _bookmark(workspace, n)) for n in names])
            return session.connection().dialect.is_async

    assert run_as_a_served_unit(db, lambda: append("xy")) is True
    with pytest.raises(IntegrityError):
        run_as_a_served_unit(db, lambda: append("zz"))

    assert _names(db) == ["x", "y"]
