"""The migrated schema is the schema the models describe, on SQLite and PostgreSQL."""

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Index, inspect, select, text
from sqlalchemy.exc import IntegrityError

import timeledger.models  # noqa: F401  (registers every table on the metadata)
from tests.conftest import WorkspaceFixture, statements_sent
from timeledger.approvals.repository import ApprovalRepository
from timeledger.entries.repository import EntryRepository
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.model import Base
from timeledger.migrations import alembic_config
from timeledger.models import Role, User
from timeledger.models.identity import SERVICE_NAME_EXPRESSION

EXPRESSION_INDEXES = {"uq_users_service_name": SERVICE_NAME_EXPRESSION}
"""Indexes on an expression, which alembic cannot compare (SQLite's reflection skips them,
PostgreSQL writes the expression its own way): `test_expression_indexes_are_migrated`
checks them."""


def _differences(db: Database) -> list[Any]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return [
            difference
            for difference in compare_metadata(context, Base.metadata)
            if not (
                isinstance(difference, tuple)
                and difference[0] in ("add_index", "remove_index")
                and difference[1].name in EXPRESSION_INDEXES
            )
        ]


def test_migrated_schema_has_no_drift_from_the_models(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert _differences(db) == []


def test_drift_would_be_noticed(db: Database) -> None:
    with db.engine.connect() as connection, connection.begin() as transaction:
        connection.exec_driver_sql("DROP INDEX ix_roles_workspace_id")
        connection.exec_driver_sql("ALTER TABLE jobs ADD COLUMN stray INTEGER")
        context = MigrationContext.configure(connection)
        found = {
            (diff[0], getattr(diff[-1], "name", None))
            for diff in compare_metadata(context, Base.metadata)
            if isinstance(diff, tuple)
        }
        transaction.rollback()
    assert ("add_index", "ix_roles_workspace_id") in found
    assert ("remove_column", "stray") in found
    assert _differences(db) == []


def _normalized(predicate: str) -> str:
    """A predicate as both engines can be compared on: PostgreSQL writes
    `((approval_status)::text = 'under_approval'::text)` for `approval_status =
    'under_approval'`."""
    predicate = re.sub(r"::[a-z_]+( varying)?", "", predicate.lower())
    return re.sub(r"[()\s]", "", predicate)


def _partial_indexes() -> dict[str, str]:
    """The models' partial indexes and their predicates (alembic's comparison leaves
    predicates out: an index migrated without its WHERE would not count as drift)."""
    found = {}
    for table in Base.metadata.tables.values():
        for index in table.indexes:
            assert isinstance(index, Index)
            where = index.dialect_options["sqlite"]["where"]
            assert str(where) == str(index.dialect_options["postgresql"]["where"]), index.name
            if where is not None:
                found[str(index.name)] = _normalized(str(where))
    return found


def _index_predicates(connection: Connection, names: list[str]) -> dict[str, str]:
    """The predicate of each named index as the database holds it ('' for a whole one)."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
        ).all()
    else:
        rows = connection.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
        ).all()
    definitions = {name: definition for name, definition in rows if name in names}
    return {
        name: _normalized(definition.split(" WHERE ", 1)[1]) if " WHERE " in definition else ""
        for name, definition in definitions.items()
    }


def test_partial_indexes_are_migrated_with_their_predicates(db: Database) -> None:
    expected = _partial_indexes()
    assert expected["ix_time_entries_under_approval"] == "approval_status='under_approval'"
    assert expected["uq_presence_intervals_one_open"] == "ended_atisnull"
    with db.engine.connect() as connection:
        assert _index_predicates(connection, list(expected)) == expected
    with db.engine.connect() as connection:
        with connection.begin() as transaction:
            # The same index without its WHERE: noticed.
            connection.exec_driver_sql("DROP INDEX ix_time_entries_under_approval")
            connection.exec_driver_sql(
                "CREATE INDEX ix_time_entries_under_approval "
                "ON time_entries (workspace_id, employee_id, project_id, day)"
            )
            stripped = _index_predicates(connection, list(expected))
            transaction.rollback()
        assert stripped["ix_time_entries_under_approval"] == ""
        assert _index_predicates(connection, list(expected)) == expected


def _index_definitions(connection: Connection, names: Iterable[str]) -> dict[str, str]:
    """The definition of each named index as the database holds it, normalized."""
    if connection.dialect.name == "sqlite":
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
    wanted = set(names)
    return {
        name: _normalized(definition)
        for name, definition in connection.execute(text(query)).all()
        if name in wanted
    }


def test_expression_indexes_are_migrated(db: Database, workspace: WorkspaceFixture) -> None:
    with db.engine.connect() as connection:
        definitions = _index_definitions(connection, EXPRESSION_INDEXES)
    assert set(definitions) == set(EXPRESSION_INDEXES)
    for name, expression in EXPRESSION_INDEXES.items():
        # PostgreSQL adds `ELSE NULL` and casts, which `_normalized` drops.
        wanted = _normalized(expression).removesuffix("end")
        assert wanted in definitions[name].replace("elsenull", ""), definitions[name]
        assert "where" not in definitions[name]


def test_a_service_name_is_unique_in_its_workspace_and_a_persons_is_not(
    db: Database, workspace: WorkspaceFixture
) -> None:
    def add(kind: str, name: str) -> None:
        with db.session(write=True) as session:
            role_id = session.scalars(
                select(Role.id).where(Role.workspace_id == workspace.id)
            ).first()
            now = utcnow()
            session.add(
                User(
                    workspace_id=workspace.id,
                    kind=kind,
                    name=name,
                    role_id=role_id,
                    language="en",
                    status="active",
                    created_at=now,
                    updated_at=now,
                )
            )
            session.commit()

    add("person", "Ada")
    add("person", "Ada")
    add("service", "Ada")
    with pytest.raises(IntegrityError):
        add("service", "Ada")


def test_partial_indexes_compare_with_a_value_only_where_queries_write_the_value(
    db: Database, workspace: WorkspaceFixture
) -> None:
    """SQLite prepares a statement again at every run when it binds a value to a column that
    a partial index's WHERE compares with a value (to check whether the index applies).
    `IS [NOT] NULL` predicates bind nothing; the one comparison is written into the SQL
    of the queries that use its index (`awaiting_approval`)."""
    comparing = {
        name: predicate
        for name, predicate in _partial_indexes().items()
        if not re.fullmatch(r"\w+is(not)?null", predicate)
    }
    assert comparing == {"ix_time_entries_under_approval": "approval_status='under_approval'"}
    with (
        statements_sent(db) as statements,
        db.session(write=True, workspace_id=workspace.id) as session,
    ):
        EntryRepository(session).under_approval_on_project(1, 1, date(2026, 1, 1), date(2026, 1, 7))
        ApprovalRepository(session).awaiting_project_days(employee_ids=None, project_ids=None)
    written = [statement for statement in statements if "approval_status" in statement]
    assert len(written) == 2
    assert all("approval_status = 'under_approval'" in statement for statement in written)


APPROVAL_TABLES = {"approval_delegations", "approval_decisions"}


def test_the_approvals_migration_goes_down_and_up_again(db: Database) -> None:
    """0012 undone leaves the schema of 0011 (no approval tables, no partial index on
    entries), and redone leaves no drift."""
    config = alembic_config(db.url)
    db.dispose()
    try:
        command.downgrade(config, "0011")
        with db.engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            indexes = {index["name"] for index in inspect(connection).get_indexes("time_entries")}
        assert tables & APPROVAL_TABLES == set()
        assert "time_entries" in tables
        assert "ix_time_entries_under_approval" not in indexes
    finally:
        db.dispose()
        command.upgrade(config, "head")
    db.dispose()
    if db.engine.dialect.name == "postgresql":
        # As tests/conftest.py's postgres_reset left them, for the tests after this one.
        with db.engine.begin() as connection:
            for table in APPROVAL_TABLES:
                connection.exec_driver_sql(
                    f"ALTER TABLE {table} SET (autovacuum_enabled = off, "
                    "toast.autovacuum_enabled = off)"
                )
    assert set(inspect(db.engine).get_table_names()) >= APPROVAL_TABLES
    assert _differences(db) == []
    with db.engine.connect() as connection:
        assert _index_predicates(connection, list(_partial_indexes())) == _partial_indexes()


def _kept(connection: Connection) -> dict[str, int]:
    return {
        table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
        for table in ("workspaces", "users", "employees", "changes", "activities")
    }


def test_the_revision_counter_moves_out_of_the_workspace_and_back(
    db: Database, workspace: WorkspaceFixture
) -> None:
    """0019 moves each workspace's revision to `workspace_revisions` and back, and loses
    no row of anything else (a copied-and-dropped workspaces table would cascade)."""
    with db.engine.connect() as connection:
        head = connection.execute(
            text("SELECT revision FROM workspace_revisions WHERE workspace_id = :w"),
            {"w": workspace.id},
        ).scalar_one()
        kept = _kept(connection)
    assert head > 0 and kept["changes"] >= head and kept["users"] > 0
    config = alembic_config(db.url)
    db.dispose()
    try:
        command.downgrade(config, "0018")
        with db.engine.connect() as connection:
            assert "workspace_revisions" not in inspect(connection).get_table_names()
            assert (
                connection.execute(
                    text("SELECT revision FROM workspaces WHERE id = :w"), {"w": workspace.id}
                ).scalar_one()
                == head
            )
            assert _kept(connection) == kept
    finally:
        db.dispose()
        command.upgrade(config, "head")
    db.dispose()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:  # as tests/conftest.py's postgres_reset left it
            connection.exec_driver_sql(
                "ALTER TABLE workspace_revisions SET (autovacuum_enabled = off, "
                "toast.autovacuum_enabled = off)"
            )
    with db.engine.connect() as connection:
        assert (
            connection.execute(
                text("SELECT revision FROM workspace_revisions WHERE workspace_id = :w"),
                {"w": workspace.id},
            ).scalar_one()
            == head
        )
        assert _kept(connection) == kept
    assert _differences(db) == []
