"""Bulk actions on time entries, on both engines: each action's dry run changes nothing and
says what its job then does; the job changes exactly those entries through the entry
service (locks, reach, change log), and the audit log holds the bulk action."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.bulk.support import apply_and_run, bulk, changes_of, jobs_of_kind, without_mode
from tests.conftest import WorkspaceFixture, make_workspace
from tests.entries.support import References, create_references
from tests.statements.support import run_jobs
from tests.timesheet.support import Person, create, person_in
from timeledger.access.credentials import PasswordHashing
from timeledger.config import Settings
from timeledger.kit.db import Database
from timeledger.models import Job

DAY = "2026-03-10"


def _entries(
    client: TestClient, workspace: WorkspaceFixture, person: Person, activities: dict[str, int]
) -> tuple[list[int], int]:
    """Three open entries and a locked one of `person`; answers (open ids, locked id)."""
    work = activities["work"]
    ids = [
        create(client, person, {"date": DAY, "minutes": 30 + i, "activity_id": work})["id"]
        for i in range(4)
    ]
    locked = client.patch(
        f"{person.entries}/{ids[3]}", json={"locked": True}, headers=workspace.headers
    )
    assert locked.status_code == 200, locked.text
    return ids[:3], ids[3]


def _snapshot(client: TestClient, workspace: WorkspaceFixture) -> list[dict[str, Any]]:
    response = client.get("/api/timesheet/entries?limit=200", headers=workspace.headers)
    assert response.status_code == 200, response.text
    items = sorted(response.json()["items"], key=lambda item: item["id"])
    return [{name: value for name, value in item.items() if name != "updated_at"} for item in items]


ACTIONS: dict[str, tuple[dict[str, Any], bool]] = {
    # action, whether the locked entry is changed too (lock and unlock act with force)
    "move to a project": ({"type": "move", "project_id": "PROJECT"}, False),
    "move to a task": ({"type": "move", "project_id": "PROJECT", "task_id": "TASK"}, False),
    "move to an activity": ({"type": "move", "activity_id": "NONWORK"}, False),
    "set billable": ({"type": "set_billable", "billable": True}, False),
    "set billing state": ({"type": "set_billing_state", "billing_state": "billed"}, False),
    "lock": ({"type": "lock"}, True),
    "unlock": ({"type": "unlock"}, True),
    "delete": ({"type": "delete"}, False),
}


def _filled(action: dict[str, Any], refs: References, activities: dict[str, int]) -> dict[str, Any]:
    names = {"PROJECT": refs.project_id, "TASK": refs.task_id, "NONWORK": activities["travel"]}
    return {key: names.get(value, value) for key, value in action.items()}


def _expected(action: dict[str, Any]) -> dict[str, Any]:
    """The fields a changed entry shows afterwards."""
    if action["type"] in ("lock", "unlock"):
        return {"locked": action["type"] == "lock"}
    return {key: value for key, value in action.items() if key != "type"}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_a_dry_run_changes_nothing_and_says_what_the_job_then_does(
    name: str,
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    refs = create_references(client, workspace.headers)
    open_ids, locked_id = _entries(client, workspace, person, activities)
    template, locked_changes = ACTIONS[name]
    action = _filled(template, refs, activities)
    before, logged_before = _snapshot(client, workspace), changes_of(db, "entry")
    ids = [*open_ids, locked_id]

    planned = bulk(client, "entries", workspace.headers, ids=ids, action=action)

    assert _snapshot(client, workspace) == before
    assert changes_of(db, "entry") == logged_before
    expected_changed = ids if locked_changes else open_ids
    assert planned["dry_run"] is True
    assert (planned["matched"], planned["changed_ids"]) == (4, expected_changed)
    if not locked_changes:
        assert [(r["id"], r["status"]) for r in planned["refused"]] == [(locked_id, 423)]
        assert "locked" in planned["refused"][0]["problem"]

    job = apply_and_run(client, db, settings, "entries", workspace.headers, ids=ids, action=action)

    assert without_mode(job["outcome"]) == without_mode(planned)
    assert job["outcome"]["dry_run"] is False
    assert (job["progress_done"], job["progress_total"]) == (4, 4)
    after = {entry["id"]: entry for entry in _snapshot(client, workspace)}
    for entry in before:
        shown = after.get(entry["id"])
        if entry["id"] not in expected_changed:
            assert shown == entry
        elif action["type"] == "delete":
            assert shown is None
        else:
            assert shown is not None
            wanted = _expected(action)
            assert {key: shown[key] for key in wanted} == wanted
    op = "deleted" if action["type"] == "delete" else "updated"
    logged = changes_of(db, "entry")[len(logged_before) :]
    assert logged == [(entry_id, op) for entry_id in expected_changed]


def test_force_lets_the_action_change_locked_entries(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    open_ids, locked_id = _entries(client, workspace, person, activities)
    action = {"type": "set_billable", "billable": True}

    job = apply_and_run(
        client, db, settings, "entries", workspace.headers,
        ids=[locked_id, *open_ids], action=action, force=True,
    )  # fmt: skip

    assert job["outcome"]["changed_ids"] == [locked_id, *open_ids]
    assert job["outcome"]["refused_count"] == 0
    shown = client.get(f"{person.entries}/{locked_id}", headers=workspace.headers).json()
    assert (shown["billable"], shown["locked"]) == (True, True)


def test_a_filter_selects_as_the_entry_list_does(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    refs = create_references(client, workspace.headers)
    work = activities["work"]
    on_project = create(
        client, person,
        {"date": DAY, "minutes": 30, "activity_id": work, "project_id": refs.project_id},
    )["id"]  # fmt: skip
    create(client, person, {"date": "2026-03-11", "minutes": 40, "activity_id": work})
    create(client, person, {"date": "2026-02-01", "minutes": 50, "activity_id": work})
    chosen = {"from": "2026-03-01", "to": "2026-03-31", "project_id": [str(refs.project_id)]}
    response = client.get("/api/timesheet/entries", params=chosen, headers=workspace.headers)
    listed = response.json()["items"]

    planned = bulk(
        client, "entries", workspace.headers,
        filter=chosen, action={"type": "set_billing_state", "billing_state": "paid"},
    )  # fmt: skip

    assert planned["changed_ids"] == [item["id"] for item in listed] == [on_project]
    everything_in_march = bulk(
        client, "entries", workspace.headers,
        filter={"from": "2026-03-01", "tracking": False}, action={"type": "delete"},
    )  # fmt: skip
    assert everything_in_march["matched"] == 2


def test_entries_out_of_reach_are_refused_not_skipped(
    client: TestClient,
    db: Database,
    hashing: PasswordHashing,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    other = make_workspace(db, hashing, "Globex")
    stranger = person_in(client, db, other)
    theirs = create(
        client, stranger, {"date": DAY, "minutes": 30, "activity_id": _work_of(client, other)}
    )["id"]
    ours = create(client, person, {"date": DAY, "minutes": 30, "activity_id": activities["work"]})

    planned = bulk(
        client, "entries", workspace.headers,
        ids=[ours["id"], theirs, 999_999], action={"type": "set_billable", "billable": True},
    )  # fmt: skip

    assert planned["changed_ids"] == [ours["id"]]
    assert [(r["id"], r["status"]) for r in planned["refused"]] == [(theirs, 404), (999_999, 404)]
    assert planned["refused_count"] == 2


def _work_of(client: TestClient, workspace: WorkspaceFixture) -> int:
    items = client.get("/api/settings/activities?limit=200", headers=workspace.headers).json()
    return int(next(item["id"] for item in items["items"] if item["key"] == "work"))


def test_the_audit_log_holds_the_bulk_action(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    open_ids, _ = _entries(client, workspace, person, activities)

    job = apply_and_run(
        client, db, settings, "entries", workspace.headers,
        ids=open_ids, action={"type": "set_billable", "billable": True},
    )  # fmt: skip

    events = client.get("/api/admin/audit-log?limit=200", headers=workspace.headers).json()
    bulk_events = {
        event["action"]: event for event in events["items"] if event["action"].startswith("bulk.")
    }
    assert set(bulk_events) == {"bulk.started", "bulk.applied"}
    assert bulk_events["bulk.applied"]["target_id"] == job["id"]
    assert bulk_events["bulk.applied"]["detail"]["changed"] == 3


def test_the_same_idempotency_key_applies_once(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    open_ids, _ = _entries(client, workspace, person, activities)
    body = {"ids": open_ids, "action": {"type": "delete"}, "dry_run": False}
    headers = {**workspace.headers, "Idempotency-Key": "bulk-delete-1"}

    first = client.post("/api/admin/bulk/entries", json=body, headers=headers)
    again = client.post("/api/admin/bulk/entries", json=body, headers=headers)

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert jobs_of_kind(db, "bulk.entries") == 1
    other_body = client.post(
        "/api/admin/bulk/entries", json={**body, "ids": open_ids[:1]}, headers=headers
    )
    assert other_body.status_code == 422


def test_refusals_past_the_bound_are_counted_not_listed(
    client: TestClient,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("timeledger.bulk.service.MAX_LISTED_REFUSALS", 1)

    planned = bulk(
        client, "entries", workspace.headers,
        ids=[999_997, 999_998, 999_999], action={"type": "delete"},
    )  # fmt: skip

    assert (planned["refused_count"], len(planned["refused"])) == (3, 1)
    assert planned["refused_truncated"] is True


def test_a_rerun_resumes_after_the_last_committed_batch(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    open_ids, locked_id = _entries(client, workspace, person, activities)
    ids = [*open_ids, locked_id]
    started = client.post(
        "/api/admin/bulk/entries",
        json={"ids": ids, "action": {"type": "delete"}, "dry_run": False},
        headers=workspace.headers,
    )
    assert started.status_code == 202, started.text
    # As an attempt that died after committing its first batch (of two objects) left it.
    first_batch = {
        "target": "entries", "action": "delete", "dry_run": False, "matched": 4, "changed": 2,
        "changed_ids": ids[:2], "refused_count": 0, "refused": [], "refused_truncated": False,
        "done": 2,
    }  # fmt: skip
    with db.transaction() as session:
        session.execute(
            update(Job).where(Job.id == started.json()["id"]).values(result=first_batch)
        )
    logged_before = changes_of(db, "entry")

    run_jobs(db, settings)

    job = client.get(started.headers["location"], headers=workspace.headers).json()
    assert job["status"] == "done"
    assert job["outcome"]["changed_ids"] == [*ids[:2], ids[2]]
    assert [(r["id"], r["status"]) for r in job["outcome"]["refused"]] == [(locked_id, 423)]
    assert changes_of(db, "entry")[len(logged_before) :] == [(ids[2], "deleted")]
    remaining = {entry["id"] for entry in _snapshot(client, workspace)}
    assert remaining == {*ids[:2], locked_id}


def test_a_cancelled_bulk_job_changes_nothing(
    client: TestClient,
    db: Database,
    settings: Settings,
    workspace: WorkspaceFixture,
    person: Person,
    activities: dict[str, int],
) -> None:
    open_ids, _ = _entries(client, workspace, person, activities)
    started = client.post(
        "/api/admin/bulk/entries",
        json={"ids": open_ids, "action": {"type": "delete"}, "dry_run": False},
        headers=workspace.headers,
    )
    job_id = started.json()["id"]

    cancelled = client.post(f"/api/admin/batch-jobs/{job_id}/cancel", headers=workspace.headers)
    run_jobs(db, settings)

    assert cancelled.status_code == 200, cancelled.text
    job = client.get(started.headers["location"], headers=workspace.headers).json()
    assert (job["status"], job["outcome"]) == ("cancelled", None)
    assert {entry["id"] for entry in _snapshot(client, workspace)} >= set(open_ids)
