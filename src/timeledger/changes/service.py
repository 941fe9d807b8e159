"""Appending to the change log inside the writing transaction."""

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from timeledger.kit.timeutil import utcnow
from timeledger.models import Change, Workspace


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
    """Append one change with the workspace's next revision.

    Incrementing the workspace's counter row locks it until the transaction ends, so
    writers of one workspace take revisions in commit order: a reader never sees
    revision N+1 before N is committed, and a rolled-back transaction leaves no gap.
    """
    revision = session.execute(
        update(Workspace)
        .where(Workspace.id == workspace_id)
        .values(revision=Workspace.revision + 1)
        .returning(Workspace.revision)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    # The UPDATE bypassed the unit of work; a Workspace this session holds would keep
    # reporting the old revision until refreshed.
    loaded = session.identity_map.get(identity_key(Workspace, workspace_id))
    if loaded is not None:
        set_committed_value(loaded, "revision", revision)
    change = Change(
        workspace_id=workspace_id,
        revision=revision,
        entity=entity,
        entity_id=entity_id,
        op=op,
        actor_user_id=actor_user_id,
        at=utcnow(),
        data=data,
    )
    session.add(change)
    session.flush()
    return change
