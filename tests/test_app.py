"""create_app(): what an app leaves behind once it is no longer used."""

import subprocess
import sys
from pathlib import Path

import pytest

from timeledger.config import Settings

pytestmark = pytest.mark.slow

FREED_IN_A_FRESH_PROCESS = """
import gc, sys, threading, weakref
from fastapi.testclient import TestClient
from timeledger.access.credentials import PasswordHashing
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.kit.db import Database

settings = Settings(database_url=sys.argv[1], data_dir=sys.argv[2], secret_key="test-key")
app = create_app(settings, Database(sys.argv[1]), password_hashing=PasswordHashing(19_456))
with TestClient(app) as client:
    assert client.get("/api/").status_code == 200
    assert client.get("/api/openapi.yaml").status_code == 200
freed = weakref.ref(app)
del app, client
for thread in threading.enumerate():
    if thread is not threading.main_thread():
        thread.join(timeout=30)
gc.collect()
print("freed" if freed() is None else "kept")
"""


def test_an_app_no_longer_used_is_freed(settings: Settings, tmp_path: Path) -> None:
    """FastAPI remembers facts about every endpoint process-wide: an endpoint closing over
    its app kept every app, with its routes and database engine, alive for good. Asked of
    a fresh interpreter, so that what other tests of this process hold cannot answer, once
    the threads the app started (a PostgreSQL listener stops asynchronously) have ended."""
    outcome = subprocess.run(
        [sys.executable, "-c", FREED_IN_A_FRESH_PROCESS, settings.database_url, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert outcome.returncode == 0, outcome.stderr
    assert outcome.stdout.split()[-1] == "freed"
