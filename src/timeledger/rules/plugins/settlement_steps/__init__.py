"""Settlement steps: what closing a statement does with its figures. Their configuration is
validated now; the statements' settlement job carries them out."""

from typing import Literal

from pydantic import Field, model_validator

from timeledger.rules.plugins.base import NoConfig, Plugin, PluginConfig
from timeledger.rules.plugins.filters.reasons import ReferenceId


class BankNormDeltaConfig(PluginConfig):
    account_id: ReferenceId = Field(description="Timebank account (hours) the flex delta goes to.")


class OvertimeChoiceConfig(PluginConfig):
    account_id: ReferenceId = Field(description="Timebank account (hours) banked overtime goes to.")
    supplement_always_paid: bool = Field(
        default=False, description="Pay the supplement of banked overtime too (Norway)."
    )


class FlexLimitsConfig(PluginConfig):
    max_plus_minutes: int | None = Field(default=None, ge=0, le=2**31 - 1)
    max_minus_minutes: int | None = Field(default=None, ge=0, le=2**31 - 1)
    apply_on: Literal["period", "year_end"] = "period"

    @model_validator(mode="after")
    def _limits_something(self) -> "FlexLimitsConfig":
        if self.max_plus_minutes is None and self.max_minus_minutes is None:
            raise ValueError("give max_plus_minutes, max_minus_minutes or both")
        return self


class LockPeriodConfig(NoConfig):
    pass


PLUGINS = (
    Plugin(
        plugin_id="bank_norm_delta",
        title="Bank the flex delta",
        description="The period's flex delta goes to a timebank account.",
        config_model=BankNormDeltaConfig,
    ),
    Plugin(
        plugin_id="overtime_choice",
        title="Overtime: paid or banked",
        description="Of the period's overtime, the minutes chosen at submission are paid; "
        "the rest is banked on an account.",
        config_model=OvertimeChoiceConfig,
    ),
    Plugin(
        plugin_id="flex_limits",
        title="Flex limits",
        description="A flex balance above the maximum is cut back; one below the minimum is "
        "brought back to it and the deficit reported to payroll.",
        config_model=FlexLimitsConfig,
    ),
    Plugin(
        plugin_id="lock_period",
        title="Lock the period",
        description="Locks the period's presence intervals and time entries.",
        config_model=LockPeriodConfig,
    ),
)
