"""`auto_deduction`: a fixed deduction (a lunch) once a day's work passes a threshold."""

from pydantic import Field

from timeledger.rules.contexts import WorkDay
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.plugins.worktime_steps.placement import placed_deduction
from timeledger.rules.timeline import Span, total


class AutoDeductionConfig(PluginConfig):
    after_minutes: int = Field(ge=0, le=1440, description="Work of more than this ...")
    minutes: int = Field(ge=1, le=1440, description="... loses this many minutes.")


def deduct(day: WorkDay, config: AutoDeductionConfig) -> list[Span]:
    """The deduction less the breaks already taken (gaps in the day's work): whoever
    clocked out for lunch loses nothing more."""
    worked = total(day.spans)
    if worked <= config.after_minutes:
        return []
    missing = max(0, config.minutes - sum(day.break_minutes))
    return placed_deduction(day.spans, min(missing, worked), config.after_minutes)


PLUGIN = Plugin(
    plugin_id="auto_deduction",
    title="Automatic deduction",
    description=("A fixed deduction (a lunch) once a day's work passes a threshold."),
    config_model=AutoDeductionConfig,
    behaviour=deduct,
)
