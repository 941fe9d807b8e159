"""The Tyme face's tests speak https to the app: OAuth refuses plain http (RFC 6749
§3.1) except on a loopback address, and the in-process test server is `testserver`."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.compat.tyme.support import SECURE_BASE_URL


@pytest.fixture
def tyme(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=SECURE_BASE_URL, raise_server_exceptions=False) as client:
        yield client
