"""Routes of outbound webhook subscriptions and their delivery attempts."""

from typing import Annotated

from fastapi import Request, Response, status

from timeledger.access.caller import Allowed, Caller
from timeledger.config import Settings
from timeledger.kit.etag import set_etag
from timeledger.kit.pagination import Direction, Page, PageRequest, page_request
from timeledger.kit.routing import ResourceId, api_router, created, if_match_of
from timeledger.kit.uow import UnitOfWork
from timeledger.webhooks import service
from timeledger.webhooks.schemas import (
    Delivery,
    DeliveryRequested,
    Subscription,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionUpdate,
)

webhooks_router = api_router("Events & webhooks", prefix="/webhooks/subscriptions")

READ = "webhooks:read:*"
MANAGE = "webhooks:manage:*"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@webhooks_router.get("", response_model=Page[Subscription])
def list_subscriptions(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    page: Annotated[PageRequest, page_request(("id", "created_at"), "id")],
) -> Page[Subscription]:
    """The workspace's webhook subscriptions (at most 100 exist); never their secrets."""
    rows, next_cursor = service.list_subscriptions(session, page)
    return Page(items=[service.subscription_view(row) for row in rows], next_cursor=next_cursor)


@webhooks_router.post("", status_code=status.HTTP_201_CREATED, response_model=SubscriptionCreated)
def create_subscription(
    body: SubscriptionCreate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> SubscriptionCreated:
    """Subscribe a URL to the events committed from now on. The response carries the
    signing secret, once: it cannot be read again."""
    subscription, secret = service.create_subscription(session, caller, _settings(request), body)
    created(
        response,
        f"/api/webhooks/subscriptions/{subscription.id}",
        service.subscription_etag(subscription),
    )
    view = service.subscription_view(subscription)
    return SubscriptionCreated(**view.model_dump(), secret=secret)


@webhooks_router.get("/{subscription_id}", response_model=Subscription)
def get_subscription(
    subscription_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
) -> Subscription:
    subscription = service.get_subscription(session, subscription_id)
    set_etag(response, service.subscription_etag(subscription))
    return service.subscription_view(subscription)


@webhooks_router.patch("/{subscription_id}", response_model=Subscription)
def update_subscription(
    subscription_id: ResourceId,
    body: SubscriptionUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> Subscription:
    """Change the URL, description or event types, pause (`active: false`) or resume
    (`active: true`, which also clears a disabled subscription's failure state)."""
    subscription = service.update_subscription(
        session, caller, _settings(request), subscription_id, body, if_match_of(request)
    )
    set_etag(response, service.subscription_etag(subscription))
    return service.subscription_view(subscription)


@webhooks_router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_subscription(
    subscription_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> None:
    """Delete the subscription and its delivery log."""
    service.delete_subscription(session, caller, subscription_id)


@webhooks_router.get("/{subscription_id}/deliveries", response_model=Page[Delivery])
def list_deliveries(
    subscription_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    page: Annotated[PageRequest, page_request(("id",), "id", Direction.DESC)],
) -> Page[Delivery]:
    """Every attempt to deliver to the subscription, newest first: status code, duration
    and a short error; the receiver's response body is never kept."""
    rows, next_cursor = service.list_deliveries(session, subscription_id, page)
    return Page(items=[Delivery.model_validate(row) for row in rows], next_cursor=next_cursor)


@webhooks_router.post(
    "/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryRequested,
)
def redeliver(
    subscription_id: ResourceId,
    delivery_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> DeliveryRequested:
    """Send that attempt's event again, with the same webhook-id, from a background job;
    the attempt appears in the deliveries with trigger `redelivery`. It leaves the
    subscription's cursor and retry schedule alone."""
    return service.request_redelivery(session, caller, subscription_id, delivery_id)


@webhooks_router.post(
    "/{subscription_id}/test",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryRequested,
)
def send_test_event(
    subscription_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> DeliveryRequested:
    """Send a `webhook.test` event from a background job; the attempt appears in the
    deliveries with trigger `test` and no revision."""
    return service.request_test(session, caller, subscription_id)
