"""Rules of inbound endpoints and of receiving their events.

An endpoint's signing secret is issued by the server, shown once (at creation and on
rotation) and stored sealed. A delivery is accepted only with a valid Standard Webhooks
signature, made within five minutes; an unknown, inactive or wrongly signed endpoint gets
the same 401, so a stranger learns nothing of which endpoints exist. The first delivery of
a webhook-id stores the event and queues its processing in one transaction; a resend of
it answers with the stored event and does nothing else.
"""

import base64
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from timeledger.access.audit import record_audit
from timeledger.access.caller import Caller
from timeledger.config import Settings
from timeledger.inbound.repository import InboundRepository
from timeledger.inbound.schemas import (
    InboundEndpointCreate,
    InboundEndpointCreated,
    InboundEndpointRead,
    InboundEndpointUpdate,
    InboundEventStatus,
    InboundMessage,
)
from timeledger.jobs.registry import enqueue
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import (
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    Unprocessable,
    validation_errors,
)
from timeledger.kit.etag import etag_for
from timeledger.kit.secretbox import SecretBox
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.kit.views import view_of
from timeledger.models import InboundEndpoint, InboundEvent

PROCESS_INBOUND_EVENT = "inbound.process"
SECRET_PREFIX = "whsec_"  # noqa: S105  (the format's prefix, not a secret)
SECRET_BYTES = 32
MAX_EVENT_BYTES = 65_536
SIGNATURE_TOLERANCE = timedelta(minutes=5)
"""How far a delivery's webhook-timestamp may lie from now, either way."""
IfMatch = Callable[[str], None]
MESSAGES: TypeAdapter[InboundMessage] = TypeAdapter(InboundMessage)


@dataclass(frozen=True)
class SignatureHeaders:
    """The Standard Webhooks headers of one delivery."""

    webhook_id: str
    webhook_timestamp: str
    webhook_signature: str

    def as_dict(self) -> dict[str, str]:
        return {
            "webhook-id": self.webhook_id,
            "webhook-timestamp": self.webhook_timestamp,
            "webhook-signature": self.webhook_signature,
        }


def receive_url(endpoint_id: int) -> str:
    return f"/api/webhooks/inbound/{endpoint_id}"


def endpoint_etag(endpoint: InboundEndpoint) -> str:
    return etag_for("inbound-endpoint", endpoint.id, endpoint.row_version)


def endpoint_view(endpoint: InboundEndpoint) -> InboundEndpointRead:
    return view_of(InboundEndpointRead, endpoint, url=receive_url(endpoint.id))


def _new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _check_service_user(session: Session, user_id: int) -> None:
    if InboundRepository(session).active_service_user(user_id) is None:
        raise Unprocessable.at(
            "body.service_user_id",
            f"User {user_id} is not an active service user of this workspace; inbound "
            "events act as a service user (POST /api/service-users creates one).",
            "not an active service user",
        )


def _audit(session: Session, caller: Caller, action: str, endpoint: InboundEndpoint) -> None:
    record_audit(
        session,
        caller.audit_record(
            action, "success", target_type="inbound_endpoint", target_id=endpoint.id
        ),
    )


def get_endpoint(session: Session, endpoint_id: int) -> InboundEndpoint:
    endpoint = InboundRepository(session).endpoint(endpoint_id)
    if endpoint is None:
        raise NotFound(f"Inbound endpoint {endpoint_id} does not exist.")
    return endpoint


def _created(endpoint: InboundEndpoint, secret: str) -> InboundEndpointCreated:
    return view_of(InboundEndpointCreated, endpoint, url=receive_url(endpoint.id), secret=secret)


def create_endpoint(
    session: Session, caller: Caller, settings: Settings, data: InboundEndpointCreate
) -> tuple[InboundEndpoint, InboundEndpointCreated]:
    _check_service_user(session, data.service_user_id)
    secret = _new_secret()
    now = utcnow()
    endpoint = InboundEndpoint(
        workspace_id=caller.workspace_id,
        name=data.name,
        service_user_id=data.service_user_id,
        secret_encrypted=SecretBox(settings.resolved_secret_key()).seal(secret),
        active=data.active,
        row_version=1,
        created_at=now,
        updated_at=now,
    )
    InboundRepository(session).add(endpoint)
    _audit(session, caller, "inbound_endpoint.created", endpoint)
    return endpoint, _created(endpoint, secret)


def _touch(endpoint: InboundEndpoint) -> None:
    endpoint.row_version += 1
    endpoint.updated_at = utcnow()


def update_endpoint(
    session: Session,
    caller: Caller,
    endpoint_id: int,
    data: InboundEndpointUpdate,
    if_match: IfMatch,
) -> InboundEndpoint:
    endpoint = get_endpoint(session, endpoint_id)
    if_match(endpoint_etag(endpoint))
    if data.service_user_id is not None and data.service_user_id != endpoint.service_user_id:
        _check_service_user(session, data.service_user_id)
        endpoint.service_user_id = data.service_user_id
    if data.name is not None:
        endpoint.name = data.name
    if data.active is not None:
        endpoint.active = data.active
    _touch(endpoint)
    session.flush()
    _audit(session, caller, "inbound_endpoint.updated", endpoint)
    return endpoint


def rotate_secret(
    session: Session, caller: Caller, settings: Settings, endpoint_id: int
) -> tuple[InboundEndpoint, InboundEndpointCreated]:
    """A new secret replaces the old one at once: deliveries signed with it are refused."""
    endpoint = get_endpoint(session, endpoint_id)
    secret = _new_secret()
    endpoint.secret_encrypted = SecretBox(settings.resolved_secret_key()).seal(secret)
    _touch(endpoint)
    session.flush()
    _audit(session, caller, "inbound_endpoint.secret_rotated", endpoint)
    return endpoint, _created(endpoint, secret)


def delete_endpoint(session: Session, caller: Caller, endpoint_id: int) -> None:
    """Its received events go with it."""
    endpoint = get_endpoint(session, endpoint_id)
    _audit(session, caller, "inbound_endpoint.deleted", endpoint)
    InboundRepository(session).delete(endpoint)


# Receiving


def _not_accepted() -> Unauthorized:
    return Unauthorized(
        "The delivery was not accepted: the endpoint is unknown or inactive, or the "
        "signature (webhook-id, webhook-timestamp, webhook-signature) does not verify "
        "or is older than five minutes.",
        headers={},
    )


def _signed_by(
    endpoint: InboundEndpoint, settings: Settings, body: bytes, headers: SignatureHeaders
) -> bool:
    """Standard Webhooks' check, the signature's age judged by the application's clock
    (the library's own check reads the machine's)."""
    if not (headers.webhook_id and headers.webhook_timestamp and headers.webhook_signature):
        return False
    try:
        signed_at = datetime.fromtimestamp(float(headers.webhook_timestamp), UTC)
        secret = SecretBox(settings.resolved_secret_key()).open(endpoint.secret_encrypted)
        expected = Webhook(secret).sign(headers.webhook_id, signed_at, body.decode())
    except (ValueError, OverflowError, OSError):
        # A malformed timestamp or body, or a secret sealed under another key.
        return False
    if abs(utcnow() - signed_at) > SIGNATURE_TOLERANCE:
        return False
    offered = headers.webhook_signature.split(" ")
    return any(hmac.compare_digest(expected.encode(), each.encode()) for each in offered)


def _message(body: bytes) -> InboundMessage:
    try:
        return MESSAGES.validate_json(body)
    except ValidationError as error:
        located = [{**problem, "loc": ("body", *problem["loc"])} for problem in error.errors()]
        raise Unprocessable(
            "The event is not one this endpoint understands: send JSON "
            '{"type": "employee.updated" | "presence.clock_in" | "presence.clock_out", '
            '"data": {...}}.',
            errors=validation_errors(located),
        ) from None


def receive_event(
    session: Session,
    settings: Settings,
    endpoint_id: int,
    body: bytes,
    headers: SignatureHeaders,
) -> InboundEvent:
    """Store a signed event and queue its processing; a resent one is answered as stored."""
    if len(body) > MAX_EVENT_BYTES:
        raise PayloadTooLarge(f"An inbound event is at most {MAX_EVENT_BYTES} bytes.")
    repository = InboundRepository(session)
    endpoint = repository.endpoint(endpoint_id)
    if endpoint is None or not endpoint.active or not _signed_by(endpoint, settings, body, headers):
        raise _not_accepted()
    scope_session_to_workspace(session, endpoint.workspace_id)
    message = _message(body)
    stored = repository.event_by_sender_id(endpoint.id, headers.webhook_id)
    if stored is not None:
        return stored
    event = InboundEvent(
        workspace_id=endpoint.workspace_id,
        endpoint_id=endpoint.id,
        event_id=headers.webhook_id,
        event_type=message.type,
        payload=message.data.model_dump(mode="json", exclude_unset=True),
        status=InboundEventStatus.ACCEPTED.value,
        received_at=utcnow(),
    )
    try:
        repository.add(event)
    except IntegrityError:
        raced = repository.event_by_sender_id(endpoint.id, headers.webhook_id)
        if raced is None:
            raise
        return raced
    enqueue(
        session,
        PROCESS_INBOUND_EVENT,
        {"inbound_event_id": event.id},
        workspace_id=endpoint.workspace_id,
        created_by_user_id=endpoint.service_user_id,
    )
    return event
