"""Engines and sessions for SQLite and PostgreSQL."""

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.util.concurrency import in_greenlet

from timeledger.kit.jsonio import load_json_column
from timeledger.kit.session import KeyedReadSession
from timeledger.kit.tenancy import scope_session_to_workspace

SQLITE_BUSY_TIMEOUT_MS = 15_000
SQLITE_CHECKPOINT_PAGES = 10_000
"""WAL pages (4 KiB each) after which a commit copies the WAL into the database file
(SQLite's default is 1,000): a write of thousands of rows (an import's batch) touches
the same index pages as the one before it, and at 1,000 pages every commit copied and
synced them again (a 100,000-row import spent 3.3 s in commits, 2.4 s at 10,000)."""
SQLITE_COMMAND_PAGE_CACHE_KIB = 16_384
"""SQLite's page cache per connection of a one-off command (import, export), which holds
one or two connections: an import's batches write entries, totals and source ids into
indexes of millions of rows, and at SQLite's default of 2 MiB their inner pages were read
again for every batch (a 100,000-row import into the benchmark's 1.1 million entries:
19.5 s in process, 17.5 s with 16 MiB; 64 MiB gained nothing more). The server and the
worker keep the default: their pools hold many connections, each with its own cache."""
IMMEDIATE = "timeledger_immediate"
HOLDS_WRITE_GATE = "timeledger_holds_write_gate"
READS_OUTSIDE_A_TRANSACTION = "timeledger_reads_outside_a_transaction"
MAY_WRITE = "timeledger_may_write"
"""`Session.info` key: whether the session was made to write (`Database.session`). A
session made elsewhere counts as a writer."""
_LOCKING_OR_SEQUENCE = (" FOR ", "pg_advisory", "nextval(")
POSTGRES_READERS: dict[str, Any] = {
    "isolation_level": "AUTOCOMMIT",
    READS_OUTSIDE_A_TRANSACTION: True,
}
"""The execution options of PostgreSQL's readers (see `Database.reader`)."""
POSTGRES_POOL: dict[str, Any] = {
    # No ping at checkout: it was a round trip before every request's first statement. A
    # connection the server has dropped fails its statement once; SQLAlchemy then discards
    # every pooled connection of before the failure, and the next request connects anew.
    "pool_pre_ping": False,
    "pool_size": 10,
    "max_overflow": 20,
    "json_deserializer": load_json_column,
}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_db_engine(url: str, *, sqlite_page_cache_kib: int | None = None) -> Engine:
    """The engine of `url`; on SQLite each connection's page cache holds
    `sqlite_page_cache_kib` (SQLite's default, 2 MiB, when None)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url, sqlite_page_cache_kib)
    engine = create_engine(_postgres_url(parsed, "psycopg"), **POSTGRES_POOL)
    _open_a_transaction_before_a_write(engine)
    return engine


def create_awaited_engine(url: str) -> AsyncEngine:
    """The PostgreSQL engine of `url` whose driver waits for the server on the event loop
    (psycopg's asyncio connections): its `sync_engine` serves the same sessions as
    `create_db_engine`'s, to code that runs in `greenlet_spawn` (see `Database.work_runs`)."""
    engine = create_async_engine(_postgres_url(make_url(url), "psycopg_async"), **POSTGRES_POOL)
    _open_a_transaction_before_a_write(engine.sync_engine)
    return engine


def _postgres_url(parsed: URL, driver: str) -> URL:
    return parsed.set(drivername=f"postgresql+{driver}")


def _open_a_transaction_before_a_write(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def open_a_transaction_before_a_write(
        connection: Connection, cursor: Any, statement: str, *_: Any
    ) -> None:
        if not connection.get_execution_options().get(READS_OUTSIDE_A_TRANSACTION):
            return
        driver = connection.connection.dbapi_connection
        if driver is None or not driver.autocommit:
            return
        # A named cursor is a server-side one (a streamed read): it lives in a transaction.
        if getattr(cursor, "name", None) is not None or not _reads_only(statement):
            driver.autocommit = False


def _reads_only(statement: str) -> bool:
    """Whether a statement only reads and needs no transaction: a SELECT that locks no
    rows (`FOR UPDATE`, `FOR SHARE`, advisory locks) and takes no sequence value. Any doubt
    counts as a write, which only costs a transaction."""
    return statement.lstrip()[:6].upper() == "SELECT" and not any(
        marker in statement for marker in _LOCKING_OR_SEQUENCE
    )


def _create_sqlite_engine(url: str, page_cache_kib: int | None) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        json_deserializer=load_json_column,
    )

    @event.listens_for(engine, "connect")
    def configure_connection(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_CHECKPOINT_PAGES}")
        if page_cache_kib is not None:
            cursor.execute(f"PRAGMA cache_size=-{page_cache_kib}")  # negative: in KiB
        cursor.close()

    # SQLite has one writer at a time, and a writer waiting on busy_timeout polls with
    # sleeps of up to 100 ms, so under contention most of the time goes to sleeping. Writers
    # of this process therefore queue on a lock first, woken the moment the previous writer
    # commits or rolls back; busy_timeout is left for writers of other processes.
    # (A plain lock, not an RLock: the transaction may begin and end on different threads.)
    write_gate = threading.Lock()

    # BEGIN goes straight to the driver: through SQLAlchemy's statement execution it cost
    # a tenth of a short read's request.
    @event.listens_for(engine, "begin")
    def begin_transaction(connection: Any) -> None:
        # A writer takes the write lock up front, so it waits on busy_timeout instead of
        # failing with "database is locked" when it upgrades a read lock mid-transaction.
        driver = connection.connection.driver_connection
        if not connection.get_execution_options().get(IMMEDIATE):
            driver.execute("BEGIN")
            return
        if not write_gate.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise OperationalError("BEGIN IMMEDIATE", None, Exception("database is locked"))
        connection.info[HOLDS_WRITE_GATE] = True
        try:
            driver.execute("BEGIN IMMEDIATE")
        except BaseException:
            connection.info.pop(HOLDS_WRITE_GATE, None)
            write_gate.release()
            raise

    def open_write_gate(info: dict[str, Any]) -> None:
        if info.pop(HOLDS_WRITE_GATE, False):
            write_gate.release()

    @event.listens_for(engine, "commit")
    def open_write_gate_on_commit(connection: Any) -> None:
        open_write_gate(connection.info)

    @event.listens_for(engine, "rollback")
    def open_write_gate_on_rollback(connection: Any) -> None:
        open_write_gate(connection.info)

    # A connection returned or broken in the middle of a transaction opens the gate too.
    @event.listens_for(engine, "checkin")
    def open_write_gate_on_checkin(_dbapi_connection: Any, record: Any) -> None:
        open_write_gate(record.info)

    @event.listens_for(engine, "invalidate")
    def open_write_gate_on_invalidate(_dbapi_connection: Any, record: Any, _error: Any) -> None:
        open_write_gate(record.info)

    return engine


STATISTICS_SAMPLE_ROWS = 1000
WORKSPACE_COLUMN = "workspace_id"


class WorkRuns(Enum):
    """Where a request's unit of work runs its database work (`Database.work_runs`)."""

    ON_A_THREAD = "on a worker thread"
    ON_THE_LOOP = "on the event loop"
    AWAITED = "on the event loop, awaiting the server"


class Database:
    """One engine and the two session factories built on it: readers and writers; on
    PostgreSQL also an engine whose sessions await the server (`work_runs`)."""

    def __init__(self, url: str, *, sqlite_page_cache_kib: int | None = None) -> None:
        self.url = url
        self.engine = create_db_engine(url, sqlite_page_cache_kib=sqlite_page_cache_kib)
        self.writer = self.engine.execution_options(**{IMMEDIATE: True})
        """The engine as writers use it: on SQLite each transaction takes the write lock."""
        self.reader = (
            self.engine if self.is_sqlite else self.engine.execution_options(**POSTGRES_READERS)
        )
        """The engine as readers use it. On PostgreSQL its statements run outside a
        transaction until the first one that writes, locks or streams, which opens one
        that the unit of work commits or rolls back: a read then costs one round trip to the server
        instead of three (BEGIN, the query, COMMIT; 115 against 260 µs with psycopg alone on
        the reference machine). Its reads see what they would have seen in a transaction:
        at PostgreSQL's READ COMMITTED each statement takes a snapshot of its own anyway."""
        self._reader = sessionmaker(self.reader, class_=KeyedReadSession, expire_on_commit=False)
        self._writer = sessionmaker(self.writer, class_=KeyedReadSession, expire_on_commit=False)
        self._awaited = None if self.is_sqlite else create_awaited_engine(url)
        self._awaited_sessions: (
            tuple[sessionmaker[KeyedReadSession], sessionmaker[KeyedReadSession]] | None
        ) = (
            None
            if self._awaited is None
            else (
                sessionmaker(
                    self._awaited.sync_engine.execution_options(**POSTGRES_READERS),
                    class_=KeyedReadSession,
                    expire_on_commit=False,
                ),
                sessionmaker(
                    self._awaited.sync_engine, class_=KeyedReadSession, expire_on_commit=False
                ),
            )
        )
        """The readers' and the writers' sessions awaiting the server, on PostgreSQL."""
        self._serving_loop: asyncio.AbstractEventLoop | None = None
        self._serving_depth = 0

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def engines(self) -> tuple[Engine, ...]:
        """Every engine statements of this database go through: that of its sessions and,
        on PostgreSQL, that of the sessions awaiting the server (`work_runs`)."""
        if self._awaited is None:
            return (self.engine,)
        return (self.engine, self._awaited.sync_engine)

    @property
    def writers_lock_at_begin(self) -> bool:
        """Whether a write transaction holds the database's one write lock from its start
        (SQLite: BEGIN IMMEDIATE), so that slow work before its writes (a hash) belongs in
        a transaction of its own; PostgreSQL locks only the rows a statement touches."""
        return self.is_sqlite

    def work_runs(self, *, write: bool) -> WorkRuns:
        """Where a request's unit of work that may `write` runs its database work. Moving
        a request to a worker thread and back costs more than most reads: 60-75 µs alone
        on the 2-core reference machine, and under load the threads contend for the
        interpreter lock with the loop (one employee's month of entries on SQLite: 608
        requests/s with the move, 1,087 without, same run).

        - SQLite: a read on the event loop (a call into the process that never waits for
          a lock: WAL readers see the last commit, whatever writers do); a write on a
          worker thread, since it may wait for the one write lock.
        - PostgreSQL, in an application serving requests (`serving`): on the event loop,
          its statements sent through psycopg's asyncio connections, so that other
          requests go on while one waits for the server or for a row lock. The services
          stay synchronous: the unit of work runs them in `greenlet_spawn`, where
          SQLAlchemy's asyncio engine awaits each statement. Blocking the loop on a
          synchronous connection instead made a long read (a manager's team list) hold
          up every other request.
        - PostgreSQL anywhere else: on a worker thread."""
        if self.is_sqlite:
            return WorkRuns.ON_A_THREAD if write else WorkRuns.ON_THE_LOOP
        if self._serving_loop is not None and self._serving_loop is _running_loop():
            return WorkRuns.AWAITED
        return WorkRuns.ON_A_THREAD

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[None]:
        """The time an application serves requests on the running event loop: on
        PostgreSQL its units of work await the server (`work_runs`), and the connections
        they opened on this loop are closed when it ends. One loop serves at a time (a
        process's server has one); a loop that begins serving closes what another left
        open."""
        if self._awaited is None:
            yield
            return
        loop = asyncio.get_running_loop()
        if self._serving_loop is not loop:
            await self._awaited.dispose()
            self._serving_loop, self._serving_depth = loop, 0
        self._serving_depth += 1
        try:
            yield
        finally:
            self._serving_depth -= 1
            if self._serving_loop is loop and not self._serving_depth:
                self._serving_loop = None
                await self._awaited.dispose()

    def session(
        self, *, write: bool, workspace_id: int | None = None, awaited: bool = False
    ) -> Session:
        """A session that may `write` or only reads. An `awaited` one's statements await
        the server and run in `greenlet_spawn` (`work_runs`); so does every session made
        there, which would otherwise stop the event loop while it waits for the server,
        and with it the request holding the row lock it waits for."""
        readers, writers = (
            self._awaited_sessions
            if self._awaited_sessions is not None and (awaited or in_greenlet())
            else (self._reader, self._writer)
        )
        session = (writers if write else readers)()
        session.info[MAY_WRITE] = write
        if workspace_id is not None:
            scope_session_to_workspace(session, workspace_id)
        return session

    @contextmanager
    def transaction(self, *, workspace_id: int | None = None) -> Iterator[Session]:
        """A unit of work outside a request (CLI, worker): commit on success, else roll back."""
        session = self.session(write=True, workspace_id=workspace_id)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def refresh_planner_statistics(self) -> None:
        """SQLite chooses indexes without statistics by rule of thumb, and for a query
        narrowed by the workspace and by a foreign key it picks the workspace's index:
        measured on the benchmark dataset, reading one interval's breaks scanned the
        whole workspace (53 ms instead of 0.05). A sampled ANALYZE (1,000 rows an index,
        about 10 ms on a 600 MB file) fixes that. PostgreSQL's autovacuum keeps its own
        statistics."""
        if not self.is_sqlite:
            return
        with self.engine.begin() as connection:
            connection.exec_driver_sql(f"PRAGMA analysis_limit={STATISTICS_SAMPLE_ROWS}")
            connection.exec_driver_sql("ANALYZE")
            _spread_workspace_estimates(connection)

    def dispose(self) -> None:
        self.engine.dispose()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _spread_workspace_estimates(connection: Connection) -> None:
    """A sampled ANALYZE takes a column holding one value in every row for a selective
    one: it estimates the rows of one workspace at the sample's size (1,001 of the 770,000
    presence intervals of the benchmark's one workspace), and SQLite then reads a team's
    intervals through the workspace's index, every interval of the workspace (190 ms
    instead of 1). The rows a workspace holds are estimated instead as a full ANALYZE
    would count them: the table's rows spread over the workspaces. `sqlite_stat1` is
    SQLite's documented place for such corrections; `ANALYZE sqlite_schema` reloads it."""
    workspaces = connection.exec_driver_sql("SELECT count(*) FROM workspaces").scalar() or 1
    statistics = connection.exec_driver_sql(
        "SELECT tbl, idx, stat FROM sqlite_stat1 WHERE idx IS NOT NULL"
    ).all()
    for table, index, stat in statistics:
        leading = connection.exec_driver_sql(
            "SELECT name FROM pragma_index_info(?) WHERE seqno = 0", (index,)
        ).scalar()
        counts = stat.split()
        if leading != WORKSPACE_COLUMN or len(counts) < 2:
            continue
        counts[1] = str(max(1, int(counts[0]) // workspaces))
        connection.exec_driver_sql(
            "UPDATE sqlite_stat1 SET stat = ? WHERE tbl = ? AND idx = ?",
            (" ".join(counts), table, index),
        )
    connection.exec_driver_sql("ANALYZE sqlite_schema")
