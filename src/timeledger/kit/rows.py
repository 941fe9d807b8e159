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


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """Ids for `count` new rows of `table`, ascending, for an INSERT that names them: on
    SQLite as `take_ids`; on PostgreSQL drawn from the id column's sequence in one query.
    Such an INSERT needs no RETURNING, so psycopg sends its rows as one prepared statement
    run many times: with RETURNING, SQLAlchemy writes the rows into the statement itself,
    and psycopg spent more converting that long text than the server spent inserting."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return [entry_id for entry_id in take_ids(session, table, count) if entry_id is not None]
    sequence = func.pg_get_serial_sequence(table.name, "id")
    drawn = connection.execute(
        select(func.nextval(sequence)).select_from(func.generate_series(1, count))
    )
    return sorted(drawn.scalars())
