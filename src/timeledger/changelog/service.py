"""Appending to the change log inside the writing transaction (`record_changes`: the
revisions taken by one prepared statement, the rows written by `kit.bulk.insert_rows`),
and announcing the workspaces that changed once the transaction commits."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, Table, bindparam, cast, event, func, update
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from timeledger.changelog.hub import WakeUps
from timeledger.kit.bulk import insert_rows
from timeledger.kit.clock import utcnow
from timeledger.kit.jsonio import json_text
from timeledger.kit.prepared import PreparedQuery
from timeledger.models import Change, Workspace

CHANGES_CHANNEL = "timeledger_changes"
"""The PostgreSQL NOTIFY channel; the payload is the changed workspace's id."""
COMMITTED_CHANGES = WakeUps()
"""Announced per workspace id after a commit that recorded changes in this process, or
on a notification from another process."""
_CHANGED_WORKSPACES = "timeledger_changed_workspaces"
_RECORDED_REVISIONS = "timeledger_recorded_revisions"


@dataclass(frozen=True)
class ChangeOf:
    """One change to append: what changed and how, and the object as the API shows it."""

    entity: str
    entity_id: int
    op: str
    data: dict[str, Any]
    """Stored as `kit.jsonio.json_text` writes it: dates and instants as ISO text."""


def record_change(
    session: Session,
    *,
    workspace_id: int,
    actor_user_id: int | None,
    entity: str,
    entity_id: int,
    op: str,
    data: dict[str, Any],
) -> int:
    """Append one change with the workspace's next revision (see `record_changes`);
    answers the revision."""
    (revision,) = record_changes(
        session,
        workspace_id=workspace_id,
        actor_user_id=actor_user_id,
        changes=[ChangeOf(entity, entity_id, op, data)],
    )
    return revision


def record_changes(
    session: Session,
    *,
    workspace_id: int,
    actor_user_id: int | None,
    changes: Sequence[ChangeOf],
) -> list[int]:
    """Append changes with the workspace's next revisions, in order: one counter update
    and one batch of inserts however many there are; answers their revisions.

    Incrementing the workspace's counter row locks it until the transaction ends, so
    writers of one workspace take revisions in commit order: a reader never sees
    revision N+1 before N is committed, and a rolled-back transaction leaves no gap.
    """
    if not changes:
        return []
    if session.new or session.dirty or session.deleted:
        session.flush()
    revisions = _append(
        session,
        workspace_id=workspace_id,
        actor_user_id=actor_user_id,
        changes=changes,
    )
    # The UPDATE bypassed the unit of work; a Workspace this session holds would keep
    # reporting the old revision until refreshed.
    loaded = session.identity_map.get(identity_key(Workspace, workspace_id))
    if loaded is not None:
        set_committed_value(loaded, "revision", revisions[-1])
    session.info.setdefault(_CHANGED_WORKSPACES, set()).add(workspace_id)
    session.info.setdefault(_RECORDED_REVISIONS, []).extend(revisions)
    return revisions


def recorded_revisions(session: Session) -> list[int]:
    """The revisions this session's transaction has recorded so far (a sync leaves its
    own changes out of what it answers)."""
    return list(session.info.get(_RECORDED_REVISIONS, ()))


_TAKE = (
    update(Workspace)
    .where(Workspace.id == bindparam("workspace_id"))
    .values(revision=Workspace.revision + bindparam("count", type_=Integer()))
)
# On PostgreSQL the same statement tells other processes (`pg_notify`): a notification is
# delivered only when its transaction commits, dropped on a rollback (of a savepoint
# too), and sent once per transaction however often it is repeated with the same payload.
TAKE_REVISIONS = {
    "sqlite": PreparedQuery(_TAKE.returning(Workspace.revision)),
    "postgresql": PreparedQuery(
        _TAKE.returning(
            Workspace.revision,
            func.pg_notify(CHANGES_CHANNEL, cast(Workspace.id, String)).label("notified"),
        )
    ),
}
CHANGES: Table = Change.__table__  # type: ignore[assignment]


def _append(
    session: Session,
    *,
    workspace_id: int,
    actor_user_id: int | None,
    changes: Sequence[ChangeOf],
) -> list[int]:
    connection = session.connection()
    (taken,) = TAKE_REVISIONS[connection.dialect.name].rows(
        connection.connection.driver_connection,
        connection.dialect,
        workspace_id=workspace_id,
        count=len(changes),
    )
    first = taken.revision - len(changes) + 1
    at = utcnow()
    insert_rows(
        session,
        CHANGES,
        [
            {
                "workspace_id": workspace_id,
                "revision": revision,
                "entity": change.entity,
                "entity_id": change.entity_id,
                "op": change.op,
                "actor_user_id": actor_user_id,
                "at": at,
                "data": json_text(change.data),
            }
            for revision, change in enumerate(changes, start=first)
        ],
        json_as_text=("data",),
    )
    return list(range(first, taken.revision + 1))


@event.listens_for(Session, "after_commit")
def _announce_committed(session: Session) -> None:
    for workspace_id in session.info.pop(_CHANGED_WORKSPACES, set()):
        announce_committed(workspace_id)


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED_WORKSPACES, None)
        session.info.pop(_RECORDED_REVISIONS, None)


def announce_committed(workspace_id: int) -> None:
    COMMITTED_CHANGES.announce(workspace_id)
