"""Plugin references of the rule engine's policies: `{plugin_id, config}` checked against
the plugin catalogue (`timeledger.rules.plugins.registry`), stored normalized (the config
as its model dumps it, every default filled in), and the ids their configs name."""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from timeledger.rules.plugins.base import PluginConfig
from timeledger.rules.plugins.registry import parse_config

Reference = dict[str, Any]


def normalized_reference(
    registry: str, reference: Reference, location: str, *, keep: Sequence[str] = ()
) -> Reference:
    """The stored form of a reference: its plugin id, its config as the plugin's model
    reads it (aliases, defaults) and the fields named in `keep` (a constraint's severity);
    422 at `<location>.plugin_id` or `<location>.config.<field>` when it does not parse."""
    config = parse_config(registry, reference, location)
    stored: Reference = {
        "plugin_id": reference["plugin_id"],
        "config": config.model_dump(by_alias=True, mode="json"),
    }
    for name in keep:
        stored[name] = reference[name]
    return stored


def normalized_references(
    registry: str, references: Iterable[Reference], location: str, *, keep: Sequence[str] = ()
) -> list[Reference]:
    """`normalized_reference` of each of a list, at `<location>.<index>`."""
    return [
        normalized_reference(registry, reference, f"{location}.{index}", keep=keep)
        for index, reference in enumerate(references)
    ]


def parsed_references(
    registry: str, references: Iterable[Reference], location: str
) -> Iterator[tuple[str, PluginConfig]]:
    """The location and the parsed config of each reference of a list (422 at the first
    that does not parse)."""
    for index, reference in enumerate(references):
        at = f"{location}.{index}"
        yield at, parse_config(registry, reference, at)


def config_ids(references: Iterable[Reference | None], field: str) -> set[int]:
    """The ids the stored configs of `references` name in `field` (one id or a list)."""
    found: set[int] = set()
    for reference in references:
        if not reference:
            continue
        value = (reference.get("config") or {}).get(field)
        if isinstance(value, int):
            found.add(value)
        elif isinstance(value, list):
            found.update(item for item in value if isinstance(item, int))
    return found


def rule_filters(rules: Iterable[Reference] | None) -> list[Reference]:
    """Every filter of an allowance policy's rules (stored form)."""
    return [reference for rule in rules or [] for reference in rule.get("filters") or []]
