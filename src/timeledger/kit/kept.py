"""Answers every request reads again (a workspace's zone and currency, the employees a
manager's scope reaches), kept per process for a few seconds.

A `KeptAnswers` names the tables its answers are read from. A committed write to one of
them made through this process, by the ORM or by a Core statement (the engine's
`before_execute`), forgets its answers at once; an answer read while such a write
committed is not kept; a transaction that has written to those tables, or holds
unflushed changes of them, reads the database itself, and so does a session that may write
when the answers are kept for readers only. Another process sharing the
database is noticed within `ttl_seconds`, as the credential cache notices a revoked key
(`access/credential_cache.py`). Answers must be immutable: every caller shares them.
"""

import threading
import time
from collections.abc import Callable, Collection, Hashable
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase

from timeledger.kit.db import MAY_WRITE

T = TypeVar("T")

TTL_SECONDS = 5.0
MAX_ENTRIES = 10_000
_WRITTEN = "timeledger_tables_written"


class KeptAnswers:
    def __init__(
        self,
        tables: Collection[str],
        *,
        ttl_seconds: float = TTL_SECONDS,
        readers_only: bool = False,
    ) -> None:
        self.tables = frozenset(tables)
        self.ttl_seconds = ttl_seconds
        self.readers_only = readers_only
        """Whether a session that may write (`kit.db.MAY_WRITE`) reads the database itself:
        for answers that decide whether a write may happen, which should not be a few
        seconds behind another process."""
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        _EVERY.append(self)

    def answer(self, session: Session, key: Hashable, read: Callable[[], T]) -> T:
        """The answer kept for `key` in the session's database, else `read()` (kept)."""
        if self._written_in(session) or (self.readers_only and session.info.get(MAY_WRITE, True)):
            return read()
        kept_key = (session.get_bind().engine.url, key)
        found = self._entries.get(kept_key)
        if found is not None and time.monotonic() < found[0]:
            answer: T = found[1]
            return answer
        generation = self._generation
        answer = read()
        with self._lock:
            if generation == self._generation:
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
                self._entries[kept_key] = (time.monotonic() + self.ttl_seconds, answer)
        return answer

    def forget(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def _written_in(self, session: Session) -> bool:
        pending = (*session.new, *session.dirty, *session.deleted)
        if any(getattr(row, "__tablename__", None) in self.tables for row in pending):
            return True
        if not session.in_transaction():
            return False
        written: set[str] | None = session.connection().info.get(_WRITTEN)
        return written is not None and not self.tables.isdisjoint(written)


_EVERY: list[KeptAnswers] = []


def forget_everything() -> None:
    """Forgets every kept answer: the database was replaced behind the process's back."""
    for kept in _EVERY:
        kept.forget()


@event.listens_for(Engine, "before_execute")
def _note_writes(connection: Connection, statement: Any, *_: Any) -> None:
    if isinstance(statement, UpdateBase):
        table = getattr(statement.table, "name", None)
        if table is not None:
            connection.info.setdefault(_WRITTEN, set()).add(table)


@event.listens_for(Engine, "commit")
def _forget_on_commit(connection: Connection) -> None:
    written: set[str] | None = connection.info.pop(_WRITTEN, None)
    if written:
        for kept in _EVERY:
            if not kept.tables.isdisjoint(written):
                kept.forget()


@event.listens_for(Engine, "rollback")
def _nothing_written(connection: Connection) -> None:
    # A connection the server dropped is rolled back too, and its `info` would reconnect.
    if not connection.invalidated:
        connection.info.pop(_WRITTEN, None)
