"""`daily_rest`: Minimum rest between the end of one shift day's last interval and the next
one's first."""

from collections.abc import Sequence

from pydantic import Field

from timeledger.rules.contexts import DayOutcome, Finding, clock_text
from timeledger.rules.plugins.base import Plugin, PluginConfig


class DailyRestConfig(PluginConfig):
    min_minutes: int = Field(ge=1, le=1440)


def check(days: Sequence[DayOutcome], config: DailyRestConfig) -> list[Finding]:
    findings: list[Finding] = []
    previous: DayOutcome | None = None
    for day in days:
        if not day.presence:
            continue
        if previous is not None:
            rest = day.presence[0].start - previous.presence[-1].end
            if rest < config.min_minutes:
                findings.append(
                    Finding(
                        day.shift_day,
                        "daily_rest",
                        f"Only {clock_text(rest)} of rest after {previous.shift_day}; at "
                        f"least {clock_text(config.min_minutes)} are required.",
                    )
                )
        previous = day
    return findings


PLUGIN = Plugin(
    plugin_id="daily_rest",
    title="Daily rest",
    description=(
        "Minimum rest between the end of one shift day's last interval and the next one's first."
    ),
    config_model=DailyRestConfig,
    behaviour=check,
)
