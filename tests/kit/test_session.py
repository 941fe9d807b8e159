from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import ORMExecuteState

from tests.conftest import WorkspaceFixture, statements_sent
from timeledger.kit.db import Database
from timeledger.kit.session import KeyedReadSession
from timeledger.models import Role, User


def _role_id(db: Database, workspace: WorkspaceFixture) -> int:
    with db.session(write=False, workspace_id=workspace.id) as session:
        owner = session.get(User, workspace.owner_id)
        assert owner is not None
        return owner.role_id


def test_every_session_of_a_database_reads_by_key(db: Database) -> None:
    for write in (False, True):
        with db.session(write=write) as session:
            assert isinstance(session, KeyedReadSession)


def test_a_get_reads_once_with_the_statement_kept_for_its_model(
    db: Database, workspace: WorkspaceFixture
) -> None:
    role_id = _role_id(db, workspace)
    executed: list[Any] = []

    def remember(state: ORMExecuteState) -> None:
        executed.append(state.statement)

    loaded: list[Role | None] = []
    for _ in range(2):
        with db.session(write=False, workspace_id=workspace.id) as session:
            event.listen(session, "do_orm_execute", remember)
            with statements_sent(db) as statements:
                loaded.extend(session.get(Role, role_id) for _ in range(2))
            assert len(statements) == 1, "the second get is answered by the session"
    first, again, other_session, _ = loaded
    assert first is not None and first is again and first.id == role_id
    assert other_session is not None and other_session.name == first.name
    assert len(executed) == 2 and executed[0] is executed[1]


def test_a_get_keeps_the_workspace_scope_and_answers_none_for_a_missing_row(
    db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    theirs = _role_id(db, other_workspace)
    with db.session(write=False, workspace_id=workspace.id) as session:
        assert session.get(Role, theirs) is None
        assert session.get(Role, 10**9) is None
    with db.session(write=False) as session:
        found = session.get(Role, theirs)
        assert found is not None and found.workspace_id == other_workspace.id


def test_a_get_with_arguments_is_sqlalchemys_own(db: Database, workspace: WorkspaceFixture) -> None:
    role_id = _role_id(db, workspace)
    roles: Any = Role.__table__
    with db.session(write=True, workspace_id=workspace.id) as session:
        role = session.get(Role, role_id)
        assert role is not None
        before = role.description
        changed = update(roles).where(roles.c.id == role_id).values(description="changed")
        session.connection().execute(changed)
        assert session.get(Role, role_id) is role and role.description == before
        refreshed = session.get(Role, role_id, populate_existing=True)
        assert refreshed is role and role.description == "changed"
        session.rollback()
