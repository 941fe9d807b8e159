"""Creating a workspace with its built-in roles and owner; reading and changing it."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from timeledger.access.audit import record_audit
from timeledger.access.caller import Caller
from timeledger.access.credentials import PasswordHashing, check_password_strength
from timeledger.changelog.service import head_revision, record_change
from timeledger.entries.day_totals import restate_week_starts
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, NotFound, Unprocessable
from timeledger.kit.etag import etag_for
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.kit.timeutil import DateKeyword, instants_of, keyword_range_in_zone, zone
from timeledger.kit.views import view_of
from timeledger.models import User, Workspace
from timeledger.settings.kind_schemas import MIN_DATE
from timeledger.settings.service import create_default_activities
from timeledger.settings.store import Actor
from timeledger.timeoff.jobs import install_default_schedules
from timeledger.users.schemas import ApiKeyCreate
from timeledger.users.service import (
    add_person,
    create_builtin_roles,
    issue_api_key,
    sync_builtin_roles,
)
from timeledger.workspaces.repository import WorkspaceRepository
from timeledger.workspaces.schemas import (
    GoodTimeFaceRead,
    GoodTimeFaceUpdate,
    WorkspaceRead,
    WorkspaceUpdate,
)

FACES = "faces"
GOODTIME = "goodtime"


class WorkspaceExists(Conflict):
    pass


@dataclass(frozen=True)
class NewWorkspace:
    workspace: Workspace
    owner: User
    api_key: str


@dataclass(frozen=True)
class GoodTimeFace:
    """The GoodTime face's setting, kept in `Workspace.settings["faces"]["goodtime"]`.
    `password_version` grows with every new API password: tokens issued under an older
    one stop working."""

    enabled: bool = False
    api_password_hash: str | None = None
    password_version: int = 0
    lockable_entries: bool = False

    @classmethod
    def of(cls, workspace: Workspace) -> "GoodTimeFace":
        return cls.of_settings(workspace.settings or {})

    @classmethod
    def of_settings(cls, settings: dict[str, Any]) -> "GoodTimeFace":
        stored = settings.get(FACES, {}).get(GOODTIME, {})
        return cls(
            enabled=bool(stored.get("enabled", False)),
            api_password_hash=stored.get("api_password_hash"),
            password_version=int(stored.get("password_version", 0)),
            lockable_entries=bool(stored.get("lockable_entries", False)),
        )

    @property
    def open(self) -> bool:
        """Enabled with a password: GoodTime clients may log in."""
        return self.enabled and self.api_password_hash is not None

    def stored(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "api_password_hash": self.api_password_hash,
            "password_version": self.password_version,
            "lockable_entries": self.lockable_entries,
        }

    def view(self) -> GoodTimeFaceRead:
        return GoodTimeFaceRead(
            enabled=self.enabled,
            api_password_set=self.api_password_hash is not None,
            lockable_entries=self.lockable_entries,
        )


def _public_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings as shown and logged: a face's password only as whether it is set."""
    faces = settings.get(FACES)
    if not isinstance(faces, dict) or GOODTIME not in faces:
        return settings
    goodtime = GoodTimeFace.of_settings(settings).view().model_dump()
    return {**settings, FACES: {**faces, GOODTIME: goodtime}}


def workspace_view(session: Session, workspace: Workspace) -> WorkspaceRead:
    return view_of(
        WorkspaceRead,
        workspace,
        settings=_public_settings(workspace.settings),
        revision=head_revision(session, workspace.id),
    )


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
        data=workspace_view(session, workspace).model_dump(mode="json"),
    )
    # In force since MIN_DATE, so history from before the workspace existed can be imported.
    create_default_activities(session, Actor(workspace.id, None), MIN_DATE)
    install_default_schedules(session, workspace.id)
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


def goodtime_face(workspace: Workspace) -> GoodTimeFace:
    return GoodTimeFace.of(workspace)


def update_goodtime_face(
    session: Session,
    caller: Caller,
    data: GoodTimeFaceUpdate,
    hashing: PasswordHashing,
    if_match: Callable[[str], None],
) -> GoodTimeFace:
    """Turn the GoodTime face on or off, set its API password (kept only as a hash) and
    its lockable entries. Enabling needs a password, given now or before."""
    workspace = get_workspace(session, caller)
    if_match(workspace_etag(workspace))
    face = goodtime_face(workspace)
    password_changed = data.api_password is not None
    if data.api_password is not None:
        check_password_strength(data.api_password, location="body.api_password")
        face = replace(
            face,
            api_password_hash=hashing.hash(data.api_password),
            password_version=face.password_version + 1,
        )
    if data.enabled and face.api_password_hash is None:
        raise Unprocessable.at(
            "body.api_password",
            "Set an API password to enable the GoodTime face.",
            "required to enable",
        )
    face = replace(face, enabled=data.enabled, lockable_entries=data.lockable_entries)
    settings = dict(workspace.settings or {})
    # A new dict: the JSON column is not mutation-tracked.
    settings[FACES] = {**settings.get(FACES, {}), GOODTIME: face.stored()}
    workspace.settings = settings
    workspace.row_version += 1
    workspace.updated_at = utcnow()
    session.flush()
    public = face.view().model_dump()
    record_change(
        session,
        workspace_id=workspace.id,
        actor_user_id=caller.user_id,
        entity="workspace",
        entity_id=workspace.id,
        op="updated",
        data={FACES: {GOODTIME: public}},
    )
    record_audit(
        session,
        caller.audit_record(
            "workspace.goodtime_face.updated",
            "success",
            target_type="workspace",
            target_id=workspace.id,
            detail={**public, "api_password_changed": password_changed},
        ),
    )
    return face


def workspace_period(
    session: Session, caller: Caller, keyword: DateKeyword
) -> tuple[datetime, datetime]:
    """The instants a named range covers in the caller's workspace (its zone, week start)."""
    workspace = get_workspace(session, caller)
    days = keyword_range_in_zone(
        keyword, timezone=workspace.timezone, week_start=workspace.week_start
    )
    return instants_of(days, workspace.timezone)
