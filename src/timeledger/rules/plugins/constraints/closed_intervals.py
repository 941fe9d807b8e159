"""`closed_intervals`: a presence interval still open (a forgotten clock-out) in the range."""

from collections.abc import Sequence

from timeledger.rules.contexts import DayOutcome, Finding
from timeledger.rules.plugins.base import NoConfig, Plugin


class ClosedIntervalsConfig(NoConfig):
    pass


def check(days: Sequence[DayOutcome], _config: ClosedIntervalsConfig) -> list[Finding]:
    return [
        Finding(
            day.shift_day,
            "open_interval",
            f"Presence interval {interval_id} has no end (a forgotten clock-out?); its "
            "time is not counted until it is closed.",
        )
        for day in days
        for interval_id in day.open_interval_ids
    ]


PLUGIN = Plugin(
    plugin_id="closed_intervals",
    title="Closed intervals",
    description=("A presence interval still open (a forgotten clock-out) in the range."),
    config_model=ClosedIntervalsConfig,
    behaviour=check,
)
