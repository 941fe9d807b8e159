"""The open interval named by its employee alone (McTime's clock): a break toggled, the
interval changed or discarded, each refused with NotClockedIn (409) when none is open and
with the reach check's 404 for an employee out of reach."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.access.support import person_caller
from tests.conftest import WorkspaceFixture
from tests.presence.support import call, new_employee
from timeledger.access.caller import Caller
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import NotFound
from timeledger.presence import service
from timeledger.presence.schemas import BreakAt, PresenceUpdate


def _owner(workspace: WorkspaceFixture) -> Caller:
    return person_caller(
        workspace.id,
        workspace.owner_id,
        {"timesheet:read:*", "timesheet:write:*"},
        role_name="owner",
    )


def test_a_break_toggles_and_the_open_interval_changes_then_goes(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee_id = new_employee(client, workspace.headers)
    started = utcnow() - timedelta(hours=2)
    opened = call(client, workspace.headers, employee_id, "clock-in", at=started.isoformat())
    assert opened.status_code == 201, opened.text
    caller = _owner(workspace)
    with db.transaction(workspace_id=workspace.id) as session:
        service.toggle_break(session, caller, employee_id, BreakAt(at=started + timedelta(hours=1)))
        state = service.clock_state(session, caller, employee_id)
        assert state is not None and state.on_break
        back = BreakAt(at=started + timedelta(hours=1, minutes=10))
        service.toggle_break(session, caller, employee_id, back)
        state = service.clock_state(session, caller, employee_id)
        assert state is not None and not state.on_break
        changed = service.update_open_interval(
            session, caller, employee_id, PresenceUpdate(note="on site")
        )
        assert (changed.id, changed.note) == (opened.json()["id"], "on site")
        service.discard_open_interval(session, caller, employee_id)
        assert service.clock_state(session, caller, employee_id) is None


def test_without_an_open_interval_each_is_refused_as_not_clocked_in(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee_id = new_employee(client, workspace.headers)
    caller = _owner(workspace)
    with db.transaction(workspace_id=workspace.id) as session:
        for operation in (
            lambda: service.toggle_break(session, caller, employee_id, BreakAt()),
            lambda: service.update_open_interval(session, caller, employee_id, PresenceUpdate()),
            lambda: service.discard_open_interval(session, caller, employee_id),
        ):
            with pytest.raises(service.NotClockedIn) as refused:
                operation()
            assert refused.value.status == 409


def test_an_employee_of_another_workspace_is_not_found(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> None:
    theirs = new_employee(client, other_workspace.headers)
    caller = _owner(workspace)
    with db.transaction(workspace_id=workspace.id) as session:
        for operation in (
            lambda: service.toggle_break(session, caller, theirs, BreakAt()),
            lambda: service.discard_open_interval(session, caller, theirs),
            lambda: service.clock_state(session, caller, theirs),
        ):
            with pytest.raises(NotFound):
                operation()
