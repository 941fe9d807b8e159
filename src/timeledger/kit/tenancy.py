"""Workspace scoping applied to every ORM statement of a session.

A session bound to a workspace adds `workspace_id = :ws` to every SELECT, UPDATE and DELETE
on tenant models and stamps new tenant rows with it, so a repository cannot forget scoping.
"""

import weakref
from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, bindparam, event, func, or_, select
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


WORKSPACE_PARAMETER = "tenancy_workspace_id"
"""The bound parameter of the workspace criteria: every scoped execution supplies it."""

_WORKSPACE_CRITERIA = with_loader_criteria(
    TenantMixin,
    # The name is spelled out: SQLAlchemy analyses the lambda, and a name it closes over
    # would be taken for a value to bind.
    lambda cls: cls.workspace_id == bindparam("tenancy_workspace_id"),
    include_aliases=True,
)
"""One criteria for every workspace, its value a parameter of the execution: criteria
closing over the workspace id made SQLAlchemy extract that value from the closure at every
execution, about 0.1 ms a query, as much as a short query itself."""


@event.listens_for(Session, "do_orm_execute")
def _add_workspace_criteria(state: ORMExecuteState) -> None:
    workspace_id = session_workspace_id(state.session)
    if workspace_id is None:
        return
    if state.is_insert:
        _check_inserted_rows(state, workspace_id)
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_update and _parameter_sets(state):
        _check_rows_updated_by_primary_key(state, workspace_id)
        return
    # Loads of columns and relationships carry the criteria of the statement that loaded
    # their objects, so they need the parameter too.
    state.parameters = _with_workspace_parameter(state.parameters, workspace_id)
    if state.is_column_load or state.is_relationship_load:
        return
    state.statement = workspace_scoped(state.statement)


def _with_workspace_parameter(parameters: Any, workspace_id: int) -> dict[str, Any]:
    """The parameters of one execution with the workspace's; the ORM runs only INSERT and
    UPDATE for several parameter sets, and both are handled before."""
    if parameters is not None and not isinstance(parameters, Mapping):
        raise TypeError("a scoped SELECT, UPDATE or DELETE runs for one parameter set")
    return {**(parameters or {}), WORKSPACE_PARAMETER: workspace_id}


_SCOPED: "weakref.WeakKeyDictionary[Any, Any]" = weakref.WeakKeyDictionary()


def workspace_scoped(statement: Any) -> Any:
    """`statement` with the workspace criteria, built once while the statement lives.
    Adding options makes a new statement, whose cache key SQLAlchemy computes again by
    walking all of it: for a statement built once (a module's constant with parameters)
    that walk cost more than the query."""
    scoped = _SCOPED.get(statement)
    if scoped is None:
        scoped = _SCOPED[statement] = statement.options(_WORKSPACE_CRITERIA)
    return scoped


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
