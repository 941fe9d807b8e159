"""Test harness: every test gets a freshly migrated database, on SQLite and PostgreSQL.

SQLite: a migrated template file, copied per test. PostgreSQL (whenever
TIMELEDGER_TEST_DATABASE_URL is set or a server answers at 127.0.0.1:5432): one schema per
test process, migrated once and emptied after every test by `postgres_reset` (a DELETE per
table and the used sequences restarted: milliseconds, where TRUNCATE of 50 tables took a
second).

What keeps a test cheap, and the suite within minutes and a worker within memory:
- `hashing` is argon2id at its least memory (8 KiB), below the production floor, which
  only a test can lower; tests of the production cost build their own `PasswordHashing`.
- A workspace is created with bulk inserts and one change-log write for its defaults.
- The OpenAPI document is built once per process (`timeledger.kit.openapi`).
- An app must not outlive its test: FastAPI caches facts about every endpoint callable
  process-wide, so endpoints are module-level, never closures over the app (one closure
  kept every app and its engine alive, 5 MB a test). `tests/test_app.py` checks it.
"""

import asyncio
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, make_url, update
from sqlalchemy.orm import Session
from sqlalchemy.util import greenlet_spawn

from timeledger.access.credentials import PasswordHashing
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.kit.clock import Clock, FixedClock, clock_in_use, clock_starting_at, utcnow
from timeledger.kit.db import Database
from timeledger.kit.kept import forget_everything
from timeledger.kit.model import Base
from timeledger.migrations import upgrade_to_head
from timeledger.workspaces.service import create_workspace

if TYPE_CHECKING:
    from tests.timesheet.support import Person

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
OWNER_PASSWORD = "correct horse battery staple"
ARGON2_LEAST_MEMORY_KIB = 8


def postgres_base_url() -> str | None:
    url = os.environ.get("TIMELEDGER_TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)
    parsed = make_url(url)
    try:
        psycopg.connect(
            host=parsed.host or "127.0.0.1",
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            dbname=parsed.database or "test",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError:
        if "TIMELEDGER_TEST_DATABASE_URL" in os.environ:
            raise
        return None
    return url


POSTGRES_URL = postgres_base_url()
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The tests that take seconds go first, so that the workers share them instead of one
    # of them finishing the run alone.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if POSTGRES_URL is not None:
        return
    skip = pytest.mark.skip(reason="no PostgreSQL server answers at 127.0.0.1:5432")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


def _worker_name() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


def _postgres_admin(sql: str) -> None:
    assert POSTGRES_URL is not None
    dsn = make_url(POSTGRES_URL).set(drivername="postgresql")
    with psycopg.connect(dsn.render_as_string(hide_password=False), autocommit=True) as connection:
        connection.execute(sql.encode())


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A schema of this test process alone (concurrent runs must not share one)."""
    assert POSTGRES_URL is not None
    schema = f"tl_test_{_worker_name()}_{os.getpid()}"
    _postgres_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    upgrade_to_head(rendered)
    yield rendered
    _postgres_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


RESTART_USED_SEQUENCES = """
DO $$
DECLARE used record;
BEGIN
    FOR used IN
        SELECT sequencename FROM pg_sequences
        WHERE schemaname = current_schema() AND last_value IS NOT NULL
    LOOP
        PERFORM setval(format('%I', used.sequencename)::regclass, 1, false);
    END LOOP;
END $$
"""


TRUNCATE_EVERY = 200
"""Resets between two that TRUNCATE: the dead rows DELETE leaves behind are dropped then."""


@pytest.fixture(scope="session")
def postgres_reset(postgres_schema_url: str) -> Iterator[Callable[[], None]]:
    """Empties this process's schema as TRUNCATE ... RESTART IDENTITY did, in milliseconds:
    a DELETE per table, children first (nearly free on the many tables a test leaves
    empty, where TRUNCATE rewrites every table for a second), and the sequences a test
    used restarted; every TRUNCATE_EVERY resets a TRUNCATE drops the dead rows.

    Autovacuum is off for these tables: once it frees the space of deleted rows, new rows
    fill it, and a SELECT without ORDER BY no longer returns rows in the order they were
    inserted, as it did after TRUNCATE (tests may rely on that)."""
    dsn = make_url(postgres_schema_url).set(drivername="postgresql")
    tables = [f'"{table.name}"' for table in reversed(Base.metadata.sorted_tables)]
    deletes = "".join(f"DELETE FROM {table};" for table in tables)  # noqa: S608 (our own)
    # A connection a test left holding locks fails the test's teardown, not the whole run.
    no_waiting = "SET LOCAL lock_timeout = '10s';"
    delete = (no_waiting + deletes + RESTART_USED_SEQUENCES).encode()
    truncate = (no_waiting + f"TRUNCATE {', '.join(tables)} RESTART IDENTITY").encode()
    resets = 0
    with psycopg.connect(dsn.render_as_string(hide_password=False)) as connection:
        with connection.transaction():
            for table in tables:
                connection.execute(
                    f"ALTER TABLE {table} SET (autovacuum_enabled = off, "
                    "toast.autovacuum_enabled = off)".encode()
                )

        def empty_schema() -> None:
            nonlocal resets
            resets += 1
            with connection.transaction():
                connection.execute(truncate if resets % TRUNCATE_EVERY == 0 else delete)

        yield empty_schema


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """This process's SQLite database: one file, replaced by the template before each test."""
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'timeledger.db'}")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def postgres_database(postgres_schema_url: str) -> Iterator[Database]:
    database = Database(postgres_schema_url)
    yield database
    database.dispose()


def _replace_by_copy(template: Path, url: str) -> None:
    path = Path(str(make_url(url).database))
    for leftover in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(template, path)


@pytest.fixture(params=ENGINES)
def database(request: pytest.FixtureRequest, sqlite_template: Path) -> Iterator[Database]:
    """The engine's database of this process, as the template left it. One `Database` per
    engine serves every test: SQLAlchemy caches compiled statements per engine, and
    compiling them again for each test took a fifth of the suite's time. Between tests its
    connections are closed and its rows emptied (PostgreSQL) or its file replaced (SQLite)."""
    # The database is replaced behind the process's back, as by another process; its
    # answers kept for a few seconds (`kit.kept`) are forgotten with it.
    forget_everything()
    if request.param == "sqlite":
        shared: Database = request.getfixturevalue("sqlite_database")
        shared.dispose()
        _replace_by_copy(sqlite_template, shared.url)
        yield shared
        shared.dispose()
        return
    shared = request.getfixturevalue("postgres_database")
    empty_schema = request.getfixturevalue("postgres_reset")
    yield shared
    shared.dispose()
    empty_schema()


@pytest.fixture
def database_url(database: Database) -> str:
    return database.url


@pytest.fixture
def db(database: Database) -> Database:
    return database


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path / "var", secret_key="test-key")


@pytest.fixture(scope="session")
def hashing() -> PasswordHashing:
    """argon2id at its least memory (8 KiB): the production cost takes 20-100 ms a hash."""
    return PasswordHashing(ARGON2_LEAST_MEMORY_KIB, floor_kib=ARGON2_LEAST_MEMORY_KIB)


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[Clock]:
    """The test's clock, current in the test and used by its app and workers: the system
    clock, or with TIMELEDGER_TEST_CLOCK_START (an ISO instant) one starting there for
    each test, to run the suite at a chosen time of day (docs/testing.md). A test marked
    `frozen_clock` gets a FixedClock standing at that start (or at the test's start)."""
    start = os.environ.get("TIMELEDGER_TEST_CLOCK_START")
    chosen = clock_starting_at(datetime.fromisoformat(start) if start else None)
    if request.node.get_closest_marker("frozen_clock") is not None:
        chosen = FixedClock(chosen.now())
    with clock_in_use(chosen):
        yield chosen


@pytest.fixture
def app(settings: Settings, db: Database, hashing: PasswordHashing, clock: Clock) -> FastAPI:
    return create_app(settings, db, password_hashing=hashing, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@dataclass(frozen=True)
class WorkspaceFixture:
    id: int
    name: str
    owner_id: int
    owner_email: str
    owner_password: str
    api_key: str
    timezone: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def today(self) -> date:
        """The workspace's date now, by the current clock (ahead of UTC's late in the
        evening east of Greenwich)."""
        return utcnow().astimezone(ZoneInfo(self.timezone)).date()


def make_workspace(
    db: Database, hashing: PasswordHashing, name: str, timezone: str = "Europe/Copenhagen"
) -> WorkspaceFixture:
    email = f"owner@{name.lower().replace(' ', '-')}.test"
    with db.transaction() as session:
        created = create_workspace(
            session,
            name=name,
            owner_email=email,
            owner_password=OWNER_PASSWORD,
            hashing=hashing,
            timezone=timezone,
        )
        return WorkspaceFixture(
            id=created.workspace.id,
            name=name,
            owner_id=created.owner.id,
            owner_email=email,
            owner_password=OWNER_PASSWORD,
            api_key=created.api_key,
            timezone=timezone,
        )


@pytest.fixture
def workspace(db: Database, hashing: PasswordHashing) -> WorkspaceFixture:
    return make_workspace(db, hashing, "Acme")


@pytest.fixture
def other_workspace(db: Database, hashing: PasswordHashing) -> WorkspaceFixture:
    return make_workspace(db, hashing, "Globex", timezone="America/New_York")


@pytest.fixture
def activities(client: TestClient, workspace: WorkspaceFixture) -> dict[str, int]:
    """The workspace's default activity ids by key (`work`, `vacation`, ...)."""
    response = client.get("/api/settings/activities?limit=200", headers=workspace.headers)
    assert response.status_code == 200, response.text
    return {item["key"]: item["id"] for item in response.json()["items"]}


@pytest.fixture
def person(client: TestClient, db: Database, workspace: WorkspaceFixture) -> "Person":
    """An employee-role person of `workspace` with their employee record."""
    from tests.timesheet.support import person_in

    return person_in(client, db, workspace)


def run_as_a_served_unit(db: Database, work: Callable[[], Any]) -> Any:
    """`work()` where a serving application runs a request's unit of work on PostgreSQL:
    in `greenlet_spawn` on an event loop, its sessions awaiting the server
    (`Database.work_runs`)."""

    async def serve() -> Any:
        async with db.serving():
            return await greenlet_spawn(work)

    return asyncio.run(serve())


@contextmanager
def statements_sent(db: Database) -> Iterator[list[str]]:
    """The SQL statements SQLAlchemy sends while inside, in order. A `kit.prepared` query
    runs on the driver's connection below SQLAlchemy's events and is not among them."""
    statements: list[str] = []

    def remember(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", remember)


def note_seen_by_a_locked_read(
    db: Database,
    workspace_id: int,
    model: Any,
    row_id: int,
    read: Callable[[Session, bool], Any],
) -> tuple[bool, str | None]:
    """On PostgreSQL: `read(session, for_update)` of row `row_id` of `model` once unlocked,
    then, after another transaction has committed a new `note` (or `description`) of the
    row, once locked. Whether the locked read answered the same object as the first, and
    the text it saw: a locked read must decide on what is committed."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serializes writers with BEGIN IMMEDIATE: nothing commits between")
    column = "note" if hasattr(model, "note") else "description"
    with db.session(write=True, workspace_id=workspace_id) as holder:
        before = read(holder, False)
        assert before is not None
        with db.transaction(workspace_id=workspace_id) as other:
            other.execute(
                update(model).where(model.id == row_id).values({column: "changed meanwhile"})
            )
        locked = read(holder, True)
        seen = (locked is before, getattr(locked, column) if locked is not None else None)
        holder.rollback()
    return seen
