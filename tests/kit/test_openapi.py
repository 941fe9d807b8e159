"""The OpenAPI document declares what the server enforces: a value the document allows is
never refused for its form, and one it forbids is refused."""

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from timeledger.kit.timeutil import known_timezones


def _document(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/api/openapi.json").json()
    return document


def _parameter(document: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    parameters = document["paths"][path][method]["parameters"]
    found: dict[str, Any] = next(p for p in parameters if p["name"] == name)
    return found


def test_time_zones_are_declared_as_the_names_the_server_knows(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    document = _document(client)
    schema = document["components"]["schemas"]["MeUpdate"]["properties"]["timezone"]
    declared = next(choice for choice in schema["anyOf"] if choice.get("type") == "string")
    assert set(declared["enum"]) == known_timezones()
    assert "" not in declared["enum"]
    answer = client.patch("/api/me", json={"timezone": ""}, headers=workspace.headers)
    assert answer.status_code in {403, 422}


ID_FILTER_VALUES = {
    "1": True,
    "1,2": True,
    " 3 , 4 ,": True,
    "": True,
    "x": False,
    "1 2": False,
    "-1": False,
    "1.0": False,
    "12345678901234567890": False,
}


def test_id_filters_are_declared_as_comma_separated_integers(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    document = _document(client)
    for path, name in (
        ("/api/customers", "ids"),
        ("/api/users", "ids"),
        ("/api/timesheet/entries", "task_id"),
        ("/api/timesheet/entries", "employee_id"),
    ):
        schema = _parameter(document, path, "get", name)["schema"]
        items = next(choice for choice in schema["anyOf"] if choice.get("type") == "array")
        assert items["items"]["type"] == "string"
        for value, accepted in ID_FILTER_VALUES.items():
            declared = re.fullmatch(items["items"]["pattern"], value) is not None
            answer = client.get(path, params={name: value}, headers=workspace.headers)
            assert declared == accepted, (path, name, value)
            assert (answer.status_code == 200) == accepted, (path, name, value, answer.text)


def test_idempotency_keys_are_declared_as_the_printable_characters_the_server_takes(
    client: TestClient,
) -> None:
    document = _document(client)
    pattern = _parameter(document, "/api/customers", "post", "Idempotency-Key")["schema"]["pattern"]
    for code in range(256):
        character = chr(code)
        declared = re.fullmatch(pattern, character * 3) is not None
        assert declared == character.isprintable(), hex(code)
    assert re.fullmatch(pattern, "k" * 255)
    assert not re.fullmatch(pattern, "k" * 256)
