"""The OpenAPI document is built once per process for each set of routes."""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from timeledger.access.credentials import PasswordHashing
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.kit import openapi
from timeledger.kit.db import Database
from timeledger.kit.openapi import build_openapi


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the documents FastAPI is asked to build."""
    built: list[str] = []

    def counted(**arguments: Any) -> dict[str, Any]:
        built.append(arguments["title"])
        return get_openapi(**arguments)

    monkeypatch.setattr(openapi, "get_openapi", counted)
    return built


def test_apps_with_the_same_routes_share_one_build_each_with_its_own_copy(
    settings: Settings, db: Database, hashing: PasswordHashing, builds: list[str]
) -> None:
    first = create_app(settings, db, password_hashing=hashing).openapi()
    second = create_app(settings, db, password_hashing=hashing).openapi()
    assert len(builds) <= 1
    assert first == second
    first["paths"].clear()
    assert second["paths"]


def test_an_app_with_other_routes_gets_its_own_document(builds: list[str]) -> None:
    app = FastAPI(title="Other")

    @app.get("/only")
    def only() -> str:
        return "only"

    assert list(build_openapi(app)["paths"]) == ["/only"]
    assert builds == ["Other"]
