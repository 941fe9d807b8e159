"""Fixtures of the kit tests."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from timeledger.kit.db import Database
from timeledger.kit.observability import configure_logging


@pytest.fixture(autouse=True)
def plain_logs() -> Iterator[None]:
    """The server's own log configuration: plain tracebacks, not structlog's default rich
    rendering of every frame's locals, which takes seconds per logged 500."""
    saved = structlog.get_config()
    configure_logging("INFO")
    yield
    structlog.configure(**saved)


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """A migrated SQLite database, for what only SQLite does (pragmas, file locks)."""
    path = tmp_path / "sqlite-only.db"
    shutil.copyfile(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()
