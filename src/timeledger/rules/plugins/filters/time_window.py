"""`time_window`: the minutes between two local times, built per local date."""

from datetime import time, timedelta
from typing import Annotated

from pydantic import Field

from timeledger.rules.contexts import FilterContext
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.timeline import Range, Span, clip

LocalTime = Annotated[
    str,
    Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="Local time, HH:MM."),
]


class TimeWindowConfig(PluginConfig):
    from_: LocalTime = Field(alias="from", description="Start of the window, local time.")
    to: LocalTime = Field(
        description="End of the window, local time; at or before `from` crosses midnight."
    )


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def select(spans: list[Span], context: FilterContext, config: TimeWindowConfig) -> list[Span]:
    """The window is laid on each local date around the shift day (the day before, for a
    window crossing midnight into it, up to two days after, for long nights)."""
    opens, closes = _clock(config.from_), _clock(config.to)
    windows: list[Range] = []
    for offset in (-1, 0, 1, 2):
        day = context.shift_day + timedelta(days=offset)
        close_day = day + timedelta(days=1) if closes <= opens else day
        windows.append(
            (context.calendar.minute_at(day, opens), context.calendar.minute_at(close_day, closes))
        )
    return clip(spans, _merged(windows))


def _merged(ranges: list[Range]) -> list[Range]:
    merged: list[Range] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


PLUGIN = Plugin(
    plugin_id="time_window",
    title="Time window",
    description="The minutes between two local times, built per local date.",
    config_model=TimeWindowConfig,
    behaviour=select,
)
