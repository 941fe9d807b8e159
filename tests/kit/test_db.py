import sqlite3
import threading
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import bindparam, func, make_url, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from timeledger.kit.clock import utcnow
from timeledger.kit.db import SQLITE_BUSY_TIMEOUT_MS, Database, create_db_engine, is_sqlite
from timeledger.models import Role, SignInAttempt


def _attempt(email: str) -> SignInAttempt:
    return SignInAttempt(email=email, client_address="127.0.0.1", succeeded=False, at=utcnow())


def _sqlite_path(db: Database) -> str:
    database = db.engine.url.database
    assert database is not None
    return database


def _other_writer(db: Database) -> sqlite3.Connection:
    """A connection of another process, as far as SQLite's locks are concerned."""
    connection = sqlite3.connect(_sqlite_path(db), timeout=0.05, isolation_level=None)
    return connection


def _count_attempts(db: Database) -> int:
    with db.session(write=False) as session:
        return session.scalar(select(func.count()).select_from(SignInAttempt)) or 0


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_sqlite_enforces_foreign_keys(sqlite_db: Database) -> None:
    now = utcnow()
    with pytest.raises(IntegrityError), sqlite_db.transaction() as session:
        session.add(Role(workspace_id=4242, name="orphan", created_at=now, updated_at=now))


def test_sqlite_writer_takes_the_write_lock_at_its_first_statement(sqlite_db: Database) -> None:
    other = _other_writer(sqlite_db)
    try:
        with sqlite_db.session(write=True) as writer:
            writer.execute(select(1)).one()  # a read, yet the transaction began IMMEDIATE
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute(
                    "INSERT INTO sign_in_attempts (email, client_address, succeeded, at) "
                    "VALUES ('x@example.test', '::1', 0, 0)"
                )
            writer.rollback()
        # Released at the end of the transaction.
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_sqlite_reader_does_not_block_writers(sqlite_db: Database) -> None:
    other = _other_writer(sqlite_db)
    try:
        with sqlite_db.session(write=False) as reader:
            assert reader.scalar(select(func.count()).select_from(SignInAttempt)) == 0
            other.execute("BEGIN IMMEDIATE")
            other.execute(
                "INSERT INTO sign_in_attempts (email, client_address, succeeded, at) "
                "VALUES ('x@example.test', '::1', 0, 0)"
            )
            other.execute("COMMIT")
            # The reader keeps its snapshot until its transaction ends.
            assert reader.scalar(select(func.count()).select_from(SignInAttempt)) == 0
        assert _count_attempts(sqlite_db) == 1
    finally:
        other.close()


def test_sqlite_second_writer_waits_for_the_first_instead_of_failing(sqlite_db: Database) -> None:
    second_done = threading.Event()
    errors: list[BaseException] = []

    def second_writer() -> None:
        try:
            with sqlite_db.transaction() as session:
                session.add(_attempt("second@example.test"))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            second_done.set()

    with sqlite_db.transaction() as first:
        first.add(_attempt("first@example.test"))
        first.flush()
        thread = threading.Thread(target=second_writer)
        thread.start()
        assert not second_done.wait(0.3), "the second writer did not wait for the first"
    thread.join(10)
    assert second_done.is_set()
    assert errors == []
    assert _count_attempts(sqlite_db) == 2


def test_sqlite_a_failed_writer_lets_the_next_one_in(sqlite_db: Database) -> None:
    with pytest.raises(IntegrityError), sqlite_db.transaction() as session:
        session.add(_attempt("first@example.test"))
        session.flush()
        session.add(Role(name=None))
        session.flush()

    started = time.perf_counter()
    with sqlite_db.transaction() as session:
        session.add(_attempt("second@example.test"))

    assert time.perf_counter() - started < 1
    assert _count_attempts(sqlite_db) == 1


def test_transaction_commits_on_success_and_rolls_back_on_error(db: Database) -> None:
    with db.transaction() as session:
        session.add(_attempt("kept@example.test"))
    assert _count_attempts(db) == 1
    with pytest.raises(RuntimeError, match="boom"), db.transaction() as session:
        session.add(_attempt("lost@example.test"))
        session.flush()
        raise RuntimeError("boom")
    assert _count_attempts(db) == 1
    with db.session(write=False) as session:
        assert session.scalars(select(SignInAttempt.email)).all() == ["kept@example.test"]


def test_sessions_expose_the_engine_kind(db: Database) -> None:
    with db.session(write=False) as session:
        dialect = session.get_bind().dialect.name
        assert session.execute(text("SELECT 1")).scalar() == 1
    assert db.is_sqlite is (dialect == "sqlite")
    assert is_sqlite(db.url) is (dialect == "sqlite")


@pytest.mark.postgresql
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_connection_the_server_dropped_fails_once_and_the_next_request_connects_anew(
    db: Database,
) -> None:
    """Without a ping at checkout (a round trip per request), a dropped connection is
    noticed when it is used: that statement fails, the pool is emptied, and what comes
    next works on a fresh connection."""
    with db.engine.connect() as connection:
        dropped_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    server = make_url(db.url).set(drivername="postgresql", query={})
    with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (dropped_pid,))
    with pytest.raises(DBAPIError) as failure, db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert failure.value.connection_invalidated
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != dropped_pid
        assert connection.execute(text("SELECT 1")).scalar_one() == 1


def _in_a_transaction(session: Session) -> bool:
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    return driver.info.transaction_status != psycopg.pq.TransactionStatus.IDLE


@pytest.mark.postgresql
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_postgresql_reader_reads_outside_a_transaction_until_it_writes_locks_or_streams(
    db: Database,
) -> None:
    with db.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(SignInAttempt)) == 0
        assert not _in_a_transaction(session)
        session.add(_attempt("first@example.test"))
        session.add(_attempt("second@example.test"))
        session.flush()
        assert _in_a_transaction(session)
        session.rollback()
    assert _count_attempts(db) == 0
    with db.session(write=False) as session:
        session.add(_attempt("kept@example.test"))
        session.commit()
    assert _count_attempts(db) == 1
    with db.session(write=False) as session:
        session.scalars(select(SignInAttempt).with_for_update()).all()
        assert _in_a_transaction(session)
        session.rollback()
    with db.session(write=False) as session:
        streamed = select(SignInAttempt.email).execution_options(stream_results=True)
        assert list(session.scalars(streamed)) == ["kept@example.test"]
        assert _in_a_transaction(session)
        session.rollback()
    with db.session(write=True) as session:
        session.scalar(select(func.count()).select_from(SignInAttempt))
        assert _in_a_transaction(session)


def test_plain_postgresql_urls_use_psycopg() -> None:
    engine = create_db_engine("postgresql://someone@localhost:1/nowhere")
    try:
        assert engine.dialect.name == "postgresql"
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


def test_sqlite_file_directories_are_created(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "still" / "timeledger.db"
    database = Database(f"sqlite:///{path}")
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT 1").scalar() == 1
        assert path.exists()
    finally:
        database.dispose()


def test_planner_statistics_make_sqlite_read_breaks_by_their_interval(db: Database) -> None:
    """Without statistics SQLite reads an interval's breaks through the workspace's index
    (every break of the workspace); with them, through the interval's."""
    if not db.is_sqlite:
        db.refresh_planner_statistics()  # PostgreSQL keeps its own: nothing to do, no error
        return
    plan_sql = text(
        "EXPLAIN QUERY PLAN SELECT id FROM presence_breaks "
        "WHERE interval_id IN (:interval) AND workspace_id = :workspace"
    )
    raw = sqlite3.connect(_sqlite_path(db))  # foreign keys off: breaks without intervals
    with raw:
        raw.executemany(
            "INSERT INTO presence_breaks (workspace_id, interval_id, started_at, ended_at) "
            "VALUES (1, ?, 0, 1)",
            [(interval,) for interval in range(1, 501)],
        )
    raw.close()
    with db.engine.begin() as connection:
        before = str(connection.execute(plan_sql, {"interval": 7, "workspace": 1}).all())
    db.refresh_planner_statistics()
    with db.engine.begin() as connection:
        stats = connection.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar_one()
        after = str(connection.execute(plan_sql, {"interval": 7, "workspace": 1}).all())
    assert stats > 0
    assert "ix_presence_breaks_workspace_id" in before
    assert "ix_presence_breaks_interval_id" in after


def test_planner_statistics_count_a_workspace_as_a_full_analyze_would(db: Database) -> None:
    """A sampled ANALYZE takes the one workspace of 5,000 intervals for 1,001 rows and would
    read a team's intervals through the workspace's index; the corrected estimate (the
    table's rows over the workspaces) makes SQLite read them employee by employee."""
    if not db.is_sqlite:
        return
    plan_sql = text(
        "EXPLAIN QUERY PLAN SELECT id FROM presence_intervals "
        "WHERE employee_id IN :team AND started_at >= :since AND workspace_id = 1"
    ).bindparams(bindparam("team", expanding=True))
    raw = sqlite3.connect(_sqlite_path(db))  # foreign keys off: intervals of no employee
    with raw:
        raw.executemany(
            "INSERT INTO presence_intervals (workspace_id, employee_id, started_at, ended_at, "
            "day, timezone, note, source, created_at, updated_at, row_version) "
            "VALUES (1, ?, ?, ?, '2026-01-01', 'UTC', '', 'web', 0, 0, 1)",
            [
                (employee, start * 1000, start * 1000 + 1)
                for employee in range(1, 51)
                for start in range(100)
            ],
        )
        workspaces = raw.execute("SELECT count(*) FROM workspaces").fetchone()[0]
    raw.close()
    db.refresh_planner_statistics()
    with db.engine.begin() as connection:
        stat = connection.execute(
            text("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_presence_intervals_workspace_id'")
        ).scalar_one()
        plan = str(connection.execute(plan_sql, {"team": list(range(1, 41)), "since": 1}).all())
    rows, of_a_workspace = (int(count) for count in stat.split())
    assert rows > 4000
    assert of_a_workspace == rows // max(workspaces, 1)
    assert "ix_presence_intervals_employee_started" in plan


def test_a_sqlite_page_cache_is_sized_per_connection_when_asked(tmp_path: Path) -> None:
    """The one-off commands' engines (import, export) give every SQLite connection the
    page cache they ask for; others keep SQLite's default (2,000 KiB, as -2000)."""
    sized = Database(f"sqlite:///{tmp_path / 'sized.db'}", sqlite_page_cache_kib=16_384)
    default = Database(f"sqlite:///{tmp_path / 'default.db'}")
    try:
        for database, expected in ((sized, -16_384), (default, -2_000)):
            with database.engine.connect() as first, database.engine.connect() as second:
                for connection in (first, second):
                    assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == expected
    finally:
        sized.dispose()
        default.dispose()
