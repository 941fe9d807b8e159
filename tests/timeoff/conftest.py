"""Fixtures of the time-off API tests."""

import pytest
from fastapi.testclient import TestClient

from tests.timeoff.support import Leave, leave_office
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database


@pytest.fixture
def leave(client: TestClient, db: Database, hashing: PasswordHashing) -> Leave:
    return leave_office(client, db, hashing)
