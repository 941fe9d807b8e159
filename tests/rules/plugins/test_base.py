"""A plugin's config schema is Pydantic's JSON Schema of its config model, built once."""

from timeledger.rules.plugins.registry import REGISTRIES

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def test_every_schema_is_the_config_models_own_and_is_built_once() -> None:
    plugins = [plugin for registry in REGISTRIES.values() for plugin in registry.plugins.values()]
    assert len(plugins) > 20
    for plugin in plugins:
        schema = plugin.config_schema()
        built = plugin.config_model.model_json_schema(by_alias=True, mode="validation")
        assert schema == {"$schema": JSON_SCHEMA_DIALECT, **built}, plugin.plugin_id
        assert plugin.config_schema() is schema
