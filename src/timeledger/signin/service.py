"""Sign-in, sessions, logout and password reset, with brute-force limits."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from timeledger.access.audit import AuditRecord, record_audit
from timeledger.access.caller import Caller
from timeledger.access.credentials import (
    PasswordHashing,
    TokenKind,
    check_password_strength,
    issue_token,
    token_kind,
    token_matches,
    token_prefix,
)
from timeledger.access.permissions import grants
from timeledger.jobs.registry import upkeep_task
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import BadRequest, Conflict, NotFound, TooManyRequests, Unauthorized
from timeledger.models import AuthSession, SignInAttempt, User
from timeledger.signin.repository import SignInRepository
from timeledger.signin.schemas import LoginRequest
from timeledger.users.repository import CredentialRepository, UserRepository
from timeledger.workspaces.repository import WorkspaceRepository
from timeledger.workspaces.service import goodtime_face

GOODTIME_ADMIN_PERMISSION = "workspace:update:*"
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 10
MAX_FAILURES_PER_ADDRESS = 50
WRONG_CREDENTIALS = "The email or the password is wrong."


@dataclass(frozen=True)
class ClientInfo:
    address: str
    user_agent: str | None


@dataclass(frozen=True)
class StartedSession:
    token: str
    row: AuthSession


def _throttle(session: Session, email: str, client: ClientInfo) -> None:
    now = utcnow()
    since = now - THROTTLE_WINDOW
    repository = SignInRepository(session)
    for count, oldest, limit in (
        (*repository.failures_since(since, email=email), MAX_FAILURES_PER_ACCOUNT),
        (*repository.failures_since(since, address=client.address), MAX_FAILURES_PER_ADDRESS),
    ):
        if count >= limit and oldest is not None:
            retry_after = max(1, int((oldest + THROTTLE_WINDOW - now).total_seconds()) + 1)
            raise TooManyRequests(
                "Too many failed sign-ins; wait before trying again.",
                headers={"Retry-After": str(retry_after)},
            )


def _choose_account(
    session: Session, candidates: Sequence[User], workspace: str | None
) -> list[User]:
    if workspace is None:
        return list(candidates)
    names = SignInRepository(session).workspace_names([user.workspace_id for user in candidates])
    return [user for user in candidates if names.get(user.workspace_id) == workspace]


def check_password(
    db: Database,
    email: str,
    password: str,
    workspace: str | None,
    client: ClientInfo,
    hashing: PasswordHashing,
) -> User:
    """The person signing in with this email and password, under the brute-force limits.

    Checks the password in a read-only transaction of its own, so neither the slow hash
    nor a failure (recorded apart, since the request rolls back) waits on the write lock
    the request's own unit of work takes on SQLite."""
    email = email.strip().lower()
    with db.session(write=False) as reader:
        _throttle(reader, email, client)
        candidates = _choose_account(
            reader, UserRepository(reader).people_signing_in_as(email), workspace
        )
        matching = [user for user in candidates if hashing.verify(user.password_hash, password)]
        if not candidates:
            hashing.verify(None, password)
        names = SignInRepository(reader).workspace_names([u.workspace_id for u in matching])
    if not matching:
        _record_failure(db, email, client, candidates)
        raise Unauthorized(WRONG_CREDENTIALS, headers={})
    if len(matching) > 1:
        raise Conflict(
            "This email signs in to several workspaces; repeat with `workspace` set.",
            extra={"workspaces": sorted(names.values())},
        )
    return matching[0]


def check_goodtime_password(
    db: Database, email: str, api_password: str, client: ClientInfo, hashing: PasswordHashing
) -> User:
    """The owner or admin (a role holding `workspace:update:*`) logging in to the GoodTime
    face of their workspace with its API password, under the sign-in brute-force limits.

    An unknown email, a person who is no admin, a workspace whose face is off and a wrong
    password fail alike (401, and a failed attempt towards the limits), so the answer
    tells nothing about which part was wrong."""
    email = email.strip().lower()
    with db.session(write=False) as reader:
        _throttle(reader, email, client)
        people = UserRepository(reader).people_signing_in_as(email)
        workspaces = WorkspaceRepository(reader)
        candidates = []
        for user in people:
            workspace = workspaces.get(user.workspace_id)
            face = goodtime_face(workspace) if workspace is not None else None
            if (
                face is not None
                and face.open
                and grants(user.role.permissions, GOODTIME_ADMIN_PERMISSION)
            ):
                candidates.append((user, face.api_password_hash))
        matching = [user for user, hashed in candidates if hashing.verify(hashed, api_password)]
        if not candidates:
            hashing.verify(None, api_password)
    if not matching:
        _record_failure(db, email, client, [user for user, _ in candidates])
        raise Unauthorized(WRONG_CREDENTIALS, headers={})
    if len(matching) > 1:
        raise Conflict(
            "This email and API password open the GoodTime face of several workspaces; "
            "give each workspace its own API password."
        )
    return matching[0]


def sign_in_to_goodtime(
    db: Database,
    session: Session,
    email: str,
    api_password: str,
    client: ClientInfo,
    hashing: PasswordHashing,
) -> User:
    """`check_goodtime_password`, and the successful attempt and its audit record in the
    request's transaction."""
    user = check_goodtime_password(db, email, api_password, client, hashing)
    SignInRepository(session).add_attempt(
        SignInAttempt(
            email=email.strip().lower(),
            client_address=client.address,
            succeeded=True,
            at=utcnow(),
        )
    )
    record_audit(
        session,
        AuditRecord(
            workspace_id=user.workspace_id,
            action="goodtime.login",
            outcome="success",
            actor_user_id=user.id,
            client_address=client.address,
            target_type="user",
            target_id=user.id,
        ),
    )
    return user


def sign_in(
    db: Database,
    session: Session,
    data: LoginRequest,
    client: ClientInfo,
    hashing: PasswordHashing,
    session_ttl: timedelta,
) -> StartedSession:
    user = check_password(db, data.email, data.password, data.workspace, client, hashing)
    email = data.email.strip().lower()
    SignInRepository(session).add_attempt(
        SignInAttempt(email=email, client_address=client.address, succeeded=True, at=utcnow())
    )
    started = start_session(session, user, client, session_ttl)
    record_audit(
        session,
        AuditRecord(
            workspace_id=user.workspace_id,
            action="sign_in",
            outcome="success",
            actor_user_id=user.id,
            credential=started.row.prefix,
            client_address=client.address,
            target_type="session",
            target_id=started.row.id,
        ),
    )
    return started


def _record_failure(db: Database, email: str, client: ClientInfo, accounts: list[User]) -> None:
    """Committed on its own: the request itself ends in 401 and rolls back."""
    with db.transaction() as session:
        SignInRepository(session).add_attempt(
            SignInAttempt(email=email, client_address=client.address, succeeded=False, at=utcnow())
        )
        for user in accounts:
            record_audit(
                session,
                AuditRecord(
                    workspace_id=user.workspace_id,
                    action="sign_in",
                    outcome="failure",
                    actor_user_id=user.id,
                    client_address=client.address,
                    detail={"reason": "wrong password"},
                ),
            )


def start_session(
    session: Session, user: User, client: ClientInfo, ttl: timedelta
) -> StartedSession:
    issued = issue_token(TokenKind.SESSION)
    now = utcnow()
    row = AuthSession(
        workspace_id=user.workspace_id,
        user_id=user.id,
        prefix=issued.prefix,
        secret_hash=issued.secret_hash,
        client_address=client.address,
        user_agent=(client.user_agent or "")[:300] or None,
        created_at=now,
        expires_at=now + ttl,
    )
    CredentialRepository(session).add(row)
    return StartedSession(token=issued.token, row=row)


def end_session(session: Session, caller: Caller, session_id: int) -> None:
    row = CredentialRepository(session).session_of(caller.user_id, session_id, utcnow())
    if row is None:
        raise NotFound(f"Session {session_id} does not exist.")
    row.revoked_at = utcnow()
    record_audit(
        session,
        caller.audit_record("session.revoked", "success", target_type="session", target_id=row.id),
    )


def log_out(session: Session, caller: Caller) -> None:
    if caller.credential_kind is not TokenKind.SESSION:
        raise BadRequest(
            "Logout ends a sign-in session; this request used an API key. "
            "Revoke keys through their api-keys resource."
        )
    end_session(session, caller, caller.credential_id)


def redeem_password_reset(
    session: Session,
    token: str,
    new_password: str,
    client: ClientInfo,
    hashing: PasswordHashing,
) -> None:
    """Single use: the token is spent with every other outstanding reset token of the
    person, and every session of the person ends, since a reset usually means whoever knew
    the old password is not trusted. API keys stay: they never depended on the password."""
    row = None
    repository = SignInRepository(session)
    if token_kind(token) is TokenKind.PASSWORD_RESET:
        row = repository.reset_token(token_prefix(token))
    now = utcnow()
    if (
        row is None
        or not token_matches(token, row.secret_hash)
        or row.used_at is not None
        or row.expires_at <= now
    ):
        raise Unauthorized("The reset token is unknown, used or expired.", headers={})
    check_password_strength(new_password, location="body.new_password")
    user = UserRepository(session).get(row.user_id)
    if user is None or user.status != "active" or not repository.spend_reset_tokens(row, now):
        raise Unauthorized("The reset token is unknown, used or expired.", headers={})
    user.password_hash = hashing.hash(new_password)
    user.row_version += 1
    user.updated_at = now
    CredentialRepository(session).revoke_sessions_of(user.id, now, keep_session_id=0)
    record_audit(
        session,
        AuditRecord(
            workspace_id=user.workspace_id,
            action="password_reset.redeemed",
            outcome="success",
            actor_user_id=user.id,
            client_address=client.address,
            target_type="user",
            target_id=user.id,
        ),
    )


@upkeep_task
def purge_old_sign_in_attempts(db: Database, now: datetime) -> None:
    with db.transaction() as session:
        SignInRepository(session).purge_attempts_before(now - THROTTLE_WINDOW)
