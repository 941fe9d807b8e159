"""`rate`: the minutes selected, at a rate."""

from typing import Annotated

from pydantic import Field

from timeledger.rules.contexts import Figure
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.timeline import Span, total

RatePercent = Annotated[
    int, Field(ge=0, le=1000, description="Percent of the minutes (100 = one for one).")
]


class RateConfig(PluginConfig):
    percent: RatePercent


def calculate(spans: list[Span], config: RateConfig) -> Figure | None:
    minutes = total(spans)
    return Figure(minutes=minutes, rate_percent=config.percent) if minutes else None


PLUGIN = Plugin(
    plugin_id="rate",
    title="Minutes at a rate",
    description="The minutes selected, at a rate.",
    config_model=RateConfig,
    behaviour=calculate,
)
