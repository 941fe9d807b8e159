"""`reasons`: the minutes of presence intervals recorded with one of these reasons."""

from typing import Annotated

from pydantic import Field

from timeledger.rules.contexts import FilterContext
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.timeline import Span

ReferenceId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class ReasonsConfig(PluginConfig):
    reason_ids: list[ReferenceId] = Field(min_length=1, max_length=200)


def select(spans: list[Span], _context: FilterContext, config: ReasonsConfig) -> list[Span]:
    wanted = set(config.reason_ids)
    return [
        span for span in spans if span.origin.kind == "presence" and span.origin.reason_id in wanted
    ]


PLUGIN = Plugin(
    plugin_id="reasons",
    title="Presence reasons",
    description=("The minutes of presence intervals recorded with one of these reasons."),
    config_model=ReasonsConfig,
    behaviour=select,
)
