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

On PostgreSQL the parameter goes untyped, so the array is a constant of the plan (typed as
text it was parsed again for every row compared). Where SQLite's plan depends on the ids
(a list ordered by another index, as a team's entries by day), `one_of_planned` keeps an
`IN` list on SQLite, whose planner weighs a list's ids but not those behind `json_each`.
"""

from collections.abc import Collection
from typing import Any

from sqlalchemy import BindParameter, Boolean, ColumnElement, Text, TypeDecorator, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import NullType, TypeEngine

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

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        # Sent as Text, PostgreSQL's parameter would be cast `::VARCHAR` and then to
        # `bigint[]` by a conversion it does not fold into a constant: the array was parsed
        # again for every row compared (a team's entries, one query: 4.0 ms, 2.3 untyped). The
        # untyped literal becomes a constant array while the statement is planned.
        if dialect.name == "postgresql":
            return NullType()
        return dialect.type_descriptor(Text())

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


class _OneOfPlanned(_OneOf):
    inherit_cache = True


def one_of_planned(column: ColumnElement[Any] | InstrumentedAttribute[Any], name: str) -> _OneOf:
    """`one_of` for a statement whose plan on SQLite depends on the ids: one array on
    PostgreSQL as `one_of`, but an expanded `IN` list on SQLite, whose planner weighs the
    ids of a list and not those behind `json_each` (a team's entries by day, first page:
    7 ms with the list, 110 ms through `json_each`, which led it to read every entry of
    the team and sort them). The parameter holds a list of ints on both."""
    return _OneOfPlanned(
        column.expression if isinstance(column, InstrumentedAttribute) else column,
        bindparam(name, type_=IdList()),
    )


@compiles(_OneOfPlanned)
def _one_of_listed(element: _OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    assert isinstance(element.ids, BindParameter)
    listed = element.column.in_(bindparam(element.ids.key, expanding=True))
    return str(compiler.process(listed, **kw))


@compiles(_OneOfPlanned, "postgresql")
def _one_of_planned_array(element: _OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    return _one_of_array(element, compiler, **kw)
