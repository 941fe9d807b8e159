"""Helpers for the kiosk tests: a shop floor with a kiosk and a badge holder, and calls of
the device API."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.access.support import bearer
from tests.conftest import WorkspaceFixture
from tests.organization.support import create_employee, create_unit

BADGE = "000417"
PIN = "73914062"
WRONG_PIN = "58206137"


@dataclass(frozen=True)
class Shop:
    """A workspace's shop floor (served by a kiosk) and office (not served), and an
    employee of the shop floor holding `BADGE` with `PIN`."""

    headers: dict[str, str]
    floor_id: int
    office_id: int
    kiosk_id: int
    token: str
    employee_id: int

    @property
    def device(self) -> dict[str, str]:
        return bearer(self.token)


def new_kiosk(
    client: TestClient, headers: dict[str, str], unit_ids: list[int], name: str = "Front door"
) -> dict[str, Any]:
    response = client.post(
        "/api/kiosks", json={"name": name, "org_unit_ids": unit_ids}, headers=headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def give_badge(
    client: TestClient, headers: dict[str, str], employee_id: int, badge: str, pin: str
) -> None:
    response = client.put(
        f"/api/employees/{employee_id}/kiosk-badge", json={"badge": badge}, headers=headers
    )
    assert response.status_code == 200, response.text
    response = client.put(
        f"/api/employees/{employee_id}/kiosk-pin", json={"pin": pin}, headers=headers
    )
    assert response.status_code == 204, response.text


def employee_in(
    client: TestClient, headers: dict[str, str], unit_id: int | None, number: str, first_name: str
) -> int:
    employee = create_employee(client, headers, number, org_unit_id=unit_id, first_name=first_name)
    employee_id: int = employee["id"]
    return employee_id


def open_shop(client: TestClient, workspace: WorkspaceFixture) -> Shop:
    headers = workspace.headers
    floor = create_unit(client, headers, "Shop floor")["id"]
    office = create_unit(client, headers, "Office")["id"]
    employee_id = employee_in(client, headers, floor, "S1", "Grace")
    give_badge(client, headers, employee_id, BADGE, PIN)
    kiosk = new_kiosk(client, headers, [floor])
    return Shop(headers, floor, office, kiosk["id"], kiosk["token"], employee_id)


def identify(client: TestClient, token: str, badge: str = BADGE, pin: str = PIN) -> Response:
    response: Response = client.post(
        "/api/kiosk/identify", json={"badge": badge, "pin": pin}, headers=bearer(token)
    )
    return response


def punch(
    client: TestClient,
    token: str,
    action: str,
    *,
    at: datetime | None = None,
    badge: str = BADGE,
    pin: str = PIN,
) -> Response:
    body: dict[str, Any] = {"badge": badge, "pin": pin, "action": action}
    if at is not None:
        body["at"] = at.isoformat()
    response: Response = client.post("/api/kiosk/punch", json=body, headers=bearer(token))
    return response


def presence_of(client: TestClient, headers: dict[str, str], employee_id: int) -> list[Any]:
    response = client.get(
        f"/api/employees/{employee_id}/timesheet/presence?sort=started_at&direction=asc",
        headers=headers,
    )
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items
