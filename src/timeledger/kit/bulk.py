"""Many rows of one table written at once, the fastest way each engine has: new rows by
`insert_rows` (PostgreSQL's `COPY ... FROM STDIN`, or a plain INSERT for one row alone,
one round trip where COPY takes two; SQLite's `executemany` of one INSERT compiled once),
rows added to stored ones by an `Upsert`.

The values go through the columns' own bind processors (JSON text, SQLite's dates and
booleans) and the columns' Python defaults fill what a row leaves out, so the stored rows
are those SQLAlchemy's INSERT would store. SQLAlchemy's own executemany builds every
row's parameters through its compiler, and on PostgreSQL psycopg then sends each row as
a statement of its own in a pipeline: for the 2,000 entries of an import's batch with
their change log and source ids, that was most of the batch's time on PostgreSQL.
"""

import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.util.concurrency import await_

from timeledger.kit.prepared import (
    PreparedQuery,
    new,
    new_values,
    rows_in_session,
    run_many_in_session,
)

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Writing:
    """How rows with one set of columns are written into one table on one engine."""

    insert: str
    copy: str | None
    """PostgreSQL's COPY statement of these columns."""
    given: tuple[str, ...]
    """The rows' columns, first in the statement."""
    defaults: tuple[Callable[[], Any], ...]
    """The Python defaults of the columns the rows leave out, last in the statement."""
    processors: tuple[Processor, ...]
    """Each column's bind processor, in the statement's order."""


_WRITINGS: dict[tuple[str, str, frozenset[str], frozenset[str]], _Writing] = {}
_LOCK = threading.Lock()


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    json_as_text: Collection[str] = (),
) -> None:
    """Insert `rows` (each with the same columns; ids included or left to the database)
    into `table` in the session's transaction, after flushing what the session holds.
    The JSON columns named in `json_as_text` hold their JSON's text already
    (`kit.jsonio.json_text`). A driver error is raised as SQLAlchemy raises it
    (`IntegrityError`, ...)."""
    if not rows:
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    connection = session.connection()
    writing = _writing(connection.dialect, table, frozenset(rows[0]), frozenset(json_as_text))
    values = _values(writing, rows)
    try:
        _write(connection, writing, values)
    except connection.dialect.loaded_dbapi.Error as error:
        sent = writing.copy if writing.copy is not None and len(values) > 1 else writing.insert
        dbapi_error = connection.dialect.loaded_dbapi.Error
        raise DBAPIError.instance(
            sent, None, error, dbapi_error, dialect=connection.dialect
        ) from error


def _values(writing: _Writing, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows as tuples in the statement's column order (the rows' own columns, then
    the defaulted ones): read by one `itemgetter`, then converted a column at a time
    (`map` over a column costs less than a Python step per value)."""
    take = itemgetter(*writing.given)
    taken = [(take(row),) for row in rows] if len(writing.given) == 1 else list(map(take, rows))
    converted = [(index, process) for index, process in enumerate(writing.processors)
                 if process is not None]  # fmt: skip
    if not converted and not writing.defaults:
        return taken
    columns: list[Iterable[Any]] = list(zip(*taken, strict=True))
    columns += [[default() for _ in rows] for default in writing.defaults]
    for index, process in converted:
        columns[index] = map(process, columns[index])
    return list(zip(*columns, strict=True))


def _write(connection: Connection, writing: _Writing, values: list[tuple[Any, ...]]) -> None:
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if writing.copy is not None and len(values) > 1:
            _announce(connection, cursor, writing.copy, values)
            _copy(connection, writing.copy, values)
        elif len(values) == 1:
            _announce(connection, cursor, writing.insert, values[0])
            cursor.execute(writing.insert, values[0])
        else:
            _announce(connection, cursor, writing.insert, values)
            cursor.executemany(writing.insert, values)
    finally:
        cursor.close()


def _copy(connection: Connection, statement: str, values: list[tuple[Any, ...]]) -> None:
    driver: Any = connection.connection.driver_connection
    if connection.dialect.is_async:
        await_(_copy_awaiting(driver, statement, values))
        return
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in values:
            copy.write_row(row)


async def _copy_awaiting(driver: Any, statement: str, values: list[tuple[Any, ...]]) -> None:
    """`_copy` on psycopg's asyncio connection (`Database.work_runs`)."""
    async with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in values:
            await copy.write_row(row)


def _announce(connection: Connection, cursor: Any, statement: str, parameters: Any) -> None:
    """Tells the engine's `before_cursor_execute` listeners (SQL logs, statement counts)
    of a statement sent past SQLAlchemy, as SQLAlchemy tells them of its own."""
    for listener in connection.dispatch.before_cursor_execute:
        listener(connection, cursor, statement, parameters, None, isinstance(parameters, list))


def _writing(
    dialect: Dialect, table: Table, given: frozenset[str], as_text: frozenset[str]
) -> _Writing:
    key = (dialect.name, table.name, given, as_text)
    found = _WRITINGS.get(key)
    if found is not None:
        return found
    unknown = given - set(table.c.keys())
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(sorted(unknown))}")
    given_columns = [column for column in table.c if column.key in given]
    defaulted = [
        column
        for column in table.c
        if column.key not in given and column.default is not None and not column.default.is_sequence
    ]
    columns = [*given_columns, *defaulted]
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(column.name) for column in columns)
    marks = ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * len(columns))
    writing = _Writing(
        insert=f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})",  # noqa: S608
        copy=f"COPY {quote(table.name)} ({names}) FROM STDIN"
        if dialect.name == "postgresql"
        else None,
        given=tuple(column.key for column in given_columns),
        defaults=tuple(_default_of(column) for column in defaulted),
        processors=tuple(
            None
            if column.key in as_text
            else column.type.dialect_impl(dialect).bind_processor(dialect)
            for column in columns
        ),
    )
    with _LOCK:
        _WRITINGS[key] = writing
    return writing


def _default_of(column: Any) -> Callable[[], Any]:
    default = column.default
    if default.is_scalar:
        value = default.arg
        return lambda: value
    if default.is_callable:
        # SQLAlchemy wraps a default taking no argument into one taking the execution
        # context, which these defaults do not read.
        function = default.arg
        return lambda: function(None)
    raise ValueError(f"{column.table.name}.{column.key}: a SQL default cannot be written in bulk")


Changes = Callable[[Any, Any, str], Mapping[str, Any]]
"""The SET of an upsert: (the table's columns, the proposed row `excluded`, the dialect's
name) to the new value of each column it changes."""


class Upsert:
    """Many rows added to the stored rows of their keys, or inserted where there is none
    (`INSERT ... ON CONFLICT (key) DO UPDATE`): on PostgreSQL one statement reading the
    rows from `unnest` of one array per column, where an executemany runs the statement
    once per row (a 5,000-row batch of an import's day totals took 200 ms); on SQLite one
    prepared statement run for every row. At most one row per key (PostgreSQL updates a
    row once per statement)."""

    def __init__(
        self, table: Table, columns: Sequence[str], key: Sequence[str], changes: Changes
    ) -> None:
        self.columns = tuple(columns)
        self._by_dialect = {
            "sqlite": self._one_row_at_a_time(table, key, changes),
            "postgresql": self._from_arrays(table, key, changes),
        }

    def run(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        dialect = session.get_bind().dialect.name
        query = self._by_dialect[dialect]
        if dialect == "postgresql":
            arrays = {name: [row[name] for row in rows] for name in self.columns}
            rows_in_session(session, query, **arrays)
        else:
            run_many_in_session(session, query, [new(**row) for row in rows])

    def _one_row_at_a_time(
        self, table: Table, key: Sequence[str], changes: Changes
    ) -> PreparedQuery:
        upsert = sqlite.insert(table).values(new_values(table.c[name] for name in self.columns))
        return PreparedQuery(
            upsert.on_conflict_do_update(
                index_elements=list(key), set_=dict(changes(table.c, upsert.excluded, "sqlite"))
            )
        )

    def _from_arrays(self, table: Table, key: Sequence[str], changes: Changes) -> PreparedQuery:
        arrays = [
            bindparam(name, type_=postgresql.ARRAY(table.c[name].type)) for name in self.columns
        ]
        rows = func.unnest(*arrays).table_valued(*self.columns).render_derived()
        upsert = postgresql.insert(table).from_select(list(self.columns), select(*rows.c))
        return PreparedQuery(
            upsert.on_conflict_do_update(
                index_elements=list(key),
                set_=dict(changes(table.c, upsert.excluded, "postgresql")),
            )
        )
