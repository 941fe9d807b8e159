"""Rules for users, roles, service users and their API keys."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timeledger.access.audit import record_audit
from timeledger.access.caller import PERSON, SERVICE, Caller
from timeledger.access.credentials import (
    PasswordHashing,
    TokenKind,
    check_password_strength,
    issue_token,
)
from timeledger.access.permissions import (
    BUILTIN_ROLES,
    OWNER_ROLE,
    ROLE_DESCRIPTIONS,
    validate_role_permissions,
)
from timeledger.changelog.service import record_change
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, Forbidden, NotFound, Unprocessable
from timeledger.kit.etag import etag_for
from timeledger.kit.views import view_of
from timeledger.models import ApiKey, PasswordResetToken, Role, User
from timeledger.organization.repository import EmployeeRepository
from timeledger.organization.service import ensure_employee_for_user
from timeledger.organization.today import workspace_today
from timeledger.users.repository import CredentialRepository, RoleRepository, UserRepository
from timeledger.users.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    MeUpdate,
    PasswordChange,
    RoleCreate,
    RoleRead,
    RoleUpdate,
    ServiceUserCreate,
    ServiceUserRead,
    ServiceUserUpdate,
    UserCreate,
    UserRead,
    UserUpdate,
)

PASSWORD_RESET_TTL = timedelta(hours=24)
LEAST_ROLE = "employee"
IfMatch = Callable[[str], None]


def user_etag(user: User) -> str:
    return etag_for("user", user.id, user.row_version)


def role_etag(role: Role) -> str:
    return etag_for("role", role.id, role.row_version)


def _log(
    session: Session,
    caller: Caller | None,
    workspace_id: int,
    entity: str,
    entity_id: int,
    op: str,
    data: dict[str, Any],
) -> None:
    record_change(
        session,
        workspace_id=workspace_id,
        actor_user_id=caller.user_id if caller else None,
        entity=entity,
        entity_id=entity_id,
        op=op,
        data=data,
    )


# Roles


def create_builtin_roles(session: Session, workspace_id: int) -> dict[str, Role]:
    now = utcnow()
    roles = {
        name: Role(
            workspace_id=workspace_id,
            name=name,
            description=ROLE_DESCRIPTIONS[name],
            permissions=sorted(permissions),
            builtin=True,
            created_at=now,
            updated_at=now,
        )
        for name, permissions in BUILTIN_ROLES.items()
    }
    RoleRepository(session).add_all(list(roles.values()))
    return roles


def sync_builtin_roles(session: Session, workspace_ids: Sequence[int]) -> int:
    """Bring the built-in roles of these workspaces to this release's `BUILTIN_ROLES`: each
    gets exactly the permissions and description defined now, and a workspace missing one
    (a built-in role added by a release) gets it unless a custom role holds its name.
    Custom roles, and built-in roles a release no longer defines, stay as they are.
    Idempotent; returns how many roles it created or changed."""
    by_workspace: dict[int, dict[str, Role]] = {workspace_id: {} for workspace_id in workspace_ids}
    for held in RoleRepository(session).of_workspaces(workspace_ids):
        by_workspace[held.workspace_id][held.name] = held
    now = utcnow()
    changed = 0
    for workspace_id, roles in by_workspace.items():
        for name, permissions in BUILTIN_ROLES.items():
            wanted = sorted(set(permissions))
            found = roles.get(name)
            if found is None:
                role = RoleRepository(session).add(
                    Role(
                        workspace_id=workspace_id,
                        name=name,
                        description=ROLE_DESCRIPTIONS[name],
                        permissions=wanted,
                        builtin=True,
                        created_at=now,
                        updated_at=now,
                    )
                )
                op = "created"
            elif not found.builtin or (
                sorted(found.permissions) == wanted and found.description == ROLE_DESCRIPTIONS[name]
            ):
                continue
            else:
                role = found
                role.permissions = wanted
                role.description = ROLE_DESCRIPTIONS[name]
                role.row_version += 1
                role.updated_at = now
                session.flush()
                op = "updated"
            changed += 1
            _log(session, None, workspace_id, "role", role.id, op,
                 RoleRead.model_validate(role).model_dump(mode="json"))  # fmt: skip
    return changed


def resolve_role(session: Session, caller: Caller | None, name: str) -> Role:
    role = RoleRepository(session).by_name(name)
    if role is None:
        raise Unprocessable(
            f"There is no role named {name!r}; GET /api/roles lists them.",
            errors=[{"location": "body.role", "message": "unknown role"}],
        )
    if caller is not None:
        if role.builtin and role.name == OWNER_ROLE:
            _require_owner(caller, "give someone the owner role")
        _require_within_own_permissions(caller, role.permissions, f"grant the role {name!r}")
    return role


def _require_owner(caller: Caller, doing: str) -> None:
    if caller.role_name != OWNER_ROLE:
        raise Forbidden(f"Only an owner may {doing}.")


def _require_within_own_permissions(caller: Caller, permissions: list[str], doing: str) -> None:
    """Nobody hands out, or takes over, more than their own role holds: otherwise whoever
    may create users, roles or keys could make themselves an admin."""
    missing = sorted(permission for permission in permissions if not caller.may(permission))
    if missing:
        raise Forbidden(
            f"You cannot {doing}: it holds permissions your role lacks ({', '.join(missing)}).",
            extra={"missing_permissions": missing},
        )


def role_names(session: Session) -> list[str]:
    """The workspace's roles by name, built-in and custom."""
    return sorted(role.name for role in session.scalars(RoleRepository(session).all()))


def get_role(session: Session, role_id: int) -> Role:
    role = RoleRepository(session).get(role_id)
    if role is None:
        raise NotFound(f"Role {role_id} does not exist.")
    return role


def create_role(session: Session, caller: Caller, data: RoleCreate) -> Role:
    repository = RoleRepository(session)
    if repository.by_name(data.name) is not None:
        raise Conflict(f"A role named {data.name!r} exists already.")
    permissions = validate_role_permissions(data.permissions)
    _require_within_own_permissions(caller, permissions, f"create the role {data.name!r}")
    now = utcnow()
    role = repository.add(
        Role(
            workspace_id=caller.workspace_id,
            name=data.name,
            description=data.description,
            permissions=permissions,
            builtin=False,
            created_at=now,
            updated_at=now,
        )
    )
    _log(
        session,
        caller,
        caller.workspace_id,
        "role",
        role.id,
        "created",
        RoleRead.model_validate(role).model_dump(mode="json"),
    )
    return role


def update_role(
    session: Session, caller: Caller, role_id: int, data: RoleUpdate, if_match: IfMatch
) -> Role:
    role = get_role(session, role_id)
    if_match(role_etag(role))
    if role.builtin:
        raise Conflict(f"The built-in role {role.name!r} cannot be changed; create a custom role.")
    changes = data.model_dump(exclude_unset=True)
    if changes.get("description") is not None:
        role.description = changes["description"]
    if changes.get("permissions") is not None:
        permissions = validate_role_permissions(changes["permissions"])
        _require_within_own_permissions(caller, permissions, f"give {role.name!r} these rights")
        role.permissions = permissions
    role.row_version += 1
    role.updated_at = utcnow()
    session.flush()
    _log(
        session,
        caller,
        caller.workspace_id,
        "role",
        role.id,
        "updated",
        RoleRead.model_validate(role).model_dump(mode="json"),
    )
    return role


def delete_role(session: Session, caller: Caller, role_id: int) -> None:
    role = get_role(session, role_id)
    if role.builtin:
        raise Conflict(f"The built-in role {role.name!r} cannot be deleted.")
    users = UserRepository(session)
    holders = users.count_with_role(role.id)
    if holders:
        raise Conflict(f"The role {role.name!r} is still held by {holders} user(s).")
    fallback = RoleRepository(session).by_name(LEAST_ROLE)
    assert fallback is not None, "every workspace has the built-in roles"
    users.move_deleted_holders(role.id, fallback.id)
    session.delete(role)
    session.flush()
    _log(session, caller, caller.workspace_id, "role", role_id, "deleted", {"id": role_id})


# People


def get_visible_person(session: Session, caller: Caller, user_id: int) -> User:
    user = UserRepository(session).get_visible(caller, user_id, PERSON, "users")
    if user is None:
        raise NotFound(f"User {user_id} does not exist.")
    return user


@dataclass(frozen=True)
class PersonAndWeek:
    user: User
    weekly_pattern_minutes: list[int] | None
    """Planned minutes per ISO weekday, Monday first, of the person's employee record in
    force today; None for a person without one."""


def people_and_weeks(
    session: Session, caller: Caller, user_id: int | None = None
) -> list[PersonAndWeek]:
    """The active people the caller sees, by name (or the one person asked for, whatever
    their status; 404 when not visible), each with their planned week."""
    if user_id is None:
        statement = UserRepository(session).people_matching(caller, status="active")
        people = list(session.scalars(statement.order_by(User.name, User.id)))
    else:
        people = [get_visible_person(session, caller, user_id)]
    today = workspace_today(session, caller.workspace_id)
    versions = EmployeeRepository(session).versions_of_users([user.id for user in people], today)
    return [
        PersonAndWeek(
            user, versions[user.id].weekly_pattern_minutes if user.id in versions else None
        )
        for user in people
    ]


def _guard_target(caller: Caller, target: User) -> None:
    """Acting on a user (changing, suspending, resetting, minting their keys) is as good
    as holding their role: owners are for owners, and no one acts on a stronger role."""
    if target.role.builtin and target.role.name == OWNER_ROLE:
        _require_owner(caller, "change an owner")
    _require_within_own_permissions(
        caller, target.role.permissions, f"act on a user with the role {target.role.name!r}"
    )


def _guard_last_owner(session: Session, target: User, doing: str) -> None:
    is_owner = target.role.builtin and target.role.name == OWNER_ROLE
    if (
        is_owner
        and target.status == "active"
        and UserRepository(session).count_active_owners() <= 1
    ):
        raise Conflict(f"Cannot {doing} the last active owner of the workspace.")


def _email_taken(session: Session, email: str, except_user: int | None = None) -> None:
    existing = UserRepository(session).by_email(email)
    if existing is not None and existing.id != except_user:
        raise Conflict(f"A user with the email {email.lower()} exists already in this workspace.")


def add_person(
    session: Session,
    *,
    workspace_id: int,
    email: str,
    name: str,
    role: Role,
    password_hash: str | None,
    timezone: str | None = None,
    language: str = "en",
    actor: Caller | None = None,
) -> User:
    now = utcnow()
    user = User(
        workspace_id=workspace_id,
        kind=PERSON,
        email=email.lower(),
        name=name,
        password_hash=password_hash,
        role_id=role.id,
        timezone=timezone,
        language=language,
        status="active",
        created_at=now,
        updated_at=now,
    )
    user.role = role
    UserRepository(session).add(user)
    _log(
        session,
        actor,
        workspace_id,
        "user",
        user.id,
        "created",
        UserRead.model_validate(user).model_dump(mode="json"),
    )
    ensure_employee_for_user(session, user, actor)
    return user


def create_user(
    session: Session, caller: Caller, data: UserCreate, hashing: PasswordHashing
) -> User:
    _email_taken(session, data.email)
    role = resolve_role(session, caller, data.role)
    password_hash = None
    if data.password is not None:
        check_password_strength(data.password)
        password_hash = hashing.hash(data.password)
    return add_person(
        session,
        workspace_id=caller.workspace_id,
        email=data.email,
        name=data.name,
        role=role,
        password_hash=password_hash,
        timezone=data.timezone,
        language=data.language,
        actor=caller,
    )


def _tombstone(user: User) -> str:
    """The name a deleted user keeps, which frees theirs for someone new."""
    suffix = f" (deleted #{user.id})"
    return user.name[: 200 - len(suffix)] + suffix


def _touch(user: User) -> None:
    user.row_version += 1
    user.updated_at = utcnow()


def update_user(
    session: Session, caller: Caller, user_id: int, data: UserUpdate, if_match: IfMatch
) -> User:
    user = get_visible_person(session, caller, user_id)
    if_match(user_etag(user))
    _guard_target(caller, user)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("email") is not None:
        _email_taken(session, changes["email"], except_user=user.id)
        user.email = changes["email"].lower()
    if changes.get("role") is not None:
        role = resolve_role(session, caller, changes["role"])
        if role.id != user.role_id:
            _guard_last_owner(session, user, "demote")
            user.role_id = role.id
            user.role = role
    for field in ("name", "timezone", "language"):
        if field in changes and (changes[field] is not None or field == "timezone"):
            setattr(user, field, changes[field])
    _touch(user)
    session.flush()
    _log(
        session,
        caller,
        caller.workspace_id,
        "user",
        user.id,
        "updated",
        UserRead.model_validate(user).model_dump(mode="json"),
    )
    return user


def set_user_status(session: Session, caller: Caller, user_id: int, status: str) -> User:
    """Suspend, reactivate or delete a person; leaving `active` ends every credential."""
    user = get_visible_person(session, caller, user_id)
    _guard_target(caller, user)
    if status != "active":
        if user.id == caller.user_id:
            raise Conflict("You cannot suspend or delete yourself.")
        _guard_last_owner(session, user, "suspend or delete")
        CredentialRepository(session).revoke_all_of(user.id, utcnow())
    if status == "deleted":
        # Email and name are free for a new person; the change log keeps who this was.
        user.email = None
        user.name = _tombstone(user)
    user.status = status
    _touch(user)
    session.flush()
    op = {"active": "reactivated", "suspended": "suspended", "deleted": "deleted"}[status]
    record_audit(
        session, caller.audit_record(f"user.{op}", "success", target_type="user", target_id=user.id)
    )
    _log(
        session,
        caller,
        caller.workspace_id,
        "user",
        user.id,
        op,
        UserRead.model_validate(user).model_dump(mode="json"),
    )
    return user


def reactivate_user(session: Session, caller: Caller, user_id: int) -> User:
    user = UserRepository(session).get(user_id)
    if user is None or user.kind != PERSON or user.status != "suspended":
        raise NotFound(f"No suspended user {user_id} exists.")
    return set_user_status(session, caller, user_id, "active")


@dataclass(frozen=True)
class IssuedReset:
    token: str
    expires_at: datetime


def issue_password_reset(session: Session, caller: Caller, user_id: int) -> IssuedReset:
    user = get_visible_person(session, caller, user_id)
    _guard_target(caller, user)
    issued = issue_token(TokenKind.PASSWORD_RESET)
    now = utcnow()
    reset = PasswordResetToken(
        workspace_id=caller.workspace_id,
        user_id=user.id,
        prefix=issued.prefix,
        secret_hash=issued.secret_hash,
        created_by_user_id=caller.user_id,
        created_at=now,
        expires_at=now + PASSWORD_RESET_TTL,
    )
    session.add(reset)
    session.flush()
    record_audit(
        session,
        caller.audit_record(
            "password_reset.issued", "success", target_type="user", target_id=user.id
        ),
    )
    return IssuedReset(token=issued.token, expires_at=reset.expires_at)


# The signed-in person


def get_me(session: Session, caller: Caller) -> User:
    user = UserRepository(session).get(caller.user_id)
    if user is None:
        raise NotFound("Your user no longer exists.")
    return user


def update_me(session: Session, caller: Caller, data: MeUpdate, if_match: IfMatch) -> User:
    user = get_me(session, caller)
    if_match(user_etag(user))
    for field, value in data.model_dump(exclude_unset=True).items():
        if value is not None or field == "timezone":
            setattr(user, field, value)
    _touch(user)
    session.flush()
    _log(
        session,
        caller,
        caller.workspace_id,
        "user",
        user.id,
        "updated",
        UserRead.model_validate(user).model_dump(mode="json"),
    )
    return user


def change_password(
    session: Session, caller: Caller, data: PasswordChange, hashing: PasswordHashing
) -> None:
    """Also ends every other session of the person: whoever knew the old password is out."""
    user = get_me(session, caller)
    if not hashing.verify(user.password_hash, data.current_password):
        raise Forbidden("The current password is wrong.")
    check_password_strength(data.new_password, location="body.new_password")
    user.password_hash = hashing.hash(data.new_password)
    _touch(user)
    keep = caller.credential_id if caller.credential_kind is TokenKind.SESSION else 0
    CredentialRepository(session).revoke_sessions_of(user.id, utcnow(), keep_session_id=keep)
    record_audit(
        session,
        caller.audit_record("password.changed", "success", target_type="user", target_id=user.id),
    )


# Service users


def get_visible_service_user(session: Session, caller: Caller, user_id: int) -> User:
    user = UserRepository(session).get_visible(caller, user_id, SERVICE, "service-users")
    if user is None:
        raise NotFound(f"Service user {user_id} does not exist.")
    return user


def visible_service_users(session: Session, caller: Caller) -> list[User]:
    """The live service users the caller sees, by name."""
    statement = UserRepository(session).visible_to(caller, SERVICE, "service-users")
    return list(session.scalars(statement.order_by(User.name, User.id)))


def add_service_user(
    session: Session, *, workspace_id: int, name: str, role: Role, actor: Caller | None
) -> User:
    if UserRepository(session).by_service_name(name) is not None:
        raise Conflict(f"A service user named {name!r} exists already.")
    now = utcnow()
    user = User(
        workspace_id=workspace_id,
        kind=SERVICE,
        name=name,
        role_id=role.id,
        status="active",
        created_at=now,
        updated_at=now,
    )
    user.role = role
    try:
        UserRepository(session).add(user)
    except IntegrityError:
        raise Conflict(f"A service user named {name!r} exists already.") from None
    _log(
        session,
        actor,
        workspace_id,
        "service_user",
        user.id,
        "created",
        ServiceUserRead.model_validate(user).model_dump(mode="json"),
    )
    return user


def create_service_user(session: Session, caller: Caller, data: ServiceUserCreate) -> User:
    role = resolve_role(session, caller, data.role)
    return add_service_user(
        session, workspace_id=caller.workspace_id, name=data.name, role=role, actor=caller
    )


def update_service_user(
    session: Session, caller: Caller, user_id: int, data: ServiceUserUpdate, if_match: IfMatch
) -> User:
    user = get_visible_service_user(session, caller, user_id)
    if_match(user_etag(user))
    _guard_target(caller, user)
    if data.name is not None and data.name != user.name:
        if UserRepository(session).by_service_name(data.name) is not None:
            raise Conflict(f"A service user named {data.name!r} exists already.")
        user.name = data.name
    if data.role is not None:
        role = resolve_role(session, caller, data.role)
        user.role_id = role.id
        user.role = role
    _touch(user)
    session.flush()
    _log(
        session,
        caller,
        caller.workspace_id,
        "service_user",
        user.id,
        "updated",
        ServiceUserRead.model_validate(user).model_dump(mode="json"),
    )
    return user


def delete_service_user(session: Session, caller: Caller, user_id: int) -> None:
    user = get_visible_service_user(session, caller, user_id)
    _guard_target(caller, user)
    CredentialRepository(session).revoke_all_of(user.id, utcnow())
    user.status = "deleted"
    user.name = _tombstone(user)
    _touch(user)
    record_audit(
        session,
        caller.audit_record(
            "service_user.deleted", "success", target_type="user", target_id=user.id
        ),
    )
    _log(session, caller, caller.workspace_id, "service_user", user.id, "deleted", {"id": user.id})


# API keys


def issue_api_key(
    session: Session, owner: User, data: ApiKeyCreate, actor: Caller | None
) -> ApiKeyCreated:
    now = utcnow()
    if data.expires_at is not None and data.expires_at <= now:
        raise Unprocessable(
            "expires_at must be in the future.",
            errors=[{"location": "body.expires_at", "message": "in the past"}],
        )
    issued = issue_token(TokenKind.API_KEY)
    key = ApiKey(
        workspace_id=owner.workspace_id,
        user_id=owner.id,
        name=data.name,
        prefix=issued.prefix,
        secret_hash=issued.secret_hash,
        created_at=now,
        expires_at=data.expires_at,
    )
    CredentialRepository(session).add(key)
    if actor is not None:
        record_audit(
            session,
            actor.audit_record(
                "api_key.created",
                "success",
                target_type="api_key",
                target_id=key.id,
                detail={"owner_user_id": owner.id, "prefix": key.prefix},
            ),
        )
    return view_of(ApiKeyCreated, key, key=issued.token)


def issue_service_user_key(
    session: Session, caller: Caller, user_id: int, data: ApiKeyCreate
) -> ApiKeyCreated:
    owner = get_visible_service_user(session, caller, user_id)
    _guard_target(caller, owner)
    return issue_api_key(session, owner, data, caller)


def revoke_service_user_key(session: Session, caller: Caller, user_id: int, key_id: int) -> None:
    owner = get_visible_service_user(session, caller, user_id)
    _guard_target(caller, owner)
    revoke_api_key(session, caller, owner, key_id)


def live_keys_of(session: Session, owner: User) -> list[ApiKey]:
    """The owner's keys not revoked, oldest first (expired ones included)."""
    statement = CredentialRepository(session).keys_of(owner.id)
    return list(session.scalars(statement.order_by(ApiKey.created_at, ApiKey.id)))


def get_key(session: Session, owner: User, key_id: int) -> ApiKey:
    key = CredentialRepository(session).key_of(owner.id, key_id)
    if key is None:
        raise NotFound(f"API key {key_id} does not exist.")
    return key


def revoke_api_key(session: Session, caller: Caller, owner: User, key_id: int) -> None:
    key = get_key(session, owner, key_id)
    key.revoked_at = utcnow()
    session.flush()
    record_audit(
        session,
        caller.audit_record(
            "api_key.revoked",
            "success",
            target_type="api_key",
            target_id=key.id,
            detail={"owner_user_id": owner.id, "prefix": key.prefix},
        ),
    )
