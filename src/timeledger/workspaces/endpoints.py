"""Routes of workspace administration (tag Admin)."""

from typing import Annotated

from fastapi import Path, Query, Request, Response, status

from timeledger.access.caller import Allowed, Caller
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.etag import set_etag
from timeledger.kit.pagination import Direction, Page, PageRequest, fetch_page, page_request
from timeledger.kit.routing import MAX_ID, ResourceId, api_router, if_match_of
from timeledger.kit.timeutil import DateKeyword, parse_instant
from timeledger.kit.uow import UnitOfWork
from timeledger.models import AuditEvent
from timeledger.workspaces import deleted, service
from timeledger.workspaces.admin_repository import audit_events
from timeledger.workspaces.admin_schemas import AuditEventRead, DeletedRead
from timeledger.workspaces.schemas import (
    GoodTimeFaceRead,
    GoodTimeFaceUpdate,
    WorkspaceRead,
    WorkspaceUpdate,
)
from timeledger.workspaces.service import workspace_period

admin = api_router("Admin", prefix="/admin")
AuditPage = Annotated[PageRequest, page_request(("at", "id"), "at", Direction.DESC)]
DeletedPage = Annotated[PageRequest, page_request(("deleted_at",), "deleted_at", Direction.DESC)]
ENTITY_DESCRIPTION = "Kind of entity."
ENTITY_VALUES = {"enum": list(deleted.ENTITY_NAMES)}


@admin.get("/workspace", response_model=WorkspaceRead)
def get_workspace(
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("workspace:read:*")],
) -> WorkspaceRead:
    workspace = service.get_workspace(session, caller)
    set_etag(response, service.workspace_etag(workspace))
    return service.workspace_view(session, workspace)


@admin.patch("/workspace", response_model=WorkspaceRead)
def update_workspace(
    body: WorkspaceUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("workspace:update:*")],
) -> WorkspaceRead:
    workspace = service.update_workspace(session, caller, body, if_match_of(request))
    set_etag(response, service.workspace_etag(workspace))
    return service.workspace_view(session, workspace)


@admin.get("/faces/goodtime", response_model=GoodTimeFaceRead)
def get_goodtime_face(
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("workspace:read:*")],
) -> GoodTimeFaceRead:
    """The GoodTime face (`/compat/goodtime/api`, docs/compat/goodtime.md): off until
    enabled with an API password."""
    workspace = service.get_workspace(session, caller)
    set_etag(response, service.workspace_etag(workspace))
    return service.goodtime_face(workspace).view()


@admin.put("/faces/goodtime", response_model=GoodTimeFaceRead)
def put_goodtime_face(
    body: GoodTimeFaceUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("workspace:update:*")],
) -> GoodTimeFaceRead:
    """Enable or disable the GoodTime face, set its API password and lockable entries.
    Enabling without a password ever set is 422. `If-Match` (the workspace's ETag) is
    honoured when sent."""
    hashing: PasswordHashing = request.app.state.password_hashing
    face = service.update_goodtime_face(session, caller, body, hashing, if_match_of(request))
    set_etag(response, service.workspace_etag(service.get_workspace(session, caller)))
    return face.view()


@admin.get("/audit-log", response_model=Page[AuditEventRead])
def list_audit_log(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("audit-log:read:*")],
    page: AuditPage,
    action: Annotated[str | None, Query(max_length=64)] = None,
    outcome: Annotated[str | None, Query(pattern="^(success|failure|denied)$")] = None,
    actor_user_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    since: Annotated[
        str | None, Query(max_length=64, description="Instant with UTC offset, inclusive.")
    ] = None,
    until: Annotated[
        str | None, Query(max_length=64, description="Instant with UTC offset, exclusive.")
    ] = None,
    period: Annotated[
        DateKeyword | None,
        Query(
            alias="range",
            description="Named range of local dates in the workspace time zone and week start.",
        ),
    ] = None,
) -> Page[AuditEventRead]:
    statement = audit_events(
        action=action,
        outcome=outcome,
        actor_user_id=actor_user_id,
        since=parse_instant(since, parameter="since") if since else None,
        until=parse_instant(until, parameter="until") if until else None,
        period=workspace_period(session, caller, period) if period else None,
    )
    rows, cursor = fetch_page(
        session,
        statement,
        page,
        sort_columns={"at": AuditEvent.at, "id": AuditEvent.id},
        id_column=AuditEvent.id,
    )
    return Page(
        items=[AuditEventRead.model_validate(row, from_attributes=True) for row in rows],
        next_cursor=cursor,
    )


@admin.get("/deleted", response_model=Page[DeletedRead])
def list_deleted(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("deleted:read:*")],
    page: DeletedPage,
    entity: Annotated[
        str | None,
        Query(max_length=64, description=ENTITY_DESCRIPTION, json_schema_extra=ENTITY_VALUES),
    ] = None,
) -> Page[DeletedRead]:
    """Soft-deleted entities of every effective-dated kind, most recently deleted first."""
    items, cursor = deleted.list_deleted(session, caller, page, entity)
    return Page(items=items, next_cursor=cursor)


@admin.post(
    "/deleted/{entity}/{entity_id}/restore",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def restore_deleted(
    entity: Annotated[
        str,
        Path(max_length=64, description=ENTITY_DESCRIPTION, json_schema_extra=ENTITY_VALUES),
    ],
    entity_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("deleted:restore:*")],
) -> Response:
    """Undo a soft delete: 404 unless the entity is deleted; 409 naming a reference of its
    current or later versions that is deleted now."""
    deleted.restore_deleted(session, caller, entity, entity_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
