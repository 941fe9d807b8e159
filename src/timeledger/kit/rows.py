"""Rows of one query handed out to the objects they belong to; ids for many new rows."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, Table, func, select
from sqlalchemy.orm import Session

Key = TypeVar("Key")
Row = TypeVar("Row")


def rows_by(
    session: Session,
    keys: Sequence[Key],
    statement: Select[Any],
    key_of: Callable[[Row], Key],
    **parameters: Any,
) -> dict[Key, list[Row]]:
    """The rows `statement` selects (with `parameters`), by `key_of` each of `keys`, in the
    statement's order (an empty list for a key without any); no query without keys."""
    found: dict[Key, list[Row]] = {key: [] for key in keys}
    if found:
        for row in session.scalars(statement, parameters):
            found[key_of(row)].append(row)
    return found


def take_ids(session: Session, table: Table, count: int) -> Iterable[int | None]:
    """Ids for `count` new rows of `table`, for an insert of many rows at once; None on
    PostgreSQL, whose sequence numbers the rows of one INSERT in order.

    SQLite cannot tie the ids one INSERT of many rows assigns to the rows sent, so
    SQLAlchemy inserts such rows one statement each (100 statements for a batch of 100
    entries). A SQLite writer holds the database's write lock (BEGIN IMMEDIATE), so the
    ids above the largest are free, and taken before the insert they let it be one
    statement. SQLite itself numbers a row without AUTOINCREMENT the same way.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return [None] * count
    largest = connection.execute(select(func.max(table.c.id))).scalar() or 0
    return range(largest + 1, largest + 1 + count)
