"""Running the worker and reading jobs in the jobs tests."""

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture

BATCH_JOBS = "/api/admin/batch-jobs"
SCHEDULES = "/api/admin/schedules"


def start_job(
    client: TestClient, workspace: WorkspaceFixture, kind: str, **parameters: Any
) -> dict[str, Any]:
    response = client.post(
        BATCH_JOBS, json={"kind": kind, "parameters": parameters}, headers=workspace.headers
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{BATCH_JOBS}/{response.json()['id']}"
    job: dict[str, Any] = response.json()
    return job


def read_job(client: TestClient, workspace: WorkspaceFixture, job_id: int) -> dict[str, Any]:
    response = client.get(f"{BATCH_JOBS}/{job_id}", headers=workspace.headers)
    assert response.status_code == 200, response.text
    job: dict[str, Any] = response.json()
    return job
