"""Bodies in another product's shape, for the subscriptions a compatibility face makes
(`WebhookSubscription.tyme_trigger`). The face registers each trigger's `BodyFormat` when
it is imported (the composition roots import it, see `timeledger.job_kinds`): this layer
lies below the faces and cannot import them."""

from typing import Any, Protocol

from sqlalchemy.orm import Session

from timeledger.models import Change

Body = list[Any] | dict[str, Any]
"""A JSON document: what one request sends."""


class BodyFormat(Protocol):
    @property
    def event_types(self) -> list[str]:
        """The native event types the trigger follows: the subscription's `event_types`."""
        ...

    def body(self, session: Session, change: Change) -> Body | None:
        """The JSON body delivering `change`; None when the change is not for the trigger
        or its object is gone: nothing is sent, the subscription's cursor moves past it."""
        ...


_FORMATS: dict[str, BodyFormat] = {}


def register_body_format(trigger: str, body_format: BodyFormat) -> None:
    _FORMATS[trigger] = body_format


def body_format_of(trigger: str) -> BodyFormat | None:
    return _FORMATS.get(trigger)


def known_triggers() -> list[str]:
    return list(_FORMATS)
