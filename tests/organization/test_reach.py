"""The one reach check: each area and scope, for the caller's own employee record, one of
their team, another, a deleted one and one of another workspace."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import bindparam, event, text, update

from tests.access.support import new_person, person_caller
from tests.conftest import WorkspaceFixture, statements_sent
from tests.organization.support import create_employee, create_unit, employee_of_user
from timeledger.access.caller import Caller
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import Forbidden, NotFound, Unprocessable
from timeledger.models import Employee, EmployeeVersion
from timeledger.organization.reach import (
    Access,
    Area,
    action_of,
    employee_ids_reached,
    reached_by_scopes,
    reached_employee,
    reached_employee_id,
    reached_employee_of_user,
)
from timeledger.organization.repository import LIVE_EMPLOYEE_USER

OK, HIDDEN, REFUSED = "ok", "404", "403"
Outcomes = Callable[[Area, Access, set[str]], dict[str, str]]
"""How the check answers for each employee of the world, for an area, access and
permissions."""


@dataclass(frozen=True)
class World:
    workspace_id: int
    caller_user_id: int
    unit: int
    """The unit the caller manages."""
    own: int
    team: int
    other: int
    deleted: int
    foreign: int

    def employees(self) -> dict[str, int]:
        return {
            "own": self.own,
            "team": self.team,
            "other": self.other,
            "deleted": self.deleted,
            "foreign": self.foreign,
        }


@pytest.fixture
def world(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    other_workspace: WorkspaceFixture,
) -> World:
    headers = workspace.headers
    caller = new_person(db, workspace.id, "employee")
    unit = create_unit(client, headers, "Managed")
    below = create_unit(client, headers, "Below", parent_id=unit["id"])
    managed = client.put(
        f"/api/org-units/{unit['id']}/managers",
        json={"user_ids": [caller.user_id]},
        headers=headers,
    )
    assert managed.status_code == 200, managed.text
    team = create_employee(client, headers, "T1", org_unit_id=below["id"])
    other = create_employee(client, headers, "O1")
    deleted = create_employee(client, headers, "D1", org_unit_id=unit["id"])
    gone = client.delete(f"/api/employees/{deleted['id']}", headers=headers)
    assert gone.status_code == 204, gone.text
    foreign = create_employee(client, other_workspace.headers, "F1")
    return World(
        workspace_id=workspace.id,
        caller_user_id=caller.user_id,
        unit=unit["id"],
        own=employee_of_user(client, headers, caller.user_id)["id"],
        team=team["id"],
        other=other["id"],
        deleted=deleted["id"],
        foreign=foreign["id"],
    )


def _caller(world: World, permissions: set[str]) -> Caller:
    return person_caller(world.workspace_id, world.caller_user_id, permissions)


def _granted(area: Area, read: str | None, acting: str | None, access: Access) -> set[str]:
    name = area.value.permission_area
    held = {f"{name}:{area.value.read}:{read}"} if read else set()
    action = action_of(area, access)
    if acting and action:
        held.add(f"{name}:{action}:{acting}")
    return held


@pytest.fixture
def reach_outcomes(db: Database, world: World) -> Outcomes:
    def outcomes(area: Area, access: Access, permissions: set[str]) -> dict[str, str]:
        caller = _caller(world, permissions)
        found = {}
        with db.transaction(workspace_id=world.workspace_id) as session:
            for name, employee_id in world.employees().items():
                try:
                    employee = reached_employee(session, caller, area, employee_id, access)
                except NotFound:
                    found[name] = HIDDEN
                except Forbidden:
                    found[name] = REFUSED
                else:
                    assert employee.id == employee_id
                    found[name] = OK
        return found

    return outcomes


# (read scope, scope of the action, access) -> own, team, other, deleted, foreign
CASES = [
    ("own", None, Access.READ, [OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN]),
    ("team", None, Access.READ, [OK, OK, HIDDEN, HIDDEN, HIDDEN]),
    ("*", None, Access.READ, [OK, OK, OK, HIDDEN, HIDDEN]),
    (None, None, Access.READ, [HIDDEN] * 5),
    ("own", "own", Access.WRITE, [OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN]),
    ("team", "team", Access.WRITE, [OK, OK, HIDDEN, HIDDEN, HIDDEN]),
    ("*", "*", Access.WRITE, [OK, OK, OK, HIDDEN, HIDDEN]),
    ("*", "team", Access.WRITE, [OK, OK, REFUSED, HIDDEN, HIDDEN]),
    ("*", "own", Access.WRITE, [OK, REFUSED, REFUSED, HIDDEN, HIDDEN]),
    ("team", None, Access.WRITE, [REFUSED, REFUSED, HIDDEN, HIDDEN, HIDDEN]),
    ("own", "*", Access.WRITE, [OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN]),
    (None, "*", Access.WRITE, [HIDDEN] * 5),
]


@pytest.mark.parametrize("area", list(Area))
def test_each_scope_reaches_exactly_its_employees(reach_outcomes: Outcomes, area: Area) -> None:
    mismatches = []
    for read, acting, access, expected in CASES:
        found = reach_outcomes(area, access, _granted(area, read, acting, access))
        if list(found.values()) != expected:
            mismatches.append(f"read {read}, {access.value} {acting}: {found}, not {expected}")
    assert not mismatches, "\n".join(mismatches)


def test_an_area_reaches_by_its_own_permissions_alone(reach_outcomes: Outcomes) -> None:
    timesheet_everyone = {"timesheet:read:*", "timesheet:write:*", "timesheet:approve:*"}
    for area in (Area.TIMEBANK, Area.TIME_OFF):
        for access in Access:
            found = reach_outcomes(area, access, timesheet_everyone)
            assert set(found.values()) == {HIDDEN}, (area, access, found)


def test_timebank_is_written_by_adjust_and_has_nothing_to_approve(
    reach_outcomes: Outcomes,
) -> None:
    adjusting = {"timebank:read:*", "timebank:adjust:*"}
    assert reach_outcomes(Area.TIMEBANK, Access.WRITE, adjusting)["other"] == OK
    assert reach_outcomes(Area.TIMEBANK, Access.WRITE, {"timebank:read:*", "timebank:write:*"})[
        "other"
    ] == (REFUSED)
    assert reach_outcomes(Area.TIMEBANK, Access.APPROVE, adjusting)["own"] == REFUSED


def test_a_refusal_names_the_area_and_its_action(db: Database, world: World) -> None:
    caller = _caller(world, {"timebank:read:*"})
    with (
        db.transaction(workspace_id=world.workspace_id) as session,
        pytest.raises(Forbidden) as refused,
    ):
        reached_employee(session, caller, Area.TIMEBANK, world.other, Access.WRITE)
    assert refused.value.detail == (
        f"You may read the timebank of employee {world.other} but not adjust it."
    )


def test_the_reached_set_is_none_for_everyone_and_live_ids_otherwise(
    db: Database, world: World
) -> None:
    with db.transaction(workspace_id=world.workspace_id) as session:
        everyone = _caller(world, {"timesheet:read:*"})
        assert employee_ids_reached(session, everyone, Area.TIMESHEET, Access.READ) is None
        team = _caller(world, {"timesheet:read:team"})
        assert employee_ids_reached(session, team, Area.TIMESHEET, Access.READ) == {
            world.own,
            world.team,
        }
        assert employee_ids_reached(session, team, Area.TIMESHEET, Access.WRITE) == set()


def test_a_user_is_reached_through_their_employee_record(
    db: Database, world: World, workspace: WorkspaceFixture
) -> None:
    caller = _caller(world, {"timesheet:read:own", "timesheet:write:own"})
    with db.transaction(workspace_id=world.workspace_id) as session:
        found = reached_employee_of_user(
            session, caller, Area.TIMESHEET, world.caller_user_id, Access.WRITE
        )
        assert found.id == world.own
        # The owner has an employee record of their own, out of this caller's reach.
        with pytest.raises(NotFound, match=f"No user {workspace.owner_id} recording time"):
            reached_employee_of_user(session, caller, Area.TIMESHEET, workspace.owner_id)


def test_a_caller_without_an_employee_record_is_told_so(
    db: Database, world: World, client: TestClient, workspace: WorkspaceFixture
) -> None:
    gone = client.delete(f"/api/employees/{world.own}", headers=workspace.headers)
    assert gone.status_code == 204, gone.text
    caller = _caller(world, {"timesheet:read:*"})
    with (
        db.transaction(workspace_id=world.workspace_id) as session,
        pytest.raises(Unprocessable) as refused,
    ):
        reached_employee_of_user(session, caller, Area.TIMESHEET, world.caller_user_id)
    assert refused.value.status == 422


# Decided from the scopes alone (most checks): never different from the full check.

SCOPES = (None, "own", "team", "*")


def test_the_scopes_alone_decide_only_what_the_full_check_decides_alike(
    reach_outcomes: Outcomes,
) -> None:
    for read in SCOPES:
        for acting in SCOPES:
            permissions = _granted(Area.TIMESHEET, read, acting, Access.WRITE)
            found = reach_outcomes(Area.TIMESHEET, Access.WRITE, permissions)
            for name, own in (("own", True), ("team", False), ("other", False)):
                decided = reached_by_scopes(permissions, Area.TIMESHEET, Access.WRITE, own=own)
                if decided is not None:
                    assert decided == (found[name] == OK), (read, acting, name, found)
            teams_decide = {read, acting} <= {"team", "*"} and "team" in {read, acting}
            undecided = reached_by_scopes(permissions, Area.TIMESHEET, Access.WRITE, own=False)
            assert (undecided is None) == teams_decide, (read, acting)


@pytest.mark.parametrize(
    ("permissions", "employee"),
    [({"timesheet:read:*"}, "other"), ({"timesheet:read:own"}, "own")],
)
def test_a_check_the_scopes_decide_asks_no_org_tree_and_loads_no_employee(
    db: Database, world: World, permissions: set[str], employee: str
) -> None:
    caller = _caller(world, permissions)
    employee_id = world.employees()[employee]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        with db.transaction(workspace_id=world.workspace_id) as session:
            reached = reached_employee_id(session, caller, Area.TIMESHEET, employee_id)
            loaded = [row for row in session.identity_map.values() if isinstance(row, Employee)]
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", count)
    assert reached == employee_id
    assert loaded == []
    # The one prepared read of the employee's row runs on the driver connection, below
    # SQLAlchemy's statement events: any statement seen here is a query of the org tree.
    assert statements == []


def test_a_reach_granted_is_asked_once_in_a_unit_of_work_and_a_refusal_every_time(
    db: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    caller = _caller(world, {"timesheet:read:*", "timesheet:write:own"})
    other = world.employees()["other"]
    asked: list[int] = []
    read = LIVE_EMPLOYEE_USER.rows

    def counted(*args: Any, **values: Any) -> list[Any]:
        asked.append(values["employee_id"])
        return read(*args, **values)

    monkeypatch.setattr(LIVE_EMPLOYEE_USER, "rows", counted)
    with db.transaction(workspace_id=world.workspace_id) as session:
        for _ in range(3):
            assert reached_employee_id(session, caller, Area.TIMESHEET, other) == other
        for _ in range(2):
            with pytest.raises(Forbidden):
                reached_employee_id(session, caller, Area.TIMESHEET, other, Access.WRITE)
    assert asked == [other, other, other]


def test_a_readers_check_that_an_employee_is_live_is_kept_and_a_writers_asks_the_database(
    client: TestClient,
    db: Database,
    workspace: WorkspaceFixture,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caller = _caller(world, {"timesheet:read:*"})
    asked: list[int] = []
    read = LIVE_EMPLOYEE_USER.rows

    def counted(*args: Any, **values: Any) -> list[Any]:
        asked.append(values["employee_id"])
        return read(*args, **values)

    def check(employee_id: int, *, write: bool = False) -> int:
        with db.session(write=write, workspace_id=world.workspace_id) as session:
            return reached_employee_id(session, caller, Area.TIMESHEET, employee_id)

    monkeypatch.setattr(LIVE_EMPLOYEE_USER, "rows", counted)
    readers = [check(world.other), check(world.other), check(world.team)]
    # Deleted as another process would: no statement of this process's ORM or Core DML.
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE employees SET deleted_at = :at WHERE id = :id").bindparams(
                bindparam("at", type_=Employee.__table__.c.deleted_at.type)
            ),
            {"at": utcnow(), "id": world.other},
        )
    a_reader_within_the_seconds_kept = check(world.other)
    with pytest.raises(NotFound):
        check(world.other, write=True)
    gone = client.delete(f"/api/employees/{world.team}", headers=workspace.headers)

    assert readers == [world.other, world.other, world.team]
    assert asked == [world.other, world.team, world.other]
    assert a_reader_within_the_seconds_kept == world.other
    assert gone.status_code == 204, gone.text
    with pytest.raises(NotFound):
        check(world.team)


def _team_read(db: Database, world: World) -> tuple[set[int] | None, list[str]]:
    """The caller's team (read scope `team`) in a transaction of its own, and the queries of
    the org tree it sent."""
    caller = _caller(world, {"timesheet:read:team"})
    with statements_sent(db) as sent, db.transaction(workspace_id=world.workspace_id) as session:
        reached = employee_ids_reached(session, caller, Area.TIMESHEET, Access.READ)
    return reached, [statement for statement in sent if "org_unit_managers" in statement]


def test_a_team_is_read_from_the_org_tree_once_for_many_transactions(
    db: Database, world: World
) -> None:
    first, first_asked = _team_read(db, world)
    second, second_asked = _team_read(db, world)

    assert first == second == {world.own, world.team}
    assert len(first_asked) == 1
    assert second_asked == []


def test_a_change_of_the_org_chart_is_seen_by_the_next_read(
    client: TestClient, db: Database, workspace: WorkspaceFixture, world: World
) -> None:
    _team_read(db, world)
    gone = client.delete(f"/api/employees/{world.team}", headers=workspace.headers)
    assert gone.status_code == 204, gone.text

    after_the_api, _ = _team_read(db, world)
    with db.transaction(workspace_id=world.workspace_id) as session:
        session.execute(
            update(EmployeeVersion)
            .where(EmployeeVersion.employee_id == world.other)
            .values(org_unit_id=world.unit)
        )
    after_a_statement, _ = _team_read(db, world)

    assert after_the_api == {world.own}
    assert after_a_statement == {world.own, world.other}


def test_a_transaction_that_changes_the_org_chart_reads_it_not_the_cache(
    db: Database, world: World
) -> None:
    _team_read(db, world)
    caller = _caller(world, {"timesheet:read:team"})
    with db.transaction(workspace_id=world.workspace_id) as session:
        employee = session.get(Employee, world.team)
        assert employee is not None
        employee.deleted_at = utcnow()
        unflushed = employee_ids_reached(session, caller, Area.TIMESHEET, Access.READ)
        session.rollback()
    with db.transaction(workspace_id=world.workspace_id) as session:
        session.execute(
            update(EmployeeVersion)
            .where(EmployeeVersion.employee_id == world.other)
            .values(org_unit_id=world.unit)
        )
        flushed = employee_ids_reached(session, caller, Area.TIMESHEET, Access.READ)
        session.rollback()
    afterwards, _ = _team_read(db, world)

    assert unflushed == {world.own}
    assert flushed == {world.own, world.team, world.other}
    assert afterwards == {world.own, world.team}
