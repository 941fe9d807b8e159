"""`weekdays`: the minutes that fall on given ISO weekdays (local dates)."""

from typing import Annotated

from pydantic import Field

from timeledger.rules.contexts import FilterContext
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.timeline import Span, on_local_dates


class WeekdaysConfig(PluginConfig):
    days: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        min_length=1, max_length=7, description="ISO weekdays, 1 = Monday ... 7 = Sunday."
    )


def select(spans: list[Span], context: FilterContext, config: WeekdaysConfig) -> list[Span]:
    days = set(config.days)
    return on_local_dates(spans, context.calendar, lambda day: day.isoweekday() in days)


PLUGIN = Plugin(
    plugin_id="weekdays",
    title="Weekdays",
    description="The minutes that fall on given ISO weekdays (local dates).",
    config_model=WeekdaysConfig,
    behaviour=select,
)
