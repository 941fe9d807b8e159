from typing import Any

import pytest
from sqlalchemy import CursorResult, Result, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from tests.conftest import WorkspaceFixture
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.tenancy import CrossWorkspaceWrite, session_workspace_id, workspace_scoped
from timeledger.models import ApiKey, Role, User


def _role(name: str, workspace_id: int | None = None) -> Role:
    now = utcnow()
    role = Role(name=name, description="", permissions=[], created_at=now, updated_at=now)
    if workspace_id is not None:
        role.workspace_id = workspace_id
    return role


def _all_roles(db: Database) -> list[tuple[int, str, str]]:
    """Every role of every workspace, read without scoping."""
    with db.session(write=False) as session:
        rows = session.execute(
            select(Role.workspace_id, Role.name, Role.description).order_by(Role.id)
        ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def _rowcount(result: Result[Any]) -> int:
    """The rows a DML statement matched: Session.execute is typed as returning a Result, but
    for UPDATE and DELETE it is a CursorResult, which counts them."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def _role_ids(db: Database, workspace_id: int) -> set[int]:
    with db.session(write=False) as session:
        return set(session.scalars(select(Role.id).where(Role.workspace_id == workspace_id)))


def test_scoped_session_reads_and_lists_only_its_workspace(
    db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    ours, theirs = _role_ids(db, workspace.id), _role_ids(db, other_workspace.id)
    assert ours and theirs and not ours & theirs
    with db.session(write=False) as session:
        assert session_workspace_id(session) is None
        assert set(session.scalars(select(Role.workspace_id))) == {workspace.id, other_workspace.id}
    with db.session(write=False, workspace_id=workspace.id) as session:
        assert session_workspace_id(session) == workspace.id
        assert set(session.scalars(select(Role.id))) == ours
        assert {role.workspace_id for role in session.scalars(select(Role))} == {workspace.id}
        assert session.scalar(select(func.count()).select_from(Role)) == len(ours)
        assert session.get(Role, min(theirs)) is None
        assert session.get(User, other_workspace.owner_id) is None
        owner = session.get(User, workspace.owner_id)
        assert owner is not None
        assert owner.role.workspace_id == workspace.id
    with db.session(write=False, workspace_id=other_workspace.id) as session:
        joined = session.execute(
            select(User.email, Role.name).join(Role, User.role_id == Role.id)
        ).all()
        assert [tuple(row) for row in joined] == [(other_workspace.owner_email, "owner")]
        # Roles of any user: the subquery must not reach the other workspace's users.
        used = session.scalars(
            select(Role.workspace_id).where(Role.id.in_(select(User.role_id)))
        ).all()
        assert used == [other_workspace.id]
        keys = session.scalars(select(ApiKey.workspace_id)).all()
        assert keys and set(keys) == {other_workspace.id}


def test_scope_is_per_session(
    db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    first: Session = db.session(write=False, workspace_id=workspace.id)
    second: Session = db.session(write=False, workspace_id=other_workspace.id)
    try:
        assert set(first.scalars(select(Role.workspace_id))) == {workspace.id}
        assert set(second.scalars(select(Role.workspace_id))) == {other_workspace.id}
    finally:
        first.close()
        second.close()


def test_orm_updates_change_only_its_workspace(
    db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    theirs = min(_role_ids(db, other_workspace.id))
    with db.transaction(workspace_id=workspace.id) as session:
        changed = session.execute(update(Role).values(description="changed"))
        assert _rowcount(changed) == len(_role_ids(db, workspace.id))
        aimed = session.execute(
            update(Role).where(Role.id == theirs).values(description="aimed at the other")
        )
        assert _rowcount(aimed) == 0
    descriptions = {(ws, description == "changed") for ws, _, description in _all_roles(db)}
    assert descriptions == {(workspace.id, True), (other_workspace.id, False)}
    # An ORM bulk UPDATE by primary key naming a row of the other workspace is refused.
    ours = sorted(_role_ids(db, workspace.id))
    with (
        pytest.raises(CrossWorkspaceWrite, match="UPDATE"),
        db.transaction(workspace_id=workspace.id) as session,
    ):
        session.execute(
            update(Role),
            [{"id": ours[0], "description": "bulk"}, {"id": theirs, "description": "bulk"}],
        )
    assert [ws for ws, _, description in _all_roles(db) if description == "bulk"] == []
    with db.transaction(workspace_id=workspace.id) as session:
        session.execute(update(Role), [{"id": id_, "description": "bulk"} for id_ in ours[:2]])
    updated = [ws for ws, _, description in _all_roles(db) if description == "bulk"]
    assert updated == [workspace.id, workspace.id]


def test_orm_delete_removes_only_its_workspace(
    db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    with db.transaction() as session:
        for workspace_id in (workspace.id, other_workspace.id):
            session.add_all([_role("temp-a", workspace_id), _role("temp-b", workspace_id)])
    with db.transaction(workspace_id=workspace.id) as session:
        deleted = session.execute(delete(Role).where(Role.name.like("temp-%")))
        assert _rowcount(deleted) == 2
    remaining = [(ws, name) for ws, name, _ in _all_roles(db) if name.startswith("temp-")]
    assert remaining == [(other_workspace.id, "temp-a"), (other_workspace.id, "temp-b")]


def test_new_rows_are_stamped_with_the_workspace_or_refused(
    db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    with db.transaction(workspace_id=other_workspace.id) as session:
        role = _role("stamped")
        session.add(role)
        session.flush()
        assert role.workspace_id == other_workspace.id
    assert (other_workspace.id, "stamped", "") in _all_roles(db)
    with (
        pytest.raises(CrossWorkspaceWrite, match="Role"),
        db.transaction(workspace_id=workspace.id) as session,
    ):
        session.add(_role("intruder", other_workspace.id))
        session.flush()
    assert [name for _, name, _ in _all_roles(db) if name == "intruder"] == []


def _detached_role_of(db: Database, workspace_id: int) -> Role:
    with db.session(write=False) as session:
        role = session.scalars(
            select(Role).where(Role.workspace_id == workspace_id, Role.name == "employee")
        ).one()
        session.expunge(role)
    return role


def test_changing_or_deleting_a_row_of_another_workspace_is_refused(
    db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    foreign = _detached_role_of(db, other_workspace.id)
    rewritten = "rewritten from another workspace"
    with (
        pytest.raises(CrossWorkspaceWrite),
        db.transaction(workspace_id=workspace.id) as session,
    ):
        session.add(foreign)
        foreign.description = rewritten
        session.flush()
    assert all(description != rewritten for _, _, description in _all_roles(db))
    with db.transaction() as session:
        session.add(_role("doomed", other_workspace.id))
    with db.session(write=False) as session:
        doomed = session.scalars(select(Role).where(Role.name == "doomed")).one()
        session.expunge(doomed)
    with (
        pytest.raises(CrossWorkspaceWrite),
        db.transaction(workspace_id=workspace.id) as session,
    ):
        session.add(doomed)
        session.delete(doomed)
        session.flush()
    assert (other_workspace.id, "doomed", "") in _all_roles(db)


def test_orm_bulk_insert_of_another_workspace_is_refused(
    db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    now = utcnow()
    row = {"name": "bulk", "description": "", "permissions": [], "builtin": False}
    row |= {"row_version": 1, "created_at": now, "updated_at": now}
    with (
        pytest.raises(CrossWorkspaceWrite),
        db.transaction(workspace_id=workspace.id) as session,
    ):
        session.execute(insert(Role), [row | {"workspace_id": other_workspace.id}])
    with (
        pytest.raises(CrossWorkspaceWrite),
        db.transaction(workspace_id=workspace.id) as session,
    ):
        session.execute(insert(Role).values(**row, workspace_id=other_workspace.id))
    with db.transaction(workspace_id=workspace.id) as session:
        session.execute(insert(Role), [row])
    assert [ws for ws, name, _ in _all_roles(db) if name == "bulk"] == [workspace.id]


ROLE_IDS_NAMED = select(Role.id).where(Role.name != bindparam("other_than"))


def test_a_statement_built_once_is_scoped_once_and_reads_each_workspace_its_own_rows(
    db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    ours, theirs = _role_ids(db, workspace.id), _role_ids(db, other_workspace.id)
    assert ours and theirs and not ours & theirs
    scoped_statements: set[int] = set()
    for _ in range(2):
        for fixture in (workspace, other_workspace, workspace):
            with db.session(write=False, workspace_id=fixture.id) as session:
                ids = set(session.scalars(ROLE_IDS_NAMED, {"other_than": ""}))
                assert ids == (ours if fixture is workspace else theirs)
                scoped_statements.add(id(workspace_scoped(ROLE_IDS_NAMED)))
    assert len(scoped_statements) == 1


def test_an_expired_object_and_its_joined_relation_reload_in_a_scoped_session(
    db: Database, workspace: WorkspaceFixture
) -> None:
    with db.session(write=False, workspace_id=workspace.id) as session:
        user = session.scalars(select(User).order_by(User.id)).first()
        assert user is not None
        role_name = user.role.name
        session.expire(user)
        assert user.role.name == role_name
        session.expire(user, ["name"])
        assert user.name
