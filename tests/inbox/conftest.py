"""Fixtures of the approvals inbox tests."""

import pytest
from fastapi.testclient import TestClient

from tests.approvals.support import Org, approvals_org
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database


@pytest.fixture
def org(client: TestClient, db: Database, hashing: PasswordHashing) -> Org:
    return approvals_org(client, db, hashing)
