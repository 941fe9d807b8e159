"""`bank_norm_delta`: the period's flex delta goes to a timebank account."""

from pydantic import Field

from timeledger.rules.contexts import Posting, SettlementState, StepResult
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.plugins.filters.reasons import ReferenceId


class BankNormDeltaConfig(PluginConfig):
    account_id: ReferenceId = Field(description="Timebank account (hours) the flex delta goes to.")


def bank(state: SettlementState, config: BankNormDeltaConfig) -> StepResult:
    delta = state.flex_delta_minutes
    postings = (Posting(config.account_id, delta),) if delta else ()
    return StepResult(postings=postings, banks_flex_on=config.account_id)


PLUGIN = Plugin(
    plugin_id="bank_norm_delta",
    title="Bank the flex delta",
    description="The period's flex delta goes to a timebank account.",
    config_model=BankNormDeltaConfig,
    behaviour=bank,
)
