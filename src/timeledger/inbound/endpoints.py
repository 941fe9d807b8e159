"""Routes of inbound webhooks: the endpoints' administration, their received events, and
the public operation senders POST signed events to."""

from typing import Annotated, Any

from fastapi import Header, Request, Response, status
from pydantic import TypeAdapter

from timeledger.access.caller import Allowed, Caller
from timeledger.config import Settings
from timeledger.inbound import service
from timeledger.inbound.repository import InboundRepository
from timeledger.inbound.schemas import (
    InboundEndpointCreate,
    InboundEndpointCreated,
    InboundEndpointRead,
    InboundEndpointUpdate,
    InboundEventRead,
    InboundEventStatus,
    InboundMessage,
    InboundReceipt,
)
from timeledger.kit.etag import set_etag
from timeledger.kit.pagination import Direction, Page, PageRequest, fetch_page, page_request
from timeledger.kit.routing import RawBody, ResourceId, api_router, created, if_match_of
from timeledger.kit.uow import UnitOfWork
from timeledger.models import InboundEndpoint, InboundEvent

inbound_router = api_router("Events & webhooks", prefix="/webhooks")

READ = "webhooks:read:*"
MANAGE = "webhooks:manage:*"
ENDPOINTS = "/inbound-endpoints"
ENDPOINT_SORTS = {"id": InboundEndpoint.id, "name": InboundEndpoint.name}
EndpointPage = Annotated[PageRequest, page_request(tuple(ENDPOINT_SORTS), "id")]
EVENT_SORTS = {"id": InboundEvent.id}
EventPage = Annotated[
    PageRequest, page_request(tuple(EVENT_SORTS), "id", default_direction=Direction.DESC)
]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@inbound_router.get(
    ENDPOINTS, response_model=Page[InboundEndpointRead], summary="List inbound endpoints"
)
def list_endpoints(
    session: UnitOfWork, caller: Annotated[Caller, Allowed(READ)], page: EndpointPage
) -> Page[InboundEndpointRead]:
    """The workspace's inbound endpoints; never their secrets."""
    rows, cursor = fetch_page(
        session,
        InboundRepository(session).endpoints(),
        page,
        sort_columns=ENDPOINT_SORTS,
        id_column=InboundEndpoint.id,
    )
    return Page(items=[service.endpoint_view(row) for row in rows], next_cursor=cursor)


@inbound_router.post(
    ENDPOINTS,
    status_code=status.HTTP_201_CREATED,
    response_model=InboundEndpointCreated,
    summary="Create an inbound endpoint",
)
def create_endpoint(
    body: InboundEndpointCreate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> InboundEndpointCreated:
    """The answer holds the signing secret, this once."""
    endpoint, answer = service.create_endpoint(session, caller, _settings(request), body)
    created(response, f"/api/webhooks{ENDPOINTS}/{endpoint.id}", service.endpoint_etag(endpoint))
    return answer


@inbound_router.get(
    f"{ENDPOINTS}/{{endpoint_id}}",
    response_model=InboundEndpointRead,
    summary="Get an inbound endpoint",
)
def get_endpoint(
    endpoint_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
) -> InboundEndpointRead:
    endpoint = service.get_endpoint(session, endpoint_id)
    set_etag(response, service.endpoint_etag(endpoint))
    return service.endpoint_view(endpoint)


@inbound_router.patch(
    f"{ENDPOINTS}/{{endpoint_id}}",
    response_model=InboundEndpointRead,
    summary="Change an inbound endpoint",
)
def update_endpoint(
    endpoint_id: ResourceId,
    body: InboundEndpointUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> InboundEndpointRead:
    endpoint = service.update_endpoint(session, caller, endpoint_id, body, if_match_of(request))
    set_etag(response, service.endpoint_etag(endpoint))
    return service.endpoint_view(endpoint)


@inbound_router.delete(
    f"{ENDPOINTS}/{{endpoint_id}}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an inbound endpoint",
)
def delete_endpoint(
    endpoint_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed(MANAGE)]
) -> None:
    service.delete_endpoint(session, caller, endpoint_id)


@inbound_router.post(
    f"{ENDPOINTS}/{{endpoint_id}}/rotate-secret",
    response_model=InboundEndpointCreated,
    summary="Issue a new signing secret",
)
def rotate_secret(
    endpoint_id: ResourceId,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> InboundEndpointCreated:
    """The old secret stops working at once; the answer holds the new one, this once."""
    endpoint, answer = service.rotate_secret(session, caller, _settings(request), endpoint_id)
    set_etag(response, service.endpoint_etag(endpoint))
    return answer


@inbound_router.get(
    f"{ENDPOINTS}/{{endpoint_id}}/events",
    response_model=Page[InboundEventRead],
    summary="List received inbound events",
)
def list_events(
    endpoint_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    page: EventPage,
) -> Page[InboundEventRead]:
    """The events the endpoint accepted, newest first, with how processing went."""
    endpoint = service.get_endpoint(session, endpoint_id)
    rows, cursor = fetch_page(
        session,
        InboundRepository(session).events_of(endpoint.id),
        page,
        sort_columns=EVENT_SORTS,
        id_column=InboundEvent.id,
    )
    return Page(items=[InboundEventRead.model_validate(row) for row in rows], next_cursor=cursor)


# Receiving

WebhookId = Annotated[
    str,
    Header(
        alias="webhook-id",
        min_length=1,
        max_length=200,
        description="Unique per event; a resend repeats it.",
    ),
]
WebhookTimestamp = Annotated[
    str, Header(alias="webhook-timestamp", max_length=20, description="Unix seconds of signing.")
]
WebhookSignature = Annotated[
    str,
    Header(
        alias="webhook-signature",
        max_length=2000,
        description="`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, space-separated.",
    ),
]


def _inlined(schema: Any, definitions: dict[str, Any]) -> Any:
    """A JSON Schema with its local `$defs` references replaced by what they name (the
    message models are not recursive), for a request body FastAPI does not parse."""
    if isinstance(schema, list):
        return [_inlined(item, definitions) for item in schema]
    if not isinstance(schema, dict):
        return schema
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/$defs/"):
        return _inlined(definitions[reference.removeprefix("#/$defs/")], definitions)
    return {
        key: _inlined(value, definitions)
        for key, value in schema.items()
        if key not in ("$defs", "discriminator")
    }


def _message_schema() -> dict[str, Any]:
    schema = TypeAdapter(InboundMessage).json_schema()
    inlined: dict[str, Any] = _inlined(schema, schema.get("$defs", {}))
    return inlined


RECEIVE_OPENAPI: dict[str, Any] = {
    "x-public": True,
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": _message_schema()}},
    },
}


@inbound_router.post(
    "/inbound/{endpoint_id}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=InboundReceipt,
    summary="Receive a signed inbound event",
    openapi_extra=RECEIVE_OPENAPI,
)
def receive_event(
    endpoint_id: ResourceId,
    body: RawBody,
    request: Request,
    session: UnitOfWork,
    webhook_id: WebhookId,
    webhook_timestamp: WebhookTimestamp,
    webhook_signature: WebhookSignature,
) -> InboundReceipt:
    """For the sending system, signed per Standard Webhooks with the endpoint's secret (no
    Bearer credential). 202 once stored; the worker applies it shortly. A resend with the
    same webhook-id answers 202 with the stored event's status and changes nothing."""
    headers = service.SignatureHeaders(webhook_id, webhook_timestamp, webhook_signature)
    event = service.receive_event(session, _settings(request), endpoint_id, body, headers)
    return InboundReceipt(
        id=event.id, event_id=event.event_id, status=InboundEventStatus(event.status)
    )
