"""`overtime_choice`: of the period's overtime, the minutes chosen at submission are paid
and the rest is banked."""

from pydantic import Field

from timeledger.rules.contexts import Posting, SettlementState, StepResult
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.plugins.filters.reasons import ReferenceId
from timeledger.rules.plugins.settlement_steps.overtime_pay import (
    base_pay,
    split_overtime,
    supplement_pay,
)


class OvertimeChoiceConfig(PluginConfig):
    account_id: ReferenceId = Field(description="Timebank account (hours) banked overtime goes to.")
    supplement_always_paid: bool = Field(
        default=False,
        description="Bank overtime minute for minute and pay the supplement of banked minutes "
        "too (Norwegian practice); without it, banked minutes carry their rate "
        "(60 minutes at 150 % bank 90).",
    )


def choose(state: SettlementState, config: OvertimeChoiceConfig) -> StepResult:
    split = split_overtime(state.overtime, state.payout_minutes)
    if config.supplement_always_paid:
        banked = sum(part.minutes for part in split.banked)
        supplemented = split.paid + split.banked + split.in_flex
    else:
        banked = sum(banked_at_rate(part.minutes, part.rate_percent) for part in split.banked)
        supplemented = split.paid + split.in_flex
    pay_lines = base_pay(split.paid) + supplement_pay(supplemented)
    postings = (Posting(config.account_id, banked),) if banked else ()
    return StepResult(postings=postings, pay_lines=pay_lines, settles_overtime=True)


def banked_at_rate(minutes: int, rate_percent: int) -> int:
    """Minutes times the rate, rounded half up to the minute."""
    return (minutes * rate_percent + 50) // 100


PLUGIN = Plugin(
    plugin_id="overtime_choice",
    title="Overtime: paid or banked",
    description="Of the period's overtime, the minutes chosen at submission are paid; "
    "the rest is banked on an account.",
    config_model=OvertimeChoiceConfig,
    behaviour=choose,
)
