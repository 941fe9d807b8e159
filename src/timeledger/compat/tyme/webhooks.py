"""Tyme's webhooks: `POST /webhooks/subscribe` and `/webhooks/unsubscribe`, native webhook
subscriptions whose requests carry Tyme's objects (`webhook_bodies`)."""

from typing import Annotated

from fastapi import Request, Response

from timeledger.access.caller import Caller
from timeledger.compat.tyme.wire import (
    TymeAllowed,
    UnreadableBody,
    body_parameters,
    first_values,
    json_response,
    tyme_router,
)
from timeledger.config import Settings
from timeledger.kit.errors import BadRequest
from timeledger.kit.routing import RawBody
from timeledger.kit.uow import UnitOfWork
from timeledger.webhooks import service

webhooks = tyme_router()

MANAGE = "webhooks:manage:*"
SUCCESS = {"status": "success"}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _hook(request: Request, body: bytes) -> tuple[str, str]:
    """The `hook_url` and `trigger_type` of a JSON or form body."""
    try:
        fields = first_values(body_parameters(body, request.headers.get("content-type", "")))
    except UnreadableBody as unreadable:
        raise BadRequest(str(unreadable)) from None
    for name in ("hook_url", "trigger_type"):
        if not fields.get(name):
            raise BadRequest(f"{name}: missing.")
    return fields["hook_url"], fields["trigger_type"]


@webhooks.post("/webhooks/subscribe")
def subscribe(
    request: Request,
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, TymeAllowed(MANAGE)],
) -> Response:
    """Subscribe a URL to a trigger; subscribing it again changes nothing."""
    hook_url, trigger_type = _hook(request, body)
    service.subscribe_tyme_trigger(session, caller, _settings(request), hook_url, trigger_type)
    return json_response(SUCCESS)


@webhooks.post("/webhooks/unsubscribe")
def unsubscribe(
    request: Request,
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, TymeAllowed(MANAGE)],
) -> Response:
    """End a URL's subscription to a trigger; success also when there is none."""
    hook_url, trigger_type = _hook(request, body)
    service.unsubscribe_tyme_trigger(session, caller, hook_url, trigger_type)
    return json_response(SUCCESS)
