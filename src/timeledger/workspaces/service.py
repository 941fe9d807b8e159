"""Creating a workspace with its built-in roles and owner; reading and changing it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from timeledger.changes.service import record_change
from timeledger.configuration.schemas import MIN_DATE
from timeledger.configuration.store import Actor
from timeledger.identity.access import Caller
from timeledger.identity.credentials import PasswordHashing, check_password_strength
from timeledger.kit.errors import Conflict, NotFound
from timeledger.kit.etag import etag_for
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.kit.timeutil import (
    DateKeyword,
    instants_of,
    keyword_range_in_zone,
    utcnow,
    zone,
)
from timeledger.models import User, Workspace
from timeledger.settings.service import create_default_activities
from timeledger.timesheet.totals import restate_week_starts
from timeledger.users.schemas import ApiKeyCreate
from timeledger.users.service import (
    add_person,
    create_builtin_roles,
    issue_api_key,
    sync_builtin_roles,
)
from timeledger.workspaces.repository import WorkspaceRepository
from timeledger.workspaces.schemas import WorkspaceRead, WorkspaceUpdate


class WorkspaceExists(Conflict):
    pass


@dataclass(frozen=True)
class NewWorkspace:
    workspace: Workspace
    owner: User
    api_key: str


def workspace_view(workspace: Workspace) -> WorkspaceRead:
    return WorkspaceRead.model_validate(workspace, from_attributes=True)


def workspace_etag(workspace: Workspace) -> str:
    return etag_for("workspace", workspace.id, workspace.row_version)


def sync_builtin_roles_of_all_workspaces(session: Session) -> int:
    """After an upgrade: every workspace's built-in roles hold this release's permissions
    (an unscoped session; idempotent). Returns how many roles were created or changed."""
    return sync_builtin_roles(session, WorkspaceRepository(session).all_ids())


def create_workspace(
    session: Session,
    *,
    name: str,
    owner_email: str,
    owner_password: str,
    hashing: PasswordHashing,
    timezone: str = "UTC",
    locale: str = "en",
    currency: str = "EUR",
    week_start: int = 1,
) -> NewWorkspace:
    """A workspace, its built-in roles, its owner and the owner's first personal API key."""
    zone(timezone)
    check_password_strength(owner_password, location="owner_password")
    repository = WorkspaceRepository(session)
    if repository.by_name(name) is not None:
        raise WorkspaceExists(f"A workspace named {name!r} exists already.")
    now = utcnow()
    workspace = repository.add(
        Workspace(
            name=name,
            timezone=timezone,
            locale=locale,
            currency=currency,
            week_start=week_start,
            settings={},
            revision=0,
            created_at=now,
            updated_at=now,
        )
    )
    scope_session_to_workspace(session, workspace.id)
    roles = create_builtin_roles(session, workspace.id)
    owner = add_person(
        session,
        workspace_id=workspace.id,
        email=owner_email,
        name=owner_email.split("@")[0],
        role=roles["owner"],
        password_hash=hashing.hash(owner_password),
        timezone=timezone,
    )
    key = issue_api_key(session, owner, ApiKeyCreate(name="Initial owner key"), actor=None)
    record_change(
        session,
        workspace_id=workspace.id,
        actor_user_id=None,
        entity="workspace",
        entity_id=workspace.id,
        op="created",
        data=workspace_view(workspace).model_dump(mode="json"),
    )
    # In force since MIN_DATE, so history from before the workspace existed can be imported.
    create_default_activities(session, Actor(workspace.id, None), MIN_DATE)
    return NewWorkspace(workspace=workspace, owner=owner, api_key=key.key)


def get_workspace(session: Session, caller: Caller) -> Workspace:
    workspace = WorkspaceRepository(session).get(caller.workspace_id)
    if workspace is None:
        raise NotFound("The workspace no longer exists.")
    return workspace


def update_workspace(
    session: Session, caller: Caller, data: WorkspaceUpdate, if_match: Callable[[str], None]
) -> Workspace:
    workspace = get_workspace(session, caller)
    if_match(workspace_etag(workspace))
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    renamed = "name" in changes and changes["name"] != workspace.name
    new_week_start = changes.get("week_start", workspace.week_start) != workspace.week_start
    if renamed and WorkspaceRepository(session).by_name(changes["name"]) is not None:
        raise WorkspaceExists(f"A workspace named {changes['name']!r} exists already.")
    for field, value in changes.items():
        setattr(workspace, field, value)
    workspace.row_version += 1
    workspace.updated_at = utcnow()
    session.flush()
    if new_week_start:
        restate_week_starts(session, workspace.week_start)
    record_change(
        session,
        workspace_id=workspace.id,
        actor_user_id=caller.user_id,
        entity="workspace",
        entity_id=workspace.id,
        op="updated",
        data=changes,
    )
    session.refresh(workspace)
    return workspace


def workspace_period(
    session: Session, caller: Caller, keyword: DateKeyword
) -> tuple[datetime, datetime]:
    """The instants a named range covers in the caller's workspace (its zone, week start)."""
    workspace = get_workspace(session, caller)
    days = keyword_range_in_zone(
        keyword, timezone=workspace.timezone, week_start=workspace.week_start
    )
    return instants_of(days, workspace.timezone)
