"""`max_daily_work`: Most minutes worked in a shift day."""

from collections.abc import Sequence

from pydantic import Field

from timeledger.rules.contexts import DayOutcome, Finding, clock_text
from timeledger.rules.plugins.base import Plugin, PluginConfig


class MaxDailyWorkConfig(PluginConfig):
    max_minutes: int = Field(ge=1, le=1440)


def check(days: Sequence[DayOutcome], config: MaxDailyWorkConfig) -> list[Finding]:
    return [
        Finding(
            day.shift_day,
            "max_daily_work",
            f"{clock_text(day.worked_minutes)} worked; at most "
            f"{clock_text(config.max_minutes)} are allowed.",
        )
        for day in days
        if day.worked_minutes > config.max_minutes
    ]


PLUGIN = Plugin(
    plugin_id="max_daily_work",
    title="Maximum daily work",
    description="Most minutes worked in a shift day.",
    config_model=MaxDailyWorkConfig,
    behaviour=check,
)
