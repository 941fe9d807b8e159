"""Fixtures of the rule engine's API tests."""

import pytest
from fastapi.testclient import TestClient

from tests.evaluation.support import Oslo, oslo_workspace
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database


@pytest.fixture
def oslo(client: TestClient, db: Database, hashing: PasswordHashing) -> Oslo:
    return oslo_workspace(client, db, hashing)
