"""Parsing mite's requests: the format suffix, ids in paths, numbered pages, flags."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from timeledger.compat.mite.formats import Format, format_of
from timeledger.kit.errors import BadRequest, NotFound, Unprocessable
from timeledger.kit.routing import MAX_ID

# mite lists are unbounded without `limit`; Timeledger answers at most this many rows.
MAX_ROWS = 10_000
MAX_PAGE = 1_000_000
FLAGS = {"true": True, "1": True, "false": False, "0": False}


async def _format(fmt: str) -> Format:
    return format_of(fmt)


Fmt = Annotated[Format, Depends(_format)]


def resource_id(text: str, label: str) -> int:
    """An id from the path; anything else names no resource (404, as mite answers)."""
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise NotFound(f"No {label} {text[:30]!r}.")
    return int(text)


def flag(request: Request, name: str) -> bool | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    try:
        return FLAGS[value.strip().lower()]
    except KeyError:
        raise BadRequest(f"{name}: {value[:20]!r} is neither true nor false.") from None


def _positive(request: Request, name: str, maximum: int) -> int | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= maximum:
        raise BadRequest(f"{name}: {value[:20]!r} is not a whole number from 1 to {maximum}.")
    return int(value)


@dataclass(frozen=True)
class Window:
    """mite's `limit` and `page` (1-based) as rows to skip and take."""

    limit: int
    offset: int

    def slice(self, items: list[Any]) -> list[Any]:
        return items[self.offset : self.offset + self.limit]


async def window_of(request: Request) -> Window:
    limit = _positive(request, "limit", MAX_ROWS) or MAX_ROWS
    page = _positive(request, "page", MAX_PAGE) or 1
    return Window(limit=limit, offset=(page - 1) * limit)


Paging = Annotated[Window, Depends(window_of)]


def native(model: type[BaseModel], values: dict[str, Any]) -> Any:
    """`values` as the native request `model`, validated the same way; a failure is the
    422 the native API would give, located at mite's attribute names where they differ."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise Unprocessable.at(where, f"{where}: {first['msg']}", first["msg"]) from None
