"""Queries on webhook subscriptions and their delivery attempts; a session opened for a
workspace scopes them to it, the worker's claiming session sees every workspace."""

from datetime import datetime

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from timeledger.models import (
    Change,
    User,
    WebhookDelivery,
    WebhookSubscription,
    Workspace,
    WorkspaceRevision,
)


class SubscriptionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def listing(self) -> Select[WebhookSubscription]:
        return select(WebhookSubscription)

    def get(self, subscription_id: int, *, for_update: bool = False) -> WebhookSubscription | None:
        """One subscription; `for_update` locks its row on PostgreSQL until the transaction
        ends (SQLite's writers are serialized already), so the worker and the API never
        overwrite each other's changes of it."""
        if for_update:
            return self.session.get(
                WebhookSubscription, subscription_id, with_for_update=True, populate_existing=True
            )
        return self.session.get(WebhookSubscription, subscription_id)

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(WebhookSubscription)) or 0)

    def add(self, subscription: WebhookSubscription) -> WebhookSubscription:
        self.session.add(subscription)
        self.session.flush()
        return subscription

    def delete(self, subscription: WebhookSubscription) -> None:
        self.session.delete(subscription)
        self.session.flush()

    def of_trigger(self, url: str, trigger: str) -> list[WebhookSubscription]:
        """The subscriptions of `url` to a face's trigger, locked like `get(for_update)`."""
        return list(
            self.session.scalars(
                select(WebhookSubscription)
                .where(
                    WebhookSubscription.url == url,
                    WebhookSubscription.tyme_trigger == trigger,
                )
                .order_by(WebhookSubscription.id)
                .with_for_update()
            )
        )

    def serialize_subscribing(self, workspace_id: int) -> None:
        """Lock the workspace's row until commit (PostgreSQL; SQLite's writers are
        serialized already), so that two requests subscribing one URL to one trigger at
        once make one subscription. The workspace's writers wait for it meanwhile: it is
        held for a few statements."""
        self.session.execute(
            select(Workspace.id).where(Workspace.id == workspace_id).with_for_update()
        )

    def _due(self, now: datetime) -> Select[WebhookSubscription]:
        """Active subscriptions whose cursor is behind their workspace's head revision,
        whose retry is due and which no worker holds: idle ones cost no write at all."""
        return (
            select(WebhookSubscription)
            .join(
                WorkspaceRevision,
                WorkspaceRevision.workspace_id == WebhookSubscription.workspace_id,
            )
            .where(
                WebhookSubscription.active.is_(True),
                WebhookSubscription.delivered_revision < WorkspaceRevision.revision,
                or_(
                    WebhookSubscription.next_attempt_at.is_(None),
                    WebhookSubscription.next_attempt_at <= now,
                ),
                or_(
                    WebhookSubscription.locked_until.is_(None),
                    WebhookSubscription.locked_until <= now,
                ),
            )
        )

    def any_due(self, now: datetime) -> bool:
        return self.session.scalar(select(self._due(now).exists())) is True

    def claim_due(self, now: datetime, limit: int) -> list[WebhookSubscription]:
        """Due subscriptions, the longest waiting first. On PostgreSQL, rows another worker
        is claiming are skipped instead of waited for; only the subscription rows are
        locked, never the revision counters every writer increments."""
        statement = (
            self._due(now)
            .order_by(WebhookSubscription.next_attempt_at.asc().nulls_first())
            .order_by(WebhookSubscription.id)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True, of=WebhookSubscription)
        return list(self.session.scalars(statement))

    def user(self, user_id: int | None) -> User | None:
        return self.session.get(User, user_id) if user_id is not None else None

    def change(self, revision: int) -> Change | None:
        return self.session.scalars(select(Change).where(Change.revision == revision)).one_or_none()


class DeliveryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_subscription(self, subscription_id: int) -> Select[WebhookDelivery]:
        return select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)

    def get(self, subscription_id: int, delivery_id: int) -> WebhookDelivery | None:
        return self.session.scalars(
            self.of_subscription(subscription_id).where(WebhookDelivery.id == delivery_id)
        ).one_or_none()

    def attempts_of(self, subscription_id: int, message_id: str) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(WebhookDelivery)
                .where(
                    WebhookDelivery.subscription_id == subscription_id,
                    WebhookDelivery.message_id == message_id,
                )
            )
            or 0
        )

    def add(self, delivery: WebhookDelivery) -> WebhookDelivery:
        self.session.add(delivery)
        self.session.flush()
        return delivery

    def keep_newest(self, subscription_id: int, count: int) -> None:
        """Delete the subscription's attempts older than its newest `count`."""
        oldest_kept = self.session.scalar(
            select(WebhookDelivery.id)
            .where(WebhookDelivery.subscription_id == subscription_id)
            .order_by(WebhookDelivery.id.desc())
            .offset(count - 1)
            .limit(1)
        )
        if oldest_kept is not None:
            self.session.execute(
                delete(WebhookDelivery).where(
                    WebhookDelivery.subscription_id == subscription_id,
                    WebhookDelivery.id < oldest_kept,
                )
            )
