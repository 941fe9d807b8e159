"""Plugin descriptors: the registries and their plugins, and each config's JSON Schema."""

from fastapi.testclient import TestClient

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database
from timeledger.rules.plugins.registry import (
    ACCRUALS,
    CALCULATORS,
    CONSTRAINTS,
    COUNTERS,
    EXPIRATIONS,
    FILTERS,
    REGISTRIES,
    SETTLEMENT_STEPS,
    USAGE_RULES,
    WORKTIME_STEPS,
    plugin_of,
)

PLUGINS = "/api/descriptor/plugins"


def test_every_registry_and_plugin_is_listed_with_its_schema(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    response = client.get(f"{PLUGINS}/", headers=workspace.headers)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [item["registry"] for item in items] == [
        FILTERS,
        CALCULATORS,
        COUNTERS,
        WORKTIME_STEPS,
        CONSTRAINTS,
        SETTLEMENT_STEPS,
        USAGE_RULES,
        ACCRUALS,
        EXPIRATIONS,
    ]
    for item in items:
        registry = REGISTRIES[item["registry"]]
        assert item["title"] == registry.title
        assert [plugin["plugin_id"] for plugin in item["plugins"]] == list(registry.plugins)
        for listed in item["plugins"]:
            plugin = plugin_of(registry.name, listed["plugin_id"])
            assert plugin is not None
            assert (listed["title"], listed["description"]) == (plugin.title, plugin.description)
            assert listed["schema_url"] == f"{PLUGINS}/{registry.name}/{plugin.plugin_id}/schema"
            schema = client.get(listed["schema_url"], headers=workspace.headers)
            assert schema.status_code == 200, schema.text
            assert schema.headers["content-type"].startswith("application/schema+json")
            assert schema.json() == plugin.config_schema()
    assert {"time_window", "weekdays", "holidays", "reasons", "activities"} == {
        plugin["plugin_id"] for plugin in items[0]["plugins"]
    }


def test_a_schema_describes_the_config_a_policy_takes(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    schema = client.get(f"{PLUGINS}/filters/time_window/schema", headers=workspace.headers).json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["from", "to"]
    assert schema["additionalProperties"] is False
    breaks = client.get(
        f"{PLUGINS}/worktime-steps/statutory_breaks/schema", headers=workspace.headers
    ).json()
    assert {"tiers", "min_segment_minutes", "mode"} <= set(breaks["properties"])


def test_unknown_registry_or_plugin_is_not_found(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for path in (
        "nonsense/time_window/schema",
        "filters/nonsense/schema",
        # A plugin of another registry is not one of this one.
        "filters/rate/schema",
        "accruals/anything/schema",
    ):
        response = client.get(f"{PLUGINS}/{path}", headers=workspace.headers)
        assert_problem(response, 404)


def test_reading_descriptors_needs_settings_read(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee = new_person(db, workspace.id, "employee")
    assert client.get(f"{PLUGINS}/", headers=employee.headers).status_code == 200
    role = client.post(
        "/api/roles",
        json={"name": "clock-only", "permissions": ["me:read:own"]},
        headers=workspace.headers,
    )
    assert role.status_code == 201, role.text
    outsider = new_person(db, workspace.id, "clock-only")
    for url in (f"{PLUGINS}/", f"{PLUGINS}/filters/time_window/schema"):
        body = assert_problem(client.get(url, headers=outsider.headers), 403)
        assert body["required_permission"] == "settings:read:*"
    assert client.get(f"{PLUGINS}/", headers={}).status_code == 401


def test_the_document_declares_the_permission(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (f"{PLUGINS}/", f"{PLUGINS}/{{registry}}/{{plugin_id}}/schema"):
        operation = paths[path]["get"]
        assert operation["x-required-permission"] == "settings:read:*"
        assert operation["tags"] == ["Settings"]
