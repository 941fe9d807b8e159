"""Plugin descriptors: the registries of the rule engine, their plugins, and the JSON
Schema of each plugin's configuration (generated from the model that validates a policy's
plugin references)."""

from typing import Annotated

from fastapi import Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from timeledger.access.caller import Allowed, Caller
from timeledger.kit.errors import NotFound
from timeledger.kit.routing import api_router
from timeledger.rules.plugins.base import Plugin
from timeledger.rules.plugins.registry import REGISTRIES, plugin_of
from timeledger.settings.schemas import PLUGIN_SCHEMA_URL

plugins_router = api_router("Settings", prefix="/descriptor/plugins")

JSON_SCHEMA_MEDIA_TYPE = "application/schema+json"


class JsonSchemaResponse(JSONResponse):
    media_type = JSON_SCHEMA_MEDIA_TYPE


class PluginDescriptor(BaseModel):
    plugin_id: str
    title: str
    description: str
    schema_url: str = Field(description="Where the JSON Schema of the plugin's config is.")


class RegistryDescriptor(BaseModel):
    registry: str = Field(description="The registry's name, e.g. `worktime-steps`.")
    title: str
    plugins: list[PluginDescriptor]


class PluginCatalogue(BaseModel):
    items: list[RegistryDescriptor]


def _described(registry: str, plugin: Plugin) -> PluginDescriptor:
    return PluginDescriptor(
        plugin_id=plugin.plugin_id,
        title=plugin.title,
        description=plugin.description,
        schema_url=PLUGIN_SCHEMA_URL.format(registry=registry, plugin_id=plugin.plugin_id),
    )


CATALOGUE = PluginCatalogue(
    items=[
        RegistryDescriptor(
            registry=registry.name,
            title=registry.title,
            plugins=[_described(registry.name, plugin) for plugin in registry.plugins.values()],
        )
        for registry in REGISTRIES.values()
    ]
)
"""The catalogue is fixed at import: built once."""


@plugins_router.get(
    "/",
    response_model=PluginCatalogue,
    summary="List the plugin registries and their plugins",
)
def list_plugins(_caller: Annotated[Caller, Allowed("settings:read:*")]) -> PluginCatalogue:
    return CATALOGUE


@plugins_router.get(
    "/{registry}/{plugin_id}/schema",
    response_class=JsonSchemaResponse,
    response_model=None,
    responses={
        200: {
            "description": "The JSON Schema (draft 2020-12) a plugin reference's `config` "
            "must match.",
            "content": {JSON_SCHEMA_MEDIA_TYPE: {"schema": {"type": "object"}}},
        }
    },
    summary="The JSON Schema (draft 2020-12) of a plugin's configuration",
)
def plugin_schema(
    registry: Annotated[str, Path(max_length=100, description="A registry, e.g. `filters`.")],
    plugin_id: Annotated[str, Path(max_length=100, description="A plugin of the registry.")],
    _caller: Annotated[Caller, Allowed("settings:read:*")],
) -> JsonSchemaResponse:
    if registry not in REGISTRIES:
        raise NotFound(f"There is no plugin registry {registry!r}; known: {', '.join(REGISTRIES)}.")
    plugin = plugin_of(registry, plugin_id)
    if plugin is None:
        raise NotFound(
            f"There is no plugin {plugin_id!r} in registry {registry!r}; known: "
            f"{', '.join(REGISTRIES[registry].plugins)}."
        )
    return JsonSchemaResponse(plugin.config_schema())
