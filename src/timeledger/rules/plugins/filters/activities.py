"""`activities`: makes a rule entries-based: the minutes of the day's time entries booked
on one of these activities."""

from pydantic import Field

from timeledger.rules.contexts import FilterContext
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.plugins.filters.reasons import ReferenceId
from timeledger.rules.timeline import Span


class ActivitiesConfig(PluginConfig):
    activity_ids: list[ReferenceId] = Field(min_length=1, max_length=200)


def select(spans: list[Span], _context: FilterContext, config: ActivitiesConfig) -> list[Span]:
    wanted = set(config.activity_ids)
    return [span for span in spans if span.origin.activity_id in wanted]


PLUGIN = Plugin(
    plugin_id="activities",
    title="Activities (entries-based rules)",
    description=(
        "Makes a rule entries-based: the minutes of the day's time entries booked on one "
        "of these activities."
    ),
    config_model=ActivitiesConfig,
    behaviour=select,
    reads_entries=True,
)
