"""A route's request handler without the per-request work FastAPI's does for features
this application does not use.

FastAPI 0.165's `get_request_handler` answers every request of a route through one
closure that, each time, asks OpenTelemetry's context four times for the request's
telemetry (the application runs without it: `app.WITHOUT_OPENTELEMETRY`), opens two
telemetry operations, builds the endpoint's error context and the path's label,
and defines the serializers of streamed answers before deciding that the answer is not
streamed. `request_handler` decides all of that once per route and keeps the rest as
FastAPI does it: the body read and refused the same way, the dependencies solved by the
same solver (`kit.dependency_plans`), the same validation errors, the answer validated
and serialized by the route's response field, its status code, headers and background
tasks taken from the same places.

A route whose answer is streamed (server-sent events, JSON lines, a generator
endpoint) or whose body is a form keeps FastAPI's handler: `request_handler` answers
None for it. tests/kit/test_request_handler.py compares both handlers' answers.
"""

import email.message
import json
from collections.abc import Callable, Coroutine
from typing import Any

import fastapi.routing
from fastapi import params
from fastapi._body_limit import get_body_limit_error
from fastapi._compat import Undefined, lenient_issubclass
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import (
    _is_async_gen_callable,
    _is_coroutine_callable,
    _is_gen_callable,
)
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.sse import EventSourceResponse
from fastapi.utils import is_body_allowed_for_status_code
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def request_handler(route: APIRoute) -> Handler | None:
    """The handler of `route`'s requests; None for a route it does not cover."""
    dependant = route.dependant
    call = dependant.call
    body_field = route.body_field
    response_class = route.response_class
    answer_class = (
        response_class.value if isinstance(response_class, DefaultPlaceholder) else response_class
    )
    if (
        call is None
        or fastapi.routing._effective_route_context_var.get() is not None
        or route.is_json_stream
        or route.stream_item_field is not None
        or lenient_issubclass(answer_class, EventSourceResponse)
        or _is_gen_callable(call)
        or _is_async_gen_callable(call)
        or (body_field is not None and isinstance(body_field.field_info, params.Form))
        or not _is_coroutine_callable(call)
    ):
        return None
    endpoint = call
    strict_content_type = route.strict_content_type
    if isinstance(strict_content_type, DefaultPlaceholder):
        strict_content_type = strict_content_type.value
    response_field = route.response_field
    dumps_json = response_field is not None and isinstance(response_class, DefaultPlaceholder)
    overrides = route.dependency_overrides_provider
    embed_body_fields = route._embed_body_fields
    status_code = route.status_code
    include, exclude = route.response_model_include, route.response_model_exclude
    by_alias = route.response_model_by_alias
    exclude_unset = route.response_model_exclude_unset
    exclude_defaults = route.response_model_exclude_defaults
    exclude_none = route.response_model_exclude_none
    endpoint_context = fastapi.routing._extract_endpoint_context(endpoint)
    contexts: dict[tuple[str, str], Any] = {}

    def context_of(request: Request) -> Any:
        """The endpoint's context as FastAPI's errors carry it, kept by method and mount."""
        if not dependant.path:
            return endpoint_context
        key = (request.method, request.scope.get("root_path", "").rstrip("/"))
        context = contexts.get(key)
        if context is None:
            method, mount_path = key
            path = f"{method} {mount_path}{dependant.path}"
            context = contexts[key] = {**endpoint_context, "path": path}
        return context

    async def handle(request: Request) -> Response:
        body: Any = Undefined
        if body_field is not None:
            body = await _json_body(request, strict_content_type, context_of)
        # Looked up each time: `kit.dependency_plans` puts its solver under this name.
        solved = await fastapi.routing.solve_dependencies(  # type: ignore[attr-defined]
            request=request,
            dependant=dependant,
            body=body,
            dependency_overrides_provider=overrides,
            async_exit_stack=request.scope["fastapi_inner_astack"],
            embed_body_fields=embed_body_fields,
        )
        if solved.errors:
            raise RequestValidationError(
                solved.errors,
                body=None if body is Undefined else body,
                endpoint_ctx=context_of(request),
            )
        raw = await endpoint(**solved.values)
        if isinstance(raw, Response):
            if raw.background is None:
                raw.background = solved.background_tasks
            return raw
        arguments = fastapi.routing._build_response_args(
            status_code=status_code, solved_result=solved
        )
        content = await fastapi.routing.serialize_response(
            field=response_field,
            response_content=raw,
            include=include,
            exclude=exclude,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            is_coroutine=True,
            endpoint_ctx=context_of(request),
            dump_json=dumps_json,
        )
        response = (
            Response(content=content, media_type="application/json", **arguments)
            if dumps_json
            else answer_class(content, **arguments)
        )
        if not is_body_allowed_for_status_code(response.status_code):
            response.body = b""
        response.headers.raw.extend(solved.response.headers.raw)
        return response

    return handle


async def _json_body(
    request: Request, strict_content_type: bool, context_of: Callable[[Request], Any]
) -> Any:
    """The request's body as FastAPI reads a JSON body: parsed when its content type is
    JSON (or absent, unless the content type is strict), else its bytes; nothing for an
    empty body. Refused as FastAPI refuses it: invalid JSON is a validation error at the
    position it fails, anything else unreadable a 400."""
    try:
        body_bytes = await request.body()
        if not body_bytes:
            return Undefined
        content_type = request.headers.get("content-type")
        if not content_type:
            return body_bytes if strict_content_type else await request.json()
        message = email.message.Message()
        message["content-type"] = content_type
        if message.get_content_maintype() == "application":
            subtype = message.get_content_subtype()
            if subtype == "json" or subtype.endswith("+json"):
                return await request.json()
        return body_bytes
    except json.JSONDecodeError as error:
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", error.pos),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": error.msg},
                }
            ],
            body=error.doc,
            endpoint_ctx=context_of(request),
        ) from error
    except HTTPException:
        raise
    except Exception as error:
        if MAX_BODY_SIZE_SCOPE_KEY in request.scope and (
            limit_error := get_body_limit_error(error)
        ):
            raise limit_error from error
        raise HTTPException(
            status_code=400, detail="There was an error parsing the body"
        ) from error
