"""mite's customers, projects and services: one pattern of routes over Timeledger's
effective-dated configuration kinds, declared once (`add_kind_routes`) and described per
kind (`MiteKind`).

    GET    /<collection>             live ones, by name (filter `name`; `limit`, `page`)
    GET    /<collection>/archived    archived ones
    GET    /<collection>/:id
    POST   /<collection>             201 + Location
    PATCH  /<collection>/:id         (PUT too) a new version from today; 200, empty
    DELETE /<collection>/:id         soft delete; 200, empty (409 while referred to)
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.compat.mite import translate
from timeledger.compat.mite.auth import MiteAllowed
from timeledger.compat.mite.formats import Format, empty, fields_of, many, one
from timeledger.compat.mite.requests import Fmt, Paging, native, resource_id
from timeledger.kit.pagination import fetch_window
from timeledger.kit.routing import RawBody, unconditional
from timeledger.kit.uow import UnitOfWork
from timeledger.organization.today import workspace_today
from timeledger.settings.kind_routes import actor_of
from timeledger.settings.kind_schemas import MIN_DATE
from timeledger.settings.store import ConfigKind, Versioned

GET = ["GET", "HEAD"]
UPDATE = ["PATCH", "PUT"]

# mite has no effective dates: what a mite client creates is in force for every date (so
# time can be booked on it at once, in the past too); a change takes effect from today.
CREATED_EFFECTIVE_FROM = MIN_DATE

Render = Callable[
    [Session, Caller, translate.Clock, list[Versioned[Any, Any]]], list[dict[str, Any]]
]


def _in_force(
    _request: Request, _session: Session, _caller: Caller, kind: ConfigKind[Any, Any], today: date
) -> Select[Any]:
    return kind.in_force(today)


def _always(_session: Session, _values: dict[str, Any]) -> date:
    return CREATED_EFFECTIVE_FROM


def _nothing_more(_session: Session, _caller: Caller, _id: int, _data: Any) -> None:
    """No writes beyond the kind's own."""


def _visible(_session: Session, _caller: Caller, _id: int) -> None:
    """Whoever may read the kind sees every entity of it."""


def _unchanged(changes: dict[str, Any]) -> dict[str, Any]:
    return changes


@dataclass(frozen=True)
class MiteKind:
    collection: str
    resource: str
    kind: ConfigKind[Any, Any]
    area: str
    """The permission area: reads need `<area>:read:<read_scope>`, writes
    `<area>:create|update|delete:*`."""
    attributes: type[translate.Attributes]
    create_schema: type[BaseModel]
    update_schema: type[BaseModel]
    values: Callable[[Any], dict[str, Any]]
    """mite's attributes as sent, as the native schema's fields."""
    render: Render
    read_scope: str = "*"
    defaults: dict[str, Any] = field(default_factory=dict)
    """Native values a mite client cannot send, or whose default differs in mite."""
    listing: Callable[[Request, Session, Caller, ConfigKind[Any, Any], date], Select[Any]] = (
        _in_force
    )
    visible: Callable[[Session, Caller, int], None] = _visible
    effective_from: Callable[[Session, dict[str, Any]], date] = _always
    changes: Callable[[dict[str, Any]], dict[str, Any]] = _unchanged
    after_write: Callable[[Session, Caller, int, Any], None] = _nothing_more


def add_kind_routes(router: APIRouter, spec: MiteKind) -> None:
    kind = spec.kind
    path = f"/{spec.collection}"
    label = kind.label

    def rendered(session: Session, caller: Caller, found: list[Versioned[Any, Any]]) -> Any:
        return spec.render(session, caller, translate.clock_of(session, caller), found)

    def listed(
        request: Request, fmt: Format, session: Session, caller: Caller, paging: Paging,
        *, archived: bool,
    ) -> Response:  # fmt: skip
        today = workspace_today(session, caller.workspace_id)
        statement = kind.matching(
            spec.listing(request, session, caller, kind, today),
            archived=archived,
            name_contains=request.query_params.get("name") or None,
        )
        rows = fetch_window(
            session, statement, order_by=kind.by_name(), limit=paging.limit, offset=paging.offset
        )
        entities = kind.entities_of(session, rows)
        found = [Versioned(entities[getattr(row, kind.owner_column.key)], row) for row in rows]
        return many(fmt, spec.collection, spec.resource, rendered(session, caller, found))

    read = MiteAllowed(f"{spec.area}:read:{spec.read_scope}")

    @router.api_route(f"{path}.{{fmt}}", methods=GET)
    def list_live(
        request: Request,
        fmt: Fmt,
        session: UnitOfWork,
        caller: Annotated[Caller, read],
        paging: Paging,
    ) -> Response:
        return listed(request, fmt, session, caller, paging, archived=False)

    @router.api_route(f"{path}/archived.{{fmt}}", methods=GET)
    def list_archived(
        request: Request,
        fmt: Fmt,
        session: UnitOfWork,
        caller: Annotated[Caller, read],
        paging: Paging,
    ) -> Response:
        return listed(request, fmt, session, caller, paging, archived=True)

    @router.api_route(f"{path}/{{entity_id}}.{{fmt}}", methods=GET)
    def get_one(
        entity_id: str, fmt: Fmt, session: UnitOfWork, caller: Annotated[Caller, read]
    ) -> Response:
        wanted = resource_id(entity_id, label)
        spec.visible(session, caller, wanted)
        found = kind.as_of(session, wanted, workspace_today(session, caller.workspace_id))
        return one(fmt, spec.resource, rendered(session, caller, [found])[0])

    @router.post(f"{path}.{{fmt}}")
    def create(
        request: Request,
        fmt: Fmt,
        body: RawBody,
        session: UnitOfWork,
        caller: Annotated[Caller, MiteAllowed(f"{spec.area}:create:*")],
    ) -> Response:
        data = fields_of(body, fmt, spec.resource, spec.attributes)
        values = native(spec.create_schema, {**spec.defaults, **spec.values(data)}).model_dump(
            exclude={"key", "effective_from"}
        )
        found = kind.create(
            session,
            actor_of(caller),
            values=values,
            effective_from=spec.effective_from(session, values),
        )
        spec.after_write(session, caller, found.entity.id, data)
        response = one(fmt, spec.resource, rendered(session, caller, [found])[0], status=201)
        response.headers["Location"] = (
            f"{request.base_url}compat/mite/{spec.collection}/{found.entity.id}.{fmt.value}"
        )
        return response

    @router.api_route(f"{path}/{{entity_id}}.{{fmt}}", methods=UPDATE)
    def update(
        entity_id: str,
        fmt: Fmt,
        body: RawBody,
        session: UnitOfWork,
        caller: Annotated[Caller, MiteAllowed(f"{spec.area}:update:*")],
    ) -> Response:
        data = fields_of(body, fmt, spec.resource, spec.attributes)
        changes = native(spec.update_schema, spec.values(data)).model_dump(
            exclude_unset=True, exclude={"key", "effective_from"}
        )
        wanted = resource_id(entity_id, label)
        kind.add_version(
            session,
            actor_of(caller),
            wanted,
            changes=spec.changes(changes),
            effective_from=workspace_today(session, caller.workspace_id),
            if_match=unconditional,
        )
        spec.after_write(session, caller, wanted, data)
        return empty(fmt)

    @router.delete(f"{path}/{{entity_id}}.{{fmt}}")
    def delete(
        entity_id: str,
        fmt: Fmt,
        session: UnitOfWork,
        caller: Annotated[Caller, MiteAllowed(f"{spec.area}:delete:*")],
    ) -> Response:
        kind.delete(
            session,
            actor_of(caller),
            resource_id(entity_id, label),
            today=workspace_today(session, caller.workspace_id),
            if_match=unconditional,
        )
        return empty(fmt)
