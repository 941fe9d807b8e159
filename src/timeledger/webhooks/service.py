"""Rules for webhook subscriptions: who may manage them, what a URL may be, the secret."""

import base64
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from timeledger.access.audit import record_audit
from timeledger.access.caller import Caller
from timeledger.changelog.service import head_revision
from timeledger.config import Settings
from timeledger.events.catalog import parse_types
from timeledger.jobs.registry import enqueue
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, NotFound, Unprocessable
from timeledger.kit.etag import etag_for
from timeledger.kit.pagination import PageRequest, fetch_page
from timeledger.kit.secretbox import SecretBox
from timeledger.kit.views import view_of
from timeledger.models import WebhookDelivery, WebhookSubscription
from timeledger.webhooks.bodies import BodyFormat, body_format_of, known_triggers
from timeledger.webhooks.delivery import SECRET_PREFIX
from timeledger.webhooks.destinations import DestinationRefused, check_destination
from timeledger.webhooks.repository import DeliveryRepository, SubscriptionRepository
from timeledger.webhooks.schemas import (
    DeliveryRequested,
    Subscription,
    SubscriptionCreate,
    SubscriptionState,
    SubscriptionUpdate,
)

MAX_SUBSCRIPTIONS_PER_WORKSPACE = 100
SECRET_BYTES = 32
ENTITY = "webhook_subscription"
REDELIVER_JOB = "webhooks.redeliver"
TEST_JOB = "webhooks.test"
IfMatch = Callable[[str], None]


def state_of(subscription: WebhookSubscription) -> SubscriptionState:
    if not subscription.active:
        return "disabled" if subscription.disabled_reason else "paused"
    return "failing" if subscription.failed_attempts else "active"


def subscription_view(subscription: WebhookSubscription) -> Subscription:
    return view_of(Subscription, subscription, state=state_of(subscription))


def subscription_etag(subscription: WebhookSubscription) -> str:
    return etag_for(ENTITY, subscription.id, subscription.row_version)


def checked_url(url: str, settings: Settings, location: str = "body.url") -> str:
    """The URL if it may receive webhooks now (422 naming the reason otherwise). It
    resolves the host, so call it before the request's first query: on SQLite a writing
    transaction holds the database's write lock from its first statement on."""
    try:
        check_destination(url, allow_private=settings.webhook_allow_private_destinations)
    except DestinationRefused as refused:
        raise Unprocessable.at(
            location,
            f"The URL cannot receive webhooks: {refused.reason}.",
            f"destination refused: {refused.reason}",
        ) from None
    return url


def _event_types(types: list[str]) -> list[str]:
    parse_types(types, "body.event_types")
    return list(dict.fromkeys(types))


def _new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _audit(session: Session, caller: Caller, action: str, subscription_id: int) -> None:
    # The URL stays out of the audit trail: receivers often carry a token in it.
    record_audit(
        session,
        caller.audit_record(
            action, "success", target_type=ENTITY, target_id=subscription_id, detail={}
        ),
    )


def list_subscriptions(
    session: Session, page: PageRequest
) -> tuple[list[WebhookSubscription], str | None]:
    repository = SubscriptionRepository(session)
    return fetch_page(
        session,
        repository.listing(),
        page,
        sort_columns={"id": WebhookSubscription.id, "created_at": WebhookSubscription.created_at},
        id_column=WebhookSubscription.id,
    )


def get_subscription(
    session: Session, subscription_id: int, *, for_update: bool = False
) -> WebhookSubscription:
    subscription = SubscriptionRepository(session).get(subscription_id, for_update=for_update)
    if subscription is None:
        raise NotFound(f"Webhook subscription {subscription_id} does not exist.")
    return subscription


def create_subscription(
    session: Session, caller: Caller, settings: Settings, data: SubscriptionCreate
) -> tuple[WebhookSubscription, str]:
    """The new subscription and its signing secret, which is never shown again. It
    receives the changes committed after it."""
    url = checked_url(data.url, settings)
    return _add_subscription(
        session,
        caller,
        settings,
        WebhookSubscription(
            url=url,
            description=data.description,
            event_types=_event_types(data.event_types),
            active=data.active,
        ),
    )


def _add_subscription(
    session: Session, caller: Caller, settings: Settings, subscription: WebhookSubscription
) -> tuple[WebhookSubscription, str]:
    """Store `subscription` (its URL checked, what it receives set) with a new secret,
    starting at the head revision."""
    repository = SubscriptionRepository(session)
    if repository.count() >= MAX_SUBSCRIPTIONS_PER_WORKSPACE:
        raise Conflict(
            f"The workspace has {MAX_SUBSCRIPTIONS_PER_WORKSPACE} webhook subscriptions, the "
            "most it may keep; delete one first."
        )
    secret = _new_secret()
    now = utcnow()
    subscription.workspace_id = caller.workspace_id
    subscription.secret_encrypted = SecretBox(settings.resolved_secret_key()).seal(secret)
    subscription.created_by_user_id = caller.user_id
    subscription.delivered_revision = head_revision(session, caller.workspace_id)
    subscription.failed_attempts = 0
    subscription.row_version = 1
    subscription.created_at = now
    subscription.updated_at = now
    repository.add(subscription)
    _audit(session, caller, "webhook.created", subscription.id)
    return subscription, secret


def _restart(subscription: WebhookSubscription) -> None:
    """A fresh start of the retry schedule, from the subscription's cursor."""
    subscription.disabled_reason = None
    subscription.disabled_at = None
    subscription.failed_attempts = 0
    subscription.failing_since = None
    subscription.next_attempt_at = None


def _tyme_format(trigger: str) -> BodyFormat:
    body_format = body_format_of(trigger)
    if body_format is None:
        raise Unprocessable.at(
            "trigger_type",
            f"trigger_type: {trigger[:40]!r} is not one of {', '.join(known_triggers())}.",
            "unknown trigger",
        )
    return body_format


def subscribe_tyme_trigger(
    session: Session, caller: Caller, settings: Settings, url: str, trigger: str
) -> WebhookSubscription:
    """The subscription of `url` to a trigger of the Tyme face: the one there is (resumed
    from the head revision if it was paused or disabled), else a new one. Its secret is
    shown to nobody: Tyme's receivers know of no signature."""
    body_format = _tyme_format(trigger)
    url = checked_url(url, settings, location="hook_url")
    repository = SubscriptionRepository(session)
    repository.serialize_subscribing(caller.workspace_id)
    existing = repository.of_trigger(url, trigger)
    if not existing:
        subscription, _secret = _add_subscription(
            session,
            caller,
            settings,
            WebhookSubscription(
                url=url,
                description=f"Tyme: {trigger}",
                event_types=list(body_format.event_types),
                tyme_trigger=trigger,
                active=True,
            ),
        )
        return subscription
    subscription = existing[0]
    if not subscription.active:
        subscription.active = True
        _restart(subscription)
        subscription.delivered_revision = head_revision(session, caller.workspace_id)
        subscription.row_version += 1
        subscription.updated_at = utcnow()
        session.flush()
        _audit(session, caller, "webhook.updated", subscription.id)
    return subscription


def unsubscribe_tyme_trigger(session: Session, caller: Caller, url: str, trigger: str) -> None:
    """Delete the subscriptions of `url` to the trigger, if there are any."""
    _tyme_format(trigger)
    repository = SubscriptionRepository(session)
    for subscription in repository.of_trigger(url, trigger):
        repository.delete(subscription)
        _audit(session, caller, "webhook.deleted", subscription.id)


def update_subscription(
    session: Session,
    caller: Caller,
    settings: Settings,
    subscription_id: int,
    data: SubscriptionUpdate,
    if_match: IfMatch,
) -> WebhookSubscription:
    # `null` leaves a field as it is.
    values: dict[str, Any] = {
        name: value
        for name, value in data.model_dump(exclude_unset=True).items()
        if value is not None
    }
    if "url" in values:
        values["url"] = checked_url(values["url"], settings)
    if "event_types" in values:
        values["event_types"] = _event_types(values["event_types"])
    subscription = get_subscription(session, subscription_id, for_update=True)
    if_match(subscription_etag(subscription))
    reactivated = values.get("active") is True and not subscription.active
    new_url = "url" in values and values["url"] != subscription.url
    for name, value in values.items():
        setattr(subscription, name, value)
    if reactivated or new_url:
        _restart(subscription)
    subscription.row_version += 1
    subscription.updated_at = utcnow()
    session.flush()
    _audit(session, caller, "webhook.updated", subscription.id)
    return subscription


def delete_subscription(session: Session, caller: Caller, subscription_id: int) -> None:
    subscription = get_subscription(session, subscription_id, for_update=True)
    SubscriptionRepository(session).delete(subscription)
    _audit(session, caller, "webhook.deleted", subscription_id)


def list_deliveries(
    session: Session, subscription_id: int, page: PageRequest
) -> tuple[list[WebhookDelivery], str | None]:
    get_subscription(session, subscription_id)
    return fetch_page(
        session,
        DeliveryRepository(session).of_subscription(subscription_id),
        page,
        sort_columns={"id": WebhookDelivery.id},
        id_column=WebhookDelivery.id,
    )


def request_redelivery(
    session: Session, caller: Caller, subscription_id: int, delivery_id: int
) -> DeliveryRequested:
    """Queue the event of an earlier attempt to be sent again, with its webhook-id."""
    get_subscription(session, subscription_id)
    delivery = DeliveryRepository(session).get(subscription_id, delivery_id)
    if delivery is None:
        raise NotFound(f"Webhook subscription {subscription_id} has no delivery {delivery_id}.")
    job = enqueue(
        session,
        REDELIVER_JOB,
        {"subscription_id": subscription_id, "delivery_id": delivery_id},
        workspace_id=caller.workspace_id,
        created_by_user_id=caller.user_id,
    )
    return DeliveryRequested(job_id=job.id, message_id=delivery.message_id)


def request_test(session: Session, caller: Caller, subscription_id: int) -> DeliveryRequested:
    """Queue a `webhook.test` event for the subscription's URL."""
    get_subscription(session, subscription_id)
    message_id = f"evt_test_{secrets.token_hex(12)}"
    job = enqueue(
        session,
        TEST_JOB,
        {"subscription_id": subscription_id, "message_id": message_id},
        workspace_id=caller.workspace_id,
        created_by_user_id=caller.user_id,
    )
    return DeliveryRequested(job_id=job.id, message_id=message_id)
