"""Helpers for the bulk tests: send a bulk action, run its job, read what changed."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.statements.support import run_jobs
from timeledger.config import Settings
from timeledger.kit.db import Database
from timeledger.models import Change, Job


def bulk(
    client: TestClient,
    target: str,
    headers: dict[str, str],
    status: int = 200,
    **body: Any,
) -> dict[str, Any]:
    response = client.post(f"/api/admin/bulk/{target}", json=body, headers=headers)
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


def apply_and_run(
    client: TestClient,
    db: Database,
    settings: Settings,
    target: str,
    headers: dict[str, str],
    **body: Any,
) -> dict[str, Any]:
    """Applies the action as a job, runs it, and answers the finished job."""
    response = client.post(
        f"/api/admin/bulk/{target}", json={**body, "dry_run": False}, headers=headers
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/api/admin/bulk/{target}/{job['id']}"
    assert job["status"] == "pending"
    run_jobs(db, settings)
    done = client.get(response.headers["location"], headers=headers)
    assert done.status_code == 200, done.text
    finished: dict[str, Any] = done.json()
    assert finished["status"] == "done", finished
    return finished


def without_mode(outcome: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in outcome.items() if name != "dry_run"}


def changes_of(db: Database, entity: str) -> list[tuple[int, str]]:
    with db.session(write=False) as session:
        rows = session.execute(
            select(Change.entity_id, Change.op)
            .where(Change.entity == entity)
            .order_by(Change.revision)
        )
        return [(row.entity_id, row.op) for row in rows]


def jobs_of_kind(db: Database, kind: str) -> int:
    with db.session(write=False) as session:
        return int(session.scalar(select(func.count()).where(Job.kind == kind)) or 0)
