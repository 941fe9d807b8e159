"""Workspace scoping applied to every ORM statement of a session.

A session bound to a workspace adds `workspace_id = :ws` to every SELECT, UPDATE and DELETE
on tenant models and stamps new tenant rows with it, so a repository cannot forget scoping.
"""

import functools
import weakref
from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, event, func, or_, select
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


def _tenant_class(state: ORMExecuteState) -> type[TenantMixin] | None:
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, TenantMixin):
        return mapper.class_
    return None


@event.listens_for(Session, "do_orm_execute")
def _add_workspace_criteria(state: ORMExecuteState) -> None:
    workspace_id = session_workspace_id(state.session)
    if workspace_id is None or state.is_column_load or state.is_relationship_load:
        return
    if state.is_insert:
        _check_inserted_rows(state, workspace_id)
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_update and _parameter_sets(state):
        _check_rows_updated_by_primary_key(state, workspace_id)
    state.statement = workspace_scoped(state.statement, workspace_id)


_SCOPED: "weakref.WeakKeyDictionary[Any, dict[int, Any]]" = weakref.WeakKeyDictionary()


def workspace_scoped(statement: Any, workspace_id: int) -> Any:
    """`statement` with the workspace's criteria, built once per statement and workspace
    while the statement lives. Adding options makes a new statement, whose cache key
    SQLAlchemy computes again by walking all of it: for a statement built once (a
    module's constant with parameters) that walk cost more than the query."""
    per_workspace = _SCOPED.get(statement)
    if per_workspace is None:
        per_workspace = _SCOPED.setdefault(statement, {})
    scoped = per_workspace.get(workspace_id)
    if scoped is None:
        scoped = per_workspace[workspace_id] = statement.options(_workspace_criteria(workspace_id))
    return scoped


@functools.lru_cache(maxsize=4096)
def _workspace_criteria(workspace_id: int) -> Any:
    """The loader criteria of one workspace, built once: building them (a lambda element
    analysed for its closure) cost more than running a short query."""
    return with_loader_criteria(
        TenantMixin, lambda cls: cls.workspace_id == workspace_id, include_aliases=True
    )


def _parameter_sets(state: ORMExecuteState) -> list[Mapping[str, Any]]:
    """The rows of an executemany (ORM bulk INSERT, bulk UPDATE by primary key)."""
    parameters = state.parameters
    if not parameters or isinstance(parameters, Mapping):
        return []
    return list(parameters)


def _refuse(tenant: type[TenantMixin], what: str) -> CrossWorkspaceWrite:
    return CrossWorkspaceWrite(f"{tenant.__name__} ({what})")


def _check_rows_updated_by_primary_key(state: ORMExecuteState, workspace_id: int) -> None:
    """Loader criteria do not reach an ORM bulk UPDATE by primary key; check its rows."""
    tenant = _tenant_class(state)
    if tenant is None:
        return
    table = tenant.__table__  # type: ignore[attr-defined]
    keys = [column for column in table.primary_key.columns]
    rows = _parameter_sets(state)
    named = or_(*(and_(*(key == row.get(key.key) for key in keys)) for row in rows))
    foreign = state.session.connection().scalar(
        select(func.count()).select_from(table).where(named, table.c[WORKSPACE_KEY] != workspace_id)
    )
    if foreign:
        raise _refuse(tenant, "UPDATE")


def _check_inserted_rows(state: ORMExecuteState, workspace_id: int) -> None:
    """ORM INSERT statements bypass the flush: stamp and check their rows here."""
    tenant = _tenant_class(state)
    if tenant is None:
        return
    # Values given inline with .values(); SQLAlchemy keeps them on these attributes.
    inline: list[Mapping[Any, Any]] = []
    statement = state.statement
    if getattr(statement, "_values", None):
        inline.append(statement._values)  # type: ignore[attr-defined]
    for values in getattr(statement, "_multi_values", ()) or ():
        inline.extend(values)
    for values in inline:
        for column, value in values.items():
            if getattr(column, "key", column) == WORKSPACE_KEY:
                found = getattr(value, "value", value)
                if found is not None and found != workspace_id:
                    raise _refuse(tenant, "INSERT")
    parameters = state.parameters
    if not parameters:
        return
    rows = [parameters] if isinstance(parameters, Mapping) else list(parameters)
    stamped: list[dict[str, Any]] = []
    for row in rows:
        found = row.get(WORKSPACE_KEY)
        if found is not None and found != workspace_id:
            raise _refuse(tenant, "INSERT")
        stamped.append({**row, WORKSPACE_KEY: workspace_id})
    state.parameters = stamped[0] if isinstance(parameters, Mapping) else stamped


@event.listens_for(Session, "before_flush")
def _stamp_workspace(session: Session, _context: Any, _instances: Any) -> None:
    workspace_id = session_workspace_id(session)
    if workspace_id is None:
        return
    for instance in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(instance, TenantMixin):
            continue
        if instance.workspace_id is None and instance not in session.deleted:
            instance.workspace_id = workspace_id
        elif instance.workspace_id != workspace_id:
            raise CrossWorkspaceWrite(type(instance).__name__)
