"""The migrated schema is the schema the models describe, on SQLite and PostgreSQL."""

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import timeledger.models  # noqa: F401  (registers every table on the metadata)
from timeledger.kit.db import Database
from timeledger.kit.model import Base


def _differences(db: Database) -> list[Any]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, Base.metadata))


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
