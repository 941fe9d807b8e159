"""Delivering the change log to webhook subscriptions: an outbox read in revision order.

Each subscription's `delivered_revision` is its cursor into the change log. A worker
leases a due subscription (`locked_until`), then, one event at a time: reads the next
event after the cursor that matches the subscription's types and that its creator may
read (one short transaction), sends it with no transaction open, and records the attempt
(another short transaction). Only a 2xx moves the cursor, so a crash anywhere loses
nothing: the event is sent again, with the same webhook-id, after the lease expires.
A failure waits out `webhook_retry_delays_seconds` (with jitter) before the same event is
tried again; later events wait behind it, which keeps the order. A subscription made
through a compatibility face gets the body its trigger's format makes (`bodies`); a change
the format has nothing to send for is passed over like one of another type.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import structlog
from sqlalchemy.orm import Session

from timeledger.access.audit import AuditRecord, record_audit
from timeledger.access.caller import caller_acting_as
from timeledger.config import Settings
from timeledger.events.audience import Audience
from timeledger.events.catalog import parse_types
from timeledger.events.service import visible_changes
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import Unprocessable
from timeledger.kit.secretbox import SecretBox
from timeledger.models import Change, User, WebhookDelivery, WebhookSubscription
from timeledger.webhooks.bodies import BodyFormat, body_format_of
from timeledger.webhooks.delivery import (
    Message,
    Outcome,
    Sender,
    change_message,
    formatted_message,
    message_for_test_event,
)
from timeledger.webhooks.repository import DeliveryRepository, SubscriptionRepository

log = structlog.get_logger(__name__)

SUBSCRIPTIONS_PER_CYCLE = 20
STEPS_PER_SUBSCRIPTION = 20
"""Events sent (or windows of the log skipped) per subscription and cycle, so one busy
subscription cannot starve the others; the rest follows in the next cycle."""
JITTER = 0.1
LEASE_PER_TIMEOUT = 4
"""A lease lasts this many request time limits and is renewed before every attempt."""
MAX_REASON_LENGTH = 200
LOGGED_ATTEMPTS_PER_SUBSCRIPTION = 10_000
"""The delivery log keeps each subscription's newest attempts, this many at most."""

AUTOMATIC = "automatic"
REDELIVERY = "redelivery"
TEST = "test"

_random = secrets.SystemRandom()


def lease_length(settings: Settings) -> timedelta:
    return timedelta(seconds=LEASE_PER_TIMEOUT * settings.webhook_timeout_seconds)


def jittered(seconds: float) -> timedelta:
    return timedelta(seconds=seconds * _random.uniform(1 - JITTER, 1 + JITTER))


def _active_creator(session: Session, subscription: WebhookSubscription) -> User | None:
    """Whose reading rights decide what the subscription receives: its creator, while
    active."""
    creator = SubscriptionRepository(session).user(subscription.created_by_user_id)
    return creator if creator is not None and creator.status == "active" else None


CREATOR_GONE = "the subscription's creator was deleted or suspended"
NOTHING_TO_SEND = "the event's object is gone or no longer fits the trigger"


def _body_format(subscription: WebhookSubscription) -> BodyFormat | str | None:
    """The format of the subscription's bodies: None for the Standard Webhooks payload, its
    trigger's format (see `bodies`), or why its trigger has none."""
    trigger = subscription.tyme_trigger
    if trigger is None:
        return None
    body_format = body_format_of(trigger)
    return body_format if body_format is not None else f"its trigger {trigger!r} is not known"


def _message(session: Session, change: Change, body_format: BodyFormat | None) -> Message | None:
    """The message delivering `change`, or None when the format has nothing to send."""
    if body_format is None:
        return change_message(change)
    body = body_format.body(session, change)
    return formatted_message(change, body) if body is not None else None


def disable(session: Session, subscription: WebhookSubscription, reason: str) -> None:
    """Stop a subscription for good (until a person re-activates it), and say why."""
    now = utcnow()
    subscription.active = False
    subscription.disabled_reason = reason[:MAX_REASON_LENGTH]
    subscription.disabled_at = now
    subscription.next_attempt_at = None
    subscription.locked_until = None
    subscription.row_version += 1
    subscription.updated_at = now
    record_audit(
        session,
        AuditRecord(
            workspace_id=subscription.workspace_id,
            action="webhook.disabled",
            outcome="success",
            target_type="webhook_subscription",
            target_id=subscription.id,
            detail={"reason": subscription.disabled_reason},
        ),
    )
    log.warning("webhook_disabled", subscription_id=subscription.id, reason=reason)


def _attempt_row(
    subscription: WebhookSubscription,
    message: Message,
    trigger: str,
    attempt: int,
    outcome: Outcome,
) -> WebhookDelivery:
    return WebhookDelivery(
        workspace_id=subscription.workspace_id,
        subscription_id=subscription.id,
        message_id=message.id,
        revision=message.revision,
        event_type=message.event_type,
        trigger=trigger,
        attempt=attempt,
        succeeded=outcome.succeeded,
        response_status=outcome.status,
        duration_ms=outcome.duration_ms,
        error=outcome.error,
        attempted_at=utcnow(),
    )


@dataclass(frozen=True)
class Attempt:
    """The next event of a subscription, ready to send."""

    url: str
    secret: str
    message: Message
    number: int


Skipped = Literal["skipped"]
SKIPPED: Skipped = "skipped"
"""A window of the log held nothing for the subscription: its cursor moved on."""


class SubscriptionRound:
    """One worker's turn at one leased subscription."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        sender: Sender,
        subscription_id: int,
        workspace_id: int,
        lease: datetime,
    ) -> None:
        self.db = db
        self.settings = settings
        self.sender = sender
        self.subscription_id = subscription_id
        self.workspace_id = workspace_id
        self.lease = lease

    def run(self) -> int:
        """Send events until caught up, failing or out of steps; returns the attempts."""
        attempts = self._send_in_order()
        if attempts:
            with self.db.transaction(workspace_id=self.workspace_id) as session:
                DeliveryRepository(session).keep_newest(
                    self.subscription_id, LOGGED_ATTEMPTS_PER_SUBSCRIPTION
                )
        return attempts

    def _send_in_order(self) -> int:
        attempts = 0
        for _ in range(STEPS_PER_SUBSCRIPTION):
            step = self._next_attempt()
            if step is None:
                return attempts
            if step == SKIPPED:
                continue
            outcome = self.sender.send(step.url, step.secret, step.message)
            attempts += 1
            if not self._record(step, outcome):
                return attempts
        self._release()
        return attempts

    def _leased(self, session: Session) -> WebhookSubscription | None:
        """The subscription if this round still holds its lease (locked for the transaction)."""
        subscription = SubscriptionRepository(session).get(self.subscription_id, for_update=True)
        if subscription is None or subscription.locked_until != self.lease:
            return None
        return subscription

    def _next_attempt(self) -> Attempt | Skipped | None:
        with self.db.transaction(workspace_id=self.workspace_id) as session:
            subscription = self._leased(session)
            if subscription is None:
                return None
            if not subscription.active:
                subscription.locked_until = None
                return None
            creator = _active_creator(session, subscription)
            if creator is None:
                disable(session, subscription, CREATOR_GONE)
                return None
            try:
                types = parse_types(subscription.event_types, "event_types")
            except Unprocessable:
                disable(session, subscription, "its event types are no longer known")
                return None
            body_format = _body_format(subscription)
            if isinstance(body_format, str):
                disable(session, subscription, body_format)
                return None
            audience = Audience(session, caller_acting_as(creator, "webhook"))
            changes, next_after, head = visible_changes(
                session, audience, subscription.delivered_revision, types, limit=1
            )
            if not changes:
                subscription.delivered_revision = max(subscription.delivered_revision, next_after)
                if next_after < head:
                    return SKIPPED
                subscription.locked_until = None
                return None
            change = changes[0]
            message = _message(session, change, body_format)
            if message is None:
                subscription.delivered_revision = max(
                    subscription.delivered_revision, change.revision
                )
                return SKIPPED
            try:
                secret = SecretBox(self.settings.resolved_secret_key()).open(
                    subscription.secret_encrypted
                )
            except ValueError:
                disable(session, subscription, "its signing secret was sealed under another key")
                return None
            # Events skipped on the way to this one did not match: the cursor may pass them.
            subscription.delivered_revision = max(
                subscription.delivered_revision, change.revision - 1
            )
            self.lease = utcnow() + lease_length(self.settings)
            subscription.locked_until = self.lease
            return Attempt(
                url=subscription.url,
                secret=secret,
                message=message,
                number=subscription.failed_attempts + 1,
            )

    def _record(self, attempt: Attempt, outcome: Outcome) -> bool:
        """Log the attempt and move the cursor or schedule the retry; whether to go on."""
        with self.db.transaction(workspace_id=self.workspace_id) as session:
            subscription = SubscriptionRepository(session).get(
                self.subscription_id, for_update=True
            )
            if subscription is None:
                return False
            DeliveryRepository(session).add(
                _attempt_row(subscription, attempt.message, AUTOMATIC, attempt.number, outcome)
            )
            if subscription.locked_until != self.lease:
                return False
            if outcome.succeeded:
                assert attempt.message.revision is not None
                subscription.delivered_revision = max(
                    subscription.delivered_revision, attempt.message.revision
                )
                subscription.failed_attempts = 0
                subscription.failing_since = None
                subscription.next_attempt_at = None
                if not subscription.active:
                    subscription.locked_until = None
                return subscription.active
            if outcome.gone:
                disable(session, subscription, "the receiver answered 410 Gone")
                return False
            self._schedule_retry(session, subscription)
            return False

    def _schedule_retry(self, session: Session, subscription: WebhookSubscription) -> None:
        now = utcnow()
        subscription.failed_attempts += 1
        failing_since = subscription.failing_since or now
        subscription.failing_since = failing_since
        delays = self.settings.webhook_retry_delays_seconds
        failing_for = now - failing_since
        if subscription.failed_attempts > len(delays) or failing_for >= timedelta(
            hours=self.settings.webhook_disable_after_hours
        ):
            disable(
                session,
                subscription,
                f"every delivery failed since {failing_since:%Y-%m-%d %H:%M} UTC "
                f"({subscription.failed_attempts} attempts)",
            )
            return
        subscription.next_attempt_at = now + jittered(delays[subscription.failed_attempts - 1])
        subscription.locked_until = None

    def _release(self) -> None:
        with self.db.transaction(workspace_id=self.workspace_id) as session:
            subscription = self._leased(session)
            if subscription is not None:
                subscription.locked_until = None


def deliver_due(db: Database, settings: Settings) -> int:
    """One worker cycle of automatic deliveries; returns the attempts made."""
    now = utcnow()
    lease = now + lease_length(settings)
    # A reader first: on SQLite a writing transaction would queue behind every writer.
    with db.session(write=False) as reader:
        if not SubscriptionRepository(reader).any_due(now):
            return 0
    with db.transaction() as session:
        due = SubscriptionRepository(session).claim_due(now, SUBSCRIPTIONS_PER_CYCLE)
        for subscription in due:
            subscription.locked_until = lease
        claimed = [(subscription.id, subscription.workspace_id) for subscription in due]
    if not claimed:
        return 0
    with Sender(settings) as sender:
        return sum(
            SubscriptionRound(db, settings, sender, subscription_id, workspace_id, lease).run()
            for subscription_id, workspace_id in claimed
        )


MessageSource = Callable[[Session, WebhookSubscription], Message | str]
"""The message a one-off delivery sends, or why it cannot be sent."""


def send_one_off(
    db: Database,
    settings: Settings,
    workspace_id: int,
    subscription_id: int,
    trigger: str,
    source: MessageSource,
) -> dict[str, Any]:
    """Send one message apart from the subscription's cursor (a redelivery, a test) and
    log the attempt; a 410 Gone disables the subscription as in automatic delivery."""
    with db.session(write=False, workspace_id=workspace_id) as session:
        subscription = SubscriptionRepository(session).get(subscription_id)
        if subscription is None:
            return {"sent": False, "reason": "the subscription was deleted"}
        found = source(session, subscription)
        message = found if isinstance(found, Message) else None
        url = subscription.url
        sealed = subscription.secret_encrypted
    if message is None:
        return {"sent": False, "reason": str(found)}
    try:
        secret = SecretBox(settings.resolved_secret_key()).open(sealed)
    except ValueError:
        return {"sent": False, "reason": "the signing secret was sealed under another key"}
    with Sender(settings) as sender:
        outcome = sender.send(url, secret, message)
    with db.transaction(workspace_id=workspace_id) as session:
        repository = SubscriptionRepository(session)
        subscription = repository.get(subscription_id, for_update=True)
        if subscription is None:
            return {"sent": True, "succeeded": outcome.succeeded}
        deliveries = DeliveryRepository(session)
        number = deliveries.attempts_of(subscription_id, message.id) + 1
        row = deliveries.add(_attempt_row(subscription, message, trigger, number, outcome))
        if outcome.gone and subscription.active:
            disable(session, subscription, "the receiver answered 410 Gone")
        return {
            "sent": True,
            "delivery_id": row.id,
            "succeeded": outcome.succeeded,
            "response_status": outcome.status,
        }


def redelivery_source(delivery_id: int) -> MessageSource:
    def source(session: Session, subscription: WebhookSubscription) -> Message | str:
        delivery = DeliveryRepository(session).get(subscription.id, delivery_id)
        if delivery is None:
            return "the delivery no longer exists"
        if delivery.revision is None:
            return message_for_test_event(delivery.message_id, subscription.id, utcnow())
        body_format = _body_format(subscription)
        if isinstance(body_format, str):
            return body_format
        change = SubscriptionRepository(session).change(delivery.revision)
        if change is None:
            return "the event is no longer in the change log"
        creator = _active_creator(session, subscription)
        if creator is None:
            return CREATOR_GONE
        if not Audience(session, caller_acting_as(creator, "webhook")).sees(change):
            return "the subscription's creator may no longer read this event"
        message = _message(session, change, body_format)
        return message if message is not None else NOTHING_TO_SEND

    return source


def source_of_test_event(message_id: str) -> MessageSource:
    def source(_session: Session, subscription: WebhookSubscription) -> Message:
        return message_for_test_event(message_id, subscription.id, utcnow())

    return source
