"""Fixtures of the statements' API tests."""

import pytest
from fastapi.testclient import TestClient

from tests.statements.support import Office, office
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database


@pytest.fixture
def weekly(client: TestClient, db: Database, hashing: PasswordHashing) -> Office:
    return office(client, db, hashing)
