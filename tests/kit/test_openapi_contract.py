"""The OpenAPI document declares what the server enforces: a value the document allows is
never refused for its form, and one it forbids is refused."""

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from timeledger.kit.languages import known_language_tags
from timeledger.kit.timeutil import known_timezones

pytestmark = pytest.mark.slow


def _document(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/api/openapi.json").json()
    return document


def _parameter(document: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    parameters = document["paths"][path][method]["parameters"]
    found: dict[str, Any] = next(p for p in parameters if p["name"] == name)
    return found


def test_time_zones_and_languages_are_declared_in_the_form_of_the_known_ones(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    document = _document(client)
    properties = document["components"]["schemas"]["MeUpdate"]["properties"]
    for name, known in (("timezone", known_timezones()), ("language", known_language_tags())):
        declared = next(choice for choice in properties[name]["anyOf"] if "pattern" in choice)
        assert all(re.fullmatch(declared["pattern"], value) for value in known), name
        assert not re.fullmatch(declared["pattern"], ""), name
        answer = client.patch("/api/me", json={name: ""}, headers=workspace.headers)
        assert answer.status_code == 422, answer.text


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


def test_every_component_has_a_title_of_its_own_and_is_used(client: TestClient) -> None:
    document = _document(client)
    schemas = document["components"]["schemas"]
    titles = Counter(schema.get("title", name) for name, schema in schemas.items())
    assert [title for title, count in titles.items() if count > 1] == []
    used = json.dumps({key: value for key, value in document.items() if key != "components"})
    used += json.dumps(schemas)
    assert [name for name in schemas if f'"#/components/schemas/{name}"' not in used] == []


GENERATOR = Path(sys.executable).parent / "openapi-python-client"
GENERATED_OPERATION = re.compile(r'"method": "(\w+)",\s*"url": "([^"]+)"')


def test_a_client_generated_from_the_document_has_every_operation(
    client: TestClient, tmp_path: Path
) -> None:
    document = _document(client)
    (tmp_path / "openapi.json").write_text(json.dumps(document))
    # The generator knows JSON, text and octet-stream bodies; files (an import's CSV, an
    # export's ZIP) are bytes to it, as its documentation says to configure.
    (tmp_path / "config.yaml").write_text(
        "post_hooks: []\n"
        "content_type_overrides:\n"
        "  application/zip: application/octet-stream\n"
        "  text/csv: application/octet-stream\n"
    )
    options = ["--meta", "none", "--config", "config.yaml", "--fail-on-warning"]
    generated = subprocess.run(
        [GENERATOR, "generate", "--path", "openapi.json", "--output-path", "client", *options],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr

    operations = {
        (method, path)
        for path, methods in document["paths"].items()
        for method in methods
        if method in {"get", "put", "post", "delete", "patch"}
    }
    found = {
        (method, path)
        for module in (tmp_path / "client" / "api").glob("*/*.py")
        for method, path in GENERATED_OPERATION.findall(module.read_text())
    }
    assert found == operations
