"""Routing of the native API: a method a path lacks is a 405 naming every method it has,
and an id parameter matches digits only."""

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture

METHODS = ("get", "put", "post", "delete", "patch")
SAMPLE_VALUES = {"day": "2026-01-05", "entity": "customers"}
"""Path parameters that are not ids, and a value of each."""


def _sample_path(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda found: SAMPLE_VALUES.get(found[1], "1"), path)


def test_a_method_a_path_lacks_is_405_allowing_exactly_the_documented_methods(
    client: TestClient,
) -> None:
    document: dict[str, Any] = client.get("/api/openapi.json").json()
    wrong: list[str] = []
    for path, operations in document["paths"].items():
        documented = {method.upper() for method in operations if method in METHODS}
        for method in sorted(set(METHODS) - set(operations)):
            response = client.request(method.upper(), _sample_path(path))
            allowed = {name.strip() for name in response.headers.get("allow", "").split(",")}
            if response.status_code != 405 or allowed - {"HEAD"} != documented:
                wrong.append(f"{method.upper()} {path}: {response.status_code} {allowed}")
            assert response.headers["content-type"] == "application/problem+json"
    assert wrong == []


def test_a_word_where_an_id_belongs_does_not_match_the_id_route(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    patched = client.patch("/api/roles/permissions", json={}, headers=workspace.headers)
    assert patched.status_code == 405, patched.text
    assert patched.headers["allow"] == "GET"

    assert client.get("/api/roles/planet", headers=workspace.headers).status_code == 404
    assert client.get("/api/users/-1", headers=workspace.headers).status_code == 404
    assert client.get("/api/users/0", headers=workspace.headers).status_code == 422
