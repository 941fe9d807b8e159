"""Permission strings `area:action:scope` and the built-in roles.

Scopes nest: `*` (the whole workspace) includes `team` (employees of the org units the
caller manages, recursively), which includes `own`. Holding `timesheet:read:*` therefore
satisfies an operation that declares `timesheet:read:own`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from timeledger.kit.errors import Unprocessable


class Scope(IntEnum):
    OWN = 1
    TEAM = 2
    ALL = 3

    @classmethod
    def parse(cls, token: str) -> "Scope":
        return {"own": cls.OWN, "team": cls.TEAM, "*": cls.ALL}[token]

    @property
    def token(self) -> str:
        return {Scope.OWN: "own", Scope.TEAM: "team", Scope.ALL: "*"}[self]


@dataclass(frozen=True)
class Permission:
    area: str
    action: str
    scope: Scope

    @classmethod
    def parse(cls, text: str) -> "Permission":
        parts = text.split(":")
        if len(parts) != 3 or not all(parts) or parts[2] not in {"own", "team", "*"}:
            raise ValueError(f"not a permission: {text!r} (expected area:action:own|team|*)")
        return cls(parts[0], parts[1], Scope.parse(parts[2]))

    def __str__(self) -> str:
        return f"{self.area}:{self.action}:{self.scope.token}"


def widest_scope(held: Iterable[str], area: str, action: str) -> Scope | None:
    return _widest_scopes(frozenset(held)).get((area, action))


@lru_cache(maxsize=1024)
def _widest_scopes(held: frozenset[str]) -> dict[tuple[str, str], Scope]:
    """The widest scope per (area, action) of one set of permissions: a role's set is
    parsed once per process, not on every permission check."""
    widest: dict[tuple[str, str], Scope] = {}
    for permission in map(Permission.parse, held):
        key = (permission.area, permission.action)
        widest[key] = max(widest.get(key, permission.scope), permission.scope)
    return widest


def grants(held: Iterable[str], required: str) -> bool:
    needed = Permission.parse(required)
    scope = widest_scope(held, needed.area, needed.action)
    return scope is not None and scope >= needed.scope


# Every permission an operation can declare. A custom role may hold only these.
CATALOG: tuple[str, ...] = (
    "workspace:read:*",
    "workspace:update:*",
    "audit-log:read:*",
    "users:read:own",
    "users:read:team",
    "users:read:*",
    "users:create:*",
    "users:update:*",
    "users:delete:*",
    "users:reset-password:*",
    "roles:read:*",
    "roles:create:*",
    "roles:update:*",
    "roles:delete:*",
    "service-users:read:*",
    "service-users:create:*",
    "service-users:update:*",
    "service-users:delete:*",
    "api-keys:read:own",
    "api-keys:read:*",
    "api-keys:create:own",
    "api-keys:create:*",
    "api-keys:delete:own",
    "api-keys:delete:*",
    "me:read:own",
    "me:update:own",
    "sessions:read:own",
    "sessions:delete:own",
    "org-units:read:*",
    "org-units:create:*",
    "org-units:update:*",
    "org-units:delete:*",
    "employees:read:own",
    "employees:read:team",
    "employees:read:*",
    "employees:create:*",
    "employees:update:team",
    "employees:update:*",
    "employees:delete:*",
    "settings:read:*",
    "settings:create:*",
    "settings:update:*",
    "settings:delete:*",
    "projects:read:own",
    "projects:read:*",
    "projects:create:*",
    "projects:update:*",
    "projects:delete:*",
    "deleted:read:*",
    "deleted:restore:*",
    "timesheet:read:own",
    "timesheet:read:team",
    "timesheet:read:*",
    "timesheet:write:own",
    "timesheet:write:team",
    "timesheet:write:*",
    "timesheet:force:*",
    "timesheet:submit:own",
    "timesheet:submit:team",
    "timesheet:submit:*",
    "timesheet:approve:team",
    "timesheet:approve:*",
    "timesheet:settle:*",
    "timesheet:export:*",
    "timebank:read:own",
    "timebank:read:team",
    "timebank:read:*",
    "timebank:adjust:*",
    "timeoff:read:own",
    "timeoff:read:team",
    "timeoff:read:*",
    "timeoff:write:own",
    "timeoff:write:team",
    "timeoff:write:*",
    "timeoff:approve:team",
    "timeoff:approve:*",
    "approvals:read:own",
    "approvals:read:team",
    "approvals:read:*",
    "approvals:decide:own",
    "approvals:delegate:own",
    "approvals:delegate:*",
    "events:read:own",
    "webhooks:read:*",
    "webhooks:manage:*",
    "jobs:read:*",
    "jobs:manage:*",
    "oauth-clients:read:*",
    "oauth-clients:manage:*",
    "oauth-grants:read:own",
    "oauth-grants:delete:own",
    "kiosks:read:*",
    "kiosks:manage:*",
)

_SELF_SERVICE = (
    "me:read:own",
    "me:update:own",
    "sessions:read:own",
    "sessions:delete:own",
    "api-keys:read:own",
    "api-keys:create:own",
    "api-keys:delete:own",
    "users:read:own",
    "employees:read:own",
    "org-units:read:*",
    "settings:read:*",
    "projects:read:own",
    "timesheet:read:own",
    "timesheet:write:own",
    "timesheet:submit:own",
    "timebank:read:own",
    "timeoff:read:own",
    "timeoff:write:own",
    "approvals:read:own",
    "approvals:decide:own",
    "approvals:delegate:own",
    "events:read:own",
    "oauth-grants:read:own",
    "oauth-grants:delete:own",
)

BUILTIN_ROLES: dict[str, tuple[str, ...]] = {
    "owner": CATALOG,
    "admin": CATALOG,
    "manager": (
        *_SELF_SERVICE,
        "users:read:team",
        "employees:read:team",
        "employees:update:team",
        "projects:read:*",
        "timesheet:read:team",
        "timesheet:write:team",
        "timesheet:submit:team",
        "timesheet:approve:team",
        "timebank:read:team",
        "timeoff:read:team",
        "timeoff:write:team",
        "timeoff:approve:team",
        "approvals:read:team",
    ),
    "employee": _SELF_SERVICE,
    "developer": (
        *_SELF_SERVICE,
        "workspace:read:*",
        "roles:read:*",
        "service-users:read:*",
        "api-keys:read:*",
        "employees:read:*",
        "projects:read:*",
        "timesheet:read:*",
        "timeoff:read:*",
        "approvals:read:*",
        "webhooks:read:*",
        "jobs:read:*",
        "oauth-clients:read:*",
    ),
}

ROLE_DESCRIPTIONS: dict[str, str] = {
    "owner": "Everything, including managing other owners.",
    "admin": "Everything except changing owners.",
    "manager": "Self-service, plus the people and employees of the teams they manage.",
    "employee": "Self-service: their own profile, sessions and personal API keys.",
    "developer": "Self-service, plus read-only API settings and configuration.",
}

OWNER_ROLE = "owner"


def validate_role_permissions(permissions: Iterable[str]) -> list[str]:
    unknown = sorted(set(permissions) - set(CATALOG))
    if unknown:
        raise Unprocessable(
            f"Unknown permissions: {', '.join(unknown)}. GET /api/roles/permissions lists them.",
            errors=[
                {"location": "body.permissions", "message": f"unknown: {name}"} for name in unknown
            ],
        )
    return sorted(set(permissions))
