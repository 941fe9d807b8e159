"""Helpers shared by the Projects tests: create through the API, read a problem."""

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture


def post(
    client: TestClient,
    workspace: WorkspaceFixture,
    url: str,
    status: int = 201,
    **body: Any,
) -> dict[str, Any]:
    response = client.post(url, json=body, headers=workspace.headers)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


def customer(client: TestClient, workspace: WorkspaceFixture, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "Northwind")
    return post(client, workspace, "/api/customers", **body)


def project(client: TestClient, workspace: WorkspaceFixture, **body: Any) -> dict[str, Any]:
    body.setdefault("name", "Website")
    return post(client, workspace, "/api/projects", **body)


def task(
    client: TestClient, workspace: WorkspaceFixture, project_id: int, **body: Any
) -> dict[str, Any]:
    body.setdefault("name", "Design")
    return post(client, workspace, f"/api/projects/{project_id}/tasks", **body)


def items(client: TestClient, workspace: WorkspaceFixture, url: str) -> list[dict[str, Any]]:
    response = client.get(url, headers=workspace.headers)
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    result: list[dict[str, Any]] = response.json()["items"]
    return result
