"""The catalogue: every registry and its plugins, and the checks of a policy's plugin
references against it."""

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from timeledger.kit.errors import Unprocessable
from timeledger.rules.plugins import settlement_steps
from timeledger.rules.plugins.accruals import annual_grant, periodic
from timeledger.rules.plugins.base import Plugin, PluginConfig, Registry
from timeledger.rules.plugins.calculators import amount, count, rate
from timeledger.rules.plugins.constraints import (
    closed_intervals,
    continuous_work,
    daily_rest,
    max_daily_work,
    overtime_limits,
    reconcile_layers,
    weekly_average,
)
from timeledger.rules.plugins.counters import norm_week_counter
from timeledger.rules.plugins.expirations import carry_over_cap
from timeledger.rules.plugins.filters import activities, holidays, reasons, time_window, weekdays
from timeledger.rules.plugins.usage_rules import norm_minutes, workdays
from timeledger.rules.plugins.worktime_steps import auto_deduction, statutory_breaks

FILTERS = "filters"
CALCULATORS = "calculators"
COUNTERS = "counters"
WORKTIME_STEPS = "worktime-steps"
CONSTRAINTS = "constraints"
SETTLEMENT_STEPS = "settlement-steps"
USAGE_RULES = "usage-rules"
ACCRUALS = "accruals"
EXPIRATIONS = "expirations"


def _registry(name: str, title: str, *plugins: Plugin) -> Registry:
    return Registry(name, title, {plugin.plugin_id: plugin for plugin in plugins})


REGISTRIES: Mapping[str, Registry] = {
    registry.name: registry
    for registry in (
        _registry(
            FILTERS,
            "Filters select the minutes an allowance rule applies to",
            time_window.PLUGIN,
            weekdays.PLUGIN,
            holidays.PLUGIN,
            reasons.PLUGIN,
            activities.PLUGIN,
        ),
        _registry(
            CALCULATORS,
            "Calculators turn selected minutes into figures",
            rate.PLUGIN,
            count.PLUGIN,
            amount.PLUGIN,
        ),
        _registry(
            COUNTERS,
            "Counters find overtime by daily and weekly thresholds",
            norm_week_counter.PLUGIN,
        ),
        _registry(
            WORKTIME_STEPS,
            "Work-time steps deduct minutes from a day's worked time",
            statutory_breaks.PLUGIN,
            auto_deduction.PLUGIN,
        ),
        _registry(
            CONSTRAINTS,
            "Constraints report issues; they never change figures",
            daily_rest.PLUGIN,
            max_daily_work.PLUGIN,
            continuous_work.PLUGIN,
            overtime_limits.PLUGIN,
            weekly_average.PLUGIN,
            closed_intervals.PLUGIN,
            reconcile_layers.PLUGIN,
        ),
        _registry(
            SETTLEMENT_STEPS,
            "Settlement steps say what closing a statement does with its figures",
            *settlement_steps.PLUGINS,
        ),
        _registry(
            USAGE_RULES,
            "Usage rules say what a day of time off takes from its account",
            workdays.PLUGIN,
            norm_minutes.PLUGIN,
        ),
        _registry(
            ACCRUALS,
            "Accruals grant time off period by period",
            annual_grant.PLUGIN,
            periodic.PLUGIN,
        ),
        _registry(
            EXPIRATIONS,
            "Expirations say what of a balance lapses after a year end",
            carry_over_cap.PLUGIN,
        ),
    )
}


def plugin_of(registry: str, plugin_id: str) -> Plugin | None:
    plugins = REGISTRIES[registry].plugins
    return plugins.get(plugin_id)


def parse_config(registry: str, reference: Mapping[str, Any], location: str) -> PluginConfig:
    """The config of a plugin reference `{plugin_id, config}` as its plugin's model; a 422
    naming the field (`<location>.plugin_id`, `<location>.config.<field>`) otherwise."""
    plugin_id = reference.get("plugin_id")
    plugin = plugin_of(registry, plugin_id) if isinstance(plugin_id, str) else None
    if plugin is None:
        known = ", ".join(REGISTRIES[registry].plugins)
        raise Unprocessable.at(
            f"{location}.plugin_id",
            f"{location.removeprefix('body.')}.plugin_id: there is no {registry} plugin "
            f"{plugin_id!r}; known: {known}.",
            "unknown plugin",
        )
    try:
        return plugin.config_model.model_validate(reference.get("config") or {})
    except ValidationError as invalid:
        errors = [
            {
                "location": ".".join([f"{location}.config", *(str(part) for part in error["loc"])]),
                "message": error["msg"],
                "type": error["type"],
            }
            for error in invalid.errors(include_input=False, include_url=False)
        ]
        raise Unprocessable(
            f"The config of {registry} plugin {plugin_id!r} at "
            f"{location.removeprefix('body.')} is not valid.",
            errors=errors,
        ) from None
