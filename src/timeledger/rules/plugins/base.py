"""What every plugin is: an id, a title, a description and the model of its config, in a
registry. The config model both validates a policy's reference and publishes the JSON
Schema of the descriptor endpoint."""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict


class PluginConfig(BaseModel):
    """A plugin's configuration: unknown fields are refused, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class NoConfig(PluginConfig):
    """A plugin that takes no configuration (an empty object)."""


@dataclass(frozen=True)
class Plugin:
    """One plugin of a registry. `behaviour` is the registry's callable (a filter's
    selection, a calculator's figures, ...); None for plugins whose behaviour belongs to a
    later part of the system (settlement steps)."""

    plugin_id: str
    title: str
    description: str
    config_model: type[PluginConfig]
    behaviour: Any = None
    reads_entries: bool = False
    """A filter that makes its rule read time entries instead of presence."""
    lookback_days: Any = None
    """A constraint's `(config) -> int`: the days before a range it reads (default 1)."""

    def config_schema(self) -> dict[str, Any]:
        """The JSON Schema of the plugin's config (not to be changed: it is shared)."""
        return _json_schema_of(self.config_model)


@cache
def _json_schema_of(config_model: type[PluginConfig]) -> dict[str, Any]:
    """Built once per model: Pydantic builds a schema anew on every call (about 0.5 ms,
    the whole cost of the descriptor's schema endpoint)."""
    schema = config_model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


@dataclass(frozen=True)
class Registry:
    """The plugins of one registry, by id."""

    name: str
    title: str
    plugins: Mapping[str, Plugin]
