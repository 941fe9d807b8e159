"""Recently verified credentials, so that a client sending the same API key, session
token or kiosk device token again within a few seconds is not looked up again (two
queries and a hash on the path of every request).

Entries are keyed by the token's SHA-256, never the token. Any committed change to users,
roles, API keys, sessions or kiosks made through this process (ORM objects or ORM-enabled bulk
statements) empties the cache at once; another server process sharing the database
notices such a change within `TTL_SECONDS`. A credential's own expiry bounds its entry.
"""

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from timeledger.access.credentials import TokenKind
from timeledger.kit.clock import utcnow
from timeledger.models import ApiKey, AuthSession, Kiosk, Role, User

TTL_SECONDS = 5.0
MAX_ENTRIES = 10_000
TOUCH_ONLY = "credential_touch_only"
"""Execution option of the `last_used_at` bookkeeping, which changes no credential."""
_CHANGED = "identity_changed"
IDENTITY_MODELS = (User, Role, ApiKey, AuthSession, Kiosk)
IDENTITY_TABLES = frozenset(model.__tablename__ for model in IDENTITY_MODELS)


@dataclass(frozen=True)
class VerifiedCredential:
    """What a request needs of a verified credential and its user."""

    workspace_id: int
    user_id: int
    user_kind: str
    role_name: str
    permissions: frozenset[str]
    kind: TokenKind
    credential_id: int
    label: str


class CredentialCache:
    def __init__(self, ttl_seconds: float = TTL_SECONDS) -> None:
        self.ttl_seconds = ttl_seconds
        self._entries: dict[str, tuple[datetime, VerifiedCredential]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def get(self, token: str) -> VerifiedCredential | None:
        key = self._key(token)
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            valid_until, credential = found
            if utcnow() >= valid_until:
                del self._entries[key]
                return None
            return credential

    def put(self, token: str, credential: VerifiedCredential, expires_at: datetime | None) -> None:
        now = utcnow()
        valid_until = now + timedelta(seconds=self.ttl_seconds)
        if expires_at is not None:
            valid_until = min(valid_until, expires_at)
        if valid_until <= now:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[self._key(token)] = (valid_until, credential)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


CREDENTIALS = CredentialCache()


@event.listens_for(Session, "after_flush")
def _note_identity_objects(session: Session, _flush: UOWTransaction) -> None:
    touched = [*session.new, *session.dirty, *session.deleted]
    if any(isinstance(row, IDENTITY_MODELS) for row in touched):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_identity_statements(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or state.execution_options.get(TOUCH_ONLY):
        return
    table: Any = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in IDENTITY_TABLES:
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _forget_on_identity_change(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        CREDENTIALS.clear()


@event.listens_for(Session, "after_rollback")
def _nothing_changed(session: Session) -> None:
    session.info.pop(_CHANGED, None)
