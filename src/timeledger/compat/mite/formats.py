"""mite's wire formats: the URL suffix (`.json` or `.xml`) chooses the format of the
response and of the request body; errors are `{"error": "..."}` or `<errors>`."""

from enum import StrEnum
from typing import Any, TypeVar

import orjson
from fastapi import Request, Response
from pydantic import BaseModel, ValidationError

from timeledger.kit.errors import BadRequest, Locked, NotFound, Problem, Unprocessable
from timeledger.kit.jsonio import dump_json
from timeledger.kit.xmlio import XmlBodyError, parse_xml_body, render_xml

JSON_MEDIA_TYPE = "application/json; charset=utf-8"
XML_MEDIA_TYPE = "application/xml; charset=utf-8"

# The `type` mite's XML gives an element whose value is nil.
NIL_TYPES = {
    "revenue": "float",
    "hourly_rate": "integer",
    "user_id": "integer",
    "project_id": "integer",
    "customer_id": "integer",
    "service_id": "integer",
    "budget": "integer",
    "active_hourly_rate": "string",
    "tracking": "string",
}

# What mite answers for a locked entry, by method.
LOCKED_MESSAGES = {
    "DELETE": "Time entry cannot be deleted: it is locked.",
}
LOCKED_DEFAULT = "Time entry cannot be updated: it is locked."

ModelT = TypeVar("ModelT", bound=BaseModel)


class Format(StrEnum):
    JSON = "json"
    XML = "xml"


def format_of(suffix: str) -> Format:
    """The format a path's suffix names; any other suffix is no resource of mite's."""
    try:
        return Format(suffix)
    except ValueError:
        raise NotFound(f"mite serves .json and .xml, not .{suffix[:20]}.") from None


def _format_of_path(path: str) -> Format:
    return Format.XML if path.endswith(".xml") else Format.JSON


def one(fmt: Format, resource: str, values: dict[str, Any], *, status: int = 200) -> Response:
    """`{"<resource>": {...}}`, or `<resource>...</resource>`."""
    if fmt is Format.XML:
        body = render_xml(resource, values, nil_types=NIL_TYPES)
        return Response(body, status_code=status, media_type=XML_MEDIA_TYPE)
    return Response(dump_json({resource: values}), status_code=status, media_type=JSON_MEDIA_TYPE)


def many(fmt: Format, collection: str, resource: str, items: list[dict[str, Any]]) -> Response:
    """A bare array of wrapped objects, or `<collection type="array">`."""
    if fmt is Format.XML:
        body = render_xml(collection, items, item=resource, nil_types=NIL_TYPES)
        return Response(body, media_type=XML_MEDIA_TYPE)
    return Response(dump_json([{resource: item} for item in items]), media_type=JSON_MEDIA_TYPE)


def empty(fmt: Format) -> Response:
    """mite's answer to an update or delete: 200 with an empty body."""
    return Response(b"", media_type=XML_MEDIA_TYPE if fmt is Format.XML else JSON_MEDIA_TYPE)


def error_response(fmt: Format, status: int, message: str, headers: dict[str, str]) -> Response:
    if fmt is Format.XML:
        body = render_xml("errors", {"error": message})
        return Response(body, status_code=status, media_type=XML_MEDIA_TYPE, headers=headers)
    return Response(
        dump_json({"error": message}),
        status_code=status,
        media_type=JSON_MEDIA_TYPE,
        headers=headers,
    )


def render_mite_problem(request: Request, problem: Problem) -> Response:
    """Every problem under /compat/mite, in mite's error format."""
    fmt = _format_of_path(request.url.path)
    message = problem.detail
    if isinstance(problem, Locked):
        message = LOCKED_MESSAGES.get(request.method, LOCKED_DEFAULT)
    headers = {
        name: value for name, value in problem.headers.items() if name.lower() != "www-authenticate"
    }
    if problem.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="mite"'
    return error_response(fmt, problem.status, message, headers)


def fields_of(body: bytes, fmt: Format, resource: str, model: type[ModelT]) -> ModelT:
    """The attributes of `resource` a request body carries (`{"<resource>": {...}}` or
    `<resource>...</resource>`; a bare object is taken as the attributes), validated by
    `model`. An empty body carries none."""
    values: Any
    if not body.strip():
        values = {}
    elif fmt is Format.XML or body.lstrip().startswith(b"<"):
        try:
            root, values = parse_xml_body(body)
        except XmlBodyError as error:
            raise BadRequest(f"The XML body is not acceptable: {error}") from None
        if root != resource:
            raise BadRequest(f"The XML body's root element must be <{resource.replace('_', '-')}>.")
    else:
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise BadRequest("The body is not valid JSON.") from None
        if not isinstance(document, dict):
            raise BadRequest(f'The body must be a JSON object: {{"{resource}": {{...}}}}.')
        values = document.get(resource, document)
        if not isinstance(values, dict):
            raise BadRequest(f'"{resource}" must be an object of attributes.')
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or resource
        raise Unprocessable.at(where, f"{where}: {first['msg']}", first["msg"]) from None
