"""Settling a statement: its settlement policy's steps run in order over the figures that
were approved, and give the timebank postings (each keyed by its step), the payroll lines
and whether the period locks. Pure: the service loads the figures and the balances and
stores what this answers; a rerun with the same inputs answers the same."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from timeledger.rules.contexts import (
    MovementCause,
    OvertimeMinutes,
    PayLine,
    SettlementState,
    StepResult,
)
from timeledger.rules.facts import PluginUse
from timeledger.rules.plugins.registry import SETTLEMENT_STEPS, plugin_of
from timeledger.rules.plugins.settlement_steps.overtime_pay import all_paid

REVERSAL_STEP = "reversal"


@dataclass(frozen=True)
class SettlementFacts:
    period_start: date
    period_end: date
    flex_delta_minutes: int | None
    overtime: tuple[OvertimeMinutes, ...]
    allowances: tuple[PayLine, ...]
    """The statement's allowance lines, each under its target activity's code."""
    payout_minutes: int
    steps: tuple[PluginUse, ...]
    opening_balances: Mapping[int, int]
    """Each account's balance on the period's last day, without this settlement."""
    flex_account_id: int | None
    """The work-time policy's flex account, for `flex_limits` without `bank_norm_delta`."""


@dataclass(frozen=True)
class Movement:
    step: str
    """`{index}.{plugin_id}` of the step that posted it, or `reversal`."""
    account_id: int
    amount: int
    cause: MovementCause | str


@dataclass(frozen=True)
class Settlement:
    movements: tuple[Movement, ...]
    payroll_lines: tuple[PayLine, ...]
    locks_period: bool


def settle(facts: SettlementFacts) -> Settlement:
    state = SettlementState(
        period_start=facts.period_start,
        period_end=facts.period_end,
        flex_delta_minutes=facts.flex_delta_minutes or 0,
        overtime=facts.overtime,
        payout_minutes=facts.payout_minutes,
        balances=dict(facts.opening_balances),
        flex_account_id=facts.flex_account_id,
    )
    movements: list[Movement] = []
    pay_lines: list[PayLine] = list(facts.allowances)
    overtime_settled = locks_period = False
    for index, use in enumerate(facts.steps):
        plugin = plugin_of(SETTLEMENT_STEPS, use.plugin_id)
        assert plugin is not None, use.plugin_id
        result: StepResult = plugin.behaviour(state, use.config)
        step = f"{index}.{use.plugin_id}"
        movements += [
            Movement(step, posting.account_id, posting.amount, posting.cause)
            for posting in result.postings
            if posting.amount
        ]
        pay_lines += result.pay_lines
        overtime_settled |= result.settles_overtime
        locks_period |= result.locks_period
        state = _after(state, result)
    if not overtime_settled:
        pay_lines += all_paid(facts.overtime)
    return Settlement(tuple(movements), payroll_lines(pay_lines), locks_period)


def _after(state: SettlementState, result: StepResult) -> SettlementState:
    balances = dict(state.balances)
    for posting in result.postings:
        balances[posting.account_id] = balances.get(posting.account_id, 0) + posting.amount
    return replace(
        state,
        balances=balances,
        flex_account_id=result.banks_flex_on or state.flex_account_id,
    )


def payroll_lines(lines: Iterable[PayLine]) -> tuple[PayLine, ...]:
    """Lines of the same code and rate summed into one, ordered by code and rate; lines of
    no minutes, units or amount left out."""
    summed: dict[tuple[str, int | None], PayLine] = {}
    for line in lines:
        key = (line.code, line.rate_percent)
        known = summed.get(key)
        summed[key] = (
            line
            if known is None
            else PayLine(
                line.code,
                known.minutes + line.minutes,
                line.rate_percent,
                _sum(known.units, line.units),
                _sum(known.amount_minor, line.amount_minor),
            )
        )
    return tuple(
        line
        for _, line in sorted(summed.items(), key=lambda item: (item[0][0], item[0][1] or 0))
        if line.minutes or line.units or line.amount_minor
    )


def _sum(first: int | None, second: int | None) -> int | None:
    if first is None and second is None:
        return None
    return (first or 0) + (second or 0)


def reversal(posted: Sequence[Movement]) -> tuple[Movement, ...]:
    """What takes a settlement back: per account, the opposite of what it posted."""
    by_account: dict[int, int] = {}
    for movement in posted:
        by_account[movement.account_id] = by_account.get(movement.account_id, 0) + movement.amount
    return tuple(
        Movement(REVERSAL_STEP, account_id, -amount, "reversal")
        for account_id, amount in sorted(by_account.items())
        if amount
    )
