"""Queries on users, roles and credentials; tenant scoping comes from the session."""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.access.permissions import Scope
from timeledger.models import ApiKey, AuthSession, Employee, OAuthToken, Role, User
from timeledger.organization.teams import managed_user_ids

LIVE_STATUSES = ("active", "suspended")
_LIVE_OF_KIND = {
    kind: select(User).where(User.kind == kind, User.status.in_(LIVE_STATUSES))
    for kind in ("person", "service")
}
_LIVE_OF_KIND_BY_ID = {
    kind: statement.where(User.id == bindparam("user_id"))
    for kind, statement in _LIVE_OF_KIND.items()
}
"""Built once: building them took a seventh of the time of reading one user."""


@dataclass(frozen=True)
class RoleNames:
    """Roles by name: those named, or (`all_but`) every role but those named."""

    names: frozenset[str]
    all_but: bool = False


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def visible_to(self, caller: Caller, kind: str, area: str = "users") -> Select[User]:
        """The users of `kind` this caller may read, per the scope of `<area>:read`."""
        return self._within_scope(_LIVE_OF_KIND[kind], caller, area)

    def _within_scope(self, statement: Select[User], caller: Caller, area: str) -> Select[User]:
        scope = caller.scope_for(area, "read")
        if scope is Scope.ALL:
            return statement
        allowed = {caller.user_id}
        if scope is Scope.TEAM:
            allowed |= managed_user_ids(self.session, caller.user_id)
        return statement.where(User.id.in_(allowed))

    def people_matching(
        self,
        caller: Caller,
        *,
        status: str | None = None,
        role: str | None = None,
        text: str | None = None,
        name: str | None = None,
        email: str | None = None,
        ids: list[int] | None = None,
        among: Collection[int] | None = None,
        roles: RoleNames | None = None,
    ) -> Select[User]:
        """The people visible to the caller, filtered; `text` is a literal part of the name
        or email, `name` and `email` of that field alone (`%` and `_` match only
        themselves); `among` None is everyone, else only those (none when empty)."""
        statement = self.visible_to(caller, "person")
        if ids:
            statement = statement.where(User.id.in_(ids))
        if among is not None:
            statement = statement.where(User.id.in_(sorted(among)))
        if status:
            statement = statement.where(User.status == status)
        if role:
            statement = statement.join(Role, User.role_id == Role.id).where(Role.name == role)
        if roles is not None:
            named = Role.name.in_(sorted(roles.names))
            statement = statement.join(Role, User.role_id == Role.id).where(
                ~named if roles.all_but else named
            )
        if text:
            statement = statement.where(_contains(User.name, text) | _contains(User.email, text))
        if name:
            statement = statement.where(_contains(User.name, name))
        if email:
            statement = statement.where(_contains(User.email, email))
        return statement

    def people_with_records(
        self, employee_ids: Collection[int] | None, *, limit: int, offset: int
    ) -> list[tuple[int, int]]:
        """`(user id, employee id)` of the live people with a live employee record among
        `employee_ids` (None: any), in user id order, `limit` of them from `offset`."""
        statement = (
            select(User.id, Employee.id)
            .join(Employee, Employee.user_id == User.id)
            .where(
                User.kind == "person",
                User.status.in_(LIVE_STATUSES),
                Employee.deleted_at.is_(None),
            )
        )
        if employee_ids is not None:
            statement = statement.where(Employee.id.in_(sorted(employee_ids)))
        rows = self.session.execute(statement.order_by(User.id).limit(limit).offset(offset))
        return [(user_id, employee_id) for user_id, employee_id in rows]

    def by_ids(self, user_ids: Iterable[int]) -> list[User]:
        wanted = sorted(set(user_ids))
        if not wanted:
            return []
        return list(self.session.scalars(select(User).where(User.id.in_(wanted))))

    def names_of(self, user_ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        rows = self.session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
        return {row.id: row.name for row in rows}

    def get_visible(self, caller: Caller, user_id: int, kind: str, area: str) -> User | None:
        statement = self._within_scope(_LIVE_OF_KIND_BY_ID[kind], caller, area)
        return self.session.scalars(statement, {"user_id": user_id}).one_or_none()

    def get(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    def by_email(self, email: str) -> User | None:
        return self.session.scalars(
            select(User).where(func.lower(User.email) == email.lower())
        ).one_or_none()

    def by_service_name(self, name: str) -> User | None:
        """A live service user: a deleted one keeps its row but not its name."""
        return self.session.scalars(
            select(User).where(
                User.kind == "service", User.name == name, User.status.in_(LIVE_STATUSES)
            )
        ).one_or_none()

    def people_signing_in_as(self, email: str) -> Sequence[User]:
        """Across workspaces: the sign-in form does not know the workspace yet."""
        return self.session.scalars(
            select(User).where(
                func.lower(User.email) == email.lower(),
                User.kind == "person",
                User.status == "active",
            )
        ).all()

    def count_active_owners(self) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(User)
                .join(Role, User.role_id == Role.id)
                .where(
                    Role.name == "owner",
                    Role.builtin.is_(True),
                    User.kind == "person",
                    User.status == "active",
                )
            )
            or 0
        )

    def count_with_role(self, role_id: int) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role_id == role_id, User.status.in_(LIVE_STATUSES))
            )
            or 0
        )

    def move_deleted_holders(self, from_role_id: int, to_role_id: int) -> None:
        """Deleted users keep their rows (and a role, which the schema requires)."""
        self.session.execute(
            update(User)
            .where(User.role_id == from_role_id, User.status == "deleted")
            .values(role_id=to_role_id)
            .execution_options(synchronize_session="fetch")
        )

    def add(self, user: User) -> User:
        self.session.add(user)
        self.session.flush()
        return user


class RoleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> Select[Role]:
        return select(Role)

    def get(self, role_id: int) -> Role | None:
        return self.session.get(Role, role_id)

    def by_name(self, name: str) -> Role | None:
        return self.session.scalars(select(Role).where(Role.name == name)).one_or_none()

    def of_workspaces(self, workspace_ids: Sequence[int]) -> list[Role]:
        """Every role of these workspaces (an unscoped session reaches them all)."""
        if not workspace_ids:
            return []
        return list(
            self.session.scalars(
                select(Role).where(Role.workspace_id.in_(workspace_ids)).order_by(Role.id)
            )
        )

    def add(self, role: Role) -> Role:
        self.session.add(role)
        self.session.flush()
        return role

    def add_all(self, roles: Sequence[Role]) -> None:
        self.session.add_all(roles)
        self.session.flush()


class CredentialRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def keys_of(self, user_id: int) -> Select[ApiKey]:
        return select(ApiKey).where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))

    def key_of(self, user_id: int, key_id: int) -> ApiKey | None:
        return self.session.scalars(self.keys_of(user_id).where(ApiKey.id == key_id)).one_or_none()

    def sessions_of(self, user_id: int, now: datetime) -> Select[AuthSession]:
        return select(AuthSession).where(
            AuthSession.user_id == user_id,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > now,
        )

    def session_of(self, user_id: int, session_id: int, now: datetime) -> AuthSession | None:
        return self.session.scalars(
            self.sessions_of(user_id, now).where(AuthSession.id == session_id)
        ).one_or_none()

    def revoke_all_of(self, user_id: int, now: datetime) -> None:
        for model in (ApiKey, AuthSession, OAuthToken):
            self.session.execute(
                update(model)
                .where(model.user_id == user_id, model.revoked_at.is_(None))
                .values(revoked_at=now)
                .execution_options(synchronize_session="fetch")
            )

    def revoke_sessions_of(self, user_id: int, now: datetime, *, keep_session_id: int) -> None:
        self.session.execute(
            update(AuthSession)
            .where(
                AuthSession.user_id == user_id,
                AuthSession.revoked_at.is_(None),
                AuthSession.id != keep_session_id,
            )
            .values(revoked_at=now)
            .execution_options(synchronize_session="fetch")
        )

    def add(self, row: ApiKey | AuthSession) -> None:
        self.session.add(row)
        self.session.flush()
