"""`flex_limits`: a flex balance above the maximum is cut back (it expires); one below the
minimum is brought back to it, and the deficit goes to payroll as `FLEX_DEFICIT`."""

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from timeledger.rules.contexts import PayLine, Posting, SettlementState, StepResult
from timeledger.rules.plugins.base import Plugin, PluginConfig

FLEX_DEFICIT = "FLEX_DEFICIT"


class FlexLimitsConfig(PluginConfig):
    max_plus_minutes: int | None = Field(default=None, ge=0, le=2**31 - 1)
    max_minus_minutes: int | None = Field(default=None, ge=0, le=2**31 - 1)
    apply_on: Literal["period", "year_end"] = Field(
        default="period",
        description="period: every settlement; year_end: the settlement of the period that "
        "holds 31 December.",
    )

    @model_validator(mode="after")
    def _limits_something(self) -> "FlexLimitsConfig":
        if self.max_plus_minutes is None and self.max_minus_minutes is None:
            raise ValueError("give max_plus_minutes, max_minus_minutes or both")
        return self


def limit(state: SettlementState, config: FlexLimitsConfig) -> StepResult:
    """Judges the balance of the flex account on the period's last day, after the steps
    before; nothing without a flex account."""
    account_id = state.flex_account_id
    if account_id is None or not _applies(state, config):
        return StepResult()
    balance = state.balances.get(account_id, 0)
    if config.max_plus_minutes is not None and balance > config.max_plus_minutes:
        return StepResult(
            postings=(Posting(account_id, config.max_plus_minutes - balance, "expiry"),)
        )
    if config.max_minus_minutes is not None and balance < -config.max_minus_minutes:
        deficit = -config.max_minus_minutes - balance
        return StepResult(
            postings=(Posting(account_id, deficit),),
            pay_lines=(PayLine(FLEX_DEFICIT, deficit),),
        )
    return StepResult()


def _applies(state: SettlementState, config: FlexLimitsConfig) -> bool:
    if config.apply_on == "period":
        return True
    return state.period_start <= date(state.period_start.year, 12, 31) <= state.period_end


PLUGIN = Plugin(
    plugin_id="flex_limits",
    title="Flex limits",
    description="A flex balance above the maximum is cut back; one below the minimum is "
    "brought back to it and the deficit reported to payroll.",
    config_model=FlexLimitsConfig,
    behaviour=limit,
)
