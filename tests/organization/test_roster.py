"""The team pages' roster: each live employee as their version in force on the day
describes them, sorted by name."""

from datetime import date

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.organization.support import create_employee
from timeledger.kit.db import Database
from timeledger.organization.roster import members_on


def test_the_version_in_force_names_each_live_employee_and_the_list_is_by_name(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    headers = workspace.headers
    renamed = create_employee(client, headers, "R1", first_name="Zoe", last_name="Old")["id"]
    changed = client.patch(
        f"/api/employees/{renamed}",
        json={"last_name": "New", "timezone": "Europe/Oslo", "effective_from": "2025-01-01"},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    early = create_employee(client, headers, "E1", first_name="adam", last_name="Early")["id"]
    later = create_employee(
        client, headers, "L1", first_name="Bea", last_name="Later", effective_from="2026-01-01"
    )["id"]
    gone = create_employee(client, headers, "G1", first_name="Gus", last_name="Gone")["id"]
    assert client.delete(f"/api/employees/{gone}", headers=headers).status_code == 204

    with db.transaction(workspace_id=workspace.id) as session:
        in_2024 = members_on(session, None, date(2024, 6, 1))
        in_2026 = members_on(session, None, date(2026, 6, 1))
        only = members_on(session, [renamed, later], date(2026, 6, 1))
        nobody = members_on(session, [], date(2026, 6, 1))

    mine = {renamed, early, later, gone}
    assert [(m.employee_id, m.name) for m in in_2024 if m.employee_id in mine] == [
        (early, "adam Early"),
        (renamed, "Zoe Old"),
    ]
    assert [(m.employee_id, m.name, m.timezone) for m in in_2026 if m.employee_id in mine] == [
        (early, "adam Early", None),
        (later, "Bea Later", None),
        (renamed, "Zoe New", "Europe/Oslo"),
    ]
    assert [m.employee_id for m in only] == [later, renamed]
    assert nobody == []
