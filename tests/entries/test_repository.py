"""The SQL of time entries that no endpoint shows by itself."""

from tests.conftest import WorkspaceFixture, statements_sent
from tests.timesheet.support import Person
from timeledger.entries.repository import EntryRepository
from timeledger.kit.db import Database


def test_writes_of_an_employee_are_serialized_by_a_row_lock_only_where_rows_lock(
    db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    """PostgreSQL locks the employee's row until commit; a SQLite writer holds the
    database's one write lock already, and its dialect sends no FOR UPDATE, so the lock
    costs no statement there."""
    with db.transaction(workspace_id=workspace.id) as session:
        session.connection()
        with statements_sent(db) as statements:
            EntryRepository(session).serialize_writes_of(person.employee_id)
    if db.is_sqlite:
        assert statements == []
    else:
        assert len(statements) == 1
        assert "FOR UPDATE" in statements[0]
