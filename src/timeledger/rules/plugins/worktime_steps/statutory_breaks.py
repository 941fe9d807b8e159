"""`statutory_breaks`: the breaks a law requires after so many minutes of work, deducted
when they were not taken (German ArbZG §4, Norwegian AML §10-9). A break taken is any gap
in the day's work of at least `min_segment_minutes`: a recorded break, the time between
two intervals, an earlier step's deduction."""

from typing import Literal

from pydantic import Field, model_validator

from timeledger.rules.contexts import WorkDay
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.plugins.worktime_steps.placement import placed_deduction
from timeledger.rules.timeline import Span, total


class BreakTier(PluginConfig):
    after_minutes: int = Field(ge=0, le=1440, description="Work of more than this ...")
    break_minutes: int = Field(ge=1, le=1440, description="... requires this much break.")


class StatutoryBreaksConfig(PluginConfig):
    tiers: list[BreakTier] = Field(min_length=1, max_length=10)
    min_segment_minutes: int = Field(
        default=0, ge=0, le=1440, description="Breaks taken shorter than this do not count."
    )
    mode: Literal["cap", "full"] = Field(
        description="full: deduct the breaks required minus those taken; cap: keep the "
        "largest worked time that fits in the presence together with the breaks it requires."
    )

    @model_validator(mode="after")
    def _tiers_grow(self) -> "StatutoryBreaksConfig":
        for lower, upper in zip(self.tiers, self.tiers[1:], strict=False):
            if upper.after_minutes <= lower.after_minutes:
                raise ValueError("tiers must be ordered by growing after_minutes")
            if upper.break_minutes <= lower.break_minutes:
                raise ValueError("a later tier must require a longer break")
        return self


def deduct(day: WorkDay, config: StatutoryBreaksConfig) -> list[Span]:
    worked = total(day.spans)
    taken = sum(minutes for minutes in day.break_minutes if minutes >= config.min_segment_minutes)
    if config.mode == "full":
        deduction = max(0, _required_break(config, worked) - taken)
    else:
        deduction = worked - _largest_fitting_work(config, worked, taken)
    return placed_deduction(day.spans, min(deduction, worked), config.tiers[0].after_minutes)


def _required_break(config: StatutoryBreaksConfig, worked: int) -> int:
    required = 0
    for tier in config.tiers:
        if worked > tier.after_minutes:
            required = tier.break_minutes
    return required


def _largest_fitting_work(config: StatutoryBreaksConfig, present: int, taken: int) -> int:
    """The most minutes of work W <= `present` such that W plus the break W requires (less
    the breaks taken) fits in `present`. Each tier bounds W to its own stretch of the
    step function, so each stretch has one candidate: its largest fitting value."""
    bounds = [-1, *(tier.after_minutes for tier in config.tiers), present]
    breaks = [0, *(tier.break_minutes for tier in config.tiers)]
    best = 0
    for level, required in enumerate(breaks):
        lower, upper = bounds[level], bounds[level + 1]
        candidate = min(upper, present - max(0, required - taken))
        if candidate > lower:
            best = max(best, candidate)
    return best


PLUGIN = Plugin(
    plugin_id="statutory_breaks",
    title="Statutory breaks",
    description=(
        "The breaks a law requires after so many minutes of work, deducted when they were"
        " not taken (German ArbZG §4, Norwegian AML §10-9)."
    ),
    config_model=StatutoryBreaksConfig,
    behaviour=deduct,
)
