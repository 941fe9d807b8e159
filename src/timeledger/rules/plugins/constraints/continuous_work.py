"""`continuous_work`: Most minutes worked without a break."""

from collections.abc import Sequence

from pydantic import Field

from timeledger.rules.contexts import DayOutcome, Finding, clock_text
from timeledger.rules.plugins.base import Plugin, PluginConfig


class ContinuousWorkConfig(PluginConfig):
    max_minutes: int = Field(ge=1, le=1440)
    min_break_minutes: int = Field(
        default=0,
        ge=0,
        le=1440,
        description="Shorter gaps do not end a stretch (German ArbZG §4: 15).",
    )


def check(days: Sequence[DayOutcome], config: ContinuousWorkConfig) -> list[Finding]:
    """A stretch is work without a gap of `min_break_minutes` or more in it."""
    shortest_break = max(1, config.min_break_minutes)
    findings: list[Finding] = []
    for day in days:
        longest, stretch_start, stretch_end = 0, None, None
        for span in day.presence:
            if stretch_end is None or span.start - stretch_end >= shortest_break:
                stretch_start = span.start
            stretch_end = span.end
            assert stretch_start is not None
            longest = max(longest, stretch_end - stretch_start)
        if longest > config.max_minutes:
            findings.append(
                Finding(
                    day.shift_day,
                    "continuous_work",
                    f"{clock_text(longest)} worked without a break; at most "
                    f"{clock_text(config.max_minutes)} are allowed.",
                )
            )
    return findings


PLUGIN = Plugin(
    plugin_id="continuous_work",
    title="Continuous work",
    description="Most minutes worked without a break.",
    config_model=ContinuousWorkConfig,
    behaviour=check,
)
