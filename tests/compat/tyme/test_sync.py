"""Tyme's two-way sync by revision, on both engines: the full copy, changes since a
revision, the client's own changes applied and not echoed, two clients converging, and a
bad item changing nothing."""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.access.support import PASSWORD, new_person
from tests.compat.tyme.support import (
    GROUPS,
    SYNC,
    Replica,
    authorized_code,
    bearer,
    exchange,
    owner_token,
    register_client,
    tokens_of,
)
from tests.conftest import WorkspaceFixture
from tests.entries.support import create_customer, create_project, create_task
from timeledger.access.credentials import PasswordHashing
from timeledger.compat.tyme import sync
from timeledger.compat.tyme.sync import INITIAL_REVISION, Position, parsed_revision
from timeledger.kit.db import Database
from timeledger.kit.errors import BadRequest
from timeledger.models import Customer, Employee, ExternalId, TimeEntry

# The revision


def test_a_revision_names_the_head_and_where_the_first_copy_is() -> None:
    assert Position(41).text == "2.41.4.0"
    assert Position(41, 3, 907).text == "2.41.3.907"
    assert parsed_revision("2.41.3.907", head=50) == Position(41, 3, 907)
    assert parsed_revision(Position(50).text, head=50) == Position(50)
    assert parsed_revision(INITIAL_REVISION, head=50) is None


@pytest.mark.parametrize(
    "revision", ["2.51.4.0", "1.1.1.2", "2.41.5.0", "2.-1.4.0", "41", "2.41.4", "", "tl.5"]
)
def test_a_revision_this_server_did_not_give_is_refused(revision: str) -> None:
    with pytest.raises(BadRequest, match=re.escape("sync from '1.1.1.1'")):
        parsed_revision(revision, head=50)


@dataclass(frozen=True)
class Team:
    headers: dict[str, str]
    user_id: int
    employee_id: int
    customer_id: int
    project_id: int
    task_id: int


def _employee_of(db: Database, user_id: int) -> int:
    with db.transaction() as session:
        employee_id = session.scalar(select(Employee.id).where(Employee.user_id == user_id))
    assert employee_id is not None
    return int(employee_id)


def _team(tyme: TestClient, db: Database, workspace: WorkspaceFixture) -> Team:
    person = new_person(db, workspace.id, "employee", name="Hans Example")
    customer_id = create_customer(tyme, workspace.headers, "Initech")
    project_id = create_project(tyme, workspace.headers, "TPS reports", customer_id)
    task_id = create_task(tyme, workspace.headers, project_id, "Cover sheets")
    return Team(
        owner_token(tyme, workspace),
        person.user_id,
        _employee_of(db, person.user_id),
        customer_id,
        project_id,
        task_id,
    )


def _native_entry(
    tyme: TestClient, workspace: WorkspaceFixture, team: Team, started: str, ended: str
) -> int:
    response = tyme.post(
        f"/api/employees/{team.employee_id}/timesheet/entries",
        json={
            "activity_id": _work_activity(tyme, workspace),
            "project_id": team.project_id,
            "task_id": team.task_id,
            "started_at": started,
            "ended_at": ended,
            "note": "native",
        },
        headers=workspace.headers,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _work_activity(tyme: TestClient, workspace: WorkspaceFixture) -> int:
    response = tyme.get("/api/settings/activities?limit=200", headers=workspace.headers)
    assert response.status_code == 200, response.text
    (work,) = [each for each in response.json()["items"] if each["key"] == "work"]
    return int(work["id"])


def _time_record(
    tyme_id: str, task_id: str, user_id: int, start: str, end: str | None
) -> dict[str, Any]:
    return {
        "type": "TimedTaskRecord",
        "id": tyme_id,
        "task_id": task_id,
        "time_start": start,
        "time_end": end,
        "note": f"from {tyme_id}",
        "user_id": str(user_id),
    }


# The full copy and the changes since


def test_the_first_sync_gets_everything_and_the_next_only_what_changed(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    team = _team(tyme, db, workspace)
    entry_id = _native_entry(
        tyme, workspace, team, "2026-11-02T08:00:00+00:00", "2026-11-02T09:30:00+00:00"
    )
    app = Replica(tyme, team.headers)
    app.sync()

    assert app.view() == {
        f"tl-customer-{team.customer_id}": ("ProjectCategory", "Initech", None),
        f"tl-project-{team.project_id}": (
            "Project",
            "TPS reports",
            f"tl-customer-{team.customer_id}",
        ),
        f"tl-task-{team.task_id}": ("TimedTask", "Cover sheets", f"tl-project-{team.project_id}"),
        f"tl-entry-{entry_id}": (
            "TimedTaskRecord",
            f"tl-task-{team.task_id}",
            "2026-11-02 08:00:00",
            "2026-11-02 09:30:00",
            "native",
            str(team.user_id),
        ),
    }
    first = app.answers[-1]
    assert first["project_deletions"] == first["time_deletions"] == []
    assert [each["type"] for each in first["project_updates"]] == [
        "ProjectCategory",
        "Project",
        "TimedTask",
    ]
    assert first["revision"].startswith("2.") and first["revision"].endswith(".4.0")

    app.sync()
    nothing = app.answers[-1]
    assert [nothing[group] for group in GROUPS] == [[], [], [], []]
    assert nothing["revision"] == first["revision"]

    deleted = tyme.delete(
        f"/api/employees/{team.employee_id}/timesheet/entries/{entry_id}",
        headers={**workspace.headers, "If-Match": "*"},
    )
    assert deleted.status_code == 204, deleted.text
    renamed = tyme.patch(
        f"/api/projects/{team.project_id}",
        json={"name": "TPS reports 2", "effective_from": "2024-01-01"},
        headers={**workspace.headers, "If-Match": "*"},
    )
    assert renamed.status_code == 200, renamed.text
    app.sync()

    changed = app.answers[-1]
    assert changed["time_deletions"] == [f"tl-entry-{entry_id}"]
    assert [each["name"] for each in changed["project_updates"]] == ["TPS reports 2"]
    assert changed["time_updates"] == changed["project_deletions"] == []
    assert f"tl-entry-{entry_id}" not in app.objects


def test_the_clients_own_changes_are_applied_and_not_echoed(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    team = _team(tyme, db, workspace)
    app = Replica(tyme, team.headers)
    app.sync()
    app.put({"type": "ProjectCategory", "id": "CAT-1", "name": "Globex"})
    app.put({"type": "Project", "id": "PRJ-1", "name": "Hammock", "category_id": "CAT-1"})
    app.put({"type": "TimedTask", "id": "TSK-1", "name": "Stitching", "project_id": "PRJ-1"})
    app.put(
        _time_record("REC-1", "TSK-1", team.user_id, "2026-11-03 10:00:00", "2026-11-03 11:15:00")
    )
    app.sync()

    echo = app.answers[-1]
    assert [echo[group] for group in GROUPS] == [[], [], [], []]
    other = Replica(tyme, team.headers)
    other.sync()
    assert other.view() == app.view()
    assert other.objects["REC-1"]["duration"] == 75 * 60
    with db.transaction(workspace_id=workspace.id) as session:
        given = session.scalars(select(ExternalId.external_id)).all()
    assert sorted(given) == ["CAT-1", "PRJ-1", "REC-1", "TSK-1"]


def test_two_clients_syncing_in_turn_converge_on_the_servers_data(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    team = _team(tyme, db, workspace)
    kept = _native_entry(
        tyme, workspace, team, "2026-11-02T08:00:00+00:00", "2026-11-02T09:00:00+00:00"
    )
    dropped = _native_entry(
        tyme, workspace, team, "2026-11-02T10:00:00+00:00", "2026-11-02T11:00:00+00:00"
    )
    first, second = Replica(tyme, team.headers), Replica(tyme, team.headers)
    first.sync()
    second.sync()

    project = f"tl-project-{team.project_id}"
    first.put({"type": "TimedTask", "id": "A-TASK", "name": "Collating", "project_id": project})
    first.put(
        _time_record("A-REC", "A-TASK", team.user_id, "2026-11-04 08:00:00", "2026-11-04 12:00:00")
    )
    second.delete(f"tl-entry-{dropped}")
    second.put({**second.objects[project], "name": "TPS reports, final"})
    second.put({"type": "ProjectCategory", "id": "B-CAT", "name": "Umbrella"})

    first.sync()
    second.sync()
    native_late = _native_entry(
        tyme, workspace, team, "2026-11-05T08:00:00+00:00", "2026-11-05T08:45:00+00:00"
    )
    first.delete("A-REC")
    first.sync()
    second.sync()

    server = Replica(tyme, team.headers)
    server.sync()
    assert first.view() == second.view() == server.view()
    assert {f"tl-entry-{kept}", f"tl-entry-{native_late}", "A-TASK", "B-CAT"} <= set(server.objects)
    assert not {f"tl-entry-{dropped}", "A-REC"} & set(server.objects)
    assert server.objects[project]["name"] == "TPS reports, final"


def test_a_bad_item_refuses_the_whole_sync_and_changes_nothing(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    team = _team(tyme, db, workspace)
    app = Replica(tyme, team.headers)
    app.sync()
    with db.transaction(workspace_id=workspace.id) as session:
        counts = (
            session.scalar(select(func.count()).select_from(Customer)),
            session.scalar(select(func.count()).select_from(TimeEntry)),
        )
    response = tyme.post(
        SYNC,
        json={
            "revision": app.revision,
            "project_updates": [{"type": "ProjectCategory", "id": "NEW-CAT", "name": "Soylent"}],
            "time_updates": [
                _time_record(
                    "OK-REC", f"tl-task-{team.task_id}", team.user_id, "2026-11-03 10:00:00",
                    "2026-11-03 11:00:00",
                ),
                _time_record(
                    "BAD-REC", f"tl-task-{team.task_id}", team.user_id, "yesterday", None
                ),
            ],
            "time_deletions": [],
        },
        headers=team.headers,
    )  # fmt: skip

    assert response.status_code == 400, response.text
    assert response.json()["error"] == "missing values"
    assert "time_updates[1].time_start" in response.json()["error_description"]
    with db.transaction(workspace_id=workspace.id) as session:
        assert counts == (
            session.scalar(select(func.count()).select_from(Customer)),
            session.scalar(select(func.count()).select_from(TimeEntry)),
        )
        assert session.scalars(select(ExternalId)).all() == []
    app.sync()
    assert [app.answers[-1][group] for group in GROUPS] == [[], [], [], []]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({}, "revision is missing"),
        ({"revision": "2.999.4.0"}, "is not one this server gave"),
        ({"revision": INITIAL_REVISION, "time_updates": {"id": "x"}}, "must be an array"),
        ({"revision": INITIAL_REVISION, "time_deletions": [7]}, "time_deletions[0]"),
        ({"revision": INITIAL_REVISION, "project_updates": ["x"]}, "project_updates[0]"),
        ({"revision": INITIAL_REVISION, "time_deletions": ["x"] * 1001}, "at most 1000"),
        ([], "JSON object"),
    ],
)
def test_a_malformed_sync_is_tymes_400(
    tyme: TestClient, workspace: WorkspaceFixture, body: Any, problem: str
) -> None:
    response = tyme.post(SYNC, json=body, headers=owner_token(tyme, workspace))
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "missing values"
    assert problem in response.json()["error_description"]


def test_a_member_who_is_no_team_admin_may_not_sync(
    tyme: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    member = new_person(db, workspace.id, "employee", password=PASSWORD, hashing=hashing)
    client = register_client(tyme, workspace)
    code = authorized_code(tyme, client, member.email or "", PASSWORD)
    token = tokens_of(exchange(tyme, client, code))["access_token"]
    response = tyme.post(SYNC, json={"revision": INITIAL_REVISION}, headers=bearer(token))
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "not_allowed"


def test_a_long_history_arrives_over_several_answers_without_loss(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = _team(tyme, db, workspace)
    for hour in range(8, 13):
        _native_entry(
            tyme, workspace, team, f"2026-11-02T{hour:02}:00:00+00:00",
            f"2026-11-02T{hour:02}:30:00+00:00",
        )  # fmt: skip
    monkeypatch.setattr(sync, "MAX_OBJECTS", 3)
    app = Replica(tyme, team.headers)
    app.sync()
    assert [len(answer["project_updates"] + answer["time_updates"]) for answer in app.answers] == [
        3,
        3,
        2,
    ]
    assert [answer["has_more"] for answer in app.answers] == [True, True, False]
    assert len(app.objects) == 8

    for customer in range(7):
        create_customer(tyme, workspace.headers, f"Customer {customer}")
    app.answers.clear()
    app.sync()
    assert [answer["has_more"] for answer in app.answers] == [True, True, False]
    assert len(app.objects) == 15
    server = Replica(tyme, team.headers)
    server.sync()
    assert app.view() == server.view()


def test_an_update_of_what_another_client_deleted_gives_way_to_the_deletion(
    tyme: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    team = _team(tyme, db, workspace)
    entry_id = _native_entry(
        tyme, workspace, team, "2026-11-02T08:00:00+00:00", "2026-11-02T09:00:00+00:00"
    )
    entry = f"tl-entry-{entry_id}"
    first, second = Replica(tyme, team.headers), Replica(tyme, team.headers)
    first.sync()
    second.sync()
    first.delete(entry)
    first.sync()
    second.put({**second.objects[entry], "note": "changed meanwhile"})
    second.put({"type": "ProjectCategory", "id": "KEPT", "name": "Kept"})
    second.sync()

    assert second.answers[-1]["time_deletions"] == [entry]
    assert entry not in second.objects
    first.sync()
    assert first.view() == second.view()
    assert "KEPT" in first.objects
