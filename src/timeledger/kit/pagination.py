"""Bounded lists with opaque keyset cursors, `sort` and `direction`."""

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from functools import lru_cache
from typing import Annotated, Any, Generic, TypeVar, TypeVarTuple

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from timeledger.kit.errors import BadRequest
from timeledger.kit.jsonio import dump_json, load_json
from timeledger.kit.model import EpochInstant, from_epoch_micros

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MIN_INT64 = -(2**63)
MAX_INT64 = 2**63 - 1


ItemT = TypeVar("ItemT")
RowT = TypeVar("RowT")
Row = TypeVarTuple("Row")


class Direction(StrEnum):
    ASC = "asc"
    DESC = "desc"


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = None


@dataclass(frozen=True)
class PageRequest:
    limit: int
    sort: str
    direction: Direction
    cursor: str | None


@lru_cache
def _sort_field_enum(sortable: tuple[str, ...]) -> type[StrEnum]:
    """One enum per set of sortable fields, named after them, for a readable OpenAPI."""
    name = "SortBy" + "".join(part.title() for field in sortable for part in field.split("_"))
    return StrEnum(name, {field: field for field in sortable})  # type: ignore[return-value]


def page_request(
    sortable: Sequence[str], default_sort: str, default_direction: Direction = Direction.ASC
) -> Any:
    """A dependency reading `limit`, `cursor`, `sort` and `direction` for one list; use it
    as `Annotated[PageRequest, page_request(...)]`."""
    sort_enum = _sort_field_enum(tuple(sortable))

    async def dependency(
        limit: Annotated[
            int,
            Query(
                ge=1,
                le=MAX_LIMIT,
                description=f"Page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}).",
            ),
        ] = DEFAULT_LIMIT,
        cursor: Annotated[
            str | None, Query(max_length=512, description="`next_cursor` of the previous page.")
        ] = None,
        sort: Annotated[sort_enum, Query(description="Field to sort by.")] = sort_enum(  # type: ignore[valid-type]
            default_sort
        ),
        direction: Annotated[Direction, Query()] = default_direction,
    ) -> PageRequest:
        return PageRequest(limit=limit, sort=str(sort), direction=direction, cursor=cursor)

    return Depends(dependency)


@dataclass(frozen=True)
class InstantPosition:
    """A place in a list ordered by (instant, id): the rows after it are those after `at`,
    and those at `at` with an id above `id_above`. A list merged and paged in Python reads
    each source from there only as far as its page needs."""

    at: datetime
    id_above: int


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": "dt", "v": EpochInstant().process_bind_param(value, None)}  # type: ignore[arg-type]
    if isinstance(value, date):
        return {"t": "d", "v": value.isoformat()}
    if isinstance(value, Decimal):
        return {"t": "n", "v": str(value)}
    if isinstance(value, Enum):
        return value.value
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("t") == "dt":
            return from_epoch_micros(int(value["v"]))
        if value.get("t") == "d":
            return date.fromisoformat(str(value["v"]))
        if value.get("t") == "n":
            return Decimal(str(value["v"]))
        raise ValueError("unknown cursor value")
    return value


def encode_cursor(request: PageRequest, sort_value: Any, row_id: int) -> str:
    payload = [request.sort, request.direction.value, _encode_value(sort_value), row_id]
    return base64.urlsafe_b64encode(dump_json(payload)).decode().rstrip("=")


def encode_position(values: Sequence[Any]) -> str:
    """A cursor naming a position in a list sorted in Python (by `values`)."""
    payload = [_encode_value(value) for value in values]
    return base64.urlsafe_b64encode(dump_json(payload)).decode().rstrip("=")


def decode_position(cursor: str, width: int) -> list[Any]:
    """The values `encode_position` wrote (400 for a cursor this server did not issue)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = load_json(base64.urlsafe_b64decode(padded))
        if not isinstance(values, list) or len(values) != width:
            raise ValueError("not a position")
        return [_decode_value(value) for value in values]
    except (ValueError, TypeError, LookupError, ArithmeticError, binascii.Error):
        raise invalid_cursor() from None


def invalid_cursor() -> BadRequest:
    return BadRequest(
        "cursor is not a cursor this server issued.",
        errors=[{"location": "query.cursor", "message": "invalid cursor"}],
    )


def decode_cursor(request: PageRequest) -> tuple[Any, int] | None:
    if request.cursor is None:
        return None
    try:
        padded = request.cursor + "=" * (-len(request.cursor) % 4)
        sort, direction, raw_value, row_id = load_json(base64.urlsafe_b64decode(padded))
        value = _decode_value(raw_value)
    except (ValueError, TypeError, LookupError, ArithmeticError, binascii.Error):
        raise invalid_cursor() from None
    if sort != request.sort or direction != request.direction.value:
        raise BadRequest(
            "cursor belongs to another sort order; repeat the same sort and direction.",
            errors=[{"location": "query.cursor", "message": "cursor does not match sort"}],
        )
    if not _is_identifier(row_id):
        raise invalid_cursor()
    return value, row_id


def _is_identifier(value: Any) -> bool:
    return type(value) is int and MIN_INT64 <= value <= MAX_INT64


def _fits_column(value: Any, column: InstrumentedAttribute[Any]) -> bool:
    """Whether a cursor's sort value can be compared with `column` in SQL: a tampered cursor
    must be a 400, not a database error."""
    if value is None:
        return bool(getattr(column.expression, "nullable", True))
    column_type = column.type
    if isinstance(column_type, EpochInstant):
        return isinstance(value, datetime)
    try:
        expected = column_type.python_type
    except NotImplementedError:
        return isinstance(value, str | int | float)
    if expected is int:
        return _is_identifier(value)
    if expected is float:
        return type(value) in (int, float)
    if expected is Decimal:
        return isinstance(value, Decimal) and value.is_finite()
    if expected is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    if expected in (str, bool, datetime):
        return isinstance(value, expected)
    if isinstance(expected, type) and issubclass(expected, Enum):
        return isinstance(value, str | int) and not isinstance(value, bool)
    return isinstance(value, str | int | float)


def _after(
    sort_column: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[int],
    value: Any,
    row_id: int,
    *,
    descending: bool,
) -> ColumnElement[bool]:
    """Rows after (value, row_id) in the order of `_order`, where NULL sorts as the greatest
    value (PostgreSQL's rule, made explicit so SQLite agrees)."""
    nullable = bool(getattr(sort_column.expression, "nullable", True))
    if value is None:
        tie = and_(sort_column.is_(None), id_column < row_id if descending else id_column > row_id)
        return or_(tie, sort_column.is_not(None)) if descending else tie
    if descending:
        return or_(sort_column < value, and_(sort_column == value, id_column < row_id))
    after = or_(sort_column > value, and_(sort_column == value, id_column > row_id))
    return or_(after, sort_column.is_(None)) if nullable else after


def _order(
    sort_column: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[int],
    *,
    descending: bool,
) -> tuple[Any, ...]:
    nullable = bool(getattr(sort_column.expression, "nullable", True))
    if descending:
        first = sort_column.desc().nulls_first() if nullable else sort_column.desc()
        return first, id_column.desc()
    return (sort_column.asc().nulls_last() if nullable else sort_column.asc()), id_column.asc()


def fetch_page(
    session: Session,
    statement: Select[RowT],
    request: PageRequest,
    *,
    sort_columns: dict[str, InstrumentedAttribute[Any]],
    id_column: InstrumentedAttribute[int],
) -> tuple[list[RowT], str | None]:
    """Run `statement` ordered by (sort column, id) from the cursor on; one extra row tells
    whether a next page exists."""
    sort_column = sort_columns[request.sort]
    descending = request.direction is Direction.DESC
    after = decode_cursor(request)
    if after is not None:
        value, row_id = after
        if not _fits_column(value, sort_column):
            raise invalid_cursor()
        statement = statement.where(
            _after(sort_column, id_column, value, row_id, descending=descending)
        )
    order = _order(sort_column, id_column, descending=descending)
    rows = list(session.scalars(statement.order_by(*order).limit(request.limit + 1)))
    if len(rows) <= request.limit:
        return rows, None
    rows = rows[: request.limit]
    last = rows[-1]
    next_cursor = encode_cursor(
        request, getattr(last, sort_column.key), getattr(last, id_column.key)
    )
    return rows, next_cursor


def fetch_window(
    session: Session,
    statement: Select[RowT],
    *,
    order_by: Sequence[Any],
    limit: int,
    offset: int,
) -> list[RowT]:
    """Rows `offset` up to `offset + limit` of `statement` in the given order: the numbered
    pages some faces speak (the native API pages by cursor)."""
    return list(session.scalars(statement.order_by(*order_by).limit(limit).offset(offset)))


def count_rows(session: Session, statement: Select[Any]) -> int:
    """How many rows `statement` selects, counted by the database."""
    return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
