"""Core statements compiled once per dialect and run on a raw driver connection.

For the hottest operations, SQLAlchemy's per-execution work (building the statement, its
cache key, the result machinery) costs more than the SQL itself: about 1 ms against 0.2 ms
for one employee's month of entries on SQLite. A `PreparedQuery` keeps the statement
written in Core, so tables, columns and types stay the single source of truth, and pays
for the compilation once; each run converts parameters and values with the columns' own
bind and result processors, so the rows are the values SQLAlchemy would have answered.
They run in a session's transaction (`rows_in_session`).
"""

import threading
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.util.concurrency import await_

Processor = Callable[[Any], Any] | None
NEW = "new_"
"""Prefix of the parameters of the values an INSERT or UPDATE writes: SQLAlchemy keeps
the column names themselves for its own parameters."""


def new_values(columns: Iterable[ColumnElement[Any]]) -> dict[str, BindParameter[Any]]:
    """The columns' values as parameters `new_<column>`, for `insert().values()` and
    `update().values()`; `new(...)` names the values of a run."""
    return {
        column.key: bindparam(f"{NEW}{column.key}", type_=column.type)
        for column in columns
        if column.key is not None
    }


def new(**values: Any) -> dict[str, Any]:
    return {f"{NEW}{name}": value for name, value in values.items()}


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positional_names: tuple[str, ...] | None
    bind_processors: Mapping[str, Processor]
    defaults: Mapping[str, Any]
    """Values of the parameters the compiler added itself (SQLite's `OFFSET 0`)."""
    result_processors: tuple[Processor, ...]
    row_type: Any


class PreparedQuery:
    """`statement` (a SELECT, or an INSERT, UPDATE or DELETE with or without RETURNING)
    with named `bindparam`s; `rows(connection, dialect, **values)` runs it."""

    def __init__(self, statement: Select[*tuple[Any, ...]] | UpdateBase) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compiled(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is not None:
            return found
        compiled = self.statement.compile(dialect=dialect)
        columns = list(self.statement.exported_columns)
        prepared = _Compiled(
            sql=compiled.string,
            positional_names=tuple(compiled.positiontup or ()) if compiled.positional else None,
            bind_processors={
                name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                for name, bind in compiled.binds.items()
            },
            defaults={
                name: bind.value for name, bind in compiled.binds.items() if not bind.required
            },
            result_processors=tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in columns
            ),
            row_type=namedtuple("PreparedRow", [column.key for column in columns]),  # type: ignore[misc]
        )
        with self._lock:
            self._by_dialect[dialect.name] = prepared
        return prepared

    def _parameters(self, compiled: _Compiled, values: Mapping[str, Any]) -> Any:
        converted = {
            name: value if (process := compiled.bind_processors.get(name)) is None
            else process(value)
            for name, value in {**compiled.defaults, **values}.items()
        }  # fmt: skip
        if compiled.positional_names is None:
            return converted
        return tuple(converted[name] for name in compiled.positional_names)

    def _many_parameters(self, compiled: _Compiled, runs: list[Mapping[str, Any]]) -> list[Any]:
        """Each run's parameters; positional ones built a parameter at a time over all the
        runs (`map` over a column costs less than a Python step per value)."""
        if compiled.positional_names is None or not runs:
            return [self._parameters(compiled, each) for each in runs]
        columns: list[Iterable[Any]] = []
        for name in compiled.positional_names:
            if name in compiled.defaults:
                default = compiled.defaults[name]
                column = [each.get(name, default) for each in runs]
            else:
                column = [each[name] for each in runs]
            process = compiled.bind_processors.get(name)
            columns.append(column if process is None else map(process, column))
        return list(zip(*columns, strict=True))

    def run_many(
        self, connection: Any, dialect: Dialect, values: Iterable[Mapping[str, Any]]
    ) -> None:
        """Run a statement that answers no rows once for each of `values`, as one
        driver `executemany` (a plain `execute` for one: psycopg's `executemany` sets up
        a pipeline first)."""
        compiled = self._compiled(dialect)
        parameters = self._many_parameters(compiled, list(values))
        cursor = connection.cursor()
        try:
            if len(parameters) == 1:
                cursor.execute(compiled.sql, parameters[0])
            else:
                cursor.executemany(compiled.sql, parameters)
        finally:
            cursor.close()

    def rows(self, connection: Any, dialect: Dialect, **values: Any) -> list[Any]:
        """The rows on `connection` (a DB-API connection of `dialect`, see
        `rows_in_session`), as named tuples of the selected (or returned) columns' keys;
        none for a statement that answers no rows."""
        compiled = self._compiled(dialect)
        cursor = connection.cursor()
        try:
            cursor.execute(compiled.sql, self._parameters(compiled, values))
            fetched = cursor.fetchall() if cursor.description is not None else []
        finally:
            cursor.close()
        processors = compiled.result_processors
        make = compiled.row_type._make
        return [
            make([value if process is None else process(value)
                  for process, value in zip(processors, row, strict=True)])
            for row in fetched
        ]  # fmt: skip


def rows_in_session(session: Session, query: PreparedQuery, **values: Any) -> list[Any]:
    """`query`'s rows on the session's own connection, inside its transaction. The ORM is
    bypassed, so the workspace is a parameter like any other, and pending changes are
    flushed first as the ORM's own queries would."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    connection = session.connection()
    return query.rows(connection.connection.dbapi_connection, connection.dialect, **values)


def run_many_in_session(
    session: Session, query: PreparedQuery, values: Iterable[Mapping[str, Any]]
) -> None:
    """`query` (answering no rows) run once for each of `values` on the session's own
    connection, inside its transaction (see `rows_in_session`)."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    connection = session.connection()
    query.run_many(connection.connection.dbapi_connection, connection.dialect, values)


Statements = list[tuple[str, Any]]
"""SQL with its parameters, in the order they are sent."""


def run_and_commit(
    session: Session, runs: Iterable[tuple[PreparedQuery, Mapping[str, Any]]]
) -> None:
    """Each query (answering no rows) with its values, then COMMIT, on the session's own
    PostgreSQL connection in one pipeline: one round trip, with no wait for this process
    between them. A row lock a query takes is held for the time the server needs,
    however busy this process is. The session's own commit then finds the transaction
    ended (psycopg's commit does nothing then). A driver error is raised as SQLAlchemy
    raises it, the transaction left to roll back."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    connection = session.connection()
    dialect = connection.dialect
    driver: Any = connection.connection.driver_connection
    statements: Statements = []
    for query, values in runs:
        compiled = query._compiled(dialect)
        statements.append((compiled.sql, query._parameters(compiled, values)))
    statements.append(("COMMIT", None))
    try:
        if dialect.is_async:
            await_(_pipelined_awaiting(driver, statements))
        else:
            _pipelined(driver, statements)
    except dialect.loaded_dbapi.Error as error:
        sent = "; ".join(sql for sql, _ in statements)
        raise DBAPIError.instance(
            sent, None, error, dialect.loaded_dbapi.Error, dialect=dialect
        ) from error


def _pipelined(driver: Any, statements: Statements) -> None:
    with driver.pipeline(), driver.cursor() as cursor:
        for sql, parameters in statements:
            cursor.execute(sql, parameters)


async def _pipelined_awaiting(driver: Any, statements: Statements) -> None:
    """`_pipelined` on psycopg's asyncio connection (`Database.work_runs`)."""
    async with driver.pipeline(), driver.cursor() as cursor:
        for sql, parameters in statements:
            await cursor.execute(sql, parameters)
