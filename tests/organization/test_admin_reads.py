"""The reads of the administrator's pages: employees a page at a time, and the whole
org unit tree as in force on a day."""

from datetime import date

from fastapi.testclient import TestClient

from tests.access.support import person_caller
from tests.conftest import WorkspaceFixture
from tests.organization.support import create_employee, create_unit
from timeledger.access.caller import Caller
from timeledger.kit.db import Database
from timeledger.kit.pagination import Direction, PageRequest
from timeledger.organization.service import list_employees, units_on

DAY = date(2025, 6, 1)


def _owner_with(workspace: WorkspaceFixture, permissions: set[str]) -> Caller:
    return person_caller(workspace.id, workspace.owner_id, permissions)


def _by_number(cursor: str | None) -> PageRequest:
    return PageRequest(limit=2, sort="employee_number", direction=Direction.ASC, cursor=cursor)


def test_employees_are_listed_a_page_at_a_time_as_the_caller_sees_them(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    for number in ("A3", "A1", "A2"):
        create_employee(client, workspace.headers, number)
    everyone = _owner_with(workspace, {"employees:read:*"})
    only_own = _owner_with(workspace, {"employees:read:own"})

    with db.transaction(workspace_id=workspace.id) as session:
        first, cursor = list_employees(session, everyone, _by_number(None), DAY, text="lovelace")
        rest, end = list_employees(session, everyone, _by_number(cursor), DAY, text="lovelace")
        matching, _ = list_employees(session, everyone, _by_number(None), DAY, text="ce A2")
        before_them, _ = list_employees(
            session, everyone, _by_number(None), date(2023, 12, 31), text="lovelace"
        )
        not_own, _ = list_employees(session, only_own, _by_number(None), DAY, text="lovelace")

    assert [item.employee_number for item in first + rest] == ["A1", "A2", "A3"]
    assert end is None
    assert [item.employee_number for item in matching] == ["A2"]
    assert before_them == []
    assert not_own == []


def test_the_units_in_force_on_a_day_are_listed_by_name(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    top = create_unit(client, workspace.headers, "Zeta")
    create_unit(client, workspace.headers, "Alpha", parent_id=top["id"])
    create_unit(client, workspace.headers, "Later", effective_from="2025-01-01")
    gone = create_unit(client, workspace.headers, "Gone")
    assert client.delete(f"/api/org-units/{gone['id']}", headers=workspace.headers).is_success

    with db.transaction(workspace_id=workspace.id) as session:
        early = units_on(session, date(2024, 6, 1))
        late = units_on(session, DAY)

    assert [unit.name for unit in early] == ["Alpha", "Zeta"]
    assert [(unit.name, unit.parent_id) for unit in late] == [
        ("Alpha", top["id"]),
        ("Later", None),
        ("Zeta", None),
    ]
