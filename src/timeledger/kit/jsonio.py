"""Fast JSON encoding shared by responses, the change log and stored idempotent replies."""

import json
from typing import Any

import orjson
from starlette.responses import Response


def dump_json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


class FastJSONResponse(Response):
    """JSON written straight from dicts by orjson, for hot list paths that skip Pydantic
    response models; UTC instants end in `Z` as Pydantic writes them."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z)


def json_text(value: Any) -> str:
    """`value` as the text of a JSON column (`to_jsonable`'s rules: dates and instants as
    ISO text, NaN as null), for rows written past the column's own serializer (the
    standard library's, five times slower); integers beyond 64 bits by the standard
    library."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


def to_jsonable(value: Any) -> Any:
    """`value` as plain JSON types (dates and instants as ISO text), e.g. for the change log."""
    return orjson.loads(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z))


def load_json(raw: bytes | str) -> Any:
    return orjson.loads(raw)


def load_json_column(text: str) -> Any:
    """The engines' reader of JSON columns: orjson, about five times faster than the
    standard library; values orjson refuses (integers beyond 64 bits, NaN) fall back to
    the standard library, which wrote them."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
