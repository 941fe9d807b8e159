"""`holidays`: the minutes that fall on days of the employment terms' holiday calendar."""

from timeledger.rules.contexts import FilterContext
from timeledger.rules.plugins.base import NoConfig, Plugin
from timeledger.rules.timeline import Span, on_local_dates


class HolidaysConfig(NoConfig):
    pass


def select(spans: list[Span], context: FilterContext, _config: HolidaysConfig) -> list[Span]:
    return on_local_dates(spans, context.calendar, context.holidays.__contains__)


PLUGIN = Plugin(
    plugin_id="holidays",
    title="Holidays",
    description=("The minutes that fall on days of the employment terms' holiday calendar."),
    config_model=HolidaysConfig,
    behaviour=select,
)
