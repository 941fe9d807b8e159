"""Membership in a long list of ids (the employees of a team scope, hundreds of them).

An `IN` list is rendered with one placeholder per id, so its statement's text grows with
the list: on PostgreSQL, rendering it and converting it for the driver (whose cache takes
only short statements) cost about 6 ms for 400 ids, more than the query; on SQLite,
compiling the six reads of "my team today" with 391 placeholders each took 4 ms of its 13.
So the ids go as one parameter, and the statement is the same whatever their number: on
PostgreSQL an array literal (`{1,2,3}`) cast to `bigint[]` (`= ANY(...)`), written here
in one `join`, because the driver's own list conversion tests each element with a regular
expression (about 1 ms for 400 ids); on SQLite a JSON array read with `json_each`.

A statement compiled once (`kit/prepared.py`) cannot grow an `IN` list at all: `one_of`
names a parameter holding the whole list, in the same form.
"""

from collections.abc import Collection
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Text, TypeDecorator, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from timeledger.kit.jsonio import dump_json


def among(
    column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None] | ColumnElement[Any],
    ids: Collection[int],
) -> ColumnElement[bool]:
    """`column IN ids`, as one parameter: the statement is the same whatever their number,
    so it is compiled once."""
    return _OneOf(column.expression, bindparam(None, ids, type_=IdList()))


class IdList(TypeDecorator[Collection[int]]):
    """Ids as one text parameter: an array literal on PostgreSQL, a JSON array on SQLite."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Collection[int] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        wanted = sorted({int(each) for each in value})
        if dialect.name == "postgresql":
            return "{" + ",".join(map(str, wanted)) + "}"
        return dump_json(wanted).decode()


class _OneOf(ColumnElement[bool]):
    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("ids", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[Any], ids: ColumnElement[Any]) -> None:
        self.column = column
        self.ids = ids


def one_of(column: ColumnElement[Any] | InstrumentedAttribute[Any], name: str) -> _OneOf:
    """`column` is one of the ids the parameter `name` holds (any collection of ints, run
    through `IdList`): the statement is the same whatever their number."""
    return _OneOf(
        column.expression if isinstance(column, InstrumentedAttribute) else column,
        bindparam(name, type_=IdList()),
    )


@compiles(_OneOf)
def _one_of_json(element: _OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = compiler.process(element.column, **kw), compiler.process(element.ids, **kw)
    return f"{column} IN (SELECT value FROM json_each({ids}))"  # noqa: S608 (compiled SQL only)


@compiles(_OneOf, "postgresql")
def _one_of_array(element: _OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = compiler.process(element.column, **kw), compiler.process(element.ids, **kw)
    return f"{column} = ANY(CAST({ids} AS BIGINT[]))"
