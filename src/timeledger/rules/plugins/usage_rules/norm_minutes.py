"""`norm_minutes`: a day that counts takes the minutes it credits from an `hours`
account."""

from timeledger.rules.plugins.base import NoConfig, Plugin
from timeledger.rules.timeoff_contexts import DayPlan, Portion


class NormMinutesConfig(NoConfig):
    pass


def amount(plan: DayPlan, portion: Portion) -> int:
    return plan.minutes_of(portion)


PLUGIN = Plugin(
    plugin_id="norm_minutes",
    title="Planned minutes",
    description="For an `hours` account: each day that counts takes the minutes it credits, "
    "the day's planned minutes (a first half rounds up, a second half down).",
    config_model=NormMinutesConfig,
    behaviour=amount,
)
