"""`workdays`: a day that counts takes one day of a `days` account, half a day for a half."""

from timeledger.rules.plugins.base import NoConfig, Plugin
from timeledger.rules.timeoff_contexts import DayPlan, Portion

WHOLE_DAY = 100
"""Hundredths of a day."""


class WorkdaysConfig(NoConfig):
    pass


def amount(_plan: DayPlan, portion: Portion) -> int:
    return WHOLE_DAY if portion == "full" else WHOLE_DAY // 2


PLUGIN = Plugin(
    plugin_id="workdays",
    title="Workdays",
    description="For a `days` account: each day that counts takes one day (100 hundredths), "
    "a half day takes half of it, whatever its planned minutes.",
    config_model=WorkdaysConfig,
    behaviour=amount,
)
