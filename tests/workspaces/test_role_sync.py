"""Built-in roles of existing workspaces follow the permissions of the running release."""

from pathlib import Path

from sqlalchemy import select

from tests.conftest import WorkspaceFixture
from tests.test_cli import run_cli
from timeledger.access.permissions import BUILTIN_ROLES
from timeledger.kit.db import Database
from timeledger.models import Change, Role
from timeledger.workspaces.service import sync_builtin_roles_of_all_workspaces

GROWN = "projects:read:*"


def _roles(db: Database, workspace_id: int) -> dict[str, Role]:
    with db.transaction(workspace_id=workspace_id) as session:
        roles = session.scalars(select(Role)).all()
        session.expunge_all()
    return {role.name: role for role in roles}


def _make_outdated(db: Database, workspace_id: int) -> None:
    """As if the workspace was created by a release whose manager lacked `GROWN`, with a
    custom role holding little and an employee role holding a permission since dropped."""
    with db.transaction(workspace_id=workspace_id) as session:
        roles = {role.name: role for role in session.scalars(select(Role))}
        manager = roles["manager"]
        manager.permissions = [p for p in manager.permissions if p != GROWN]
        roles["employee"].permissions = [*roles["employee"].permissions, "users:read:*"]
        session.add(
            Role(
                workspace_id=workspace_id,
                name="auditor",
                permissions=["audit-log:read:*"],
                builtin=False,
                created_at=manager.created_at,
                updated_at=manager.updated_at,
            )
        )


def _changes(db: Database, workspace_id: int) -> list[tuple[str, str]]:
    with db.transaction(workspace_id=workspace_id) as session:
        rows = session.execute(
            select(Change.entity, Change.op).where(Change.entity == "role")
        ).all()
    return [(entity, op) for entity, op in rows]


def test_sync_gives_built_in_roles_the_current_permissions_once(
    db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    _make_outdated(db, workspace.id)
    assert GROWN not in _roles(db, workspace.id)["manager"].permissions
    version_before = _roles(db, workspace.id)["manager"].row_version
    with db.transaction() as session:
        assert sync_builtin_roles_of_all_workspaces(session) == 2
    roles = _roles(db, workspace.id)
    for name, permissions in BUILTIN_ROLES.items():
        assert sorted(roles[name].permissions) == sorted(set(permissions)), name
    assert roles["manager"].row_version == version_before + 1
    assert roles["auditor"].permissions == ["audit-log:read:*"]
    assert _changes(db, workspace.id) == [("role", "updated"), ("role", "updated")]
    # The other workspace was current already; a second run changes nothing anywhere.
    assert _changes(db, other_workspace.id) == []
    with db.transaction() as session:
        assert sync_builtin_roles_of_all_workspaces(session) == 0
    assert _roles(db, workspace.id)["manager"].row_version == version_before + 1
    assert len(_changes(db, workspace.id)) == 2


def test_a_missing_built_in_role_is_created(db: Database, workspace: WorkspaceFixture) -> None:
    with db.transaction(workspace_id=workspace.id) as session:
        developer = session.scalars(select(Role).where(Role.name == "developer")).one()
        session.delete(developer)
    with db.transaction() as session:
        assert sync_builtin_roles_of_all_workspaces(session) == 1
    created = _roles(db, workspace.id)["developer"]
    assert created.builtin
    assert sorted(created.permissions) == sorted(BUILTIN_ROLES["developer"])


def test_migrate_runs_the_sync(
    database_url: str, db: Database, workspace: WorkspaceFixture, tmp_path: Path
) -> None:
    _make_outdated(db, workspace.id)
    result = run_cli(database_url, tmp_path, "migrate")
    assert result.returncode == 0, result.stderr
    assert GROWN in _roles(db, workspace.id)["manager"].permissions
