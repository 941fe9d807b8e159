"""The inbox and decisions under pressure: a week decided meanwhile, delegates whose
rights shrank, ids and cursors at the edges, deleted employees, concurrent delegations,
and the inbox's queries per project (PostgreSQL shows the races: SQLite writers are
serialized)."""

import base64
import json
import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, update

from tests.access.support import new_person
from tests.approvals.support import (
    INBOX,
    Org,
    decide,
    decisions_taken,
    delegated,
    give_role,
    inbox,
    project_with_members,
    set_managers,
    vacation_requested,
)
from timeledger.kit.db import Database
from timeledger.models import ApprovalDecision, TimeEntry

WEEK = ("2026-11-16", "2026-11-22")
MAY = ("2026-05-04", "2026-05-08")


def entry(
    client: TestClient,
    org: Org,
    project_id: int,
    day: str,
    minutes: int,
    *,
    approval_status: str = "under_approval",
    status: int = 201,
) -> dict[str, Any]:
    response = client.post(
        f"/api/employees/{org.employee_id}/timesheet/entries",
        json={
            "date": day,
            "minutes": minutes,
            "activity_id": org.leave.office.work_activity_id,
            "project_id": project_id,
            "approval_status": approval_status,
        },
        headers=org.employee,
    )
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def week_item(org: Org, project_id: int, monday: str = WEEK[0]) -> dict[str, Any]:
    return {
        "kind": "project_entries",
        "id": f"{org.employee_id}-{project_id}-{monday}",
        "decision": "approve",
    }


def entry_statuses(client: TestClient, org: Org, first: str, last: str) -> set[str]:
    response = client.get(
        f"/api/employees/{org.employee_id}/timesheet/entries",
        params={"from": first, "to": last, "limit": 200},
        headers=org.owner,
    )
    assert response.status_code == 200, response.text
    return {item["approval_status"] for item in response.json()["items"]}


def pm_and_project(client: TestClient, org: Org, db: Database, **kw: Any) -> tuple[Any, int]:
    pm = new_person(db, org.leave.office.oslo.workspace.id, "employee", name="Project Lead")
    project_id = project_with_members(
        client,
        org,
        [{"user_id": pm.user_id, "is_manager": True}, {"user_id": org.leave.office.person.user_id}],
        **kw,
    )
    return pm, project_id


@pytest.mark.postgresql
def test_a_project_week_decided_meanwhile_is_a_conflict_and_no_decision(
    client: TestClient, org: Org, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A week whose entries another transaction decides while this decision is taken is a
    409 and leaves no decision in the history: what is moved is what the locked read
    finds (shown on PostgreSQL, where the other transaction commits in between)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the interleaving is shown on PostgreSQL (READ COMMITTED)")
    pm, project_id = pm_and_project(client, org, db)
    entry(client, org, project_id, "2026-11-16", 90)
    entry(client, org, project_id, "2026-11-17", 60)
    workspace_id = org.leave.office.oslo.workspace.id

    from timeledger.approvals.project_weeks import project_week as checked
    from timeledger.inbox import deciding

    def check_then_someone_else_decides(*args: Any, **kwargs: Any) -> Any:
        found = checked(*args, **kwargs)
        with db.transaction(workspace_id=workspace_id) as other:
            other.execute(
                update(TimeEntry)
                .where(TimeEntry.project_id == project_id)
                .values(approval_status="approved")
                .execution_options(synchronize_session=False)
            )
        return found

    monkeypatch.setattr(deciding, "project_week", check_then_someone_else_decides)
    (result,) = decide(client, pm.headers, [week_item(org, project_id)])

    assert result["status"] == 409, result  # the week was decided meanwhile
    assert decisions_taken(client, org) == []


def test_a_delegate_who_can_no_longer_read_the_employees_neither_sees_nor_decides(
    client: TestClient, org: Org
) -> None:
    """A delegate whose rights shrank after the delegation was made (developer to employee)
    no longer sees the team's requests, and deciding one is a 404, as reading it is."""
    vacation = vacation_requested(client, org, *MAY)
    delegated(client, org.team_lead.headers, org.deputy.user_id)
    give_role(client, org, org.deputy.user_id, "employee")

    own_read = client.get(f"{org.leave.base}/{vacation['id']}", headers=org.deputy.headers)
    assert own_read.status_code == 404  # the deputy cannot see the request any more...

    assert inbox(client, org.deputy.headers) == []  # ...so it must not be in their inbox
    (result,) = decide(
        client,
        org.deputy.headers,
        [{"kind": "timeoff", "id": str(vacation["id"]), "decision": "approve"}],
    )
    assert result["status"] == 404, result


def test_a_week_at_the_end_of_the_calendar_is_not_found(
    client: TestClient, org: Org, db: Database
) -> None:
    """A project week id in the last week of year 9999 is a 404 for that item, not a 500 for
    the batch."""
    pm, project_id = pm_and_project(client, org, db)
    response = client.post(
        "/api/approvals/decisions",
        json={"decisions": [week_item(org, project_id, "9999-12-27")]},  # a Monday
        headers=pm.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == 404


def test_a_tampered_inbox_cursor_is_a_bad_request(client: TestClient, org: Org) -> None:
    """A cursor whose instant lacks its value is a 400, as any cursor this server did not
    issue."""
    payload = json.dumps([{"t": "dt"}, "timeoff", "1"]).encode()
    cursor = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    response = client.get(INBOX, params={"cursor": cursor}, headers=org.owner)
    assert response.status_code == 400, response.text


def test_the_inbox_reads_the_managers_of_every_project_at_once(
    client: TestClient, org: Org, db: Database
) -> None:
    """Project weeks on several projects cost one read of project managers, not one per
    project."""
    pm = new_person(db, org.leave.office.oslo.workspace.id, "employee", name="Project Lead")
    members = [
        {"user_id": pm.user_id, "is_manager": True},
        {"user_id": org.leave.office.person.user_id},
    ]
    for n in range(6):
        project_id = project_with_members(client, org, members, name=f"Project {n}")
        entry(client, org, project_id, "2026-11-16", 30)

    run: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        run.append(statement)

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        assert len(inbox(client, pm.headers)) == 6
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", count)
    member_reads = [s for s in run if "FROM project_members" in s]
    assert len(member_reads) <= 2, len(member_reads)


def test_a_week_whose_entries_moved_on_leaves_no_history_row(
    client: TestClient, org: Org, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the locked read finds no entry awaiting (what a concurrent decision leaves), the
    decision is a 409 and writes no history row."""
    pm, project_id = pm_and_project(client, org, db)
    entry(client, org, project_id, "2026-11-16", 90)

    from timeledger.entries.repository import EntryRepository

    monkeypatch.setattr(EntryRepository, "under_approval_on_project", lambda *a, **k: [])
    (result,) = decide(client, pm.headers, [week_item(org, project_id)])
    assert result["status"] == 409, result
    workspace_id = org.leave.office.oslo.workspace.id
    with db.transaction(workspace_id=workspace_id) as session:
        assert session.scalar(select(func.count()).select_from(ApprovalDecision)) == 0


def test_a_co_manager_is_not_routed_a_co_managers_item_but_decides_it(
    client: TestClient, org: Org, db: Database
) -> None:
    """Two managers of Team both get the employee's request; neither is the employee."""
    second = new_person(db, org.leave.office.oslo.workspace.id, "manager", name="Co Lead")
    set_managers(client, org.owner, org.team_id, [org.team_lead.user_id, second.user_id])
    vacation = vacation_requested(client, org, *MAY)
    assert [i["id"] for i in inbox(client, second.headers)] == [str(vacation["id"])]
    assert [i["id"] for i in inbox(client, org.team_lead.headers)] == [str(vacation["id"])]


@pytest.mark.postgresql
def test_two_overlapping_delegations_made_at_once_do_not_both_pass(
    org: Org, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two transactions delegate the same person's approvals at once, each pausing right
    after its overlap check: the delegator's row is held from before the check to the
    commit, so the second waits, then sees the first's delegation and is refused."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serializes writers with BEGIN IMMEDIATE")
    from datetime import date

    from timeledger.access.caller import caller_acting_as
    from timeledger.approvals.delegations import create_delegation
    from timeledger.approvals.repository import ApprovalRepository
    from timeledger.approvals.schemas import DelegationCreate
    from timeledger.kit.errors import Unprocessable
    from timeledger.models import User

    workspace_id = org.leave.office.oslo.workspace.id
    checked = ApprovalRepository.overlapping

    def check_then_pause(self: Any, *args: Any, **kwargs: Any) -> Any:
        found = checked(self, *args, **kwargs)
        time.sleep(0.3)  # without the lock, the other transaction checks meanwhile
        return found

    monkeypatch.setattr(ApprovalRepository, "overlapping", check_then_pause)
    outcomes: list[str] = []

    def delegate(delegate_user_id: int) -> None:
        try:
            with db.transaction(workspace_id=workspace_id) as session:
                lead = session.get(User, org.team_lead.user_id)
                assert lead is not None
                create_delegation(
                    session,
                    caller_acting_as(lead, "test"),
                    DelegationCreate(
                        delegate_user_id=delegate_user_id,
                        starts_on=date(2020, 1, 1),
                        ends_on=date(2099, 12, 31),
                    ),
                )
            outcomes.append("created")
        except Unprocessable:
            outcomes.append("refused")

    threads = [
        threading.Thread(target=delegate, args=(user_id,))
        for user_id in (org.deputy.user_id, org.sales_head.user_id)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["created", "refused"]


def test_a_deleted_employees_items_leave_every_inbox(client: TestClient, org: Org) -> None:
    """A deleted employee's waiting items leave every inbox and badge (they could never be
    decided)."""
    vacation = vacation_requested(client, org, *MAY)
    deleted = client.delete(f"/api/employees/{org.employee_id}", headers=org.owner)
    assert deleted.status_code == 204, deleted.text

    (result,) = decide(
        client, org.owner, [{"kind": "timeoff", "id": str(vacation["id"]), "decision": "approve"}]
    )
    assert result["status"] == 404  # it cannot be decided...
    assert inbox(client, org.owner) == []  # ...so it must not wait in the inbox
