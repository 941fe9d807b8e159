"""Helpers for the organization tests: create units and employees through the API."""

from typing import Any

from fastapi.testclient import TestClient


def create_unit(
    client: TestClient, headers: dict[str, str], name: str, **fields: Any
) -> dict[str, Any]:
    body = {"name": name, "type": "department", "effective_from": "2024-01-01", **fields}
    response = client.post("/api/org-units", json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def create_employee(
    client: TestClient, headers: dict[str, str], number: str, **fields: Any
) -> dict[str, Any]:
    body = {
        "employee_number": number,
        "first_name": "Ada",
        "last_name": f"Lovelace {number}",
        "effective_from": "2024-01-01",
        **fields,
    }
    response = client.post("/api/employees", json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def employee_of_user(client: TestClient, headers: dict[str, str], user_id: int) -> dict[str, Any]:
    response = client.get("/api/employees?limit=200", headers=headers)
    assert response.status_code == 200, response.text
    matches = [item for item in response.json()["items"] if item["user_id"] == user_id]
    assert len(matches) == 1, matches
    found: dict[str, Any] = matches[0]
    return found
