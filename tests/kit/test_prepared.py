"""A prepared query answers the rows SQLAlchemy answers for the same statement."""

from datetime import UTC, date, datetime

from sqlalchemy import Integer, bindparam, select

from tests.conftest import WorkspaceFixture
from tests.entries.support import insert_entries
from tests.timesheet.support import Person
from timeledger.kit.db import Database
from timeledger.kit.prepared import PreparedQuery, driver_connection
from timeledger.models import TimeEntry

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

    with driver_connection(db.engine) as connection:
        rows = PreparedQuery(STATEMENT).rows(connection, db.engine.dialect, **values)

    assert [tuple(row) for row in rows] == expected
    assert [row.day for row in rows] == [date(2026, 3, 5), date(2026, 3, 4), date(2026, 3, 3)]
    assert rows[0].started_at == start
    assert rows[0].breaks == [{"start": "a", "end": "b"}]
    assert [row.billable for row in rows] == [False, True, False]


def test_no_rows(db: Database, workspace: WorkspaceFixture) -> None:
    query = PreparedQuery(STATEMENT)

    with driver_connection(db.engine) as connection:
        rows = query.rows(
            connection, db.engine.dialect, workspace_id=workspace.id, first=date(2026, 1, 1),
            rows=5,
        )  # fmt: skip

    assert rows == []
