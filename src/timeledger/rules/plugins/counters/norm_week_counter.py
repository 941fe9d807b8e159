"""`norm_week_counter`: daily overtime above a threshold, then weekly overtime above a
threshold, both taken from the end (of the day, of the week)."""

from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

from pydantic import Field, model_validator

from timeledger.rules.contexts import CounterDay, CounterTake
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.plugins.calculators.rate import RatePercent
from timeledger.rules.timeline import Span, last_minutes, remove, total


class NormWeekCounterConfig(PluginConfig):
    daily_threshold_minutes: int | None = Field(
        ge=0,
        le=1440,
        description="Minutes a day before overtime (with `daily_basis: norm`, minutes on "
        "top of the day's norm); null: no daily overtime.",
    )
    daily_basis: Literal["fixed", "norm"] = "fixed"
    weekly_threshold_minutes: int | None = Field(
        ge=0, le=10080, description="Minutes a week before overtime; null: no weekly overtime."
    )
    rate_percent: RatePercent

    @model_validator(mode="after")
    def _counts_something(self) -> "NormWeekCounterConfig":
        if self.daily_threshold_minutes is None and self.weekly_threshold_minutes is None:
            raise ValueError("give a daily or a weekly threshold (or both)")
        return self


def count(
    days: Sequence[CounterDay], config: NormWeekCounterConfig, share: Fraction = Fraction(1)
) -> list[CounterTake]:
    """`days` are the days of one week the policy applies to, in order. Daily overtime is
    a day's last minutes above its threshold (from the day's own config); weekly overtime
    the last minutes of the week above `config`'s weekly threshold times `share` (less than
    1 when the policy counts only some of the week's days), not counting the daily
    overtime. Minutes already claimed by an earlier policy are skipped,
    not replaced: they are overtime already."""
    takes: list[CounterTake] = []
    daily: dict[int, list[Span]] = {}
    for index, day in enumerate(days):
        own = day.config if isinstance(day.config, NormWeekCounterConfig) else config
        if own.daily_threshold_minutes is None:
            continue
        threshold = own.daily_threshold_minutes
        if own.daily_basis == "norm":
            threshold += day.norm_minutes
        over = total(day.spans) - threshold
        if over > 0:
            daily[index] = last_minutes(day.spans, over)
            kept = remove(daily[index], day.claimed)
            takes.append(CounterTake(day.shift_day, "day", tuple(kept)))
    if config.weekly_threshold_minutes is None:
        return takes
    worked = sum(total(day.spans) for day in days)
    threshold = int(config.weekly_threshold_minutes * share)
    over = worked - sum(total(part) for part in daily.values()) - threshold
    if over <= 0:
        return takes
    remaining = [
        span for index, day in enumerate(days) for span in remove(day.spans, daily.get(index, ()))
    ]
    weekly = last_minutes(remaining, over)
    claimed = [span for day in days for span in day.claimed]
    for day in days:
        kept = remove([span for span in weekly if span.origin.shift_day == day.shift_day], claimed)
        if kept:
            takes.append(CounterTake(day.shift_day, "week", tuple(kept)))
    return takes


PLUGIN = Plugin(
    plugin_id="norm_week_counter",
    title="Daily and weekly overtime",
    description=(
        "Daily overtime above a threshold, then weekly overtime above a threshold, both "
        "taken from the end (of the day, of the week)."
    ),
    config_model=NormWeekCounterConfig,
    behaviour=count,
)
