"""Authentication of each request and the one-per-operation permission declaration.

An endpoint writes `caller: Annotated[Caller, Allowed("users:read:*")]`. That single
declaration authenticates the request, enforces the permission (403 with a problem and an
audit entry when missing), scopes the unit of work to the caller's workspace, and writes
`x-required-permission` into the operation's OpenAPI entry (see kit.openapi).
"""

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from timeledger.access.audit import AuditRecord, record_audit_apart
from timeledger.access.credential_cache import CREDENTIALS, TOUCH_ONLY, VerifiedCredential
from timeledger.access.credentials import TokenKind, token_kind, token_matches, token_prefix
from timeledger.access.permissions import Permission, Scope, grants, widest_scope
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import Forbidden, Unauthorized
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.kit.uow import UnitOfWork, database
from timeledger.models import ApiKey, AuthSession, User

LAST_USED_RESOLUTION = timedelta(minutes=1)
PERSON = "person"
SERVICE = "service"


@dataclass(frozen=True)
class Caller:
    workspace_id: int
    user_id: int
    user_kind: str
    role_name: str
    permissions: frozenset[str]
    credential_kind: TokenKind | None
    """None for a password sent with the request (HTTP Basic on a face)."""
    credential_id: int
    credential_label: str
    client_address: str | None

    def scope_for(self, area: str, action: str) -> Scope | None:
        return widest_scope(self.permissions, area, action)

    def may(self, permission: str) -> bool:
        return grants(self.permissions, permission)

    @property
    def is_person(self) -> bool:
        return self.user_kind == PERSON

    def audit_record(self, action: str, outcome: str, **fields: Any) -> AuditRecord:
        return AuditRecord(
            workspace_id=self.workspace_id,
            action=action,
            outcome=outcome,
            actor_user_id=self.user_id,
            credential=self.credential_label,
            client_address=self.client_address,
            **fields,
        )


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _token_of(authorization: str) -> str | None:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def bearer_token(request: Request) -> str:
    token = _token_of(request.headers.get("authorization", ""))
    if token is None:
        raise Unauthorized("Send an API key or session token as 'Authorization: Bearer <token>'.")
    return token


def _credential_row(session: Session, token: str) -> ApiKey | AuthSession | None:
    kind = token_kind(token)
    row: ApiKey | AuthSession | None
    prefix = token_prefix(token)
    if kind is TokenKind.API_KEY:
        row = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()
    elif kind is TokenKind.SESSION:
        row = session.scalars(select(AuthSession).where(AuthSession.prefix == prefix)).one_or_none()
    else:
        return None
    if row is None or not token_matches(token, row.secret_hash):
        return None
    return row


def _needs_touch(row: ApiKey | AuthSession, now: datetime) -> bool:
    return row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION


def _touch(db: Database, model: type[ApiKey] | type[AuthSession], row_id: int) -> None:
    with db.transaction() as session:
        session.execute(
            update(model)
            .where(model.id == row_id)
            .values(last_used_at=utcnow())
            .execution_options(**{TOUCH_ONLY: True})
        )


def caller_from_token(request: Request, token: str) -> Caller:
    """The caller an API key or session token stands for (401 when it stands for nobody).

    Checks the credential in short transactions of its own, before the request's unit of
    work begins: on SQLite a writing request holds the database's write lock from its first
    statement, so recording `last_used_at` (or a denial) apart from it would wait on itself."""
    remembered = CREDENTIALS.get(token)
    if remembered is not None:
        return _caller_verified(request, remembered)
    db = database(request)
    now = utcnow()
    with db.session(write=False) as reader:
        row = _credential_row(reader, token)
        if (
            row is None
            or row.revoked_at is not None
            or (row.expires_at is not None and row.expires_at <= now)
        ):
            raise Unauthorized("The credential is unknown, expired or revoked.")
        user = reader.get(User, row.user_id)
        if user is None or user.status != "active":
            raise Unauthorized("The credential's user is suspended or deleted.")
        kind = TokenKind.API_KEY if isinstance(row, ApiKey) else TokenKind.SESSION
        verified = VerifiedCredential(
            workspace_id=user.workspace_id,
            user_id=user.id,
            user_kind=user.kind,
            role_name=user.role.name,
            permissions=frozenset(user.role.permissions),
            kind=kind,
            credential_id=row.id,
            label=row.prefix,
        )
        expires_at = row.expires_at
        needs_touch = _needs_touch(row, now)
    if needs_touch:
        _touch(db, ApiKey if kind is TokenKind.API_KEY else AuthSession, verified.credential_id)
    CREDENTIALS.put(token, verified, expires_at)
    return _caller_verified(request, verified)


def _caller_verified(request: Request, verified: VerifiedCredential) -> Caller:
    return Caller(
        workspace_id=verified.workspace_id,
        user_id=verified.user_id,
        user_kind=verified.user_kind,
        role_name=verified.role_name,
        permissions=verified.permissions,
        credential_kind=verified.kind,
        credential_id=verified.credential_id,
        credential_label=verified.label,
        client_address=client_address(request),
    )


def caller_of_user(
    user: User,
    *,
    kind: TokenKind | None,
    credential_id: int,
    label: str,
    address: str | None,
) -> Caller:
    """The caller `user` is now, with the permissions of the user's role of now."""
    return Caller(
        workspace_id=user.workspace_id,
        user_id=user.id,
        user_kind=user.kind,
        role_name=user.role.name,
        permissions=frozenset(user.role.permissions),
        credential_kind=kind,
        credential_id=credential_id,
        credential_label=label,
        client_address=address,
    )


def caller_of(
    request: Request, user: User, kind: TokenKind | None, credential_id: int, label: str
) -> Caller:
    return caller_of_user(
        user, kind=kind, credential_id=credential_id, label=label, address=client_address(request)
    )


def caller_acting_as(user: User, label: str) -> Caller:
    """The caller a background task acts as on a user's behalf (a webhook subscription's
    creator, an inbound endpoint's service user)."""
    return acting_caller(
        user.workspace_id, user.id, user.kind, user.role.name, user.role.permissions, label
    )


def acting_caller(
    workspace_id: int,
    user_id: int,
    user_kind: str,
    role_name: str,
    permissions: Iterable[str],
    label: str,
) -> Caller:
    """`caller_acting_as` from the user's columns and their role's, read without loading
    the user."""
    return Caller(
        workspace_id=workspace_id,
        user_id=user_id,
        user_kind=user_kind,
        role_name=role_name,
        permissions=frozenset(permissions),
        credential_kind=None,
        credential_id=0,
        credential_label=label,
        client_address=None,
    )


async def caller_of_token(request: Request, token: str) -> Caller:
    """`caller_from_token` where it is cheapest: a credential verified moments ago answers
    on the event loop; looking one up runs on a worker thread."""
    remembered = CREDENTIALS.get(token)
    if remembered is not None:
        return _caller_verified(request, remembered)
    return await run_in_threadpool(caller_from_token, request, token)


async def authenticate(request: Request, session: UnitOfWork) -> Caller:
    """The native API's authentication: `Authorization: Bearer <api key | session token>`."""
    caller = await caller_of_token(request, bearer_token(request))
    scope_session_to_workspace(session, caller.workspace_id)
    return caller


Authenticator = Callable[..., Caller | Awaitable[Caller]]
"""A FastAPI dependency answering the request's caller (a face authenticates its own way)
and scoping the unit of work to the caller's workspace."""


class PermissionRequirement:
    """A dependency enforcing one permission; also the operation's OpenAPI declaration."""

    def __init__(
        self,
        permission: str,
        *,
        people_only: bool = False,
        authenticator: Authenticator = authenticate,
    ) -> None:
        self.permission = str(Permission.parse(permission))
        self.people_only = people_only
        self.openapi_extensions: dict[str, Any] = {"x-required-permission": self.permission}
        if people_only:
            self.openapi_extensions["x-people-only"] = True
        self.__signature__ = _signature_with(authenticator)

    async def __call__(self, request: Request, caller: Caller) -> Caller:
        """Runs on the event loop: a permission check is a set lookup; only a denial, which
        is audited in the database, moves to a worker thread."""
        if self.people_only and not caller.is_person:
            await run_in_threadpool(
                self._deny, request, caller, "service users cannot use this operation"
            )
            raise Forbidden(
                "This operation represents a signed-in person and does not accept "
                "service-user keys; call a data endpoint such as GET /api/users instead."
            )
        if not caller.may(self.permission):
            await run_in_threadpool(self._deny, request, caller, "missing permission")
            raise Forbidden(
                f"This operation requires the permission {self.permission}, which the "
                f"role {caller.role_name!r} does not hold.",
                extra={"required_permission": self.permission},
            )
        return caller

    def _deny(self, request: Request, caller: Caller, reason: str) -> None:
        record_audit_apart(
            database(request),
            caller.audit_record(
                "permission.denied",
                "denied",
                detail={
                    "permission": self.permission,
                    "reason": reason,
                    "method": request.method,
                    "path": request.url.path,
                },
            ),
        )


def _signature_with(authenticator: Authenticator) -> inspect.Signature:
    """`__call__`'s signature with the caller drawn from `authenticator`: FastAPI reads an
    instance's dependencies from its signature."""
    return inspect.Signature(
        [
            inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
            inspect.Parameter(
                "caller",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[Caller, Depends(authenticator)],
            ),
        ],
        return_annotation=Caller,
    )


def Allowed(  # noqa: N802
    permission: str, *, people_only: bool = False, authenticator: Authenticator = authenticate
) -> Any:
    """Declare the permission an operation requires (see the module docstring)."""
    return Depends(
        PermissionRequirement(permission, people_only=people_only, authenticator=authenticator)
    )
