"""`reconcile_layers`: a day's work entries must add up to its presence worked minutes."""

from collections.abc import Sequence

from pydantic import Field

from timeledger.rules.contexts import DayOutcome, Finding, clock_text
from timeledger.rules.plugins.base import Plugin, PluginConfig


class ReconcileLayersConfig(PluginConfig):
    tolerance_minutes: int = Field(ge=0, le=1440)


def check(days: Sequence[DayOutcome], config: ReconcileLayersConfig) -> list[Finding]:
    return [
        Finding(
            day.shift_day,
            "layers_differ",
            f"Work entries add up to {clock_text(day.work_entry_minutes)}, presence to "
            f"{clock_text(day.worked_minutes)}; at most {clock_text(config.tolerance_minutes)} "
            "of difference is allowed.",
        )
        for day in days
        if (day.worked_minutes or day.has_work_entries)
        and abs(day.work_entry_minutes - day.worked_minutes) > config.tolerance_minutes
    ]


PLUGIN = Plugin(
    plugin_id="reconcile_layers",
    title="Reconcile the layers",
    description=("A day's work entries must add up to its presence worked minutes."),
    config_model=ReconcileLayersConfig,
    behaviour=check,
)
