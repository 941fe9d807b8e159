"""Appending to the change log inside the writing transaction, and announcing the
workspaces that changed once the transaction commits: through a session
(`record_changes`), or with prepared statements on a driver connection for the fast lanes
(`record_change_on`, then `announce_committed`)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, bindparam, event, func, insert, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from timeledger.changelog.hub import WakeUps
from timeledger.kit.clock import utcnow
from timeledger.kit.prepared import PreparedQuery, new, new_values
from timeledger.models import Change, Workspace

CHANGES_CHANNEL = "timeledger_changes"
"""The PostgreSQL NOTIFY channel; the payload is the changed workspace's id."""
COMMITTED_CHANGES = WakeUps()
"""Announced per workspace id after a commit that recorded changes in this process, or
on a notification from another process."""
_CHANGED_WORKSPACES = "timeledger_changed_workspaces"
NOTIFY = PreparedQuery(
    select(func.pg_notify(CHANGES_CHANNEL, bindparam("payload", type_=String())).label("sent"))
)


@dataclass(frozen=True)
class ChangeOf:
    """One change to append: what changed and how, and the object as the API shows it."""

    entity: str
    entity_id: int
    op: str
    data: dict[str, Any]


def record_change(
    session: Session,
    *,
    workspace_id: int,
    actor_user_id: int | None,
    entity: str,
    entity_id: int,
    op: str,
    data: dict[str, Any],
) -> Change:
    """Append one change with the workspace's next revision (see `record_changes`)."""
    (change,) = record_changes(
        session,
        workspace_id=workspace_id,
        actor_user_id=actor_user_id,
        changes=[ChangeOf(entity, entity_id, op, data)],
    )
    return change


def record_changes(
    session: Session,
    *,
    workspace_id: int,
    actor_user_id: int | None,
    changes: Sequence[ChangeOf],
) -> list[Change]:
    """Append changes with the workspace's next revisions, in order: one counter update
    and one insert however many there are.

    Incrementing the workspace's counter row locks it until the transaction ends, so
    writers of one workspace take revisions in commit order: a reader never sees
    revision N+1 before N is committed, and a rolled-back transaction leaves no gap.
    """
    if not changes:
        return []
    last = session.execute(
        update(Workspace)
        .where(Workspace.id == workspace_id)
        .values(revision=Workspace.revision + len(changes))
        .returning(Workspace.revision)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    # The UPDATE bypassed the unit of work; a Workspace this session holds would keep
    # reporting the old revision until refreshed.
    loaded = session.identity_map.get(identity_key(Workspace, workspace_id))
    if loaded is not None:
        set_committed_value(loaded, "revision", last)
    at = utcnow()
    first = last - len(changes) + 1
    rows = [
        Change(
            workspace_id=workspace_id,
            revision=revision,
            entity=change.entity,
            entity_id=change.entity_id,
            op=change.op,
            actor_user_id=actor_user_id,
            at=at,
            data=change.data,
        )
        for revision, change in enumerate(changes, start=first)
    ]
    session.add_all(rows)
    session.flush()
    session.info.setdefault(_CHANGED_WORKSPACES, set()).add(workspace_id)
    return rows


@event.listens_for(Session, "before_commit")
def _notify_other_processes(session: Session) -> None:
    """PostgreSQL delivers a NOTIFY only when its transaction commits, and drops it on a
    rollback: no process hears of a change before it is committed. One per workspace and
    transaction, however many changes it recorded."""
    changed: set[int] = session.info.get(_CHANGED_WORKSPACES, set())
    if not changed or session.get_bind().dialect.name != "postgresql":
        return
    for workspace_id in sorted(changed):
        session.execute(NOTIFY.statement, {"payload": str(workspace_id)})


@event.listens_for(Session, "after_commit")
def _announce_committed(session: Session) -> None:
    for workspace_id in session.info.pop(_CHANGED_WORKSPACES, set()):
        announce_committed(workspace_id)


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED_WORKSPACES, None)


TAKE_REVISION = PreparedQuery(
    update(Workspace)
    .where(Workspace.id == bindparam("workspace_id"))
    .values(revision=Workspace.revision + 1)
    .returning(Workspace.revision)
)
APPEND_CHANGE = PreparedQuery(insert(Change).values(new_values(Change.__table__.c)))


def record_change_on(
    connection: Any,
    dialect: Dialect,
    *,
    workspace_id: int,
    actor_user_id: int | None,
    change: ChangeOf,
) -> int:
    """`record_change` on a driver connection inside its writing transaction (see
    `kit.prepared.driver_transaction`): the same counter update and row, and on
    PostgreSQL the same notification, delivered on commit. Answers the revision; call
    `announce_committed` once the transaction committed."""
    (taken,) = TAKE_REVISION.rows(connection, dialect, workspace_id=workspace_id)
    APPEND_CHANGE.rows(
        connection,
        dialect,
        **new(
            workspace_id=workspace_id,
            revision=taken.revision,
            entity=change.entity,
            entity_id=change.entity_id,
            op=change.op,
            actor_user_id=actor_user_id,
            at=utcnow(),
            data=change.data,
        ),
    )
    if dialect.name == "postgresql":
        NOTIFY.rows(connection, dialect, payload=str(workspace_id))
    return int(taken.revision)


def announce_committed(workspace_id: int) -> None:
    COMMITTED_CHANGES.announce(workspace_id)
