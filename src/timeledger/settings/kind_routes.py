"""The operations every effective-dated configuration kind offers, declared once:

GET    {path}                  list, in force `as_of` (default today), filtered, paged
POST   {path}                  create (201 + Location + ETag)
GET    {path}/{id}             one, as of a date (ETag)
PATCH  {path}/{id}             a new version from `effective_from` (If-Match)
GET    {path}/{id}/versions    the history
DELETE {path}/{id}             soft delete (204; 409 while referred to)
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import Select

from timeledger.access.caller import Allowed, Caller
from timeledger.kit.etag import set_etag
from timeledger.kit.filters import IdListValue, parse_id_list
from timeledger.kit.pagination import Page, PageRequest, fetch_page, page_request
from timeledger.kit.routing import ResourceId, created, if_match_of
from timeledger.kit.uow import UnitOfWork
from timeledger.organization.today import workspace_today
from timeledger.settings.kind_schemas import ConfigDate, read_of, version_read_of
from timeledger.settings.store import Actor, ConfigKind

Filter = Callable[[Select[Any]], Select[Any]]

AsOf = Annotated[
    ConfigDate | None,
    Query(description="Read the versions in force on this date (default: today)."),
]


async def no_filter() -> Filter:
    return lambda statement: statement


def actor_of(caller: Caller) -> Actor:
    return Actor(workspace_id=caller.workspace_id, user_id=caller.user_id)


@dataclass(frozen=True)
class ConfigRoutes:
    """What `add_config_routes` needs to know of a kind beyond its `ConfigKind`."""

    path: str
    kind: ConfigKind[Any, Any]
    create_schema: type[BaseModel]
    update_schema: type[BaseModel]
    read_schema: type[BaseModel]
    version_schema: type[BaseModel]
    area: str = "settings"
    filters: Callable[..., Awaitable[Filter]] = no_filter
    """A FastAPI dependency reading the kind's own query filters."""
    values_out: Callable[[Any], dict[str, Any]] | None = None
    """Values of a version as the read schemas show them (default: the stored fields)."""


def add_config_routes(router: APIRouter, spec: ConfigRoutes) -> None:
    kind = spec.kind
    owner = kind.owner_column
    version_model: Any = kind.version_model
    sorts = {
        "id": owner,
        "name": version_model.name,
        "effective_from": version_model.effective_from,
    }
    paging_type = Annotated[PageRequest, page_request(tuple(sorts), default_sort="id")]
    create_body: Any = spec.create_schema
    update_body: Any = spec.update_schema
    values_out = spec.values_out or kind.values_of
    label = kind.label

    def read(versioned: Any) -> Any:
        return read_of(
            spec.read_schema, versioned.entity, versioned.version, values_out(versioned.version)
        )

    def read_model(entity: Any, version: Any) -> Any:
        return read_of(spec.read_schema, entity, version, values_out(version))

    @router.get(spec.path, response_model=Page[spec.read_schema], summary=f"List {label}s")  # type: ignore[name-defined]
    def list_entities(
        session: UnitOfWork,
        caller: Annotated[Caller, Allowed(f"{spec.area}:read:*")],
        page: paging_type,
        kind_filter: Annotated[Filter, Depends(spec.filters)],
        as_of: AsOf = None,
        archived: Annotated[bool | None, Query()] = None,
        q: Annotated[
            str | None,
            Query(max_length=200, pattern=r"^[^\x00]*$", description="Part of the name."),
        ] = None,
        ids: Annotated[
            list[IdListValue] | None,
            Query(description="Ids, repeated or comma-separated."),
        ] = None,
    ) -> Any:
        day = as_of or workspace_today(session, caller.workspace_id)
        statement = kind.matching(
            kind_filter(kind.in_force(day)), archived=archived, name_contains=q
        )
        wanted = parse_id_list(ids, parameter="ids")
        if wanted:
            statement = statement.where(owner.in_(wanted))
        rows, cursor = fetch_page(session, statement, page, sort_columns=sorts, id_column=owner)
        entities = kind.entities_of(session, rows)
        items = [read_model(entities[getattr(row, owner.key)], row) for row in rows]
        return Page(items=items, next_cursor=cursor)

    @router.post(
        spec.path,
        status_code=status.HTTP_201_CREATED,
        response_model=spec.read_schema,
        summary=f"Create a {label}",
    )
    def create_entity(
        body: create_body,
        response: Response,
        session: UnitOfWork,
        caller: Annotated[Caller, Allowed(f"{spec.area}:create:*")],
    ) -> Any:
        data = body.model_dump(exclude={"key", "effective_from"})
        day = body.effective_from or workspace_today(session, caller.workspace_id)
        versioned = kind.create(
            session, actor_of(caller), values=data, effective_from=day, key=body.key
        )
        created(
            response,
            f"{router.prefix}{spec.path}/{versioned.entity.id}",
            kind.etag(versioned.entity),
        )
        return read(versioned)

    @router.get(
        f"{spec.path}/{{entity_id}}", response_model=spec.read_schema, summary=f"Get a {label}"
    )
    def get_entity(
        entity_id: ResourceId,
        response: Response,
        session: UnitOfWork,
        caller: Annotated[Caller, Allowed(f"{spec.area}:read:*")],
        as_of: AsOf = None,
    ) -> Any:
        day = as_of or workspace_today(session, caller.workspace_id)
        versioned = kind.as_of(session, entity_id, day)
        set_etag(response, kind.etag(versioned.entity))
        return read(versioned)

    @router.patch(
        f"{spec.path}/{{entity_id}}",
        response_model=spec.read_schema,
        summary=f"Change a {label} from a date (adds a version)",
    )
    def update_entity(
        entity_id: ResourceId,
        body: update_body,
        request: Request,
        response: Response,
        session: UnitOfWork,
        caller: Annotated[Caller, Allowed(f"{spec.area}:update:*")],
    ) -> Any:
        changes = body.model_dump(exclude_unset=True, exclude={"key", "effective_from"})
        day = body.effective_from or workspace_today(session, caller.workspace_id)
        versioned = kind.add_version(
            session,
            actor_of(caller),
            entity_id,
            changes=changes,
            effective_from=day,
            if_match=if_match_of(request),
            key=body.key,
        )
        set_etag(response, kind.etag(versioned.entity))
        return read(versioned)

    @router.get(
        f"{spec.path}/{{entity_id}}/versions",
        response_model=Page[spec.version_schema],  # type: ignore[name-defined]
        summary=f"History of a {label}",
    )
    def list_versions(
        entity_id: ResourceId,
        session: UnitOfWork,
        _caller: Annotated[Caller, Allowed(f"{spec.area}:read:*")],
    ) -> Any:
        items = [
            version_read_of(spec.version_schema, version, values_out(version))
            for version in kind.versions(session, entity_id)
        ]
        return Page(items=items, next_cursor=None)

    @router.delete(
        f"{spec.path}/{{entity_id}}",
        status_code=status.HTTP_204_NO_CONTENT,
        summary=f"Delete a {label}",
    )
    def delete_entity(
        entity_id: ResourceId,
        request: Request,
        session: UnitOfWork,
        caller: Annotated[Caller, Allowed(f"{spec.area}:delete:*")],
    ) -> None:
        kind.delete(
            session,
            actor_of(caller),
            entity_id,
            today=workspace_today(session, caller.workspace_id),
            if_match=if_match_of(request),
        )
