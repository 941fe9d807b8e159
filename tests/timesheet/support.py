"""People with employee records, for the timesheet tests (presence and entries)."""

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from tests.access.support import Principal, new_person
from tests.conftest import WorkspaceFixture
from tests.organization.support import employee_of_user
from timeledger.kit.db import Database


@dataclass(frozen=True)
class Person:
    principal: Principal
    employee_id: int

    @property
    def headers(self) -> dict[str, str]:
        return self.principal.headers

    @property
    def entries(self) -> str:
        return f"/api/employees/{self.employee_id}/timesheet/entries"

    @property
    def timer(self) -> str:
        return f"/api/employees/{self.employee_id}/timesheet/timer"


def person_in(
    client: TestClient, db: Database, workspace: WorkspaceFixture, role: str = "employee"
) -> Person:
    principal = new_person(db, workspace.id, role)
    employee = employee_of_user(client, workspace.headers, principal.user_id)
    return Person(principal, employee["id"])


def create(
    client: TestClient, person: Person, body: dict[str, Any], status: int = 201, **query: Any
) -> dict[str, Any]:
    response = client.post(person.entries, json=body, headers=person.headers, params=query)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result
