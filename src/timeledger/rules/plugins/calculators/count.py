"""`count`: one unit per shift day with at least this many minutes selected."""

from pydantic import Field

from timeledger.rules.contexts import Figure
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.timeline import Span, total


class CountConfig(PluginConfig):
    min_minutes: int = Field(ge=1, le=1440)


def calculate(spans: list[Span], config: CountConfig) -> Figure | None:
    minutes = total(spans)
    return Figure(minutes=minutes, units=1) if minutes >= config.min_minutes else None


PLUGIN = Plugin(
    plugin_id="count",
    title="Count of days",
    description=("One unit per shift day with at least this many minutes selected."),
    config_model=CountConfig,
    behaviour=calculate,
)
