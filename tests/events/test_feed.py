"""GET /api/events: revision order, paging, type filters, bad input, and who sees what."""

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, insert, update

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from tests.events.support import EVENTS, every_event, feed, head, unit_named
from tests.organization.support import create_unit
from tests.timeoff.support import grant, leave_office, request
from tests.timesheet.support import Person, create, person_in
from timeledger.access.credentials import PasswordHashing
from timeledger.events.repository import WINDOW_CHUNK
from timeledger.events.service import SCAN_WINDOW
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import Change, WorkspaceRevision

DAY = "2026-03-10"


def _entry(client: TestClient, person: Person, activities: dict[str, int], note: str) -> int:
    body = {"date": DAY, "minutes": 30, "activity_id": activities["work"], "note": note}
    return int(create(client, person, body)["id"])


def _object_ids(events: list[dict[str, Any]]) -> list[int]:
    return [event["object_id"] for event in events]


def test_events_come_in_revision_order_and_page_on(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    start = head(client, workspace.headers)
    units = [unit_named(client, workspace.headers, f"Unit {n}") for n in range(3)]

    first = feed(client, workspace.headers, after=start, limit=2, types="org_unit.*")
    second = feed(client, workspace.headers, after=first["next_after"], limit=2, types="org_unit.*")

    assert _object_ids(first["items"]) == units[:2]
    assert first["has_more"] is True
    assert first["next_after"] == first["items"][-1]["revision"]
    assert _object_ids(second["items"]) == units[2:]
    assert second["has_more"] is False
    assert second["next_after"] == second["head_revision"] == head(client, workspace.headers)
    revisions = [event["revision"] for event in first["items"] + second["items"]]
    assert revisions == sorted(revisions) and revisions[0] > start
    event = first["items"][0]
    assert event["type"] == "org_unit.created"
    assert event["actor_user_id"] == workspace.owner_id
    assert event["data"]["name"] == "Unit 0"
    assert datetime.fromisoformat(event["occurred_at"]).tzinfo is not None


def test_reading_from_the_head_answers_an_empty_page(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    latest = head(client, workspace.headers)
    page = feed(client, workspace.headers, after=latest, limit=100)
    assert page == {"items": [], "next_after": latest, "head_revision": latest, "has_more": False}


def test_type_filters_select_operations_and_whole_entities(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    start = head(client, workspace.headers)
    unit = unit_named(client, workspace.headers, "Sales")
    renamed = client.patch(
        f"/api/org-units/{unit}", json={"name": "Sales & Marketing"}, headers=workspace.headers
    )
    assert renamed.status_code == 200, renamed.text
    bookmark = client.post(
        "/api/me/bookmarks", json={"name": "Mine", "query": ""}, headers=workspace.headers
    )
    assert bookmark.status_code == 201, bookmark.text

    def types_of(*types: str) -> list[str]:
        events = every_event(client, workspace.headers, after=start, types=list(types))
        return [event["type"] for event in events]

    assert types_of("org_unit.updated") == ["org_unit.updated"]
    assert types_of("org_unit.*") == ["org_unit.created", "org_unit.updated"]
    expected = ["org_unit.created", "bookmark.created"]
    assert types_of("org_unit.created", "bookmark.*") == expected
    assert types_of("org_unit.created,bookmark.created") == expected
    assert types_of("org_unit.created, bookmark.created,") == expected


BAD_QUERIES = (
    "types=nothing.created",
    "types=entry",
    "types=Entry.created",
    "types=entry.created.twice",
    "types=" + ",".join(["entry.created"] * 51),
    "after=-1",
    "after=abc",
    "after=99999999999999999999",
    "limit=0",
    "limit=201",
    "limit=many",
)


def test_bad_parameters_are_422_problems(client: TestClient, workspace: WorkspaceFixture) -> None:
    for query in BAD_QUERIES:
        body = assert_problem(client.get(f"{EVENTS}?{query}", headers=workspace.headers), 422)
        assert body["errors"][0]["location"].startswith("query."), query


def test_the_feed_needs_a_credential(client: TestClient) -> None:
    assert_problem(client.get(EVENTS), 401)


def test_an_employee_sees_their_own_entries_and_not_anothers(
    client: TestClient, db: Database, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    mine, theirs = person_in(client, db, workspace), person_in(client, db, workspace)
    start = head(client, workspace.headers)
    own_entry = _entry(client, mine, activities, "mine")
    other_entry = _entry(client, theirs, activities, "theirs")

    def entries_seen_by(headers: dict[str, str]) -> list[int]:
        return _object_ids(every_event(client, headers, after=start, types="entry.*"))

    assert entries_seen_by(mine.headers) == [own_entry]
    assert entries_seen_by(theirs.headers) == [other_entry]
    assert entries_seen_by(workspace.headers) == [own_entry, other_entry]


def test_a_manager_sees_the_entries_of_their_team(
    client: TestClient, db: Database, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    team, elsewhere = (
        create_unit(client, workspace.headers, "Team"),
        create_unit(client, workspace.headers, "Elsewhere"),
    )
    manager = new_person(db, workspace.id, "manager")
    managed = client.put(
        f"/api/org-units/{team['id']}/managers",
        json={"user_ids": [manager.user_id]},
        headers=workspace.headers,
    )
    assert managed.status_code == 200, managed.text
    member, outsider = person_in(client, db, workspace), person_in(client, db, workspace)
    for person, unit in ((member, team), (outsider, elsewhere)):
        placed = client.patch(
            f"/api/employees/{person.employee_id}",
            json={"org_unit_id": unit["id"]},
            headers=workspace.headers,
        )
        assert placed.status_code == 200, placed.text
    start = head(client, workspace.headers)
    member_entry = _entry(client, member, activities, "team work")
    _entry(client, outsider, activities, "not the manager's business")

    seen = every_event(client, manager.headers, after=start, types="entry.*")

    assert _object_ids(seen) == [member_entry]


def test_another_workspaces_events_never_appear(
    client: TestClient, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    ours = unit_named(client, workspace.headers, "Ours")
    theirs = unit_named(client, other_workspace.headers, "Theirs")

    our_units = every_event(client, workspace.headers, types="org_unit.*")
    their_units = every_event(client, other_workspace.headers, types="org_unit.*")

    assert _object_ids(our_units) == [ours]
    assert _object_ids(their_units) == [theirs]


def test_settings_events_reach_everyone(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee = new_person(db, workspace.id, "employee")
    start = head(client, workspace.headers)
    created = client.post(
        "/api/settings/activities",
        json={"name": "Pairing", "type": "work"},
        headers=workspace.headers,
    )
    assert created.status_code == 201, created.text

    seen = every_event(client, employee.headers, after=start, types="activity.*")

    assert [(event["type"], event["object_id"]) for event in seen] == [
        ("activity.created", created.json()["id"])
    ]


def test_a_bookmark_reaches_only_its_owner(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee = new_person(db, workspace.id, "employee")
    start = head(client, workspace.headers)
    made = client.post(
        "/api/me/bookmarks", json={"name": "Private", "query": ""}, headers=employee.headers
    )
    assert made.status_code == 201, made.text

    def bookmarks_seen_by(headers: dict[str, str]) -> list[int]:
        return _object_ids(every_event(client, headers, after=start, types="bookmark.*"))

    assert bookmarks_seen_by(employee.headers) == [made.json()["id"]]
    assert bookmarks_seen_by(workspace.headers) == []


def test_approval_events_reach_the_people_they_concern_and_approvals_readers(
    client: TestClient, db: Database, hashing: PasswordHashing
) -> None:
    """`approval` is shown by `data.user_ids` whatever the roles (the employee holds no
    `approvals:read` reaching anyone else), and to holders of `approvals:read:*` alone:
    `team` is not enough."""
    leave = leave_office(client, db, hashing)
    workspace_id = leave.office.oslo.workspace.id
    team = create_unit(client, leave.headers, "Team")
    approver = new_person(db, workspace_id, "manager")
    managed = client.put(
        f"/api/org-units/{team['id']}/managers",
        json={"user_ids": [approver.user_id]},
        headers=leave.headers,
    )
    assert managed.status_code == 200, managed.text
    placed = client.patch(
        f"/api/employees/{leave.employee_id}",
        json={"org_unit_id": team["id"]},
        headers=leave.headers,
    )
    assert placed.status_code == 200, placed.text
    bystander = new_person(db, workspace_id, "employee")
    other_manager = new_person(db, workspace_id, "manager")
    auditor = new_person(db, workspace_id, "developer")
    grant(client, leave, 2500)
    start = head(client, leave.headers)
    made = request(client, leave, "2026-03-02", "2026-03-03")
    decided = client.post(
        "/api/approvals/decisions",
        json={"decisions": [{"kind": "timeoff", "id": str(made["id"]), "decision": "approve"}]},
        headers=approver.headers,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["taken"] == 1, decided.text

    def approvals_seen_by(headers: dict[str, str]) -> list[tuple[str, int]]:
        events = every_event(client, headers, after=start, types="approval.*")
        return [(event["type"], event["object_id"]) for event in events]

    expected = [
        ("approval.requested", leave.employee_id),
        ("approval.decided", leave.employee_id),
    ]
    assert approvals_seen_by(leave.person) == expected
    assert approvals_seen_by(approver.headers) == expected
    assert approvals_seen_by(auditor.headers) == expected
    assert approvals_seen_by(leave.headers) == expected
    assert approvals_seen_by(bystander.headers) == []
    assert approvals_seen_by(other_manager.headers) == []
    requested, taken = every_event(client, approver.headers, after=start, types="approval.*")
    assert requested["data"]["approver_user_ids"] == [approver.user_id]
    assert (requested["data"]["kind"], requested["data"]["id"]) == ("timeoff", str(made["id"]))
    assert taken["data"]["decided_by_user_id"] == approver.user_id
    assert taken["data"]["on_behalf_of_user_id"] is None


def _write_owner_bookmark_changes(
    db: Database, workspace: WorkspaceFixture, start: int, count: int
) -> None:
    """`count` changes of the owner's bookmarks after revision `start`, in one statement:
    a thousand record_change calls would take seconds."""
    with db.transaction(workspace_id=workspace.id) as session:
        session.execute(
            insert(Change),
            [
                {
                    "workspace_id": workspace.id,
                    "revision": start + n,
                    "entity": "bookmark",
                    "entity_id": n,
                    "op": "created",
                    "actor_user_id": workspace.owner_id,
                    "at": utcnow(),
                    "data": {"id": n, "user_id": workspace.owner_id},
                }
                for n in range(1, count + 1)
            ],
        )
        session.execute(
            update(WorkspaceRevision)
            .where(WorkspaceRevision.workspace_id == workspace.id)
            .values(revision=start + count)
        )


def test_a_read_examines_a_bounded_window_and_still_moves_on(
    client: TestClient, db: Database, workspace: WorkspaceFixture, person: Person
) -> None:
    start = head(client, workspace.headers)
    hidden = SCAN_WINDOW + 50
    _write_owner_bookmark_changes(db, workspace, start, hidden)
    visible = unit_named(client, workspace.headers, "After the crowd")

    first = feed(client, person.headers, after=start, limit=10)
    second = feed(client, person.headers, after=first["next_after"], limit=10)

    assert first["items"] == []
    assert first["next_after"] == start + SCAN_WINDOW
    assert first["has_more"] is True
    assert _object_ids(second["items"]) == [visible]
    assert second["has_more"] is False


def test_a_full_page_loads_no_more_of_the_window_than_its_chunk(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    start = head(client, workspace.headers)
    written = SCAN_WINDOW
    _write_owner_bookmark_changes(db, workspace, start, written)
    loaded: list[int] = []

    def count(target: Change, _context: Any) -> None:
        loaded.append(target.revision)

    event.listen(Change, "load", count)
    try:
        page = feed(client, workspace.headers, after=start, limit=10)
    finally:
        event.remove(Change, "load", count)

    assert [item["revision"] for item in page["items"]] == list(range(start + 1, start + 11))
    assert page["next_after"] == start + 10
    assert 10 <= len(loaded) <= WINDOW_CHUNK < written
