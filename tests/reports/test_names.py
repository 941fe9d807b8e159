"""Names in force on a date, from a name history (no database), and a report's name book
reading each id once."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.conftest import WorkspaceFixture
from tests.organization.support import employee_of_user
from tests.timesheet.support import person_in
from timeledger.kit.db import Database
from timeledger.reports.names import NameBook, NamedKind, NameHistory

HISTORY = NameHistory(
    starts=(date(2026, 1, 1), date(2026, 3, 1), date(2026, 6, 1)),
    names=("Initech", "Initrode", "Intertrode"),
)


def test_the_name_in_force_is_the_last_taking_effect_by_then() -> None:
    assert HISTORY.on(date(2026, 1, 1)) == "Initech"
    assert HISTORY.on(date(2026, 2, 28)) == "Initech"
    assert HISTORY.on(date(2026, 3, 1)) == "Initrode"
    assert HISTORY.on(date(2026, 5, 31)) == "Initrode"
    assert HISTORY.on(date(2027, 1, 1)) == "Intertrode"


def test_before_the_first_version_the_first_name_is_shown() -> None:
    assert HISTORY.on(date(2025, 12, 31)) == "Initech"


def test_a_name_book_reads_each_id_once_and_names_each_as_it_was(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    first, second = person_in(client, db, workspace), person_in(client, db, workspace)
    statements: list[str] = []

    def count(*arguments: Any) -> None:
        statements.append(arguments[2])

    with db.engine.connect() as connection:
        book = NameBook(connection, workspace.id)
        event.listen(connection, "before_cursor_execute", count)
        known = book.histories(NamedKind.EMPLOYEE, [first.employee_id, 0])
        again = book.histories(NamedKind.EMPLOYEE, [first.employee_id, second.employee_id])
        event.remove(connection, "before_cursor_execute", count)
        unknown = book.histories(NamedKind.EMPLOYEE, [987654])
    assert len(statements) == 2
    assert 0 not in known
    for person in (first, second):
        employee = employee_of_user(client, workspace.headers, person.principal.user_id)
        history = again[person.employee_id]
        assert history is not None
        assert history.on(date(2100, 1, 1)) == f"{employee['first_name']} {employee['last_name']}"
    assert unknown[987654] is None
