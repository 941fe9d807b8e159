"""`amount`: a sum of money per hour selected or per shift day with minutes selected."""

from typing import Literal

from pydantic import Field

from timeledger.rules.contexts import Figure
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.timeline import Span, total


class AmountConfig(PluginConfig):
    amount_minor: int = Field(ge=0, le=2**31 - 1, description="In the workspace's currency.")
    per: Literal["hour", "day"]


def calculate(spans: list[Span], config: AmountConfig) -> Figure | None:
    """Per hour, the amount of the minutes rounded half up to the minor unit."""
    minutes = total(spans)
    if not minutes:
        return None
    if config.per == "day":
        return Figure(minutes=minutes, amount_minor=config.amount_minor)
    return Figure(minutes=minutes, amount_minor=(config.amount_minor * minutes * 2 + 60) // 120)


PLUGIN = Plugin(
    plugin_id="amount",
    title="Amount of money",
    description=("A sum of money per hour selected or per shift day with minutes selected."),
    config_model=AmountConfig,
    behaviour=calculate,
)
