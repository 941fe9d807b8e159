"""Rows written in bulk are the rows SQLAlchemy's INSERT writes, in the session's
transaction, on both engines (COPY on PostgreSQL)."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import delete, event, insert, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import WorkspaceFixture, run_as_a_served_unit
from tests.timesheet.support import Person
from timeledger.kit.bulk import Upsert, insert_rows
from timeledger.kit.db import Database
from timeledger.kit.jsonio import json_text
from timeledger.models import EntryDayTotal, ExternalId, TimeEntry

ENTRIES: Any = TimeEntry.__table__
EXTERNAL_IDS: Any = ExternalId.__table__
COMPARED = [column for column in ENTRIES.c if column.key != "id"]


def _entry_rows(workspace_id: int, employee_id: int, activity_id: int) -> list[dict[str, Any]]:
    start = datetime(2026, 3, 2, 8, 15, 30, 123456, tzinfo=UTC)
    return [
        {"workspace_id": workspace_id, "employee_id": employee_id, "day": date(2026, 3, day),
         "minutes": 30 + day, "activity_id": activity_id, "started_at": start,
         "ended_at": start, "timezone": "Europe/Berlin",
         "breaks": [{"start": "08:00", "end": f"08:{day:02}"}],
         "dimension_values": {"7": "x", "ü": [day, None, True]}, "billable": day % 2 == 0,
         "note": f"n{day} ' \" \\ \t\n end", "created_at": start, "updated_at": start}
        for day in range(1, 6)
    ]  # fmt: skip


def _stored(db: Database, workspace_id: int) -> list[tuple[Any, ...]]:
    with db.session(write=False, workspace_id=workspace_id) as session:
        found = session.execute(select(*COMPARED).order_by(ENTRIES.c.day, ENTRIES.c.id))
        return [tuple(row) for row in found]


def test_rows_in_bulk_are_the_rows_sqlalchemy_inserts_with_their_defaults(
    db: Database, workspace: WorkspaceFixture, activities: dict[str, int], person: Person
) -> None:
    rows = _entry_rows(workspace.id, person.employee_id, activities["work"])
    with db.transaction(workspace_id=workspace.id) as session:
        session.execute(insert(ENTRIES), rows)
    by_sqlalchemy = _stored(db, workspace.id)
    with db.transaction(workspace_id=workspace.id) as session:
        session.execute(delete(TimeEntry))

    with db.transaction(workspace_id=workspace.id) as session:
        insert_rows(session, ENTRIES, rows)
    in_bulk = _stored(db, workspace.id)

    assert len(in_bulk) == len(rows)
    assert in_bulk == by_sqlalchemy
    with db.session(write=False, workspace_id=workspace.id) as session:
        versions = session.scalars(select(TimeEntry.row_version)).all()
    assert versions == [1] * len(rows)  # the column's Python default, left out of the rows


def test_rows_in_bulk_through_a_session_awaiting_the_server_are_the_same_rows(
    db: Database, workspace: WorkspaceFixture, activities: dict[str, int], person: Person
) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite's sessions do not await")
    rows = _entry_rows(workspace.id, person.employee_id, activities["work"])
    with db.transaction(workspace_id=workspace.id) as session:
        insert_rows(session, ENTRIES, rows)
    synchronously = _stored(db, workspace.id)
    with db.transaction(workspace_id=workspace.id) as session:
        session.execute(delete(TimeEntry))

    def write() -> bool:
        with db.transaction(workspace_id=workspace.id) as session:
            insert_rows(session, ENTRIES, rows)
            return session.connection().dialect.is_async

    assert run_as_a_served_unit(db, write) is True
    assert _stored(db, workspace.id) == synchronously


def test_one_row_and_none_are_written_too(
    db: Database, workspace: WorkspaceFixture, activities: dict[str, int], person: Person
) -> None:
    (row, *_) = _entry_rows(workspace.id, person.employee_id, activities["work"])
    with db.transaction(workspace_id=workspace.id) as session:
        insert_rows(session, ENTRIES, [])
        insert_rows(session, ENTRIES, [row])

    (stored,) = _stored(db, workspace.id)
    assert stored[COMPARED.index(ENTRIES.c.note)] == row["note"]
    assert stored[COMPARED.index(ENTRIES.c.dimension_values)] == row["dimension_values"]


def test_a_violated_constraint_raises_as_sqlalchemy_does_and_nothing_is_kept(
    db: Database, workspace: WorkspaceFixture
) -> None:
    def external(native_id: int, external_id: str) -> dict[str, Any]:
        return {"workspace_id": workspace.id, "source": "toggl-csv", "entity": "entry",
                "external_id": external_id, "native_id": native_id}  # fmt: skip

    with db.transaction(workspace_id=workspace.id) as session:
        insert_rows(session, EXTERNAL_IDS, [external(1, "a")])

    for written in ([external(2, "a")], [external(3, "b"), external(4, "a")]):
        with pytest.raises(IntegrityError), db.transaction(workspace_id=workspace.id) as session:
            insert_rows(session, EXTERNAL_IDS, written)

    with db.session(write=False, workspace_id=workspace.id) as session:
        kept = session.execute(select(ExternalId.external_id, ExternalId.native_id)).all()
    assert [tuple(row) for row in kept] == [("a", 1)]


def test_many_rows_are_one_statement_the_engines_listeners_are_told_of(
    db: Database, workspace: WorkspaceFixture, activities: dict[str, int], person: Person
) -> None:
    rows = _entry_rows(workspace.id, person.employee_id, activities["work"])
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with db.transaction(workspace_id=workspace.id) as session:
        session.connection()
        for engine in db.engines:
            event.listen(engine, "before_cursor_execute", seen)
        try:
            insert_rows(session, ENTRIES, rows)
        finally:
            for engine in db.engines:
                event.remove(engine, "before_cursor_execute", seen)

    assert len(statements) == 1
    assert statements[0].startswith("INSERT INTO" if db.is_sqlite else "COPY time_entries")


def test_a_column_the_table_lacks_is_refused(db: Database, workspace: WorkspaceFixture) -> None:
    with (
        pytest.raises(ValueError, match="no column colour"),
        db.transaction(workspace_id=workspace.id) as session,
    ):
        insert_rows(session, EXTERNAL_IDS, [{"workspace_id": workspace.id, "colour": "red"}])


def test_an_upsert_adds_to_the_rows_of_stored_keys_and_inserts_the_others(
    db: Database, workspace: WorkspaceFixture, activities: dict[str, int], person: Person
) -> None:
    totals: Any = EntryDayTotal.__table__
    key = ("workspace_id", "employee_id", "day", "activity_id", "project_key", "customer_key",
           "billable")  # fmt: skip
    figures = ("minutes", "revenue_minor", "entries")
    upsert = Upsert(
        totals,
        (*key, "week_start", "month_start", *figures),
        key,
        lambda stored, added, _dialect: {name: stored[name] + added[name] for name in figures},
    )

    def row(day: int, minutes: int) -> dict[str, Any]:
        return {"workspace_id": workspace.id, "employee_id": person.employee_id,
                "day": date(2026, 3, day), "activity_id": activities["work"], "project_key": 0,
                "customer_key": 0, "billable": False, "week_start": date(2026, 3, 2),
                "month_start": date(2026, 3, 1), "minutes": minutes, "revenue_minor": minutes * 2,
                "entries": 1}  # fmt: skip

    with db.transaction(workspace_id=workspace.id) as session:
        upsert.run(session, [row(2, 30), row(3, 45)])
        upsert.run(session, [])
    with db.transaction(workspace_id=workspace.id) as session:
        upsert.run(session, [row(3, 15), row(4, 60)])

    with db.session(write=False, workspace_id=workspace.id) as session:
        stored = session.execute(
            select(
                EntryDayTotal.day, *(EntryDayTotal.__table__.c[name] for name in figures)
            ).order_by(EntryDayTotal.day)
        ).all()
    assert [tuple(each) for each in stored] == [
        (date(2026, 3, 2), 30, 60, 1),
        (date(2026, 3, 3), 60, 120, 2),
        (date(2026, 3, 4), 60, 120, 1),
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_json_given_as_text_is_stored_as_the_same_json(
    db: Database,
    workspace: WorkspaceFixture,
    activities: dict[str, int],
    person: Person,
    count: int,
) -> None:
    rows = _entry_rows(workspace.id, person.employee_id, activities["work"])[:count]
    as_text = [
        {**row, "breaks": json_text(row["breaks"]),
         "dimension_values": json_text(row["dimension_values"])}
        for row in rows
    ]  # fmt: skip
    with db.transaction(workspace_id=workspace.id) as session:
        insert_rows(session, ENTRIES, as_text, json_as_text=("breaks", "dimension_values"))

    stored = _stored(db, workspace.id)
    breaks, dimensions = (
        COMPARED.index(ENTRIES.c.breaks),
        COMPARED.index(ENTRIES.c.dimension_values),
    )
    assert [(row[breaks], row[dimensions]) for row in stored] == [
        (row["breaks"], row["dimension_values"]) for row in rows
    ]
