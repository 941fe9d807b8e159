"""`weekly_average`: most minutes worked a week on average over a number of weeks (EU
directive 2003/88: 48 hours over up to four months)."""

from collections.abc import Sequence
from datetime import date, timedelta

from pydantic import Field

from timeledger.rules.contexts import DayOutcome, Finding, clock_text
from timeledger.rules.plugins.base import Plugin, PluginConfig


class WeeklyAverageConfig(PluginConfig):
    max_minutes: int = Field(ge=1, le=10080)
    weeks: int = Field(ge=1, le=52)


def check(days: Sequence[DayOutcome], config: WeeklyAverageConfig) -> list[Finding]:
    """On the last day of each week, the average of it and the weeks before it. Weeks
    before the first day given count as unknown, not as empty: no finding for them."""
    worked: dict[date, int] = {}
    for day in days:
        worked[day.week_start] = worked.get(day.week_start, 0) + day.worked_minutes
    findings: list[Finding] = []
    for week_start in sorted(worked):
        weeks = [week_start - timedelta(weeks=back) for back in range(config.weeks)]
        if any(week not in worked for week in weeks):
            continue
        average = sum(worked[week] for week in weeks) // config.weeks
        if average > config.max_minutes:
            findings.append(
                Finding(
                    week_start + timedelta(days=6),
                    "weekly_average",
                    f"{clock_text(average)} a week on average over {config.weeks} weeks; "
                    f"at most {clock_text(config.max_minutes)} are allowed.",
                )
            )
    return findings


def lookback_days(config: WeeklyAverageConfig) -> int:
    return 7 * config.weeks


PLUGIN = Plugin(
    plugin_id="weekly_average",
    title="Weekly average",
    description=(
        "Most minutes worked a week on average over a number of weeks (EU directive "
        "2003/88: 48 hours over up to four months)."
    ),
    config_model=WeeklyAverageConfig,
    behaviour=check,
    lookback_days=lookback_days,
)
