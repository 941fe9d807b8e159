"""Secrets a response shows once: a new API key, a signing secret, a session token.

A response field typed `ShownOnce` marks every operation answering with its model: the route
(`kit.routing.ApiRoute`) adds `Cache-Control: no-store` to the answer, replays of an
Idempotency-Key included, and the OpenAPI document declares the header.
"""

from typing import Annotated, Any

from pydantic import BaseModel, Field

SHOWN_ONCE = "x-shown-once"
NO_STORE = "no-store"

ShownOnce = Annotated[str, Field(json_schema_extra={SHOWN_ONCE: True})]


def shows_secret_once(response_model: Any) -> bool:
    if not (isinstance(response_model, type) and issubclass(response_model, BaseModel)):
        return False
    return any(
        isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get(SHOWN_ONCE)
        for field in response_model.model_fields.values()
    )
