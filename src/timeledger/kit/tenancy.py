"""Workspace scoping applied to every ORM statement of a session.

A session bound to a workspace adds `workspace_id = :ws` to every SELECT, UPDATE and DELETE
on tenant models and stamps new tenant rows with it, so a repository cannot forget scoping.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from timeledger.kit.model import TenantMixin

WORKSPACE_KEY = "workspace_id"


class CrossWorkspaceWrite(RuntimeError):
    """A row of another workspace was about to be written through a scoped session."""


def scope_session_to_workspace(session: Session, workspace_id: int) -> None:
    session.info[WORKSPACE_KEY] = workspace_id


def session_workspace_id(session: Session) -> int | None:
    value = session.info.get(WORKSPACE_KEY)
    return int(value) if value is not None else None


@event.listens_for(Session, "do_orm_execute")
def _add_workspace_criteria(state: ORMExecuteState) -> None:
    workspace_id = session_workspace_id(state.session)
    if workspace_id is None or state.is_column_load or state.is_relationship_load:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(
            with_loader_criteria(
                TenantMixin,
                lambda cls: cls.workspace_id == workspace_id,
                include_aliases=True,
            )
        )


@event.listens_for(Session, "before_flush")
def _stamp_workspace(session: Session, _context: Any, _instances: Any) -> None:
    workspace_id = session_workspace_id(session)
    if workspace_id is None:
        return
    for instance in list(session.new) + list(session.dirty):
        if not isinstance(instance, TenantMixin):
            continue
        if instance.workspace_id is None:
            instance.workspace_id = workspace_id
        elif instance.workspace_id != workspace_id:
            raise CrossWorkspaceWrite(type(instance).__name__)
