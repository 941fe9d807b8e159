"""Settlement steps: what closing a statement does with its figures, in the policy's order.
Each module holds a step's config and its behaviour `(SettlementState, config) ->
StepResult`; `timeledger.rules.settlement` runs them."""

from timeledger.rules.plugins.settlement_steps import (
    bank_norm_delta,
    flex_limits,
    lock_period,
    overtime_choice,
)

PLUGINS = (bank_norm_delta.PLUGIN, overtime_choice.PLUGIN, flex_limits.PLUGIN, lock_period.PLUGIN)
