"""`overtime_limits`: most overtime minutes in the 7 days, 4 weeks and 52 weeks ending on a
day (Norwegian AML §10-6)."""

from collections.abc import Sequence
from datetime import timedelta

from pydantic import Field, model_validator

from timeledger.rules.contexts import DayOutcome, Finding, clock_text
from timeledger.rules.plugins.base import Plugin, PluginConfig


class OvertimeLimitsConfig(PluginConfig):
    per_7_days: int | None = Field(default=None, ge=0, le=10080)
    per_4_weeks: int | None = Field(default=None, ge=0, le=40320)
    per_52_weeks: int | None = Field(default=None, ge=0, le=524160)

    @model_validator(mode="after")
    def _limits_something(self) -> "OvertimeLimitsConfig":
        if self.per_7_days is None and self.per_4_weeks is None and self.per_52_weeks is None:
            raise ValueError("give at least one limit")
        return self


def check(days: Sequence[DayOutcome], config: OvertimeLimitsConfig) -> list[Finding]:
    """On each day with overtime, the overtime of the 7, 28 and 364 days ending on it."""
    overtime = {day.shift_day: day.overtime_minutes for day in days}
    limits = (
        (7, config.per_7_days, "7 days"),
        (28, config.per_4_weeks, "4 weeks"),
        (364, config.per_52_weeks, "52 weeks"),
    )
    findings: list[Finding] = []
    for day in days:
        if not day.overtime_minutes:
            continue
        for length, limit, label in limits:
            if limit is None:
                continue
            window = sum(
                overtime.get(day.shift_day - timedelta(days=back), 0) for back in range(length)
            )
            if window > limit:
                findings.append(
                    Finding(
                        day.shift_day,
                        f"overtime_limit_{length}_days",
                        f"{clock_text(window)} of overtime in the {label} ending on this day; "
                        f"at most {clock_text(limit)} are allowed.",
                    )
                )
    return findings


def lookback_days(config: OvertimeLimitsConfig) -> int:
    if config.per_52_weeks is not None:
        return 364
    return 28 if config.per_4_weeks is not None else 7


PLUGIN = Plugin(
    plugin_id="overtime_limits",
    title="Overtime limits",
    description=(
        "Most overtime minutes in the 7 days, 4 weeks and 52 weeks ending on a day "
        "(Norwegian AML §10-6)."
    ),
    config_model=OvertimeLimitsConfig,
    behaviour=check,
    lookback_days=lookback_days,
)
