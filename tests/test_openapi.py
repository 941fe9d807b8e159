"""The OpenAPI 3.1 documents are valid and carry the conventions."""

import yaml
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

MTIME_AREAS = {
    "Settings",
    "Admin",
    "Organization",
    "Users",
    "Timesheet",
    "Time off & timebank",
    "Approvals",
    "Projects",
    "Reports",
    "Kiosks",
    "Me",
    "Auth",
    "Events & webhooks",
}


def test_json_document_is_valid_openapi_3_1(client: TestClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_yaml_document_equals_the_json_one(client: TestClient) -> None:
    as_yaml = client.get("/api/openapi.yaml")
    assert as_yaml.status_code == 200
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert yaml.safe_load(as_yaml.text) == client.get("/api/openapi.json").json()


def test_operations_are_tagged_with_mtime_areas(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    assert {tag["name"] for tag in document["tags"]} == MTIME_AREAS
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["tags"], f"{method} {path} has no tag"
            assert set(operation["tags"]) <= MTIME_AREAS, f"{method} {path}"


def test_posts_document_idempotency_and_updates_if_match(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    for operations in document["paths"].values():
        for method, operation in operations.items():
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            if method == "post":
                assert "Idempotency-Key" in names
            if method == "patch":
                assert "If-Match" in names
            assert "application/problem+json" in operation["responses"]["422"]["content"]


def test_lists_document_bounded_limit(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    limits = [
        parameter["schema"]
        for operations in document["paths"].values()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "limit"
    ]
    assert limits
    assert all(schema["maximum"] == 200 and schema["default"] == 50 for schema in limits)
