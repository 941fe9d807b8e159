from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, literal, or_, select, union_all
from sqlalchemy.orm import Session

from timeledger.kit.pagination import (
    Direction,
    PageRequest,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
)
from timeledger.kit.versioning import VersionHistory
from timeledger.models import AuditEvent
from timeledger.models.configuration import ConfigEntity

KINDS_PER_ID = 64
"""Rows of several kinds are told apart in one keyset by `id * KINDS_PER_ID + kind index`."""


def audit_events(
    *,
    action: str | None,
    outcome: str | None,
    actor_user_id: int | None,
    since: datetime | None,
    until: datetime | None,
    period: tuple[datetime, datetime] | None = None,
) -> Select[AuditEvent]:
    statement = select(AuditEvent)
    if action:
        statement = statement.where(AuditEvent.action == action)
    if outcome:
        statement = statement.where(AuditEvent.outcome == outcome)
    if actor_user_id is not None:
        statement = statement.where(AuditEvent.actor_user_id == actor_user_id)
    if since is not None:
        statement = statement.where(AuditEvent.at >= since)
    if until is not None:
        statement = statement.where(AuditEvent.at < until)
    if period is not None:
        statement = statement.where(AuditEvent.at >= period[0], AuditEvent.at < period[1])
    return statement


@dataclass(frozen=True)
class DeletedRow:
    kind_index: int
    id: int
    key: str | None
    deleted_at: datetime


def deleted_rows(
    session: Session,
    workspace_id: int,
    sources: Sequence[tuple[int, type[ConfigEntity]]],
    page: PageRequest,
) -> tuple[list[DeletedRow], str | None]:
    """One page of the soft-deleted rows of several entity tables, ordered by `deleted_at`
    (then by a row id unique across the kinds), from the cursor on."""
    parts = []
    for index, model in sources:
        entity: Any = model
        parts.append(
            select(
                literal(index).label("kind_index"),
                entity.id.label("id"),
                entity.key.label("key"),
                entity.deleted_at.label("deleted_at"),
                (entity.id * KINDS_PER_ID + index).label("row_id"),
            ).where(entity.workspace_id == workspace_id, entity.deleted_at.is_not(None))
        )
    deleted = union_all(*parts).subquery("deleted")
    at, row_id = deleted.c.deleted_at, deleted.c.row_id
    descending = page.direction is Direction.DESC
    statement = select(deleted)
    after = decode_cursor(page)
    if after is not None:
        value, last_id = after
        if not isinstance(value, datetime):
            raise invalid_cursor()
        if descending:
            statement = statement.where(or_(at < value, and_(at == value, row_id < last_id)))
        else:
            statement = statement.where(or_(at > value, and_(at == value, row_id > last_id)))
    order = (at.desc(), row_id.desc()) if descending else (at.asc(), row_id.asc())
    found = session.execute(statement.order_by(*order).limit(page.limit + 1)).all()
    rows = [
        DeletedRow(kind_index=row.kind_index, id=row.id, key=row.key, deleted_at=row.deleted_at)
        for row in found
    ]
    if len(rows) <= page.limit:
        return rows, None
    last = found[page.limit - 1]
    return rows[: page.limit], encode_cursor(page, last.deleted_at, last.row_id)


def last_versions(
    session: Session, history: VersionHistory[Any], owner_ids: Sequence[int]
) -> dict[int, Any]:
    """The last version (latest effective date, then latest recorded) of each owner."""
    if not owner_ids:
        return {}
    model: Any = history.model
    result: dict[int, Any] = {}
    for version in session.scalars(
        select(model)
        .where(history.owner_column.in_(owner_ids))
        .order_by(model.effective_from, model.id)
    ):
        result[getattr(version, history.owner_column.key)] = version
    return result
