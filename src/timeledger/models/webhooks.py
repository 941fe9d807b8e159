from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, JsonDocument, TenantMixin


class WebhookSubscription(IdMixin, TenantMixin, Base):
    """An outbound webhook: the change log's events of some types, POSTed to one URL in
    revision order. `delivered_revision` is the outbox cursor: every event up to it has
    been delivered (or did not match); the next one is retried until it is."""

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (Index("ix_webhook_subscriptions_due", "active", "next_attempt_at"),)

    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    event_types: Mapped[list[str]] = mapped_column(
        JsonDocument, default=list, comment="Event types delivered; empty means all."
    )
    secret_encrypted: Mapped[str] = mapped_column(
        Text, comment="The whsec_ signing secret, encrypted with the server's secret key."
    )
    tyme_trigger: Mapped[str | None] = mapped_column(
        String(16),
        comment="Made through the Tyme face: its trigger_type (category, project, task, subtask, "
        "time, stopped_time); deliveries are then Tyme's JSON arrays. Null: a native one.",
    )
    active: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    disabled_at: Mapped[datetime | None]
    created_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    delivered_revision: Mapped[int] = mapped_column(BigInteger, default=0)
    failed_attempts: Mapped[int] = mapped_column(
        default=0, comment="Failed attempts at the event after delivered_revision."
    )
    failing_since: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    row_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class WebhookDelivery(IdMixin, TenantMixin, Base):
    """One attempt to deliver one event to one subscription; never the response body."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),)

    subscription_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    message_id: Mapped[str] = mapped_column(String(64), comment="The webhook-id header.")
    revision: Mapped[int | None] = mapped_column(
        BigInteger, comment="The change delivered; null for a test event."
    )
    event_type: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(16), comment="automatic | redelivery | test")
    attempt: Mapped[int]
    succeeded: Mapped[bool]
    response_status: Mapped[int | None]
    duration_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(String(500))
    attempted_at: Mapped[datetime]


class InboundEndpoint(IdMixin, TenantMixin, Base):
    """Where an external system (an HR system, a time clock) pushes signed events; they are
    applied as the endpoint's service user."""

    __tablename__ = "inbound_endpoints"

    name: Mapped[str] = mapped_column(String(200))
    service_user_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="CASCADE")
    )
    secret_encrypted: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    row_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class InboundEvent(IdMixin, TenantMixin, Base):
    """An event an inbound endpoint accepted; its id makes a resend a no-op."""

    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("endpoint_id", "event_id"),)

    endpoint_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("inbound_endpoints.id", ondelete="CASCADE")
    )
    event_id: Mapped[str] = mapped_column(String(200), comment="The sender's webhook-id.")
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    status: Mapped[str] = mapped_column(String(16), comment="accepted | processed | failed")
    error: Mapped[str | None] = mapped_column(String(1000))
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
