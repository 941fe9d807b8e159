"""create_app(): what an app leaves behind once it is no longer used."""

import gc
import weakref

from fastapi.testclient import TestClient

from timeledger.access.credentials import PasswordHashing
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.kit.db import Database


def test_an_app_no_longer_used_is_freed(
    settings: Settings, db: Database, hashing: PasswordHashing
) -> None:
    """FastAPI remembers facts about every endpoint process-wide: an endpoint closing over
    its app kept every app, with its routes and database engine, alive for good."""
    app = create_app(settings, db, password_hashing=hashing)
    with TestClient(app) as client:
        assert client.get("/api/").status_code == 200
        assert client.get("/api/openapi.yaml").status_code == 200
    freed = weakref.ref(app)
    del app, client
    gc.collect()
    assert freed() is None
