"""Soft-deleted entities of every effective-dated kind: listed and restored in one place.

Each kind is one line of `DELETED_KINDS`. A kind of the shared configuration store becomes
one with `of_config_kind(KIND)`; a kind with rules of its own (org units, employees) names
its entity model, its version history and its restore function. The `entity` names of the
API follow the tuple's order, so add new kinds at the end.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.kit.errors import NotFound, Unprocessable
from timeledger.kit.pagination import PageRequest
from timeledger.kit.versioning import VersionHistory
from timeledger.models import Employee, OrgUnit
from timeledger.models.configuration import ConfigEntity
from timeledger.organization.repository import EMPLOYEE_VERSIONS, UNIT_VERSIONS
from timeledger.organization.service import restore_employee, restore_unit
from timeledger.organization.today import workspace_today
from timeledger.projects.service import CUSTOMERS, PROJECTS, TASKS
from timeledger.settings.service import (
    ACTIVITIES,
    ALLOWANCE_POLICIES,
    DIMENSIONS,
    EMPLOYMENT_TERMS,
    HOLIDAY_CALENDARS,
    REASONS,
    SETTLEMENT_POLICIES,
    TIMEBANK_ACCOUNTS,
    WORKTIME_POLICIES,
)
from timeledger.settings.store import Actor, ConfigKind
from timeledger.workspaces.admin_repository import deleted_rows, last_versions
from timeledger.workspaces.admin_schemas import DeletedRead

Restore = Callable[[Session, Caller, int], object]


def _name_field(version: Any) -> str:
    return str(version.name)


def _person_name(version: Any) -> str:
    return f"{version.first_name} {version.last_name}".strip()


@dataclass(frozen=True)
class DeletedKind:
    name: str
    """The `entity` of /api/admin/deleted, e.g. `activity`."""
    entity_model: type[ConfigEntity]
    history: VersionHistory[Any]
    restore: Restore
    """Undoes the soft delete of the entity with this id: 404 unless it is deleted, 409
    naming a reference that is deleted now; records `restored` in the change log."""
    display_name: Callable[[Any], str] = _name_field
    """The name shown for an entity, from its last version."""


def of_config_kind(kind: ConfigKind[Any, Any]) -> DeletedKind:
    def restore(session: Session, caller: Caller, entity_id: int) -> object:
        return kind.restore(
            session,
            Actor(workspace_id=caller.workspace_id, user_id=caller.user_id),
            entity_id,
            today=workspace_today(session, caller.workspace_id),
        )

    return DeletedKind(kind.name, kind.entity_model, kind.history, restore)


DELETED_KINDS: tuple[DeletedKind, ...] = (
    of_config_kind(ACTIVITIES),
    of_config_kind(REASONS),
    of_config_kind(DIMENSIONS),
    of_config_kind(TIMEBANK_ACCOUNTS),
    of_config_kind(HOLIDAY_CALENDARS),
    of_config_kind(EMPLOYMENT_TERMS),
    DeletedKind("org-unit", OrgUnit, UNIT_VERSIONS, restore_unit),
    DeletedKind("employee", Employee, EMPLOYEE_VERSIONS, restore_employee, _person_name),
    of_config_kind(CUSTOMERS),
    of_config_kind(PROJECTS),
    of_config_kind(TASKS),
    of_config_kind(WORKTIME_POLICIES),
    of_config_kind(ALLOWANCE_POLICIES),
    of_config_kind(SETTLEMENT_POLICIES),
)
ENTITY_NAMES: tuple[str, ...] = tuple(kind.name for kind in DELETED_KINDS)
_BY_NAME = {kind.name: kind for kind in DELETED_KINDS}


def kind_named(name: str) -> DeletedKind:
    kind = _BY_NAME.get(name)
    if kind is None:
        raise NotFound(
            f"There is no kind of entity named {name!r} to restore; known: "
            f"{', '.join(ENTITY_NAMES)}."
        )
    return kind


def list_deleted(
    session: Session, caller: Caller, page: PageRequest, entity: str | None
) -> tuple[list[DeletedRead], str | None]:
    """Deleted entities of every kind (or of `entity`), by deletion time, each named as of
    its last version."""
    if entity is not None and entity not in _BY_NAME:
        raise Unprocessable(
            f"entity must be one of {', '.join(ENTITY_NAMES)}.",
            errors=[{"location": "query.entity", "message": "unknown kind of entity"}],
        )
    kinds = DELETED_KINDS if entity is None else (_BY_NAME[entity],)
    sources = [(DELETED_KINDS.index(kind), kind.entity_model) for kind in kinds]
    rows, cursor = deleted_rows(session, caller.workspace_id, sources, page)
    names: dict[tuple[int, int], str] = {}
    for index in sorted({row.kind_index for row in rows}):
        kind = DELETED_KINDS[index]
        ids = [row.id for row in rows if row.kind_index == index]
        for owner_id, version in last_versions(session, kind.history, ids).items():
            names[index, owner_id] = kind.display_name(version)
    items = [
        DeletedRead(
            entity=DELETED_KINDS[row.kind_index].name,
            id=row.id,
            key=row.key,
            name=names.get((row.kind_index, row.id), ""),
            deleted_at=row.deleted_at,
        )
        for row in rows
    ]
    return items, cursor


def restore_deleted(session: Session, caller: Caller, entity: str, entity_id: int) -> None:
    kind_named(entity).restore(session, caller, entity_id)
