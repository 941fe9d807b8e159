"""Helpers for the entry tests: references through the API, entries straight into the
database (with the per-day totals kept as every entry write keeps them)."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import delete

from timeledger.entries.day_totals import EntryFigures, record_entry_change
from timeledger.kit.db import Database
from timeledger.models import EntryDayTotal, EntryMonthTotal, TimeEntry

CREATED_AT = datetime(2026, 1, 1, 12, tzinfo=UTC)


def create_customer(client: httpx.Client, headers: dict[str, str], name: str) -> int:
    body = {"name": name, "effective_from": "2024-01-01"}
    response = client.post("/api/customers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def create_project(
    client: httpx.Client, headers: dict[str, str], name: str, customer_id: int | None = None
) -> int:
    body = {"name": name, "customer_id": customer_id, "effective_from": "2024-01-01"}
    response = client.post("/api/projects", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def create_task(client: httpx.Client, headers: dict[str, str], project_id: int, name: str) -> int:
    body = {"name": name, "effective_from": "2024-01-01"}
    response = client.post(f"/api/projects/{project_id}/tasks", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@dataclass(frozen=True)
class References:
    """A customer with a project and a task, a second project without customer."""

    customer_id: int
    project_id: int
    task_id: int
    bare_project_id: int


def create_references(client: TestClient, headers: dict[str, str]) -> References:
    customer = create_customer(client, headers, "Initech")
    project = create_project(client, headers, "TPS reports", customer)
    task = create_task(client, headers, project, "Cover sheets")
    bare = create_project(client, headers, "Internal")
    return References(customer, project, task, bare)


def insert_entry(db: Database, workspace_id: int, **fields: Any) -> int:
    """One entry as the entry service would store it, and its share of the totals."""
    return insert_entries(db, workspace_id, [fields])[0]


def insert_entries(db: Database, workspace_id: int, rows: list[dict[str, Any]]) -> list[int]:
    """Entries (`employee_id`, `day`, `minutes`, `activity_id` and any other column) in one
    transaction, each with its share of the totals, as the entry service records them."""
    ids = []
    with db.transaction(workspace_id=workspace_id) as session:
        for fields in rows:
            entry = TimeEntry(
                **{
                    "billable": False,
                    "breaks": [],
                    "dimension_values": {},
                    "created_at": CREATED_AT,
                    "updated_at": CREATED_AT,
                    **fields,
                }
            )
            session.add(entry)
            session.flush()
            record_entry_change(session, workspace_id, None, EntryFigures.of(entry))
            ids.append(entry.id)
    return ids


def delete_all_entries(db: Database, workspace_id: int) -> None:
    with db.transaction(workspace_id=workspace_id) as session:
        session.execute(delete(EntryDayTotal))
        session.execute(delete(EntryMonthTotal))
        session.execute(delete(TimeEntry))


def list_all(
    client: TestClient, headers: dict[str, str], path: str, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every item of a list, following `next_cursor` (at most 50 pages)."""
    query: dict[str, Any] = {"limit": 200, **(params or {})}
    items: list[dict[str, Any]] = []
    for _ in range(50):
        response = client.get(path, params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["items"])
        if body["next_cursor"] is None:
            return items
        query["cursor"] = body["next_cursor"]
    raise AssertionError("more than 50 pages")
