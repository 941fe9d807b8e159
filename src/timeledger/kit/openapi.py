"""The OpenAPI 3.1 document: FastAPI's, plus what operations declare through dependencies.

A dependency whose callable carries `openapi_extensions` (a dict of `x-...` keys) writes
them into every operation that uses it, so declaring a permission once both enforces it
and documents it.
"""

import copy
import json
from collections.abc import Hashable, Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi

from timeledger.kit.errors import PROBLEM_MEDIA_TYPE
from timeledger.kit.idempotency import MAX_KEY_LENGTH
from timeledger.kit.route_table import every_route
from timeledger.kit.shown_once import NO_STORE

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "location": {"type": "string"},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}

IDEMPOTENCY_KEY_PATTERN = rf"^[\u0020-\u007e\u00a1-\u00ac\u00ae-\u00ff]{{1,{MAX_KEY_LENGTH}}}$"
"""The printable characters (str.isprintable) a header, read as Latin-1, can carry."""

IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Repeat a POST safely: the same key and body return the stored response.",
    "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
}

IF_MATCH_PARAMETER: dict[str, Any] = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag you read; the update is refused with 412 if it changed since.",
    "schema": {"type": "string"},
}

NO_STORE_HEADER: dict[str, Any] = {
    "description": "The answer shows a secret once: no cache may keep it.",
    "schema": {"type": "string", "const": NO_STORE},
}

COMMON_ERROR_STATUSES = ("400", "401", "403", "404", "409", "412", "413", "422", "423", "429")


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _walk(dependency)


def declared_extensions(dependant: Dependant) -> dict[str, Any]:
    extensions: dict[str, Any] = {}
    for dependency in _walk(dependant):
        extensions.update(getattr(dependency.call, "openapi_extensions", {}))
    return extensions


def _route_set(app: FastAPI) -> tuple[Hashable, ...]:
    """What the document is built from: the app's description and its documented
    operations (path, methods and the endpoint, which names its dependencies)."""
    operations = sorted(
        (
            route.path_format or "",
            tuple(sorted(route.methods or ())),
            f"{route.endpoint.__module__}.{route.endpoint.__qualname__}"
            if route.endpoint is not None
            else "",
        )
        for route in routing.iter_route_contexts(list(every_route(app.routes)))
        if getattr(route, "include_in_schema", False)
    )
    return (
        app.title,
        app.version,
        app.summary,
        app.description,
        json.dumps(app.openapi_tags),
        json.dumps(app.servers),
        tuple(operations),
    )


_DOCUMENTS: dict[tuple[Hashable, ...], dict[str, Any]] = {}
"""Built documents by route set: building one takes seconds, and every app
`create_app` makes has the same routes."""


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's document, built once per process for each set of routes (each app gets
    its own copy)."""
    if app.openapi_schema:
        return app.openapi_schema
    route_set = _route_set(app)
    if route_set not in _DOCUMENTS:
        _DOCUMENTS[route_set] = _build(app)
    app.openapi_schema = copy.deepcopy(_DOCUMENTS[route_set])
    return app.openapi_schema


def _build(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=list(every_route(app.routes)),
        tags=app.openapi_tags,
        servers=app.servers,
    )
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    document["components"]["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key (tl_ak_...) or a session token (tl_st_...).",
        }
    }
    for route in routing.iter_route_contexts(list(every_route(app.routes))):
        dependant = getattr(route, "dependant", None)
        if dependant is None or not getattr(route, "include_in_schema", False):
            continue
        extensions = declared_extensions(dependant)
        for method in route.methods or ():
            operation = document["paths"].get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            operation.update(extensions)
            if extensions:
                operation["security"] = [{"bearer": []}]
            _document_conventions(method, operation)
            if getattr(route.original_route, "shows_secret_once", False):
                _document_no_store(operation)
    _drop_unreferenced_schemas(document)
    return document


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value.rsplit("/", 1)[-1]
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _drop_unreferenced_schemas(document: dict[str, Any]) -> None:
    """FastAPI's validation-error schemas stay behind once 422 answers are problem
    documents; a client generator would emit them as types no operation uses."""
    schemas: dict[str, Any] = document["components"]["schemas"]
    outside = {key: value for key, value in document.items() if key != "components"}
    reached: set[str] = set()
    pending = set(_references(outside))
    while pending:
        name = pending.pop()
        if name in reached or name not in schemas:
            continue
        reached.add(name)
        pending |= set(_references(schemas[name]))
    for name in set(schemas) - reached:
        del schemas[name]


def _document_conventions(method: str, operation: dict[str, Any]) -> None:
    parameters = operation.setdefault("parameters", [])
    if method == "POST":
        parameters.append(IDEMPOTENCY_KEY_PARAMETER)
    if method in {"PATCH", "PUT"}:
        parameters.append(IF_MATCH_PARAMETER)
    if not parameters:
        del operation["parameters"]
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)
    problem = {
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    }
    for status in COMMON_ERROR_STATUSES:
        responses.setdefault(status, {"description": "Problem details", **problem})


def _document_no_store(operation: dict[str, Any]) -> None:
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            response.setdefault("headers", {})["Cache-Control"] = NO_STORE_HEADER
