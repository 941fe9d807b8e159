"""Appending to the change log: changes are queued while the transaction works
(`record_changes`) and appended right before it commits; the workspaces that changed are
announced once the transaction has committed.

Taking revisions locks the workspace's counter row (`WorkspaceRevision`) until the
transaction ends, and every writer of the workspace waits for that lock. Taken where the
change happened, the lock was held through the rest of the request (rendering its
answer, more queries). Taken at the commit, on SQLite by one prepared statement with the
rows written by `kit.bulk.insert_rows` (SQLite's writers are serialized anyway), and on
PostgreSQL, for a request's few changes, by one statement sent with the COMMIT in one
pipeline, it is held while the database works and never while this process gets round
to its next statement (20 clients clocking on PostgreSQL: 243 → 376 operations/s,
docs/performance.md).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    cast,
    event,
    func,
    insert,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from timeledger.changelog.hub import WakeUps
from timeledger.kit.bulk import insert_rows
from timeledger.kit.clock import utcnow
from timeledger.kit.jsonio import json_text
from timeledger.kit.model import epoch_micros
from timeledger.kit.prepared import PreparedQuery, run_and_commit
from timeledger.models import Change, WorkspaceRevision

CHANGES_CHANNEL = "timeledger_changes"
"""The PostgreSQL NOTIFY channel; the payload is the changed workspace's id."""
COMMITTED_CHANGES = WakeUps()
"""Announced per workspace id after a commit that recorded changes in this process, or
on a notification from another process."""
_RECORDED = "timeledger_recorded_changes"


@dataclass(frozen=True)
class ChangeOf:
    """One change to append: what changed and how, and the object as the API shows it."""

    entity: str
    entity_id: int
    op: str
    data: dict[str, Any]
    """Stored as `kit.jsonio.json_text` writes it: dates and instants as ISO text."""


@dataclass(frozen=True)
class _Queued:
    workspace_id: int
    actor_user_id: int | None
    at: datetime
    change: ChangeOf
    data: str
    """The change's data as JSON text, written when it was recorded: what it showed then."""


@dataclass
class _Recorded:
    """What a session's transaction recorded: `queued` in order, the first
    `len(revisions)` of them appended already (with those revisions)."""

    queued: list[_Queued] = field(default_factory=list)
    revisions: list[int] = field(default_factory=list)
    savepoints: dict[SessionTransaction, tuple[int, int]] = field(default_factory=dict)
    """Per savepoint of the transaction, how many were queued and appended when it
    began (kept until the transaction ends: a savepoint's rollback is told after its
    end)."""

    def any_waiting(self) -> bool:
        return len(self.queued) > len(self.revisions)

    def waiting(self) -> list[_Queued]:
        return self.queued[len(self.revisions) :]


def _recorded(session: Session) -> _Recorded:
    recorded: _Recorded | None = session.info.get(_RECORDED)
    if recorded is None:
        recorded = session.info[_RECORDED] = _Recorded()
    return recorded


def record_change(
    session: Session,
    *,
    workspace_id: int,
    actor_user_id: int | None,
    entity: str,
    entity_id: int,
    op: str,
    data: dict[str, Any],
) -> None:
    """Record one change (see `record_changes`)."""
    record_changes(
        session,
        workspace_id=workspace_id,
        actor_user_id=actor_user_id,
        changes=[ChangeOf(entity, entity_id, op, data)],
    )


def record_changes(
    session: Session,
    *,
    workspace_id: int,
    actor_user_id: int | None,
    changes: Sequence[ChangeOf],
) -> None:
    """Record changes, in order, as of now; they take the workspace's next revisions when
    the transaction commits (or earlier, when `recorded_revisions` or a query of the log
    asks for them), one counter update and one batch of inserts however many there are.

    Writers of one workspace take revisions in commit order: a reader never sees revision
    N+1 before N is committed, and a rolled-back transaction (or savepoint) leaves no gap.
    """
    if not changes:
        return
    at = utcnow()
    _recorded(session).queued.extend(
        _Queued(workspace_id, actor_user_id, at, change, json_text(change.data))
        for change in changes
    )


def recorded_revisions(session: Session) -> list[int]:
    """The revisions of every change this session's transaction has recorded so far,
    appending those still queued first (a sync leaves its own changes out of what it
    answers; the head revision counts them)."""
    recorded: _Recorded | None = session.info.get(_RECORDED)
    if recorded is None:
        return []
    waiting = recorded.waiting()
    if waiting:
        if session.new or session.dirty or session.deleted:
            session.flush()
        for workspace_id, of_workspace in _by_workspace(waiting):
            recorded.revisions.extend(_append(session, workspace_id, of_workspace))
    return list(recorded.revisions)


def _by_workspace(queued: list[_Queued]) -> Iterator[tuple[int, list[_Queued]]]:
    for workspace_id, of_workspace in groupby(queued, key=lambda each: each.workspace_id):
        yield workspace_id, list(of_workspace)


def head_revision(session: Session, workspace_id: int) -> int:
    """The workspace's newest revision (0 before any change), counting the changes the
    session's transaction has recorded (the query appends them first)."""
    revision = session.scalar(
        select(WorkspaceRevision.revision).where(WorkspaceRevision.workspace_id == workspace_id)
    )
    return int(revision or 0)


def _taking(insert: Any) -> Any:
    """The counter's upsert: a workspace's first change creates its row."""
    counted = insert(WorkspaceRevision).values(
        workspace_id=bindparam("workspace_id"), revision=bindparam("count", type_=Integer())
    )
    return counted.on_conflict_do_update(
        index_elements=[WorkspaceRevision.workspace_id],
        set_={"revision": WorkspaceRevision.revision + counted.excluded.revision},
    )


# On PostgreSQL the same statement tells other processes (`pg_notify`): a notification is
# delivered only when its transaction commits, dropped on a rollback (of a savepoint
# too), and sent once per transaction however often it is repeated with the same payload.
TAKE_REVISIONS = {
    "sqlite": PreparedQuery(_taking(sqlite.insert).returning(WorkspaceRevision.revision)),
    "postgresql": PreparedQuery(
        _taking(postgresql.insert).returning(
            WorkspaceRevision.revision,
            func.pg_notify(CHANGES_CHANNEL, cast(WorkspaceRevision.workspace_id, String)).label(
                "notified"
            ),
        )
    ),
}
CHANGES: Table = Change.__table__  # type: ignore[assignment]


def _appending_with_revisions() -> PreparedQuery:
    """PostgreSQL's whole append in one statement: the counter taken (as
    `TAKE_REVISIONS`) and the changes inserted with the revisions it answered, from one
    array per column."""
    taken = TAKE_REVISIONS["postgresql"].statement.cte("taken")
    items = (
        func.unnest(
            bindparam("entities", type_=ARRAY(Text())),
            bindparam("entity_ids", type_=ARRAY(BigInteger())),
            bindparam("ops", type_=ARRAY(Text())),
            bindparam("actor_user_ids", type_=ARRAY(BigInteger())),
            bindparam("ats", type_=ARRAY(BigInteger())),
            bindparam("datas", type_=ARRAY(Text())),
        )
        .table_valued(
            "entity", "entity_id", "op", "actor_user_id", "at", "data", with_ordinality="position"
        )
        .render_derived()
        .alias("item")
    )
    return PreparedQuery(
        insert(CHANGES).from_select(
            [
                "workspace_id",
                "revision",
                "entity",
                "entity_id",
                "op",
                "actor_user_id",
                "at",
                "data",
            ],
            select(
                bindparam("workspace_id", type_=BigInteger()),
                taken.c.revision - bindparam("count", type_=Integer()) + items.c.position,
                items.c.entity,
                items.c.entity_id,
                items.c.op,
                items.c.actor_user_id,
                items.c.at,
                cast(items.c.data, JSONB),
            )
            .select_from(taken)
            .join(items, true()),
        )
    )


APPEND_WITH_REVISIONS = _appending_with_revisions()


def _append(session: Session, workspace_id: int, queued: Sequence[_Queued]) -> list[int]:
    connection = session.connection()
    (taken,) = TAKE_REVISIONS[connection.dialect.name].rows(
        connection.connection.dbapi_connection,
        connection.dialect,
        workspace_id=workspace_id,
        count=len(queued),
    )
    first = taken.revision - len(queued) + 1
    insert_rows(
        session,
        CHANGES,
        [
            {
                "workspace_id": workspace_id,
                "revision": revision,
                "entity": each.change.entity,
                "entity_id": each.change.entity_id,
                "op": each.change.op,
                "actor_user_id": each.actor_user_id,
                "at": each.at,
                "data": each.data,
            }
            for revision, each in enumerate(queued, start=first)
        ],
        json_as_text=("data",),
    )
    return list(range(first, taken.revision + 1))


_THE_LOG = frozenset({Change, WorkspaceRevision})
PIPELINED_MOST = 100
"""The most changes PostgreSQL appends in one pipeline with the COMMIT. More are written
by COPY (`kit.bulk.insert_rows`): for 5,000 changes 40-65 ms against 100 ms by arrays,
while for a request's few the round trips saved matter more."""


@event.listens_for(Session, "do_orm_execute")
def _append_before_reading_the_log(state: ORMExecuteState) -> None:
    """A query of the change log or its counter in a transaction that recorded changes
    sees them, as it would see its other writes."""
    recorded: _Recorded | None = state.session.info.get(_RECORDED)
    if (
        recorded is not None
        and recorded.any_waiting()
        and not _THE_LOG.isdisjoint(mapper.class_ for mapper in state.all_mappers)
    ):
        recorded_revisions(state.session)


@event.listens_for(Session, "before_commit")
def _append_before_commit(session: Session) -> None:
    recorded: _Recorded | None = session.info.get(_RECORDED)
    if session.get_nested_transaction() is not None or recorded is None:
        return  # a savepoint's release appends nothing
    waiting = recorded.waiting()
    if not waiting:
        return
    if session.connection().dialect.name != "postgresql" or len(waiting) > PIPELINED_MOST:
        recorded_revisions(session)
        return
    # The counter's row lock is held from the append to the commit: sent together, it
    # is held while the server works, not while this process gets round to committing.
    run_and_commit(
        session,
        [
            (
                APPEND_WITH_REVISIONS,
                {
                    "workspace_id": workspace_id,
                    "count": len(of_workspace),
                    "entities": [each.change.entity for each in of_workspace],
                    "entity_ids": [each.change.entity_id for each in of_workspace],
                    "ops": [each.change.op for each in of_workspace],
                    "actor_user_ids": [each.actor_user_id for each in of_workspace],
                    "ats": [epoch_micros(each.at) for each in of_workspace],
                    "datas": [each.data for each in of_workspace],
                },
            )
            for workspace_id, of_workspace in _by_workspace(waiting)
        ],
    )


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        recorded = _recorded(session)
        recorded.savepoints[transaction] = (len(recorded.queued), len(recorded.revisions))


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """A savepoint rolled back: what was recorded in it is forgotten, and what it
    appended is no longer stored, so it is queued again."""
    recorded: _Recorded | None = session.info.get(_RECORDED)
    if recorded is None or previous_transaction not in recorded.savepoints:
        return
    queued, appended = recorded.savepoints[previous_transaction]
    del recorded.queued[queued:]
    del recorded.revisions[appended:]


@event.listens_for(Session, "after_commit")
def _announce_committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:  # a savepoint released
        return
    recorded: _Recorded | None = session.info.pop(_RECORDED, None)
    if recorded is not None:
        for workspace_id in {queued.workspace_id for queued in recorded.queued}:
            announce_committed(workspace_id)


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_RECORDED, None)


def announce_committed(workspace_id: int) -> None:
    COMMITTED_CHANGES.announce(workspace_id)
